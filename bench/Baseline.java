///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//DEPS io.nats:jnats:2.26.2
//DESCRIPTION Plain jnats, driven the obvious way, for `make bench` to compare the lab's scripts against.
//
// Usage: Baseline pub-sync N SIZE | pub-async N SIZE WINDOW | pull N BATCH   (NATS_URL, LAB4_* names)
// Prints one line: "<N> messages in <S> s: <R> msgs/s".
//
// The clock covers what the scripts' clocks cover, no more: the JetStream context and the consumer
// lookup happen before it starts; a publish ends when its last PubAck is in, and a pull confirms its
// acks with a flush after every batch, as js-pull does, so both count only what the server has.

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.PublishAck;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

public class Baseline {
    static final String SUBJECT = "lab4.stream";
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    public static void main(String... args) throws Exception {
        String mode = args[0];
        int count = Integer.parseInt(args[1]);
        try (Connection nc = Nats.connect(System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222"))) {
            JetStream js = nc.jetStream();
            ConsumerContext consumer = mode.equals("pull")
                    ? nc.getStreamContext("LAB4_STREAM").getConsumerContext("LAB4_CONSUMER") : null;
            long start = System.nanoTime();
            long done = switch (mode) {
                case "pub-sync" -> publishSync(js, count, new byte[Integer.parseInt(args[2])]);
                case "pub-async" -> publishAsync(js, count, new byte[Integer.parseInt(args[2])], Integer.parseInt(args[3]));
                case "pull" -> pull(nc, consumer, count, Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException(mode);
            };
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d messages in %.3f s: %.0f msgs/s%n", done, seconds, done / seconds);
        }
    }

    static long publishSync(JetStream js, int count, byte[] body) throws Exception {
        for (int i = 0; i < count; i++) {
            js.publish(SUBJECT, body);
        }
        return count;
    }

    static long publishAsync(JetStream js, int count, byte[] body, int window) throws Exception {
        ArrayDeque<CompletableFuture<PublishAck>> inFlight = new ArrayDeque<>();
        long acked = 0;
        for (int i = 0; i < count; i++) {
            if (inFlight.size() >= window) {
                inFlight.removeFirst().get();
                acked++;
            }
            inFlight.addLast(js.publishAsync(SUBJECT, body));
        }
        for (CompletableFuture<PublishAck> future : inFlight) {
            future.get();
            acked++;
        }
        return acked;
    }

    static long pull(Connection nc, ConsumerContext consumer, int count, int batch) throws Exception {
        long acked = 0;
        int emptyFetches = 0;
        while (acked < count) {
            FetchConsumeOptions options = FetchConsumeOptions.builder()
                    .maxMessages((int) Math.min(batch, count - acked)).expiresIn(TIMEOUT.toMillis()).build();
            int got = 0;
            try (FetchConsumer fetch = consumer.fetch(options)) {
                Message msg;
                while ((msg = fetch.nextMessage()) != null) {
                    msg.ack();
                    got++;
                }
            }
            // A fetch can end before all it was sent arrived (1 in 1,000,000 once, idle); what it left is
            // delivered again after the consumer's ack wait (30 s), so empty fetches go on a minute.
            if (got == 0) {
                if (++emptyFetches * TIMEOUT.toSeconds() > 60) {
                    break;
                }
                continue;
            }
            emptyFetches = 0;
            nc.flush(TIMEOUT);
            acked += got;
        }
        return acked;
    }
}
