// What the PubAcks of a publish run said, counted as they come in (jnats' threads fill it in): each
// message sent is confirmed (stored, or a duplicate already stored), refused by the server (with its
// reason), or still without an answer; plus the sequence range and how fast (PubFigures). When a failover may send a
// message again (see Republish), it keeps the numbers still owed a PubAck, so each counts once. What the
// counts say, in a run's last line: PubSummary.
//DEPS io.nats:jnats:2.26.2
//SOURCES JetStreamErrors.java PubFigures.java

import io.nats.client.api.PublishAck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

final class PubAcks {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong confirmed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong firstNewSeq = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastNewSeq = new AtomicLong();
    private final AtomicLong lastSeq = new AtomicLong();
    private final AtomicReference<String> stream = new AtomicReference<>();
    /** The first failure, refusal or not: it says why the run fell short. */
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final PubFigures figures = new PubFigures();
    /** Messages sent more than once (a failover left them without a PubAck). */
    final AtomicLong retried = new AtomicLong();
    /** PubAcks with duplicate=true for a message sent again: an earlier attempt was stored after all. */
    final AtomicLong duplicatesOfRetries = new AtomicLong();
    /**
     * Messages sent again and confirmed a duplicate window or more after their first attempt: by then the
     * stream may have forgotten their ID, so if an earlier attempt was stored, a retry may have stored another copy.
     */
    final AtomicLong retriedPastWindow = new AtomicLong();
    /** The stream's duplicate window, once known (null: not known, so a late retry may be a second copy). */
    private volatile Duration duplicateWindow;
    /** Retries confirmed while the window was not known, late for now: {nanos after the first attempt, 1 if duplicate=true}. */
    private final List<long[]> undecided = new ArrayList<>();
    /** When the last answer (PubAck or failure) came: a wait ends on silence, not on a slow stream. */
    private volatile long lastAnswerAt = System.nanoTime() - TimeUnit.HOURS.toNanos(1); // none yet

    /** A message still owed a PubAck: how often it was sent, and when first. */
    private record Owed(int sends, long firstSentAt) {
        Owed plus(int change) {
            return new Owed(sends + change, firstSentAt);
        }
    }

    /** The counts at one moment, taken together: confirmed + refused + unanswered + never sent = the total. */
    record Counts(long sent, long confirmed, long refused, long duplicates) {
        long unanswered() {
            return sent - confirmed - refused;
        }
    }

    /**
     * Failing over: message number -> sends, for each message still owed a PubAck (at most the
     * window, plus those a failover left without one). Null when each message is sent once.
     */
    private Map<Long, Owed> owed;
    private long highestSent; // the main thread's, as are the two below: the numbers go up, except for a retry
    private long lastSending;
    private boolean lastWasFirst; // the last message handed to sending() had never been sent before

    /** From now on a message may be sent more than once (a failover): it still counts once. */
    PubAcks mayRetry() {
        owed = new ConcurrentHashMap<>();
        return this;
    }

    /** Message n is about to be sent (again, if it was before). */
    synchronized void sending(long n) {
        lastSending = n;
        lastWasFirst = owed == null || n > highestSent;
        if (owed == null) {
            sent.incrementAndGet();
        } else if (lastWasFirst) {
            highestSent = n;
            owed.put(n, new Owed(1, System.nanoTime()));
            sent.incrementAndGet();
        } else if (sends(n, +1) == 2) {
            retried.incrementAndGet();
        }
    }

    /** A single message is about to be sent. */
    synchronized void sentOne() {
        sent.incrementAndGet();
    }

    /** The server refused a single message: not stored. */
    synchronized void refusedOne() {
        refused.incrementAndGet();
    }

    /** The connection refused the last message handed to sending(): it never left. */
    synchronized void notSent() {
        if (lastWasFirst) {
            sent.decrementAndGet();
            if (owed != null) {
                owed.remove(lastSending);
                highestSent = lastSending - 1; // the next round starts with it
            }
        } else if (sends(lastSending, -1) == 1) {
            retried.decrementAndGet();
        }
    }

    /** How often message n was sent, after the change; 0 when it is no longer owed (a PubAck came meanwhile). */
    private int sends(long n, int change) {
        Owed times = owed.computeIfPresent(n, (number, o) -> o.plus(change));
        return times == null ? 0 : times.sends();
    }

    /**
     * The stream's duplicate window, when known: a retry within it cannot store a second copy. Those
     * confirmed before it was known are judged again against it.
     */
    synchronized void duplicateWindow(Duration window) {
        if (window == null) {
            return;
        }
        duplicateWindow = window;
        for (long[] retry : undecided) {
            if (retry[0] < window.toNanos()) {
                retriedPastWindow.decrementAndGet();
                duplicatesOfRetries.addAndGet(retry[1]); // the first attempt was stored, and this copy dropped
            }
        }
        undecided.clear();
    }

    /** The longest a retry confirmed while the window was not known took after its first attempt, in whole seconds up. */
    synchronized Duration longestUndecided() {
        long nanos = undecided.stream().mapToLong(retry -> retry[0]).max().orElse(0);
        return Duration.ofSeconds((nanos + 999_999_999) / 1_000_000_000);
    }

    /** Whether the line would hedge on a window not known. */
    boolean windowUnknown() {
        return duplicateWindow == null && retriedPastWindow.get() > 0;
    }

    /** All the counts at one moment: a line built from them adds up. */
    synchronized Counts counts() {
        return new Counts(sent.get(), confirmed.get(), refused.get(), duplicates.get());
    }

