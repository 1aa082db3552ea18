// js-pull on a cluster: an empty wait while the consumer still has messages for the run is a leader
// election (6-8 s, more under load) or acks a failover lost, not "none arrived". Pulling goes on, up
// to Failover.NO_LEADER_FOR since the last message arrived (plus the ack wait for messages that come
// back); past it the run ends saying what the consumer still has. Acks whose confirmation a
// failover cut off count once the consumer's ack floor shows the server has them. An ephemeral read
// goes on the same way while the stream holds messages past the last one shown.
//DEPS io.nats:jnats:2.26.2
//SOURCES PullCounts.java Config.java Failover.java JetStreamErrors.java Exit.java Durations.java Output.java Unanswered.java Connector.java StoredMessage.java AckSubject.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.ApiResponse;
import io.nats.client.api.ConsumerInfo;

import java.time.Duration;
import java.util.function.BooleanSupplier;

final class PullFailover {
    private final boolean failsOver;
    private final Config config;
    private final PullCounts counts;
    private final Duration ackWait;
    private final Failover.Waiting waiting;
    private final Failover.Waiting waitingOnTheStream;
    /** The stream's answer to a stored-message request for a sequence past its last (on the filter): none there. */
    private static final int NO_MESSAGE_FOUND = 10037;

    PullFailover(boolean failsOver, Config config, PullCounts counts, Duration ackWait) {
        this.failsOver = failsOver;
        this.config = config;
        this.counts = counts;
        this.ackWait = ackWait;
        this.waiting = new Failover.Waiting("no message has arrived from consumer " + Output.printable(config.consumer));
        this.waitingOnTheStream = new Failover.Waiting("no message has arrived from stream " + Output.printable(config.stream));
    }

    /**
     * How long a pull request waits for messages (plus the --work-ms of its batch). On a cluster at most
     * 2s, so one sent to a consumer leader that just died is not waited on for long.
     */
    Duration requestExpiry(Duration wait) {
        return failsOver && wait.toMillis() > 2000 ? Duration.ofSeconds(2) : wait;
    }

    /**
     * A wait passed empty: true while the consumer has messages for this run and the bound has not
     * passed since `lastArrived`; past it counts.leaderless says what the consumer still has.
     */
    boolean electing(Connection nc, long lastArrived, BooleanSupplier wantMore) {
        if (!failsOver) {
            return false;
        }
        settleUnconfirmed(nc);
        if (!wantMore.getAsBoolean()) {
            return false; // --max reached with acks the server had after all
        }
        long pending;
        long comingBack = 0;
        try {
            ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo(config.stream, config.consumer);
            pending = info.getNumPending();
            // not in this run's hands (acks a failover lost included): redelivered after the ack wait
            comingBack = Math.max(0, info.getNumAckPending() - (counts.inHand() - counts.unconfirmed.size()));
        } catch (JetStreamApiException e) {
            if (JetStreamErrors.gone(e)) {
                return false; // not electing: the run's end names which one is gone
            }
            pending = -1; // a refusal while electing: as good as pending
        } catch (Exception noAnswerYet) {
            pending = -1; // no leader to answer: as good as pending
        }
        if (pending == 0 && comingBack == 0) {
            return false;
        }
        Duration bound = comingBack > 0 ? Failover.NO_LEADER_FOR.plus(ackWait) : Failover.NO_LEADER_FOR;
        if (System.nanoTime() - lastArrived < bound.toNanos()) {
            if (pending != 0) { // undelivered messages and none arrive: an election (messages coming back wait the ack wait)
                waiting.goesOn(lastArrived);
            }
            return true;
        }
        counts.leaderless = pending < 0 ? "did not answer either"
                : "still has " + pending + " undelivered and " + comingBack + " delivered but not acked";
        return false; // the run ends saying so, once its requests are closed
    }

    /** The line a run ends with when no leader handed out messages within the bound. */
    LabException leaderless(String soFar) {
        return Exit.failed("no message arrived for %s although consumer %s %s (no leader elected?): %s",
                Durations.format(Failover.NO_LEADER_FOR), config.consumer, counts.leaderless, soFar);
    }

