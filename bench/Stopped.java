// How a part of make bench ends. When one of its steps fails (a server that does not start, a cluster
// that elects no leader in time, a client run that fails): one line on stderr naming the part and what
// failed, and exit 1. The stack trace goes to a file the line names, for whoever looks into it: a long
// run's last screen stays readable, and nothing is lost. However it ends (done, failed, a signal, Ctrl-C),
// what the part started is stopped and its temp folder removed, in one shutdown hook; a run cut short by
// a signal says so in one line.
//SOURCES ../scripts/lab/Output.java

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

final class Stopped {
    /** A part's whole work. */
    interface Part {
        void run() throws Exception;
    }

    /** What stops the part's processes (its server, the client running): run first when the JVM ends. */
    private static final List<Runnable> STOPS = new CopyOnWriteArrayList<>();
    /** The part's temp folder (builds, each run's output), made on first use. */
    private static Path folder;
    /** The part finished or said why it failed: a JVM ending before that was stopped by a signal. */
    private static volatile boolean settled;

    private Stopped() {
    }

    /** Runs when the JVM ends, however it ends, before the temp folder goes. */
    static void onEnd(Runnable stop) {
        STOPS.add(stop);
    }

    /** The part's one temp folder: whatever it writes for a while goes here, and goes with it. */
    static synchronized Path folder() throws IOException {
        if (folder == null) {
            folder = Files.createTempDirectory("bench-");
        }
        return folder;
    }

    /** The longest share of a failure's message the line shows (a failed run's message holds its whole command). */
    private static final int SHOWN = 300;

    /** Runs the part; a failure ends the JVM with its one line (the shutdown hooks stop what the part started). */
    static void run(String part, Part work) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> end(part)));
        try {
            work.run();
            settled = true;
        } catch (Throwable failed) {
            if (ending()) { // what fails while the JVM ends (a signal, Ctrl-C) is the stop, not a step: the hook says so
                return;
            }
            StringWriter trace = new StringWriter();
            failed.printStackTrace(new PrintWriter(trace));
            String where;
            try {
                Path file = Files.createTempFile("bench-failure-", ".txt");
                Files.writeString(file, trace.toString());
                where = "; the stack trace is in " + Output.printable(file.toString());
            } catch (Exception unwritable) {
                where = "; its stack trace could not be written (" + Output.printable(unwritable.toString()) + ")";
            }
            String message = failed.getMessage() == null ? failed.toString() : failed.getMessage();
            String first = message.lines().findFirst().orElse("");
            boolean more = message.lines().count() > 1 || first.length() > SHOWN;
            System.err.println(Output.line("bench: " + part + " stopped: " + Output.printable(first.substring(0,
                    Math.min(first.length(), SHOWN))) + (more ? " ..." : "") + where, false));
            settled = true;
            System.exit(1);
        }
    }

    /** The shutdown hook: the part's processes stopped, its temp folder removed, and a line if a signal cut it short. */
    private static void end(String part) {
        for (Runnable stop : STOPS) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                // it is going anyway
            }
        }
        Path made;
        synchronized (Stopped.class) {
            made = folder;
        }
        if (made != null) {
            try (Stream<Path> paths = Files.walk(made)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // what is left is in the system's temp folder
            }
        }
        if (!settled) {
            System.err.println("bench: " + part + " stopped before it finished (a signal or Ctrl-C)");
        }
    }

    /** Whether the JVM is ending: it takes no new shutdown hook then. */
    private static boolean ending() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shutdownInProgress) {
            return true;
        }
    }
}