    /** Whether the server answered (a PubAck or a refusal) within this long before now. */
    boolean answeredWithin(Duration recently) {
        return System.nanoTime() - lastAnswerAt < recently.toNanos();
    }

    /**
     * Takes permits from room (the window's slots, or its bytes), waiting as long as PubAcks keep
     * coming; false once none came for `silence` (a slow but moving stream is not a silent one).
     */
    boolean awaitRoom(Semaphore room, int permits, Duration silence) throws InterruptedException {
        long waitingSince = System.nanoTime();
        while (!room.tryAcquire(permits, 50, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() - Math.max(waitingSince, lastAnswerAt) > silence.toNanos()) {
                return false;
            }
        }
        return true;
    }

    /** The messages still owed a PubAck, in order. */
    long[] owed() {
        return owed.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The highest message number sent so far: those above it were never sent. */
    long highestSent() {
        return highestSent;
    }

    /** A PubAck for message n, or the failure in its place (a refusal is the server's answer; anything else is no answer). */
    synchronized void record(long n, PublishAck ack, Throwable error, long nanos, int size) {
        JetStreamErrors.NotAPubAck unlike = ack == null ? null : JetStreamErrors.unlikePubAck(ack.getStream(), ack.getSeqno());
        if (unlike != null) {
            error = unlike; // an answer, but no PubAck
            ack = null;
        }
        if (ack != null || JetStreamErrors.refusal(error) != null) {
            lastAnswerAt = System.nanoTime(); // the server answered (a timeout of jnats' own is no answer)
        }
        if (error != null || ack == null) {
            // on one server a 503 means no stream takes the subject; failing over, it may be a stream between leaders
            if (owed == null ? JetStreamErrors.refusedForGood(error) || JetStreamErrors.isNoResponders(error)
                    : JetStreamErrors.refusedForGood(error) && owed.remove(n) != null) {
                refused.incrementAndGet(); // the server said no: not stored
            }
            failure.compareAndSet(null, error == null ? new CancellationException() : error);
            return;
        }
        stored(n, ack.getStream(), ack.getSeqno(), ack.isDuplicate(), nanos, size);
    }

    /** A PubAck for message n, read: stored in `stream` at `seq` (or already there, with duplicate=true). */
    synchronized void stored(long n, String streamName, long seq, boolean duplicate, long nanos, int size) {
        lastAnswerAt = System.nanoTime();
        Owed times = owed == null ? new Owed(1, 0) : owed.remove(n);
        if (times == null) {
            return; // an earlier attempt's PubAck counted it: a message is confirmed once
        }
        figures.latency(nanos);
        boolean again = times.sends() > 1;
        // every attempt reached the stream before this answer: if that was a window or more after the first,
        // one of them may have come after the stream forgot the ID, and stored a second copy
        boolean late = again && pastWindow(lastAnswerAt - times.firstSentAt());
        if (late) {
            retriedPastWindow.incrementAndGet();
            if (duplicateWindow == null) {
                undecided.add(new long[] {lastAnswerAt - times.firstSentAt(), duplicate ? 1 : 0});
            }
        }
        confirmed(streamName, seq, duplicate, size, again, late);
    }

    /** Whether a retry sent this long after the first attempt may have come after the stream forgot its ID. */
    private boolean pastWindow(long nanosAfterFirst) {
        Duration window = duplicateWindow;
        return window == null || nanosAfterFirst >= window.toNanos();
    }

    /** A PubAck: the message is stored (or was already, with duplicate=true). */
    synchronized void confirmed(PublishAck ack, int size) {
        confirmed(ack.getStream(), ack.getSeqno(), ack.isDuplicate(), size, false, false);
    }

    private void confirmed(String streamName, long seq, boolean duplicate, int size, boolean retried, boolean late) {
        figures.bytes(size);
        stream.set(streamName);
        lastSeq.accumulateAndGet(seq, Math::max);
        if (duplicate && !retried) {
            duplicates.incrementAndGet();
        } else { // a retry's duplicate=true names where the attempt whose PubAck was lost stored it: this run's too
            if (duplicate && !late) { // late, it may be a copy of a retry's copy: among those that may be stored twice
                duplicatesOfRetries.incrementAndGet();
            }
            firstNewSeq.accumulateAndGet(seq, Math::min);
            lastNewSeq.accumulateAndGet(seq, Math::max);
        }
        confirmed.incrementAndGet();
    }

    /** The stream the PubAcks named, or null before the first. */
    String streamName() {
        return stream.get();
    }

    /** The stream's duplicate window, or null while it is not known. */
    Duration duplicateWindow() {
        return duplicateWindow;
    }

    /** The sequences this run's messages got that the stream had not had before: "5", or "5-9" (said when others lie between). */
    synchronized String newSeqs() { // with the PubAcks' own lock: the range and the count from the same moment
        long first = firstNewSeq.get();
        long last = lastNewSeq.get();
        if (first == last) {
            return String.valueOf(first);
        }
        // a range wider than all this run may have stored (with copies a lost PubAck or a late retry left, and what got no
        // answer) holds others' sequences: it must not read as one block of the run's own
        long mayBeOwn = confirmed.get() - duplicates.get() + retriedPastWindow.get()
                + Math.max(0, sent.get() - confirmed.get() - refused.get());
        return first + "-" + last + (last - first + 1 > mayBeOwn ? ", with gaps: other publishers' messages in between, or a purge "
                + "that moved the stream's next sequence on" : "");
    }

    /** The last sequence any PubAck named: the stream's newest message as far as this run knows. */
    long lastSeq() {
        return lastSeq.get();
    }
}
