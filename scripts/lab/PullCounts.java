// What a js-pull run did with each message delivered to it, counted in one place so that every last
// line adds up: done (printed and acked, or with --no-ack/--nak/--ephemeral printed and left), printed
// but not acked, and delivered but never shown. The last two come back after the ack wait (with a
// backoff, its delay for each one's delivery), unless
// the consumer's max_deliver says they were delivered for the last time: then the line names them.
// The run's own state lives here too (when it began, what is in hand, why a cluster wait ended), so
// every helper of js-pull reads the same facts.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java Processed.java Limit.java Backoff.java Durations.java AckSubject.java

import io.nats.client.Message;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

final class PullCounts {
    /** A message delivered to this run and not yet done with: its delivery number, and whether its line was printed. */
    private static final class Held {
        final long delivery;
        boolean shown;

        Held(long delivery, boolean shown) {
            this.delivery = delivery;
            this.shown = shown;
        }

        long delivery() {
            return delivery;
        }

        boolean shown() {
            return shown;
        }
    }

    private final Map<Long, Held> held = new LinkedHashMap<>(); // by stream sequence
    private final Processed processed = new Processed();
    private final Processed shownBefore = new Processed(); // by stream sequence: a message shown again is said so
    private long done;
    private long bytes;
    private long maxDeliver = -1;
    private long lastDelivery; // the consumer's sequence of the last delivery known to this run
    private long lastDeliveryStream; // that delivery's stream sequence
    // Delivered by the consumer to this run's requests and never received (jnats' queue, the wire):
    // a count once the consumer said so, unknown (-1) while requests are out or when it did not answer.
    private long unreached;
    private long unreachedAtMost; // with an unknown count: what the requests asked for and did not bring
    private String unreachedWhy; // why that count is not known
    private long unreachedFrom; // their stream sequences, when known (0: not known)
    private long unreachedTo;
    // Sent to a connection of this run whose reader stopped at a message jnats cannot read, never seen here:
    // the stream sequences that may be among them (pending then, not this run's; another reader's too) and how
    // many its requests could still bring. Left to come back after the ack wait: a nak could be another's.
    private final Set<Long> stranded = new TreeSet<>();
    private long strandedAtMost;
    private Duration ackWait;
    private List<Duration> backoff = List.of(); // its delays take the ack wait's place
    private long maxAckPending; // 0 or less: no limit

    // The run's state, read and written by the main thread only.
    long start; // when the run began (0: not yet); a run that goes on over a new connection keeps it
    long waitStarted = System.nanoTime(); // when the last wait for a message began
    final Set<Long> seen = new HashSet<>(); // --no-ack/--nak: the same messages come back; one round is enough
    boolean cameBack; // --no-ack/--nak: they came back, so this run has seen them all
    String comeback; // then: which delivery came back, and what the run did with it (not shown, but a delivery used)
    boolean followsRetries; // --no-ack on a consumer with a backoff: what comes back is shown again, up to max deliver
    long lastShown; // --ephemeral: the stream seq of the last message shown
    String batchesOf; // --batch: what each request really asked for, when big bodies bound it in bytes ("up to 16 (16 MB a request)")
    Message lastPrinted; // one at a time: the message in hand
    // Read by a signal's last line too, while the main thread may still be at work.
    volatile List<Message> batchInHand = List.of(); // printed and handed on, acks sent but not yet confirmed (one at a time: acking)
    final List<Message> unconfirmed = new CopyOnWriteArrayList<>(); // acks sent, their confirmation lost in a failover
    String leaderless; // a cluster gave no message past the failover bound: what the consumer said
    java.time.ZonedDateTime consumerCreated; // the durable consumer's, at the run's start: one made since under its name is another
    private boolean saidDisproved; // a status the consumer's info disproved: said once, however many come
    /** One at a time: the consumer delivered something between two of this run's deliveries that never reached it. */
    boolean deliveryUnseen;
    int endedEarly; // one at a time: pull requests a status ended before their wait, still open on the server until they expire

    /** A status the consumer's info disproved (JetStreamErrors.disproved): one WARN a run, and the run goes on. */
    void disproved(String warning) {
        if (!saidDisproved) {
            saidDisproved = true;
            System.err.println(Output.line("WARN " + warning, false));
        }
    }

