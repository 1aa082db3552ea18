///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: pull from a durable consumer and ack each message. A message counts as processed only
// once the server has confirmed its ack; one never acked is delivered again (at-least-once).
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES CommandRunner.java ConnectionOptions.java StreamOptions.java ConsumerOptions.java WaitOptions.java
//SOURCES Config.java JetStreamErrors.java Output.java Exit.java Processed.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Pull messages from the lab's durable consumer and ack each one.

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.StreamContext;
import io.nats.client.api.OrderedConsumerConfiguration;
import org.slf4j.Logger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

@Command(name = "js-pull", mixinStandardHelpOptions = true, version = CommandRunner.VERSION,
        description = {
                "Pulls messages from the durable consumer and acks each one. A message counts",
                "as processed only once the server confirms its ack; one that is never acked",
                "is delivered again after the consumer's ack wait (at-least-once delivery).",
                "Stops when no message arrives for [recv] wait_secs (or --wait)."},
        footer = {"", "Examples:",
                "  js-pull",
                "  js-pull --max 1",
                "  js-pull --count 100000 --batch 500 --quiet",
                "  js-pull --no-ack      # then, after the ack wait, js-pull again: (delivery 2)",
                "  js-pull --ephemeral   # read everything again; the durable consumer does not move",
                "  js-pull --work-ms 5000   # kill it while it works: the message comes back",
                "  js-pull --wait 1 --consumer OTHER_CONSUMER"})
public class JsPull implements Callable<Integer> {
    private static final Logger log = Output.logger(JsPull.class);
    private static final Duration ACK_CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    /** Pulls one message at a time, prints it, acks it, and says "acked" only once the server has the ack. */
    int pullEach(Connection nc, ConsumerContext consumer, Duration wait) throws Exception {
        Duration ackWait = consumer.getCachedConsumerInfo().getConsumerConfiguration().getAckWait();
        Set<Long> seen = new HashSet<>(); // without acks the same messages come back: one round is enough
        int handled = 0;
        Message msg;
        while ((max == null || handled < max) && (msg = consumer.next(wait)) != null) { // null: none within wait
            if (!seen.add(msg.metaData().streamSequence())) {
                cameBack = true;
                if (nak()) {
                    nakNow(msg, nc); // this run is done with it
                }
                break;
            }
            log.info("pulled message: {}{}", body(msg), deliveryNote(msg));
            pretendToWork();
            if (noAck()) {
                log.info("not acked: it comes back after the ack wait ({}s)", ackWait.toSeconds());
            } else if (nak()) {
                nakNow(msg, nc);
                log.info("nak'd: it comes back right away");
            } else {
                msg.ackSync(ACK_CONFIRM_TIMEOUT); // returns once the server confirmed; ack() would only queue it
                log.info("acked");
            }
            handled++;
        }
        return handled;
    }

