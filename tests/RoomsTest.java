// The rooms of scripts/lab depend one way: no file uses a file that (through others) uses it back,
// so each room can be read, and changed, with only the rooms below it in mind. A use is a file's
// code naming another file's class, comments and strings left out.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RoomsTest {
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])+'", Pattern.DOTALL);

    /**
     * The rooms map reads on one screen of 80 columns, names every room, and leads in one step to the
     * room for adding a setting, adding an auth method and changing how a publish is confirmed.
     */
    @Test
    void theRoomsMapFitsOneScreenAndNamesEveryRoom() throws Exception {
        Path lab = Run.REPO.resolve("scripts/lab");
        List<String> lines = Files.readAllLines(lab.resolve("README.md"));
        int folded = 0;
        for (String line : lines) {
            folded += Math.max(1, (line.length() + 79) / 80);
        }
        org.junit.jupiter.api.Assertions.assertTrue(folded <= 50, "scripts/lab/README.md: " + folded + " lines at 80 columns");
        String map = String.join("\n", lines);
        List<String> unnamed = new ArrayList<>();
        try (Stream<Path> files = Files.list(lab)) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".java"))
                    .map(name -> name.substring(0, name.length() - ".java".length()))
                    .filter(room -> !Pattern.compile("`" + room + "(\\.java)?`").matcher(map).find()).sorted().forEach(unnamed::add);
        }
        assertEquals(List.of(), unnamed, "rooms scripts/lab/README.md does not name");
        for (String task : List.of("**Add a setting**", "**Add an auth method**", "**Change how js-pub confirms a publish**")) {
            org.junit.jupiter.api.Assertions.assertTrue(map.contains(task), task);
        }
    }

    @Test
    void noRoomUsesOneThatUsesItBack() throws Exception {
        Map<String, Set<String>> uses = uses(Run.REPO.resolve("scripts/lab"));
        List<String> loops = new ArrayList<>();
        for (String room : uses.keySet()) {
            for (String used : uses.get(room)) {
                List<String> back = path(uses, used, room, new TreeSet<>());
                if (back != null) {
                    loops.add(room + " -> " + String.join(" -> ", back));
                }
            }
        }
        assertEquals(List.of(), loops, "rooms that use each other");
    }

    /**
     * A room's //SOURCES names only rooms its code uses: a stale entry would send a reader (and JBang)
     * to a file that has nothing to do with this one.
     */
    @Test
    void everySourcesEntryIsUsed() throws Exception {
        Path folder = Run.REPO.resolve("scripts/lab");
        Map<String, Set<String>> uses = uses(folder);
        List<String> stale = new ArrayList<>();
        for (String room : uses.keySet()) {
            for (String line : Files.readAllLines(folder.resolve(room + ".java"))) {
                if (line.startsWith("//SOURCES ")) {
                    for (String entry : line.substring("//SOURCES ".length()).trim().split("\\s+")) {
                        String named = entry.replaceAll("^.*/", "").replace(".java", "");
                        if (!uses.get(room).contains(named)) {
                            stale.add(room + ".java: //SOURCES " + entry);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), stale, "//SOURCES entries whose class the file's code never names");
    }

    /** Each file's class name and the other classes of the folder its code names. */
    static Map<String, Set<String>> uses(Path folder) throws Exception {
        Map<String, String> code = new TreeMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = file.getFileName().toString().replace(".java", "");
                code.put(name, COMMENTS_AND_STRINGS.matcher(Files.readString(file)).replaceAll(" "));
            }
        }
        Map<String, Set<String>> uses = new TreeMap<>();
        code.forEach((room, text) -> {
            Set<String> named = new TreeSet<>();
            for (String other : code.keySet()) {
                if (!other.equals(room) && Pattern.compile("\\b" + other + "\\b").matcher(text).find()) {
                    named.add(other);
                }
            }
            uses.put(room, named);
        });
        return uses;
    }

    /** A way from `from` to `to` through the uses (from first, to last), or null. */
    private static List<String> path(Map<String, Set<String>> uses, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return new ArrayList<>(List.of(to));
        }
        if (!seen.add(from)) {
            return null;
        }
        for (String next : uses.getOrDefault(from, Set.of())) {
            List<String> rest = path(uses, next, to, seen);
            if (rest != null) {
                rest.add(0, from);
                return rest;
            }
        }
        return null;
    }
}
