// What the scripts print, made safe to show: text from outside escaped (the one escaping helper),
// message bodies in quotes (bytes that are not UTF-8 as escapes), JSON answers, counts. The log
// lines themselves are made in LogLines, a run's --label in RunLabel, the progress line in Progress.
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Stdout.java

import org.slf4j.Logger;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

final class Output {
    /** A line shows a body's first bytes only (quotedStart): a 1 MB message is not one 1 MB line. */
    static final int SHOWN_BYTES = 200;

    private Output() {
    }

    /**
     * Text that came from a file, a flag or a server (a name someone else chose, a server's error
     * words): what does not show as itself (controls, bidi overrides, zero-width marks) is shown as an
     * escape, and a backslash as two, so the text of an escape a server sends never looks like the escape of
     * a real ESC; none can move the cursor, recolour the terminal, reorder the line or start a second
     * one (a stack trace keeps its lines). Raw text goes through here, or quoted(), once.
     */
    static String printable(String text, boolean keepLines) {
        return shown(text, keepLines, true);
    }

    /** One line of text from a file, a flag or a server, as printable() shows it. */
    static String printable(String text) {
        return printable(text == null ? "null" : text, false);
    }

    /**
     * Words of any length from outside (a server's error description): their first SHOWN_BYTES bytes as
     * printable() shows them, and how many were left out, so a 1 MB description is not one 1 MB line.
     */
    static String printableStart(String text) {
        return printable(start(text));
    }

