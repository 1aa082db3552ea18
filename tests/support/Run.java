// Runs a lab script (or any command) and keeps its exit code, stdout and stderr. A script runs
// inside the test JVM (InProcess) unless the test needs a real process: it names a working
// folder, starts the run to act on it while it runs (signals, kill -9, more stdin), or says
// asProcess() (pipes, /dev/full, a terminal, the launchers, a user's path). Other commands are
// always processes.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

public final class Run {
    /** The repository root: named by the runner, or the nearest folder above the working directory with jbang-catalog.json. */
    static final Path REPO = System.getProperty("lab.tests.repo") != null ? Path.of(System.getProperty("lab.tests.repo")) : findRepo();

    private static final java.util.concurrent.atomic.AtomicLong SCRIPT_PROCESSES = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong OTHER_PROCESSES = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong IN_PROCESS = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong SERVERS = new java.util.concurrent.atomic.AtomicLong();

    /** Commands that cannot start JBang, so need not wait for the scripts' builds (certificates for TLS tests, say). */
    private static final java.util.Set<String> NEVER_JBANG = java.util.Set.of("openssl", "mkfifo", "kill");

    private final List<String> command = new ArrayList<>();
    private String mainClass;
    private final Map<String, String> env = new HashMap<>();
    private Path dir;
    private byte[] stdin = new byte[0];
    private boolean keepStdinOpen;
    private long timeoutSeconds = 120;
    private boolean asProcess;
    private boolean stderrOnStdout;
    /** Started through withSigintAtDefault(): only then can SIGINT reach it in a test run started in the background. */
    private boolean sigintAtDefault;

    record Result(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /**
     * A script's main class run with plain `java`, on the test JVM's classpath. Its temp dir is the
     * run's, and it writes no perf-data file to /tmp (which a kill -9 would leave behind).
     */
    static Run script(String mainClass, String... args) {
        Run run = new Run();
        run.mainClass = mainClass;
        run.command.addAll(List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+DisplayVMOutputToStderr", "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + Sandbox.root(), "-cp", System.getProperty("java.class.path"), mainClass));
        run.command.addAll(List.of(args));
        return run;
    }

