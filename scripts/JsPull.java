///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.tomlj:tomlj:1.1.1
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Config.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Pull messages from the lab's durable consumer and ack each one.

import io.nats.client.BaseConsumerContext;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import io.nats.client.api.OrderedConsumerConfiguration;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

@Command(name = "js-pull", mixinStandardHelpOptions = true, version = Config.VERSION,
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
    private static final Logger log = Config.logger(JsPull.class);
    private static final Duration ACK_CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    @Mixin
    Config.Options options;

    @Option(names = {"--max", "--count"}, paramLabel = "N", description = "Stop after N messages (default: no limit).")
    Integer max;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "Fetch B messages per request, ack each, and confirm the acks once per batch "
                    + "(default: ${DEFAULT-VALUE}, one at a time). At most the consumer's max ack pending (1000).")
    int batch;

    @Option(names = "--quiet", description = "No line per message; just the summary with msgs/s and MB/s.")
    boolean quiet;

    @Option(names = "--no-ack", description = "Do not ack: the server delivers each message again after the ack wait.")
    boolean noAck;

    @Option(names = "--nak", description = "Negatively ack: the server delivers each message again right away.")
    boolean nak;

    @Option(names = "--ephemeral",
            description = "Read through a throw-away consumer from the stream's first message, without acks; "
                    + "the durable consumer's position does not change.")
    boolean ephemeral;

    @Option(names = "--work-ms", paramLabel = "MS",
            description = "Pretend each message takes MS milliseconds of work before it is acked.")
    long workMillis;

    public static void main(String... args) {
        System.exit(Config.run(new JsPull(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (max != null && max < 1) {
            throw Config.fail(Config.EXIT_USAGE, "--max must be at least 1, got %d", max);
        }
        if (noAck && nak) {
            throw Config.fail(Config.EXIT_USAGE, "--no-ack and --nak exclude each other: pick one");
        }
        if (ephemeral && (noAck || nak)) {
            throw Config.fail(Config.EXIT_USAGE, "--ephemeral reads without acks: leave out --no-ack and --nak");
        }
        if (batch < 1) {
            throw Config.fail(Config.EXIT_USAGE, "--batch must be at least 1, got %d", batch);
        }
        if (batch > 1 && (noAck || nak || ephemeral)) {
            throw Config.fail(Config.EXIT_USAGE, "--batch acks every message: leave out --no-ack, --nak and --ephemeral");
        }
        if (workMillis < 0) {
            throw Config.fail(Config.EXIT_USAGE, "--work-ms must be 0 or more, got %d", workMillis);
        }
        Config config = options.load();
        if (ephemeral) {
            return readEphemeral(config);
        }
        if (batch > 1 || quiet) {
            return pullInBatches(config);
        }
        int handled = 0;
        boolean cameBack = false;
        try (Connection nc = config.connect()) {
            ConsumerContext consumer = config.consumerContext(nc);
            Duration ackWait = consumer.getCachedConsumerInfo().getConsumerConfiguration().getAckWait();
            // Without acks the same messages come back; one round of each is enough to watch.
            Set<Long> seen = new HashSet<>();
            Message msg;
            while ((max == null || handled < max) && (msg = consumer.next(config.wait)) != null) {
                if (!seen.add(msg.metaData().streamSequence())) {
                    if (nak) {
                        handBack(msg, nc); // this run is done with it
                    }
                    cameBack = true;
                    break;
                }
                log.info("pulled message: {}{}", body(msg), deliveryNote(msg));
                if (workMillis > 0) {
                    Thread.sleep(workMillis);
                }
                settle(msg, nc, ackWait);
                handled++;
            }
        }
        log.info(summary(handled, cameBack, config));
        return 0;
    }

    /**
     * Fetches a batch, acks each message (acks are queued), then flushes: once the server answers
     * the flush it has every ack of the batch, and only then do those messages count as processed.
     */
    private int pullInBatches(Config config) throws Exception {
        AtomicLong acked = new AtomicLong();
        long bytes = 0;
        long start = 0;
        long end = 0;
        try (Connection nc = config.connect();
             Config.Progress progress = Config.Progress.start("acked", max == null ? 0 : max, acked::get)) {
            ConsumerContext consumer = config.consumerContext(nc);
            long maxAckPending = consumer.getCachedConsumerInfo().getConsumerConfiguration().getMaxAckPending();
            if (maxAckPending > 0 && batch > maxAckPending) {
                throw Config.fail(Config.EXIT_USAGE, "--batch %d is over consumer %s's max ack pending (%d): the server "
                        + "would hold the rest back; use --batch %d or less", batch, config.consumer, maxAckPending, maxAckPending);
            }
            start = System.nanoTime();
            while (max == null || acked.get() < max) {
                int want = max == null ? batch : (int) Math.min(batch, max - acked.get());
                int got = 0;
                FetchConsumeOptions fetchOptions = FetchConsumeOptions.builder()
                        .maxMessages(want).expiresIn(config.wait.toMillis()).build();
                try (FetchConsumer fetch = consumer.fetch(fetchOptions)) {
                    Message msg;
                    while ((msg = fetch.nextMessage()) != null) {
                        if (!quiet) {
                            log.info("pulled message: {}{}", body(msg), deliveryNote(msg));
                        }
                        msg.ack();
                        bytes += msg.getData() == null ? 0 : msg.getData().length;
                        got++;
                    }
                }
                if (got == 0) {
                    break;
                }
                nc.flush(ACK_CONFIRM_TIMEOUT);
                acked.addAndGet(got);
                end = System.nanoTime();
                if (!quiet) {
                    log.info("acked {}", Config.messages(got));
                }
            }
        }
        double seconds = Math.max(1e-9, (end - start) / 1e9);
        String count = Config.messages(acked.get());
        String why = max != null && acked.get() == max ? "--max " + max : "none arrived in the last " + config.wait.toSeconds() + "s";
        log.info("done: {} pulled and acked in batches of {} ({}): {} msgs/s, {} MB/s", count, batch, why,
                String.format("%,.0f", acked.get() / seconds), String.format("%.1f", bytes / seconds / 1e6));
        return 0;
    }

    /** Reads the whole stream through an ordered consumer the server forgets afterwards. */
    private int readEphemeral(Config config) throws Exception {
        int read = 0;
        try (Connection nc = config.connect()) {
            BaseConsumerContext reader = config.streamContext(nc)
                    .createOrderedConsumer(new OrderedConsumerConfiguration().filterSubject(config.subject));
            Message msg;
            while ((max == null || read < max) && (msg = reader.next(config.wait)) != null) {
                log.info("pulled message: {} (stream seq {})", body(msg), msg.metaData().streamSequence());
                read++;
            }
        }
        log.info("done: {} read through a throw-away consumer, no acks needed; durable consumer {} did not move",
                Config.messages(read), config.consumer);
        return 0;
    }

    private static String body(Message msg) {
        return Config.quoted(new String(msg.getData(), StandardCharsets.UTF_8));
    }

    private static String deliveryNote(Message msg) {
        long delivery = msg.metaData().deliveredCount();
        return delivery > 1 ? " (delivery " + delivery + ")" : "";
    }

    /** Acks (and says so only once the server confirmed it), or leaves the message for redelivery. */
    private void settle(Message msg, Connection nc, Duration ackWait) throws Exception {
        if (noAck) {
            log.info("not acked: it comes back after the ack wait ({}s)", ackWait.toSeconds());
        } else if (nak) {
            handBack(msg, nc);
            log.info("nak'd: it comes back right away");
        } else {
            confirmAck(msg, ackWait);
            log.info("acked");
        }
    }

    /** Naks for immediate redelivery; the nak is only queued, so flush before the program may exit. */
    private static void handBack(Message msg, Connection nc) throws Exception {
        msg.nak();
        nc.flush(ACK_CONFIRM_TIMEOUT);
    }

    /** Waits for the server to confirm the ack, so "acked" is never said too early. */
    private static void confirmAck(Message msg, Duration ackWait) throws InterruptedException {
        try {
            msg.ackSync(ACK_CONFIRM_TIMEOUT);
        } catch (TimeoutException e) {
            throw Config.fail(Config.EXIT_FAILED, "the server did not confirm the ack within %ds: the message "
                    + "will be delivered again after the ack wait (%ds)", ACK_CONFIRM_TIMEOUT.toSeconds(),
                    ackWait.toSeconds());
        }
    }

    private String summary(int handled, boolean cameBack, Config config) {
        String count = Config.messages(handled) + " pulled and "
                + (noAck ? "not acked" : nak ? "nak'd" : "acked");
        if (max != null && handled == max) {
            return "done: " + count + " (--max " + max + ")";
        }
        if (cameBack) {
            return "done: " + count + "; stopped when they came back";
        }
        return "done: " + count + "; none arrived in the last " + config.wait.toSeconds() + "s";
    }
}
