// Plain jnats, driven the obvious way, for `make bench` to compare the lab's scripts against.
// Usage: Baseline pub-sync N SIZE | pub-async N SIZE WINDOW | pull N BATCH   (NATS_URL, LAB4_* names)
// Prints one line: "<msgs/s> msgs/s".

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
    public static void main(String... args) throws Exception {
        String mode = args[0];
        int count = Integer.parseInt(args[1]);
        try (Connection nc = Nats.connect(System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222"))) {
            long start = System.nanoTime();
            long done = switch (mode) {
                case "pub-sync" -> publishSync(nc, count, new byte[Integer.parseInt(args[2])]);
                case "pub-async" -> publishAsync(nc, count, new byte[Integer.parseInt(args[2])], Integer.parseInt(args[3]));
                case "pull" -> pull(nc, count, Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException(mode);
            };
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%.0f msgs/s%n", done / seconds);
        }
    }

    static long publishSync(Connection nc, int count, byte[] body) throws Exception {
        JetStream js = nc.jetStream();
        for (int i = 0; i < count; i++) {
            js.publish("lab4.stream", body);
        }
        return count;
    }

    static long publishAsync(Connection nc, int count, byte[] body, int window) throws Exception {
        JetStream js = nc.jetStream();
        ArrayDeque<CompletableFuture<PublishAck>> inFlight = new ArrayDeque<>();
        long acked = 0;
        for (int i = 0; i < count; i++) {
            if (inFlight.size() >= window) {
                inFlight.removeFirst().get();
                acked++;
            }
            inFlight.addLast(js.publishAsync("lab4.stream", body));
        }
        for (CompletableFuture<PublishAck> future : inFlight) {
            future.get();
            acked++;
        }
        return acked;
    }

    static long pull(Connection nc, int count, int batch) throws Exception {
        ConsumerContext consumer = nc.getStreamContext("LAB4_STREAM").getConsumerContext("LAB4_CONSUMER");
        long acked = 0;
        while (acked < count) {
            FetchConsumeOptions options = FetchConsumeOptions.builder()
                    .maxMessages((int) Math.min(batch, count - acked)).expiresIn(5_000).build();
            try (FetchConsumer fetch = consumer.fetch(options)) {
                Message msg;
                while ((msg = fetch.nextMessage()) != null) {
                    msg.ack();
                    acked++;
                }
            }
        }
        nc.flush(Duration.ofSeconds(5));
        return acked;
    }
}
