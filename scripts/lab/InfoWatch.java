// js-info --watch: the stream's and the consumer's numbers asked for again every interval, with what
// changed since the last look marked. On a terminal the block is redrawn in place (the cursor goes
// back up over its own lines only; the screen above stays); on a pipe or in a file each look is one
// line, a `*` after each value that changed. A run beside it (js-pull --work-ms, --no-ack) shows ack
// pending rise and fall, and a redelivery come due. Ends on Ctrl-C, SIGTERM or a closed pipe with
// one line; a deleted stream or consumer, or a lost server, ends it with its exit code. On a cluster a
// look that gets no answer (a leader being elected, the connection moving to another node) is said
// once, and the watch goes on asking: it ends only when jnats gives up reconnecting. With
// --trace it shows the first look's requests and answers, then only the looks where an answer changed.
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java JetStreamErrors.java WhyNothing.java MaxDeliveries.java StopSignal.java Stdout.java Output.java
//SOURCES Durations.java Exit.java Trace.java Unanswered.java

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

final class InfoWatch {
    static final Duration SHORTEST = Duration.ofMillis(100);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final String CHANGED = "\033[1;7m"; // bold, reversed
    private static final String PLAIN = "\033[0m";
    private static final int LABEL = 16;
    private static final String MAX_ACK_PENDING = "of max"; // shown after ack pending, on its row

    /** One JetStream API request; null when no answer came within the timeout. */
    interface Ask {
        Message ask(String subject) throws Exception;
    }

    private final Connection nc;
    private final Config config;
    private final Duration interval;
    private final Ask server;
    private final boolean failsOver; // a cluster or a URL list: no answer for a while is an election, not the end
    private boolean silent; // the looks get no answer (said once)
    private long answeredAt = System.nanoTime(); // the last look that got its numbers
    private final boolean terminal = Stdout.isTerminal();
    private final int width = terminal ? columns() : 0;
    private final Queue<String> advisories = new ConcurrentLinkedQueue<>();
    private final long started = System.nanoTime();
    /** --trace: its lines on the terminal too, so the block is drawn below them, not over them. */
    private final Trace trace;
    private long traced;
    private Map<String, String> last;
    private String lastWhy;
    private int drawn; // lines of the block on the terminal, for the next redraw to go back over
    private long looks;

    private InfoWatch(Connection nc, Config config, Duration interval, Ask server, boolean failsOver) {
        this.nc = nc;
        this.config = config;
        this.interval = interval;
        this.server = server;
        this.failsOver = failsOver;
        this.trace = nc.getOptions().getReadListener() instanceof Trace t ? t : null;
        if (trace != null) {
            trace.onlyChanges(); // every look asks the same: a trace of each would bury the one that changed
        }
    }

    /** The interval as typed after --watch, or one line saying how to write it. */
    static Duration interval(String typed) {
        Duration interval = Durations.within(typed, SHORTEST);
        if (interval == null) {
            throw Exit.usage("%s; or leave it out for 1s", Durations.refused("--watch", typed, SHORTEST));
        }
        return interval;
    }

