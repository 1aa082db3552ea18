// bin/lab-run's class archive (tools/jbang/appcds.bash): what makes a script's later starts cheaper
// has to be one its JVM can use. The JVM checks every jar of the class path against the archive and,
// when one has changed, starts without it, silently and at every start.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassArchiveTest {
    /**
     * A script's jar built again under the same name (`jbang build --fresh`, or JBang's cache cleared
     * and the script built anew) no longer matches the archive recorded for it: the next run drops
     * that archive and records one for the jar as it is, which the run after it then starts with.
     * The jar here is a copy of the script's, named in the build's class path file, so that its time
     * can change without touching the JBang cache that other tests' runs share.
     */
    @Test
    void aJarBuiltAgainGetsAnArchiveOfItsOwn() throws Exception {
        Path state = Files.createTempDirectory("lab-state-");
        try {
            Path run = state.resolve("run");
            version(state); // finds the build, records an archive for the shared jar
            Path classpathFile = only(run, ".classpath");
            String classpath = Files.readString(classpathFile).strip();
            String jar = classpath.substring(0, classpath.indexOf(':'));
            Path copy = state.resolve("JsInfo.jar");
            Files.copy(Path.of(jar), copy, StandardCopyOption.COPY_ATTRIBUTES);
            String copied = copy + classpath.substring(jar.length());
            Files.writeString(classpathFile, copied + "\n");
            deleteArchives(run);

            version(state); // records
            version(state); // moves it into place, and starts with it
            Path archive = only(run, ".jsa");
            assertLoads(archive, copied, "the archive recorded for the jar");

            // the jar built again: the same name, another time
            Files.setLastModifiedTime(copy, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 5_000));
            assertTrue(Files.readString(classpathFile).startsWith(copy + ":"), "the build names the copy");
            version(state); // drops the archive of the jar that was, records anew
            version(state); // moves that into place
            assertLoads(only(run, ".jsa"), copied, "after the jar was built again, the archive in place");
        } finally {
            Run.deleteTree(state);
        }
    }

    private static void version(Path state) throws Exception {
        Run.Result result = Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-info", "--version")
                .env("LAB_STATE_DIR", state.toString()).timeout(300).go();
        assertEquals(0, result.exit(), result.toString());
        assertEquals("", result.err(), result.toString());
    }

    /** A JVM with the script's options starts on the archive with sharing required, as bin/lab-run's own check does. */
    private static void assertLoads(Path archive, String classpath, String what) throws Exception {
        Run.Result loads = Run.command("java", "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", classpath, "-version").timeout(120).go();
        assertEquals(0, loads.exit(), what + " is one the JVM can use: " + loads);
    }

    private static Path only(Path folder, String ending) throws Exception {
        try (var files = Files.list(folder)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(ending)).toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }

    private static void deleteArchives(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".jsa")).toList()) {
                Files.delete(file);
            }
        }
    }
}
