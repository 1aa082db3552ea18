// The main README's output blocks, replayed: the quick start's `make demo` on a fresh machine, the
// "Many messages" runs with their figures masked, the --show-config transcript, and a Layout block
// that names every file in scripts/. The lab README's blocks are LessonTest's.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainReadmeTest extends WithServer {
    private static final Path README = Run.REPO.resolve("README.md");
    private static final String DOCUMENTED_URL = "nats://127.0.0.1:4222";
    private static final String DOCUMENTED_STATE = ".lab/nats-4222/";
    /** bin/jbang's line when it fetches JBang: on stderr, and on the first run only. */
    private static final Pattern FIRST_RUN_ONLY = Pattern.compile("jbang: fetching JBang [0-9.]+ from Maven Central \\(once\\) \\.\\.\\.");

    /** The quick start's `make demo`, with no server at the URL: it starts one and prints the README's block. */
    @Test
    void makeDemoPrintsTheQuickStartBlock() throws Exception {
        LessonTest.Block shown = outputAfter("Quick start", "make demo");
        List<String> expected = new ArrayList<>(shown.lines());
        assertTrue(FIRST_RUN_ONLY.matcher(expected.get(0)).matches(), "the block starts with bin/jbang's first-run line: " + expected);
        assertTrue(shown.before().contains("first line on a first run only"), shown.before());
        String version = Files.readString(Run.REPO.resolve("tools/jbang/pom.xml")).replaceAll("(?s).*<jbang.version>(.*?)</jbang.version>.*", "$1");
        assertEquals("jbang: fetching JBang " + version + " from Maven Central (once) ...", expected.remove(0),
                "the version bin/jbang fetches");
        int port = NatsServer.freePort();
        String url = "nats://127.0.0.1:" + port;
        Path state = Sandbox.labState().resolve("nats-" + port);
        try {
            Run.Result first = WithServer.ok(Run.command("bash", "-c", "make demo 2>&1").env("NATS_URL", url).timeout(600).go()); // builds all it runs
            assertEquals(expected.stream().map(line -> line.replace(DOCUMENTED_URL, url)
                    .replace(DOCUMENTED_STATE, state + "/")).toList(), first.outLines());
            // The prose after it: "Run it again and the stream and consumer are reported as `already exists,
            // unchanged`, and the sequence numbers go on from 3"; the server now answers, so make uses it.
            assertTrue(prose("Quick start").replaceAll("\\s+", " ")
                    .contains("reported as `already exists, unchanged`, and the sequence numbers go on from 3"));
            // make demo's steps again: make server, then the scripts as its recipe runs them (make's own path is shown above)
            List<String> again = new ArrayList<>(WithServer.ok(Run.command("make", "server").env("NATS_URL", url).go()).outLines());
            for (String step : List.of("make run BIN=js-bootstrap", "make run BIN=js-pub MSG='first message'",
                    "make run BIN=js-pub MSG='second message'", "make run BIN=js-pull", "make run BIN=js-purge")) {
                again.addAll(WithServer.ok(demoStep(step).env("NATS_URL", url).go()).outLines());
            }
            assertEquals(List.of(
                    "lab-server: a NATS server with JetStream already answers at " + url + "; using it",
                    "INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file)",
                    "INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s)",
                    "INFO published \"first message\" to stream LAB4_STREAM (seq 3)",
                    "INFO published \"second message\" to stream LAB4_STREAM (seq 4)",
                    "INFO pulled message: \"first message\"",
                    "INFO acked",
                    "INFO pulled message: \"second message\"",
                    "INFO acked",
                    "INFO done: 2 messages pulled and acked; none arrived in the last 5s",
                    "INFO purged 2 messages from stream LAB4_STREAM"), again);
        } finally {
            Run.command("make", "server-stop").env("NATS_URL", url).go(); // the runner reports it if this failed
            Run.deleteTree(state);
        }
    }

    /** "Many messages, and how fast": the two commands as written; counts exact, rates and times masked. */
    @Test
    void bulkRunsPrintTheLinesTheReadmeShowsWithTheirOwnFigures() throws Exception {
        List<LessonTest.Block> blocks = chapter("Many messages, and how fast");
        LessonTest.Block commands = blocks.stream().filter(b -> b.info().equals("bash")).findFirst().orElseThrow();
        LessonTest.Block output = blocks.get(blocks.indexOf(commands) + 1);
        bootstrap();
        List<String> printed = new ArrayList<>();
        for (String line : commands.lines()) { // in the test JVM: make's own path is the quick start's (above)
            String command = line.replaceAll("\\s+#.*$", "");
            Run inside = MakeRun.script(command);
            printed.addAll(WithServer.ok((inside != null ? inside : Run.command("bash", "-c", command)).server(server).timeout(300).go())
                    .outLines());
        }
        assertEquals(output.lines().stream().map(MainReadmeTest::figuresMasked).toList(),
                printed.stream().map(MainReadmeTest::figuresMasked).toList());
    }

    /** The `$ NATS_PASSWORD=... bin/jbang js-info --show-config --user alice` transcript, "..." for lines left out. */
    @Test
    void showConfigTranscriptPrintsWhatTheReadmeShows() throws Exception {
        List<LessonTest.Block> transcripts = blocks().stream()
                .filter(b -> b.info().isEmpty() && !b.lines().isEmpty() && b.lines().get(0).startsWith("$ ")).toList();
        assertTrue(!transcripts.isEmpty(), "the README has a --show-config transcript");
        for (LessonTest.Block transcript : transcripts) {
            String command = transcript.lines().get(0).substring(2);
            Run.Result result = Run.command("bash", "-c", command + " 2>&1").go();
            List<String> expected = transcript.lines().subList(1, transcript.lines().size()).stream()
                    .map(line -> line.replace("/path/to/the/lab", Run.REPO.toString())).toList();
            // JBang's "[jbang] Building jar ..." comes once after a change to the script: not part of the transcript
            List<String> printed = result.outLines().stream().filter(line -> !line.startsWith("[jbang] ")).toList();
            assertTrue(LessonTest.matches(expected, printed), command + "\n--- the README shows\n"
                    + String.join("\n", expected) + "\n--- the run printed\n" + result.out());
        }
    }

    /**
     * The two config files side by side (root left, lab right, optional sections at their defaults):
     * every setting shown is the one in force without flags or environment, as --show-config-lines says.
     */
    @Test
    void quotedConfigFilesShowTheSettingsInForce() throws Exception {
        LessonTest.Block quoted = blocks().stream().filter(b -> b.info().equals("toml")).findFirst().orElseThrow();
        int right = quoted.lines().get(0).indexOf("# labs/");
        assertTrue(right > 0, "the block's first line names both files: " + quoted.lines().get(0));
        List<String> shown = new ArrayList<>();
        for (int column = 0; column < 2; column++) {
            String section = "";
            for (String line : quoted.lines()) {
                String cell = (column == 0 ? line.substring(0, Math.min(right, line.length()))
                        : line.length() > right ? line.substring(right) : "").replaceAll("#.*", "").strip();
                if (cell.startsWith("[")) {
                    section = cell.substring(1, cell.indexOf(']'));
                } else if (cell.contains("=")) {
                    String[] pair = cell.split("=", 2);
                    shown.add(section + "." + pair[0].strip() + "=" + pair[1].strip().replaceAll("^\"(.*)\"$", "$1"));
                }
            }
        }
        assertTrue(shown.size() >= 10, shown.toString());
        List<String> inForce = WithServer.ok(Run.script("JsInfo", "--show-config-lines").go()).outLines();
        for (String setting : shown) {
            assertTrue(inForce.contains(setting), "README.md shows " + setting + "; in force:\n" + String.join("\n", inForce));
        }
    }

    /** The Layout block names every file of scripts/ and scripts/lab/ under its folder, with its job, and none that is gone. */
    @Test
    void layoutNamesEveryScriptFile() throws Exception {
        List<String> layout = chapter("Layout").get(0).lines();
        for (String folder : List.of("scripts/", "scripts/lab/")) {
            int start = layout.indexOf(layout.stream().filter(line -> line.startsWith(folder + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("README.md's Layout has no line for " + folder)));
            List<String> named = new java.util.ArrayList<>();
            for (String line : layout.subList(start + 1, layout.size())) {
                if (!line.matches("  \\w+\\.java +\\S.*")) {
                    break;
                }
                named.add(line.strip().split(" ")[0]);
            }
            List<String> files;
            try (Stream<Path> list = Files.list(Run.REPO.resolve(folder))) {
                files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).sorted().toList();
            }
            assertEquals(files, named.stream().sorted().toList(), "README.md's Layout against " + folder);
        }
    }

    /**
     * bin/, tools/ and bench/ are described in a few lines each, but every file in them (and in their
     * folders) is named there by its file name: a file added without a word in Layout fails here.
     */
    @Test
    void layoutNamesEveryFileOfTheOtherFolders() throws Exception {
        List<String> layout = chapter("Layout").get(0).lines();
        for (String folder : List.of("bin/", "tools/", "bench/")) {
            int start = layout.indexOf(layout.stream().filter(line -> line.startsWith(folder + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("README.md's Layout has no line for " + folder)));
            StringBuilder block = new StringBuilder(layout.get(start));
            for (String line : layout.subList(start + 1, layout.size())) {
                if (!line.startsWith(" ")) {
                    break;
                }
                block.append(' ').append(line.strip());
            }
            List<String> missing;
            try (Stream<Path> files = Files.walk(Run.REPO.resolve(folder))) {
                missing = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                        .filter(name -> !java.util.regex.Pattern.compile("(?<![\\w.-])" + java.util.regex.Pattern.quote(name)
                                + "(?![\\w-])").matcher(block).find())
                        .sorted().toList();
            }
            assertEquals(List.of(), missing, "files of " + folder + " that README.md's Layout does not name");
        }
    }

    /** A `make run` line as make demo's recipe runs it: the script inside the test JVM. */
    private static Run demoStep(String line) {
        Run step = MakeRun.script(line);
        assertTrue(step != null, line);
        return step;
    }

    private static String figuresMasked(String line) {
        return line.contains("msgs/s") ? line.replaceAll("\\d[\\d,.]*", "#") : line;
    }

    private static LessonTest.Block outputAfter(String chapter, String command) throws Exception {
        List<LessonTest.Block> blocks = chapter(chapter);
        for (int i = 0; i < blocks.size() - 1; i++) {
            if (blocks.get(i).info().equals("bash") && blocks.get(i).lines().stream().anyMatch(l -> l.startsWith(command))) {
                return blocks.stream().skip(i + 1).filter(b -> b.info().isEmpty()).findFirst().orElseThrow();
            }
        }
        throw new AssertionError("README.md's \"" + chapter + "\" has no ```bash block with " + command);
    }

    private static List<LessonTest.Block> chapter(String name) throws Exception {
        List<LessonTest.Block> found = blocks().stream().filter(b -> b.chapter().equals(name)).toList();
        assertTrue(!found.isEmpty(), "README.md has a chapter \"" + name + "\" with blocks");
        return found;
    }

    private static String prose(String chapter) throws Exception {
        String text = Files.readString(README);
        int start = text.indexOf("## " + chapter + "\n");
        return text.substring(start, text.indexOf("\n## ", start + 1));
    }

    private static List<LessonTest.Block> blocks() throws Exception {
        return LessonTest.blocks(README);
    }
}