    /** Looks, waits, looks again, until a signal, a closed pipe, or something gone ends it. */
    static void run(Connection nc, Config config, Duration interval, Ask server, boolean failsOver) throws Exception {
        InfoWatch watch = new InfoWatch(nc, config, interval, server, failsOver);
        StopSignal stop = StopSignal.watch(Duration.ofSeconds(2), watch::soFar);
        try {
            MaxDeliveries.listen(nc, config.stream, config.consumer, watch.advisories::add);
            watch.header();
            while (watch.look() && stop.interruptible(true)) {
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException signal) {
                    break; // the exit prints the line that ends the watch
                }
                stop.interruptible(false);
            }
        } finally {
            stop.runEnded();
        }
        if (!Stdout.readerLeft()) {
            throw Stdout.lost(": " + watch.soFar());
        }
        System.err.println(Output.printable("INFO the watch ended: stdout's reader left (" + Stdout.problem() + "); "
                + watch.soFar()));
    }

    private void header() {
        print(String.format(Locale.ROOT, "watching stream %s, consumer %s every %s (Ctrl-C ends it)", config.stream, config.consumer,
                Durations.format(interval)));
    }

    /** One look at the server: false once stdout's reader has gone. */
    private boolean look() throws Exception {
        Message streamReply = answer("$JS.API.STREAM.INFO." + config.stream);
        StreamInfo stream = streamReply == null ? null : new StreamInfo(streamReply);
        if (stream != null && stream.hasError() && !electing(stream.getApiErrorCode(), stream.getDescription())) {
            throw gone(stream.getApiErrorCode(), stream.getDescription());
        }
        if (stream != null && !stream.hasError()) {
            JetStreamErrors.checked(stream, config.stream);
        }
        Message consumerReply = stream == null || stream.hasError() ? null
                : answer("$JS.API.CONSUMER.INFO." + config.stream + "." + config.consumer);
        ConsumerInfo consumer = consumerReply == null ? null : new ConsumerInfo(consumerReply);
        if (consumer != null && consumer.hasError() && !electing(consumer.getApiErrorCode(), consumer.getDescription())) {
            throw gone(consumer.getApiErrorCode(), consumer.getDescription());
        }
        if (consumer != null && !consumer.hasError()) {
            JetStreamErrors.checked(consumer, config.stream, config.consumer);
        }
        if (consumer == null || consumer.hasError()) {
            String none = "no answer within " + Durations.format(config.timeout);
            unanswered(stream == null ? none : stream.hasError() ? "no leader for the stream yet"
                    : consumer == null ? none : "no leader for the consumer yet");
            return Stdout.written();
        }
        if (silent) {
            say(String.format(Locale.ROOT, "answered again after %.1fs without an answer", (System.nanoTime() - answeredAt) / 1e9));
            silent = false;
        }
        answeredAt = System.nanoTime();
        looks++;
        Map<String, String> now = numbers(stream, consumer);
        String why = WhyNothing.nextPull(nc, stream, consumer); // "gets nothing: ..." or "may get nothing: ..."
        List<String> events = new ArrayList<>();
        for (String advisory; (advisory = advisories.poll()) != null; ) {
            events.add(advisory);
        }
        if (terminal) {
            draw(now, why, events);
        } else {
            events.forEach(event -> print(clock() + " " + event));
            print(clock() + " " + line(now));
            if (why != null && !why.equals(lastWhy)) {
                print(clock() + " next pull " + why);
            }
        }
        last = now;
        lastWhy = why;
        return Stdout.written();
    }

    /** What the watch shows: the consumer's progress through the stream. */
    private static Map<String, String> numbers(StreamInfo stream, ConsumerInfo consumer) {
        StreamState state = stream.getStreamState();
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put("messages", String.format(Locale.ROOT, "%,d", state.getMsgCount()));
        shown.put("pending", String.format(Locale.ROOT, "%,d", consumer.getNumPending()));
        shown.put("ack pending", String.format(Locale.ROOT, "%,d", consumer.getNumAckPending()));
        shown.put(MAX_ACK_PENDING, String.format(Locale.ROOT, "%,d", consumer.getConsumerConfiguration().getMaxAckPending()));
        shown.put("waiting pulls", String.format(Locale.ROOT, "%,d", consumer.getNumWaiting()));
        shown.put("redelivered", String.format(Locale.ROOT, "%,d", consumer.getRedelivered()));
        shown.put("last delivered", "stream seq " + consumer.getDelivered().getStreamSequence());
        shown.put("ack floor", "stream seq " + consumer.getAckFloor().getStreamSequence());
        return shown;
    }

    /** A pipe's line: each value, and a `*` after each that changed since the line before. */
    private String line(Map<String, String> now) {
        List<String> parts = new ArrayList<>();
        rows(now).forEach((label, value) -> parts.add(label + " " + value));
        return String.join(", ", parts);
    }

    /** Each value as shown, marked when it changed (highlighted on a terminal, a `*` after it elsewhere); max ack pending beside ack pending. */
    private Map<String, String> rows(Map<String, String> now) {
        Map<String, String> rows = new LinkedHashMap<>();
        now.forEach((label, value) -> {
            String text = Output.printable(value);
            text = !changed(label, value) ? text : terminal ? CHANGED + text + PLAIN : text + "*";
            if (label.equals(MAX_ACK_PENDING)) {
                rows.computeIfPresent("ack pending", (ackPending, shown) -> shown + " " + MAX_ACK_PENDING + " ");
                rows.merge("ack pending", text, String::concat);
            } else {
                rows.put(label, text);
            }
        });
        return rows;
    }

    /** The block again, over the one drawn before; advisories go above it and stay. */
    private void draw(Map<String, String> now, String why, List<String> events) {
        StringBuilder out = new StringBuilder("\033[?7l"); // no wrapping while drawing: each line stays one line
        if (trace != null && trace.lines() != traced && Stdout.terminal(2)) {
            traced = trace.lines();
            drawn = 0; // the trace printed below the block: draw it again under those lines
        }
        if (drawn > 0) {
            out.append("\033[").append(drawn).append('F'); // to the start of the block's first line
        }
        for (String event : events) {
            out.append("\033[2K").append(Output.printable(clock() + " " + event)).append('\n');
        }
        List<String> block = new ArrayList<>();
        block.add(Output.printable(config.stream + " / " + config.consumer + " at " + clock()));
        rows(now).forEach((label, text) -> block.add(String.format(Locale.ROOT, "  %-" + LABEL + "s", label + ":") + text));
        if (why != null) {
            String text = Output.printable(why);
            int room = Math.max(20, width - LABEL - 3);
            for (int at = 0, end; at < text.length(); at = end) {
                end = Math.min(text.length(), at + room);
                int space = text.lastIndexOf(' ', end);
                end = end < text.length() && space > at ? space + 1 : end; // between words where it can
                String part = text.substring(at, end).stripTrailing();
                block.add(String.format(Locale.ROOT, "  %-" + LABEL + "s", at == 0 ? "next pull:" : "") + (why.equals(lastWhy) || last == null
                        ? part : CHANGED + part + PLAIN));
            }
        }
        block.forEach(row -> out.append("\033[2K").append(row).append('\n'));
        out.append("\033[J\033[?7h"); // clear what a longer block left below; wrapping on again
        drawn = block.size();
        Stdout.stream().print(out);
        Stdout.stream().flush();
    }

    private boolean changed(String label, String value) {
        return last != null && !value.equals(last.get(label));
    }

    /**
     * An answer; null on a cluster when none came (the watch goes on); or the line that ends the watch:
     * the connection is gone for good (on one server: lost at all), or one server kept silent.
     */
    private Message answer(String subject) throws Exception {
        Message reply;
        try {
            reply = server.ask(subject);
        } catch (IllegalStateException closed) { // jnats gave up reconnecting
            reply = null;
        }
        if (reply == null || reply.isStatusMessage()) {
            Connection.Status status = nc.getStatus();
            if (failsOver && status != Connection.Status.CLOSED) {
                return null; // a leader being elected, or jnats moving to another node
            }
            if (status != Connection.Status.CONNECTED) {
                throw JetStreamErrors.connectionLost(config.shownUrl(), soFar());
            }
            String soFar = soFar();
            LabException unreadable = Unanswered.unreadable(config.shownUrl(), soFar);
            throw unreadable != null ? unreadable : Exit.failed("the server did not answer %s within %s (--timeout): %s", subject,
                    Durations.format(config.timeout), soFar);
        }
        return reply;
    }

    /** On a cluster, the server's "no leader" for what was asked: an election under way, the watch goes on. */
    private boolean electing(int code, String description) {
        return failsOver && Unanswered.noLeaderNow(code, description);
    }

    /** A look without the numbers: said once, when the looks begin to get none; the next look asks again. */
    private void unanswered(String why) {
        if (!silent) {
            silent = true;
            say(why + " (on a cluster: a leader is being elected, or the connection moves to another server); "
                    + "asking again every " + Durations.format(interval));
        }
    }

    /** A line of its own between the looks; on a terminal above the block, which is then drawn below it. */
    private void say(String what) {
        print(clock() + " " + what);
        drawn = 0;
    }

    /** Not found at the first look: never there (run js-bootstrap); later: deleted while watched. */
    private LabException gone(int code, String description) {
        boolean streamGone = code == JetStreamErrors.STREAM_NOT_FOUND;
        if (code != JetStreamErrors.CONSUMER_NOT_FOUND && !streamGone) {
            return JetStreamErrors.refusalLine("info", code, description, "");
        }
        if (looks == 0) {
            return streamGone ? JetStreamErrors.streamNotFound(config.stream, config.shownUrl())
                    : JetStreamErrors.consumerNotFound(config.consumer, config.stream);
        }
        return streamGone ? JetStreamErrors.streamDeleted(config.stream, config.consumer, soFar())
                : Exit.notFound("consumer %s was deleted while js-info watched it: %s; run js-bootstrap to create it "
                + "again", config.consumer, soFar());
    }

    /** How the watch went, for the line that ends it. */
    private String soFar() {
        return String.format(Locale.ROOT, "watched %s / %s for %.1fs (%d %s); js-info only reads, nothing was changed", config.stream,
                config.consumer, (System.nanoTime() - started) / 1e9, looks, looks == 1 ? "look" : "looks");
    }

    private void print(String line) {
        Stdout.stream().println(Output.printable(line));
    }

    private static String clock() {
        return CLOCK.format(LocalTime.now());
    }

    /** The terminal's width, as stty tells it; 80 when it does not. */
    private static int columns() {
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
            return stty.waitFor() == 0 && size.length == 2 ? Integer.parseInt(size[1]) : 80;
        } catch (Exception noTerminal) {
            return 80;
        }
    }
}
