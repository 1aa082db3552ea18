// What the consumer delivered to a batch run's requests that never reached the run (on the wire, in
// jnats' queue as it stopped), counted once its subscription is gone. The consumer counts every
// delivery, to any reader: its count since the run began, less what reached the run, is bounded by
// what the run's requests asked for and by what the consumer holds ack pending beside the run's own
// unacked messages. Another reader's deliveries among the run's (a gap in the consumer sequences the
// run got, or more deliveries than it asked for) make that count "up to": which were the run's is
// not known. So does a failover: deliveries on their way over the connection it left never arrive,
// which leaves the same gap with no other reader at all.
//DEPS io.nats:jnats:2.26.2
//SOURCES PullCounts.java

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.SequenceInfo;

final class PullUnreached {
    private final PullCounts counts;
    private final long maxDeliver;
    private final long deliveredAtStart; // the consumer's count of deliveries as the run's subscription began
    private final Connection nc;
    private final long reconnectsAtStart;
    private long asked; // messages the run's requests asked for
    private long received; // and those that reached it
    private boolean anotherReader;

    PullUnreached(PullCounts counts, long maxDeliver, Connection nc) {
        this.counts = counts;
        this.maxDeliver = maxDeliver;
        this.deliveredAtStart = counts.lastDelivery();
        this.nc = nc;
        this.reconnectsAtStart = nc.getStatistics().getReconnects();
    }

    /** A request went out: until the consumer says how many it sent, up to all asked for and not received are unknown. */
    void asked(int want) {
        asked += want;
        counts.unreachedUnknown(asked - received);
    }

    /** A message reached the run: counted as delivered to it, after a look at the delivery before it. */
    void received(Message msg) {
        received++;
        anotherReader |= counts.deliveredToRequests(msg, asked - received);
    }

    /** Every request brought all it asked for: nothing can be on its way. */
    boolean none() {
        if (asked == received) {
            counts.unreached(0, 0, 0);
        }
        return asked == received;
    }

    /** The consumer's state once the run's subscription is gone: what the last line names. */
    void count(ConsumerInfo consumer) {
        SequenceInfo now = consumer.getDelivered();
        long delivered = now.getConsumerSequence() - deliveredAtStart;
        long unreached = Math.max(0, Math.min(Math.min(delivered - received, asked - received),
                consumer.getNumAckPending() - counts.heldUnacked()));
        if (anotherReader || delivered > asked) {
            counts.unreachedUnknown(unreached, (nc.getStatistics().getReconnects() > reconnectsAtStart
                    ? "a failover cut off deliveries on their way, or another reader takes from this consumer too"
                    : "another reader takes from this consumer too") + ", so which deliveries were this run's is not known");
            return;
        }
        long lastSeen = counts.lastDelivery();
        long lastSeenStream = counts.lastDeliveryStream();
        boolean contiguous = maxDeliver == 1 && now.getConsumerSequence() - lastSeen == unreached
                && now.getStreamSequence() - lastSeenStream == unreached; // first deliveries, one stream seq each
        counts.unreached(unreached, contiguous && unreached > 0 ? lastSeenStream + 1 : 0, now.getStreamSequence());
    }
}
