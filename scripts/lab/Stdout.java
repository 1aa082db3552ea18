// Standard output that tells when a write failed. Java's System.out swallows write errors: after a
// closed pipe (`js-pull | head -1`) or a full disk every println silently does nothing, so a script
// that trusted it would ack messages nobody received. Here every byte goes straight to file
// descriptor 1, as UTF-8, and the first failure is kept.
//SOURCES Exit.java

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

final class Stdout {
    private static volatile Checked checked;
    private static volatile PrintStream stdout;
    private static OutputStream target; // null: file descriptor 1

    private Stdout() {
    }

    /**
     * Forgets the stream in place and has the next install() write to `out` (null: file descriptor 1):
     * for running a script's command more than once in one JVM, each run with its own stdout. Only
     * the tests do that (tests/support/InProcess.java); a script's own run installs once.
     */
    static synchronized void redirect(OutputStream out) {
        checked = null;
        stdout = null;
        target = out;
    }

    /** Puts the checked stream in place of System.out, once; later calls do nothing. */
    static synchronized void install() {
        if (checked == null) {
            Checked made = new Checked(target != null ? target : new FileOutputStream(FileDescriptor.out));
            stdout = new PrintStream(made, true, StandardCharsets.UTF_8);
            checked = made; // last: a reader that sees it installed sees the stream too
            System.setOut(stdout);
        }
    }

    /** The checked stream, installed first if need be: no lock once it is (written() and position() run for every message). */
    private static Checked installed() {
        Checked made = checked;
        if (made == null) {
            install();
            made = checked;
        }
        return made;
    }

    /** Standard output itself, also after linesToStderr(): where a JSON answer goes. */
    static PrintStream stream() {
        install();
        return stdout;
    }

    /**
     * From now on the log lines (slf4j-simple prints to whatever System.out is) go to stderr, so that
     * stdout holds only what stream() is given: a JSON answer that `| jq` can read whole.
     */
    static void linesToStderr() {
        install();
        System.setOut(System.err);
    }

    /**
     * Flushes, and says whether every line printed so far reached stdout: the OS took it (a pipe's
     * reader or the file). False after a closed pipe, a full disk, a closed descriptor.
     */
    static boolean written() {
        Checked made = installed();
        stdout.flush();
        return made.failure == null;
    }

    /** Whether a person watches stdout: a terminal, not a pipe, a file, or a buffer a test reads. */
    static synchronized boolean isTerminal() {
        return target == null && terminal(1);
    }

    /** Whether this file descriptor (1, 2) is a terminal. */
    static boolean terminal(int fd) {
        try {
            String to = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return to.startsWith("/dev/pts/") || to.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    /** How many bytes reached stdout so far. */
    static long position() {
        Checked made = installed();
        stdout.flush();
        return made.written;
    }

    /** From now on stdout counts as failed, for this reason (its reader went away without taking the last lines). */
    static void failed(IOException why) {
        install();
        if (checked.failure == null) {
            checked.failure = why;
        }
    }

    /** Why stdout failed, in the OS's words ("Broken pipe", "No space left on device"); null while it works. */
    static String problem() {
        install();
        stdout.flush();
        IOException failure = checked.failure;
        return failure == null ? null : failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    /**
     * Whether stdout failed because its reader went away (`| head -1` closed the pipe): for a command
     * that changes nothing, the reader having seen enough is no failure. A full disk is one.
     */
    static boolean readerLeft() {
        return "Broken pipe".equals(problem());
    }

    /** The one error for a run whose stdout failed: why, in the OS's words, then what that meant for this run. */
    static LabException lost(String consequence) {
        return Exit.output("stdout could not be written (%s)%s", problem(), consequence);
    }

    /**
     * What the run meant to print after stdout failed, as its last error line carries it (", so this went to
     * stderr: ..."; empty when nothing was lost): a run that went on and did its work still says what it did.
     * Its lines are the scripts' own, already escaped; joined with "; " and cut after UNPRINTED_KEPT bytes.
     */
    static String unprinted() {
        install();
        stdout.flush();
        String text = checked.unprinted.toString(StandardCharsets.UTF_8).lines().map(line -> line.replaceFirst("^INFO ", ""))
                .map(line -> line.length() <= LINE_SHOWN ? line : line.substring(0, LINE_SHOWN) + "...")
                .reduce((a, b) -> a + "; " + b).orElse("");
        return text.isEmpty() ? "" : ", so this went to stderr: " + text + (checked.unprinted.size() >= UNPRINTED_KEPT ? " ..." : "");
    }

    /** What is kept of the lines stdout could not take, and how much of each is shown: every line says its part. */
    private static final int UNPRINTED_KEPT = 64 * 1024;
    private static final int LINE_SHOWN = 300;

    /** Writes through, and keeps the first IOException (PrintStream only sets a flag, and forgets why). */
    private static final class Checked extends OutputStream {
        private final OutputStream out;
        private volatile IOException failure;
        private volatile long written;
        /** The first bytes that could not be written, from the failed write on. */
        private final java.io.ByteArrayOutputStream unprinted = new java.io.ByteArrayOutputStream();

        Checked(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (failure != null) {
                keep(bytes, offset, length);
                throw failure; // once broken, stays broken: nothing later counts as written
            }
            try {
                out.write(bytes, offset, length);
                written += length;
            } catch (IOException e) {
                failure = e;
                keep(bytes, offset, length);
                throw e;
            }
        }

        private synchronized void keep(byte[] bytes, int offset, int length) {
            unprinted.write(bytes, offset, Math.min(length, Math.max(0, UNPRINTED_KEPT - unprinted.size())));
        }
    }
}
