// The scripts compile the same in any locale: Java 17's javac reads a source file in the locale's
// encoding, and a login shell on a machine without LANG has US-ASCII, where a literal µ is an
// error. So what users compile (scripts/, tools/) is plain ASCII, with unicode escapes for the rest.
// (Tests and bench are compiled with -encoding UTF-8: see their //COMPILE_OPTIONS.)
// And they print the same in any locale: each case conversion and format call names its locale.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SourceTextTest {
    @Test
    void whatUsersCompileIsAscii() throws Exception {
        List<String> offending;
        try (Stream<Path> files = Stream.of("scripts", "tools").flatMap(SourceTextTest::javaFiles)) {
            offending = files.filter(SourceTextTest::hasNonAscii).map(p -> Run.REPO.relativize(p).toString()).toList();
        }
        assertEquals(List.of(), offending, "source files with a byte above 127 (write \\u00b5 and the like instead)");
    }

    /** Comments say why, not when or for whom: an issue number means nothing to a reader of the code. */
    @Test
    void noIssueNumbers() throws Exception {
        Pattern issue = Pattern.compile("(?i)\\bissues? #?\\d+|(?<=[\\s(])#\\d+\\b");
        List<String> offending = new ArrayList<>();
        for (String folder : List.of("scripts", "tests", "bin", "tools", "bench")) {
            try (Stream<Path> files = Files.walk(Run.REPO.resolve(folder))) {
                for (Path file : files.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*(\\.java|\\.md|\\.bash|\\.sh|\\.awk|/[^./]+)$")).toList()) {
                    List<String> lines = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).lines().toList();
                    for (int i = 0; i < lines.size(); i++) {
                        if (issue.matcher(lines.get(i)).find()) {
                            offending.add(Run.REPO.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), offending, "issue numbers in the code's text");
    }

    /**
     * Facts the scripts state in words live in one file each, however many places say them: the line about
     * stdout (Stdout.java) and the word for a limit that is none (Limit.java, which also decides what is none).
     */
    @Test
    void factsInWordsAreWrittenOnce() throws Exception {
        for (String[] fact : new String[][] {{"stdout could not be written", "Stdout.java"}, {"unlimited", "Limit.java"}}) {
            Pattern literal = Pattern.compile("\"[^\"\n]*\\b" + Pattern.quote(fact[0]) + "\\b[^\"\n]*\"");
            List<String> writing = new ArrayList<>();
            try (Stream<Path> files = Stream.of("scripts", "tools").flatMap(SourceTextTest::javaFiles)) {
                for (Path file : files.toList()) {
                    String code = Files.readString(file).replaceAll("(?m)^\\s*(//|/?\\*).*$", ""); // comments may name it
                    if (literal.matcher(code).find()) {
                        writing.add(file.getFileName().toString());
                    }
                }
            }
            assertEquals(List.of(fact[1]), writing, "the files whose code writes \"" + fact[0] + "\"");
        }
    }

    /**
     * A call that reads the JVM's default locale writes 1.500 or Arabic-Indic digits, or lower-cases a
     * Turkish I to a dotless i, in some user's language: every one in scripts/ and tools/ names
     * Locale.ROOT (CommandRunner pins the default too, but a tool or a class set up before it does not rely on that).
     */
    @Test
    void caseAndFormatCallsNameTheirLocale() throws Exception {
        Pattern withoutLocale = Pattern.compile("\\.to(?:Lower|Upper)Case\\(\\)"
                + "|(?:String\\.format|\\.printf|System\\.(?:out|err)\\.format|MessageFormat\\.format|new Formatter)\\((?!\\s*Locale\\.)"
                + "|ofPattern\\(\"[^\"]*\"\\)|\\.formatted\\(|NumberFormat\\.get\\w*Instance\\(\\)|new DecimalFormat\\(");
        List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Stream.of("scripts", "tools").flatMap(SourceTextTest::javaFiles)) {
            for (Path file : files.toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).replaceAll("^\\s*(//|/?\\*).*", "").replaceAll("\\s//\\s.*", "");
                    if (withoutLocale.matcher(code).find()) {
                        offending.add(Run.REPO.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), offending, "calls that depend on the default locale (give Locale.ROOT)");
    }

    private static Stream<Path> javaFiles(String folder) {
        try {
            return Files.walk(Run.REPO.resolve(folder)).filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean hasNonAscii(Path file) {
        try {
            for (byte b : Files.readAllBytes(file)) {
                if (b < 0) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
