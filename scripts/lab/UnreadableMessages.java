// A stored message whose headers jnats cannot read (a value that is not ASCII, a control character
// in a key) stops jnats' reader thread for good: the connection stays open but nothing more arrives,
// so every later wait looks like a lost server, and the message comes back after each ack wait to
// stop the next run too. Here js-pull finds it from the consumer's state over a new connection, reads
// it raw through the stream's message API (JSON and base64, never through jnats' Headers), shows it
// escaped, and acks, naks or terminates it through its ack subject, as --on-unreadable says.
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//SOURCES Output.java Stdout.java Exit.java Subjects.java StoredMessage.java LogLines.java Connector.java Backoff.java
//SOURCES ReaderWatch.java AckSubject.java

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import org.slf4j.Logger;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

final class UnreadableMessages {
    /** What becomes of a message jnats cannot read. */
    enum Choice { term, ack, nak, stop }

    @Option(names = "--on-unreadable", paramLabel = "WHAT", defaultValue = "term",
            description = "A message whose headers jnats cannot read (not ASCII, say) is shown escaped, then: "
                    + "term (default: kept, never delivered again), ack, nak or stop (both end the run). "
                    + "--ephemeral skips it (with stop, ends).")
    Choice choice;

    /** The longest stretch of delivered-but-unacked sequences read back to find it. */
    private static final int MOST_SEARCHED = 5000;
    private static final Logger log = LogLines.logger(UnreadableMessages.class);

    private final List<Long> handled = new ArrayList<>();
    private boolean ordered; // --ephemeral: skipped, not acked
    private String ackWait = "the ack wait"; // when one left unacked comes back: with a backoff, its delay for the delivery

    /**
     * A delivery of the run's consumer whose headers begin with a status line came to its inbox (anyone allowed to
     * publish on the subject can store one): jnats reads it as a status from the server, not as a message. The run
     * leaves that connection and deals with it as with any message jnats cannot read.
     */
    static final class StatusLookalike extends IllegalStateException {
        final String ackSubject; // its own: an ack or terminate sent there matches the delivery the server made

        StatusLookalike(String ackSubject) {
            super("a delivery whose headers begin with a status line");
            this.ackSubject = ackSubject;
        }
    }

    /** Thrown once an unreadable message was shown and acked or terminated: the run goes on over a new connection. */
    static final class GoOn extends RuntimeException {
        GoOn() {
            super(null, null, false, false);
        }
    }

    /**
     * The run's connection stopped answering: when the consumer's delivered-but-unacked messages hold one
     * jnats cannot read, that was why. Then, over `fresh` (a new connection): the messages `inHand` were
     * shown and their acks sent but not confirmed, so they are acked again and confirmed; the others
     * still pending go to `stranded` and are left alone: some may have gone to the stopped reader, but
     * others are another reader's (lab 5's workers share a consumer), and a nak would hand those out
     * again and cut their nak delays short; so they come back after the ack wait. The unreadable one is
     * shown and dealt with. Returns normally when none is found (the connection really went); otherwise
     * throws GoOn, or with nak or stop a LabException that ends the run.
     */
    void explain(Connection broken, Callable<Connection> reconnect, String stream, String consumer,
                 List<Message> inHand, Runnable reacked, Consumer<List<Long>> stranded, boolean raw, Supplier<String> soFar)
            throws Exception {
        try (Connection fresh = reopen(broken, reconnect)) {
            if (fresh != null) {
                boolean readerStopped = ReaderWatch.stopped(broken) != null;
                explain(fresh, readerStopped, null, stream, consumer, inHand, reacked, readerStopped ? stranded : none -> { }, raw, soFar);
            }
        }
    }

    /**
     * A delivery whose headers begin with a status line reached the run: over a new connection the consumer's pending
     * messages hold it (`ackSubject`: a StatusLookalike's, dealt with through it, as the server delivered it), or another
     * reader dealt with it first; without it
     * (jnats ended a pull with a status, maybe that one) nothing is said when none is pending. What the old connection
     * had queued past it goes to `stranded`: it comes back after the ack wait.
     */
    void explainLookalike(Callable<Connection> reconnect, String stream, String consumer, String ackSubject,
                          Consumer<List<Long>> stranded, boolean raw, Supplier<String> soFar) throws Exception {
        Connection fresh;
        try {
            fresh = reconnect.call();
        } catch (LabException cannotConnect) {
            return;
        }
        try (fresh) {
            explain(fresh, ackSubject != null, ackSubject, stream, consumer, List.of(), () -> { }, stranded, raw, soFar);
        }
    }

    /**
     * --ephemeral: the throw-away consumer reads the subject in stream order, so the message it could not
     * read is the subject's first one after the last shown. It is shown and skipped (no acks here): the
     * run goes on from the one after it, or with stop ends.
     */
    void explainOrdered(Connection broken, Callable<Connection> reconnect, String stream, String subject,
                        long lastShown, boolean raw, Supplier<String> soFar) throws Exception {
        try (Connection fresh = reopen(broken, reconnect)) {
            // after the last shown, and after the last skipped: the next one may be unreadable too
            if (fresh != null) {
                skipLookalikeInOrder(fresh, stream, subject, lastShown, raw, soFar);
            }
        }
    }

