// The lab README's Java snippets are the scripts' lesson methods, word for word: a marker line
// `<!-- snippet: scripts/JsPub.java publishEach -->` names the file and method, and the ```java
// block after it must be that method as it is now. Each script has its lesson quoted, and the
// quoted method is on the script's first screen: within 25 lines below its imports, above the
// script's flags and help text (those come after it).

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadmeSnippetTest {
    private static final Path README = Run.REPO.resolve("labs/lab4_jetstream_basics/README.md");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+) (\\w+) -->");
    private static final int FIRST_SCREEN = 25;

    record Snippet(String file, String method, List<String> code) {
        String label() {
            return file + " " + method;
        }
    }

    @TestFactory
    Stream<DynamicTest> eachSnippetIsTheMethodItQuotes() throws Exception {
        List<Snippet> snippets = snippets();
        assertTrue(snippets.size() >= 5, "the lab README should quote the five lessons, quotes " + snippets.size());
        return snippets.stream().map(snippet -> DynamicTest.dynamicTest(snippet.label(), () -> {
            List<String> lines = Files.readAllLines(Run.REPO.resolve(snippet.file()));
            int[] range = method(lines, snippet.method(), snippet.label());
            assertEquals(String.join("\n", dedent(lines.subList(range[0], range[1]))), String.join("\n", dedent(snippet.code())),
                    snippet.label() + ": the README's snippet differs from the code; paste the method as it is now");
            int lastImport = 0;
            for (int i = 0; i < lines.size(); i++) {
                lastImport = lines.get(i).startsWith("import ") ? i : lastImport;
            }
            assertTrue(range[0] - lastImport <= FIRST_SCREEN, snippet.label() + " starts " + (range[0] - lastImport)
                    + " lines below the imports: a lesson belongs on the first screen (at most " + FIRST_SCREEN + ")");
        }));
    }

    @Test
    void everyScriptHasItsLessonQuoted() throws Exception {
        Set<String> quoted = new TreeSet<>();
        snippets().forEach(snippet -> quoted.add(snippet.file()));
        Set<String> scripts = new TreeSet<>();
        try (Stream<Path> files = Files.list(Run.REPO.resolve("scripts"))) {
            files.map(path -> "scripts/" + path.getFileName()).filter(name -> name.matches("scripts/Js\\w+\\.java"))
                    .forEach(scripts::add);
        }
        assertEquals(scripts, quoted);
    }

    /**
     * Every lesson script of scripts/ (the course's too) opens with its lesson: the first method
     * below the imports starts within FIRST_SCREEN lines of them, and no flag (@Option, @Parameters,
     * @Mixin) and no help text (the @Command's description and footer) stands above it.
     */
    @TestFactory
    Stream<DynamicTest> everyScriptOpensWithItsLesson() throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(Run.REPO.resolve("scripts"))) {
            scripts = files.filter(path -> path.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(scripts.size() >= 9, scripts.toString());
        Pattern method = Pattern.compile("^    [\\w<>\\[\\], ?]+\\s\\w+\\(");
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            List<String> lines = Files.readAllLines(script);
            int lastImport = 0;
            for (int i = 0; i < lines.size(); i++) {
                lastImport = lines.get(i).startsWith("import ") ? i : lastImport;
            }
            int first = lastImport;
            while (first < lines.size() && !(method.matcher(lines.get(first)).find() && !lines.get(first).contains("="))) {
                first++;
            }
            assertTrue(first - lastImport <= FIRST_SCREEN, script.getFileName() + ": its first method starts "
                    + (first - lastImport) + " lines below the imports (at most " + FIRST_SCREEN + ")");
            for (String line : lines.subList(lastImport, first)) {
                assertTrue(!line.contains("@Option") && !line.contains("@Parameters") && !line.contains("@Mixin")
                        && !line.matches("\\s*(description|footer) = \\{.*") && !line.matches("\\s+\"  .*"),
                        script.getFileName() + ": flags and help text go below the lesson, found above it: " + line.strip());
            }
        }));
    }

    /** Each marker and the ```java block right after it (list items indent both). */
    private static List<Snippet> snippets() throws Exception {
        List<Snippet> snippets = new ArrayList<>();
        List<String> lines = Files.readAllLines(README);
        for (int i = 0; i < lines.size(); i++) {
            Matcher marker = MARKER.matcher(lines.get(i));
            if (!marker.find()) {
                continue;
            }
            assertEquals("```java", lines.get(i + 1).strip(), "a ```java block must follow " + lines.get(i));
            int end = i + 2;
            while (!lines.get(end).strip().equals("```")) {
                end++;
            }
            snippets.add(new Snippet(marker.group(1), marker.group(2), lines.subList(i + 2, end)));
        }
        return snippets;
    }

    /** [first, end) of the method's lines: its doc comment and annotations, down to its closing brace. */
    private static int[] method(List<String> lines, String name, String label) {
        Pattern declaration = Pattern.compile("^(\\s+)[\\w<>\\[\\], ?]+\\s" + name + "\\(");
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = declaration.matcher(lines.get(i));
            if (m.find() && !lines.get(i).contains("=") && !lines.get(i).contains("return ")) {
                String indent = m.group(1);
                int first = i;
                while (first > 0 && isDocOrAnnotation(lines.get(first - 1))) {
                    first--;
                }
                int end = i;
                while (!lines.get(end).equals(indent + "}")) {
                    end++;
                }
                return new int[] {first, end + 1};
            }
        }
        throw new AssertionError(label + ": no method " + name + " in the file");
    }

    private static boolean isDocOrAnnotation(String line) {
        String text = line.strip();
        return text.startsWith("/**") || text.startsWith("*") || text.startsWith("//") || text.startsWith("@");
    }

    private static List<String> dedent(List<String> lines) {
        int indent = lines.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return lines.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList();
    }

    /**
     * A failed `make run` in a transcript shows make's own line, which names the line of the run
     * recipe in the Makefile: a line added above it must move the number in every README.
     */
    @Test
    void makesErrorLineNamesTheRunRecipesLine() throws Exception {
        List<String> makefile = Files.readAllLines(Run.REPO.resolve("Makefile"));
        // make names the first line of the failed command: the one that runs the script, with the lines it continues
        int start = makefile.indexOf(makefile.stream().filter(l -> l.contains("bin/lab-server ensure")).findFirst().orElseThrow());
        while (makefile.get(start - 1).endsWith("\\")) {
            start--;
        }
        int recipe = start + 1;
        Pattern shown = Pattern.compile("\\[Makefile:(\\d+): run\\]");
        try (var readmes = Files.walk(Run.REPO.resolve("labs"))) {
            for (Path readme : readmes.filter(p -> p.getFileName().toString().equals("README.md")).toList()) {
                Matcher m = shown.matcher(Files.readString(readme));
                while (m.find()) {
                    assertEquals(String.valueOf(recipe), m.group(1), readme + " quotes make's error line");
                }
            }
        }
    }
}