    /** The consumer's settings the run and its last line depend on: what comes back, when, and how many at once. */
    synchronized void consumer(long maxAckPending, long maxDeliver, Duration ackWait, List<Duration> backoff) {
        this.maxAckPending = maxAckPending;
        this.maxDeliver = maxDeliver;
        this.ackWait = ackWait;
        this.backoff = backoff;
    }

    synchronized long maxAckPending() {
        return maxAckPending;
    }

    synchronized long maxDeliver() {
        return maxDeliver;
    }

    /** A message reached this run (it is now ack-pending on the server). */
    synchronized void delivered(Message msg) {
        AckSubject meta = AckSubject.of(msg);
        deliveryUnseen |= meta.consumerSeq() > lastDelivery + 1; // one in between never reached the run: another's, or lost
        stranded.remove(meta.streamSeq()); // it came back to this run
        held.put(meta.streamSeq(), new Held(meta.delivered(), false));
        deliveredBefore(meta.consumerSeq(), meta.streamSeq());
    }

    /**
     * A message reached this run's requests, which may still bring up to `stillOut` more: true when
     * the consumer delivered something else since the last delivery this run knew of (another reader's).
     */
    synchronized boolean deliveredToRequests(Message msg, long stillOut) {
        boolean gap = AckSubject.of(msg).consumerSeq() > lastDelivery + 1;
        delivered(msg);
        unreachedUnknown(stillOut);
        return gap;
    }

    /** The consumer's last delivery as the run began (or a message delivered to it): the next one is this run's, or another reader's. */
    synchronized void deliveredBefore(long consumerSequence, long streamSequence) {
        if (consumerSequence > lastDelivery) {
            lastDelivery = consumerSequence;
            lastDeliveryStream = streamSequence;
        }
    }

    /** The consumer's sequence of the last delivery known to this run: it counts every delivery, to anyone. */
    synchronized long lastDelivery() {
        return lastDelivery;
    }

    /** The stream sequence of that delivery. */
    synchronized long lastDeliveryStream() {
        return lastDeliveryStream;
    }

    /** Requests are out: up to `atMost` messages may be delivered that do not reach this run, until the consumer says how many. */
    synchronized void unreachedUnknown(long atMost) {
        unreached = -1;
        unreachedAtMost = Math.max(0, atMost);
        unreachedWhy = "it did not answer"; // unless the consumer's answer says otherwise
    }

    /** The run's requests are closed and the consumer answered, but its numbers cannot say how many of them were this run's, and why. */
    synchronized void unreachedUnknown(long atMost, String why) {
        unreachedUnknown(atMost);
        unreachedWhy = why;
    }

    /**
     * The run left a connection at a message jnats cannot read (its reader stopped there, or it took the message for
     * a status): of the consumer's pending messages not in this run's hand, up to what its requests could still bring
     * after that one went to it stay there. When the consumer said how many never reached the run (its requests were
     * closed and answered), those are these: counted here from now on, not twice.
     */
    synchronized void stranded(List<Long> pendingNotHere) {
        pendingNotHere.stream().filter(seq -> !held.containsKey(seq)).forEach(stranded::add);
        strandedAtMost += unreached < 0 ? Math.max(0, unreachedAtMost - 1) : Math.max(0, unreached - 1);
        unreached = Math.min(unreached, 0);
    }

    /** The consumer delivered this many to the run's requests that never reached it (stream seq from-to, or 0 0: not known). */
    synchronized void unreached(long deliveries, long from, long to) {
        unreached = Math.max(0, deliveries);
        unreachedFrom = from;
        unreachedTo = to;
    }

    /** Its line reached stdout (or, with --quiet, it was taken in hand). */
    synchronized void shown(Message msg) {
        AckSubject meta = AckSubject.of(msg);
        Long seq = meta.streamSeq();
        Held delivery = held.get(seq);
        if (delivery != null && delivery.delivery == meta.delivered()) {
            delivery.shown = true;
        } else {
            held.put(seq, new Held(meta.delivered(), true));
        }
        shownBefore.firstTime(seq);
    }

