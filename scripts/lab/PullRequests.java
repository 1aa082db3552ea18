// The pull requests of a --batch/--quiet run: one pull subscription for the whole run, the requests
// it has out, and when to ask for the next batch ahead. One subscription, not a fetch per batch:
// jnats' fetch ends as soon as it has counted its last message in, which can be a moment before
// that message is in its queue; the message is then dropped unseen and stays unacked for the whole
// ack wait (with max ack pending equal to the batch, every later batch waits that long). Here a
// message that arrives late is simply read next.
//
// Asking ahead: as a batch's first message is in, the next batch is asked for, so it travels while
// this one is worked on and confirmed. Its messages wait behind this batch's work, so it is asked
// for only while both batches' work (--work-ms, or the time a message took so far) fits in half the
// ack wait, never past --max or the consumer's max ack pending, and never when max_deliver is
// limited (a message delivered and not shown there may never come back). A batch whose own work
// outlasts half the ack wait keeps its waiting messages alive with in-progress acks (+WPI).
//DEPS io.nats:jnats:2.26.2
//SOURCES PullCounts.java

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

final class PullRequests implements AutoCloseable {
    /** Limits from the flags and the consumer: what a request may ask for. */
    record Limits(long batch, Long max, long maxAckPending, long maxDeliver, Duration ackWait, long workMillis,
                  Duration expiry) {
    }

    /** A request that was sent: how many messages it may still bring, and when it was sent. */
    private static final class Request {
        int left;
        final long sentAt;
        final long endsAt;

        Request(int want, long sentAt, long endsAt) {
            this.left = want;
            this.sentAt = sentAt;
            this.endsAt = endsAt;
        }
    }

    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final Connection nc;
    private final JetStreamSubscription sub;
    private final Limits limits;
    private final PullCounts counts;
    private final ArrayDeque<Request> out = new ArrayDeque<>();
    private final ArrayDeque<Message> gathered = new ArrayDeque<>(); // the batch's messages taken from the queue early
    private boolean inBatch;
    private long touchedAt;
    private long batchSentAt;
    private boolean saidKeptAlive;
    private double nanosPerMessage;

    PullRequests(Connection nc, String stream, String consumer, Limits limits, PullCounts counts) throws Exception {
        this.nc = nc;
        this.sub = nc.jetStream().subscribe(null, PullSubscribeOptions.fastBind(stream, consumer));
        this.limits = limits;
        this.counts = counts;
    }

    /** A batch begins: the request asked ahead, or a new one. Returns how many it asked for (0: nothing to ask). */
    int begin(long done) {
        if (out.isEmpty()) {
            int want = nextWant(done, 0);
            if (want == 0) {
                return 0;
            }
            send(want);
        }
        inBatch = true;
        batchSentAt = out.peek().sentAt;
        touchedAt = batchSentAt; // its messages may have waited since it was sent
        return out.peek().left;
    }

    /** When the last batch's request was sent: the wait for its messages began then. */
    long batchSentAt() {
        return batchSentAt;
    }

    /**
     * The batch's next message, or null once it is complete or its request ended (expired, a leader
     * change). While it waits, the messages in hand (worked on, not yet acked) get in-progress acks
     * each half ack wait: a batch that waits for the rest of its messages does not let them expire.
     */
    Message next(List<Message> inHand) throws InterruptedException {
        if (!gathered.isEmpty()) {
            return gathered.poll(); // the batch's own, taken from the queue early
        }
        if (!inBatch) {
            return null;
        }
        Request head = out.peek();
        // The request's own expiry bounds the wait; its messages may already be queued past it (asked ahead).
        long until = System.nanoTime() + Math.max(head.endsAt - System.nanoTime(), SETTLE.toNanos());
        long halfAckWait = limits.ackWait().toNanos() / 2;
        while (true) {
            long wakeAt = inHand.isEmpty() ? until : Math.min(until, touchedAt + halfAckWait);
            Message msg = sub.nextMessage(Duration.ofNanos(Math.max(wakeAt - System.nanoTime(), 1_000_000)));
            if (msg != null) {
                return received(msg);
            }
            long now = System.nanoTime();
            if (now >= until || now < wakeAt - 2_000_000) { // before wakeAt: a status ended the request early
                endBatch(); // the server ended the request (408 at its expiry, 409), or no answer came
                return null;
            }
            if (now - touchedAt >= halfAckWait) {
                inHand.forEach(Message::inProgress);
                touchedAt = now;
            }
        }
    }

