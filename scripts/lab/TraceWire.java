// --trace reads the connection's own bytes: jnats hands every byte it writes to, and reads from, a
// data port; this one is jnats' usual socket port with a reader of the NATS protocol in between.
// So the trace shows what went over the wire (after websocket framing is undone, before TLS), not
// a reconstruction of what the lab meant to send; and an incoming line is printed before jnats
// hands the message on, so it always comes before what the script prints about it.
//DEPS io.nats:jnats:2.26.2

import io.nats.client.Options;
import io.nats.client.impl.SocketDataPortWithWriteTimeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

final class TraceWire {
    private TraceWire() {
    }

    /** One PUB/HPUB sent or MSG/HMSG received: its subject, reply subject, headers and the first bytes of its body. */
    record Frame(String subject, String reply, byte[] headers, byte[] body, int bodySize) {
    }

    /** What the port read off the wire, told as it goes by: --trace makes its lines of it. */
    interface Listener {
        void sent(Frame frame);

        void received(Frame frame);

        void serverError(String text);

        /** The connection closes: the last chance to say what was left out. */
        void leftOutSoFar();
    }

    /**
     * jnats makes its data port by class name (Options.Builder.dataPortType), so this is public and
     * nested (a shared single-file script keeps its top-level classes non-public). It finds its
     * Listener as the connection's read listener.
     */
    public static final class Port extends SocketDataPortWithWriteTimeout {
        private Listener trace;
        private final Reader sent = new Reader(true);
        private final Reader received = new Reader(false);

        public Port() {
        }

        @Override
        public void afterConstruct(Options options) {
            super.afterConstruct(options);
            trace = options.getReadListener() instanceof Listener t ? t : null;
        }

        @Override
        public void write(byte[] src, int toWrite) throws IOException {
            if (trace != null) { // before the socket: a websocket port frames (and changes) the buffer
                sent.feed(src, 0, toWrite, trace);
            }
            super.write(src, toWrite);
        }

        @Override
        public int read(byte[] dst, int off, int len) throws IOException {
            int n = super.read(dst, off, len);
            if (trace != null && n > 0) {
                received.feed(dst, off, n, trace);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            if (trace != null) {
                trace.leftOutSoFar();
            }
            super.close();
        }
    }

    /**
     * Reads the protocol as it streams by, in pieces of any size: a control line up to CRLF, then for
     * PUB/HPUB/MSG/HMSG the payload its sizes announce. The first line the client sends, CONNECT,
     * holds the login: it is dropped unread, like every other line that carries no message.
     */
    static final class Reader {
        /** Enough for any JetStream API answer the lab asks for; a longer payload is shown cut. */
        private static final int KEPT = 256 * 1024;
        private static final int LONGEST_LINE = 64 * 1024;

        private final boolean outgoing;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean skippingLine; // a line too long to be one we trace
        private String[] control;     // the control line of the payload being read, or null
        private int headerSize;
        private int payloadLeft;      // payload bytes still to come, then its CRLF
        private ByteArrayOutputStream payload;
        private int payloadSize;

        Reader(boolean outgoing) {
            this.outgoing = outgoing;
        }

        void feed(byte[] bytes, int from, int count, Listener trace) {
            int i = from;
            int end = from + count;
            while (i < end) {
                if (control != null) {
                    int take = Math.min(payloadLeft, end - i);
                    int room = Math.max(0, Math.min(take, KEPT - payload.size()));
                    payload.write(bytes, i, room);
                    payloadLeft -= take;
                    i += take;
                    if (payloadLeft == 0) {
                        finish(trace);
                    }
                    continue;
                }
                byte b = bytes[i++];
                if (b == '\n') {
                    if (!skippingLine) {
                        controlLine(new String(line.toByteArray(), StandardCharsets.UTF_8).strip(), trace);
                    }
                    line.reset();
                    skippingLine = false;
                } else if (!skippingLine) {
                    line.write(b);
                    if (line.size() > LONGEST_LINE) {
                        line.reset();
                        skippingLine = true;
                    }
                }
            }
        }

        private void controlLine(String text, Listener trace) {
            String[] parts = text.split("\\s+");
            String op = parts[0].toUpperCase(Locale.ROOT);
            boolean headers = op.equals(outgoing ? "HPUB" : "HMSG");
            boolean message = headers || op.equals(outgoing ? "PUB" : "MSG");
            if (!message) {
                if (!outgoing && op.equals("-ERR")) {
                    trace.serverError(text.substring(4).strip());
                }
                return; // CONNECT, SUB, UNSUB, PING, PONG, INFO, +OK: no message
            }
            try {
                int sizes = headers ? 2 : 1;
                headerSize = headers ? Integer.parseInt(parts[parts.length - 2]) : 0;
                payloadSize = Integer.parseInt(parts[parts.length - 1]);
                int fixed = 2 + (outgoing ? 0 : 1) + sizes; // op, subject, (sid), sizes
                control = new String[] {parts[1], parts.length > fixed ? parts[parts.length - sizes - 1] : null};
            } catch (RuntimeException notTheProtocol) {
                control = null;
                return;
            }
            payload = new ByteArrayOutputStream(Math.min(payloadSize, KEPT));
            payloadLeft = payloadSize + 2; // and its CRLF
        }

        private void finish(Listener trace) {
            byte[] all = payload.toByteArray();
            int kept = Math.min(all.length, payloadSize);
            int split = Math.min(headerSize, kept);
            Frame frame = new Frame(control[0], control[1], Arrays.copyOfRange(all, 0, split),
                    Arrays.copyOfRange(all, split, kept), payloadSize - headerSize);
            control = null;
            payload = null;
            if (outgoing) {
                trace.sent(frame);
            } else {
                trace.received(frame);
            }
        }
    }
}
