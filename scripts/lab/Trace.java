// --trace: what a script and the server say to each other, on stderr, in natscli's shape: each
// JetStream API request (`HH:MM:SS >>> $JS.API.STREAM.INFO.LAB4_STREAM` and the JSON sent) and its
// answer (`<<<`), each publish and its PubAck, each pull request ($JS.API.CONSUMER.MSG.NEXT) and
// what it brought, each ack as the protocol writes it (+ACK, -NAK, +WPI, +TERM to $JS.ACK...), and
// each status the server answers with, followed by one plain line saying what it means
// (TraceMeanings). It is fed by TraceWire, which reads the connection's bytes. A bulk run shows the
// first few of each kind and then counts the rest; API requests are always shown, except that a
// watch, which asks the same again and again, shows a request again only when its answer changed
// (TraceRepeats). The count of what was left out is the last trace line however the run ends (a
// signal too). Every line is escaped and masked.
//DEPS io.nats:jnats:2.26.2
//SOURCES TraceWire.java TraceJson.java TraceMeanings.java TraceRepeats.java Output.java Secrets.java StopSignal.java

import io.nats.client.ReadListener;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

final class Trace implements ReadListener, TraceWire.Listener { // jnats' read listener only carries it to TraceWire.Port
    /** How many of each kind a run shows before it only counts them. */
    static final int SAMPLE = 10;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
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

    /** A request on the wire whose answer is still to come: to its reply subject; for an API request, what it asked. */
    private record Waiting(Kind kind, String subject, String asked) {
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
    private final TraceRepeats repeats = new TraceRepeats();
    private List<String> holding; // while an API request's lines are kept back: where they go
    private long lines;

    Trace(Secrets secrets, boolean full) {
        this.secrets = secrets;
        this.full = full;
        WeakReference<Trace> self = new WeakReference<>(this); // a test runs many scripts in one JVM: none is kept
        StopSignal.beforeTheLastLine(() -> { // a signal ends the run without closing the connection
            Trace trace = self.get();
            if (trace != null) {
                trace.leftOutSoFar();
            }
        });
    }

    /**
     * For a watch, which asks the same every look: a request asked before is shown only when its
     * answer differs from the last one (the looks where something changed), the rest only counted.
     */
    synchronized void onlyChanges() {
        repeats.on();
    }

    /** How many lines the trace has printed so far (a watch on a terminal draws below new ones, not over them). */
    synchronized long lines() {
        return lines;
    }

    @Override
    public synchronized void sent(TraceWire.Frame frame) {
        String subject = frame.subject();
        if (subject.startsWith("$JS.API.CONSUMER.MSG.NEXT.")) {
            remember(frame.reply(), Kind.PULL, subject, null);
            if (shows(Kind.PULL)) {
                print(">>> " + Output.printable(subject) + ": " + Output.printable(text(frame.body())));
                under(TraceMeanings.pull(frame.body()));
            }
        } else if (subject.startsWith("$JS.API.")) {
            String asked = subject + " " + text(frame.body());
            remember(frame.reply(), Kind.API, subject, asked);
            shows(Kind.API);
            holding = repeats.holdFor(frame.reply(), asked);
            printWithBody(">>> " + Output.printable(subject), frame);
            holding = null;
        } else if (subject.startsWith("$JS.ACK.")) {
            remember(frame.reply(), Kind.ACK_REPLY, subject, null);
            if (shows(Kind.ACK)) {
                String ack = text(frame.body());
                print(">>> " + Output.printable(subject) + ": " + Output.printable(ack));
                under(TraceMeanings.ack(ack));
            }
        } else {
            remember(frame.reply(), Kind.REPLY, subject, null);
            if (shows(Kind.PUBLISH)) {
                print(">>> " + Output.printable(subject) + ": " + body(frame)
                        + (frame.reply() == null ? "" : " (reply to " + Output.printable(frame.reply()) + ")"));
            }
        }
    }

