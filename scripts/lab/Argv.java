// The command line as it was typed, in any locale. Java decodes its arguments in the locale's
// character set, and with no locale at all (no LANG, as in a Debian login shell) that is ASCII:
// every byte of a letter outside it becomes U+FFFD before main() runs, and stderr prints '?' for
// every letter it cannot encode. The lab's launchers set a UTF-8 locale; for the ways they cannot (plain
// `java -jar`, `java -cp`) the bytes are still in /proc/self/cmdline and are read again from
// there, as UTF-8. Where they are lost for good, the run stops: a changed message is never sent.

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class Argv {
    private static final String FIX = "run it in a UTF-8 locale, e.g. `export LANG=C.UTF-8`";
    /** What follows "argument N" when its bytes are not UTF-8 in a UTF-8 locale (tools/jbang/locale.bash says it too). */
    private static final String NOT_UTF8_IN_UTF8 = "is not UTF-8 text: set your terminal to UTF-8 and type it again";

    private Argv() {
    }

    /** Whether this JVM reads its arguments and file names as UTF-8 (false with no locale). */
    static boolean utf8() {
        return StandardCharsets.UTF_8.equals(charset(System.getProperty("sun.jnu.encoding")));
    }

    /**
     * stderr in UTF-8 when the locale would print '?' for every letter outside ASCII, and picocli told
     * so (it encodes what it prints as these properties say): stdout is UTF-8 already (Stdout).
     */
    static void utf8Stderr() {
        String encoding = System.getProperty("sun.stderr.encoding", System.getProperty("file.encoding"));
        if (!StandardCharsets.UTF_8.equals(charset(encoding))) {
            System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
            System.setProperty("sun.stderr.encoding", "UTF-8");
            System.setProperty("sun.stdout.encoding", "UTF-8");
        }
    }

    /** A file name this JVM cannot encode (not ASCII, and no UTF-8 locale) as one line, exit 2; null for other causes. */
    static LabException unusableFileName(Throwable failure) {
        for (Throwable cause = failure; cause != null && !utf8(); cause = cause.getCause()) {
            if (cause instanceof java.nio.file.InvalidPathException bad) {
                return Exit.usage("cannot open %s: this Java runs without a UTF-8 locale and can open no file whose name"
                        + " is not ASCII: %s", Output.quoted(bad.getInput()), FIX);
            }
            if (String.valueOf(cause.getMessage()).contains("java.nio.file.InvalidPathException")) { // picocli keeps only its name
                return Exit.usage("a file name is not ASCII, and this Java runs without a UTF-8 locale, so it cannot open it: %s", FIX);
            }
        }
        return null;
    }

    /** The arguments as typed: the JVM's own when it read them whole, else their bytes again as UTF-8. */
    static String[] asTyped(String[] args) {
        if (utf8()) {
            return checkedUtf8(args);
        }
        if (!damaged(args)) {
            return args;
        }
        List<byte[]> raw = lastWords(args.length);
        Charset jnu = charset(System.getProperty("sun.jnu.encoding"));
        if (raw == null || jnu == null) {
            throw Exit.usage("this Java runs without a UTF-8 locale and read letters outside ASCII as '\uFFFD': %s", FIX);
        }
        String[] typed = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            if (!new String(raw.get(i), jnu).equals(args[i])) { // not the words this JVM was given
                throw Exit.usage("this Java runs without a UTF-8 locale and read letters outside ASCII as '\uFFFD': %s", FIX);
            }
            typed[i] = utf8Text(raw.get(i), i);
        }
        return typed;
    }

    /**
     * In a UTF-8 locale Java reads bytes that are not UTF-8 as U+FFFD, silently: a U+FFFD is checked
     * against the bytes typed, so only one typed as such (EF BF BD) is published.
     */
    private static String[] checkedUtf8(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].indexOf('\uFFFD') >= 0) {
                List<byte[]> raw = lastWords(args.length);
                if (raw != null) {
                    utf8Text(raw.get(i), i);
                }
            }
        }
        return args;
    }

    private static String utf8Text(byte[] bytes, int index) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            // in a UTF-8 locale already, the bytes came as they were typed: the terminal's encoding is the one to change
            throw "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))
                    ? Exit.usage("argument %d %s", index + 1, NOT_UTF8_IN_UTF8)
                    : Exit.usage("argument %d is not UTF-8 text: %s, and type it in UTF-8", index + 1, FIX);
        }
    }

    /**
     * Letters lost: U+FFFD where Java could not decode a byte, or '?' when a JBang launcher, running
     * in the same locale, already turned each such letter into '?' before this JVM started.
     */
    private static boolean damaged(String[] args) {
        boolean throughJbang = System.getenv("JBANG_RUNTIME_SHELL") != null && losesBytes(charset(System.getProperty("sun.jnu.encoding")));
        for (String arg : args) {
            if (arg.indexOf('\uFFFD') >= 0) {
                return true;
            }
            if (throughJbang && arg.indexOf('?') >= 0) {
                throw Exit.usage("this Java runs without a UTF-8 locale, so JBang may have turned letters of %s into '?': %s",
                        Output.quoted(arg), FIX);
            }
        }
        return false;
    }

    /** The last n words of this process's command line, as bytes (main's arguments come last); null off Linux. */
    private static List<byte[]> lastWords(int n) {
        byte[] line;
        try {
            line = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
        List<byte[]> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length; i++) {
            if (line[i] == 0) {
                byte[] word = new byte[i - start];
                System.arraycopy(line, start, word, 0, word.length);
                words.add(word);
                start = i + 1;
            }
        }
        return words.size() < n ? null : words.subList(words.size() - n, words.size());
    }

    /** Whether text read in this character set can lose bytes (ASCII can; in Latin-1 every byte is a letter). */
    private static boolean losesBytes(Charset charset) {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        return charset == null || !Arrays.equals(every, new String(every, charset).getBytes(charset));
    }

    private static Charset charset(String name) {
        try {
            return name == null ? null : Charset.forName(name);
        } catch (RuntimeException unknown) {
            return null;
        }
    }
}
