// stdin as lines of bytes, each handed out as soon as its '\n' arrives (not at the end of input):
// split on '\n' only, every other byte kept exactly (a '\r' or invalid UTF-8 stays as it came),
// and no line held in memory beyond a limit (the server's max_payload).
//SOURCES Exit.java

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

final class StdinLines implements Iterable<byte[]>, Iterator<byte[]> {
    private final PushbackInputStream in;
    private final Supplier<String> soFar;
    private long limit = Long.MAX_VALUE;
    private byte[] next;
    private boolean ended;
    private long number;

    /** soFar says what was done before a line that is too long, for its error line. */
    StdinLines(InputStream in, Supplier<String> soFar) {
        this.in = new PushbackInputStream(new BufferedInputStream(in, 64 * 1024));
        this.soFar = soFar;
    }

    /** js-pub's stdin as the messages to send, refused (one line) when it is a terminal or empty. */
    static StdinLines messages(Supplier<String> soFar) throws IOException {
        if (System.console() != null) {
            throw Exit.usage("no message given: run js-pub \"some text\", or pipe lines into it");
        }
        StdinLines lines = new StdinLines(System.in, soFar);
        if (lines.empty()) { // waits for the first byte: an empty stdin is refused before connecting
            throw Exit.usage("no message given and stdin was empty: run js-pub \"some text\"");
        }
        return lines;
    }

    /** True when stdin ends before its first byte: waits for that byte (or the end), reads nothing. */
    boolean empty() throws IOException {
        int first = in.read();
        if (first < 0) {
            return true;
        }
        in.unread(first);
        return false;
    }

    /** The longest line taken, in bytes; a longer one ends the run with a usage error. */
    void limit(long bytes) {
        this.limit = bytes;
    }

    /** The number of the line handed out last (1 for the first). */
    long number() {
        return number;
    }

    @Override
    public Iterator<byte[]> iterator() {
        return this;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !ended) {
            next = readLine();
        }
        return next != null;
    }

    @Override
    public byte[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        byte[] line = next;
        next = null;
        number++;
        return line;
    }

    private byte[] readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (line.size() >= limit) {
                    throw Exit.usage("line %d of stdin is over the server's max_payload of %d bytes (send a large "
                            + "body as one message with --file): %s", number + 1, limit, soFar.get());
                }
                line.write(b);
            }
            if (b < 0) {
                ended = true;
                if (line.size() == 0) {
                    return null; // a last '\n' ends the last line; it does not start an empty one
                }
            }
            return line.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stdin: " + e.getMessage(), e);
        }
    }
}
