///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: publish into a stream. A message counts as stored only once the stream's PubAck comes
// back, naming the stream and the sequence number the message got there.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//SOURCES CommandRunner.java ConnectionOptions.java StreamOptions.java Config.java JetStreamErrors.java
//SOURCES PubAcks.java Republish.java StdinLines.java StopSignal.java Output.java Stdout.java Exit.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn16m
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.PrimitiveIterator;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.function.LongFunction;
import java.util.stream.LongStream;

@Command(name = "js-pub", mixinStandardHelpOptions = true, version = CommandRunner.VERSION,
        description = {
                "Publishes MSG to the lab's subject and waits for the stream's PubAck, which",
                "confirms the message is stored. Without MSG, publishes each line of stdin as",
                "soon as it is read (split on \\n only, bytes kept as they are); --file sends a",
                "file (or - for stdin) as one message. With --count, publishes many messages",
                "with up to --window PubAcks outstanding and prints confirmed, refused and",
                "unanswered counts, msgs/s, MB/s and PubAck latency."},
        footer = {"", "Examples:",
                "  js-pub \"first message\"",
                "  printf 'one\\ntwo\\n' | js-pub",
                "  js-pub --file picture.png          # the file's bytes as one message",
                "  js-pub --msg-id order-7 \"order 7\"   # a rerun reports duplicate=true, stores nothing",
                "  js-pub --count 10000 \"order {{Count}}\"",
                "  js-pub --count 100000 --size 128",
                "  js-pub --core \"fire and forget\"     # core NATS: no PubAck, nothing confirms it was stored"})
public class JsPub implements Callable<Integer> {
    private static final Logger log = Output.logger(JsPub.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

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
                throw refusedOne(refused, body);
            } catch (IOException noPubAck) { // stored or not: nobody can say
                throw notConfirmed(noPubAck, nc, subject, body);
            }
            acks.confirmed(ack, body.length);
            if (json) {
                Output.json(ack.getJv().toJson(), soFar()); // the PubAck, as jnats read it
            } else {
                log.info("published {} to stream {} (seq {}{})", shown(body), ack.getStream(), ack.getSeqno(),
                        ack.isDuplicate() ? ", duplicate=true" : "");
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
                if (!acks.awaitRoom(slots, 1, ACK_TIMEOUT)) {
                    break; // no PubAck came for that long: stop sending (n was never sent), report below
                }
                if (!acks.awaitRoom(bytes, weight, ACK_TIMEOUT) || acks.failure.get() != null || stop.requested()) {
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
            acks.awaitRoom(slots, window, ACK_TIMEOUT); // the last PubAcks, as long as they keep coming
        }
    }