    /**
     * Runs the command with SIGINT at its default, as Ctrl-C finds a program in a terminal: a
     * background job of a non-interactive shell (nohup, `make test &`) starts with SIGINT ignored,
     * which its children inherit and the JVM then keeps. perl (part of every Debian) resets it and
     * execs the command, so the pid stays the command's.
     */
    Run withSigintAtDefault() {
        asProcess = true;
        sigintAtDefault = true;
        command.addAll(0, List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"cannot run $ARGV[0]: $!\\n\""));
        return this;
    }

    static Run command(String... command) {
        Run run = new Run();
        run.command.addAll(List.of(command));
        return run.in(REPO);
    }

    /** The command as one shell line, each word single-quoted: to run it under script(1), say. */
    String shellLine() {
        StringBuilder line = new StringBuilder();
        for (String word : command) {
            line.append(line.length() == 0 ? "" : " ").append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return line.toString();
    }

    Run args(String... more) {
        command.addAll(List.of(more));
        return this;
    }

    Run env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Run server(NatsServer server) {
        return env("NATS_URL", server.url());
    }

    Run in(Path directory) {
        this.dir = directory;
        return this;
    }

    Run stdin(String text) {
        return stdin(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Exactly these bytes on stdin. */
    Run stdin(byte[] bytes) {
        this.stdin = bytes;
        return this;
    }

    /** Leaves stdin open after the stdin() bytes, for Started.stdin() to write more and close it. */
    Run keepStdinOpen() {
        this.keepStdinOpen = true;
        return this;
    }

    Run timeout(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /** Stderr into stdout, in the order written, as `2>&1` gives: the result's out holds both, its err nothing. */
    Run stderrOnStdout() {
        stderrOnStdout = true;
        return this;
    }

    /** A real JVM for this script, where the process is the point (its exit, its file descriptors, its argv). */
    Run asProcess() {
        asProcess = true;
        return this;
    }

    Result go() throws Exception {
        if (inProcess()) {
            IN_PROCESS.incrementAndGet();
            Map<String, String> environment = new HashMap<>(Sandbox.environment(System.getenv(), Sandbox.root()));
            environment.putAll(env);
            Result inside = InProcess.run(mainClass, command.subList(command.indexOf(mainClass) + 1, command.size()),
                    java.util.Collections.unmodifiableMap(environment), stdin, timeoutSeconds, stderrOnStdout);
            if (System.getProperty(InProcess.COMPARE) != null && inside.exit() != 0) {
                // a refusal changes nothing on the server: the same run as a process must say exactly the same
                Result outside = start().finish();
                if (!outside.equals(inside)) {
                    throw new AssertionError("in-process and process runs differ: " + command.subList(command.indexOf(mainClass), command.size())
                            + "\n=== in process\n" + inside + "=== as a process\n" + outside);
                }
            }
            return inside;
        }
        return start().finish();
    }

    /**
     * Whether go() can run the script inside this JVM with the same result as a process: no
     * working folder of its own, nothing that changes how a JVM starts (locale, JVM options), and
     * arguments a process would receive unchanged (the platform charset can encode them).
     */
    private boolean inProcess() {
        if (mainClass == null || asProcess || dir != null || keepStdinOpen || !InProcess.available()) {
            return false;
        }
        for (String name : env.keySet()) {
            if (name.startsWith("LC_") || name.equals("LANG") || name.contains("JAVA") || name.equals("TMPDIR")) {
                return false;
            }
        }
        java.nio.charset.Charset argv = java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding"));
        for (String arg : command.subList(command.indexOf(mainClass) + 1, command.size())) {
            if (arg.indexOf('\0') >= 0 || !argv.newEncoder().canEncode(arg)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Starts the command and returns at once, for tests that act while it runs (kill -9 it, say):
     * use it in try-with-resources, so a failing test does not leave it running.
     */
    Started start() throws Exception {
        if (mainClass == null && !NEVER_JBANG.contains(command.get(0))) {
            Sandbox.awaitScriptBuilds();
        }
        (mainClass != null ? SCRIPT_PROCESSES : OTHER_PROCESSES).incrementAndGet();
        Path work = dir != null ? dir : Files.createTempDirectory("lab-run-");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
        // A clean environment (Sandbox): nothing of the caller's NATS, natscli or make settings; then what the test sets.
        builder.environment().clear();
        builder.environment().putAll(Sandbox.environment(System.getenv(), Sandbox.root()));
        builder.environment().putAll(env);
        Path out = Files.createTempFile("lab-out-", ".txt");
        Path err = Files.createTempFile("lab-err-", ".txt");
        Started started = new Started(out, err, dir == null ? work : null);
        try {
            builder.redirectOutput(out.toFile());
            if (stderrOnStdout) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectError(err.toFile());
            }
            started.process = builder.start();
        } catch (Exception e) {
            started.close();
            throw e;
        }
        try {
            started.process.getOutputStream().write(stdin);
            if (keepStdinOpen) {
                started.process.getOutputStream().flush();
            } else {
                started.process.getOutputStream().close();
            }
        } catch (IOException stoppedReading) {
            // the command ended, or stopped reading, before taking all of stdin: its output says why
        }
        return started;
    }

    /** A command still running. */
    final class Started implements AutoCloseable {
        private Process process;
        private final Path out;
        private final Path err;
        private final Path tempDir;

        private Started(Path out, Path err, Path tempDir) {
            this.out = out;
            this.err = err;
            this.tempDir = tempDir;
        }

        /** Waits until stdout contains the text (the process may still be running). */
        void awaitOut(String text) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (!Files.readString(out).contains(text)) {
                if (System.nanoTime() > deadline || !process.isAlive() && !Files.readString(out).contains(text)) {
                    throw new AssertionError("never printed " + text + ": " + finish());
                }
                Thread.sleep(20);
            }
        }

        /**
         * Waits, a minute at most, until the condition holds: a moment of the run a test acts at. Fails, saying
         * what it never did and its stderr so far, when the process ends first or the minute passes.
         */
        void await(String what, java.util.function.BooleanSupplier condition) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!condition.getAsBoolean()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("never " + what + ": " + errSoFar());
                }
                Thread.sleep(5);
            }
        }

        /** The process's stdin, when keepStdinOpen() left it open. */
        java.io.OutputStream stdin() {
            return process.getOutputStream();
        }

        /** What it printed on stdout so far. */
        String outSoFar() throws IOException {
            return Files.readString(out);
        }

        /** What it printed on stderr so far. */
        String errSoFar() throws IOException {
            return Files.readString(err);
        }

        /** Sends a signal (INT, TERM) to the process itself, as Ctrl-C or kill would. */
        void signal(String name) throws Exception {
            if (name.equals("INT") && !sigintAtDefault) { // it would be ignored there, and the test wait out its timeout
                throw new AssertionError("SIGINT to a run not started withSigintAtDefault(): " + command);
            }
            new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        }

        boolean running() {
            return process.isAlive();
        }

        long pid() {
            return process.pid();
        }

        /** The process, to look at its children. */
        ProcessHandle pidHandle() {
            return process.toHandle();
        }

        /** SIGKILL: no shutdown hooks, no flush, no goodbye. */
        Result kill9() throws Exception {
            process.destroyForcibly();
            return finish();
        }

        Result finish() throws Exception {
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    throw new AssertionError("timed out after " + timeoutSeconds + "s: " + command + "\n"
                            + Files.readString(out) + Files.readString(err) + "--- still running\n" + stillRunning());
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                close();
            }
        }

        /** The process and what it started, one line each: pid, state (state(pid)), command. */
        String stillRunning() {
            StringBuilder lines = new StringBuilder();
            java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()), process.descendants()).forEach(p ->
                    lines.append(p.pid()).append(' ').append(state(p.pid())).append(' ').append(p.info().commandLine().orElse("?")).append('\n'));
            return lines.toString();
        }

        /** Kills what is still running (and what it started), and deletes the output files. */
        @Override
        public void close() throws Exception {
            if (process != null && process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            if (tempDir != null) {
                deleteTree(tempDir);
            }
        }
    }

    /** A process's state as the kernel gives it (R running, S sleeping, T stopped, Z ended, not yet reaped), or "gone". */
    static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException gone) {
            return "gone";
        }
    }

    /** How many script processes, other processes, in-process script runs and nats-servers the tests started so far. */
    static long[] launches() {
        return new long[] {SCRIPT_PROCESSES.get(), OTHER_PROCESSES.get(), IN_PROCESS.get(), SERVERS.get()};
    }

    static void countServer() {
        SERVERS.incrementAndGet();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path findRepo() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("jbang-catalog.json")) && Files.isDirectory(dir.resolve("scripts"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run the tests from inside the repository (make test)");
    }
}
