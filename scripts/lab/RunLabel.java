// --label A: every line of a run carries it, after the line's level word (`INFO [A] pulled
// message: ...`), on stdout (LogLines puts it there) and on stderr alike, where a wrapper around
// System.err writes it into each line as it passes.
//SOURCES Output.java Exit.java

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

final class RunLabel {
    private static String label = "";
    private static PrintStream unlabelledErr;
    private static PrintStream labelledErr;

    /** "[A] " after --label A (else ""): it follows each line's level word, `INFO [A] pulled message: ...`. */
    static String label() {
        return label;
    }

    /** A name --label takes: not blank, and shown as itself (nothing Output would escape). */
    static boolean valid(String name) {
        return name != null && !name.isBlank() && name.equals(Output.printable(name, false));
    }

    /**
     * Refuses a --label that is not valid, for every script that takes one: `like` is a name for the script's
     * example (worker-1), `leftOut` what the run does without the flag (null: nothing to say).
     */
    static void check(String name, String like, String leftOut) {
        if (name != null && !valid(name)) {
            throw Exit.usage("flag --label: %s is not valid: it must be a name that shows as itself, like A or %s%s",
                    Output.quoted(name), like, leftOut == null ? "" : " (or leave the flag out " + leftOut + ")");
        }
    }

    /**
     * --label NAME (or --label=NAME) as typed, before the flags are parsed, when it is given once and a valid
     * name: so that a run's lines carry it from the first, a bad flag's line too. Null without one (or with two:
     * which one would be the run's?).
     */
    static String typed(String[] args) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].startsWith("--label=")) {
                names.add(args[i].substring("--label=".length()));
            } else if (args[i].equals("--label")) {
                names.add(i + 1 < args.length && !args[i + 1].startsWith("-") ? args[++i] : null);
            }
        }
        return names.size() == 1 && valid(names.get(0)) ? names.get(0) : null;
    }

    /**
     * --label A: from here on each line of the run carries it, on stdout (LogLines) and on stderr
     * alike, so also the run's last line, its warnings and an ERROR after a signal or a closed pipe;
     * null ends it (CommandRunner, once the run has said how it ended).
     */
    static synchronized void label(String name) {
        if (labelledErr != null && System.err == labelledErr) {
            labelledErr.flush();
            System.setErr(unlabelledErr);
        }
        labelledErr = unlabelledErr = null;
        label = name == null ? "" : "[" + Output.printable(name, false) + "] ";
        if (name != null) {
            unlabelledErr = System.err;
            labelledErr = new PrintStream(new Labelled(unlabelledErr, label.getBytes(stderrCharset())), true, stderrCharset());
            System.setErr(labelledErr);
        }
    }

    /** As the JVM encodes System.err: the console's charset on a terminal, else the platform's. */
    private static Charset stderrCharset() {
        try {
            return Charset.forName(System.getProperty("sun.stderr.encoding", Charset.defaultCharset().name()));
        } catch (RuntimeException unknown) {
            return Charset.defaultCharset();
        }
    }

    /** Puts the label after each line's level word (INFO, WARN, ERROR), or first on a line without one. */
    private static final class Labelled extends OutputStream {
        private static final List<String> LEVELS = List.of("INFO", "WARN", "ERROR");
        private final OutputStream to;
        private final byte[] label;
        private final StringBuilder word = new StringBuilder(); // a line's first bytes, until they show whether a level word starts it
        private boolean lineStart = true;
        private boolean escape;

        Labelled(OutputStream to, byte[] label) {
            this.to = to;
            this.label = label;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            b &= 0xff;
            if (!lineStart) {
                to.write(b);
                lineStart = b == '\n';
                return;
            }
            if (escape || word.length() == 0 && b == 0x1b) { // a terminal's control sequence (the progress line's clear): passed on
                to.write(b);
                escape = b == 0x1b || !Character.isLetter(b);
                return;
            }
            boolean ends = b == ' ' || b == '\n' || b == '\r' || word.length() >= 5;
            if (!ends) {
                word.append((char) b);
            } else if (word.length() == 0 && b != ' ') {
                to.write(b); // an empty line, or a progress line's \r: the text after it is labelled
            } else {
                boolean level = b == ' ' && LEVELS.contains(word.toString());
                if (!level) {
                    to.write(label);
                }
                writeWord();
                to.write(b);
                if (level) {
                    to.write(label);
                }
                lineStart = b == '\n' || b == '\r';
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        /** Bytes held at a line's start go out before a flush, labelled, unless they may still become a level word. */
        @Override
        public synchronized void flush() throws IOException {
            if (lineStart && word.length() > 0 && LEVELS.stream().noneMatch(level -> level.startsWith(word.toString()))) {
                to.write(label);
                writeWord();
                lineStart = false;
            }
            to.flush();
        }

        private void writeWord() throws IOException {
            for (int i = 0; i < word.length(); i++) {
                to.write(word.charAt(i));
            }
            word.setLength(0);
        }
    }
}
