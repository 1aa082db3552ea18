// Ctrl-C or SIGTERM in the middle of a run: the run stops at a safe point (nothing new is sent or
// fetched, what is in flight settles) and still says what it did before the JVM exits, with 130
// after Ctrl-C (SIGINT) and 143 after SIGTERM. A shutdown hook does it: it runs on both signals.
//SOURCES Output.java

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

final class StopSignal {
    /** What a signal cuts short before a run watches for signals itself: said in the one line it ends with. */
    private static volatile String early = "before it connected: nothing was sent or changed";
    /** Until then a run's own counts mean nothing yet (its options may not even be read): the early line says it. */
    private static volatile boolean connected;
    /** Once the run has ended and said so, no line is needed. */
    private static volatile boolean handedOver;
    /** The run's own watch, once it has one: a signal is its to report. */
    private static volatile StopSignal watching;
    private static final AtomicBoolean HOOKED = new AtomicBoolean();
    /** Whether INT, TERM and HUP are noted as they come; without that, every exit is taken for one. */
    private static volatile boolean knowsSignals;
    private static volatile boolean signalled;
    /** The launcher that started this JVM knows it answers signals (see tellTheLauncher). */
    private static volatile boolean launcherTold;
    /** What is still to be said before a signal's last line (what a trace left out): a signal closes no connection. */
    private static final List<Runnable> BEFORE_THE_LAST_LINE = new CopyOnWriteArrayList<>();

    private final Thread main = Thread.currentThread();
    private final Duration grace;
    private final Supplier<String> summary;
    private BooleanSupplier idle = () -> false;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile boolean requested;
    private volatile long exitAt; // after a signal: when the exit prints the line, settled or not
    private volatile boolean over;
    private boolean interruptible; // guarded by this: the main thread is in a wait a signal may cut short

    private StopSignal(Duration grace, Supplier<String> summary) {
        this.grace = grace;
        this.summary = summary;
    }

