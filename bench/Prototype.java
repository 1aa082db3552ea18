///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//DEPS io.nats:jnats:2.26.2
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//DESCRIPTION The levers of bench/PROFILE.md in one plain jnats program, each behind a flag, for measuring them one at a time.
//
// Same honesty rules as the scripts: a message counts as published only when its PubAck is in,
// and as processed only when the server confirmed its ack (a flush, or a reply to an ack).
//
// Usage (NATS_URL; the lab's LAB4_STREAM / LAB4_CONSUMER on subject lab4.stream):
//   Prototype setup                                   delete and recreate the stream and its consumer
//   Prototype rewind                                  recreate only the consumer: the stream is read again
//   Prototype pub N SIZE WINDOW [flags]               bulk publish, at most WINDOW PubAcks outstanding
//       --force-flush   jnats' default: each request flushed on its own (off here: dontForceFlushOnRequest)
//       --inbox         PubAcks through our own reply subscription instead of jnats' futures
//       --latency array|hdr|none   keep every PubAck latency (today's long[]), a histogram, or nothing
//   Prototype pull N BATCH [flags]                     pull + ack
//       (today's js-pull, fetch a batch, ack each, flush, fetch the next, is `Baseline pull`)
//       --depth D       up to D batches requested ahead (default 1); each batch is confirmed by an
//                       ack-with-reply on its last message, while the next batch already flows
//       --raw           through a core subscription: pull requests published to
//                       $JS.API.CONSUMER.MSG.NEXT by hand, so jnats' JetStream message manager (which
//                       parses every message's metadata, timestamp included) never sees the messages
//   common: --buffer BYTES (jnats buffer size)   --outgoing N (max messages in the outgoing queue)
//           --no-validate (jnats' noSubjectValidation: no subject check on each publish and ack)
// Prints: "<N> messages in <S> s: <R> msgs/s" (self-timed, like Baseline).

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class Prototype {
    static final String STREAM = "LAB4_STREAM";
    static final String CONSUMER = "LAB4_CONSUMER";
    static final String SUBJECT = "lab4.stream";
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final byte[] ACK = "+ACK".getBytes(StandardCharsets.US_ASCII);

    public static void main(String... args) throws Exception {
        List<String> flags = Arrays.asList(args);
        Options.Builder options = new Options.Builder()
                .server(System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222"));
        if (!flags.contains("--force-flush")) {
            options.dontForceFlushOnRequest();
        }
        if (flags.contains("--no-validate")) {
            options.noSubjectValidation();
        }
        if (flags.contains("--buffer")) {
            options.bufferSize(Integer.parseInt(value(flags, "--buffer")));
        }
        if (flags.contains("--outgoing")) {
            options.maxMessagesInOutgoingQueue(Integer.parseInt(value(flags, "--outgoing")));
        }
        try (Connection nc = Nats.connect(options.build())) {
            switch (args[0]) {
                case "setup" -> setup(nc);
                case "rewind" -> rewind(nc);
                case "pub" -> publish(nc, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), flags);
                case "pull" -> pull(nc, Integer.parseInt(args[1]), Integer.parseInt(args[2]), flags);
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    static void setup(Connection nc) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        if (jsm.getStreamNames().contains(STREAM)) {
            jsm.deleteStream(STREAM);
        }
        jsm.addStream(StreamConfiguration.builder().name(STREAM).subjects(SUBJECT).storageType(StorageType.File).build());
        rewind(nc);
    }

    static void rewind(Connection nc) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        if (jsm.getConsumerNames(STREAM).contains(CONSUMER)) {
            jsm.deleteConsumer(STREAM, CONSUMER);
        }
        jsm.addOrUpdateConsumer(STREAM, ConsumerConfiguration.builder().durable(CONSUMER).ackPolicy(AckPolicy.Explicit).build());
    }

    // ---------------------------------------------------------------- publish

    static void publish(Connection nc, int count, int size, int window, List<String> flags) throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        Latencies latencies = Latencies.of(flags.contains("--latency") ? value(flags, "--latency") : "hdr", count);
        JetStream js = nc.jetStream();
        Semaphore slots = new Semaphore(window);
        AtomicLong confirmed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        if (flags.contains("--inbox")) {
            publishThroughInbox(nc, count, body, window, slots, confirmed, failed, latencies);
        } else {
            for (int n = 0; n < count; n++) {
                if (!slots.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
                long sentAt = System.nanoTime();
                int index = n;
                CompletableFuture<PublishAck> future = js.publishAsync(SUBJECT, body);
                future.whenComplete((ack, error) -> {
                    if (error == null && ack != null) {
                        latencies.record(index, System.nanoTime() - sentAt);
                        confirmed.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    slots.release();
                });
            }
        }
        slots.tryAcquire(window, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        report(confirmed.get(), start, "PubAck " + latencies.summary() + (failed.get() > 0 ? ", failed " + failed.get() : ""));
    }

    /**
     * PubAcks arrive on one reply subscription of our own: the reply subject carries the message's
     * index, and a PubAck counts when it names a sequence and no error. No future, no map lookup.
     */
    static void publishThroughInbox(Connection nc, int count, byte[] body, int window, Semaphore slots,
                                    AtomicLong confirmed, AtomicLong failed, Latencies latencies) throws Exception {
        String prefix = nc.createInbox() + ".";
        long[] sentAt = new long[window];
        Dispatcher dispatcher = nc.createDispatcher(reply -> {
            int index = Integer.parseInt(reply.getSubject().substring(prefix.length()));
            if (isPubAck(reply.getData())) {
                latencies.record(index, System.nanoTime() - sentAt[index % window]);
                confirmed.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            slots.release();
        });
        dispatcher.subscribe(prefix + "*");
        nc.flush(TIMEOUT); // the subscription is in place before the first reply can come
        for (int n = 0; n < count; n++) {
            if (!slots.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
            sentAt[n % window] = System.nanoTime();
            nc.publish(SUBJECT, prefix + n, body);
        }
    }

    /** {"stream":"X","seq":N...} is a PubAck; {"error":...} or a status message is not. */
    static boolean isPubAck(byte[] json) {
        String text = new String(json, StandardCharsets.US_ASCII);
        return text.contains("\"seq\":") && !text.contains("\"error\"");
    }

    /** Where PubAck latencies go: every one in an array (today), a bounded histogram, or nowhere. */
    interface Latencies {
        void record(int index, long nanos);

        String summary();

        static Latencies of(String kind, int count) {
            return switch (kind) {
                case "array" -> new Latencies() {
                    final long[] all = new long[count];

                    public void record(int index, long nanos) {
                        all[index] = nanos;
                    }

                    public String summary() {
                        long[] sorted = all.clone();
                        Arrays.sort(sorted);
                        return String.format("p50 %.2f ms (array)", sorted[sorted.length / 2] / 1e6);
                    }
                };
                case "hdr" -> new Latencies() {
                    final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

                    public synchronized void record(int index, long nanos) {
                        histogram.recordValue(Math.min(nanos, histogram.getHighestTrackableValue()));
                    }

                    public synchronized String summary() {
                        return String.format("p50 %.2f ms (hdr)", histogram.getValueAtPercentile(50) / 1e6);
                    }
                };
                default -> new Latencies() {
                    public void record(int index, long nanos) {
                    }

                    public String summary() {
                        return "latency not kept";
                    }
                };
            };
        }
    }

    // ------------------------------------------------------------------- pull

    /** Where a pipelined pull gets its messages: jnats' pull subscription, or a core subscription of our own. */
    interface Source {
        void request(int messages);

        Message next() throws InterruptedException;
    }

    static void pull(Connection nc, int count, int batch, List<String> flags) throws Exception {
        int depth = flags.contains("--depth") ? Integer.parseInt(value(flags, "--depth")) : 1;
        Source source = flags.contains("--raw") ? rawSource(nc) : jnatsSource(nc);
        pullPipelined(nc, source, count, batch, depth, flags.contains("--raw") ? "raw" : "jnats pull subscription");
    }

    static Source jnatsSource(Connection nc) throws Exception {
        JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.fastBind(STREAM, CONSUMER));
        return new Source() {
            public void request(int messages) {
                sub.pull(PullRequestOptions.builder(messages).expiresIn(TIMEOUT.toMillis()).build());
            }

            public Message next() throws InterruptedException {
                return sub.nextMessage(TIMEOUT);
            }
        };
    }

    /**
     * A core subscription; a pull request is one JSON line to the consumer's API subject. jnats'
     * JetStream message manager (which parses every message's metadata, timestamp included) never
     * sees these messages.
     */
    static Source rawSource(Connection nc) {
        String inbox = nc.createInbox();
        io.nats.client.Subscription sub = nc.subscribe(inbox);
        String next = "$JS.API.CONSUMER.MSG.NEXT." + STREAM + "." + CONSUMER;
        return new Source() {
            public void request(int messages) {
                String request = "{\"batch\":" + messages + ",\"expires\":" + TIMEOUT.toNanos() + "}";
                nc.publish(next, inbox, request.getBytes(StandardCharsets.US_ASCII));
            }

            public Message next() throws InterruptedException {
                return sub.nextMessage(TIMEOUT);
            }
        };
    }

    /**
     * Up to `depth` batches requested ahead (never more than the count, so nothing is left
     * delivered-but-unacked at the end). Each batch's last ack goes as a request: the consumer
     * answers it only after it handled that ack, and it handles one connection's acks in order, so
     * the answer confirms the whole batch. Waiting for it never blocks the next batch.
     */
    static void pullPipelined(Connection nc, Source source, int count, int batch, int depth, String how) throws Exception {
        AtomicLong confirmed = new AtomicLong();
        CompletableFuture<?> last = CompletableFuture.completedFuture(null);
        long requested = 0;
        long acked = 0;
        long start = System.nanoTime();
        while (acked < count) {
            while (requested < count && requested - acked < (long) depth * batch) {
                int want = (int) Math.min(batch, count - requested);
                source.request(want);
                requested += want;
            }
            Message msg = source.next();
            if (msg == null) {
                break;
            }
            if (msg.isStatusMessage() || msg.getReplyTo() == null) {
                continue; // 404/408: a pull request expired or found nothing
            }
            acked++;
            if (acked % batch == 0 || acked == count) {
                long mark = acked;
                last = nc.request(msg.getReplyTo(), ACK).thenRun(() -> confirmed.accumulateAndGet(mark, Math::max));
            } else {
                nc.publish(msg.getReplyTo(), ACK); // what msg.ack() sends, without its bookkeeping
            }
        }
        last.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        report(confirmed.get(), start, how + ", depth " + depth);
    }

    // ---------------------------------------------------------------- helpers

    static void report(long done, long startNanos, String note) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%d messages in %.3f s: %.0f msgs/s (%s)%n", done, seconds, done / seconds, note);
    }

    static String value(List<String> flags, String name) {
        return flags.get(flags.indexOf(name) + 1);
    }
}
