///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: publish into a stream. A message counts as stored only once the stream's PubAck comes
// back, naming the stream and the sequence number the message got there.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/StreamOptions.java lab/Config.java lab/JetStreamErrors.java lab/LogLines.java
//SOURCES lab/PubAcks.java lab/PubSummary.java lab/PubMessages.java lab/PubFailures.java lab/Republish.java lab/StdinLines.java
//SOURCES lab/StopSignal.java lab/Output.java lab/Stdout.java lab/Exit.java lab/NoInterest.java lab/Progress.java
//SOURCES lab/DiscardNew.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn16m
//DESCRIPTION Publish messages into the lab's stream; each counts only once its PubAck arrives.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import java.util.stream.LongStream;

@Command(name = "js-pub", version = CommandRunner.VERSION,
        description = JsPub.DESCRIPTION, footer = JsPub.FOOTER) // the help text: at the end of the file
public class JsPub implements Callable<Integer> {
    private static final Logger log = LogLines.logger(JsPub.class);

    /** Publishes each body and waits for its PubAck before the next: only a PubAck says the stream stored it. */
    void publishEach(Connection nc, String subject, Iterable<byte[]> bodies) throws IOException {
        JetStream js = nc.jetStream();
        for (byte[] body : bodies) { // stdin: each line as soon as it is read
            // With a Nats-Msg-Id, the stream stores a message only once within its duplicate window.
            long n = acks.sent.get() + 1;
            PublishOptions options = msgId == null ? null : PublishOptions.builder().messageId(numbered(msgId, n)).build();
            sending(nc, body, options); // over max_payload once its headers are added, or Ctrl-C: stop before it
            PublishAck ack;
            try {
                ack = js.publish(subject, headersFor(n), body, options); // returns once the stream's PubAck arrived
            } catch (JetStreamApiException refused) { // the server said no: stream full, message too large, ...
                throw refusedOne(refused, nc, subject, body);
            } catch (IOException noPubAck) { // stored or not: nobody can say
                throw notConfirmed(noPubAck, nc, subject, body);
            }
            acks.confirmed(ack, body.length);
            if (json) {
                Output.json(ack.getJv().toJson(), soFar()); // the PubAck, as jnats read it
            } else {
                log.info("published {} to stream {} (seq {}{})", shown(body), Output.printable(ack.getStream()),
                        ack.getSeqno(), ack.isDuplicate() ? ", duplicate=true" : ""); // the name is the server's text
            }
            handedOn(); // stdout took the line, or the run stops here
        }
    }

    /**
     * Many messages: publishAsync sends without waiting, with at most `window` PubAcks outstanding;
     * each message counts only once its own PubAck is back. It stops at the first failure or signal
     * (through a failover, Republish sends again what got no PubAck, with the same Nats-Msg-Id).
     */
    void publishWithWindow(JetStream js, String subject, PrimitiveIterator.OfLong numbers, int window,
                           LongFunction<byte[]> body, LongFunction<PublishOptions> options) throws InterruptedException {
        Semaphore slots = new Semaphore(window);
        Semaphore bytes = new Semaphore(BYTES_IN_FLIGHT); // big bodies: fewer in flight, so each PubAck comes soon
        try {
            while (numbers.hasNext() && acks.failure.get() == null && !stop.requested()) {
                long n = numbers.nextLong();
                byte[] data = body.apply(n);
                int weight = Math.min(Math.max(data.length, 1), BYTES_IN_FLIGHT);
                if (!acks.awaitRoom(slots, 1, Connector.CONFIRM_WAIT)) {
                    break; // no PubAck came for that long: stop sending (n was never sent), report below
                }
                if (!acks.awaitRoom(bytes, weight, Connector.CONFIRM_WAIT) || acks.failure.get() != null || stop.requested()) {
                    slots.release(); // a refusal that came while it waited is final: n is not sent
                    break;
                }
                long sentAt = System.nanoTime();
                acks.sending(n);
                js.publishAsync(subject, headersFor(n), data, options.apply(n)).whenComplete((ack, error) -> {
                    acks.record(n, ack, error, System.nanoTime() - sentAt, data.length);
                    bytes.release(weight);
                    slots.release();
                });
            }
        } catch (IllegalStateException closed) { // closed, or jnats' reconnect buffer is full mid-failover
            acks.notSent(); // that one never left
            acks.failure.compareAndSet(null, closed);
        } finally {
            acks.awaitRoom(slots, window, Connector.CONFIRM_WAIT); // the last PubAcks, as long as they keep coming
        }
    }