    /**
     * From the first code of a script that runs (Output's logger, or CommandRunner): the one shutdown
     * hook for signals, so a signal at any point after the JVM could take one ends with one line.
     * Before a run watches for signals itself that line says how far it got; after, the watch says it.
     */
    static void fromTheStart() {
        if (HOOKED.compareAndSet(false, true)) {
            endIfTheLauncherIsGone();
            // The hook before the handlers: once a signal has begun the exit, adding a hook throws
            // ("Shutdown in progress"). Then the signal came first, and the JVM's own handler ends it.
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(StopSignal::onSignal, "stop-signal"));
            } catch (IllegalStateException exitBegun) {
                endedBeforeItsHook();
            }
            quietAfterASignal();
            boolean all = true;
            for (String name : new String[] {"INT", "TERM", "HUP"}) {
                all &= noteWhenItComes(name);
            }
            if (all && aSignalCameBeforeItWasNoted()) {
                synchronized (HOOKED) {
                    signalled = true; // its exit is one: the line is said (here, or by the launcher, never told)
                }
            }
            knowsSignals = all;
            tellTheLauncher();
        }
    }

    /**
     * A signal began the exit before the hook was in place: the line is said here (a launcher that started
     * this JVM says it itself, as this JVM never told it that it answers signals), and this thread waits
     * for the exit, which ends it.
     */
    private static void endedBeforeItsHook() {
        synchronized (HOOKED) {
            signalled = true;
        }
        if (System.getenv("LAB_SIGNALS_READY") == null) {
            sayTheEarlyLine();
        }
        while (true) {
            LockSupport.park();
        }
    }

    /**
     * A signal that came while the handlers above were being set went to the JVM's own, which began
     * the exit (or is about to, in the thread it runs in): nothing noted it, so the exit would be taken
     * for a plain end and end silent.
     */
    private static boolean aSignalCameBeforeItWasNoted() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
        } catch (IllegalStateException exitBegun) {
            return true;
        }
        return aSignalsHandlerRuns();
    }

    /**
     * Whether a thread runs a signal's handler now (the JVM names it so). While the JVM's own handler
     * exits, its thread waits for the shutdown hooks: an exit begun by a signal nothing noted (one that
     * reached the JVM's handler as it was being replaced, after the check above) shows so there. The JVM
     * starts that thread in its "system" thread group, above the script's: so all groups are looked at.
     */
    private static boolean aSignalsHandlerRuns() {
        ThreadGroup all = signalHandlersGroup();
        Thread[] threads = new Thread[all.activeCount() + 8];
        int count = all.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            if (threads[i].getName().matches("SIG(INT|TERM|HUP) handler")) {
                return true;
            }
        }
        return false;
    }

    /** The thread group the JVM starts a signal's handler in: its "system" group, the root of all. */
    static ThreadGroup signalHandlersGroup() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (group.getParent() != null) {
            group = group.getParent();
        }
        return group;
    }

    /**
     * What a signal's exit cuts short in another thread (the main thread's start, a class it was loading)
     * is no news: the exit says the one line. Anything else uncaught is printed as the JVM prints it.
     */
    private static void quietAfterASignal() {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            synchronized (HOOKED) {
                if (signalled) {
                    return;
                }
            }
            if (before != null) {
                before.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace();
            }
        });
    }

    /**
     * bin/lab-run and bin/jbang start a lab script's JVM as their child and answer a signal themselves
     * (they end this JVM and say the early line) until it says here that it answers signals: they
     * read LAB_SIGNALS_READY's file descriptor, a pipe, and forward a signal once a byte is in it.
     * A signal noted before that byte is theirs to report, so the byte is never written after one.
     */
    private static void tellTheLauncher() {
        String fd = System.getenv("LAB_SIGNALS_READY");
        if (fd == null || !fd.matches("[0-9]{1,4}")) {
            return;
        }
        synchronized (HOOKED) {
            if (!signalled) {
                try (var ready = new java.io.FileOutputStream("/proc/self/fd/" + fd)) {
                    ready.write('1');
                    launcherTold = true;
                } catch (java.io.IOException | SecurityException noPipe) {
                    // then the launcher answers a signal as before this JVM ran: ends it, says the early line
                }
            }
        }
    }

    /**
     * The launcher's death ends this JVM (setpriv --pdeathsig, from the launcher), but only from the
     * moment that was set, and only where setpriv is: a launcher killed before then, or on a system
     * without it, leaves this JVM to another parent. So it looks now, and every half second after.
     */
    private static void endIfTheLauncherIsGone() {
        String launcher = System.getenv("LAB_LAUNCHER_PID");
        if (launcher == null || !launcher.matches("[0-9]{1,10}")) {
            return;
        }
        long pid = Long.parseLong(launcher);
        endUnlessTheParentIs(pid);
        Thread watch = new Thread(() -> {
            while (true) {
                LockSupport.parkNanos(500_000_000L);
                endUnlessTheParentIs(pid);
            }
        }, "launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }

    private static void endUnlessTheParentIs(long launcher) {
        if (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) != launcher) {
            Runtime.getRuntime().halt(137); // as SIGKILL would have ended it
        }
    }

    /**
     * The shutdown hook also runs when a JVM just ends (a tool that only reads a script's options):
     * that is no signal and needs no line. So a signal is noted as it comes, and then handed to the
     * JVM's own handler, which exits as it always does (128 + the signal's number). A signal the
     * shell told this process to ignore (INT for a job started with &) stays ignored.
     */
    private static boolean noteWhenItComes(String name) {
        try { // sun.misc.Signal by reflection: javac warns on every build that names it
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method handOn = handlerClass.getMethod("handle", signalClass);
            Object[] before = new Object[1];
            Object noting = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if (!method.equals(handOn)) { // toString, equals, hashCode
                            return method.getName().equals("equals") ? proxy == args[0]
                                    : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "stop-signal";
                        }
                        synchronized (HOOKED) {
                            signalled = true;
                        }
                        if (before[0] != null) {
                            handOn.invoke(before[0], args[0]);
                        } else { // it came before the JVM's handler was known: end as that handler would
                            System.exit(128 + (int) signalClass.getMethod("getNumber").invoke(args[0]));
                        }
                        return null;
                    });
            before[0] = handle.invoke(null, signal, noting);
            if (before[0] == handlerClass.getField("SIG_IGN").get(null) || before[0] == handlerClass.getField("SIG_DFL").get(null)) {
                handle.invoke(null, signal, before[0]);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException notHere) { // -Xrs, or a JVM without it
            return false;
        }
    }

    private static void onSignal() {
        StopSignal run = watching;
        if (handedOver || knowsSignals && !signalled && !aSignalsHandlerRuns()) {
            return; // the run ended and said so, or the JVM simply ended: a line would add nothing
        }
        if (System.getenv("LAB_SIGNALS_READY") != null && !launcherTold) {
            return; // the launcher that started this JVM says the early line
        }
        if (run != null && connected) {
            run.onExit();
        } else {
            lastWords();
            sayTheEarlyLine();
        }
    }

    /** The one line a signal ends a run with before the run watches for signals itself. */
    private static void sayTheEarlyLine() {
        System.err.println("ERROR stopped (Ctrl-C or SIGTERM) " + early);
        System.err.flush();
    }

    /** This is said, on stderr, before the line a signal ends the run with. */
    static void beforeTheLastLine(Runnable words) {
        BEFORE_THE_LAST_LINE.add(words);
    }

    private static void lastWords() {
        System.out.flush();
        BEFORE_THE_LAST_LINE.forEach(Runnable::run);
    }

    /** Connected: a signal from here on may cut short what the script asks the server to do. */
    static void connected() {
        connected = true;
        early = "after it connected, before it finished: js-info shows what the server has now";
    }

    /** Connected for core NATS (labs 1-3): nothing is stored there to look at, and nothing confirms a delivery. */
    static void connectedWithoutJetStream() {
        connected = true;
        early = "after it connected, before it finished: core NATS confirms nothing, so what it sent so far may or may "
                + "not have been delivered";
    }

    /** The run has said how it ended. */
    static void handOver() {
        handedOver = true;
    }

    /**
     * From now on a signal asks the run to stop. The run then settles within the grace period and
     * the summary (read after that) is printed on stderr.
     */
    static StopSignal watch(Duration grace, Supplier<String> summary) {
        fromTheStart();
        StopSignal stop = new StopSignal(grace, summary);
        watching = stop; // a run that starts over (a new connection) watches with its newest
        return stop;
    }

    /**
     * The run is idle when nothing is in flight (reading stdin, say, which no interrupt ends): then
     * the exit need not wait for it. Check requested() after marking something in flight, before sending it.
     */
    StopSignal idleWhen(BooleanSupplier idle) {
        this.idle = idle;
        return this;
    }

    /** True once a signal asked the run to stop: send or fetch nothing new. */
    boolean requested() {
        return requested;
    }

    /**
     * On: the main thread enters a wait (for a message, or --work-ms) that a signal interrupts;
     * returns false when a signal came already, so the run does not start waiting. Off: from here
     * on nothing interrupts it (an ack waiting for its confirmation), and a pending interrupt is cleared.
     */
    synchronized boolean interruptible(boolean on) {
        interruptible = on && !requested;
        if (!on) {
            Thread.interrupted();
        }
        return !requested;
    }

    /** How long the run may still take: after a signal, what is left of the grace period; otherwise `otherwise`. */
    Duration left(Duration otherwise) {
        long at = exitAt;
        return at == 0 ? otherwise : Duration.ofNanos(Math.max(at - System.nanoTime(), 0));
    }

    /**
     * Where the run ends, in a finally block: after a signal, this hands over to the exit, which
     * prints the summary, and never returns; otherwise the run said what it did itself.
     */
    void runEnded() {
        if (requested) {
            settled.countDown();
            while (true) {
                LockSupport.park(); // the JVM is exiting: it ends this thread
            }
        }
        over = true;
    }

    private void onExit() {
        long deadline = System.nanoTime() + grace.toNanos();
        if (over) {
            // The run has done its work and is saying how it ended (a last line may need the server's answer
            // first): that line is the run's, so the exit waits for it, within the grace period.
            while (!handedOver && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000L);
            }
            if (handedOver) {
                System.out.flush();
                System.err.flush();
                return;
            }
            // it did not come in time: the line below says what the run did
        } else {
            exitAt = deadline;
            synchronized (this) {
                requested = true;
                if (interruptible) {
                    main.interrupt();
                }
            }
            try {
                while (!settled.await(10, TimeUnit.MILLISECONDS) && !idle.getAsBoolean() && System.nanoTime() < deadline) {
                    // the run finishes what is in flight
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lastWords();
        System.err.println(Output.line("ERROR interrupted: " + summary.get(), false));
        System.err.flush();
    }
}
