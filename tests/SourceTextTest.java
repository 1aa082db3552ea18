// The scripts compile the same in any locale: Java 17's javac reads a source file in the locale's
// encoding, and a login shell on a machine without LANG has US-ASCII, where a literal µ is an
// error. So what users compile (scripts/, tools/) is plain ASCII, with unicode escapes for the rest.
// (Tests and bench are compiled with -encoding UTF-8: see their //COMPILE_OPTIONS.)

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
