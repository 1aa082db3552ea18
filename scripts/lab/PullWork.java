// What a js-pull worker does with a message besides acking it: works on it (--work-ms), keeping a
// long job alive with in-progress acks (--in-progress), or hands it back: at once (--nak), after a
// delay (--nak-delay), or for good (--term, a poison message).
//DEPS io.nats:jnats:2.26.2
//SOURCES Exit.java Durations.java Connector.java Backoff.java Limit.java AckSubject.java

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.RetentionPolicy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

final class PullWork {
    private PullWork() {
    }

    /**
     * --work-ms: sleeps that long. With --in-progress, each half ack wait an in-progress ack (+WPI)
     * tells the server the job is still on, which restarts the message's ack wait: not redelivered.
     * With a backoff, the wait that runs is the backoff's delay for this delivery, which may be shorter
     * than the first (the consumer's ack wait): the +WPI keeps to that one.
     */
    static void work(Message msg, long workMillis, boolean inProgress, Duration ackWait, List<Duration> backoff)
            throws InterruptedException {
        Duration deadline = Backoff.given(backoff) ? Backoff.delay(backoff, AckSubject.of(msg).delivered()) : ackWait;
        long slice = inProgress && deadline.toMillis() > 1 ? deadline.toMillis() / 2 : workMillis;
        for (long left = workMillis; left > 0; left -= slice) {
            Thread.sleep(Math.min(left, slice));
            if (inProgress && left > slice) {
                msg.inProgress();
            }
        }
    }

    /**
     * --no-ack: the message stays unacked; what becomes of it (to follow "not acked: "): it comes back after
     * the ack wait, or with a backoff after its delay for this delivery (the server's ack wait is only its
     * first), unless this delivery was its last.
     */
    static String leftUnacked(Message msg, Duration ackWait, List<Duration> backoff, long maxDeliver) {
        String after = Backoff.after(backoff, AckSubject.of(msg).delivered());
        return lastDelivery(msg, maxDeliver).orElse("it comes back after "
                + (after != null ? after : "the ack wait (" + ackWait.toSeconds() + "s)"));
    }

    /**
     * Once a message has had max_deliver deliveries, the server hands it out no more, whatever the
     * reader did with the last one: a nak or a missed ack wait then ends it (the max-deliveries advisory follows).
     */
    private static Optional<String> lastDelivery(Message msg, long maxDeliver) {
        long delivery = AckSubject.of(msg).delivered();
        if (Limit.unlimited(maxDeliver) || delivery < maxDeliver) {
            return Optional.empty();
        }
        return Optional.of("it will not come back: that was its last delivery (" + delivery + " of max deliver "
                + maxDeliver + "), so the server gives up on it; it stays in the stream");
    }

    /**
     * --nak, --nak-delay or --term: hands the message back and says what becomes of it (to follow "nak'd: ");
     * retention: the stream's, which decides whether a terminated message stays in it.
     */
    static String handBack(Message msg, Connection nc, PullOptions flags, long maxDeliver, RetentionPolicy retention)
            throws InterruptedException {
        Duration delay = flags.nakDelay();
        if (flags.term()) {
            msg.term();
        } else if (delay != null) {
            msg.nakWithDelay(delay);
        } else {
            msg.nak();
        }
        try {
            nc.flush(Connector.CONFIRM_WAIT); // queued until now: it must reach the server before the program may exit
        } catch (TimeoutException e) {
            throw Exit.failed("the server did not confirm the %s within %ds: the message comes back after the ack "
                    + "wait instead", flags.term() ? "term" : "nak", Connector.CONFIRM_WAIT.toSeconds());
        }
        if (flags.term()) {
            return terminated(retention);
        }
        return lastDelivery(msg, maxDeliver).orElse(delay != null ? "it comes back in " + Durations.format(delay)
                : "it comes back right away");
    }

    /** A term counts as this consumer's ack for the stream: kept under limits, removed as an ack would remove it else. */
    private static String terminated(RetentionPolicy retention) {
        return switch (retention) {
            case WorkQueue -> "the server will not deliver it again, and the work-queue stream removes it, as it does "
                    + "an acked one";
            case Interest -> "the server will not deliver it again, and the interest stream removes it once every "
                    + "consumer has acked or terminated it";
            default -> "the server will not deliver it again (a poison message, set aside)";
        };
    }
}