    private Message received(Message msg) {
        counts.delivered(msg);
        Request head = out.peek();
        if (head != null && --head.left <= 0) {
            endBatch();
        }
        return msg;
    }

    private void endBatch() {
        out.poll();
        inBatch = false;
    }

    /** The first message of a batch of `want` is in: ask for the next batch now, as far as it is safe. */
    void askAhead(int want, long done) {
        if (out.size() > 1 || limits.maxDeliver() > 0) {
            return;
        }
        long fits = (long) (limits.ackWait().toNanos() / 2 / perMessageNanos()) - want; // both batches' work
        int ahead = (int) Math.min(nextWant(done, want), Math.max(fits, 0));
        if (ahead > 0) {
            send(ahead);
        }
    }

    /** How long one message takes from arrival to ack, as far as known: --work-ms, or what the run measured. */
    private double perMessageNanos() {
        return Math.max(Math.max(limits.workMillis() * 1e6, nanosPerMessage), 1);
    }

    /** A batch of `count` took `nanos` from its first message to its confirmed ack. */
    void worked(int count, long nanos) {
        if (count > 0) {
            nanosPerMessage = (double) nanos / count;
        }
    }

    /**
     * Before a message's work: when the batch in hand has waited half the ack wait, an in-progress ack
     * (+WPI) for each of its messages not yet acked restarts their ack wait, so none expires unseen.
     */
    void keepAlive(List<Message> worked, Message current) throws InterruptedException {
        long now = System.nanoTime();
        if (now - touchedAt < limits.ackWait().toNanos() / 2) {
            return;
        }
        while (inBatch && sub.getPendingMessageCount() > 0) {
            Message msg = sub.nextMessage((Duration) null); // no wait: it is queued
            if (msg == null) {
                endBatch(); // a status ended the request
                break;
            }
            gathered.add(received(msg));
        }
        worked.forEach(Message::inProgress);
        current.inProgress();
        gathered.forEach(Message::inProgress);
        touchedAt = now;
        if (!saidKeptAlive) {
            saidKeptAlive = true;
            System.err.printf("WARN a batch of %d takes longer than half the ack wait (%ds) to work through: its "
                    + "messages are kept alive with in-progress acks (+WPI); a smaller --batch avoids that%n",
                    worked.size() + 1 + gathered.size(), limits.ackWait().toSeconds());
        }
    }

    /** A batch, but not past --max nor over max ack pending, while `unconfirmed` messages may be out. */
    private int nextWant(long done, int unconfirmed) {
        long want = limits.batch();
        if (limits.max() != null) {
            want = Math.min(want, limits.max() - done - unconfirmed);
        }
        if (limits.maxAckPending() > 0) {
            want = Math.min(want, limits.maxAckPending() - unconfirmed);
        }
        return (int) Math.max(want, 0);
    }

    private void send(int want) {
        long expiry = limits.expiry().toMillis() + want * limits.workMillis();
        long now = System.nanoTime();
        sub.pull(PullRequestOptions.builder(want).expiresIn(expiry).build());
        out.add(new Request(want, now, now + expiry * 1_000_000));
    }

    /**
     * The run ends: what the requests still out deliver meanwhile is counted (delivered, not shown), for
     * up to a second, and then the subscription goes, so nothing more is taken in.
     */
    @Override
    public void close() {
        try {
            gathered.clear(); // counted as delivered already
            if (!out.isEmpty()) {
                nc.flush(SETTLE);
                long until = System.nanoTime() + SETTLE.toNanos();
                while (!out.isEmpty() && System.nanoTime() < until) {
                    Message msg = sub.nextMessage(Duration.ofMillis(100));
                    if (msg == null) {
                        out.poll();
                    } else {
                        received(msg);
                    }
                }
            }
            Message msg;
            while (sub.getPendingMessageCount() > 0 && (msg = sub.nextMessage((Duration) null)) != null) {
                counts.delivered(msg);
            }
            sub.unsubscribe();
        } catch (Exception gone) {
            // the connection is gone: what it delivered comes back after the ack wait all the same
        }
    }
}
