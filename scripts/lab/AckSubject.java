// A delivery's reply subject is where its ack goes, and it says which delivery it is:
// $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>
// (newer servers put a domain and an account hash after ACK; older ones leave out pending). jnats'
// msg.metaData() reads the same subject, but also turns the time into a ZonedDateTime, and in a bulk
// pull that alone costs more CPU than the rest of the run's bookkeeping: the lab reads it here.
//DEPS io.nats:jnats:2.26.2

import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;

record AckSubject(String stream, String consumer, long delivered, long streamSeq, long consumerSeq, long pending) {
    private static final String PREFIX = "$JS.ACK.";
    /**
     * Deliveries read lately, by their reply subject's identity: the bookkeeping asks about each message several
     * times in a row, and reading the subject again each time cost more than all the rest of it. Few are kept: what
     * is kept outlives the young generation's collections, and in a long run would fill the old one (a table of
     * 4,096 took a 1M pull from 75 to 100 MiB); the subjects are kept, not the messages. A race only reads again.
     */
    private static final Read[] read = new Read[64];

    /** The message's delivery, or null when its reply subject is no ack subject: the same deliveries jnats reads. */
    static AckSubject of(Message msg) {
        String reply = msg.getReplyTo();
        if (reply == null || msg.isStatusMessage()) {
            return null;
        }
        int slot = System.identityHashCode(reply) & (read.length - 1);
        Read seen = read[slot];
        if (seen != null && seen.reply == reply) {
            return seen.subject;
        }
        AckSubject subject = parse(reply);
        if (subject == null && msg.isJetStream() && reply.startsWith(PREFIX)) {
            subject = asJnatsReadsIt(msg); // a sign, or digits of another script: no server sends them, but jnats reads them
        }
        read[slot] = new Read(reply, subject);
        return subject;
    }

    /** The delivery `reply` names, or null when it is no ack subject (the parts jnats accepts, numbers where they go). */
    static AckSubject parse(String reply) {
        if (reply == null || !reply.startsWith(PREFIX)) {
            return null;
        }
        int[] dots = new int[12]; // where each part ends: jnats reads at most 11 parts
        int parts = 0;
        for (int at = reply.indexOf('.'); parts < dots.length; at = reply.indexOf('.', at + 1)) {
            dots[parts++] = at < 0 ? reply.length() : at;
            if (at < 0) {
                break;
            }
        }
        while (parts > 0 && dots[parts - 1] == (parts == 1 ? 0 : dots[parts - 2] + 1)) {
            parts--; // empty parts at the end do not count, as String.split drops them
        }
        if (parts < 8 || parts == 10) {
            return null;
        }
        int first = parts <= 9 ? 2 : 4; // after ACK: <domain>.<account hash> on newer servers
        long delivered = number(reply, dots, first + 2);
        long streamSeq = number(reply, dots, first + 3);
        long consumerSeq = number(reply, dots, first + 4);
        long pending = parts == 8 ? -1 : number(reply, dots, first + 6);
        if (delivered < 0 || streamSeq < 0 || consumerSeq < 0 || number(reply, dots, first + 5) < 0 || parts > 8 && pending < 0) {
            return null; // the time is checked though only jnats reads it
        }
        return new AckSubject(reply.substring(dots[first - 1] + 1, dots[first]), reply.substring(dots[first] + 1, dots[first + 1]),
                delivered, streamSeq, consumerSeq, pending);
    }

    /** jnats' own reading (null when it refuses), for what the reading above leaves to it. */
    private static AckSubject asJnatsReadsIt(Message msg) {
        try {
            NatsJetStreamMetaData meta = msg.metaData();
            return new AckSubject(meta.getStream(), meta.getConsumer(), meta.deliveredCount(), meta.streamSequence(),
                    meta.consumerSequence(), meta.pendingCount());
        } catch (RuntimeException notADelivery) {
            return null;
        }
    }

    /** Part `index` of `reply` as a whole number, read where it stands; -1 when it is none (or past a long). */
    private static long number(String reply, int[] dots, int index) {
        int from = dots[index - 1] + 1;
        int to = dots[index];
        if (to == from) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = reply.charAt(i);
            if (c < '0' || c > '9' || value > Long.MAX_VALUE / 10 || value == Long.MAX_VALUE / 10 && c > '7') {
                return -1; // not a digit, or past a long (9223372036854775807)
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private record Read(String reply, AckSubject subject) {
    }
}