    /** The first SHOWN_BYTES bytes of TEXT (cut where a character starts) and how many were left out; not escaped. */
    static String start(String text) {
        if (text == null || text.length() <= SHOWN_BYTES / 3) { // no UTF-8 character is longer than 3 bytes a char
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= SHOWN_BYTES) {
            return text;
        }
        int cut = SHOWN_BYTES;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) { // not inside a UTF-8 character
            cut--;
        }
        return new String(bytes, 0, cut, StandardCharsets.UTF_8) + String.format(Locale.ROOT, "... (%d more bytes)", bytes.length - cut);
    }

    /**
     * A whole line about to be printed, whose parts that came from outside were already shown by
     * printable() or quoted() (so its backslashes are theirs and stay): the last guard against a
     * control character any part still holds.
     */
    static String line(String text, boolean keepLines) {
        return shown(text == null ? "null" : text, keepLines, false);
    }

    private static String shown(String text, boolean keepLines, boolean backslash) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\\' && backslash) {
                out.append("\\\\");
            } else if (printableAscii(c) || shows(c) || keepLines && (c == '\n' || c == '\t')) {
                out.appendCodePoint(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else {
                out.append(escape(c));
            }
        }
        return out.toString();
    }

    /** ' ' to '~': shows as itself, and asks nothing of Character's tables (a line of them is the usual case). */
    private static boolean printableAscii(int c) {
        return c >= 0x20 && c < 0x7F;
    }

    /** One JSON answer on stdout; a failed write (closed pipe, full disk) is a failure, not silence. */
    static void json(String text) {
        json(text, null);
    }

    /** The same, for an answer about something done: when the answer is lost, stderr still says what was done. */
    static void json(String text, String done) {
        Stdout.stream().println(jsonEscaped(text));
        if (!Stdout.written()) {
            throw Stdout.lost(", so the JSON answer is lost" + (done == null ? "" : ": " + done));
        }
    }

    /**
     * JSON as printed: what does not show (a raw control a server put in a string, a bidi override,
     * a zero-width mark) becomes its \\u escape, which stands for the same character in JSON; so
     * the answer stays one line and means the same, and the terminal shows it as text.
     */
    static String jsonEscaped(String json) {
        StringBuilder out = new StringBuilder(json.length());
        json.codePoints().forEach(c -> {
            if (shows(c)) {
                out.appendCodePoint(c);
            } else {
                for (char unit : Character.toChars(c)) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", (int) unit));
                }
            }
        });
        return out.toString();
    }

    /**
     * A run's last line, on stdout like the others; when stdout cannot take it (closed pipe, full
     * disk), the same line goes to stderr as the run's failure, so what the run did is never lost.
     */
    static void summary(Logger log, String line) {
        log.info(line);
        if (!Stdout.written()) {
            throw Stdout.lost(", so this went to stderr: " + line);
        }
    }

    /** A number read from a file as a person writes it: 0.0001 and 100000000000000000000, never 1.0E-4 or 1.0E20. */
    static String number(Object value) {
        return value instanceof Double number && Double.isFinite(number)
                ? new java.math.BigDecimal(String.valueOf(number)).stripTrailingZeros().toPlainString() : String.valueOf(value);
    }

    /** "1 message", "2 messages": the count every script's summary line starts with. */
    static String messages(long n) {
        return n == 1 ? "1 message" : n + " messages";
    }

    /**
     * A value as the lab prints it: in double quotes, with escapes for quotes, backslashes and
     * characters that do not show (controls, invisible formatting, U+FFFD), so different text never
     * prints the same.
     */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        appendEscaped(out, text);
        return out.append('"').toString();
    }

    /** A message body: UTF-8 text as quoted() prints it, and each byte that is not UTF-8 as \x{ff}. */
    static String quoted(byte[] body) {
        StringBuilder out = new StringBuilder("\"");
        if (body == null) {
            return out.append('"').toString();
        }
        if (asciiOnly(body)) { // UTF-8 as it is: no decoder needed
            for (byte b : body) {
                appendEscaped(out, b);
            }
            return out.append('"').toString();
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer chars = CharBuffer.allocate(Math.max(16, body.length));
        while (true) {
            CoderResult result = utf8.decode(in, chars, true);
            appendEscaped(out, chars.flip().toString());
            chars.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    out.append(String.format(Locale.ROOT, "\\x{%02x}", in.get() & 0xff));
                }
            } else if (result.isUnderflow()) {
                break;
            }
        }
        return out.append('"').toString();
    }

    /** Whether every byte is ASCII (0-127): then the body is UTF-8 text with one character per byte. */
    private static boolean asciiOnly(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** A value typed or sent as text, as quotedStart shows its first SHOWN_BYTES bytes. */
    static String quotedStart(String text) {
        return quotedStart(text.getBytes(StandardCharsets.UTF_8), SHOWN_BYTES);
    }

    /** A message header as the lab shows it: its name escaped, =, its value quoted (its first SHOWN_BYTES bytes). */
    static String header(String name, String value) {
        return printable(name) + "=" + quotedStart(value == null ? "" : value);
    }

    /** The body's first bytes as quoted() shows them (cut where a character starts), and how many were left out. */
    static String quotedStart(byte[] body, int limit) {
        if (body == null || body.length <= limit) {
            return quoted(body);
        }
        int cut = limit;
        while (cut > 0 && (body[cut] & 0xC0) == 0x80) { // not inside a UTF-8 character
            cut--;
        }
        return quoted(java.util.Arrays.copyOf(body, cut)) + String.format(Locale.ROOT, "... (%d more bytes)", body.length - cut);
    }

    private static void appendEscaped(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            appendEscaped(out, c);
        }
    }

    private static void appendEscaped(StringBuilder out, int c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (printableAscii(c) || shows(c)) {
                    out.appendCodePoint(c);
                } else {
                    out.append(escape(c));
                }
            }
        }
    }

    /** The one way a character that does not show is written: its code point in hex, in braces (ESC is 1b). */
    private static String escape(int c) {
        return String.format(Locale.ROOT, "\\u{%x}", c);
    }

    /** False for what a terminal would not show as itself: controls, formatting marks, separators, U+FFFD. */
    private static boolean shows(int c) {
        int type = Character.getType(c);
        return c != 0xFFFD && type != Character.CONTROL && type != Character.FORMAT && type != Character.UNASSIGNED
                && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.SURROGATE && type != Character.PRIVATE_USE;
    }
}
