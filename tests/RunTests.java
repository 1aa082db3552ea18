///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8 -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//DEPS org.junit.jupiter:junit-jupiter:6.1.3
//DEPS org.junit.platform:junit-platform-launcher:6.1.3
//SOURCES ../scripts/*.java
//SOURCES ../scripts/lab/*.java
//SOURCES support/*.java
//SOURCES ../bench/Load.java
//SOURCES ../bench/Settings.java
//SOURCES *Test.java
//DESCRIPTION Runs the lab's tests (each test class starts its own nats-server), then checks nothing was left behind.
//
// The scripts' own //DEPS come along through //SOURCES, so versions live in one place.
// Usage: jbang tests/RunTests.java [ClassName ... | --quick]   (default: every *Test class; --quick: make check's classes)
//        LAB_TEST_METHODS=<regex> runs only the test methods whose names match, in the classes named (the edit loop's one test);
//        LAB_TEST_SHARDS=1 for one test JVM (LAB_TEST_WAITING_SHARDS: the extra ones for waiting classes, WAITING_SHARDS
//        unless LAB_TEST_SHARDS=1 or other work uses half a core or more); LAB_TESTS_PROCESSES=1 to run every script as a process;
//        LAB_TESTS_COMPARE=1 to run each refused in-process run again as a process and fail on any difference.
//
// This JVM makes the run's temp root and starts the tests in test JVMs ("shards"): three by default
// for the classes that keep a core busy (their waits on servers and child processes leave room for a
// third on two cores), and, unless the machine is busy already, three more for the classes that mostly
// wait (elections, ack waits, a lesson's timings: RunTests.WAITING), which would otherwise hold a busy
// shard's turn. Each shard
// has a root of its own (its java.io.tmpdir and TMPDIR, which Java reads once at start-up, so they
// cannot be set from inside main), a clean environment (Sandbox) and an empty working folder, and
// takes the classes one at a time from a shared queue, slowest first. A class tagged "alone" runs
// while no other class does. After each class its shard checks that no process of its root is
// alive and that the root is empty; at the end this JVM checks the whole root and the repository.
// Anything left fails the run, one line each.