    /**
     * Batches: fetch up to `want` messages and ack each (acks are only queued), then flush: once the
     * server answers the flush it has every ack of the batch, and only then do they count.
     */
    int fetchAndAck(Connection nc, ConsumerContext consumer, int want, Duration wait) throws Exception {
        long[] received = new long[want];
        int got = 0;
        FetchConsumeOptions options = FetchConsumeOptions.builder().maxMessages(want).expiresIn(fetchExpiry(wait)).build();
        try (FetchConsumer fetch = consumer.fetch(options)) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) { // null: the batch is done, or expired
                if (!quiet) {
                    log.info("pulled message: {}{}", body(msg), deliveryNote(msg));
                }
                msg.ack();
                bytes += msg.getData() == null ? 0 : msg.getData().length;
                received[got++] = msg.metaData().streamSequence();
            }
        }
        if (got == 0 || !acksConfirmed(nc)) {
            return 0;
        }
        return (int) Arrays.stream(received, 0, got).filter(processed::firstTime).count(); // one that came back counts once
    }

    /** Ephemeral: an ordered consumer reads the stream from its first message, without acks, and is then forgotten. */
    int readOrdered(StreamContext stream, String subject, Duration wait) throws Exception {
        OrderedConsumerContext reader = stream.createOrderedConsumer(new OrderedConsumerConfiguration().filterSubject(subject));
        int read = 0;
        Message msg;
        while ((max == null || read < max) && (msg = reader.next(wait)) != null) {
            log.info("pulled message: {} (stream seq {})", body(msg), msg.metaData().streamSequence());
            read++;
        }
        return read;
    }

    @Mixin ConnectionOptions connection;
    @Mixin StreamOptions streamOptions;
    @Mixin ConsumerOptions consumerOptions;
    @Mixin WaitOptions waitOptions;

    @Option(names = {"--max", "--count"}, paramLabel = "N", description = "Stop after N messages (default: no limit).")
    Integer max;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "Fetch B messages per request, ack each, and confirm the acks once per batch "
                    + "(default: ${DEFAULT-VALUE}, one at a time). At most the consumer's max ack pending (1000).")
    int batch;

    @Option(names = "--quiet", description = "No line per message; just the summary with msgs/s and MB/s.")
    boolean quiet;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Redelivery redelivery;

    /** --no-ack and --nak: two ways to leave a message for redelivery, so at most one of them. */
    static final class Redelivery {
        @Option(names = "--no-ack", description = "Do not ack: the server delivers each message again after the ack wait.")
        boolean noAck;

        @Option(names = "--nak", description = "Negatively ack: the server delivers each message again right away.")
        boolean nak;
    }

    @Option(names = "--ephemeral",
            description = "Read through a throw-away consumer from the stream's first message, without acks; "
                    + "the durable consumer's position does not change.")
    boolean ephemeral;

    @Option(names = "--work-ms", paramLabel = "MS",
            description = "Pretend each message takes MS milliseconds of work before it is acked.")
    long workMillis;

    private boolean cameBack;
    private long bytes;
    /** Which messages this run has acked: one that comes back after a failover is shown, not counted again. */
    private final Processed processed = new Processed();

    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsPull(), args));
    }

    @Override
    public Integer call() throws Exception {
        checkFlags();
        Config config = connection.load();
        try (Connection nc = connection.open(config)) {
            if (ephemeral) {
                int read = readOrdered(JetStreamErrors.streamContext(nc, config.stream, config.shownUrl()),
                        config.subject, config.wait);
                log.info("done: {} read through a throw-away consumer, no acks needed; durable consumer {} did not move",
                        Output.messages(read), config.consumer);
                return 0;
            }
            ConsumerContext consumer = JetStreamErrors.consumerContext(nc, config.stream, config.consumer, config.shownUrl());
            if (batch > 1 || quiet) {
                pullInBatches(nc, consumer, config);
                return 0;
            }
            int handled;
            try {
                handled = pullEach(nc, consumer, config.wait);
            } catch (TimeoutException e) {
                throw Exit.failed("the server did not confirm the ack within %ds: the message will be delivered again "
                        + "after the ack wait (%ds)", ACK_CONFIRM_TIMEOUT.toSeconds(), ackWait(consumer).toSeconds());
            }
            log.info(summary(handled, config));
        }
        return 0;
    }

    private void checkFlags() {
        if (max != null && max < 1) {
            throw Exit.usage("--max must be at least 1, got %d", max);
        }
        if (ephemeral && (noAck() || nak())) {
            throw Exit.usage("--ephemeral reads without acks: leave out --no-ack and --nak");
        }
        if (batch < 1) {
            throw Exit.usage("--batch must be at least 1, got %d", batch);
        }
        if (batch > 1 && (noAck() || nak() || ephemeral)) {
            throw Exit.usage("--batch acks every message: leave out --no-ack, --nak and --ephemeral");
        }
        if (workMillis < 0) {
            throw Exit.usage("--work-ms must be 0 or more, got %d", workMillis);
        }
    }

    private boolean noAck() {
        return redelivery != null && redelivery.noAck;
    }

    private boolean nak() {
        return redelivery != null && redelivery.nak;
    }

    /** --batch/--quiet: fetchAndAck until --max or until a batch comes back empty, then the figures. */
    private void pullInBatches(Connection nc, ConsumerContext consumer, Config config) throws Exception {
        long maxAckPending = consumer.getCachedConsumerInfo().getConsumerConfiguration().getMaxAckPending();
        if (maxAckPending > 0 && batch > maxAckPending) {
            throw Exit.usage("--batch %d is over consumer %s's max ack pending (%d): the server would hold the rest "
                    + "back; use --batch %d or less", batch, config.consumer, maxAckPending, maxAckPending);
        }
        AtomicLong acked = new AtomicLong();
        long start = System.nanoTime();
        long end = 0;
        try (Output.Progress progress = Output.Progress.start("acked", max == null ? 0 : max, acked::get)) {
            while (max == null || acked.get() < max) {
                int want = max == null ? batch : (int) Math.min(batch, max - acked.get());
                long waitUntil = System.nanoTime() + config.wait.toNanos();
                int got;
                // A fetch that ends empty before its wait: the consumer has no leader right now (a cluster
                // failing over), so ask again until the wait is up.
                while ((got = fetchAndAck(nc, consumer, want, config.wait)) == 0 && System.nanoTime() < waitUntil) {
                    Thread.sleep(250);
                }
                if (got == 0) {
                    break;
                }
                acked.addAndGet(got);
                end = System.nanoTime();
                if (!quiet) {
                    log.info("acked {}", Output.messages(got));
                }
            }
        }
        double seconds = Math.max(1e-9, (end - start) / 1e9);
        String why = max != null && acked.get() == max ? "--max " + max : "none arrived in the last " + config.wait.toSeconds() + "s";
        log.info("done: {} pulled and acked in batches of {} ({}{}): {} msgs/s, {} MB/s", Output.messages(acked.get()), batch,
                why, processed.again() == 0 ? "" : "; " + Output.messages(processed.again()) + " delivered again after a "
                        + "lost ack, not counted twice", String.format("%,.0f", acked.get() / seconds),
                String.format("%.1f", bytes / seconds / 1e6));
    }

    /** Each pull request expires within 2s: one sent to a consumer leader that just died is not waited on for long. */
    private static long fetchExpiry(Duration wait) {
        return Math.min(wait.toMillis(), 2000);
    }

    /** True once the server confirmed every queued ack; false when the connection dropped first (they come back). */
    private boolean acksConfirmed(Connection nc) throws InterruptedException {
        try {
            nc.flush(ACK_CONFIRM_TIMEOUT);
            return true;
        } catch (TimeoutException | IllegalStateException e) { // CancellationException too: the connection dropped
            log.warn("the acks of the last batch were not confirmed (the connection dropped): those messages come "
                    + "back after the ack wait");
            return false;
        }
    }

    private void pretendToWork() throws InterruptedException {
        if (workMillis > 0) {
            Thread.sleep(workMillis);
        }
    }

    private static Duration ackWait(ConsumerContext consumer) {
        return consumer.getCachedConsumerInfo().getConsumerConfiguration().getAckWait();
    }

    private static String body(Message msg) {
        return Output.quoted(new String(msg.getData(), StandardCharsets.UTF_8));
    }

    private static String deliveryNote(Message msg) {
        long delivery = msg.metaData().deliveredCount();
        return delivery > 1 ? " (delivery " + delivery + ")" : "";
    }

    /** Naks for immediate redelivery; the nak is only queued, so flush before the program may exit. */
    private static void nakNow(Message msg, Connection nc) throws Exception {
        msg.nak();
        try {
            nc.flush(ACK_CONFIRM_TIMEOUT);
        } catch (TimeoutException e) {
            throw Exit.failed("the server did not confirm the nak within %ds: the message comes back after the ack "
                    + "wait instead", ACK_CONFIRM_TIMEOUT.toSeconds());
        }
    }

    private String summary(int handled, Config config) {
        String count = Output.messages(handled) + " pulled and " + (noAck() ? "not acked" : nak() ? "nak'd" : "acked");
        if (max != null && handled == max) {
            return "done: " + count + " (--max " + max + ")";
        }
        if (cameBack) {
            return "done: " + count + "; stopped when they came back";
        }
        return "done: " + count + "; none arrived in the last " + config.wait.toSeconds() + "s";
    }
}
