// What a js-pull worker does with a message besides acking it: works on it (--work-ms), keeping a
// long job alive with in-progress acks (--in-progress), or hands it back: at once (--nak), after a
// delay (--nak-delay), or for good (--term, a poison message).
//DEPS io.nats:jnats:2.26.2
//SOURCES Exit.java Durations.java Connector.java

import io.nats.client.Connection;
import io.nats.client.Message;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

final class PullWork {
    private PullWork() {
    }

    /**
     * --work-ms: sleeps that long. With --in-progress, each half ack wait an in-progress ack (+WPI)
     * tells the server the job is still on, which restarts the message's ack wait: not redelivered.
     */
    static void work(Message msg, long workMillis, boolean inProgress, Duration ackWait) throws InterruptedException {
        long slice = inProgress && ackWait.toMillis() > 1 ? ackWait.toMillis() / 2 : workMillis;
        for (long left = workMillis; left > 0; left -= slice) {
            Thread.sleep(Math.min(left, slice));
            if (inProgress && left > slice) {
                msg.inProgress();
            }
        }
    }

    /** --nak, --nak-delay or --term: hands the message back and says what becomes of it. */
    static String handBack(Message msg, Connection nc, PullOptions flags) throws InterruptedException {
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
        return flags.term() ? "terminated: the server will not deliver it again (a poison message, set aside)"
                : delay != null ? "nak'd: it comes back in " + Durations.format(delay) : "nak'd: it comes back right away";
    }
}
