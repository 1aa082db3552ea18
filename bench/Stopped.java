// How a part of make bench ends when one of its steps fails (a server that does not start, a cluster
// that elects no leader in time, a client run that fails): one line on stderr naming the part and what
// failed, and exit 1. The stack trace goes to a file the line names, for whoever looks into it: a long
// run's last screen stays readable, and nothing is lost.
//SOURCES ../scripts/lab/Output.java

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

final class Stopped {
    /** A part's whole work. */
    interface Part {
        void run() throws Exception;
    }

    private Stopped() {
    }

    /** The longest share of a failure's message the line shows (a failed run's message holds its whole command). */
    private static final int SHOWN = 300;

    /** Runs the part; a failure ends the JVM with its one line (the shutdown hooks stop what the part started). */
    static void run(String part, Part work) {
        try {
            work.run();
        } catch (Throwable failed) {
            if (ending()) { // what fails while the JVM ends (a signal, Ctrl-C) is the stop, not a step
                System.err.println("bench: " + part + " stopped before it finished (a signal or Ctrl-C)");
                return; // the JVM is ending already
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
            System.exit(1);
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
