///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//DEPS org.junit.jupiter:junit-jupiter:6.1.3
//DEPS org.junit.platform:junit-platform-launcher:6.1.3
//SOURCES ../scripts/*.java
//SOURCES support/*.java
//SOURCES *Test.java
//DESCRIPTION Runs the lab's tests (each test class starts its own nats-server), then checks nothing was left behind.
//
// The scripts' own //DEPS come along through //SOURCES, so versions live in one place.
// Usage: jbang tests/RunTests.java [ClassName ...]   (default: every *Test class)
//
// Two JVMs: this one makes the run's temp root, starts the tests in a second JVM whose
// java.io.tmpdir and TMPDIR are that root (Java reads java.io.tmpdir once, at start-up, so it
// cannot be changed from inside main) and whose environment is cleaned (Sandbox), and once that
// JVM has exited checks that no process of the run is alive, that the root is empty and that the
// repository has no new file. Anything left fails the run, one line each.

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class RunTests {
    /** Kept in the root for the whole run (a build cache shared by the tests that go through bin/lab-run, and an empty XDG config home, and the XDG state home where --version keeps the server it last saw). */
    private static final Set<Path> RUN_WIDE = Set.of(Path.of("lab-state", "run"), Path.of("xdg-config"), Path.of("xdg-state"));
    private static final String SUMMARY_FILE = "summary.txt";

    public static void main(String... args) throws Exception {
        if (System.getProperty(Sandbox.ROOT_PROPERTY) == null) {
            System.exit(supervise(args));
        }
        System.exit(runTests(args));
    }

    // ------------------------------------------------------------ first JVM

    private static int supervise(String... args) throws Exception {
        Path root = Files.createTempDirectory("lab-tests-").toRealPath();
        Files.createDirectories(root.resolve("xdg-config"));
        Files.createDirectories(root.resolve("lab-state"));
        Set<String> repoBefore = Leftovers.repoFiles(Run.REPO);

        // BouncyCastle (under jnats' NKey, which the tests use to sign JWTs) would unpack native code into the temp
        // dir for the whole run; its pure-Java code is enough for a few signatures.
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + root, "-D" + Sandbox.ROOT_PROPERTY + "=" + root,
                "-Dorg.bouncycastle.native.cpu_variant=java",
                "-cp", System.getProperty("java.class.path"), RunTests.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(Sandbox.environment(System.getenv(), root));
        Process tests = builder.start();
        Thread cleanUp = new Thread(() -> { // Ctrl-C: take the tests and all they started down too, and their files
            tests.descendants().forEach(ProcessHandle::destroyForcibly);
            tests.destroyForcibly();
            try {
                tests.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                Leftovers.killProcesses(root, ProcessHandle.current().pid());
                Run.deleteTree(root);
            } catch (Exception e) {
                System.err.println("could not clean up " + root + ": " + e);
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanUp);
        int exit = tests.waitFor();
        Runtime.getRuntime().removeShutdownHook(cleanUp);

        // The test JVM's summary line, and how many leftovers it found after its classes.
        Path summaryFile = root.resolve(SUMMARY_FILE);
        List<String> summary = Files.exists(summaryFile) ? Files.readAllLines(summaryFile)
                : List.of("the tests did not finish (exit " + exit + ")", "0");
        Files.deleteIfExists(summaryFile);
        List<String> left = new ArrayList<>(Leftovers.killProcesses(root, ProcessHandle.current().pid()));
        left.addAll(Leftovers.files(root, RUN_WIDE, false));
        left.addAll(Leftovers.newInRepo(repoBefore, Leftovers.repoFiles(Run.REPO)));
        Run.deleteTree(root);

        left.forEach(line -> System.out.println("LEFT BEHIND: " + line));
        long leftovers = left.size() + Long.parseLong(summary.get(1));
        System.out.println(summary.get(0) + (leftovers == 0 ? "" : ", " + leftovers + " left behind"));
        return exit != 0 ? exit : left.isEmpty() ? 0 : 1;
    }

    // ----------------------------------------------------------- second JVM

    private static int runTests(String... args) throws Exception {
        // The tests are compiled into the same jar (or folder) as this runner: scan just that.
        Path compiled = Path.of(RunTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String pattern = args.length == 0 ? ".*Test" : String.join("|", args);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(Set.of(compiled)))
                .filters(ClassNameFilter.includeClassNamePatterns(pattern))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LeftoverCheck leftovers = new LeftoverCheck();
        ProgressPrinter progress = new ProgressPrinter();
        long began = System.nanoTime();
        launcher.execute(request, progress, summary, leftovers);
        progress.printClassTimes((System.nanoTime() - began) / 1e9);

        TestExecutionSummary result = summary.getSummary();
        if (result.getTotalFailureCount() > 0) {
            System.out.println();
            result.printFailuresTo(new PrintWriter(System.out, true), 25);
        }
        leftovers.found.forEach(line -> System.out.println("LEFT BEHIND: " + line));
        long passed = result.getTestsSucceededCount();
        long failed = result.getTotalFailureCount();
        long skipped = result.getTestsSkippedCount() + result.getTestsAbortedCount();
        String line = String.format("%d passed, %d failed, %d skipped", passed, failed, skipped);
        Files.writeString(Sandbox.root().resolve(SUMMARY_FILE), line + "\n" + leftovers.found.size() + "\n");
        System.out.println();
        return failed > 0 || passed == 0 || !leftovers.found.isEmpty() ? 1 : 0;
    }

    /**
     * After each test class: its processes must be gone and its files deleted. What is left is
     * named with the class, then removed, so the next class starts clean and is not blamed.
     */
    static final class LeftoverCheck implements TestExecutionListener {
        final List<String> found = new ArrayList<>();

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!(test.getSource().orElse(null) instanceof ClassSource source)) {
                return;
            }
            try {
                List<String> left = new ArrayList<>(Leftovers.killProcesses(Sandbox.root(), ProcessHandle.current().pid()));
                left.addAll(Leftovers.files(Sandbox.root(), RUN_WIDE, true));
                for (String line : left) {
                    found.add(source.getClassName() + ": " + line);
                    System.out.println("  LEFT BEHIND by " + source.getClassName() + ": " + line);
                }
            } catch (Exception e) {
                found.add(source.getClassName() + ": the leftover check failed: " + e);
            }
        }
    }

    /** One line per test as it ends, so a long run shows where it is; per class its wall time and what it started. */
    static final class ProgressPrinter implements TestExecutionListener {
        private final Map<String, Long> started = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, long[]> launchesAtStart = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<String> classTimes = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public void executionStarted(TestIdentifier test) {
            started.put(test.getUniqueId(), System.nanoTime());
            if (test.getSource().orElse(null) instanceof ClassSource) {
                launchesAtStart.put(test.getUniqueId(), Run.launches());
            }
        }

        /** The classes, slowest first: seconds, and the processes and in-process runs each started (counted run-wide, so only exact when classes run one at a time). */
        void printClassTimes(double totalSeconds) {
            System.out.println();
            System.out.println("per class: wall s, script processes, other processes (make, bin/*, jbang), in-process script runs, nats-servers");
            classTimes.stream().sorted(java.util.Comparator.comparingDouble((String line) -> Double.parseDouble(line.substring(0, 8).trim())).reversed())
                    .forEach(line -> System.out.println("  " + line));
            System.out.printf("  %7.1f  all classes%n", totalSeconds);
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            System.out.printf("  skip %s (%s)%n", name(test), reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            boolean failed = result.getStatus() != TestExecutionResult.Status.SUCCESSFUL;
            if (test.getSource().orElse(null) instanceof ClassSource source) {
                long[] before = launchesAtStart.getOrDefault(test.getUniqueId(), new long[4]);
                long[] after = Run.launches();
                double seconds = (System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime())) / 1e9;
                String line = String.format("%7.1f  %-22s %4d %4d %4d %4d", seconds, source.getClassName(),
                        after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]);
                classTimes.add(line);
                System.out.printf("  class %s: %.1f s (%d script processes, %d other processes, %d in-process runs, %d nats-servers)%n",
                        source.getClassName(), seconds, after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]);
            }
            if (!test.isTest() && !failed) {
                return;
            }
            long millis = (System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime())) / 1_000_000;
            String status = switch (result.getStatus()) {
                case SUCCESSFUL -> "  ok  ";
                case ABORTED -> "  skip";
                case FAILED -> "  FAIL";
            };
            System.out.printf("%s %s (%.1f s)%n", status, name(test), millis / 1000.0);
        }

        private static String name(TestIdentifier test) {
            String[] parts = test.getUniqueId().split("/");
            String owner = Arrays.stream(parts).filter(p -> p.startsWith("[class:")).findFirst()
                    .map(p -> p.substring(7, p.length() - 1)).orElse("");
            return owner + " > " + test.getDisplayName();
        }
    }
}