    private static final int DEFAULT_WINDOW = 1000;
    private static final int MAX_WINDOW = 100_000;
    /** At most this many body bytes waiting for their PubAck, whatever --window says: memory stays bounded. */
    private static final int BYTES_IN_FLIGHT = 8 << 20;
    /** After Ctrl-C: the longest wait for the PubAcks in flight, and a little more. */
    private static final Duration GRACE = Connector.CONFIRM_WAIT.plusSeconds(2);

    @Mixin ConnectionOptions connection;
    @Mixin StreamOptions.Subject subjectOption;

    @Option(names = "--msg-id", paramLabel = "ID",
            description = "Sets Nats-Msg-Id: the stream stores a message with the same ID only once within its "
                    + "duplicate window ([stream] duplicate_window_secs). {{Count}} becomes the message's number "
                    + "(with --count, or the line's number for stdin). With --count on a server list or a cluster, "
                    + "each message gets an ID anyway (a random one for the run, plus its number): one whose PubAck "
                    + "a failover lost is published again with it, and the stream keeps one copy.")
    String msgId;

    @Option(names = "--count", paramLabel = "N",
            description = "Publish N messages; {{Count}} in MSG becomes the message number (default MSG: \"message {{Count}}\").")
    Long count;

    @Option(names = "--size", paramLabel = "BYTES", description = "Publish generated bodies of BYTES bytes instead of MSG.")
    Long size;

    @Option(names = "--file", paramLabel = "PATH",
            description = "Publish the file's bytes, exactly, as one message (- reads stdin to its end); with --count, N times.")
    String file;

    @Option(names = "--window", paramLabel = "N",
            description = "With --count: at most N messages waiting for their PubAck (default: " + DEFAULT_WINDOW + ").")
    Long window;

