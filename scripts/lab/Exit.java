// The exit codes every script uses (the README's table), and the failure that carries one.

import java.util.Locale;

/** Exit codes, the same for every script: a shell script can tell what kind of failure it was. */
final class Exit {
    static final int OK = 0;
    static final int DECLINED = OK;    // a [y/N] question answered no: nothing changed, and a no is an answer, not a failure
    static final int FAILED = 1;       // the server refused or did not confirm
    static final int USAGE = 2;        // bad flags or arguments
    static final int CONFIG = 3;       // a config file or value is wrong
    static final int UNREACHABLE = 4;  // no server at the URL with JetStream (for the login's account), the login was refused, or the connection was lost mid-run
    static final int NOT_FOUND = 5;    // stream or consumer missing (or deleted mid-run): run js-bootstrap; no responders to a request
    static final int OUTPUT = 6;       // stdout could not be written (closed pipe, full disk): nothing unwritten was acked
    // Stopped by Ctrl-C or SIGTERM: 130 and 143 (128 + the signal's number), set by the JVM.

    private Exit() {
    }

    /**
     * A flag's whole number outside `least` to `most`, as the bound it broke: "flag --x: N is not valid: it must
     * be at least 1" or "... at most 2147483647". `flag` is the name the user typed.
     */
    static LabException outOfRange(String flag, long value, long least, long most) {
        return usage("flag %s: %d is not valid: it must be at %s", flag, value, value < least ? "least " + least : "most " + most);
    }

    /**
     * A command or a mixin with numeric flags: the rule (after "is not valid: ") each keeps, for a value
     * that is no number of its type (a word, or past a long). Every numeric flag has one.
     */
    interface Ranged {
        String rule(String option); // null: not one of its flags
    }

    /** A numeric flag's rule: its whole range. */
    static String wholeNumber(long least, long most) {
        return "it must be a whole number from " + least + " to " + most;
    }

    /** A one-line failure with this exit code; the format is String.format's. */
    static LabException with(int exitCode, String format, Object... args) {
        return new LabException(exitCode, String.format(Locale.ROOT, format, args));
    }

    static LabException failed(String format, Object... args) {
        return with(FAILED, format, args);
    }

    static LabException usage(String format, Object... args) {
        return with(USAGE, format, args);
    }

    static LabException config(String format, Object... args) {
        return with(CONFIG, format, args);
    }

    static LabException unreachable(String format, Object... args) {
        return with(UNREACHABLE, format, args);
    }

    static LabException notFound(String format, Object... args) {
        return with(NOT_FOUND, format, args);
    }

    static LabException output(String format, Object... args) {
        return with(OUTPUT, format, args);
    }
}

/** A failure the user can act on: one line saying what was wrong and how to fix it, and its exit code. */
final class LabException extends RuntimeException {
    final int exitCode;

    LabException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}
