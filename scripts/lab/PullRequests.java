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
//
// Bytes in flight are bounded, not only the count: each request asks for at most REQUEST_BYTES
// (max_bytes), and asks ahead only while both batches fit in that. A client that reads slower than
// the server sends would otherwise be cut off by the server (its 64 MB of pending bytes per client)
// or drop messages itself (jnats' 64 MB per subscription), and those stay unacked unseen.
//
// The requests and their messages go through a plain subscription, not jnats' JetStream one: that one
// reads every message's metadata, its time into a ZonedDateTime included, before handing it over,
// which cost a bulk pull more CPU than all the rest of its bookkeeping. A pull request is one JSON line
// published to the consumer's API subject with this run's inbox as its reply subject; the server's
// statuses on the inbox (a request that expired, a leader change, a deleted consumer) are read here as
// jnats reads them. The messages are still jnats' JetStream messages: ack() and the rest work as ever.
//DEPS io.nats:jnats:2.26.2
//SOURCES PullCounts.java PullUnreached.java Limit.java StopSignal.java Durations.java Output.java JetStreamErrors.java
//SOURCES AckSubject.java UnreadableMessages.java

import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.Subscription;
import io.nats.client.support.Status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

final class PullRequests implements AutoCloseable {
    /** Limits from the flags and the consumer: what a request may ask for. */
    record Limits(long batch, Long max, long maxAckPending, long maxDeliver, Duration ackWait, long workMillis,
                  Duration expiry, Duration timeout, Caps caps) {
    }

    /**
     * The consumer's own limits on a pull request (max_batch, max_bytes, max_expires; 0 or less: none).
     * A request past one is refused with a 409 the client takes as a warning only, so the run would
     * wait out --wait and say none arrived while messages wait: each request stays within them.
     */
    record Caps(long maxBatch, long maxBytes, Duration maxExpires) {
        static final Caps NONE = new Caps(0, 0, Duration.ZERO);

        /** The wait one request may ask for: the consumer's max_expires when that is shorter. */
        Duration within(Duration wait) {
            return maxExpires.toNanos() > 0 && maxExpires.compareTo(wait) < 0 ? maxExpires : wait;
        }
    }

    /** A request that was sent: how many messages it may still bring, and when it was sent. */
    private static final class Request {
        final int want;
        int left;
        final long sentAt;
        final long endsAt;

        Request(int want, long sentAt, long endsAt) {
            this.want = want;
            this.left = want;
            this.sentAt = sentAt;
            this.endsAt = endsAt;
        }
    }

    private static final Duration SETTLE = Duration.ofSeconds(1);
    /** A request's max_bytes: two of them out stay well under what the server and jnats hold for a reader (64 MB each). */
    static final long REQUEST_BYTES = 16L << 20;
    /** The ack reply subject and the subject the server counts into a message's size, with room to spare. */
    private static final long SUBJECTS_ROOM = 64L << 10;

    private final Connection nc;
    private final String stream;
    private final String consumer;
    private final String inbox;
    private final Subscription sub;
    private final String nextSubject; // where a pull request goes
    private final Limits limits;
    private final PullCounts counts;
    private final StopSignal stop;
    private final long requestBytes;
    private final long halfAckWait;
    private final PullUnreached unreached;
    private final java.util.function.Consumer<Message> check; // ends the run on a message that is no delivery of its consumer
    private long largest; // the largest message so far, as the server counts it against max_bytes
    private boolean saidBytes;
    private final ArrayDeque<Request> out = new ArrayDeque<>();
    private final ArrayDeque<Message> gathered = new ArrayDeque<>(); // the batch's messages taken from the queue early
    private boolean inBatch;
    private String lookalike; // the ack subject of a delivery whose headers jnats read as a status: see StatusLookalike
    private long touchedAt;
    private long batchSentAt;
    private boolean saidKeptAlive;
    private boolean saidCapped;
    private boolean saidRefused;
    private boolean saidHeldBack;
    private double nanosPerMessage;

