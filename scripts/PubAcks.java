// What the PubAcks of a publish run said, counted as they come in (jnats' threads fill it in): each
// message sent is confirmed (stored, or a duplicate already stored), refused by the server (with its
// reason), or still without an answer; plus the sequence range and the PubAck latency, in a bounded
// histogram so that memory does not grow with the number of messages.
//DEPS io.nats:jnats:2.26.2
//DEPS org.hdrhistogram:HdrHistogram:2.2.2
//SOURCES JetStreamErrors.java Output.java Exit.java

import io.nats.client.api.PublishAck;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

final class PubAcks {
    private static final long SLOWEST_TRACKED = TimeUnit.MINUTES.toNanos(10);

    final AtomicLong sent = new AtomicLong();
    final AtomicLong confirmed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong firstNewSeq = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastNewSeq = new AtomicLong();
    private final AtomicLong lastSeq = new AtomicLong();
    private final AtomicReference<String> stream = new AtomicReference<>();
    /** The first failure, refusal or not: it says why the run fell short. */
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Histogram latency = new Histogram(SLOWEST_TRACKED, 3); // about 240 KB, whatever the count

    /** A PubAck, or the failure in its place (a refusal is the server's answer; anything else is no answer). */
    void record(PublishAck ack, Throwable error, long nanos, int size) {
        if (error != null || ack == null) {
            if (JetStreamErrors.refusal(error) != null || JetStreamErrors.isNoResponders(error)) {
                refused.incrementAndGet(); // the server said no (or that no stream takes the subject): not stored
            }
            failure.compareAndSet(null, error == null ? new CancellationException() : error);
            return;
        }
        synchronized (latency) {
            latency.recordValue(Math.min(nanos, SLOWEST_TRACKED));
        }
        confirmed(ack, size);
    }

    /** A PubAck: the message is stored (or was already, with duplicate=true). */
    void confirmed(PublishAck ack, int size) {
        bytes.addAndGet(size);
        stream.set(ack.getStream());
        lastSeq.accumulateAndGet(ack.getSeqno(), Math::max);
        if (ack.isDuplicate()) {
            duplicates.incrementAndGet();
        } else {
            firstNewSeq.accumulateAndGet(ack.getSeqno(), Math::min);
            lastNewSeq.accumulateAndGet(ack.getSeqno(), Math::max);
        }
        confirmed.incrementAndGet();
    }

    /** Sent, and neither confirmed nor refused: stored or not, nobody can say. */
    long unanswered() {
        return sent.get() - confirmed.get() - refused.get();
    }

    /** A run whose every message was confirmed: how many the stream stored, and how many it had already. */
    String allConfirmed(long total) {
        long dup = duplicates.get();
        if (dup == 0) {
            return String.format("published %s to stream %s (seq %s), each confirmed by a PubAck",
                    Output.messages(total), stream.get(), newSeqs());
        }
        if (dup == total) {
            return String.format("stored nothing new: all %s were duplicate=true (stream %s already had their "
                    + "Nats-Msg-Id within its duplicate window), each confirmed by a PubAck", Output.messages(total),
                    stream.get());
        }
        return String.format("published %s to stream %s, each confirmed by a PubAck: %d stored (seq %s), %d "
                + "duplicate=true (already stored, not stored again)", Output.messages(total), stream.get(),
                total - dup, newSeqs(), dup);
    }

    /**
     * A run cut short: the numbers add up to the total (confirmed + refused + without an answer +
     * never sent), and the confirmed ones are what the stream holds from this run.
     */
    String shortfall(long total) {
        long ok = confirmed.get();
        String seqs = ok == duplicates.get() ? "" : " (seq " + newSeqs() + ")";
        String dup = duplicates.get() == 0 ? "" : ", " + duplicates.get() + " of them duplicate=true";
        return String.format("%d of %d messages confirmed by a PubAck%s%s; %d not: %d refused by the server, %d sent "
                + "without an answer (they may or may not be stored), %d never sent", ok, total, seqs, dup, total - ok,
                refused.get(), unanswered(), total - sent.get());
    }

    private String newSeqs() {
        long first = firstNewSeq.get();
        long last = lastNewSeq.get();
        return first == last ? String.valueOf(first) : first + "-" + last;
    }

    /** The last sequence any PubAck named: the stream's newest message as far as this run knows. */
    long lastSeq() {
        return lastSeq.get();
    }

    String figures(double seconds) {
        synchronized (latency) {
            return String.format("%,d msgs/s, %.1f MB/s in %.2fs; PubAck latency p50 %s, p90 %s, p99 %s",
                    Math.round(confirmed.get() / seconds), bytes.get() / seconds / 1e6, seconds,
                    millis(50), millis(90), millis(99));
        }
    }

    private String millis(double percentile) {
        return String.format("%.2f ms", latency.getValueAtPercentile(percentile) / 1e6);
    }
}
