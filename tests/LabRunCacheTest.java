// What bin/lab-run keeps between runs (.lab/run, LAB_STATE_DIR) has to fit what is on disk now: the class
// path JBang gave for a build (its files can go: a dependency removed from ~/.m2) and the class archive
// (tools/jbang/appcds.bash), which the JVM checks against every jar of the class path and, when one has
// changed, starts without, silently and at every start.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabRunCacheTest {
    /**
     * What an earlier build left (another key) is cleared, folders too. A script's jar built again under the
     * same name (`jbang build --fresh`, or JBang's cache cleared and the script built anew), or put back with
     * an older time, no longer matches the archive recorded for it: the next run drops that archive and
     * records one for the jar as it is, which a later run then starts with, also when runs start at once. A
     * file of the class path that is gone is asked for again.
     * The jar here is a copy of the script's, named in the build's class path file, so that its time
     * can change without touching the JBang cache that other tests' runs share.
     */
    @Test
    void theLaunchersCacheFollowsTheJarsOnDisk() throws Exception {
        Path state = Files.createTempDirectory("lab-state-");
        try {
            Path run = state.resolve("run");
            // what an earlier build of the script left (another key: the script or the java changed since), a folder too:
            // the build's first step clears it, and the run goes on
            Files.createDirectories(run.resolve("JsInfo-0123456789abcdef.jsa-jars")).resolve("0").toFile().createNewFile();
            Files.writeString(run.resolve("JsInfo-0123456789abcdef.jsa-jar.0"), "");
            version(state); // finds the build, records an archive for the shared jar
            try (var left = Files.list(run)) {
                assertEquals(List.of(), left.filter(f -> f.getFileName().toString().contains("0123456789abcdef")).toList());
            }
            Path classpathFile = only(run, ".classpath");
            String classpath = Files.readString(classpathFile).strip();
            String jar = classpath.substring(0, classpath.indexOf(':'));
            Path copy = state.resolve("JsInfo.jar");
            Files.copy(Path.of(jar), copy, StandardCopyOption.COPY_ATTRIBUTES);
            setTime(copy, Files.getLastModifiedTime(copy));
            String copied = copy + classpath.substring(jar.length());
            Files.writeString(classpathFile, copied + "\n");
            deleteArchives(run);

            version(state); // records
            version(state); // moves it into place, and starts with it
            Path archive = only(run, ".jsa");
            assertLoads(archive, copied, "the archive recorded for the jar");

            assertTrue(Files.readString(classpathFile).startsWith(copy + ":"), "the build names the copy");
            // the jar built again: the same name, a later time; then one with an earlier time than the archive's (a
            // ~/.m2 restored from a copy, a clock set back): the JVM refuses either
            long made = Files.getLastModifiedTime(archive).toMillis();
            for (long time : new long[] {made + 5_000, made - 86_400_000L}) {
                setTime(copy, FileTime.fromMillis(time));
                version(state); // drops the archive of the jar that was, records anew
                // runs at once (terminals, a script's loop): each may mark the jars and check a recorded archive, and none
                // says a word of it
                List<Run.Started> together = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    together.add(labRunVersion(state).start());
                }
                for (Run.Started started : together) {
                    try (started) {
                        ok(started.finish());
                    }
                }
                version(state); // one of them has moved an archive into place, or this run does
                assertLoads(only(run, ".jsa"), copied, "after the jar was built again (its time " + (time - made) / 1000
                        + " s from the archive's), the archive in place");
            }

            // a file of the class path that is gone (a dependency removed from ~/.m2, a JBang cache cleared of it) would end
            // every run with a NoClassDefFoundError's stack trace: bin/lab-run asks JBang for the class path again instead,
            // which fetches what is missing, and the run goes on
            String dependency = classpath.split(":")[1];
            String gone = copied.replace(":" + dependency + ":", ":" + state.resolve("gone.jar") + ":");
            assertTrue(gone.contains("gone.jar"), gone);
            Files.writeString(classpathFile, gone + "\n");
            version(state);
            assertEquals(classpath, Files.readString(classpathFile).strip(), "the class path asked for again");
        } finally {
            Run.deleteTree(state);
        }
    }

    /** The jar's time, and bin/lab-run's note beside it of the java it was built for (as its own build leaves it). */
    private static void setTime(Path jar, FileTime time) throws Exception {
        Files.setLastModifiedTime(jar, time);
        Path note = Files.writeString(jar.resolveSibling("lab-run-java"), Runtime.version().feature() + "\n");
        Files.setLastModifiedTime(note, time);
    }

    private static void version(Path state) throws Exception {
        ok(labRunVersion(state).go());
    }

    private static Run labRunVersion(Path state) {
        return Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-info", "--version").env("LAB_STATE_DIR", state.toString()).timeout(300);
    }

    /** Exit 0, nothing on stderr. */
    private static void ok(Run.Result result) {
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
                Files.delete(file); // the archive, and the files that mark its jars' times
            }
        }
    }
}