    PullRequests(Connection nc, String stream, String consumer, Limits limits, PullCounts counts, StopSignal stop,
                 java.util.function.Consumer<Message> check) throws Exception {
        this.check = check;
        this.nc = nc;
        this.stream = stream;
        this.consumer = consumer;
        this.inbox = nc.createInbox();
        this.sub = nc.subscribe(inbox);
        this.nextSubject = "$JS.API.CONSUMER.MSG.NEXT." + stream + "." + consumer;
        this.limits = limits;
        this.counts = counts;
        this.stop = stop;
        long ownBound = Math.max(REQUEST_BYTES, nc.getServerInfo().getMaxPayload() + SUBJECTS_ROOM); // one of any size fits
        Caps caps = limits.caps();
        this.requestBytes = caps.maxBytes() > 0 ? Math.min(ownBound, caps.maxBytes()) : ownBound;
        boolean fewer = caps.maxBatch() > 0 && caps.maxBatch() < limits.batch();
        boolean smaller = requestBytes < ownBound;
        if (fewer || smaller) {
            String said = (fewer ? caps.maxBatch() + " messages (max_batch)" : "") + (fewer && smaller ? " and " : "")
                    + (smaller ? bytes(requestBytes) + " (max_bytes)" : "");
            System.err.printf(Locale.ROOT, "WARN consumer %s takes pull requests of at most %s: each request asks for no more%n",
                    Output.printable(consumer), said);
            counts.batchesOf = "up to " + (fewer ? caps.maxBatch() : limits.batch()) + (smaller ? " (" + bytes(requestBytes) + " a request)" : "");
        }
        this.unreached = new PullUnreached(counts, limits.maxDeliver(), nc);
        this.halfAckWait = limits.ackWait().toNanos() / 2;
    }

