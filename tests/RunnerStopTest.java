import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test runner itself, stopped while it builds the scripts: directly, and through make. It ends the builds
 * it started (and all they started) before it cleans up, starts none after, and says what had run in one line.
 * One fast method of one class keeps each run short: the signal comes as soon as the first build runs.
 */
class RunnerStopTest {
    /** A class that starts commands (so the runner builds the scripts first), and one quick method of it. */
    private static final String CLASS = "MakeValuesTest";
    private static final String METHOD = "aBinOrCatalogNameWithACommandInIt";

    @Test
    void aSigtermDuringTheBuildsEndsThemAndLeavesNothing() throws Exception {
        stoppedDuringTheBuilds(Run.command("bin/jbang", "tests/RunTests.java", CLASS));
    }

    @Test
    void aSigtermToMakeEndsTheRunMakeStarted() throws Exception {
        stoppedDuringTheBuilds(Run.command("make", "-s", "test"));
    }

    @Test
    void aMethodPatternThatMatchesNothingIsAUsageError() throws Exception {
        Run.Result result = Run.command("bin/jbang", "tests/RunTests.java", "SourceTextTest").env("LAB_TEST_METHODS", "zzz").go();
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.out().contains("LAB_TEST_METHODS=zzz matches no test method of SourceTextTest: give a regular expression"),
                result.toString());
        assertFalse(result.out().contains("Exception"), result.toString());
    }

    /** Starts the run in a temp folder of its own, signals the process started once a build runs, and checks what is left. */
    private static void stoppedDuringTheBuilds(Run run) throws Exception {
        Path tmp = Files.createTempDirectory(Sandbox.root(), "runner-");
        try {
            Run.Result result;
            Path runRoot;
            try (Run.Started started = run.env("TMPDIR", tmp.toString()).env("LAB_TEST_SHARDS", "1").env("LAB_TEST_METHODS", METHOD)
                    .timeout(300).start()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
                while ((runRoot = started.pidHandle().descendants().filter(RunnerStopTest::aBuild).map(RunnerStopTest::runRoot)
                        .filter(java.util.Objects::nonNull).findFirst().orElse(null)) == null) {
                    assertTrue(started.running() && System.nanoTime() < deadline, "no build started: " + started.outSoFar() + started.errSoFar());
                    Thread.sleep(50);
                }
                started.signal("TERM");
                result = started.finish();
            }
            String all = result.out() + result.err();
            // the run's own root (its builds' TMPDIR): nothing of it runs or is made again once the runner is gone
            assertEquals(List.of(), Leftovers.killProcesses(runRoot, ProcessHandle.current().pid()), all);
            assertFalse(Files.exists(runRoot), runRoot + " is left: " + all);
            assertEquals(List.of(), Leftovers.killProcesses(tmp, ProcessHandle.current().pid()), all);
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), all);
            }
            assertEquals(143, result.exit(), all);
            assertTrue(result.out().contains("stopped by SIGTERM after 0 classes: 0 passed, 0 failed, 0 skipped"), all);
            assertFalse(all.contains("Exception"), all);
        } finally {
            Run.deleteTree(tmp);
        }
    }

    /** The TMPDIR the runner gave its build: the run's root (null once the build is gone). */
    private static Path runRoot(ProcessHandle build) {
        try {
            for (String variable : Files.readString(Path.of("/proc", Long.toString(build.pid()), "environ")).split("\0")) {
                if (variable.startsWith("TMPDIR=")) {
                    return Path.of(variable.substring("TMPDIR=".length()));
                }
            }
        } catch (java.io.IOException gone) {
            // the next build then
        }
        return null;
    }

    private static boolean aBuild(ProcessHandle process) {
        try {
            String command = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
            return command.contains("lab-run ") || command.contains(" build ");
        } catch (java.io.IOException gone) {
            return false;
        }
    }
}
