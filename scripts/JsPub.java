///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: publish into a stream. A message counts as stored only once the stream's PubAck comes
// back, naming the stream and the sequence number the message got there.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES CommandRunner.java ConnectionOptions.java StreamOptions.java Config.java JetStreamErrors.java Output.java Exit.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Publish messages into the lab's stream; each counts only once its PubAck arrives.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

@Command(name = "js-pub", mixinStandardHelpOptions = true, version = CommandRunner.VERSION,
        description = {
                "Publishes MSG to the lab's subject and waits for the stream's PubAck, which",
                "confirms the message is stored. Without MSG, publishes each line of stdin.",
                "With --count, publishes many messages with up to --window PubAcks outstanding",
                "and prints confirmed/failed counts, msgs/s, MB/s and PubAck latency."},
        footer = {"", "Examples:",
                "  js-pub \"first message\"",
                "  printf 'one\\ntwo\\n' | js-pub",
                "  js-pub --msg-id order-7 \"order 7\"   # a rerun reports duplicate=true, stores nothing",
                "  js-pub --count 10000 \"order {{Count}}\"",
                "  js-pub --count 100000 --size 128",
                "  js-pub --core \"fire and forget\"     # core NATS: no PubAck, nothing confirms it was stored"})
public class JsPub implements Callable<Integer> {
    private static final Logger log = Output.logger(JsPub.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    /** Publishes each body and waits for its PubAck before the next: only a PubAck says the stream stored it. */
    void publishEach(Connection nc, String subject, List<String> bodies) throws IOException, JetStreamApiException {
        JetStream js = nc.jetStream();
        // With a Nats-Msg-Id, the stream stores a message only once within its duplicate window.
        PublishOptions options = msgId == null ? null : PublishOptions.builder().messageId(msgId).build();
        int confirmed = 0;
        for (String body : bodies) {
            byte[] data = withinMaxPayload(nc, body.getBytes(StandardCharsets.UTF_8));
            PublishAck ack;
            try {
                ack = js.publish(subject, data, options); // returns once the stream's PubAck arrived
            } catch (IOException noPubAck) { // stored or not: nobody can say
                throw notConfirmed(nc, noPubAck, subject, body, confirmed, bodies.size());
            }
            confirmed++;
            log.info("published {} to stream {} (seq {}{})", Output.quoted(body), ack.getStream(), ack.getSeqno(),
                    ack.isDuplicate() ? ", duplicate=true" : "");
        }
        if (bodies.size() > 1) {
            log.info("{} messages published, each confirmed by a PubAck", confirmed);
        }
    }

    /**
     * Many messages: publishAsync sends without waiting, with at most `window` PubAcks outstanding;
     * each message counts only once its own PubAck is back. Returns how many were sent.
     */
    static int publishWithWindow(JetStream js, String subject, int total, int window, IntFunction<byte[]> body,
                                 IntFunction<PublishOptions> options, BulkResult result) throws InterruptedException {
        Semaphore slots = new Semaphore(window);
        int sent = 0;
        try {
            for (int n = 1; n <= total && result.error.get() == null; n++) {
                if (!slots.tryAcquire(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    break; // nothing came back in time: stop sending, report below
                }
                byte[] data = body.apply(n);
                long sentAt = System.nanoTime();
                int index = n - 1;
                js.publishAsync(subject, data, options.apply(n)).whenComplete((ack, error) -> {
                    result.record(index, ack, error, System.nanoTime() - sentAt, data.length);
                    slots.release();
                });
                sent++;
            }
        } catch (IllegalStateException e) {
            result.error.compareAndSet(null, e); // the connection is gone: what was sent is settled below
        } finally {
            slots.tryAcquire(window, ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // the last PubAcks
        }
        return sent;
    }

    private static final String COUNT_PLACEHOLDER = "{{Count}}";

    @Mixin ConnectionOptions connection;
    @Mixin StreamOptions streamOptions;

    @Option(names = "--msg-id", paramLabel = "ID",
            description = "Sets Nats-Msg-Id: the stream stores a message with the same ID only once within its "
                    + "duplicate window ([stream] duplicate_window_secs). {{Count}} is replaced as in MSG.")
    String msgId;

    @Option(names = "--count", paramLabel = "N",
            description = "Publish N messages; {{Count}} in MSG becomes the message number (default MSG: \"message {{Count}}\").")
    Integer count;

    @Option(names = "--size", paramLabel = "BYTES", description = "Publish generated bodies of BYTES bytes instead of MSG.")
    Integer size;

    @Option(names = "--window", paramLabel = "N", defaultValue = "1000",
            description = "With --count: at most N messages waiting for their PubAck (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--sync", description = "With --count: wait for each PubAck before sending the next message.")
    boolean sync;

    @Option(names = "--core", description = "Publish with core NATS: no PubAck, so nothing confirms a stream stored it.")
    boolean core;

    @Parameters(arity = "0..1", paramLabel = "MSG", description = "Message body (default: one message per stdin line).")
    String message;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsPub(), args));
    }

