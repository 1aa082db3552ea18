// SIGTERM or Ctrl-C before a run watches for signals itself (while it reads its config, connects,
// or waits for its first answer) still ends with one line saying how far it got, and exit 143.

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StopEarlyTest {
    private static final int SIGTERM_EXIT = 143;

    /** bin/lab-run's own start (finding, maybe building the script) before the JVM takes over: the same one line. */
    @Test
    void aSignalWhileLabRunStartsEndsWithOneLine() throws Exception {
        assertOneEarlyLineOnEachSignal(Run.REPO.resolve("bin/lab-run").toString(), "js-info");
    }

    /** bin/jbang, while JBang finds (and maybe builds) a lab script: the same one line, not a silent 143. */
    @Test
    void aSignalWhileJbangStartsALabScriptEndsWithOneLine() throws Exception {
        assertOneEarlyLineOnEachSignal(Run.REPO.resolve("bin/jbang").toString(), Run.REPO.resolve("scripts/JsInfo.java").toString());
    }

    private static final String EARLY_LINE = "ERROR stopped (Ctrl-C or SIGTERM) before it connected: nothing was sent or changed\n";

    /**
     * A launcher's start, from its first line (its trap for SIGTERM is set: nothing can answer a signal
     * earlier) to the script's JVM connecting: a SIGTERM at any moment of it (while the launcher finds
     * the script, while JBang's JVM runs, while the script's JVM starts, as the script's first code
     * runs) ends with exactly one line and 143, never silently; as the script connects, twice in a row
     * too. Ctrl-C likewise, at fewer moments. The
     * moments are chosen per phase of the start, as one run of each launcher shows them: each phase as
     * it begins, in its middle and near its end. js-info waits for a server that accepts and never
     * answers, so no run can finish before its signal.
     */
    @Test
    void aSigtermAtAnyPointOfTheStartEndsWithOneLine() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            for (String[] launcher : launchers()) {
                List<Phase> phases = phases(silent, launcher);
                List<Moment> moments = new java.util.ArrayList<>();
                for (Phase phase : phases) {
                    double[] parts = switch (phase.name()) {
                        case CONNECTED -> new double[] {0};
                        case SCRIPT_JVM -> new double[] {0, 0.5, 0.9}; // where the script's own handler takes over
                        default -> new double[] {0, 0.5};
                    };
                    for (double part : parts) {
                        moments.add(new Moment("TERM", phase, part));
                    }
                }
                for (Phase phase : phases.subList(0, phases.size() - 1)) { // Ctrl-C: in each phase before the connection
                    moments.add(new Moment("INT", phase, 0.5));
                }
                for (Moment moment : moments) {
                    String where = launcher[0] + " signalled " + moment + " of " + phases + ": ";
                    Run.Result result;
                    try {
                        result = signalledAt(silent, launcher, phases, moment);
                    } catch (AssertionError timedOut) { // a run that never ended: say which moment did it
                        throw new AssertionError(where + timedOut.getMessage(), timedOut);
                    }
                    assertEquals(moment.signal().equals("TERM") ? SIGTERM_EXIT : 130, result.exit(), where + result);
                    assertEquals(EARLY_LINE, result.err(), where + result);
                    assertEquals("", result.out(), where + result);
                }
            }
        }
    }

    /**
     * Ctrl-C at random moments of a launcher's start, once or twice in a row, as a terminal sends it:
     * to the whole foreground process group (the launcher leads one of its own here, as a shell's job
     * does). Each run ends with the early line alone and 130, never a line of bash's own or a start
     * that goes on as if nothing came, and leaves no process behind. (A signal sent to the launcher's
     * shell alone, with kill, can still get lost in bash while it waits for a child of its own in its
     * first milliseconds; a terminal never sends one that way.)
     */
    @Test
    void ctrlCAtRandomMomentsOfTheStartEndsWithOneLine() throws Exception {
        java.util.Random random = new java.util.Random();
        try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            for (String[] launcher : launchers()) {
                List<Phase> phases = phases(silent, launcher);
                List<Phase> beforeTheScript = phases.stream().filter(p -> !p.name().equals(SCRIPT_JVM) && !p.name().equals(CONNECTED)).toList();
                for (int run = 0; run < 12; run++) {
                    // mostly the launcher's own shell, where its children are: it is short, and the JVMs' phases are covered above
                    Phase phase = beforeTheScript.get(run % 3 == 2 ? random.nextInt(beforeTheScript.size()) : 0);
                    double part = random.nextDouble();
                    if (run % 4 == 3) { // as the script's JVM starts: the launcher ends it, while it waits for it
                        phase = phases.stream().filter(p -> p.name().equals(SCRIPT_JVM)).findFirst().orElseThrow();
                        part = part * 0.3;
                    }
                    Moment moment = new Moment("INT", phase, part);
                    String[] asAJob = java.util.stream.Stream.concat(java.util.stream.Stream.of("setsid"), java.util.Arrays.stream(launcher)).toArray(String[]::new);
                    try (Run.Started started = signalled(silentRun(silent, asAJob)).start(); Socket connected = awaitMoment(silent, started, phases, moment)) {
                        List<ProcessHandle> running = withDescendants(started);
                        // which processes the signal meets, so a failure says how far the start had got
                        String met = running.stream().map(p -> p.info().command().map(c -> c.replaceAll(".*/", "")).orElse("?"))
                                .collect(java.util.stream.Collectors.joining(" ", "(met: ", ")"));
                        ctrlC(started);
                        if (run % 2 == 1) {
                            ctrlC(started);
                        }
                        String where = launcher[0] + " Ctrl-C " + moment + (run % 2 == 1 ? ", twice" : "") + " " + met + ": ";
                        Run.Result result;
                        try {
                            result = started.finish();
                        } catch (AssertionError timedOut) { // a run that never ended: say which moment did it
                            throw new AssertionError(where + timedOut.getMessage(), timedOut);
                        }
                        assertEquals(130, result.exit(), where + result);
                        assertEquals(EARLY_LINE, lessJavasStartCutShort(result.err()), where + result);
                        assertEquals("", result.out(), where + result);
                        assertAllEnd(running, where + "a process of its start");
                        drain(silent);
                    }
                }
            }
        }
    }

    /**
     * A signal can reach the JVM's own handler in the moment the script's takes its place: the JVM
     * looked its handler up just before, and runs it in a thread of its own a little later, where
     * nothing of the script's noted it. That exit is still a signal's, and ends with the early line.
     */
    @Test
    void aSignalTheJvmsOwnHandlerTookAsTheScriptsWasSetEndsWithTheLine() throws Exception {
        assertEndsByCtrlCWithTheEarlyLine(ExitByASignalNothingNoted.class);
    }

    /**
     * As the JVM runs a signal's handler it looked up before the script's was set: in a thread with the
     * signal's name, in the JVM's "system" thread group (the root, above main's), where the JVM starts it.
     */
    static final class ExitByASignalNothingNoted {
        public static void main(String[] args) throws InterruptedException {
            StopSignal.fromTheStart();
            Thread jvmsOwnHandler = new Thread(StopSignal.signalHandlersGroup(), () -> System.exit(130), "SIGINT handler");
            jvmsOwnHandler.start();
            jvmsOwnHandler.join();
        }
    }

    /**
     * A signal that began the exit before the script's first code could even add its hook: the line,
     * and no stack trace (adding a hook throws once the exit has begun).
     */
    @Test
    void aSignalBeforeTheScriptsFirstCodeEndsWithTheLineAndNoStackTrace() throws Exception {
        assertEndsByCtrlCWithTheEarlyLine(ExitBegunBeforeTheHook.class);
    }

    /** The main class, run as a process without a launcher, ends with 130 and the early line alone. */
    private static void assertEndsByCtrlCWithTheEarlyLine(Class<?> main) throws Exception {
        Run.Result result = Run.script(main.getName()).asProcess().timeout(60).go();
        assertEquals(130, result.exit(), result.toString());
        assertEquals(EARLY_LINE, result.err(), result.toString());
    }

    /** As when the JVM's own handler began the exit (Ctrl-C) just before the script's first code ran. */
    static final class ExitBegunBeforeTheHook {
        public static void main(String[] args) throws InterruptedException {
            CountDownLatch exiting = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                exiting.countDown();
                try {
                    Thread.sleep(3_000); // the exit goes on a while: the script's first code runs meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            new Thread(() -> System.exit(130), "SIGINT handler").start();
            exiting.await();
            StopSignal.fromTheStart();
        }
    }

    /**
     * Java's own start can fail at a Ctrl-C: its handler begins the exit while the JVM still boots its
     * module system, and the start ends with exit 1 and Java's "Error occurred during initialization of
     * VM" (any Java program does; seen in a CI run). Before the script's first code that is still the
     * Ctrl-C's end: 130 and the early line, after Java's words if the JVM said them before the launcher
     * ended it. The JVM here is a stand-in (perl) that ends that way as soon as the signal comes, mostly
     * before the launcher can end it.
     */
    @Test
    void aJvmStartThatFailsAtACtrlCEndsAsTheCtrlCs() throws Exception {
        Path dir = temp("failing-start");
        Path started = dir.resolve("started");
        Path java = dir.resolve("java");
        Files.writeString(java, """
                #!/usr/bin/perl
                $SIG{INT} = sub { print STDERR "Error occurred during initialization of VM\\njava.lang.InternalError: Bad level: 2\\n"; exit 1 };
                open(my $started, '>', $ARGV[0]) or die; close($started);
                sleep 1 while 1;
                """);
        assertTrue(java.toFile().setExecutable(true));
        String launcher = "set -eu; trap '' QUIT; . \"$0\"; trap_early_signals; run_lab_jvm \"$1\" \"$2\"";
        try (Run.Started run = signalled(Run.command("setsid", "bash", "-c", launcher,
                Run.REPO.resolve("tools/jbang/early-signal.bash").toString(), java.toString(), started.toString()).withSigintAtDefault()).start()) {
            run.await("started the stand-in JVM", () -> Files.exists(started));
            ctrlC(run);
            Run.Result result = run.finish();
            assertEquals(130, result.exit(), result.toString());
            assertEquals(EARLY_LINE, lessJavasStartCutShort(result.err()), result.toString());
            assertEquals("", result.out(), result.toString());
        }
    }

    /** What Java says when a signal cuts its start short (aJvmStartThatFailsAtACtrlCEndsAsTheCtrlCs): its words, less the line. */
    private static String lessJavasStartCutShort(String err) {
        return err.replaceFirst("\\AError occurred during initialization of VM\njava\\.lang\\.InternalError: Bad level: [0-9]\n(\tat [^\n]*\n)*\n?", "");
    }

    /**
     * bin/jbang waits for the build lock of a script another run builds, asking for it every 100 ms: a
     * SIGTERM or SIGHUP to the whole group meanwhile ends the run with the early line alone, no "Terminated"
     * or "Hangup" of bash's for a child of the wait that the signal killed. The lock is held here by flock(1),
     * as another run's build would hold it.
     */
    @Test
    void aSignalWhileAnotherRunHoldsTheBuildLockEndsWithTheLineAlone() throws Exception {
        String script = Run.REPO.resolve("scripts/JsInfo.java").toString();
        Path cache = Files.createDirectories(temp("lock-held").resolve("cache"));
        Path lock = Files.createDirectories(cache.resolve("lab-build-locks")).resolve(script.replaceAll("[^A-Za-z0-9._-]", "_") + ".lock");
        Process holder = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "echo held; exec sleep 120").redirectErrorStream(true).start();
        try {
            assertEquals("held", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine());
            Path held = lock.toRealPath();
            for (String signal : List.of("TERM", "HUP")) {
                try (Run.Started run = signalled(Run.command("setsid", Run.REPO.resolve("bin/jbang").toString(), script)
                        .env("JBANG_CACHE_DIR", cache.toString()).withSigintAtDefault()).start()) {
                    run.await("opened the lock", () -> holds(run.pid(), held)); // it asks for it from then on
                    Thread.sleep(300); // a few rounds of asking
                    new ProcessBuilder("kill", "-" + signal, "--", "-" + run.pid()).start().waitFor();
                    Run.Result result = run.finish();
                    assertEquals(signal.equals("TERM") ? SIGTERM_EXIT : 129, result.exit(), signal + ": " + result);
                    assertEquals(EARLY_LINE, result.err(), signal + ": " + result);
                    assertEquals("", result.out(), signal + ": " + result);
                }
            }
        } finally {
            holder.descendants().forEach(ProcessHandle::destroy); // flock runs the holding command as its child
            holder.destroy();
            holder.waitFor();
        }
    }

    /** Whether process `pid` has `file` open. */
    private static boolean holds(long pid, Path file) {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (java.io.IOException gone) {
                    return false;
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException gone) {
            return false;
        }
    }

    /** SIGINT to the run's process group, as a terminal's Ctrl-C goes to its foreground job. */
    private static void ctrlC(Run.Started run) throws Exception {
        new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor(); // the group may have ended
    }

    /**
     * A launcher killed with kill -9 (nothing of it runs any more) while the script's JVM starts or
     * runs: that JVM ends too, within seconds, instead of running on with no one waiting for it. The
     * processes checked are the launcher and its descendants at the moment of the kill (found by the
     * process tree, not by name).
     */
    @Test
    void aKill9OfTheLauncherEndsItsJvm() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
            for (String[] launcher : launchers()) {
                List<Phase> phases = phases(silent, launcher);
                for (Phase phase : phases) { // while a JVM of the launcher's starts
                    double[] parts = switch (phase.name()) {
                        case SCRIPT_JVM -> launcher[1].equals("js-info") ? new double[] {0, 0.5, 0.9} : new double[] {0, 0.5};
                        case JBANG_JVM -> new double[] {0.5};
                        default -> new double[0];
                    };
                    for (double part : parts) {
                        killedAt(silent, launcher, phases, new Moment("KILL", phase, part));
                    }
                }
                // and once the script runs (connected, waiting for the server's first word): the run that measured the phases
                assertEquals("", KILLED_CONNECTED.get(launcher[0]), launcher[0] + " killed once its script connected");
            }
        }
    }

    /**
     * On a system without setpriv nothing makes the kernel end the script's JVM with its launcher: the JVM
     * sees for itself that its launcher is gone (its parent changed), within a second, and ends.
     */
    @Test
    void aKill9OfTheLauncherEndsItsJvmWithoutSetpriv() throws Exception {
        Path bin = Files.createDirectories(temp("no-setpriv").resolve("bin"));
        for (String folder : List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            try (var entries = Files.list(Path.of(folder))) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    Path link = bin.resolve(entry.getFileName().toString());
                    if (!link.getFileName().toString().equals("setpriv") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, entry);
                    }
                }
            }
        }
        try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
                Run.Started run = killable(silentRun(silent, launchers().get(0))).env("PATH", bin.toString()).start();
                Socket connected = awaitConnection(silent)) {
            List<ProcessHandle> left = withDescendants(run);
            run.kill9();
            assertAllEnd(left, "bin/lab-run without setpriv, killed once its script connected");
        } finally {
            Run.deleteTree(bin);
        }
    }

    /**
     * kill -9 of bin/jbang while JBang builds a script into a cache without builds, with javac (a process JBang
     * starts) at work: JBang's JVM and that javac end with it, before javac wrote a class (left running,
     * it would write the whole build into the cache, where no one uses or removes it), and the next run
     * builds the script cleanly and runs it: js-pub, whose stdin is bin/jbang's, publishes the lines piped
     * into bin/jbang (bin/lab-run's: theScriptReadsTheLaunchersStdin).
     */
    @Test
    void aKill9OfBinJbangWhileJbangBuildsLeavesNoHalfBuild() throws Exception {
        Path cache = cacheWithoutBuilds();
        try (NatsServer server = NatsServer.startWithJetStream()) {
            assertEquals(0, Run.script("JsBootstrap").server(server).go().exit());
            Run run = Run.command(Run.REPO.resolve("bin/jbang").toString(), Run.REPO.resolve("scripts/JsPub.java").toString())
                    .env("JBANG_CACHE_DIR", cache.toString()).server(server).stdin("one\ntwo\n").timeout(300);
            try (Run.Started building = killable(run).start()) {
                awaitJavac(building);
                List<ProcessHandle> left = withDescendants(building);
                building.kill9();
                assertAllEnd(left, "bin/jbang killed while javac built");
                assertEquals(List.of(), classFiles(cache), "javac ended with bin/jbang, before it wrote the build");
            }
            assertEquals(List.of(), StoredMessages.in(server), "the killed run sent nothing");
            Run.Result again = run.go();
            assertEquals(0, again.exit(), again.toString());
            assertEquals(List.of("one", "two"), StoredMessages.in(server));
        } finally {
            Run.deleteTree(cache);
        }
    }

    /**
     * Ctrl-C (to the whole job, as a terminal sends it) while javac builds a lab script into a cache
     * without builds, through either launcher: the early line is the last and only line after JBang's progress
     * lines (not JBang's "Error during compile" for the javac the signal ended, before or after it),
     * exit 130, and JBang's processes, javac among them, end.
     */
    @Test
    void ctrlCWhileJavacBuildsEndsWithTheEarlyLineAlone() throws Exception {
        for (String[] launcher : launchers()) {
            Path cache = cacheWithoutBuilds();
            Path state = Files.createTempDirectory("lab-state-");
            try {
                String[] asAJob = java.util.stream.Stream.concat(java.util.stream.Stream.of("setsid"), java.util.Arrays.stream(launcher)).toArray(String[]::new);
                try (Run.Started started = signalled(Run.command(asAJob).env("NATS_URL", "nats://127.0.0.1:9").env("NATS_TIMEOUT", "60s")
                        .env("JBANG_CACHE_DIR", cache.toString()).env("LAB_STATE_DIR", state.toString()).withSigintAtDefault()
                        .timeout(300)).start()) {
                    awaitJavac(started);
                    List<ProcessHandle> running = withDescendants(started);
                    ctrlC(started);
                    Run.Result result = started.finish();
                    String where = launcher[0] + " Ctrl-C while javac built: ";
                    assertEquals(130, result.exit(), where + result);
                    assertTrue(result.err().endsWith(EARLY_LINE), where + result);
                    assertFalse(result.err().contains("[jbang] [ERROR]"), where + result);
                    assertEquals(List.of(EARLY_LINE.strip()), result.err().lines().filter(line -> !line.startsWith("[jbang] ")).toList(),
                            where + result);
                    assertAllEnd(running, where + "a process of its build");
                }
            } finally {
                Run.deleteTree(state);
                Run.deleteTree(cache);
            }
        }
    }

    /**
     * A JBang cache with no build in it, so a run builds its script (javac at work), but with the dependencies the
     * runner's cache resolved, as a clone that built before has them: resolving them again is JBang's own work,
     * which no test here signals.
     */
    private static Path cacheWithoutBuilds() throws java.io.IOException {
        Path cache = Files.createTempDirectory("jbang-cache-");
        Path resolved = Path.of(Sandbox.environment(System.getenv(), Sandbox.root()).get("JBANG_CACHE_DIR"), "dependency_cache.json");
        if (Files.isRegularFile(resolved)) {
            Files.copy(resolved, cache.resolve("dependency_cache.json"));
        }
        return cache;
    }

    /** Waits until javac runs below the run (JBang starts it as a process of its own to build a script). */
    private static void awaitJavac(Run.Started run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (run.pidHandle().descendants().noneMatch(p -> p.info().command().orElse("").endsWith("/javac"))) {
            assertTrue(run.running(), "ended before javac ran: " + run.errSoFar());
            assertFalse(System.nanoTime() > deadline, "JBang never started javac");
            Thread.sleep(5);
        }
    }

    /** The class files anywhere in the JBang cache CACHE. */
    private static List<Path> classFiles(Path cache) throws java.io.IOException {
        try (var files = Files.walk(cache)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".class")).toList();
        }
    }

    /** The script's stdin is the launcher's: lines piped into bin/lab-run reach js-pub (bin/jbang's: aKill9OfBinJbangWhileJbangBuildsLeavesNoHalfBuild). */
    @Test
    void theScriptReadsTheLaunchersStdin() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            assertEquals(0, Run.script("JsBootstrap").server(server).go().exit());
            Run.Result result = Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-pub").server(server).stdin("one\ntwo\n")
                    .timeout(300).go();
            assertEquals(0, result.exit(), result.toString());
            assertEquals(List.of("one", "two"), StoredMessages.in(server));
        }
    }

    /** bin/lab-run and bin/jbang, each with the lab's js-info. */
    private static List<String[]> launchers() {
        return List.of(new String[] {Run.REPO.resolve("bin/lab-run").toString(), "js-info"},
                new String[] {Run.REPO.resolve("bin/jbang").toString(), Run.REPO.resolve("scripts/JsInfo.java").toString()});
    }

    /**
     * A kill -9 gives no process a moment to remove its temp files: one that lands between a launcher's
     * making and removing its capture file (a few ms), or while JBang's JVM holds a folder of its own,
     * leaves that behind. Such runs get a temp dir of the class's, removed after it (the run's other
     * leftover checks, its processes, still apply: the dir is inside the run's).
     */
    private static Run killable(Run run) throws java.io.IOException {
        return run.env("TMPDIR", temp("killed").toString());
    }

    /**
     * A run ended by a signal it can answer: every temp file of the lab's own is gone after it, but JBang's
     * JVM, ended while it starts, leaves its own `jdk-provider-cache*` folder (JBang removes it only when it
     * ends by itself). Such runs get a temp dir of the class's, where nothing else may be left.
     */
    private static Run signalled(Run run) throws java.io.IOException {
        return run.env("TMPDIR", temp("signalled").toString());
    }

    private static final java.util.Map<String, Path> TEMP = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path temp(String kind) {
        return TEMP.computeIfAbsent(kind, k -> {
            try {
                return Files.createTempDirectory(k + "-");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @org.junit.jupiter.api.AfterAll
    static void removeWhatSignalsLeft() throws Exception {
        Path signalled = TEMP.get("signalled");
        List<String> ours = List.of();
        if (signalled != null) {
            try (var left = Files.list(signalled)) {
                ours = left.map(p -> p.getFileName().toString()).filter(name -> !name.matches("jdk-provider-cache[0-9]+")).sorted().toList();
            }
        }
        for (Path dir : TEMP.values()) {
            Run.deleteTree(dir);
        }
        assertEquals(List.of(), ours, "left in the temp dir by runs that ended by a signal they answer");
    }

    private static Run silentRun(ServerSocket silent, String[] launcher) {
        return Run.command(launcher).env("NATS_URL", "nats://127.0.0.1:" + silent.getLocalPort()).env("NATS_TIMEOUT", "60s")
                .withSigintAtDefault().timeout(300);
    }

    private static final String LAUNCHER = "the launcher's shell";
    private static final String JBANG_JVM = "JBang's JVM";
    private static final String AFTER_JBANG = "the launcher's shell after JBang's JVM";
    private static final String SCRIPT_JVM = "the script's JVM";
    private static final String CONNECTED = "the script connected";

    /** A phase of a launcher's start: its name, and when it began and ended, in ns after the launcher's trap was set. */
    record Phase(String name, long from, long to) {
        @Override
        public String toString() {
            return name + " " + from / 1_000_000 + "-" + to / 1_000_000 + " ms";
        }
    }

    /** A signal sent a part of the way through a phase: as the phase is seen to begin, plus that part of its length in the first run. */
    record Moment(String signal, Phase phase, double part) {
        @Override
        public String toString() {
            return signal + " " + Math.round(part * 100) + "% into " + phase.name();
        }
    }

    private static final java.util.Map<String, List<Phase>> PHASES = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Per launcher, how its run that measured the phases ended: killed with kill -9 once its script had connected,
     * every process of it ended (empty), or what still ran. That run goes to its end anyway, so it is also the
     * kill -9 while the script runs (aKill9OfTheLauncherEndsItsJvm).
     */
    private static final java.util.Map<String, String> KILLED_CONNECTED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The phases of the launcher's start, from one run of it (kept for the class's other tests): what runs
     * below the launcher's shell, polled from its trap to the script's connection. Each phase the launcher
     * has must be seen, or the moments would miss it.
     */
    private static List<Phase> phases(ServerSocket silent, String[] launcher) throws Exception {
        List<Phase> known = PHASES.get(launcher[0]);
        if (known != null) {
            return known;
        }
        List<String> expected = launcher[1].equals("js-info") ? List.of(LAUNCHER, SCRIPT_JVM, CONNECTED)
                : List.of(LAUNCHER, JBANG_JVM, AFTER_JBANG, SCRIPT_JVM, CONNECTED);
        List<Phase> phases = List.of();
        for (int attempt = 0; attempt < 3 && !expected.equals(phases.stream().map(Phase::name).toList()); attempt++) {
            phases = startPhases(silent, launcher); // a short phase can pass between two looks on a loaded machine: look again
        }
        assertEquals(expected, phases.stream().map(Phase::name).toList(), launcher[0] + "'s start: " + phases);
        PHASES.put(launcher[0], List.copyOf(phases));
        return PHASES.get(launcher[0]);
    }

    private static List<Phase> startPhases(ServerSocket silent, String[] launcher) throws Exception {
        List<Phase> phases = new java.util.ArrayList<>();
        try (Run.Started run = killable(silentRun(silent, launcher)).start()) { // ends with a kill -9
            awaitTrap(run);
            long from = System.nanoTime();
            java.util.concurrent.ExecutorService accepting = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.concurrent.Future<Socket> connection = accepting.submit(() -> awaitConnection(silent));
            accepting.shutdown();
            String seen = null;
            long began = 0;
            while (!connection.isDone()) {
                String now = phaseOf(run.pid(), seen);
                if (!now.equals(seen)) {
                    long at = System.nanoTime() - from;
                    if (seen != null) {
                        phases.add(new Phase(seen, began, at));
                    }
                    seen = now;
                    began = at;
                }
                assertTrue(run.running(), "ended before it connected: " + run.errSoFar());
                Thread.sleep(1);
            }
            long at = System.nanoTime() - from;
            phases.add(new Phase(seen, began, at));
            phases.add(new Phase(CONNECTED, at, at));
            try (Socket connected = connection.get()) {
                List<ProcessHandle> left = withDescendants(run);
                run.kill9();
                try {
                    assertAllEnd(left, launcher[0] + " killed while its script ran");
                    KILLED_CONNECTED.put(launcher[0], "");
                } catch (AssertionError stillRunning) {
                    KILLED_CONNECTED.put(launcher[0], stillRunning.getMessage());
                }
            }
        }
        drain(silent);
        return phases;
    }

    /** What runs below the launcher's shell now: JBang's JVM, the script's (JsInfo), or neither (then after JBang's if that came before). */
    private static String phaseOf(long pid, String before) {
        boolean unsure = false;
        for (long child : descendants(pid)) {
            String commandLine;
            try {
                commandLine = Files.readString(Path.of("/proc/" + child + "/cmdline")).replace('\0', ' ');
            } catch (java.io.IOException gone) {
                continue;
            }
            // a process in the middle of an exec (setpriv becoming java) shows no command line for a moment
            unsure |= commandLine.isBlank();
            if (commandLine.contains("dev.jbang.Main")) {
                return JBANG_JVM;
            }
            if (commandLine.matches("(\\S*/)?java .* JsInfo( .*)?")) {
                return SCRIPT_JVM;
            }
        }
        if (unsure && before != null) {
            return before;
        }
        return SCRIPT_JVM.equals(before) ? SCRIPT_JVM : JBANG_JVM.equals(before) || AFTER_JBANG.equals(before) ? AFTER_JBANG : LAUNCHER;
    }

    /** The process's children, theirs, and so on, as the kernel lists them now. */
    private static List<Long> descendants(long pid) {
        List<Long> all = new java.util.ArrayList<>();
        try {
            for (String child : Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).trim().split(" +")) {
                if (!child.isEmpty()) {
                    all.add(Long.parseLong(child));
                    all.addAll(descendants(Long.parseLong(child)));
                }
            }
        } catch (java.io.IOException gone) {
            // ended meanwhile
        }
        return all;
    }

    /** Waits until the moment's phase begins (or a later one: a short phase may pass between two looks), then the part of its length. */
    /** Returns the script's connection when the moment is its connection (to close after the signal), else null. */
    private static Socket awaitMoment(ServerSocket silent, Run.Started run, List<Phase> phases, Moment moment) throws Exception {
        awaitTrap(run);
        List<String> order = phases.stream().map(Phase::name).toList();
        if (moment.phase().name().equals(CONNECTED)) {
            return awaitConnection(silent);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        String seen = null;
        while (order.indexOf(seen = phaseOf(run.pid(), seen)) < order.indexOf(moment.phase().name())) {
            assertTrue(run.running(), "ended before " + moment + ": " + run.errSoFar());
            assertFalse(System.nanoTime() > deadline, "never reached " + moment);
            Thread.sleep(1);
        }
        java.util.concurrent.locks.LockSupport.parkNanos((long) ((moment.phase().to() - moment.phase().from()) * moment.part()));
        return null;
    }

    private static Run.Result signalledAt(ServerSocket silent, String[] launcher, List<Phase> phases, Moment moment) throws Exception {
        try (Run.Started run = signalled(silentRun(silent, launcher)).start(); Socket connected = awaitMoment(silent, run, phases, moment)) {
            run.signal(moment.signal());
            if (moment.phase().name().equals(CONNECTED)) {
                // The script answers signals: a second one while it ends must not leave the launcher waiting
                // for its Ctrl-C watch (a day) after the script said its line.
                Thread.sleep(20 + new java.util.Random().nextInt(60));
                if (run.running()) {
                    run.signal(moment.signal());
                }
            }
            Run.Result result = run.finish();
            drain(silent);
            return result;
        }
    }

    private static void killedAt(ServerSocket silent, String[] launcher, List<Phase> phases, Moment moment) throws Exception {
        try (Run.Started run = killable(silentRun(silent, launcher)).start(); Socket connected = awaitMoment(silent, run, phases, moment)) {
            List<ProcessHandle> left = withDescendants(run);
            run.kill9();
            assertAllEnd(left, launcher[0] + " killed " + moment);
            drain(silent);
        }
    }

    private static List<ProcessHandle> withDescendants(Run.Started run) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(run.pidHandle()), run.pidHandle().descendants()).toList();
    }

    /** Each of these processes ends within 15 s (a zombie has ended: only its parent has not looked yet). */
    private static void assertAllEnd(List<ProcessHandle> processes, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (ProcessHandle process : processes) {
            while (running(process.pid())) {
                assertFalse(System.nanoTime() > deadline, what + ": process " + process.pid() + " still runs: "
                        + process.info().commandLine().orElse("?"));
                Thread.sleep(50);
            }
        }
    }

    private static boolean running(long pid) {
        String state = Run.state(pid);
        return !state.equals("Z") && !state.equals("gone");
    }

    private static void awaitTrap(Run.Started run) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!catches(run.pid(), 15) || !watchesForCtrlC(run.pid())) {
            assertTrue(run.running(), "ended before it set its trap: " + run.errSoFar());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never set its trap in 60s (SIGTERM caught: " + catches(run.pid(), 15) + ", Ctrl-C watch: "
                        + watchesForCtrlC(run.pid()) + "): " + run.errSoFar() + "\n" + run.stillRunning());
            }
            Thread.sleep(1);
        }
    }

    private static Socket awaitConnection(ServerSocket silent) throws Exception {
        silent.setSoTimeout(240_000);
        return silent.accept();
    }

    /** Takes what connected meanwhile: the next run's connection is then its own. */
    private static void drain(ServerSocket silent) throws Exception {
        silent.setSoTimeout(1);
        try {
            while (true) {
                silent.accept().close();
            }
        } catch (java.net.SocketTimeoutException none) {
            // nothing more waiting
        }
    }

    /** A launcher (bash) signalled once its traps are set, before the script's JVM runs: the script's early line, 130 or 143. */
    private static void assertOneEarlyLineOnEachSignal(String... command) throws Exception {
        // a server that accepts and never answers: a signal that reaches the script's JVM itself (the launcher's
        // pid becomes the JVM's at its exec) still finds it before it connected, however late it comes
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (String signal : new String[] {"TERM", "INT"}) {
                assertOneEarlyLine(signal, "nats://127.0.0.1:" + silent.getLocalPort(), command);
            }
        }
    }

    private static void assertOneEarlyLine(String signal, String url, String... command) throws Exception {
        Run run = signalled(Run.command(command).env("NATS_URL", url).env("NATS_TIMEOUT", "60s"));
        // bash catches INT from its start; its trap for TERM comes after the one for INT
        Run.Result result = signalledOnce(signal.equals("INT") ? run.withSigintAtDefault() : run, signal,
                pid -> catches(pid, 15));
        assertEquals(signal.equals("INT") ? 130 : SIGTERM_EXIT, result.exit(), result.toString());
        assertEquals("ERROR stopped (Ctrl-C or SIGTERM) before it connected: nothing was sent or changed\n", result.err(),
                result.toString());
    }

    /** Starts the run, waits until `ready` says so of its process, and sends the signal at once. */
    private static Run.Result signalledOnce(Run run, String signal, java.util.function.LongPredicate ready) throws Exception {
        try (Run.Started started = run.start()) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!ready.test(started.pid())) {
                assertTrue(started.running(), "ended before it was ready: " + started.errSoFar());
                assertFalse(System.nanoTime() > deadline, "never ready");
                Thread.sleep(1);
            }
            started.signal(signal);
            return started.finish();
        }
    }

    /**
     * Whether the launcher's Ctrl-C watch runs (early-signal.bash): it starts right after the traps are
     * set. SIGINT caught says little: bash catches it from its own start.
     */
    private static boolean watchesForCtrlC(long pid) {
        for (long child : descendants(pid)) {
            try {
                if (Files.readString(Path.of("/proc/" + child + "/cmdline")).equals("sleep\u000086400\u0000")) {
                    return true;
                }
            } catch (java.io.IOException gone) {
                // ended meanwhile
            }
        }
        return false;
    }

    private static boolean catches(long pid, int signal) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("SigCgt:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (signal - 1))) != 0;
                }
            }
        } catch (java.io.IOException gone) {
            // between exec and the first read, or already ended
        }
        return false;
    }

    /**
     * JBang builds in one shared folder with no lock, so two builds of the same sources at once can
     * leave a jar without the script's main class: bin/lab-run builds such a jar again instead of
     * failing on every later run.
     */
    @Test
    void aBuiltJarWithoutItsMainClassIsBuiltAgain() throws Exception {
        Path cache = cacheWithoutBuilds();
        Path state = Files.createTempDirectory("lab-state-");
        try {
            // the build bin/lab-run then finds, as one a clone left in the cache; without the runner's, a first run builds it
            if (!seedWithTheRunnersBuild(cache, "JsPurge")) {
                Run first = Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-purge", "--version")
                        .env("JBANG_CACHE_DIR", cache.toString()).env("LAB_STATE_DIR", state.toString()).timeout(600);
                assertEquals(0, first.go().exit());
            }
            Path jar;
            try (var files = Files.walk(cache.resolve("jars"))) {
                jar = files.filter(f -> f.getFileName().toString().equals("JsPurge.jar")).findFirst().orElseThrow();
            }
            Path stripped = Files.createTempFile(state, "stripped-", ".jar");
            try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(jar));
                    var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(stripped))) {
                for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                    if (!entry.getName().equals("JsPurge.class")) {
                        out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                        in.transferTo(out);
                    }
                }
            }
            Files.move(stripped, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Run.deleteTree(state.resolve("run")); // as a clone that has not run it yet finds the cache
            Run.Result again = Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-purge", "--version")
                    .env("JBANG_CACHE_DIR", cache.toString()).env("LAB_STATE_DIR", state.toString()).timeout(600).go();
            assertEquals(0, again.exit(), again.toString());
        } finally {
            Run.deleteTree(state);
            Run.deleteTree(cache);
        }
    }

    /**
     * Two terminals that start one script at once on an empty cache: through bin/jbang, each start runs, and
     * so does the next (JBang's two builds at once left a jar without a main class that every later run reused).
     */
    @Test
    void startsOfOneScriptAtOnceOnAnEmptyCacheAllRunAndLeaveAWholeBuild() throws Exception {
        Path cache = cacheWithoutBuilds();
        try {
            String printJava = Run.REPO.resolve("tests/jbang/PrintJava.java").toString();
            List<Run.Started> starts = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                starts.add(Run.command(Run.REPO.resolve("bin/jbang").toString(), printJava).env("JBANG_CACHE_DIR", cache.toString())
                        .timeout(600).start());
            }
            List<Run.Result> results = new java.util.ArrayList<>();
            for (Run.Started start : starts) {
                results.add(start.finish()); // all of them, before any is checked: none is left running
            }
            for (Run.Result result : results) {
                assertEquals(0, result.exit(), result.toString());
            }
            Run.Result next = Run.command(Run.REPO.resolve("bin/jbang").toString(), printJava).env("JBANG_CACHE_DIR", cache.toString())
                    .timeout(600).go();
            assertEquals(0, next.exit(), next.toString());
        } finally {
            Run.deleteTree(cache);
        }
    }

    /**
     * Copies the runner's JBang build of the script (its jar's folder, named by a hash of the sources) into
     * the JBang cache CACHE, so that a test of what a build leaves need not compile the lab first; false when
     * it brought no jar of the script (outside the runner there is none: bin/lab-run then builds it there).
     */
    private static boolean seedWithTheRunnersBuild(Path cache, String main) throws Exception {
        Path built = Sandbox.labState().resolve("run");
        if (!Files.isDirectory(built)) {
            return false;
        }
        boolean seeded = false;
        try (var files = Files.list(built)) {
            for (Path classpath : files.filter(f -> f.getFileName().toString().matches(main + "-[0-9a-f]+\\.classpath")).toList()) {
                Path folder = Path.of(Files.readString(classpath).strip().split(":")[0]).getParent();
                Path copy = Files.createDirectories(cache.resolve("jars").resolve(folder.getFileName()));
                try (var jarFiles = Files.list(folder)) {
                    for (Path file : jarFiles.filter(Files::isRegularFile).toList()) {
                        Files.copy(file, copy.resolve(file.getFileName()));
                        seeded |= file.getFileName().toString().equals(main + ".jar");
                    }
                }
            }
        }
        return seeded;
    }

    /**
     * The first run after bin/lab-run built a script records its class archive: that JVM is the process
     * too (no shell left waiting for it), so a SIGTERM sent to it reaches the script, which says how far
     * it got. That run has stdin a pipe nobody closes, and runs at once: only the script reads stdin.
     * A class archive left by a JVM killed while it wrote it can pass the JVM's own checks and crash
     * every later run: bin/lab-run tries a recorded archive in a JVM of its own before it moves it
     * into place, and drops one that does not load (the archive cut short here is the one that first
     * run recorded as the SIGTERM ended it).
     */
    @Test
    void sigtermToTheFirstRunAfterABuildReachesTheScriptAndAnArchiveThatDoesNotLoadIsDropped() throws Exception {
        Path state = Files.createTempDirectory("lab-state-"); // no class archive yet: bin/lab-run records one
        try {
            String labRun = Run.REPO.resolve("bin/lab-run").toString();
            CountDownLatch asked = new CountDownLatch(1);
            try (FakeNatsServer mute = new FakeNatsServer("mute", "2.9.10", subject -> {
                asked.countDown();
                return null; // no answer: js-info waits for it
            }); Run.Started run = Run.command(labRun, "js-info").env("NATS_URL", mute.url()).env("NATS_TIMEOUT", "60s")
                    .env("LAB_STATE_DIR", state.toString()).keepStdinOpen().timeout(600).start()) {
                assertTrue(asked.await(120, TimeUnit.SECONDS), "js-info never asked: " + run.errSoFar());
                run.signal("TERM");
                Run.Result result = run.finish();
                assertEquals(SIGTERM_EXIT, result.exit(), result.toString());
                assertEquals("ERROR stopped (Ctrl-C or SIGTERM) after it connected, before it finished: js-info shows what "
                        + "the server has now\n", result.err(), result.toString());
            }
            Path run = state.resolve("run");
            Path recorded;
            try (var files = Files.list(run)) {
                recorded = files.filter(f -> f.getFileName().toString().matches(".*\\.jsa\\.[0-9]+")).findFirst().orElseThrow();
            }
            String archive = recorded.getFileName().toString().replaceAll("\\.[0-9]+$", "");
            byte[] whole = Files.readAllBytes(recorded);
            Files.delete(recorded);
            // the start of the archive, as a JVM killed mid-write leaves it; pid 999999 is no running JVM
            Files.write(run.resolve(archive + ".999999"), java.util.Arrays.copyOf(whole, Math.min(whole.length, 114_688)));
            Run.Result second = Run.command(labRun, "js-info", "--version").env("LAB_STATE_DIR", state.toString()).timeout(600).go();
            assertEquals(0, second.exit(), second.toString());
            assertTrue(second.out().startsWith("js-info " + CommandRunner.VERSION + " (lab4 scripts)\n"), second.toString());
            assertFalse(Files.exists(run.resolve(archive)), "an archive that does not load is never moved into place");
            assertFalse(Files.exists(run.resolve(archive + ".999999")), "it is dropped");
        } finally {
            Run.deleteTree(state);
        }
    }
}