    /**
     * --ephemeral on one server, a wait that passed empty: jnats' ordered consumer never hands over a stored message
     * whose headers begin with a status line ("NATS/1.0 100 ...", 404, 408): it takes it for a status, and each
     * consumer it makes again from there meets it again, so the messages after it never come. The subject's next
     * message after the last shown (or skipped) is looked at here, over the run's connection: one jnats cannot read is
     * shown and skipped (GoOn); `subject` null: any.
     */
    void skipLookalikeInOrder(Connection nc, String stream, String subject, long lastShown, boolean raw, Supplier<String> soFar)
            throws Exception {
        StoredMessage next = nextOn(nc, stream, subject, Math.max(lastShown + 1, resumeAt()));
        if (next == null || next.problem() == null) {
            return;
        }
        ordered = true;
        show(next, raw, soFar);
        if (choice == Choice.stop) {
            throw Exit.failed("stopped at stream seq %d, which jnats cannot read: %s", next.seq(), soFar.get());
        }
        handled.add(next.seq());
        throw new GoOn();
    }

    /** The subject's first stored message from this sequence on; null when none, or no answer. */
    private static StoredMessage nextOn(Connection fresh, String stream, String subject, long from) {
        try {
            return StoredMessage.get(fresh, Connector.CONFIRM_WAIT, stream, StoredMessage.nextOn(subject, from));
        } catch (InterruptedException signal) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception noAnswer) {
            return null; // the caller's own report stands
        }
    }

    /** --ephemeral after a message was skipped: where the next throw-away consumer starts; 0 from the first. */
    long resumeAt() {
        return handled.isEmpty() ? 0 : handled.get(handled.size() - 1) + 1;
    }

    /** A new connection when the old one is still up (its reader stopped); null when the server is really gone. */
    private static Connection reopen(Connection broken, Callable<Connection> reconnect) throws Exception {
        if (broken.getStatus() != Connection.Status.CONNECTED) {
            return null; // jnats saw the connection go: a real loss, which the caller reports
        }
        try {
            return reconnect.call();
        } catch (LabException cannotConnect) {
            return null;
        }
    }

    /**
     * readerStopped: jnats stopped reading the old connection at a message it cannot read. Then one no longer
     * pending was dealt with by another reader of the consumer (lab 5's workers share one) before this run looked:
     * the run goes on all the same, and names none as its own. `met`: the ack subject of the delivery the run met
     * (a StatusLookalike's), dealt with through it; null when the run has none (jnats' reader kept it).
     */
    private void explain(Connection fresh, boolean readerStopped, String met, String stream, String consumer, List<Message> inHand,
                         Runnable reacked, Consumer<List<Long>> stranded, boolean raw, Supplier<String> soFar) throws Exception {
        Found found = find(fresh, stream, consumer, inHand, handled);
        if (found == null || found.bad() == null && !readerStopped) {
            return;
        }
        for (Message msg : inHand) {
            confirm(fresh, msg.getReplyTo(), "+ACK", "the ack of a message shown before it");
        }
        reacked.run();
        stranded.accept(found.unseen());
        if (found.bad() == null) {
            say("a message jnats cannot read stopped this run's connection, and another reader of the consumer dealt with "
                    + "it first: the run goes on over a new connection", raw, soFar);
            throw new GoOn();
        }
        String ackPrefix = "$JS.ACK." + stream + "." + consumer + ".1.";
        StoredMessage bad = found.bad();
        String ackSubject = ackPrefix + bad.seq() + "." + found.consumerSeq() + ".0.0";
        AckSubject delivery = AckSubject.parse(met);
        if (delivery != null) { // the message the run met, through its own ack subject (its delivery count and sequence)
            StoredMessage stored = StoredMessage.get(fresh, Connector.CONFIRM_WAIT, stream, "{\"seq\":" + delivery.streamSeq() + "}");
            if (stored != null && stored.problem() != null) {
                bad = stored;
                ackSubject = met;
            }
        }
        ackWait = found.comesBackAfter();
        show(bad, raw, soFar);
        switch (choice) {
            case term -> confirm(fresh, ackSubject, "+TERM", "the terminate");
            case ack -> confirm(fresh, ackSubject, "+ACK", "the ack");
            case nak -> confirm(fresh, ackSubject, "-NAK", "the nak");
            case stop -> { }
        }
        if (choice == Choice.nak || choice == Choice.stop) {
            throw Exit.failed("stopped at stream seq %d, which jnats cannot read: %s; run js-pull --on-unreadable "
                    + "term to skip it (it stays in the stream): %s", bad.seq(), choice == Choice.nak
                    ? "nak'd, it comes back at once" : "left unacked, it comes back after " + ackWait, soFar.get());
        }
        handled.add(bad.seq());
        throw new GoOn();
    }

    /**
     * The unreadable message (null: none pending), the others pending and never seen, a consumer sequence a
     * nak accepts, and when it comes back if left unacked (which delivery it had is not read here).
     */
    private record Found(StoredMessage bad, List<Long> unseen, long consumerSeq, String comesBackAfter) {
    }

    /**
     * The first delivered-but-unacked message jnats cannot read, and the others; null when the server does
     * not answer (a cluster electing a leader, say), since then the caller's own report is the right one.
     */
    private static Found find(Connection fresh, String stream, String consumer, List<Message> inHand, List<Long> dealtWith) {
        try {
            return search(fresh, stream, consumer, inHand, dealtWith);
        } catch (InterruptedException signal) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception noAnswer) {
            return null;
        }
    }

    private static Found search(Connection fresh, String stream, String consumer, List<Message> inHand, List<Long> dealtWith)
            throws Exception {
        ConsumerInfo info = fresh.jetStreamManagement().getConsumerInfo(stream, consumer);
        if (info.getNumAckPending() == 0) {
            return new Found(null, List.of(), info.getDelivered().getConsumerSequence(), "the ack wait");
        }
        String filter = info.getConsumerConfiguration().getFilterSubject();
        long last = info.getDelivered().getStreamSequence();
        long from = Math.max(info.getAckFloor().getStreamSequence() + 1, last - MOST_SEARCHED + 1);
        List<Long> shown = inHand.stream().map(m -> AckSubject.of(m).streamSeq()).toList();
        List<Long> unseen = new ArrayList<>();
        StoredMessage bad = null;
        for (long seq = from; seq <= last; seq++) {
            if (dealtWith.contains(seq)) {
                continue; // terminated or acked by this run: still above an ack floor another holds down
            }
            StoredMessage stored = StoredMessage.get(fresh, Connector.CONFIRM_WAIT, stream, "{\"seq\":" + seq + "}");
            if (stored == null || filter != null && !filter.isEmpty() && !Subjects.matches(filter, stored.subject())) {
                continue;
            }
            if (bad == null && stored.problem() != null) {
                bad = stored;
            } else if (!shown.contains(seq)) {
                unseen.add(seq); // delivered to the stopped reader, to another reader, or not pending at all
            }
        }
        // in range for a nak (above the ack floor); an ack or a terminate is matched by the stream sequence alone
        String after = Backoff.forDelivery(info.getConsumerConfiguration().getBackoff(), "its");
        return new Found(bad, unseen, info.getDelivered().getConsumerSequence(), after == null ? "the ack wait" : after);
    }

    /** For the run's last line: ", 1 unreadable message terminated (stream seq 2)", or "" when none. */
    String note() {
        if (handled.isEmpty()) {
            return "";
        }
        String seqs = handled.size() == 1 ? "stream seq " + handled.get(0)
                : "stream seqs " + String.join(", ", handled.stream().map(String::valueOf).toList());
        return String.format(Locale.ROOT, ", %d unreadable %s %s (%s)", handled.size(), handled.size() == 1 ? "message" : "messages",
                ordered ? "skipped" : choice == Choice.term ? "terminated" : "acked", seqs);
    }

    /** "WARN unreadable message ...": escaped, on stdout like every message (with --raw, on stderr). */
    private void show(StoredMessage bad, boolean raw, Supplier<String> soFar) {
        String line = String.format(Locale.ROOT, "unreadable message: %s (stream seq %d) headers: %s: jnats cannot read it (%s); %s",
                Output.quoted(bad.data()), bad.seq(), bad.headersShown(), bad.problem(), ordered
                        ? (choice == Choice.stop ? "the run stops here" : "skipped: the run reads on after it") : switch (choice) {
                    case term -> "terminated: never delivered again, it stays in the stream";
                    case ack -> "acked";
                    case nak -> "nak'd: it comes back at once";
                    case stop -> "left unacked: it comes back after " + ackWait;
                });
        say(line, raw, soFar);
    }

    /** A WARN line on stdout like every message (with --raw, on stderr). */
    private static void say(String line, boolean raw, Supplier<String> soFar) {
        if (raw) {
            System.err.println("WARN " + line);
            return;
        }
        log.warn(line);
        if (!Stdout.written()) {
            throw Stdout.lost(", so the run stopped: " + soFar.get());
        }
    }

    /** A request the server answers once it has taken it: an ack, a nak or a terminate. */
    private static void confirm(Connection nc, String subject, String what, String name) throws Exception {
        if (nc.request(subject, what.getBytes(StandardCharsets.US_ASCII), Connector.CONFIRM_WAIT) == null) {
            throw Exit.failed("the server did not confirm %s within %ds", name, Connector.CONFIRM_WAIT.toSeconds());
        }
    }
}
