// What a publish run's PubAcks add up to, in the run's last line: all confirmed (how many stored,
// how many the stream had already, what a failover sent again), or a run cut short, whose numbers
// add up to the total. The counts themselves are PubAcks'.
//SOURCES PubAcks.java Output.java Durations.java

import java.time.Duration;
import java.util.Locale;

final class PubSummary {
    private PubSummary() {
    }

    /** Single messages (stdin lines), each confirmed: how many, and how many the stream had already. */
    static String singles(PubAcks acks, long published) {
        return acks.duplicates.get() == 0
                ? Output.messages(published) + " published, each confirmed by a PubAck"
                : String.format(Locale.ROOT, "%s confirmed by a PubAck: %d stored, %d duplicate=true (already stored)",
                Output.messages(published), published - acks.duplicates.get(), acks.duplicates.get());
    }

    /** A run whose every message was confirmed: how many the stream stored, and how many it had already. */
    static String allConfirmed(PubAcks acks, long total) {
        long again = acks.retried.get();
        if (again == 0) {
            return confirmedOnce(acks, total);
        }
        return String.format(Locale.ROOT, "%s; %d sent again after a failover (same Nats-Msg-Id): %d of them the first attempt had "
                + "stored (PubAck duplicate=true), kept once%s", confirmedOnce(acks, total), again, acks.duplicatesOfRetries.get(),
                mayBeTwice(acks));
    }

    /**
     * "; N sent again later than the window ..." when a retry may have come after the stream forgot the ID.
     * Without the window, nothing can be "later than" it: the line says how late the retries were, and
     * that whether that was within the window is what is not known.
     */
    private static String mayBeTwice(PubAcks acks) {
        long late = acks.retriedPastWindow.get();
        Duration window = acks.duplicateWindow();
        if (late == 0) {
            return "";
        }
        if (window == null) {
            return String.format(Locale.ROOT, "; %d sent again within %s of their first attempt, but the stream's duplicate "
                    + "window could not be read, so whether that is within it is not known: if not, "
                    + "up to %d may be stored twice (each whose first attempt was stored)", late,
                    Durations.format(acks.longestUndecided()), late);
        }
        return String.format(Locale.ROOT, "; %d sent again later than the stream's duplicate window of %s after their first "
                + "attempt, so up to %d may be stored twice (each whose first attempt was stored)", late, Durations.format(window),
                late);
    }

    private static String confirmedOnce(PubAcks acks, long total) {
        long dup = acks.duplicates.get();
        String stream = Output.printable(acks.streamName()); // the server's text
        if (dup == 0) {
            return String.format(Locale.ROOT, "published %s to stream %s (seq %s), each confirmed by a PubAck",
                    Output.messages(total), stream, acks.newSeqs());
        }
        if (dup == total) {
            return String.format(Locale.ROOT, "stored nothing new: all %s were duplicate=true (stream %s already had their "
                    + "Nats-Msg-Id within its duplicate window), each confirmed by a PubAck", Output.messages(total),
                    stream);
        }
        return String.format(Locale.ROOT, "published %s to stream %s, each confirmed by a PubAck: %d stored (seq %s), %d "
                + "duplicate=true (already stored, not stored again)", Output.messages(total), stream,
                total - dup, acks.newSeqs(), dup);
    }

    /** A run stopped early (a signal), from counts taken at one moment: every PubAck may have come before the stop. */
    static String soFar(PubAcks acks, long total) {
        PubAcks.Counts at = acks.counts();
        return at.confirmed() == total ? allConfirmed(acks, total) : "only " + shortfall(acks, total, at);
    }

    /**
     * A run cut short: the numbers add up to the total (confirmed + refused + without an answer +
     * never sent), and the confirmed ones are what the stream holds from this run.
     */
    static String shortfall(PubAcks acks, long total) {
        return shortfall(acks, total, acks.counts());
    }

    /** The same, from counts taken at one moment. */
    static String shortfall(PubAcks acks, long total, PubAcks.Counts at) {
        long ok = at.confirmed();
        String seqs = ok == at.duplicates() ? "" : " (seq " + acks.newSeqs() + ")";
        String dup = at.duplicates() == 0 ? "" : ", " + at.duplicates() + " of them duplicate=true";
        return String.format(Locale.ROOT, "%d of %d messages confirmed by a PubAck%s%s; %d not: %d refused by the server, %d sent "
                + "without an answer (they may or may not be stored), %d never sent", ok, total, seqs, dup, total - ok,
                at.refused(), at.unanswered(), total - at.sent());
    }
}