import org.junit.jupiter.api.Tag;
import org.junit.platform.engine.TestExecutionResult;
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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class RunTests {
    /** A shard's working folder, empty as a script process's own: scripts run inside the shard's JVM see it. */
    private static final String WORKING_FOLDER = "cwd";
    /** Kept in a shard's root for the whole run (bin/lab-run's build cache, an empty XDG config home, the XDG state home where --version keeps the server it last saw, the XDG cache home where JNA unpacks its library, the servers bin/lab-server asked once whose they are, the working folder). */
    private static final Set<Path> RUN_WIDE = Set.of(Path.of("lab-state", "run"), Path.of("lab-state", "servers-asked"), Path.of("xdg-config"), Path.of("xdg-state"),
            Path.of("xdg-cache"), Path.of(WORKING_FOLDER));
    private static final String SUMMARY_FILE = "summary.txt";
    /** A shard's failures, a line each, which the first JVM prints again last: a log's tail then names them. */
    private static final String FAILURES_FILE = "failures.txt";
    /** bin/lab-run's build cache, made once before the shards start and shared by them (each shard's lab-state/run links to it). */
    private static final String SHARED_LAB_STATE = "lab-state-shared";
    private static final String QUEUE_PROPERTY = "lab.tests.queue";
    /** When the run began, in seconds of System.nanoTime (one clock for every JVM of the machine). */
    private static final String BEGAN_PROPERTY = "lab.tests.began";
    /** Appears in the run's root once the scripts are built (Sandbox.awaitScriptBuilds). */
    private static final String BUILT = "built";
    /** How many builds run at once: JBang's JVM and javac keep about a core busy each. */
    private static final int BUILDS_AT_ONCE = 2;
    /**
     * The classes that take longest, in that order (measured: wall time in whole runs on an idle 2-core machine,
     * seven test JVMs): started first, so no shard is left with a long one at the end. Until the scripts
     * are built, the shards pass over those that start commands (ClusterTest, TlsTest, SignalTest... go first then).
     */
    private static final List<String> SLOWEST = List.of("ClusterTest", "Lab5LessonTest", "ClusterPullTest", "Lab5DemoTest",
            "UnreadableHeaderTest", "ClusterStartTest", "BenchTest", "StopEarlyTest", "AskAheadTest", "DuplicateWindowTest", "CourseScriptsTest",
            "PubTest", "LabClusterTest", "StdoutTest", "LabServerTest", "LessonTest", "ExportTest", "ShareTest", "TlsTest",
            "CourseLessonTest", "TwoReadersTest", "TraceTest", "HostileServerTest", "LostConnectionTest",
            "JavaHomeTest", "ConfigTrustTest", "PlantedCatalogTest", "WatchTest", "MainReadmeTest", "JBangArgsTest",
            "RedeliveryTest", "LabRunCacheTest", "DefaultLocaleTest", "SignalTest", "InstallTest", "LocaleTest", "LoginTest", "EndToEndTest",
            "ResetTest", "PullTest", "RunnerStopTest", "WhyNothingTest", "ErrorsTest", "ConsumersAtWorkTest", "FaultsTest",
            "DefaultConfigTest", "PurgeTest", "OptionsTest", "WebsocketTest", "MakeValuesTest", "PubAckRepliesTest",
            "BadInputTableTest", "BytesTest", "JBangPinsTest", "HeadersTest", "LabClusterStartTest", "NatsCliFormsTest",
            "SecretsTest", "BootstrapTest", "HelpLayoutTest", "CompletionTest", "RefusalTest", "SettingsTableTest",
            "HostileFilesTest");
    /** Below this wall time a class's place in the queue makes no difference to when the run ends. */
    private static final double ORDER_FROM_SECONDS = 10;
    /**
     * The classes that mostly wait (measured: CPU time under about a quarter of their wall time): the waiting
     * shards take these first, the busy shards take them only once no other class is left, and the other way round.
     */
    private static final Set<String> WAITING = Set.of("Lab5LessonTest", "Lab5DemoTest", "ClusterTest", "ClusterPullTest", "AskAheadTest",
            "ClusterStartTest", "LessonTest", "DuplicateWindowTest", "UnreadableHeaderTest", "RedeliveryTest", "WhyNothingTest",
            "PullTest", "OptionsTest", "TwoReadersTest");
    /**
     * The test JVMs for the waiting classes on an idle machine: four, so the longest (the cluster classes,
     * the lab 5 lessons, each 2-4 minutes of mostly waiting) start at once and the rest of them end with the
     * busy classes (measured on 2 cores, idle, from a fresh clone: 407 s for the whole run against 455 s with
     * three, when the last waiting JVM ended 50 s after the busy ones; four busy JVMs beside them: 418 s).
     */
    private static final int WAITING_SHARDS = 4;
    /** The LAB_TEST_METHODS pattern, handed to the shards. */
    private static final String METHODS_PROPERTY = "lab.tests.methods";
    /**
     * A shard's kind: "waiting" for a shard that takes the WAITING classes first, "busy" for one that takes them
     * last, beside waiting shards; "any" when there are none (one shard, or a busy machine).
     */
    private static final String LANE_PROPERTY = "lab.tests.lane";
    /**
     * make check: the quick tier, for the edit loop (scripts run inside the test JVMs; no launcher or cluster, make only
     * for its help). HelpLayoutTest runs each of the ten scripts at least once.
     */
    private static final List<String> QUICK = List.of("SourceTextTest", "ConfigTest", "BootstrapTest", "PubTest", "PullTest",
            "PurgeTest", "ErrorsTest", "HeadersTest", "BytesTest", "NatsCliFormsTest", "BadInputTableTest", "HelpLayoutTest");
    /** The test JVM's stdout as it started: in-process script runs swap System.out for their own. */
    private static final PrintStream CONSOLE = System.out;

    public static void main(String... args) throws Exception {
        if (System.getProperty(Sandbox.ROOT_PROPERTY) == null) {
            int exit;
            try {
                exit = supervise(args);
            } finally {
                Stopping.DONE.countDown();
            }
            System.exit(exit);
        }
        System.exit(runShard());
    }

    // ------------------------------------------------------------ first JVM

    private static int supervise(String... args) throws Exception {
        long began = System.nanoTime();
        Stopping.noteSignals();
        String methodsAsked = System.getenv("LAB_TEST_METHODS"); // null: every method
        String unusable = unusableInput(methodsAsked, args);
        if (unusable != null) {
            System.out.println(unusable);
            System.out.println("0 passed, 0 failed, 0 skipped");
            return Exit.USAGE;
        }
        String loadBefore = loadAverage();
        boolean quick = args.length > 0 && args[0].equals("--quick");
        List<String> classes = testClasses(quick ? QUICK.toArray(String[]::new) : args);
        if (classes.isEmpty()) {
            System.out.println("no test class matches " + Output.printable(String.join(" ", args))
                    + ": name classes as tests/ has them (such as PubTest), or none for all");
            System.out.println("0 passed, 0 failed, 0 skipped");
            return Exit.USAGE;
        }
        if (methodsAsked != null && !anyMethodMatches(classes, Pattern.compile(methodsAsked))) {
            System.out.println("LAB_TEST_METHODS=" + Output.printable(methodsAsked) + " matches no test method of "
                    + (classes.size() <= 3 ? String.join(" ", classes) : "the " + classes.size() + " test classes")
                    + ": give a regular expression for whole method names (such as 'aSigterm.*'), or unset it");
            System.out.println("0 passed, 0 failed, 0 skipped");
            return Exit.USAGE;
        }
        // Under TMPDIR as every other tool's (Java itself reads only java.io.tmpdir): a run inside a test stays in the test's root.
        String tmp = System.getenv("TMPDIR");
        Path tmpRoot = tmp != null && Files.isDirectory(Path.of(tmp)) ? Path.of(tmp) : Path.of(System.getProperty("java.io.tmpdir"));
        Set<String> repoBefore = Leftovers.repoFiles(Run.REPO);
        Path root = Stopping.unlessStopped(() -> {
            Path made = Stopping.cleansUp(Files.createTempDirectory(tmpRoot, "lab-tests-").toRealPath());
            Files.write(made.resolve("queue.txt"), classes);
            Files.createDirectories(made.resolve("claims"));
            Files.createDirectories(made.resolve(SHARED_LAB_STATE).resolve("run"));
            return made;
        });
        if (root == null) {
            Stopping.awaitTheEnd();
        }
        int busyShards = Math.max(1, Math.min(classes.size(), Integer.parseInt(System.getenv().getOrDefault("LAB_TEST_SHARDS", "3"))));
        // On a machine already busy the waiting classes' own few CPU seconds would only add to the load their
        // timings must hold under: then they take turns in the busy shards, as every class did before.
        boolean waitingAsked = busyShards > 1 && System.getenv("LAB_TEST_WAITING_SHARDS") == null
                && classes.stream().anyMatch(WAITING::contains);
        double others = waitingAsked ? othersCores() : -1;
        boolean busyMachine = others >= 0.5; // a CPU burner: the waiting classes take turns with the busy ones
        int waitingShards = (int) Math.min(classes.stream().filter(WAITING::contains).count(), Integer.parseInt(
                System.getenv().getOrDefault("LAB_TEST_WAITING_SHARDS", busyShards == 1 || busyMachine ? "0" : String.valueOf(WAITING_SHARDS))));
        busyShards = Math.max(1, Math.min(busyShards, classes.size() - waitingShards)); // no shard without a class to take
        int shardCount = busyShards + waitingShards;
        Set<Path> kept = new HashSet<>(Set.of(Path.of("queue.txt"), Path.of("claims"), Path.of("alone.lock"), Path.of("turnstile.lock"),
                Path.of(SHARED_LAB_STATE, "run"), Path.of(BUILT)));

        // The scripts are built while the first classes run: those that start no command need no build
        // (nor does a run of such classes only, like the quick tier).
        boolean buildsNeeded = !quick && classes.stream().anyMatch(RunTests::startsCommands);
        Thread scriptBuilds = new Thread(() -> {
            try {
                if (buildsNeeded) {
                    buildScripts(root);
                }
            } catch (Exception e) {
                if (!Stopping.stopped()) {
                    System.out.println("building the scripts failed: " + e);
                }
            } finally {
                try {
                    Stopping.unlessStopped(() -> Files.writeString(root.resolve(BUILT), ""));
                } catch (Exception e) {
                    System.out.println("could not write " + root.resolve(BUILT) + ": " + e);
                }
            }
        });
        scriptBuilds.start();
        List<Process> shards = new ArrayList<>();
        List<Thread> copiers = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            synchronized (Stopping.LOCK) { // nothing of the run's root made again once a stop deletes it
                if (Stopping.stopping) {
                    break;
                }
                Path shardRoot = root.resolve("s" + i);
                Files.createDirectories(shardRoot.resolve("xdg-config"));
                Files.createDirectories(shardRoot.resolve("lab-state"));
                Files.createSymbolicLink(shardRoot.resolve("lab-state").resolve("run"), root.resolve(SHARED_LAB_STATE).resolve("run"));
                Files.createDirectories(shardRoot.resolve(WORKING_FOLDER));
                Path shardDir = Path.of("s" + i);
                RUN_WIDE.forEach(path -> kept.add(shardDir.resolve(path)));
                // BouncyCastle (under jnats' NKey, which the tests use to sign JWTs) would unpack native code into the temp
                // dir for the whole run; its pure-Java code is enough for a few signatures.
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.io.tmpdir=" + shardRoot, "-Djna.tmpdir=" + shardRoot.resolve("xdg-cache"), "-D" + Sandbox.ROOT_PROPERTY + "=" + shardRoot,
                        "-D" + QUEUE_PROPERTY + "=" + root, "-D" + BEGAN_PROPERTY + "=" + TimeUnit.NANOSECONDS.toSeconds(began), "-D" + Sandbox.BUILT_PROPERTY + "=" + root.resolve(BUILT), "-Dorg.bouncycastle.native.cpu_variant=java", "-Dlab.tests.repo=" + Run.REPO,
                        // C1 only, as the scripts' own JVMs: the in-process runs are short, and C2 compiling them cost more CPU
                        // than it saved (classes of in-process runs took about a third less CPU with C1)
                        "-XX:TieredStopAtLevel=1",
                        "-D" + LANE_PROPERTY + "=" + (i >= busyShards ? "waiting" : waitingShards > 0 ? "busy" : "any"),
                        // InProcess answers System.getenv per run and runs a script's exit hooks
                        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/java.util=ALL-UNNAMED"));
                if (System.getenv("LAB_TESTS_PROCESSES") != null) {
                    command.add("-D" + InProcess.PROCESSES_ONLY + "=1");
                }
                if (methodsAsked != null) {
                    command.add("-D" + METHODS_PROPERTY + "=" + methodsAsked);
                }
                if (System.getenv("LAB_TESTS_COMPARE") != null) {
                    command.add("-D" + InProcess.COMPARE + "=1");
                }
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), RunTests.class.getName()));
                // No terminal and no stdin for the tests, however make test was started: a script run inside
                // a shard then sees what a script process with redirected output sees.
                ProcessBuilder builder = new ProcessBuilder(command).directory(shardRoot.resolve(WORKING_FOLDER).toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().clear();
                builder.environment().putAll(Sandbox.environment(System.getenv(), shardRoot));
                Process shard = Stopping.start(builder, true);
                if (shard == null) {
                    break;
                }
                shards.add(shard);
                copiers.add(copyLines(shard.getInputStream(), System.out));
                copiers.add(copyLines(shard.getErrorStream(), System.err));
            }
        }
        int exit = 0;
        for (Process shard : shards) {
            exit = Math.max(exit, shard.waitFor());
        }
        for (Thread copier : copiers) {
            copier.join();
        }
        scriptBuilds.join();
        if (!Stopping.toTheEnd()) {
            Stopping.awaitTheEnd(); // a stop came: the shutdown hook ends the run and says so
        }

        // Each shard's counts, the leftovers it found after its classes, and its classes' times.
        long[] counts = new long[4];
        List<String> classLines = new ArrayList<>();
        List<String> unfinished = new ArrayList<>();
        List<String> failureLines = new ArrayList<>();
        for (int i = 0; i < shardCount; i++) {
            Path summaryFile = root.resolve("s" + i).resolve(SUMMARY_FILE);
            if (!Files.exists(summaryFile)) {
                unfinished.add("s" + i);
                continue;
            }
            List<String> summary = Files.readAllLines(summaryFile);
            Files.delete(summaryFile);
            long[] shardCounts = Arrays.stream(summary.get(0).split(" ")).mapToLong(Long::parseLong).toArray();
            for (int c = 0; c < 4; c++) {
                counts[c] += shardCounts[c];
            }
            classLines.addAll(summary.subList(1, summary.size()));
            Path failuresFile = root.resolve("s" + i).resolve(FAILURES_FILE);
            if (Files.exists(failuresFile)) {
                failureLines.addAll(Files.readAllLines(failuresFile));
                Files.delete(failuresFile);
            }
        }
        List<String> left = new ArrayList<>(Leftovers.killProcesses(root, ProcessHandle.current().pid()));
        left.addAll(Leftovers.files(root, kept, false));
        for (int i = 0; i < shardCount; i++) {
            left.addAll(inWorkingFolder(root.resolve("s" + i), false));
        }
        left.addAll(Leftovers.newInRepo(repoBefore, Leftovers.repoFiles(Run.REPO)));
        List<String> neverRun = new ArrayList<>();
        for (String name : classes) {
            if (!Files.exists(root.resolve("claims").resolve(name))) {
                neverRun.add(name);
            }
        }
        Run.deleteTree(root);

        System.out.println();
        System.out.println("per class: wall s, when it started (s into the run) in which test JVM, script processes, other processes"
                + " (make, bin/*, jbang), in-process script runs, nats-servers, CPU s");
        classLines.stream().sorted(Comparator.comparingDouble((String line) -> Double.parseDouble(line.substring(0, 8).trim())).reversed())
                .forEach(line -> System.out.println("  " + line));
        double classWall = classLines.stream().mapToDouble(line -> Double.parseDouble(line.substring(0, 8).trim())).sum();
        double classCpu = classLines.stream().mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        System.out.printf(java.util.Locale.ROOT, "classes: %.0f s of wall time in all, %.0f CPU s; the whole run: %.0f CPU s (with the builds)%n", classWall,
                classCpu, cpuSeconds());
        // under the same load as the listed classes of this run: slower than one of them, it belongs in the list;
        // a class that ends within a few seconds anywhere in the queue cannot hold up the run's end
        double listedFastest = classLines.stream().filter(line -> SLOWEST.contains(className(line)))
                .mapToDouble(line -> Double.parseDouble(line.substring(0, 8).trim())).min().orElse(Double.MAX_VALUE);
        double worthOrdering = Math.max(listedFastest, ORDER_FROM_SECONDS);
        classLines.stream().filter(line -> !SLOWEST.contains(className(line)))
                .filter(line -> Double.parseDouble(line.substring(0, 8).trim()) > worthOrdering)
                .forEach(line -> System.out.println("NOTE " + className(line) + " took longer than a class in "
                        + "RunTests.SLOWEST: add it there by its wall time, so it starts early"));
        left.forEach(line -> System.out.println("LEFT BEHIND: " + line));
        if (!unfinished.isEmpty()) {
            System.out.println("the tests did not finish (exit " + exit + ") in shard(s) " + String.join(", ", unfinished)
                    + (neverRun.isEmpty() ? "" : "; never started: " + String.join(", ", neverRun)));
        }
        long leftovers = left.size() + counts[3];
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "wall time %d:%02d with %d test JVM%s%s (load average before %s, after %s)%n", (long) seconds / 60,
                (long) seconds % 60, shardCount, shardCount == 1 ? "" : "s",
                waitingShards == 0 ? "" : ", " + waitingShards + " of them for the waiting classes", loadBefore, loadAverage());
        if (others >= 0) {
            System.out.printf(java.util.Locale.ROOT, "other work used %.1f of the %d cores in the second before the tests%n",
                    others, Runtime.getRuntime().availableProcessors());
        }
        failureLines.forEach(System.out::println);
        System.out.println(String.format(java.util.Locale.ROOT, "%d passed, %d failed, %d skipped", counts[0], counts[1], counts[2])
                + (leftovers == 0 ? "" : ", " + leftovers + " left behind"));
        boolean failed = exit != 0 || !unfinished.isEmpty() || counts[1] > 0 || counts[0] == 0 || leftovers > 0;
        return failed ? Math.max(exit, 1) : 0;
    }

    /** Whether LAB_TEST_METHODS picks any test of these classes: discovered as a shard would, without running anything. */
    private static boolean anyMethodMatches(List<String> classes, Pattern methods) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(classes.stream().map(DiscoverySelectors::selectClass).toList()).filters(onlyMethodsMatching(methods)).build();
        org.junit.platform.launcher.TestPlan plan = LauncherFactory.create().discover(request);
        return plan.countTestIdentifiers(test -> test.getSource().orElse(null)
                instanceof org.junit.platform.engine.support.descriptor.MethodSource) > 0;
    }

    /** The class a line of the per-class table is about. */
    private static String className(String line) {
        return line.substring(8).trim().split(" ")[0];
    }

    /**
     * Builds every JBang script the tests run into JBang's cache, and bin/lab-run's cache (the
     * classpath and class-sharing archive of each alias), which the shards share. Two at a time,
     * but never one script twice at once: two JBang builds of one script at the same time can leave
     * a jar without its main class in the cache, which JBang then reuses ("Could not find or load
     * main class"). bin/lab-run builds an alias's script itself; the other sources get `jbang build`.
     */
    private static void buildScripts(Path root) throws Exception {
        long began = System.nanoTime();
        List<List<String>> commands = new ArrayList<>();
        Set<String> aliased = new HashSet<>();
        java.util.regex.Matcher alias = Pattern.compile("\"([a-z][a-z0-9-]*)\": *\\{[^{}]*?\"script-ref\": *\"([^\"]+)\"")
                .matcher(Files.readString(Run.REPO.resolve("jbang-catalog.json")));
        while (alias.find()) {
            commands.add(List.of("bin/lab-run", alias.group(1), "--version"));
            aliased.add(alias.group(2));
        }
        for (String folder : List.of("scripts", "tests/jbang", "tools")) {
            try (Stream<Path> files = Files.list(Run.REPO.resolve(folder))) {
                files.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".java"))
                        .filter(f -> !folder.equals("scripts") || f.getFileName().toString().startsWith("Js"))
                        .map(f -> Run.REPO.relativize(f).toString()).filter(source -> !aliased.contains(source)).sorted()
                        .forEach(source -> commands.add(List.of("bin/jbang", "--quiet", "build", source)));
            }
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(BUILDS_AT_ONCE);
        List<java.util.concurrent.Future<?>> builds = new ArrayList<>();
        for (List<String> command : commands) {
            builds.add(pool.submit(() -> {
                ProcessBuilder build = new ProcessBuilder(command).directory(Run.REPO.toFile())
                        .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                build.environment().clear();
                build.environment().putAll(Sandbox.environment(System.getenv(), root));
                build.environment().put("LAB_STATE_DIR", root.resolve(SHARED_LAB_STATE).toString());
                Process process = Stopping.start(build, false);
                if (process == null) {
                    return null;
                }
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (process.waitFor() != 0 && !Stopping.stopped()) {
                    synchronized (RunTests.class) {
                        System.out.print(String.join(" ", command) + " failed:\n" + output);
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (java.util.concurrent.Future<?> build : builds) {
            build.get();
        }
        if (Stopping.stopped()) {
            return;
        }
        synchronized (RunTests.class) {
            System.out.printf(java.util.Locale.ROOT, "built %d scripts in %.1f s, %d at a time%n", commands.size(), (System.nanoTime() - began) / 1e9, BUILDS_AT_ONCE);
        }
    }

    /** The first argument or runner's variable that cannot be used, as one line saying how to fix it; null when all can. */
    private static String unusableInput(String methodsAsked, String... args) {
        for (String arg : args) {
            String wrong = notARegex(arg);
            if (wrong != null) {
                return Output.printable(arg) + " names no test class (" + wrong
                        + "): name classes as tests/ has them (such as PubTest or 'Pub.*'), or none for all";
            }
        }
        for (String name : List.of("LAB_TEST_SHARDS", "LAB_TEST_WAITING_SHARDS")) {
            String value = System.getenv(name);
            if (value != null && !value.matches("[0-9]{1,3}")) {
                return name + "=" + Output.printable(value) + " is not a number of test JVMs: give one such as 1 or 3, or unset it";
            }
        }
        String wrong = methodsAsked == null ? null : notARegex(methodsAsked);
        if (wrong != null) {
            return "LAB_TEST_METHODS=" + Output.printable(methodsAsked) + " is not a regular expression (" + wrong
                    + "): give one that matches test method names, such as 'aSigterm.*'";
        }
        return null;
    }

    /** What makes `text` no regular expression, and where; null when it is one. */
    private static String notARegex(String text) {
        try {
            Pattern.compile(text);
            return null;
        } catch (java.util.regex.PatternSyntaxException e) {
            return e.getDescription() + " at index " + e.getIndex();
        }
    }

    /** The test classes the arguments name (all *Test classes without any), slowest first: found in the compiled jar or folder. */
    private static List<String> testClasses(String... args) throws Exception {
        Path compiled = Path.of(RunTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(compiled)) {
            try (Stream<Path> files = Files.list(compiled)) {
                files.map(f -> f.getFileName().toString()).forEach(names::add);
            }
        } else {
            try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(compiled.toFile())) {
                jar.stream().map(java.util.zip.ZipEntry::getName).forEach(names::add);
            }
        }
        Pattern pattern = Pattern.compile(args.length == 0 ? "[A-Za-z0-9_]+Test" : String.join("|", args));
        List<String> classes = new ArrayList<>(names.stream().filter(n -> n.endsWith(".class"))
                .map(n -> n.substring(0, n.length() - ".class".length())).filter(n -> n.endsWith("Test") && pattern.matcher(n).matches()).sorted().toList());
        classes.sort(Comparator.comparingInt(n -> SLOWEST.contains(n) ? SLOWEST.indexOf(n) : SLOWEST.size()));
        return classes;
    }

    /**
     * CPU seconds this JVM used, and the processes it started and waited for (theirs included):
     * what a class costs on an idle machine, whatever the load it ran beside. Linux only (0 elsewhere).
     */
    static double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = 0;
            for (int i = 11; i <= 14; i++) { // utime, stime, cutime, cstime
                ticks += Long.parseLong(fields[i]);
            }
            return ticks / 100.0; // USER_HZ
        } catch (Exception e) {
            return 0;
        }
    }

    /** The 1-minute load average (0 when unknown). */
    /**
     * How many cores' worth of CPU the rest of the machine used over one second, this JVM's own left out
     * (bench/Load.java's measure): the load average would also count the build of this runner just before.
     */
    private static double othersCores() {
        try {
            Load.Counters before = Load.now();
            Thread.sleep(1000);
            double share = Load.between(before, Load.now()).others();
            return Double.isNaN(share) ? 0 : share * Load.CORES;
        } catch (InterruptedException unknown) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Files a script run inside a test JVM wrote into its working folder (kept itself, for the whole run). */
    private static List<String> inWorkingFolder(Path root, boolean delete) throws java.io.IOException {
        List<String> found = new ArrayList<>();
        Path folder = root.resolve(WORKING_FOLDER);
        if (!Files.isDirectory(folder)) {
            return found;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                found.add("file " + file + " left in a test JVM's working folder");
                if (delete) {
                    Run.deleteTree(file);
                }
            }
        }
        return found;
    }

    /** Copies whole lines, so two shards' lines never mix. */
    private static Thread copyLines(java.io.InputStream from, PrintStream to) {
        Thread copier = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    Stopping.count(line);
                    synchronized (RunTests.class) {
                        to.println(line);
                    }
                }
            } catch (java.io.IOException ended) {
                // the shard is gone
            }
        });
        copier.start();
        return copier;
    }

    // ----------------------------------------------------------- a shard

    /** LAB_TEST_METHODS: the test methods whose names match, and every container; without it, everything. */
    private static org.junit.platform.launcher.PostDiscoveryFilter onlyMethodsAsked() {
        String asked = System.getProperty(METHODS_PROPERTY);
        return onlyMethodsMatching(asked == null ? null : Pattern.compile(asked));
    }

    private static org.junit.platform.launcher.PostDiscoveryFilter onlyMethodsMatching(Pattern methods) {
        return descriptor -> org.junit.platform.engine.FilterResult.includedIf(methods == null
                || !(descriptor.getSource().orElse(null) instanceof org.junit.platform.engine.support.descriptor.MethodSource method)
                || methods.matcher(method.getMethodName()).matches());
    }

    private static int runShard() throws Exception {
        InProcess.available(); // before anything reads the environment
        Path run = Path.of(System.getProperty(QUEUE_PROPERTY));
        Launcher launcher = LauncherFactory.create();
        ProgressPrinter progress = new ProgressPrinter();
        LeftoverCheck leftovers = new LeftoverCheck();
        long[] counts = new long[3];
        List<TestExecutionSummary> failures = new ArrayList<>();
        List<String> queue = Files.readAllLines(run.resolve("queue.txt"));
        for (String name; (name = nextClass(run, queue)) != null; ) {
            LauncherDiscoveryRequestBuilder asked = LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(name)).filters(onlyMethodsAsked());
            if (concurrent(name)) {
                // four at most: a class marked so has a few tests that each wait a minute or more on a server of their own
                asked.configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                        .configurationParameter("junit.jupiter.execution.parallel.config.executor-service", "FORK_JOIN_POOL")
                        .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                        .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4");
            }
            LauncherDiscoveryRequest request = asked.build();
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            try (ClassTurn turn = ClassTurn.take(run, alone(name))) {
                launcher.execute(request, progress, summary, leftovers);
            }
            TestExecutionSummary result = summary.getSummary();
            counts[0] += result.getTestsSucceededCount();
            counts[1] += result.getTotalFailureCount();
            counts[2] += result.getTestsSkippedCount() + result.getTestsAbortedCount();
            if (result.getTotalFailureCount() > 0) {
                failures.add(result);
            }
        }
        for (TestExecutionSummary result : failures) {
            synchronized (CONSOLE) {
                CONSOLE.println();
                result.printFailuresTo(new PrintWriter(CONSOLE, true), 25);
            }
        }
        leftovers.found.forEach(line -> CONSOLE.println("LEFT BEHIND: " + line));
        List<String> failed = new ArrayList<>();
        for (TestExecutionSummary result : failures) {
            for (TestExecutionSummary.Failure failure : result.getFailures()) {
                failed.add("FAILED " + ProgressPrinter.name(failure.getTestIdentifier()) + ": " + gist(failure.getException()));
            }
        }
        Files.write(Sandbox.root().resolve(FAILURES_FILE), failed);
        List<String> summary = new ArrayList<>();
        summary.add(counts[0] + " " + counts[1] + " " + counts[2] + " " + leftovers.found.size());
        summary.addAll(progress.classTimes);
        Files.write(Sandbox.root().resolve(SUMMARY_FILE), summary);
        return counts[1] > 0 || !leftovers.found.isEmpty() ? 1 : 0;
    }

    /** A failure's message in one line of at most 600 characters: enough to tell which assertion, short enough for a log's tail. */
    private static String gist(Throwable e) {
        String text = String.valueOf(e.getMessage() == null ? e.toString() : e.getMessage()).strip().replaceAll("\\s*\\n\\s*", " | ");
        return text.length() <= 600 ? text : text.substring(0, 600) + " ...";
    }

    /**
     * The first class of the queue no shard has taken, which this shard then owns; null when all are
     * taken. Until the scripts are built, a class that starts commands (JBang, make, bin/...) is
     * passed over: it would only wait for the builds (Sandbox.awaitScriptBuilds) while others could run.
     */
    private static String nextClass(Path run, List<String> queue) throws Exception {
        boolean waitingLane = "waiting".equals(System.getProperty(LANE_PROPERTY));
        boolean busyLane = "busy".equals(System.getProperty(LANE_PROPERTY));
        List<String> inTurn = new ArrayList<>(queue.stream().filter(name -> WAITING.contains(name) == waitingLane).toList());
        queue.stream().filter(name -> WAITING.contains(name) != waitingLane).forEach(inTurn::add); // once its own kind is taken
        while (true) {
            boolean built = Files.exists(run.resolve(BUILT));
            boolean passedOver = false;
            for (String name : inTurn) {
                if (Files.exists(run.resolve("claims").resolve(name))) {
                    continue;
                }
                // nor, in a busy shard beside waiting ones, a waiting class: once the builds end, it would still
                // be waiting in it while the classes that start commands could use the cores
                if (!built && (startsCommands(name) || busyLane && WAITING.contains(name))) {
                    passedOver = true;
                    continue;
                }
                try {
                    Files.createFile(run.resolve("claims").resolve(name));
                    return name;
                } catch (FileAlreadyExistsException anotherShardHasIt) {
                    // on to the next
                }
            }
            if (!passedOver) {
                return null;
            }
            Thread.sleep(200);
        }
    }

    /** Whether the class's source starts anything but the scripts' main classes and nats-servers (if unsure: yes). */
    private static boolean startsCommands(String className) {
        try {
            String source = Files.readString(Run.REPO.resolve("tests").resolve(className + ".java"));
            return Pattern.compile("Run\\.command\\(|\\bmake\\(|ProcessBuilder|bin/|jbang|lab-run", Pattern.CASE_INSENSITIVE).matcher(source).find();
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /**
     * Marked @Execution(CONCURRENT): its tests run at once in this JVM (parallel execution is switched on for that
     * class alone), for tests that mostly wait on processes and servers of their own. In-process runs still take turns.
     */
    private static boolean concurrent(String className) {
        try {
            org.junit.jupiter.api.parallel.Execution mode = Class.forName(className).getAnnotation(org.junit.jupiter.api.parallel.Execution.class);
            return mode != null && mode.value() == org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Tagged "alone": needs the machine to itself (fixed ports, timings that another class's load would skew). */
    private static boolean alone(String className) {
        try {
            return Arrays.stream(Class.forName(className).getAnnotationsByType(Tag.class)).anyMatch(t -> t.value().equals("alone"));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * A class's turn across the shards: a shared lock for most, an exclusive one for a class that
     * runs alone. A turnstile in front keeps new shared turns from starving a waiting exclusive one.
     */
    static final class ClassTurn implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private ClassTurn(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static ClassTurn take(Path run, boolean alone) throws Exception {
            FileLock lock;
            try (FileChannel turnstile = new RandomAccessFile(run.resolve("turnstile.lock").toFile(), "rw").getChannel()) {
                FileLock passing = turnstile.lock();
                FileChannel channel = new RandomAccessFile(run.resolve("alone.lock").toFile(), "rw").getChannel();
                lock = channel.lock(0, Long.MAX_VALUE, !alone);
                passing.release();
                return new ClassTurn(channel, lock);
            }
        }

        @Override
        public void close() throws Exception {
            lock.release();
            channel.close();
        }
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
                left.addAll(inWorkingFolder(Sandbox.root(), true));
                for (String line : left) {
                    found.add(source.getClassName() + ": " + line);
                    CONSOLE.println("  LEFT BEHIND by " + source.getClassName() + ": " + line);
                }
            } catch (Exception e) {
                found.add(source.getClassName() + ": the leftover check failed: " + e);
            }
        }
    }

    /** One line per test as it ends, so a long run shows where it is; per class its wall time and what it started. */
    static final class ProgressPrinter implements TestExecutionListener {
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private final Map<String, long[]> launchesAtStart = new ConcurrentHashMap<>();
        private final Map<String, Double> cpuAtStart = new ConcurrentHashMap<>();
        final List<String> classTimes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void executionStarted(TestIdentifier test) {
            started.put(test.getUniqueId(), System.nanoTime());
            cpuAtStart.put(test.getUniqueId(), cpuSeconds());
            if (test.getSource().orElse(null) instanceof ClassSource) {
                launchesAtStart.put(test.getUniqueId(), Run.launches());
            }
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            CONSOLE.printf("  skip %s (%s)%n", name(test), reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            boolean failed = result.getStatus() != TestExecutionResult.Status.SUCCESSFUL;
            long millis = (System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime())) / 1_000_000;
            // this JVM's CPU and what it started, the test's or the class's: the classes of one JVM run one at a time
            double cpu = cpuSeconds() - cpuAtStart.getOrDefault(test.getUniqueId(), 0.0);
            if (test.getSource().orElse(null) instanceof ClassSource source) {
                long[] before = launchesAtStart.getOrDefault(test.getUniqueId(), new long[4]);
                long[] after = Run.launches();
                long[] d = new long[4];
                for (int i = 0; i < 4; i++) {
                    d[i] = after[i] - before[i];
                }
                // when and where it ran: the classes of the JVM that ended last are the run's critical path
                long from = TimeUnit.NANOSECONDS.toSeconds(started.get(test.getUniqueId())) - Long.getLong(BEGAN_PROPERTY, 0);
                classTimes.add(String.format(java.util.Locale.ROOT, "%7.1f  %-22s %4d s %-3s %4d %4d %4d %4d %7.1f", millis / 1000.0, source.getClassName(),
                        from, Sandbox.root().getFileName(), d[0], d[1], d[2], d[3], cpu));
                CONSOLE.printf(java.util.Locale.ROOT, "  class %s: %.1f s (%d script processes, %d other processes, %d in-process runs, %d nats-servers, %.1f CPU s)%n",
                        source.getClassName(), millis / 1000.0, d[0], d[1], d[2], d[3], cpu);
            }
            if (!test.isTest() && !failed) {
                return;
            }
            String status = switch (result.getStatus()) {
                case SUCCESSFUL -> "  ok  ";
                case ABORTED -> "  skip";
                case FAILED -> "  FAIL";
            };
            CONSOLE.printf(java.util.Locale.ROOT, "%s %s (%.1f s, %.1f CPU s)%n", status, name(test), millis / 1000.0, cpu);
        }

        static String name(TestIdentifier test) {
            String[] parts = test.getUniqueId().split("/");
            String owner = Arrays.stream(parts).filter(p -> p.startsWith("[class:")).findFirst()
                    .map(p -> p.substring(7, p.length() - 1)).orElse("");
            return owner + " > " + test.getDisplayName();
        }
    }
    /**
     * A stop by signal (TERM, INT or HUP, to this JVM alone or to its whole group, or through make): from then on
     * nothing new starts (no build, no test JVM, no file in the run's root); what was started ends, with all it
     * started, and is waited for; only then do the files go. The last line says what had run, and the JVM exits
     * with 128 + the signal's number, as with no handler.
     */
    static final class Stopping {
        static final Object LOCK = new Object();
        /** Guarded by LOCK. */
        static boolean stopping;
        /** The run went on to its own last line (guarded by LOCK): a stop then only waits for it. */
        private static boolean ended;
        private static final List<Process> BUILDS = new ArrayList<>();
        private static final List<Process> SHARDS = new ArrayList<>();
        static final java.util.concurrent.CountDownLatch DONE = new java.util.concurrent.CountDownLatch(1);
        private static volatile String signal;
        private static volatile Path root;
        /** From the shards' progress lines: classes, passed, failed, skipped. */
        private static final java.util.concurrent.atomic.AtomicLongArray SEEN = new java.util.concurrent.atomic.AtomicLongArray(4);

        interface Step<T> {
            T run() throws Exception;
        }

        /** Notes which signal stops the run, and cleans up on any way the JVM ends. */
        static void noteSignals() {
            Runtime.getRuntime().addShutdownHook(new Thread(Stopping::stop));
            for (String name : List.of("TERM", "INT", "HUP")) {
                try { // sun.misc.Signal by reflection: javac warns on every build that names it
                    Class<?> signalClass = Class.forName("sun.misc.Signal");
                    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                    Object which = signalClass.getConstructor(String.class).newInstance(name);
                    java.lang.reflect.Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
                    Object noting = java.lang.reflect.Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                            (proxy, method, args) -> {
                                if (!method.getName().equals("handle")) { // toString, equals, hashCode
                                    return method.getName().equals("equals") ? proxy == args[0]
                                            : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "runner-stop";
                                }
                                if (signal == null) {
                                    signal = "SIG" + name;
                                }
                                System.exit(128 + (int) signalClass.getMethod("getNumber").invoke(args[0]));
                                return null;
                            });
                    Object before = handle.invoke(null, which, noting);
                    if (before == handlerClass.getField("SIG_IGN").get(null)) { // INT for a run started with & stays ignored
                        handle.invoke(null, which, before);
                    }
                } catch (ReflectiveOperationException | RuntimeException notHere) {
                    // -Xrs, or a JVM without it: a signal still ends the run through the shutdown hook, with no name
                }
            }
        }

        /** The step's result, unless a stop came first (null then); no stop cleans up while it runs. */
        static <T> T unlessStopped(Step<T> step) throws Exception {
            synchronized (LOCK) {
                return stopping ? null : step.run();
            }
        }

        /** The run's root, which a stop deletes. */
        static Path cleansUp(Path runRoot) {
            root = runRoot;
            return runRoot;
        }

        /** Starts the process unless a stop came (null then); a stop ends it with what it started. */
        static Process start(ProcessBuilder builder, boolean shard) throws java.io.IOException {
            synchronized (LOCK) {
                if (stopping) {
                    return null;
                }
                Process process = builder.start();
                (shard ? SHARDS : BUILDS).add(process);
                return process;
            }
        }

        static boolean stopped() {
            synchronized (LOCK) {
                return stopping;
            }
        }

        /** Whether the run goes on to its own last line: false when a stop came first. */
        static boolean toTheEnd() {
            synchronized (LOCK) {
                ended = !stopping;
                return ended;
            }
        }

        /** For a thread that finds the run stopped: the shutdown hook ends the JVM. */
        static void awaitTheEnd() throws InterruptedException {
            while (true) {
                Thread.sleep(60_000);
            }
        }

        static void count(String line) {
            int kind = line.startsWith("  class ") ? 0 : line.startsWith("  ok  ") ? 1 : line.startsWith("  FAIL") ? 2
                    : line.startsWith("  skip") ? 3 : -1;
            if (kind >= 0) {
                SEEN.incrementAndGet(kind);
            }
        }

        private static void stop() {
            List<Process> builds;
            List<Process> shards;
            boolean runEnds;
            synchronized (LOCK) {
                stopping = true;
                runEnds = ended;
                builds = List.copyOf(BUILDS);
                shards = List.copyOf(SHARDS);
            }
            if (runEnds) {
                try {
                    DONE.await(2, java.util.concurrent.TimeUnit.MINUTES); // its own last line and clean-up
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            try {
                // the test JVMs, and the servers and scripts they started: nothing of theirs is worth waiting for
                for (Process shard : shards) {
                    shard.descendants().forEach(ProcessHandle::destroyForcibly);
                    shard.destroyForcibly();
                }
                // the builds get TERM: bin/jbang and bin/lab-run end JBang's JVM, its javac and a script's JVM themselves
                List<ProcessHandle> tree = new ArrayList<>();
                for (Process build : builds) {
                    build.descendants().forEach(tree::add);
                    tree.add(build.toHandle());
                }
                tree.forEach(ProcessHandle::destroy);
                tree.addAll(shards.stream().map(Process::toHandle).toList());
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                for (ProcessHandle process : tree) {
                    try {
                        process.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException stillThere) {
                        process.destroyForcibly();
                    }
                }
                Path runRoot = root;
                if (runRoot != null) {
                    // what left its parent behind (everything started inherits TMPDIR=root), until nothing is
                    for (int round = 0; round < 5 && !Leftovers.killProcesses(runRoot, ProcessHandle.current().pid()).isEmpty(); round++) {
                        Thread.sleep(100);
                    }
                    Run.deleteTree(runRoot);
                }
            } catch (Exception e) {
                System.err.println("could not clean up " + root + ": " + e);
            }
            if (signal != null) {
                synchronized (RunTests.class) {
                    System.out.printf(java.util.Locale.ROOT, "%nstopped by %s after %d class%s: %d passed, %d failed, %d skipped%n", signal, SEEN.get(0),
                            SEEN.get(0) == 1 ? "" : "es", SEEN.get(1), SEEN.get(2), SEEN.get(3));
                }
            }
        }
    }
}