    /** A batch begins: the request asked ahead, or a new one. Returns how many it asked for (0: nothing to ask). */
    int begin(long done) {
        if (lookalike != null) {
            throw new UnreadableMessages.StatusLookalike(lookalike); // the batch before it is acked and confirmed
        }
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
        while (true) {
            long wakeAt = inHand.isEmpty() ? until : Math.min(until, touchedAt + halfAckWait);
            Message msg = nextOnInbox(Duration.ofNanos(Math.max(wakeAt - System.nanoTime(), 1_000_000)));
            if (!inBatch) {
                return null; // a status the consumer's info disproves ended the request
            }
            if (msg != null) {
                check.accept(msg);
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

    /**
     * The inbox's next message within `wait` (null: none waits). A status saying the consumer was deleted or
     * pushes, which its info disproves, ends the request in hand, not the run (warned once).
     */
    private Message nextOnInbox(Duration wait) throws InterruptedException {
        long began = wait == null ? 0 : System.nanoTime();
        Duration left = wait;
        while (true) {
            Message msg = sub.nextMessage(left); // null: no wait, only what is queued
            if (msg == null || !msg.isStatusMessage()) {
                return msg;
            }
            AckSubject delivery = AckSubject.parse(msg.getReplyTo()); // a status never has one
            if (delivery != null && delivery.stream().equals(stream) && delivery.consumer().equals(consumer)) {
                lookalike = msg.getReplyTo(); // stored headers that begin like a status: the next batch leaves this connection
                endBatch();
                return null;
            }
            try {
                if (endsRequest(msg.getStatus())) {
                    return null;
                }
            } catch (JetStreamStatusException status) {
                counts.disproved(JetStreamErrors.disproved(status, consumer, counts.consumerCreated, counts.lastDelivery(),
                        () -> nc.jetStreamManagement().getConsumerInfo(stream, consumer)));
                endBatch();
                return null;
            }
            if (wait != null) { // a status that only informs: wait on for the rest of the time
                long rest = wait.toNanos() - (System.nanoTime() - began);
                if (rest <= 0) {
                    return null;
                }
                left = Duration.ofNanos(rest);
            }
        }
    }

    /**
     * A status on the inbox, read as jnats reads it for a pull subscription: true when it ends the request
     * waited on (it expired, found nothing, the leader changed, a message was past max_bytes), false when
     * it only informs (a heartbeat, a request over one of the consumer's limits, a server shutting down);
     * any other 409 (the consumer deleted, or pushing) is thrown as jnats throws it.
     */
    private boolean endsRequest(Status status) {
        String text = status.getMessage();
        return switch (status.getCode()) {
            case Status.FLOW_OR_HEARTBEAT_STATUS_CODE -> false;
            case Status.NOT_FOUND_CODE, Status.REQUEST_TIMEOUT_CODE, Status.NO_RESPONDERS_CODE, Status.PIN_ERROR_CODE -> true;
            case Status.CONFLICT_CODE -> {
                if (text.startsWith(Status.EXCEEDED_MAX_PREFIX)) {
                    refused(status);
                    yield false;
                }
                if (text.equals(Status.SERVER_SHUTDOWN)) {
                    yield false;
                }
                if (text.equals(Status.MESSAGE_SIZE_EXCEEDS_MAX_BYTES)) {
                    // after some messages it only says the next one does not fit in what is left of the request's bytes
                    Request head = out.peek();
                    if (head != null && head.left == head.want) {
                        heldBack();
                    }
                    yield true;
                }
                if (text.equals(Status.BATCH_COMPLETED) || text.equals(Status.LEADERSHIP_CHANGE)) {
                    yield true;
                }
                throw new JetStreamStatusException(status);
            }
            default -> throw new JetStreamStatusException(status);
        };
    }

    /**
     * The consumer refused one of the run's pull requests (over one of its limits: they changed since the run read
     * them, or other readers fill max_waiting): nothing comes for it, and without this line the run would only say
     * that none arrived. Said once; the requests still out are waited on.
     */
    private void refused(Status status) {
        if (!saidRefused) {
            saidRefused = true;
            System.err.printf(Locale.ROOT, "WARN consumer %s refused a pull request of this run: %s (status %d): nothing "
                    + "comes for it (js-info shows the consumer's limits; anything allowed to see this run's pull requests "
                    + "can send one too)%n", Output.printable(consumer), Output.quotedStart(String.valueOf(status.getMessage())),
                    status.getCode());
        }
    }

    /**
     * A request that got nothing ended because its first message did not fit: that message is larger than the most a
     * request may ask for (the run asks for as much as any message can be, unless the consumer's max_bytes caps it).
     * The server holds it, and every message after it, back from each batch, and without this line the run would only
     * say that none arrived while they wait. A request without a byte limit, as js-pull sends one at a time, takes it.
     * Said once.
     */
    private void heldBack() {
        if (!saidHeldBack) {
            saidHeldBack = true;
            System.err.printf(Locale.ROOT, "WARN the next message for consumer %s is larger than the %s a pull request of "
                    + "it may ask for (its max_bytes): the server holds it, and the messages after it, back from every "
                    + "batch; js-pull without --batch or --quiet takes it, or have the consumer's max_bytes raised where it was set%n",
                    Output.printable(consumer), bytes(requestBytes));
        }
    }

    private Message received(Message msg) {
        unreached.received(msg);
        largest = Math.max(largest, size(msg));
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
        if (largest * want > requestBytes && !saidBytes) {
            saidBytes = true;
            System.err.printf(Locale.ROOT, "WARN messages of up to %d bytes: a request asks for at most %s of them (about %d), "
                    + "not a batch of %d, so what is on its way to this run stays bounded%n", largest,
                    bytes(requestBytes), requestBytes / largest, want);
            counts.batchesOf = String.format(Locale.ROOT, "up to %d (%s a request)", requestBytes / largest, bytes(requestBytes));
        }
        if (out.size() > 1 || !Limit.unlimited(limits.maxDeliver())) {
            return;
        }
        long fits = (long) (limits.ackWait().toNanos() / 2 / perMessageNanos()) - want; // both batches' work
        fits = Math.min(fits, requestBytes / Math.max(largest, 1) - want); // and both batches' bytes, in one request's
        int ahead = (int) Math.min(nextWant(done, want), Math.max(fits, 0));
        if (ahead > 0) {
            send(ahead);
        }
    }

    /** "16 MB", or for a consumer's own max_bytes "123,456 bytes". */
    private static String bytes(long count) {
        return count % (1 << 20) == 0 ? (count >> 20) + " MB" : String.format(Locale.ROOT, "%,d bytes", count);
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
        if (now - touchedAt < halfAckWait) {
            return;
        }
        while (inBatch && sub.getPendingMessageCount() > 0) {
            Message msg = nextOnInbox(null); // no wait: it is queued
            if (msg == null) {
                endBatch(); // a status ended the request
                break;
            }
            check.accept(msg);
            gathered.add(received(msg));
        }
        worked.forEach(Message::inProgress);
        current.inProgress();
        gathered.forEach(Message::inProgress);
        touchedAt = now;
        if (!saidKeptAlive) {
            saidKeptAlive = true;
            System.err.printf(Locale.ROOT, "WARN a batch of %d takes longer than half the ack wait (%s) to work through: its "
                    + "messages are kept alive with in-progress acks (+WPI); a smaller --batch avoids that%n",
                    worked.size() + 1 + gathered.size(), Durations.seconds(limits.ackWait()));
        }
    }

    /** A batch, but not past --max nor over max ack pending, while `unconfirmed` messages may be out. */
    private int nextWant(long done, int unconfirmed) {
        long want = limits.batch();
        if (limits.caps().maxBatch() > 0) {
            want = Math.min(want, limits.caps().maxBatch());
        }
        if (limits.max() != null) {
            want = Math.min(want, limits.max() - done - unconfirmed);
        }
        if (!Limit.unlimited(limits.maxAckPending())) {
            want = Math.min(want, limits.maxAckPending() - unconfirmed);
        }
        return (int) Math.max(Math.min(want, lastChanceCap()), 0);
    }

    /**
     * With a limited max_deliver, a message delivered and not shown when the run stops may never come
     * back: a request asks for no more than about a second of work (--work-ms, or the time a message
     * took so far), so a stop leaves at most that many unseen. Said once.
     */
    private long lastChanceCap() {
        if (Limit.unlimited(limits.maxDeliver())) {
            return Long.MAX_VALUE;
        }
        long cap = Math.max(1, (long) (1e9 / perMessageNanos()));
        if (cap < limits.batch() && !saidCapped) {
            saidCapped = true;
            System.err.printf(Locale.ROOT, "WARN consumer delivers a message at most %d time%s (max_deliver): asking for at most %d "
                    + "at a time (about a second of work), not %d, so a stop leaves few unseen%n", limits.maxDeliver(),
                    limits.maxDeliver() == 1 ? "" : "s", cap, limits.batch());
        }
        return cap;
    }

    private void send(int want) {
        long expiry = limits.caps().within(Duration.ofMillis(limits.expiry().toMillis() + want * limits.workMillis())).toMillis();
        long now = System.nanoTime();
        unreached.asked(want);
        nc.publish(nextSubject, inbox, PullRequestOptions.builder(want).maxBytes(requestBytes).expiresIn(expiry).build()
                .toJson().getBytes(StandardCharsets.UTF_8));
        out.add(new Request(want, now, now + expiry * 1_000_000));
    }

    /** A message's size as the server counts it against a request's max_bytes: subject, reply, headers and body. */
    private static long size(Message msg) {
        return msg.getSubject().length() + (msg.getReplyTo() == null ? 0 : msg.getReplyTo().length())
                + (msg.getHeaders() == null ? 0 : msg.getHeaders().serializedLength())
                + (msg.getData() == null ? 0 : msg.getData().length);
    }

    /**
     * The run ends: the subscription goes first, so the server sends its open requests nothing more (it
     * checks for a subscriber before each delivery). Then the consumer's count of deliveries, against
     * those that reached this run, names what it delivered and the run never received (on the wire,
     * in jnats' queue), however long that was on its way; with no answer, that count is unknown.
     */
    @Override
    public void close() {
        gathered.clear(); // counted as delivered already
        Thread.interrupted(); // a signal's interrupt must not cut the count short
        try {
            sub.unsubscribe();
            if (unreached.none()) {
                return;
            }
            nc.flush(timeLeft()); // the server has the unsubscribe before the question
            JetStreamOptions bounded = JetStreamOptions.builder().requestTimeout(timeLeft()).build();
            unreached.count(nc.jetStreamManagement(bounded).getConsumerInfo(stream, consumer));
        } catch (Exception noAnswer) {
            // the count stays unknown: the last line says so
        }
    }

    /** The run's timeout, or after a signal what is left before the exit prints the last line. */
    private Duration timeLeft() throws TimeoutException {
        Duration left = stop.left(limits.timeout());
        if (left.toMillis() < 50) {
            throw new TimeoutException("no time left to ask");
        }
        return left;
    }
}