    @Override
    public Integer call() throws Exception {
        checkFlags();
        Config config = connection.load();
        boolean bulk = count != null || size != null;
        List<String> bodies = bulk ? List.of() : message != null ? List.of(message) : readStdinLines();
        try (Connection nc = connection.open(config)) {
            if (bulk) {
                publishMany(nc, config.subject);
            } else if (core) {
                sendCore(nc, config.subject, bodies);
            } else {
                publishEach(nc, config.subject, bodies);
            }
        }
        return 0;
    }

    private void checkFlags() {
        if (count != null && count < 1) {
            throw Exit.usage("--count must be at least 1, got %d", count);
        }
        if (size != null && size < 0) {
            throw Exit.usage("--size must be 0 or more bytes, got %d", size);
        }
        if (size != null && message != null) {
            throw Exit.usage("give MSG or --size, not both");
        }
        if (window < 1) {
            throw Exit.usage("--window must be at least 1, got %d", window);
        }
        if (core && (count != null || size != null || msgId != null)) {
            throw Exit.usage("--core sends single messages without JetStream: leave out --count, --size and --msg-id");
        }
    }

    /** A publish without a PubAck: no stream has the subject, or it may or may not be stored; says how many went before. */
    private static LabException notConfirmed(Connection nc, IOException e, String subject, String body, int confirmed,
                                             int total) {
        String sofar = total > 1 ? String.format(" (%d of %d confirmed before this one)", confirmed, total) : "";
        if (JetStreamErrors.isNoResponders(e)) {
            return JetStreamErrors.noStreamCaptures(nc, subject, sofar);
        }
        return Exit.failed("no PubAck for %s, so it may not be stored: %s%s", Output.quoted(body), e.getMessage(), sofar);
    }

    /** Core NATS: the server takes the bytes (flush proves that much) but nobody acknowledges storing them. */
    private void sendCore(Connection nc, String subject, List<String> bodies) throws Exception {
        for (String body : bodies) {
            nc.publish(subject, withinMaxPayload(nc, body.getBytes(StandardCharsets.UTF_8)));
        }
        nc.flush(ACK_TIMEOUT);
        for (String body : bodies) {
            log.info("sent {} to subject {} with core NATS: no PubAck, so nothing confirms a stream stored it",
                    Output.quoted(body), subject);
        }
    }

    // ------------------------------------------------------------------ bulk

    /** --count/--size: numbered or generated bodies through publishWithWindow, then the figures. */
    private void publishMany(Connection nc, String subject) throws Exception {
        int total = count == null ? 1 : count;
        String template = message != null ? message : "message " + COUNT_PLACEHOLDER;
        byte[] generated = size == null ? null : generatedBody(size);
        IntFunction<byte[]> body = n -> generated != null ? generated : numbered(template, n).getBytes(StandardCharsets.UTF_8);
        withinMaxPayload(nc, body.apply(total)); // the longest numbered body is the last one
        IntFunction<PublishOptions> options = n -> msgId == null ? null
                : PublishOptions.builder().messageId(numbered(msgId, n)).build();
        BulkResult result = new BulkResult(total);
        long start = System.nanoTime();
        int sent;
        try (Output.Progress progress = Output.Progress.start("confirmed", total, result.confirmed::get)) {
            sent = publishWithWindow(nc.jetStream(), subject, total, sync ? 1 : window, body, options, result);
        }
        report(nc, result, total, sent, (System.nanoTime() - start) / 1e9, subject);
    }