    private static final String COUNT_PLACEHOLDER = "{{Count}}";
    /** A log line shows a body's first bytes only: a 1 MB message is not one 1 MB line. */
    private static final int SHOWN_BYTES = 200;
    /** The one header name the server deduplicates on: exactly this spelling. */
    private static final String MSG_ID = "Nats-Msg-Id";
    private static final int DEFAULT_WINDOW = 1000;
    private static final int MAX_WINDOW = 100_000;
    /** At most this many body bytes waiting for their PubAck, whatever --window says: memory stays bounded. */
    private static final int BYTES_IN_FLIGHT = 8 << 20;
    /** After Ctrl-C: the longest wait for the PubAcks in flight, and a little more. */
    private static final Duration GRACE = ACK_TIMEOUT.plusSeconds(2);

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
    private Headers headers;             // -H: null when none
    private boolean headersNumbered;     // one of them has {{Count}} in its value
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
                stdin = stdinLines();
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
        headers = headers(headerArgs);
        headersNumbered = headerArgs != null && headerArgs.stream().anyMatch(h -> h.contains(COUNT_PLACEHOLDER));
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
        if (window != null && count == null && size == null) {
            throw Exit.usage("--window goes with --count: a single message (or stdin line) always waits for its PubAck");
        }
        if (sync && count == null && size == null) {
            throw Exit.usage("--sync goes with --count: a single message (or stdin line) always waits for its PubAck");
        }
        if (msgId != null && msgId.isBlank()) {
            throw Exit.usage("--msg-id is empty: give an ID, like --msg-id order-7 (or leave the flag out)");
        }
        if (msgId != null && !headerValue(msgId)) { // it travels as the Nats-Msg-Id header
            throw Exit.usage("--msg-id must be printable ASCII on one line, as a header value (no accents, emoji or "
                    + "line breaks), got %s", Output.quoted(msgId));
        }
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
                ? message.getBytes(StandardCharsets.UTF_8) : readFile(nc));
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
            Output.summary(log, acks.duplicates.get() == 0
                    ? Output.messages(published) + " published, each confirmed by a PubAck"
                    : String.format("%s confirmed by a PubAck: %d stored, %d duplicate=true (already stored)",
                    Output.messages(published), published - acks.duplicates.get(), acks.duplicates.get()));
        }
    }

    /** Core NATS: the server takes the bytes (a flush proves that much) but nobody acknowledges storing them. */
    private void sendCore(Connection nc, String subject, Iterable<byte[]> bodies) throws Exception {
        for (byte[] body : bodies) {
            sending(nc, body, null);
            nc.publish(subject, headersFor(coreSent + 1), body);
            nc.flush(ACK_TIMEOUT);
            coreSent++;
            inFlight = false;
            log.info("sent {} to subject {} with core NATS: no PubAck, so nothing confirms a stream stored it",
                    shown(body), subject);
            handedOn();
        }
    }

    /** Before each single publish: within max_payload with its headers, and no Ctrl-C yet (then it is not sent). */
    private void sending(Connection nc, byte[] body, PublishOptions options) {
        withinMaxPayload(nc, body.length, options, before());
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

    /** The file's bytes, exactly, or one line saying why not (missing, a folder, over max_payload). */
    private byte[] readFile(Connection nc) throws IOException {
        long limit = nc.getServerInfo().getMaxPayload();
        boolean fromStdin = file.equals("-");
        Path path = Path.of(file);
        if (!fromStdin && (!Files.exists(path) || Files.isDirectory(path))) {
            throw Exit.usage("--file %s: %s", file, Files.isDirectory(path) ? "is a folder, not a file" : "not found");
        }
        try (InputStream in = fromStdin ? System.in : Files.newInputStream(path)) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1)); // never more than one too many
            if (data.length > limit) {
                throw Exit.usage("--file %s is over the server's max_payload of %d bytes: send less (or raise "
                        + "max_payload in the server's config)", fromStdin ? "- (stdin)" : file, limit);
            }
            return data;
        }
    }

    private StdinLines stdinLines() throws IOException {
        if (System.console() != null) {
            throw Exit.usage("no message given: run js-pub \"some text\", or pipe lines into it");
        }
        StdinLines lines = new StdinLines(System.in, this::soFar);
        if (lines.empty()) { // waits for the first byte: an empty stdin is refused before connecting
            throw Exit.usage("no message given and stdin was empty: run js-pub \"some text\"");
        }
        return lines;
    }

    // ------------------------------------------------------------ many: --count, --size

    /** --count/--size: numbered, generated or file bodies through publishWithWindow, then the figures. */
    private void publishMany(Connection nc, Config config) throws Exception {
        long total = count == null ? 1 : count;
        if (size != null) {
            withinMaxPayload(nc, size, null, ""); // before allocating it
        }
        byte[] fixed = size != null ? generatedBody(size.intValue()) : file != null ? readFile(nc) : null;
        String template = message != null ? message : "message " + COUNT_PLACEHOLDER;
        LongFunction<byte[]> body = n -> fixed != null ? fixed : numbered(template, n).getBytes(StandardCharsets.UTF_8);
        String ids = msgId != null ? msgId : connection.failsOver() && !hasMsgIdHeader() ? ownIds() : null;
        LongFunction<PublishOptions> options = n -> ids == null ? null
                : PublishOptions.builder().messageId(numbered(ids, n)).build();
        withinMaxPayload(nc, body.apply(total).length, options.apply(total), ""); // the longest: the last number
        JetStream js = nc.jetStream();
        int windowSize = sync ? 1 : window == null ? DEFAULT_WINDOW : window.intValue();
        Republish.Round round = numbers -> publishWithWindow(js, config.subject, numbers, windowSize, body, options);
        sendingStarted = true; // then the signal: one of the two sees the other (both volatile)
        if (stop.requested()) {
            stop.runEnded(); // nothing was sent: the exit says so
        }
        long start = System.nanoTime();
        try (Output.Progress progress = Output.Progress.start("confirmed", total, acks.confirmed::get)) {
            if (connection.failsOver()) { // a PubAck lost with a dying leader: send that message again, same ID
                new Republish(nc, config.stream, config.subject, acks, stop).publish(total, round);
            } else { // one server: a lost PubAck ends the run, which says what it did
                round.publish(LongStream.rangeClosed(1, total).iterator());
            }
        }
        double seconds = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
        if (stop.requested()) {
            stop.runEnded(); // the exit says what was confirmed
        }
        if (acks.confirmed.get() == total) {
            Output.summary(log, acks.allConfirmed(total));
            log.info(acks.figures(seconds));
            return;
        }
        throw shortfall(total, nc, config);
    }

    /** A bulk run that fell short: the counts, and why, with the exit code for that reason. */
    private LabException shortfall(long total, Connection nc, Config config) {
        Throwable error = acks.failure.get();
        if (acks.confirmed.get() == 0 && JetStreamErrors.isNoResponders(error)) {
            return JetStreamErrors.noStreamCaptures(nc, config.subject, "");
        }
        String counts = "only " + acks.shortfall(total);
        JetStreamApiException refusal = JetStreamErrors.refusal(error);
        if (refusal != null) {
            return Exit.failed("%s; refused %s", counts, JetStreamErrors.refusedPublish(refusal));
        }
        if (JetStreamErrors.isNoResponders(error)) {
            return streamGoneOrLeaderless(nc, config, counts, true);
        }
        if (error instanceof IllegalStateException || connectionGone(nc)) {
            return JetStreamErrors.connectionLost(config.shownUrl(), counts);
        }
        return connection.failsOver() ? streamGoneOrLeaderless(nc, config, counts, false)
                : noPubAckInTime(counts);
    }

    /** Silence; or, while others still came, one message waited longer than jnats waits for an answer. */
    private LabException noPubAckInTime(String counts) {
        return acks.answeredWithin(ACK_TIMEOUT)
                ? Exit.failed("%s: a message got no PubAck within jnats' request timeout while others were still "
                        + "answered (the server or the link is slow for this much at once: try a smaller --window)", counts)
                : Exit.failed("%s: no PubAck came for %ds", counts, ACK_TIMEOUT.toSeconds());
    }

    /**
     * The connection itself went (jnats saw it close). A ping that gets no answer while the connection is
     * up proves less: on a slow link it waits behind megabytes of bodies still on their way.
     */
    private static boolean connectionGone(Connection nc) {
        return !JetStreamErrors.answers(nc) && nc.getStatus() != Connection.Status.CONNECTED;
    }

    /** The server answers but the stream did not: deleted mid-run, or (on a cluster) without a leader; the stream's info tells. */
    private LabException streamGoneOrLeaderless(Connection nc, Config config, String counts, boolean noResponders) {
        try {
            nc.jetStreamManagement().getStreamInfo(config.stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                return JetStreamErrors.streamDeleted(config.stream, null, counts);
            }
            return JetStreamErrors.noStreamCaptures(nc, config.subject, ": " + counts); // 10008: no leader, no quorum
        } catch (IOException | RuntimeException noAnswer) {
            return JetStreamErrors.noStreamCaptures(nc, config.subject, ": " + counts);
        }
        return noResponders ? JetStreamErrors.noStreamCaptures(nc, config.subject, ": " + counts)
                : noPubAckInTime(counts);
    }

    // ------------------------------------------------------------ how a run ended early

    /** What this run did so far, for a line that ends it early. */
    private String soFar() {
        if (count != null || size != null) {
            return "only " + acks.shortfall(count == null ? 1 : count);
        }
        if (core) {
            return Output.messages(coreSent) + " sent with core NATS (no PubAcks)" + (stdin == null ? ""
                    : "; the rest of stdin was not sent");
        }
        PubAcks.Counts at = acks.counts();
        String line = Output.messages(at.confirmed()) + " confirmed by a PubAck";
        if (at.refused() > 0) {
            line += ", " + at.refused() + " refused by the server";
        }
        if (at.unanswered() > 0) {
            line += ", " + at.unanswered() + " sent without an answer (it may or may not be stored)";
        }
        return line + (stdin == null ? "" : "; the rest of stdin was not sent");
    }

    /** A single publish the server refused: not stored, in plain words. */
    private LabException refusedOne(JetStreamApiException refused, byte[] body) {
        acks.refusedOne();
        inFlight = false;
        return Exit.failed("%s was refused %s%s", shown(body), JetStreamErrors.refusedPublish(refused), before());
    }

    /** A publish without a PubAck: no stream has the subject, the connection went, or it may or may not be stored. */
    private LabException notConfirmed(IOException e, Connection nc, String subject, byte[] body) {
        inFlight = false;
        if (JetStreamErrors.isNoResponders(e)) {
            if (nc.getServerInfo().getCluster() == null) {
                acks.refusedOne(); // one server, and nobody took it: not stored
            } // on a cluster, a stream between leaders may still store it: not counted either way
            return JetStreamErrors.noStreamCaptures(nc, subject, before());
        }
        String what = String.format("no PubAck for %s, so it may or may not be stored", shown(body));
        if (connectionGone(nc)) {
            return JetStreamErrors.connectionLost(shownUrl, what + before());
        }
        String text = e.getMessage() == null ? "no answer" : e.getMessage().lines().findFirst().orElse("");
        return Exit.failed("%s: %s%s", what, text, before());
    }

    /** For a failure on one of stdin's lines: which line, and what went before it. */
    private String before() {
        return stdin == null ? "" : " (line " + stdin.number() + " of stdin; " + soFar() + ")";
    }

    // ------------------------------------------------------------ helpers

    /** How a body is shown: quoted (invalid UTF-8 as \x{..}), or for --file its size and name. */
    private String shown(byte[] body) {
        return file != null ? body.length + " bytes from " + (file.equals("-") ? "stdin" : file)
                : Output.quotedStart(body, SHOWN_BYTES);
    }

    /**
     * Failing over without --msg-id: an ID for each message (this run's random prefix and the message's
     * number), so that one sent again after a failover is stored once. Another run gets other IDs.
     */
    private static String ownIds() {
        return "js-pub-" + UUID.randomUUID().toString().substring(0, 8) + "-" + COUNT_PLACEHOLDER;
    }

    /** The -H headers of message n: {{Count}} in a value becomes its number, as in --msg-id (and in natscli). */
    private Headers headersFor(long n) {
        if (!headersNumbered) {
            return headers;
        }
        Headers numberedHeaders = new Headers();
        for (String key : headers.keySet()) {
            headers.get(key).forEach(value -> numberedHeaders.add(key, numbered(value, n)));
        }
        return numberedHeaders;
    }

    private boolean hasMsgIdHeader() {
        return headers != null && headers.containsKey(MSG_ID);
    }

    private static String numbered(String template, long n) {
        return template.replace(COUNT_PLACEHOLDER, Long.toString(n));
    }

    private static byte[] generatedBody(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return body;
    }

    /** One line when the message, with its headers (-H, and the Nats-Msg-Id its options add), is over the server's limit. */
    private void withinMaxPayload(Connection nc, long bodyBytes, PublishOptions options, String before) {
        long limit = nc.getServerInfo().getMaxPayload();
        Headers all = headers == null ? new Headers() : new Headers(headers);
        if (options != null && options.getMessageId() != null) {
            all.put(MSG_ID, options.getMessageId());
        }
        long headerBytes = all.isEmpty() ? 0 : all.serializedLength();
        if (bodyBytes + headerBytes > limit) {
            throw Exit.usage("the message is %d bytes%s, over the server's max_payload of %d bytes: send less (or "
                    + "raise max_payload in the server's config)%s", bodyBytes,
                    headerBytes == 0 ? "" : " and its headers " + headerBytes + " more", limit, before);
        }
    }

    /** What a NATS header value can carry: printable ASCII and tabs, on one line. */
    private static boolean headerValue(String value) {
        return value.chars().allMatch(c -> c >= ' ' && c <= '~' || c == '\t');
    }

    /** -H KEY:VALUE, as natscli takes them; a Nats-Msg-Id among them is the same as --msg-id. */
    private Headers headers(List<String> given) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        Headers parsed = new Headers();
        for (String header : given) {
            int colon = header.indexOf(':');
            String key = colon < 1 ? "" : header.substring(0, colon).trim();
            if (!key.matches("[!-9;-~]+")) { // printable ASCII without ':' or spaces, as a header name must be
                throw Exit.usage("-H %s: give KEY:VALUE, like -H Trace-Id:abc (a key of letters, digits and - _ .)",
                        Output.printable(header, false));
            }
            String value = header.substring(colon + 1).trim();
            if (!headerValue(value)) {
                throw Exit.usage("-H %s: a header value must be printable ASCII on one line (no accents, emoji or "
                        + "line breaks), got %s", key, Output.quoted(value));
            }
            if (key.equalsIgnoreCase(MSG_ID) && !key.equals(MSG_ID)) { // the server matches the name exactly
                throw Exit.usage("-H %s: the server deduplicates only the exact header name %s, so this would be an "
                        + "ordinary header: write -H %s:%s (or --msg-id)", key, MSG_ID, MSG_ID, value);
            }
            if (key.equals(MSG_ID) && value.isEmpty()) {
                throw Exit.usage("-H %s: the ID is empty: give one, like -H %s:order-7 (or leave the header out)", MSG_ID, MSG_ID);
            }
            parsed.add(key, value);
        }
        if (msgId != null && parsed.containsKey(MSG_ID)) {
            throw Exit.usage("--msg-id and -H Nats-Msg-Id set the same header: give it once");
        }
        return parsed;
    }
}
