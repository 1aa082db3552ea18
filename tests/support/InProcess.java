// Runs a script's picocli command inside the test JVM instead of a new JVM: the same exit code,
// stdout and stderr as the process would give, at a fraction of the cost (no JVM start, classes
// already loaded). What a process would get is recreated per run: its environment (System.getenv
// answers per thread), stdin, stdout (Stdout's checked stream), stderr, and what its exit would
// do (the shutdown hooks it added run when it returns). Runs take turns: System.out/err/in are
// the JVM's. The working folder cannot change inside a JVM, so a test that names one
// (Run.in(...)) runs a process; so does one that sends signals, kills, or holds stdin open.
// The test JVM's own working folder is an empty folder of the run (RunTests), as a process's would be.

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.Charset;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

final class InProcess {
    /** Set (to anything) on the test JVM to run every script as a process: to compare both ways. */
    static final String PROCESSES_ONLY = "lab.tests.processes";
    /** Set on the test JVM to run each failing in-process run again as a process and fail on any difference. */
    static final String COMPARE = "lab.tests.compare";

    private static final ReentrantLock TURN = new ReentrantLock(true);
    private static final InheritableThreadLocal<Map<String, String>> ENV = new InheritableThreadLocal<>();
    private static volatile boolean seamsReady;

    private InProcess() {
    }

    /** False when the JVM does not let us answer System.getenv per run (no --add-opens): then every run is a process. */
    static boolean available() {
        if (System.getProperty(PROCESSES_ONLY) != null) {
            return false;
        }
        synchronized (InProcess.class) {
            if (!seamsReady) {
                try {
                    installEnvironmentSeam();
                    seamsReady = true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The command of script `mainClass` (what its main hands to CommandRunner.run), run with this environment and
     * stdin; with stderrOnStdout, both streams go to one buffer in the order written, as to one file with `2>&1`.
     */
    static Run.Result run(String mainClass, List<String> args, Map<String, String> env, byte[] stdin, long timeoutSeconds,
            boolean stderrOnStdout) throws Exception {
        return run(mainClass, args, env, stdin, timeoutSeconds, stderrOnStdout, false);
    }

    /** The same; with stdoutAsIs the run writes to this JVM's file descriptor 1 (a pipe, /dev/full), and its result's out is empty. */
    static Run.Result run(String mainClass, List<String> args, Map<String, String> env, byte[] stdin, long timeoutSeconds,
            boolean stderrOnStdout, boolean stdoutAsIs) throws Exception {
        Callable<Integer> command = newCommand(mainClass);
        TURN.lock();
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        Set<Thread> hooksBefore = shutdownHooks().keySet();
        hooksBefore = Set.copyOf(hooksBefore);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = stderrOnStdout ? stdout : new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin));
            // as the JVM makes System.err: the platform charset, flushed on every println
            System.setErr(new PrintStream(stderr, true, Charset.defaultCharset()));
            Stdout.redirect(stdoutAsIs ? null : stdout);
            int[] exit = {-1};
            Throwable[] thrown = {null};
            Thread main = new Thread(() -> {
                ENV.set(env);
                try {
                    exit[0] = CommandRunner.run(command, args.toArray(String[]::new));
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            }, "main");
            main.start();
            main.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            if (main.isAlive()) {
                main.interrupt();
                throw new AssertionError("timed out after " + timeoutSeconds + "s: " + mainClass + " " + args
                        + "\n" + stdout + (stderrOnStdout ? "" : stderr));
            }
            if (thrown[0] != null) { // the JVM would print it and exit with 1
                thrown[0].printStackTrace(System.err);
                exit[0] = 1;
            }
            runExitHooks(hooksBefore, env);
            System.out.flush();
            System.err.flush();
            return new Run.Result(exit[0], stdout.toString(java.nio.charset.StandardCharsets.UTF_8),
                    stderrOnStdout ? "" : stderr.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            Stdout.redirect(null);
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
            TURN.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private static Callable<Integer> newCommand(String mainClass) throws Exception {
        var constructor = Class.forName(mainClass).getDeclaredConstructor();
        constructor.setAccessible(true);
        return (Callable<Integer>) constructor.newInstance();
    }

    /** What System.exit would do: run the hooks this run added (all at once, as the JVM does), then forget them. */
    private static void runExitHooks(Set<Thread> before, Map<String, String> env) throws Exception {
        List<Thread> added = new ArrayList<>();
        for (Thread hook : List.copyOf(shutdownHooks().keySet())) {
            if (!before.contains(hook)) {
                Runtime.getRuntime().removeShutdownHook(hook);
                added.add(hook);
            }
        }
        for (Thread hook : added) {
            hook.start();
        }
        for (Thread hook : added) {
            hook.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @SuppressWarnings("unchecked")
    private static IdentityHashMap<Thread, Thread> shutdownHooks() throws Exception {
        Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
        Field field = hooks.getDeclaredField("hooks");
        field.setAccessible(true);
        synchronized (hooks) {
            return new IdentityHashMap<>((IdentityHashMap<Thread, Thread>) field.get(null));
        }
    }

    /**
     * System.getenv() is an unmodifiable view of a map the JVM read at start-up: the map under the
     * view becomes one that answers with the run's environment on a run's threads and with the
     * real one elsewhere. ProcessBuilder copies a different map, so processes are unaffected.
     */
    @SuppressWarnings("unchecked")
    private static void installEnvironmentSeam() throws ReflectiveOperationException {
        Class<?> processEnvironment = Class.forName("java.lang.ProcessEnvironment");
        Field unmodifiable = processEnvironment.getDeclaredField("theUnmodifiableEnvironment");
        unmodifiable.setAccessible(true);
        Map<String, String> view = (Map<String, String>) unmodifiable.get(null);
        Class<?> viewClass = Class.forName("java.util.Collections$UnmodifiableMap");
        Field under = viewClass.getDeclaredField("m");
        under.setAccessible(true);
        Map<String, String> real = (Map<String, String>) under.get(view);
        if (real instanceof PerThread) {
            return;
        }
        under.set(view, new PerThread(real));
        for (String cached : List.of("keySet", "entrySet", "values")) { // views made earlier would show the real map
            Field field = viewClass.getDeclaredField(cached);
            field.setAccessible(true);
            field.set(view, null);
        }
    }

    private static final class PerThread extends AbstractMap<String, String> {
        private final Map<String, String> real;

        PerThread(Map<String, String> real) {
            this.real = real;
        }

        private Map<String, String> current() {
            Map<String, String> env = ENV.get();
            return env != null ? env : real;
        }

        @Override
        public String get(Object key) {
            return current().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return current().containsKey(key);
        }

        @Override
        public int size() {
            return current().size();
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, String>> iterator() {
                    return current().entrySet().iterator();
                }

                @Override
                public int size() {
                    return current().size();
                }
            };
        }
    }
}