    private void report(Connection nc, BulkResult result, int total, int sent, double seconds, String subject) {
        long confirmed = result.confirmed.get();
        if (confirmed == total) {
            log.info("published {} to stream {} (seq {}-{}{}), each confirmed by a PubAck",
                    Output.messages(total), result.stream.get(), result.firstSeq.get(),
                    result.lastSeq.get(), result.duplicates.get() > 0 ? ", " + result.duplicates.get() + " duplicate=true" : "");
            log.info(result.figures(seconds));
            return;
        }
        Throwable error = result.error.get();
        if (confirmed == 0 && error != null && JetStreamErrors.isNoResponders(error)) {
            throw JetStreamErrors.noStreamCaptures(nc, subject, "");
        }
        long unanswered = sent - confirmed - result.refused.get();
        throw Exit.failed("only %d of %d messages confirmed by a PubAck%s; %d not: %d refused, "
                        + "%d sent without a PubAck (they may or may not be stored), %d never sent: %s",
                confirmed, total, confirmed > 0 ? " (last stream seq " + result.lastSeq.get() + ")" : "",
                total - confirmed, result.refused.get(), unanswered, total - sent, describe(error));
    }

    /** A failed future's exception without the CompletionException or ExecutionException it may come wrapped in. */
    private static Throwable unwrapped(Throwable error) {
        boolean wrapper = error instanceof CompletionException || error instanceof ExecutionException;
        return wrapper && error.getCause() != null ? error.getCause() : error;
    }

    private static String describe(Throwable error) {
        Throwable cause = unwrapped(error);
        if (cause == null) {
            return "no PubAck within " + ACK_TIMEOUT.toSeconds() + "s";
        }
        if (cause instanceof JetStreamApiException api) {
            return JetStreamErrors.refused(api);
        }
        if (cause instanceof CancellationException || cause instanceof IllegalStateException) {
            return "the connection to the server was lost before their PubAcks came back";
        }
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return text.lines().findFirst().orElse("");
    }

    /** What the PubAcks of a bulk run said, filled in by jnats' callback threads. */
    static final class BulkResult {
        final long[] latencyNanos;
        final AtomicLong confirmed = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong firstSeq = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastSeq = new AtomicLong();
        final AtomicReference<String> stream = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        BulkResult(int total) {
            latencyNanos = new long[total];
            Arrays.fill(latencyNanos, -1);
        }

        void record(int index, PublishAck ack, Throwable failure, long nanos, int size) {
            if (failure != null || ack == null) {
                if (unwrapped(failure) instanceof JetStreamApiException) {
                    refused.incrementAndGet(); // the server said no; anything else may still have been stored
                }
                error.compareAndSet(null, failure);
                return;
            }
            latencyNanos[index] = nanos;
            bytes.addAndGet(size);
            stream.set(ack.getStream());
            firstSeq.accumulateAndGet(ack.getSeqno(), Math::min);
            lastSeq.accumulateAndGet(ack.getSeqno(), Math::max);
            if (ack.isDuplicate()) {
                duplicates.incrementAndGet();
            }
            confirmed.incrementAndGet();
        }

        String figures(double seconds) {
            long[] sorted = Arrays.stream(latencyNanos).filter(n -> n >= 0).sorted().toArray();
            return String.format("%,d msgs/s, %.1f MB/s in %.2fs; PubAck latency p50 %s, p90 %s, p99 %s",
                    Math.round(confirmed.get() / seconds), bytes.get() / seconds / 1e6, seconds,
                    millis(sorted, 0.50), millis(sorted, 0.90), millis(sorted, 0.99));
        }

        private static String millis(long[] sorted, double quantile) {
            long nanos = sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
            return String.format("%.2f ms", nanos / 1e6);
        }
    }

    // --------------------------------------------------------------- helpers

    private static String numbered(String template, int n) {
        return template.replace(COUNT_PLACEHOLDER, Integer.toString(n));
    }

    private static byte[] generatedBody(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return body;
    }

    /** The body, or one line saying it is over the server's limit (jnats would only throw). */
    private static byte[] withinMaxPayload(Connection nc, byte[] data) {
        long limit = nc.getServerInfo().getMaxPayload();
        if (data.length > limit) {
            throw Exit.usage("the message is %d bytes, over the server's max_payload of %d bytes: "
                    + "send less (or raise max_payload in the server's config)", data.length, limit);
        }
        return data;
    }

    private static List<String> readStdinLines() throws IOException {
        if (System.console() != null) {
            throw Exit.usage("no message given: run js-pub \"some text\", or pipe lines into it");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> lines = in.lines().toList();
        if (lines.isEmpty()) {
            throw Exit.usage("no message given and stdin was empty: run js-pub \"some text\"");
        }
        return lines;
    }
}