    @Option(names = "--sync", description = "Wait for each PubAck before sending the next message (--count: "
            + "one at a time; a single message and stdin lines always do).")
    boolean sync;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY:VALUE",
            description = "Add a header to each message (repeatable), as natscli's -H: -H Trace-Id:abc. "
                    + "{{Count}} in a value becomes the message's number, as in --msg-id.")
    List<String> headerArgs;

    @Option(names = {"-j", "--json"}, description = "Print each PubAck as JSON (the server's answer, as jnats reads it) instead of the INFO line.")
    boolean json;

    @Option(names = "--core", description = "Publish with core NATS: no PubAck, so nothing confirms a stream stored it.")
    boolean core;

    @Parameters(arity = "0..1", paramLabel = "MSG",
            description = "Message body (default: one message per stdin line). For exact bytes use stdin or --file.")
    String message;

    private final PubAcks acks = new PubAcks();
    private PubMessages messages;        // -H headers, Nats-Msg-Id and max_payload
    private final PubFailures failures = new PubFailures(acks, Connector.CONFIRM_WAIT);
    private volatile boolean inFlight;   // a single publish waiting for its PubAck (or core flush)
    private volatile boolean sendingStarted; // a bulk run may have sent something
    // From the JVM's first moments, so that a signal while it starts, or while connecting, still gets its line.
    // Idle (the exit need not wait) while nothing is in flight: starting, connecting, reading stdin, or before
    // a bulk run's first send.
    private final StopSignal stop = StopSignal.watch(GRACE, this::soFar).idleWhen(() -> !inFlight && !sendingStarted);
    private volatile long coreSent;      // --core: messages the server took (flushed)
    private StdinLines stdin;            // null unless the bodies are stdin's lines
    private String shownUrl;

    public static void main(String... args) {
        JsPub pub = new JsPub();
        int exitCode = CommandRunner.run(pub, args);
        pub.stop.runEnded(); // a bad flag, --help: the run said what it did (after a signal, the exit says it)
        System.exit(exitCode);
    }

    @Override
    public Integer call() throws Exception {
        boolean bulk = count != null || size != null;
        try {
            checkFlags();
            Config config = connection.load();
            if (!bulk && message == null && file == null) {
                stdin = StdinLines.messages(this::soFar);
            }
            try (Connection nc = connection.open(config)) {
                shownUrl = config.shownUrl();
                if (bulk) {
                    publishMany(nc, config);
                } else {
                    publishSingly(nc, config);
                }
            }
        } finally {
            stop.runEnded(); // after Ctrl-C or SIGTERM: the exit prints what this run did, and this never returns
        }
        return 0;
    }

    private void checkFlags() {
        messages = new PubMessages(headerArgs, msgId);
        if (json && (count != null || size != null || core)) {
            throw Exit.usage("-j prints each PubAck of single messages and stdin lines: leave out --count, --size and --core");
        }
        if (count != null && count < 1) {
            throw Exit.usage("--count must be at least 1, got %d", count);
        }
        if (size != null && (size < 0 || size > Integer.MAX_VALUE)) {
            throw Exit.usage("--size must be from 0 to the server's max_payload (bytes), got %d", size);
        }
        if (window != null && (window < 1 || window > MAX_WINDOW)) {
            throw Exit.usage("--window must be from 1 to %d, got %d", MAX_WINDOW, window);
        }
        int given = (message != null ? 1 : 0) + (size != null ? 1 : 0) + (file != null ? 1 : 0);
        if (given > 1) {
            throw Exit.usage("give one of MSG, --size and --file, not more");
        }
        if ((window != null || sync) && count == null && size == null) {
            throw Exit.usage("%s goes with --count: a single message (or stdin line) always waits for its PubAck",
                    window != null ? "--window" : "--sync");
        }
        PubMessages.checkMsgId(msgId);
        if (window != null && sync) {
            throw Exit.usage("--sync and --window exclude each other: --sync is one PubAck at a time; pick one");
        }
        if (core && (count != null || size != null || msgId != null || window != null || sync)) {
            throw Exit.usage("--core sends single messages without JetStream: leave out --count, --size, --msg-id, "
                    + "--window and --sync");
        }
    }

    // ------------------------------------------------------------ one at a time: MSG, --file, stdin lines

    private void publishSingly(Connection nc, Config config) throws Exception {
        Iterable<byte[]> bodies = stdin != null ? stdin : List.of(message != null
                ? message.getBytes(StandardCharsets.UTF_8) : PubMessages.readFile(file, nc.getServerInfo().getMaxPayload()));
        if (stdin != null) {
            stdin.limit(nc.getServerInfo().getMaxPayload());
        }
        if (core) {
            sendCore(nc, config.subject, bodies);
            return;
        }
        publishEach(nc, config.subject, bodies);
        long published = acks.confirmed.get();
        if (published > 1 && !json) { // with -j, stdout holds only the PubAcks
            Output.summary(log, PubSummary.singles(acks, published));
        }
        afterTheRun(nc, acks.confirmed.get(), json); // confirmed, but kept?
    }

    /** Core NATS: the server takes the bytes (a flush proves that much) but nobody acknowledges storing them. */
    private void sendCore(Connection nc, String subject, Iterable<byte[]> bodies) throws Exception {
        for (byte[] body : bodies) {
            sending(nc, body, null);
            nc.publish(subject, headersFor(coreSent + 1), body);
            nc.flush(Connector.CONFIRM_WAIT);
            coreSent++;
            inFlight = false;
            log.info("sent {} to subject {} with core NATS: no PubAck, so nothing confirms a stream stored it",
                    shown(body), subject);
            handedOn();
        }
    }

    /** Before each single publish: within max_payload with its headers, and no Ctrl-C yet (then it is not sent). */
    private void sending(Connection nc, byte[] body, PublishOptions options) {
        messages.withinMaxPayload(nc, body.length, options, before());
        inFlight = true; // before looking at the signal: the exit waits for it, or it is never sent
        if (stop.requested()) {
            inFlight = false;
            stop.runEnded();
        }
        acks.sentOne();
    }

    /** The line just printed reached stdout, or the run stops: nothing more is sent. */
    private void handedOn() {
        inFlight = false;
        if (!Stdout.written()) {
            throw Stdout.lost(", so the run stopped: " + soFar());
        }
    }

    // ------------------------------------------------------------ many: --count, --size

    /** --count/--size: numbered, generated or file bodies through publishWithWindow, then the figures. */
    private void publishMany(Connection nc, Config config) throws Exception {
        long total = count == null ? 1 : count;
        if (size != null) {
            messages.withinMaxPayload(nc, size, null, ""); // before allocating it
        }
        byte[] fixed = size != null ? PubMessages.generatedBody(size.intValue())
                : file != null ? PubMessages.readFile(file, nc.getServerInfo().getMaxPayload()) : null;
        String template = message != null ? message : "message " + PubMessages.COUNT_PLACEHOLDER;
        LongFunction<byte[]> body = n -> fixed != null ? fixed : numbered(template, n).getBytes(StandardCharsets.UTF_8);
        String ids = msgId != null ? msgId : connection.failsOver() && !messages.hasMsgIdHeader() ? PubMessages.ownIds() : null;
        LongFunction<PublishOptions> options = n -> ids == null ? null
                : PublishOptions.builder().messageId(numbered(ids, n)).build();
        messages.withinMaxPayload(nc, body.apply(total).length, options.apply(total), ""); // the longest: the last number
        JetStream js = nc.jetStream();
        int windowSize = sync ? 1 : window == null ? DEFAULT_WINDOW : window.intValue();
        Republish.Round round = numbers -> publishWithWindow(js, config.subject, numbers, windowSize, body, options);
        sendingStarted = true; // then the signal: one of the two sees the other (both volatile)
        if (stop.requested()) {
            stop.runEnded(); // nothing was sent: the exit says so
        }
        long start = System.nanoTime();
        Republish republish = null;
        try (Progress progress = Progress.start("confirmed", total, acks.confirmed::get)) {
            if (connection.failsOver()) { // a PubAck lost with a dying leader: send that message again, same ID
                republish = new Republish(nc, config.stream, config.subject, acks, stop);
                republish.publish(total, round);
            } else { // one server: a lost PubAck ends the run, which says what it did
                round.publish(LongStream.rangeClosed(1, total).iterator());
            }
        }
        double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
        if (stop.requested()) {
            stop.runEnded(); // the exit says what was confirmed
        }
        if (acks.confirmed.get() == total) {
            if (republish != null) {
                republish.settleWindow(config.timeout); // the line names the window whenever the server does
            }
            Output.summary(log, PubSummary.allConfirmed(acks, total));
            log.info(acks.figures.line(acks.confirmed.get(), seconds));
            afterTheRun(nc, total, false);
            return;
        }
        throw failures.shortfall(total, nc, config, connection.failsOver(), body.apply(1).length); // the shortest
    }

    // ------------------------------------------------------------ how a run ended early

    /** What this run did so far, for a line that ends it early. */
    private String soFar() {
        if (count != null || size != null) {
            return PubSummary.soFar(acks, count == null ? 1 : count);
        }
        String done = core ? Output.messages(coreSent) + " sent with core NATS (no PubAcks)" : failures.singlesSoFar();
        return done + (stdin == null ? "" : "; the rest of stdin was not sent");
    }

    /** A single publish the server refused: not stored, in plain words. "No leader right now" is no refusal: the stream may yet store it. */
    private LabException refusedOne(JetStreamApiException refused, Connection nc, String subject, byte[] body) {
        inFlight = false;
        return failures.refusedOne(refused, nc, subject, shown(body), body.length, this::before);
    }

    /** A publish without a PubAck: no stream has the subject, the connection went, or it may or may not be stored. */
    private LabException notConfirmed(IOException e, Connection nc, String subject, byte[] body) {
        inFlight = false;
        return failures.notConfirmed(e, nc, subject, shown(body), shownUrl, this::before);
    }

    /** For a failure on one of stdin's lines: which line, and what went before it. */
    private String before() {
        return stdin == null ? "" : " (line " + stdin.number() + " of stdin; " + soFar() + ")";
    }

    // ------------------------------------------------------------ helpers

    /**
     * What a PubAck does not say, from one look at the stream after the run: an interest stream without a
     * consumer kept nothing; under discard new at max bytes older messages may have gone. A WARN line each
     * (on stderr when stdout holds only JSON).
     */
    private void afterTheRun(Connection nc, long confirmed, boolean json) {
        if (acks.streamName() == null || confirmed == 0) {
            return;
        }
        StreamInfo info;
        try {
            info = nc.jetStreamManagement().getStreamInfo(acks.streamName());
        } catch (IOException | JetStreamApiException noAnswer) {
            return; // the PubAcks stand; only this extra look is missing
        }
        for (String line : new String[] {NoInterest.warning(info, confirmed), DiscardNew.warning(info)}) {
            if (line != null && json) {
                System.err.println(Output.line("WARN " + line, false));
            } else if (line != null) {
                log.warn(line);
            }
        }
    }

    /** How a body is shown: quoted (invalid UTF-8 as \x{..}), or for --file its size and name. */
    private String shown(byte[] body) {
        return file != null ? body.length + " bytes from " + (file.equals("-") ? "stdin" : file)
                : Output.quotedStart(body, Output.SHOWN_BYTES);
    }

    /** The -H headers of message n ({{Count}} numbered). */
    private Headers headersFor(long n) {
        return messages.of(n);
    }

    private static String numbered(String template, long n) {
        return PubMessages.numbered(template, n);
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Publishes MSG to the lab's subject and waits for the stream's PubAck, which%n"
            + "confirms the message is stored. Without MSG, publishes each line of stdin as%n"
            + "soon as it is read (split on \\n only, bytes kept as they are); --file sends a%n"
            + "file (or - for stdin) as one message. With --count, publishes many messages%n"
            + "with up to --window PubAcks outstanding and prints confirmed, refused and%n"
            + "unanswered counts, msgs/s, MB/s and PubAck latency.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  js-pub \"first message\"%n"
            + "  printf 'one\\ntwo\\n' | js-pub%n"
            + "  js-pub --file picture.png          # the file's bytes as one message%n"
            + "  js-pub --msg-id order-7 \"order 7\"   # rerun: duplicate=true, not stored twice%n"
            + "  js-pub --count 10000 \"order {{Count}}\"%n"
            + "  js-pub --count 100000 --size 128%n"
            + "  js-pub --core \"fire and forget\"     # core NATS: no PubAck confirms it";
}
