// How fast a publish run went: msgs/s and MB/s of what was confirmed, and the PubAck latency, kept
// in a bounded histogram so that memory does not grow with the number of messages.
//DEPS org.hdrhistogram:HdrHistogram:2.2.2

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

final class PubFigures {
    private static final long SLOWEST_TRACKED = TimeUnit.MINUTES.toNanos(10);

    private final Histogram latency = new Histogram(SLOWEST_TRACKED, 3); // about 240 KB, whatever the count
    private long bytes;

    /** A PubAck came this long after its message was sent. */
    synchronized void latency(long nanos) {
        latency.recordValue(Math.min(nanos, SLOWEST_TRACKED));
    }

    /** A message of this size was confirmed. */
    synchronized void bytes(int size) {
        bytes += size;
    }

    /** "12,345 msgs/s, 1.6 MB/s in 0.81s; PubAck latency p50 ..., p90 ..., p99 ...". */
    synchronized String line(long confirmed, double seconds) {
        return String.format(Locale.ROOT, "%,d msgs/s, %.1f MB/s in %.2fs; PubAck latency p50 %s, p90 %s, p99 %s",
                Math.round(confirmed / seconds), bytes / seconds / 1e6, seconds, millis(50), millis(90), millis(99));
    }

    private String millis(double percentile) {
        return String.format(Locale.ROOT, "%.2f ms", latency.getValueAtPercentile(percentile) / 1e6);
    }
}
