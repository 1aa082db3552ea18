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

    /** Runs the part; a failure ends the JVM with its one line (the shutdown hooks stop what the part started). */
    static void run(String part, Part work) {
        try {
            work.run();
        } catch (Throwable failed) {
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
            System.err.println(Output.line("bench: " + part + " stopped: " + Output.printable(first)
                    + (message.lines().count() > 1 ? " ..." : "") + where, false));
            System.exit(1);
        }
    }
}