    /** What the stream says of the messages past the last one an ephemeral read showed. */
    enum Ahead {
        /** It holds more for the read (or no leader answers yet), within the bound: read on with a new throw-away consumer. */
        MORE,
        /** It holds nothing more on the read's subject: everything stored was shown. */
        NOTHING,
        /** It refused to say (gone, say), or the run is stopping: what cut the read off, if anything, names why. */
        REFUSED,
        /** The bound passed with no message, though the stream holds more or did not say: counts.leaderless says which. */
        UNREAD
    }

    /**
     * --ephemeral on a cluster: a wait passed empty, or a failover cut the throw-away consumer off (its
     * leader died with it). Asks the stream's leader whether it holds a message for the read past stream
     * seq `after`; the bound counts from `lastArrived`.
     */
    Ahead ahead(Connection nc, String filter, long after, long lastArrived) {
        Ahead said = storedAfter(nc, filter, after);
        if (said == Ahead.NOTHING || said == Ahead.REFUSED) {
            return said;
        }
        if (System.nanoTime() - lastArrived < Failover.NO_LEADER_FOR.toNanos()) {
            waitingOnTheStream.goesOn(lastArrived);
            return Ahead.MORE;
        }
        counts.leaderless = (said == null ? "did not say whether it holds more" : "still holds messages") + " past stream seq " + after;
        return Ahead.UNREAD;
    }

    /** The line an ephemeral read ends with when no message came within the bound though the stream has more. */
    LabException unread(String soFar) {
        return Exit.failed("no message arrived for %s although stream %s %s (no leader elected?): %s",
                Durations.format(Failover.NO_LEADER_FOR), Output.printable(config.stream), counts.leaderless, soFar);
    }

    /**
     * What the stream's leader says of a message on `filter` (null: any) past stream seq `after`: MORE,
     * NOTHING or REFUSED; null when no leader answers (or it says it is none).
     */
    private Ahead storedAfter(Connection nc, String filter, long after) {
        try {
            Message reply = StoredMessage.ask(nc, Connector.CONFIRM_WAIT, config.stream, StoredMessage.nextOn(filter, after + 1));
            if (reply == null || reply.isStatusMessage()) {
                return null;
            }
            ApiResponse<Void> answer = new ApiResponse<>(reply) { };
            if (!answer.hasError()) {
                return Ahead.MORE;
            }
            if (answer.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return Ahead.NOTHING;
            }
            return Unanswered.noLeaderNow(answer.getApiErrorCode(), answer.getDescription()) ? null : Ahead.REFUSED;
        } catch (InterruptedException signal) {
            Thread.currentThread().interrupt();
            return Ahead.REFUSED; // the run is stopping: it ends with what cut it off, if anything
        } catch (RuntimeException unreadable) {
            return null; // not an answer: asked again at the next empty wait, within the bound
        }
    }

    /** Acks sent, their confirmation lost: counted once the consumer's ack floor is past them (then they never come back). */
    private void settleUnconfirmed(Connection nc) {
        if (counts.unconfirmed.isEmpty()) {
            return;
        }
        try {
            long floor = nc.jetStreamManagement().getConsumerInfo(config.stream, config.consumer).getAckFloor()
                    .getStreamSequence();
            counts.unconfirmed.removeIf(msg -> {
                if (AckSubject.of(msg).streamSeq() > floor) {
                    return false;
                }
                counts.done(msg);
                return true;
            });
        } catch (Exception noAnswerYet) {
            // no leader to answer yet: asked again at the next empty wait
        }
    }

    /** The consumer (or its stream) is gone: acks to it are never answered, and nothing comes back. */
    boolean consumerGone(Connection nc) {
        try {
            nc.jetStreamManagement().getConsumerInfo(config.stream, config.consumer);
            return false;
        } catch (JetStreamApiException e) {
            return JetStreamErrors.gone(e);
        } catch (Exception noAnswer) {
            return false;
        }
    }
}
