///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.tomlj:tomlj:1.1.1
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Config.java
//DESCRIPTION Pull messages from the lab's durable consumer and ack each one.

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Message;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

@Command(name = "js-pull", mixinStandardHelpOptions = true, version = Config.VERSION,
        description = {
                "Pulls messages from the durable consumer and acks each one. A message counts",
                "as processed only once the server confirms its ack; one that is never acked",
                "is delivered again after the consumer's ack wait (at-least-once delivery).",
                "Stops when no message arrives for [recv] wait_secs (or --wait)."},
        footer = {"", "Examples:",
                "  js-pull",
                "  js-pull --max 1",
                "  js-pull --wait 1 --consumer OTHER_CONSUMER"})
public class JsPull implements Callable<Integer> {
    private static final Logger log = Config.logger(JsPull.class);
    private static final Duration ACK_CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    @Mixin
    Config.Options options;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N messages (default: no limit).")
    Integer max;

    public static void main(String... args) {
        System.exit(Config.run(new JsPull(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (max != null && max < 1) {
            throw Config.fail(Config.EXIT_USAGE, "--max must be at least 1, got %d", max);
        }
        Config config = options.load();
        int acked = 0;
        try (Connection nc = config.connect()) {
            ConsumerContext consumer = config.consumerContext(nc);
            Duration ackWait = consumer.getCachedConsumerInfo().getConsumerConfiguration().getAckWait();
            Message msg;
            while ((max == null || acked < max) && (msg = consumer.next(config.wait)) != null) {
                log.info("pulled message: {}", Config.quoted(new String(msg.getData(), StandardCharsets.UTF_8)));
                confirmAck(msg, ackWait);
                acked++;
                log.info("acked");
            }
        }
        log.info(summary(acked, config));
        return 0;
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

    private String summary(int acked, Config config) {
        String count = acked == 1 ? "1 message" : acked + " messages";
        if (max != null && acked == max) {
            return "done: " + count + " pulled and acked (--max " + max + ")";
        }
        return "done: " + count + " pulled and acked; none arrived in the last " + config.wait.toSeconds() + "s";
    }
}
