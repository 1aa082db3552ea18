///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: publish into a stream. A message counts as stored only once the stream's PubAck comes
// back, naming the stream and the sequence number the message got there.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/SettingFlags.java lab/Config.java lab/JetStreamErrors.java lab/LogLines.java
//SOURCES lab/PubAcks.java lab/PubSummary.java lab/PubMessages.java lab/PubFailures.java lab/Republish.java lab/StdinLines.java
//SOURCES lab/StopSignal.java lab/Output.java lab/Stdout.java lab/Progress.java
//SOURCES lab/PubOptions.java lab/PubAfterRun.java lab/PubAckReplies.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.25 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr -Xmn16m
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Publish messages into the lab's stream; each counts only once its PubAck arrives.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
        description = PubOptions.DESCRIPTION, footer = PubOptions.FOOTER) // the help text: with js-pub's flags
public class JsPub implements Callable<Integer> {
    private static final Logger log = LogLines.logger(JsPub.class);

    /** Publishes each body and waits for its PubAck before the next: only a PubAck says the stream stored it. */
    void publishEach(Connection nc, String subject, Iterable<byte[]> bodies) throws IOException {
        JetStream js = nc.jetStream();
        for (byte[] body : bodies) { // stdin: each line as soon as it is read
            // With a Nats-Msg-Id, the stream stores a message only once within its duplicate window.
            long n = acks.sent.get() + 1;
            PublishOptions options = flags.msgId == null ? null : PublishOptions.builder().messageId(numbered(flags.msgId, n)).build();
            sending(nc, body, options); // over max_payload once its headers are added, or Ctrl-C: stop before it
            PublishAck ack;
            try {
                ack = js.publish(subject, headersFor(n), body, options); // returns once the stream's PubAck arrived
                JetStreamErrors.checkPubAck(ack); // anything listening on the subject may answer: is this JetStream's?
            } catch (JetStreamApiException refused) { // the server said no: stream full, message too large, ...
                throw JetStreamErrors.refusal(refused) != null ? refusedOne(refused, nc, subject, body)
                        : notConfirmed(new IOException(refused), nc, subject, body); // an answer that is no JSON
            } catch (IOException noPubAck) { // stored or not: nobody can say
                throw notConfirmed(noPubAck, nc, subject, body);
            }
            acks.confirmed(ack, body.length);
            if (flags.json) {
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

    /** At most this many body bytes waiting for their PubAck, whatever --window says: memory stays bounded. */
    private static final int BYTES_IN_FLIGHT = 8 << 20;
    /** After Ctrl-C: the longest wait for the PubAcks in flight, and a little more. */
    private static final Duration GRACE = Connector.CONFIRM_WAIT.plusSeconds(2);

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.SUBJECT); // each flag from its row of Setting.java

    @Mixin PubOptions flags = new PubOptions(); // there from the start: a signal while starting reads it

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
        boolean bulk = flags.bulk();
        try {
            flags.check();
            messages = new PubMessages(flags.headerArgs, flags.msgId);
            Config config = connection.load();
            if (!bulk && flags.message == null && flags.file == null) {
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

    // ------------------------------------------------------------ one at a time: MSG, --file, stdin lines

    private void publishSingly(Connection nc, Config config) throws Exception {
        Iterable<byte[]> bodies = stdin != null ? stdin : List.of(flags.message != null
                ? flags.message.getBytes(StandardCharsets.UTF_8) : PubMessages.readFile(flags.file, PubMessages.maxPayload(nc)));
        if (stdin != null) {
            stdin.limit(PubMessages.maxPayload(nc));
        }
        if (flags.core) {
            sendCore(nc, config.subject, bodies);
            return;
        }
        publishEach(nc, config.subject, bodies);
        long published = acks.confirmed.get();
        if (published > 1 && !flags.json) { // with -j, stdout holds only the PubAcks
            Output.summary(log, PubSummary.singles(acks, published));
        }
        PubAfterRun.warn(nc, acks.streamName(), acks.confirmed.get(), flags.json, log); // confirmed, but kept?
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
        long total = flags.count == null ? 1 : flags.count;
        if (flags.size != null) {
            messages.withinMaxPayload(nc, flags.size, null, ""); // before allocating it
        }
        byte[] fixed = flags.size != null ? PubMessages.generatedBody(flags.size.intValue())
                : flags.file != null ? PubMessages.readFile(flags.file, PubMessages.maxPayload(nc)) : null;
        String template = flags.message != null ? flags.message : "message " + PubMessages.COUNT_PLACEHOLDER;
        LongFunction<byte[]> body = n -> fixed != null ? fixed : numbered(template, n).getBytes(StandardCharsets.UTF_8);
        String ids = flags.msgId != null ? flags.msgId : connection.failsOver() && !messages.hasMsgIdHeader() ? PubMessages.ownIds() : null;
        LongFunction<PublishOptions> options = n -> ids == null ? null
                : PublishOptions.builder().messageId(numbered(ids, n)).build();
        messages.withinMaxPayload(nc, body.apply(total).length, options.apply(total), ""); // the longest: the last number
        JetStream js = nc.jetStream();
        int windowSize = flags.windowSize();
        Republish.Round round = connection.failsOver()
                ? numbers -> publishWithWindow(js, config.subject, numbers, windowSize, body, options)
                : numbers -> new PubAckReplies(nc, acks, stop, windowSize, BYTES_IN_FLIGHT, Connector.CONFIRM_WAIT)
                        .publish(config.subject, numbers, body, n -> messages.withId(n, options.apply(n))); // one server: the fast path
        sendingStarted = true; // then the signal: one of the two sees the other (both volatile)
        if (stop.requested()) {
            stop.runEnded(); // nothing was sent: the exit says so
        }
        long start = System.nanoTime();
        Republish republish = null;
        try (Progress progress = Progress.start("confirmed", total, acks.confirmed::get)) {
            if (connection.failsOver()) { // a PubAck lost with a dying leader: send that message again, same ID
                republish = new Republish(nc, config.subject, acks, stop);
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
            PubAfterRun.warn(nc, acks.streamName(), total, false, log);
            return;
        }
        throw failures.shortfall(total, nc, config, connection.failsOver(), republish == null ? null : republish.gaveUpAfter(),
                body.apply(1).length); // the shortest
    }

    // ------------------------------------------------------------ how a run ended early

    /** What this run did so far, for a line that ends it early. */
    private String soFar() {
        if (flags.bulk()) {
            return PubSummary.soFar(acks, flags.count == null ? 1 : flags.count);
        }
        String done = flags.core ? Output.messages(coreSent) + " sent with core NATS (no PubAcks)" : failures.singlesSoFar();
        if (stdin != null) {
            return done + "; the rest of stdin was not sent";
        }
        boolean sentIt = flags.core ? coreSent > 0 || inFlight : acks.sent.get() > 0; // MSG or --file: the one message
        return sentIt ? done : done + "; the message was not sent";
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

    /** How a body is shown: quoted (invalid UTF-8 as \x{..}), or for --file its size and name. */
    private String shown(byte[] body) {
        return flags.file != null ? body.length + " bytes from " + (flags.file.equals("-") ? "stdin" : flags.file)
                : Output.quotedStart(body, Output.SHOWN_BYTES);
    }

    /** The -H headers of message n ({{Count}} numbered). */
    private Headers headersFor(long n) {
        return messages.of(n);
    }

    private static String numbered(String template, long n) {
        return PubMessages.numbered(template, n);
    }
}
