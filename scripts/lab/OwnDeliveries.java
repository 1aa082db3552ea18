// A pull consumer's messages come to an inbox named in each pull request, and anything allowed to see
// those requests can send to that inbox too. jnats takes a message there with no ack subject for a
// status from the server, and fails on it with its own NullPointerException (batches read the inbox
// without jnats' JetStream layer, and find it here); one with an ack subject it would hand over as the
// next delivery, to be printed and acked wherever that subject points
// (nats-server refuses a client's publish with a reply under $JS.ACK., so another consumer's ack
// subject can only come from something posing as the server). Either ends the run here, in one line,
// before anything is shown or acked.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java AckSubject.java

import io.nats.client.Message;

import java.util.Locale;

final class OwnDeliveries {
    /** A message that is no delivery of the run's consumer: its text is a line, its parts already escaped. */
    static final class NotOurs extends RuntimeException {
        NotOurs(String line) {
            super(line, null, false, false);
        }
    }

    private OwnDeliveries() {
    }

    /** Returns when `msg` is a delivery of `consumer` on `stream`; throws NotOurs, saying what arrived, when not. */
    static void check(Message msg, String stream, String consumer) {
        AckSubject delivery = AckSubject.of(msg); // the stream and consumer are where the server put them
        if (delivery != null && stream.equals(delivery.stream()) && consumer.equals(delivery.consumer())) {
            return;
        }
        if (delivery == null) {
            throw new NotOurs(msg.isJetStream() ? noAckSubject("reply subject " + Output.quoted(msg.getReplyTo())) : NEITHER);
        }
        throw new NotOurs(String.format(Locale.ROOT, "a message on %s came to this run's inbox with reply subject %s, not an "
                        + "ack subject of consumer %s on stream %s, so the run stopped without showing or acking it (%s)",
                Output.quoted(msg.getSubject()), Output.quoted(msg.getReplyTo()), Output.quoted(consumer), Output.quoted(stream), ANYONE));
    }

    private static final String ANYONE = "anything allowed to see this run's pull requests can send one";
    private static final String NEITHER = "a message came to this run's inbox that is neither a JetStream delivery nor a status "
            + "from the server, so the run stopped without showing or acking it (" + ANYONE + ")";

    /** A message whose reply subject starts as an ack subject but is none (too few parts, or $JS.FC.); `detail` names it. */
    private static String noAckSubject(String detail) {
        return "a message came to this run's inbox whose reply subject is no ack subject, so the run stopped without "
                + "showing or acking it (" + ANYONE + "; " + detail + ")";
    }

    /**
     * The line for a run that stopped on a message that is not its consumer's: NotOurs's own, or jnats' failure
     * on a message that is neither a delivery nor a status (its NullPointerException), or on one whose reply
     * subject starts as an ack subject but is none (too few parts, or $JS.FC.). Any other is thrown again.
     */
    static String why(RuntimeException e) {
        if (e instanceof NotOurs) {
            return e.getMessage();
        }
        if (e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).startsWith("Message is not a JetStream message")) {
            return noAckSubject("jnats: " + Output.printable(e.getMessage().strip()));
        }
        StackTraceElement[] at = e.getStackTrace();
        boolean jnatsMisread = e instanceof NullPointerException && (at.length > 0 && at[0].getClassName().endsWith(".PullMessageManager")
                || String.valueOf(e.getMessage()).contains("io.nats.client.support.Status"));
        if (!jnatsMisread) {
            throw e;
        }
        return NEITHER;
    }
}
