// --trace: what a script and the server say to each other, on stderr, in natscli's shape: each
// JetStream API request (`HH:MM:SS >>> $JS.API.STREAM.INFO.LAB4_STREAM` and the JSON sent) and its
// answer (`<<<`), each publish and its PubAck, each pull request ($JS.API.CONSUMER.MSG.NEXT) and
// what it brought, each ack as the protocol writes it (+ACK, -NAK, +WPI, +TERM to $JS.ACK...), and
// each status the server answers with, followed by one plain line saying what it means. It is fed
// by TraceWire, which reads the connection's bytes. A bulk run shows the first few of each kind and
// then counts the rest; API requests are always shown. Every line is escaped and masked.
//DEPS io.nats:jnats:2.26.2
//SOURCES TraceWire.java TraceJson.java Output.java Secrets.java Durations.java

import io.nats.client.ReadListener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class Trace implements ReadListener, TraceWire.Listener { // jnats' read listener only carries it to TraceWire.Port
    /** How many of each kind a run shows before it only counts them. */
    static final int SAMPLE = 10;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Under the time and the arrows: the lines that belong to the one above. */
    private static final String UNDER = " ".repeat(13);
    private static final int MOST_WAITING = 100_000;

    private enum Kind {
        API("API requests"), PULL("pull requests"), PUBLISH("publishes"), PUBACK("PubAcks"), REPLY("replies"),
        MESSAGE("messages"), ACK("acks"), ACK_REPLY("ack confirmations"), STATUS("status replies");

        final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    /** A request on the wire whose answer is still to come: to its reply subject. */
    private record Waiting(Kind kind, String subject) {
    }

    private final Secrets secrets;
    /** --verbose too: JSON bodies with every level laid out (else deeper levels on one line, cut). */
    private final boolean full;
    private final Map<String, Waiting> waiting = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Waiting> eldest) {
            return size() > MOST_WAITING; // answers that never came: forgotten, not kept for ever
        }
    };
    private final Map<Kind, Long> seen = new LinkedHashMap<>();

    Trace(Secrets secrets, boolean full) {
        this.secrets = secrets;
        this.full = full;
    }

    @Override
    public synchronized void sent(TraceWire.Frame frame) {
        String subject = frame.subject();
        if (subject.startsWith("$JS.API.CONSUMER.MSG.NEXT.")) {
            remember(frame.reply(), Kind.PULL, subject);
            if (shows(Kind.PULL)) {
                print(">>> " + subject + ": " + Output.printable(text(frame.body())));
                under(pullMeaning(frame.body()));
            }
        } else if (subject.startsWith("$JS.API.")) {
            remember(frame.reply(), Kind.API, subject);
            shows(Kind.API);
            printWithBody(">>> " + subject, frame);
        } else if (subject.startsWith("$JS.ACK.")) {
            remember(frame.reply(), Kind.ACK_REPLY, subject);
            if (shows(Kind.ACK)) {
                String ack = text(frame.body());
                print(">>> " + subject + ": " + Output.printable(ack));
                under(ackMeaning(ack));
            }
        } else {
            remember(frame.reply(), Kind.REPLY, subject);
            if (shows(Kind.PUBLISH)) {
                print(">>> " + subject + ": " + body(frame) + (frame.reply() == null ? "" : " (reply to " + frame.reply() + ")"));
            }
        }
    }

    @Override
    public synchronized void received(TraceWire.Frame frame) {
        Waiting asked = frame.subject() == null ? null : waiting.get(frame.subject());
        if (asked != null && asked.kind != Kind.PULL) {
            waiting.remove(frame.subject()); // a pull's inbox gets every answer of the run's pulls
        }
        String about = asked == null ? frame.subject() : asked.subject;
        String[] status = status(frame.headers());
        if (status != null) {
            if (shows(asked != null && asked.kind == Kind.API ? Kind.API : Kind.STATUS)) {
                print("<<< " + about + ": " + Output.printable(status[0] + (status[1].isEmpty() ? "" : " " + status[1])));
                under(statusMeaning(status[0], status[1], asked));
            }
        } else if (asked != null && asked.kind == Kind.API) {
            printWithBody("<<< " + about, frame);
        } else if (asked != null && asked.kind == Kind.ACK_REPLY) {
            if (shows(Kind.ACK_REPLY)) {
                print("<<< " + about + ": " + (frame.bodySize() == 0 ? "(empty)" : body(frame)));
                under("the server has the ack");
            }
        } else if (asked != null && asked.kind == Kind.REPLY) {
            Map<String, Object> ack = TraceJson.object(frame.body());
            boolean pubAck = ack != null && (ack.containsKey("seq") || ack.containsKey("error"));
            if (shows(pubAck ? Kind.PUBACK : Kind.REPLY)) {
                printWithBody("<<< " + about, frame);
                if (pubAck) {
                    under(ack.containsKey("error") ? "PubAck with an error: the stream refused it, it is not stored"
                            : (ack.containsKey("duplicate") ? "PubAck: a duplicate, stream " + ack.get("stream")
                            + " has it already as seq " : "PubAck: stream " + ack.get("stream") + " stored it as seq ")
                            + ack.get("seq"));
                }
            }
        } else if (shows(Kind.MESSAGE)) {
            print("<<< " + frame.subject() + ": " + body(frame));
            under(frame.reply() == null ? "a message: nobody asks for an answer"
                    : frame.reply().startsWith("$JS.ACK.") ? deliveryMeaning(frame.reply())
                    : "a request: the answer goes to " + frame.reply());
        }
    }

    /** -ERR: the server's complaint about this connection (a denied permission, say). */
    @Override
    public synchronized void serverError(String text) {
        print("<<< -ERR " + Output.printable(text));
    }

    /** At the end of a connection: how many of each kind were not shown, one line. */
    @Override
    public synchronized void leftOutSoFar() {
        List<String> counts = new ArrayList<>();
        seen.forEach((kind, n) -> {
            if (kind != Kind.API && n > SAMPLE) {
                counts.add(String.format("%,d %s", n - SAMPLE, kind.words));
                seen.put(kind, (long) SAMPLE);
            }
        });
        if (!counts.isEmpty()) {
            print("--- not traced: " + String.join(", ", counts) + " (--trace shows the first " + SAMPLE + " of each kind)");
        }
    }

    // ------------------------------------------------------------ what each line means

    private static String pullMeaning(byte[] body) {
        Map<String, Object> request = TraceJson.object(body);
        if (request == null) {
            return "a pull request";
        }
        Object batch = request.get("batch");
        Object expires = request.get("expires");
        String n = batch == null ? "1" : batch.toString();
        String wait = expires == null ? (request.containsKey("no_wait") ? "answering at once" : "until it has them")
                : "the server holds it open " + Durations.format(Duration.ofNanos(Long.parseLong(expires.toString())));
        return "a pull request for up to " + n + (n.equals("1") ? " message" : " messages") + ", " + wait
                + "; what it brings comes to its reply subject";
    }

    private static String ackMeaning(String ack) {
        return switch (ack.split(" ")[0]) {
            case "+ACK" -> "ack: done with it, the consumer moves on";
            case "-NAK" -> "nak: not done, deliver it again now (or after the delay given)";
            case "+WPI" -> "in progress: still working on it, restart its ack wait";
            case "+TERM" -> "terminate: never deliver it again (it stays in the stream)";
            case "+NXT" -> "ack, and send the next message";
            default -> "an ack the server may not know";
        };
    }

    /** From the ack subject: $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>. */
    private static String deliveryMeaning(String ackSubject) {
        String[] t = ackSubject.split("\\.");
        if (t.length < 9) {
            return "a message from a consumer: its ack goes to the reply subject";
        }
        int at = t.length == 9 ? 2 : 4; // newer servers add a domain and an account hash
        return String.format("delivery %s of stream seq %s (consumer seq %s, %s more pending): its ack goes to %s",
                t[at + 2], t[at + 3], t[at + 4], t[at + 6], Output.printable("$JS.ACK." + t[at] + "." + t[at + 1] + "..."));
    }

    private static String statusMeaning(String code, String text, Waiting asked) {
        String lower = text.toLowerCase();
        return switch (code) {
            case "100" -> "a heartbeat: the server is still there (or asks to confirm flow control)";
            case "404" -> "no messages: nothing to deliver right now, and the pull asked not to wait";
            case "408" -> lower.contains("pending") ? "a pull request that asks not to wait while others wait: it ended"
                    : "the pull request expired: its wait ended with less than it asked for (maybe nothing); "
                    + "a consumer at max ack pending delivers nothing until acks come";
            case "409" -> lower.contains("leadership") ? "the consumer's leader changed: the pull request is gone, pull again"
                    : lower.contains("deleted") ? "the consumer was deleted: nothing more comes from it"
                    : lower.contains("maxackpending") ? "max ack pending reached: the consumer delivers no more until "
                    + "messages it delivered are acked (or their ack wait passes)"
                    : lower.contains("maxwaiting") ? "too many pull requests wait on this consumer (max_waiting): this one was refused"
                    : "the server ended this pull request: " + Output.printable(text);
            case "503" -> asked != null && asked.kind == Kind.API
                    ? "no responders: nothing answers the JetStream API here; JetStream is off on this server or account"
                    : "no responders: nothing subscribes to this subject; for a JetStream publish, no stream captures it";
            default -> "status " + Output.printable(code) + " from the server";
        };
    }

    // ------------------------------------------------------------ printing

    /** Counts one of a kind; true while it is within the sample (API requests always are). */
    private boolean shows(Kind kind) {
        long n = seen.merge(kind, 1L, Long::sum);
        return kind == Kind.API || n <= SAMPLE;
    }

    private void remember(String reply, Kind kind, String subject) {
        if (reply != null) {
            waiting.put(reply, new Waiting(kind, subject));
        }
    }

    /** The first line, then the body: on the same line when short, else a JSON body a line per field. */
    private void printWithBody(String first, TraceWire.Frame frame) {
        List<String> lines = TraceJson.lines(frame.body(), full);
        if (frame.bodySize() == 0) {
            print(first + (frame.headers().length == 0 ? "" : ": " + headers(frame.headers())));
        } else if (lines == null || lines.size() == 1) {
            print(first + ": " + (lines == null ? body(frame) : lines.get(0)));
        } else {
            print(first);
            lines.forEach(this::under);
        }
    }

    private void under(String line) {
        emit(UNDER + line);
    }

    private void print(String line) {
        emit(LocalTime.now().format(TIME) + " " + line);
    }

    private void emit(String line) {
        System.err.println(secrets.mask(Output.line(line, false))); // its parts were escaped where they entered
    }

    /** A body as a log line shows one (quoted, escaped, its first bytes), with its headers after it. */
    private static String body(TraceWire.Frame frame) {
        byte[] shown = frame.body();
        String quoted = shown.length < frame.bodySize()
                ? Output.quotedStart(shown, Math.min(shown.length, Output.SHOWN_BYTES))
                + String.format(" (%,d bytes)", frame.bodySize()) : Output.quotedStart(shown, Output.SHOWN_BYTES);
        return frame.headers().length == 0 ? quoted : quoted + " " + headers(frame.headers());
    }

    /** "headers: Nats-Msg-Id="order-7"": each header after the NATS/1.0 line, its value quoted. */
    private static String headers(byte[] raw) {
        String[] lines = new String(raw, StandardCharsets.UTF_8).split("\r\n");
        StringBuilder out = new StringBuilder("headers:");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                out.append(' ').append(Output.printable(lines[i].substring(0, colon)))
                        .append('=').append(Output.quoted(lines[i].substring(colon + 1).strip()));
            }
        }
        return out.toString();
    }

    /** "NATS/1.0 404 No Messages": the code and its words, or null for a message without a status. */
    private static String[] status(byte[] headers) {
        String first = new String(headers, StandardCharsets.UTF_8).split("\r\n", 2)[0];
        String[] parts = first.split(" ", 3);
        return parts.length >= 2 && parts[1].matches("\\d{3}") ? new String[] {parts[1], parts.length > 2 ? parts[2] : ""} : null;
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