    @Override
    public synchronized void received(TraceWire.Frame frame) {
        Waiting asked = frame.subject() == null ? null : waiting.get(frame.subject());
        if (asked != null && asked.kind != Kind.PULL) {
            waiting.remove(frame.subject()); // a pull's inbox gets every answer of the run's pulls
        }
        if (asked != null && asked.kind == Kind.API && repeats.answeredAsBefore(frame.subject(), asked.asked,
                () -> text(frame.headers()) + text(frame.body()), this::printHeld, this::print)) {
            return;
        }
        String about = Output.printable(asked == null ? frame.subject() : asked.subject);
        String[] status = TraceMeanings.status(frame.headers());
        if (status != null) {
            if (shows(asked != null && asked.kind == Kind.API ? Kind.API : Kind.STATUS)) {
                print("<<< " + about + ": " + Output.printableStart(status[0] + (status[1].isEmpty() ? "" : " " + status[1])));
                under(TraceMeanings.status(status[0], status[1], asked != null && asked.kind == Kind.API));
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
                    under(TraceMeanings.pubAck(ack));
                }
            }
        } else if (shows(Kind.MESSAGE)) {
            print("<<< " + about + ": " + body(frame));
            under(frame.reply() == null ? "a message: nobody asks for an answer"
                    : frame.reply().startsWith("$JS.ACK.") ? TraceMeanings.delivery(frame.reply())
                    : "a request: the answer goes to " + Output.printable(frame.reply()));
        }
    }

    /** -ERR: the server's complaint about this connection (a denied permission, say). */
    @Override
    public synchronized void serverError(String text) {
        print("<<< -ERR " + Output.printable(text));
    }

    /**
     * At the end of a connection, or of a run a signal ended: a request still unanswered, and how
     * many of each kind were not shown, one line.
     */
    @Override
    public synchronized void leftOutSoFar() {
        repeats.showHeld(this::printHeld);
        List<String> counts = new ArrayList<>();
        List<String> why = new ArrayList<>();
        seen.forEach((kind, n) -> {
            if (kind != Kind.API && n > SAMPLE) {
                counts.add(String.format(Locale.ROOT, "%,d %s", n - SAMPLE, kind.words));
                seen.put(kind, (long) SAMPLE);
            }
        });
        if (!counts.isEmpty()) {
            why.add("--trace shows the first " + SAMPLE + " of each kind");
        }
        long unchanged = repeats.takeUnchanged();
        if (unchanged > 0) {
            counts.add(String.format(Locale.ROOT, "%,d API %s answered as the time before", unchanged, unchanged == 1 ? "request" : "requests"));
            why.add("a request asked again is shown when its answer changed");
        }
        if (!counts.isEmpty()) {
            print("--- not traced: " + String.join(", ", counts) + " (" + String.join("; ", why) + ")");
        }
    }

    // ------------------------------------------------------------ printing

    /** Counts one of a kind; true while it is within the sample (API requests always are). */
    private boolean shows(Kind kind) {
        long n = seen.merge(kind, 1L, Long::sum);
        return kind == Kind.API || n <= SAMPLE;
    }

    private void remember(String reply, Kind kind, String subject, String asked) {
        if (reply != null) {
            waiting.put(reply, new Waiting(kind, subject, asked));
        }
    }

    /** The first line, then the body: on the same line when short, else a JSON body a line per field. */
    private void printWithBody(String first, TraceWire.Frame frame) {
        List<String> lines = TraceJson.lines(secrets.mask(frame.body()), full); // before a long string is cut
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
        String shown = secrets.mask(Output.line(line, false)); // its parts were escaped where they entered
        if (holding != null) {
            holding.add(shown);
        } else {
            printHeld(shown);
        }
    }

    /** A line as emit() made it, now printed. */
    private void printHeld(String shown) {
        System.err.println(shown);
        lines++;
    }

    /** A body as a log line shows one (quoted, escaped, its first bytes; a secret masked before the cut), with its headers after it. */
    private String body(TraceWire.Frame frame) {
        byte[] shown = secrets.mask(frame.body());
        String quoted = frame.body().length < frame.bodySize() // the trace kept only the first part
                ? Output.quotedStart(shown, Math.min(shown.length, Output.SHOWN_BYTES))
                + String.format(Locale.ROOT, " (%,d bytes)", frame.bodySize()) : Output.quotedStart(shown, Output.SHOWN_BYTES);
        return frame.headers().length == 0 ? quoted : quoted + " " + headers(frame.headers());
    }

    /** "headers: Nats-Msg-Id="order-7"": each header after the NATS/1.0 line, its value quoted. */
    private static String headers(byte[] raw) {
        String[] lines = new String(raw, StandardCharsets.UTF_8).split("\r\n");
        StringBuilder out = new StringBuilder("headers:");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                out.append(' ').append(Output.header(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
            }
        }
        return out.toString();
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