    /**
     * "; 500 printed again (...)": messages this run showed more than once, because they came back
     * before the server had their ack (a failover cut it off): stdout holds more lines than the count.
     */
    synchronized String shownAgain(String shownVerb) {
        long again = shownBefore.again();
        if (again > 0 && followsRetries) {
            return "; " + again + (again == 1 ? " redelivery " : " redeliveries ") + shownVerb
                    + " too (not acked, so the server sent again after each backoff delay; counted once)";
        }
        return again == 0 ? "" : "; " + Output.messages(again) + " " + shownVerb + " again (" + (again == 1 ? "it" : "they")
                + " came back before the server had " + (again == 1 ? "its" : "their") + " ack; counted once)";
    }

    /** The run is done with it: its ack was confirmed (or it was left by --no-ack, nak'd, read ephemeral). */
    synchronized void done(Message msg) {
        long seq = AckSubject.of(msg).streamSeq();
        held.remove(seq);
        if (batchInHand.size() == 1 && batchInHand.get(0) == msg) {
            batchInHand = List.of(); // its ack confirmed (acking)
        }
        bytes += msg.getData() == null ? 0 : msg.getData().length;
        if (processed.firstTime(seq)) {
            done++; // one delivered again after a lost ack is shown, but counts once
        }
    }

    /** A batch, its acks confirmed: each counted as done(msg) would. */
    /** One message's ack is on its way (ackSync): until done(msg), a run's end counts it as acked, not confirmed. */
    void acking(Message msg) {
        batchInHand = List.of(msg);
    }

    synchronized void done(List<Message> msgs) {
        for (Message msg : msgs) {
            done(msg);
        }
    }

    synchronized long done() {
        return done;
    }

    synchronized long bytes() {
        return bytes;
    }

    /** Delivered to this run and not done with: printed (or not) and not acked. */
    synchronized int inHand() {
        return held.size();
    }

    /**
     * "; 1 printed but not acked and 49 delivered but not shown: they come back after the ack wait (30s)",
     * or which ones the server will not deliver again; "" when nothing is held. Delivered but not shown
     * counts those the consumer delivered to this run's requests that never reached it, too.
     */
    synchronized String held(String shownVerb, boolean comesBack) {
        return held(shownVerb, comesBack, false);
    }

    /** The same, for a consumer deleted mid-run: what it held is gone with it, nothing is left to look at. */
    synchronized String heldByAGoneConsumer(String shownVerb) {
        return held(shownVerb, false, true);
    }

    private String held(String shownVerb, boolean comesBack, boolean consumerGone) {
        Set<Long> ackSent = ackSent();
        long acking = held.keySet().stream().filter(ackSent::contains).count();
        long shown = held.entrySet().stream().filter(e -> e.getValue().shown() && !ackSent.contains(e.getKey())).count();
        long notShown = held.size() - shown - acking + Math.max(unreached, 0);
        long unknown = unreached < 0 ? unreachedAtMost : 0;
        if (maxAckPending > 0) { // the consumer delivers no more while that many wait for an ack, this run's unacked among them
            unknown = Math.min(unknown, Math.max(0, maxAckPending - (held.size() - acking)));
        }
        long strandedNow = Math.min(strandedAtMost, stranded.size());
        if (held.isEmpty() && notShown == 0 && unknown == 0 && strandedNow == 0) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (acking > 0) { // a signal ended the run while the server's answer to their acks was on its way
            parts.add(acking + " " + shownVerb + " and acked, the server's confirmation not seen yet (" + (consumerGone
                    ? "the consumer was deleted, and its acks with it" : "js-info shows whether the server has the acks") + ")");
        }
        if (shown > 0) {
            parts.add(shown + " " + shownVerb + " but not acked");
        }
        if (notShown > 0) {
            parts.add(notShown + " delivered but not shown");
        }
        if (unknown > 0) { // the consumer did not say how many of what the requests asked for it sent, or to whom
            parts.add("up to " + unknown + " more that the consumer may have sent and never reached this run (" + (consumerGone
                    ? "the consumer was deleted, and its deliveries with it: a consumer created anew starts where its "
                    + "deliver policy says" : unreachedWhy + "; js-info shows its ack pending") + ")");
        }
        if (strandedNow > 0) {
            parts.add("up to " + strandedNow + " more sent to a connection of this run that it left at a message jnats cannot "
                    + "read (not handed back: they may be another reader's)");
        }
        unknown += strandedNow;
        String what = "; " + String.join(" and ", parts);
        if (!comesBack) {
            return what;
        }
        boolean limited = !Limit.unlimited(maxDeliver);
        TreeSet<Long> last = new TreeSet<>();
        held.forEach((seq, h) -> {
            if (limited && h.delivery() >= maxDeliver && !ackSent.contains(seq)) {
                last.add(seq);
            }
        });
        long lastHeld = last.size();
        long unsure = 0; // never reached this run, limited max_deliver, stream sequences not known
        if (limited && unreached > 0) {
            if (unreachedFrom > 0) { // first deliveries with max_deliver 1: their last
                for (long seq = unreachedFrom; seq <= unreachedTo; seq++) {
                    last.add(seq);
                }
            } else {
                unsure = unreached;
            }
        }
        if (limited && unknown > 0 || unsure > 0) {
            what += String.format(Locale.ROOT, " (any that never reached this run on its last delivery, max_deliver %d, does not "
                    + "come back; which ones is not known)", maxDeliver);
        }
        long back = held.size() - acking - lastHeld + Math.max(unreached, 0) - (last.size() - lastHeld) - unsure
                + (limited ? 0 : unknown);
        if (back == 0 && last.isEmpty()) {
            return what;
        }
        String comes = String.format(Locale.ROOT, "come%s back after %s", back == 1 ? "s" : "", after(back, ackSent, last));
        if (last.isEmpty()) {
            return what + ": " + (back == 1 ? "it " : "they ") + comes;
        }
        String them = last.size() == 1 ? "it" : "them";
        String gone = String.format(Locale.ROOT, "the server will not deliver %s again (max_deliver %d): stream seq %s; read %s "
                + "with js-pull --ephemeral", back == 0 ? them : "the other " + last.size(), maxDeliver, ranges(last), them);
        return what + ": " + (back == 0 ? gone : back + " " + comes + "; " + gone);
    }

    /**
     * When the `back` messages come back: after the ack wait; with a backoff, after its delay for the
     * delivery of each, known for those held here, not for those that never reached this run.
     */
    private String after(long back, Set<Long> ackSent, Set<Long> last) {
        if (backoff.isEmpty()) {
            return ackWait == null ? "the ack wait" : "the ack wait (" + Durations.seconds(ackWait) + ")";
        }
        List<Long> deliveries = held.entrySet().stream().filter(e -> !ackSent.contains(e.getKey()) && !last.contains(e.getKey()))
                .map(e -> e.getValue().delivery()).toList();
        if (deliveries.size() < back || deliveries.stream().map(d -> Backoff.delay(backoff, d)).distinct().count() != 1) {
            return Backoff.forDelivery(backoff, back == 1 ? "its" : "each one's"); // deliveries not known, or delays that differ
        }
        return deliveries.stream().distinct().count() == 1 ? Backoff.after(backoff, deliveries.get(0))
                : Durations.format(Backoff.delay(backoff, deliveries.get(0))) + " (the backoff's delay after their deliveries)";
    }

    /** Delivered to this run and no ack sent for them: ack pending on the server, whatever else it holds. */
    synchronized long heldUnacked() {
        Set<Long> ackSent = ackSent();
        return held.keySet().stream().filter(seq -> !ackSent.contains(seq)).count();
    }

    /** Acks sent, the server's answer not seen. */
    private Set<Long> ackSent() {
        Set<Long> ackSent = new HashSet<>();
        batchInHand.forEach(msg -> ackSent.add(AckSubject.of(msg).streamSeq()));
        unconfirmed.forEach(msg -> ackSent.add(AckSubject.of(msg).streamSeq()));
        return ackSent;
    }

    /** 3, 5-9, 12: sequences as short ranges. */
    private static String ranges(TreeSet<Long> seqs) {
        List<String> out = new ArrayList<>();
        Long from = null;
        Long to = null;
        for (long seq : seqs) {
            if (to != null && seq == to + 1) {
                to = seq;
                continue;
            }
            if (from != null) {
                out.add(from.equals(to) ? String.valueOf(from) : from + "-" + to);
            }
            from = seq;
            to = seq;
        }
        out.add(from.equals(to) ? String.valueOf(from) : from + "-" + to);
        return String.join(", ", out);
    }
}
