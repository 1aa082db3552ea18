// How a js-pull run ended, in one line that adds up: the summary of a run that ended by itself
// (--max, messages coming back, a quiet wait), or the failure that ended it and what it did before.
// "none arrived" is said only when the wait really passed with the connection, the stream and the
// consumer still there.
//DEPS io.nats:jnats:2.26.2
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES PullCounts.java PullOptions.java UnreadableMessages.java ConnectionOptions.java Config.java
//SOURCES JetStreamErrors.java Output.java Stdout.java Exit.java Durations.java ReaderWatch.java WhyNothing.java Unanswered.java
//SOURCES AckSubject.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import org.slf4j.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

final class PullEnding {
    private final PullOptions flags;
    private final PullCounts counts;
    private final UnreadableMessages unreadable;
    private final ConnectionOptions connection;
    private final Runnable confirmedInHand;
    private String whyNone; // a run that got nothing: why, when the server's state tells
    private long lookedAtUpTo; // the consumer's delivery sequence when its pending messages were last looked at (takenForAStatus)

    PullEnding(PullOptions flags, PullCounts counts, UnreadableMessages unreadable, ConnectionOptions connection,
               Runnable confirmedInHand) {
        this.flags = flags;
        this.counts = counts;
        this.unreadable = unreadable;
        this.connection = connection;
        this.confirmedInHand = confirmedInHand;
    }

    /** The run's last lines: why none arrived (when the server's numbers tell), then LAST; with --raw on stderr, as stdout holds only the bodies. */
    void print(Logger log, String last) {
        if (flags.raw) {
            whyNone().ifPresent(why -> System.err.println(Output.printable("INFO why none arrived: " + why)));
            System.err.println(Output.line("INFO " + last, false));
        } else {
            whyNone().ifPresent(why -> log.info("why none arrived: {}", why));
            Output.summary(log, last);
        }
    }

    /** The last line of a run that ended by itself: --max, messages coming back, or a quiet wait. */
    String summary(Connection nc, Config config, double seconds) throws Exception {
        String why;
        boolean reachedMax = flags.max != null && counts.done() == flags.max;
        if (reachedMax) {
            why = flags.maxFlag() + " " + flags.max;
        } else if (counts.cameBack) {
            why = (counts.done() == 1 ? "stopped when it came back " : "stopped when one of them came back ") + counts.comeback;
        } else {
            why = quietWait(nc, config);
        }
        if (flags.ephemeral) {
            return "done: " + Output.messages(counts.done()) + " read through a throw-away consumer" + unreadable.note()
                    + ", no acks needed; durable consumer " + config.consumer + " did not move";
        }
        String count = Output.messages(counts.done()) + " pulled and "
                + flags.doneVerb() + unreadable.note();
        why += counts.held(shownVerb(), true); // delivered to this run and not done with: named too
        why += counts.shownAgain(shownVerb()); // stdout's lines add up too
        if (flags.inBatches()) {
            return String.format(Locale.ROOT, "done: %s in batches of %s (%s): %,.0f msgs/s, %.1f MB/s", count,
                    counts.batchesOf != null ? counts.batchesOf : String.valueOf(flags.batch), why,
                    counts.done() / Math.max(seconds, 1e-9), counts.bytes() / Math.max(seconds, 1e-9) / 1e6);
        }
        return "done: " + count + (reachedMax ? " (" + why + ")" : "; " + why);
    }

    /** No message came: the wait passed, or the server ended it early; or something is gone, and that is said. */
    private String quietWait(Connection nc, Config config) throws Exception {
        double waited = (System.nanoTime() - counts.waitStarted) / 1e9;
        takenForAStatus(stillThere(nc, config), config);
        if (counts.done() == 0 && unreadable.note().isEmpty() && !flags.ephemeral) { // got nothing at all
            try {
                whyNone = WhyNothing.why(nc, config.stream, config.consumer);
            } catch (IOException | JetStreamApiException unanswered) {
                whyNone = null; // the run's end does not hang on it
            }
        }
        if (waited + 0.05 >= config.wait.toMillis() / 1000.0) {
            return "none arrived in the last " + Durations.format(config.wait);
        }
        return String.format(Locale.ROOT, "the server ended the wait after %.1fs without a message", waited);
    }

    /** Why a run that got nothing got nothing, when the server's state tells. */
    private Optional<String> whyNone() {
        return Optional.ofNullable(whyNone);
    }

    /** A failure mid-run, in the lab's words, with what the run did before it. */
    LabException failure(Exception e, Connection nc, Config config, Duration ackTimeout) throws Exception {
        stillThere(nc, config); // gone: says which
        if (e instanceof UnreadableMessages.StatusLookalike) { // shown and dealt with: GoOn
            unreadable.explainLookalike(() -> connection.open(config), config.stream, config.consumer,
                    ((UnreadableMessages.StatusLookalike) e).ackSubject, counts::stranded, flags.raw, this::soFar);
            throw JetStreamErrors.connectionLost(config.shownUrl(), soFar());
        }
        if (e instanceof JetStreamStatusCheckedException || e instanceof JetStreamStatusException) {
            if (!flags.ephemeral) {
                lookalikePending(config);
            }
            return JetStreamErrors.pullEnded(e, nc.jetStreamManagement(), config.stream, flags.ephemeral ? null : config.consumer,
                    counts.consumerCreated, flags.ephemeral ? 0 : counts.lastDelivery(), this::soFarAtTheEnd, this::soFar);
        }
        if (e instanceof TimeoutException) {
            return Exit.failed("the server did not confirm the ack within %s: %s", Durations.seconds(ackTimeout), soFar());
        }
        if (Unanswered.is(e)) {
            return Unanswered.line(config.shownUrl(), Unanswered.askedAgain(e), soFar());
        }
        return Exit.failed("%s: %s", Output.printableStart(e.getMessage()), soFar());
    }

    /**
     * One at a time, a delivery whose stored headers begin with a status line ("NATS/1.0 100 ...", 404, 408, 503)
     * never reaches next(): jnats takes it for the server's word on the request (a heartbeat, no messages, the
     * request's end) and waits on or returns empty, and the message stays ack pending, to be taken so again after
     * each ack wait. So when a wait came back empty, the consumer (its info just asked, `info`) holds more unacked than
     * this run does, and it delivered something this run never got (past the last delivery the run knows of, or
     * between two of its own), its pending messages are looked at, once for each delivery sequence it has reached:
     * one such is shown and dealt with as a message jnats cannot read, and the run goes on (GoOn). A run that got no
     * delivery it missed does not look: one another run dealt with earlier is not taken for this run's.
     */
    void takenForAStatus(ConsumerInfo info, Config config) throws Exception {
        if (info != null && !flags.inBatches() && info.getNumAckPending() > counts.heldUnacked()
                && (info.getDelivered().getConsumerSequence() > counts.lastDelivery() || counts.deliveryUnseen)
                && info.getDelivered().getConsumerSequence() > lookedAtUpTo) {
            lookedAtUpTo = info.getDelivered().getConsumerSequence(); // nothing there: another reader's, not looked at again
            counts.deliveryUnseen = false;
            try {
                lookalikePending(config);
            } catch (UnreadableMessages.GoOn found) {
                // a request jnats took for ended early by such a message had its one message: none is left open for it
                counts.endedEarly = Math.max(0, counts.endedEarly - 1);
                throw found;
            }
        }
    }

    /**
     * jnats took something on the run's inbox for a status from the server: when it was a delivery whose stored headers
     * begin with a status line, it is shown and dealt with as a message jnats cannot read (and the run goes on: GoOn).
     */
    void lookalikePending(Config config) throws Exception {
        unreadable.explainLookalike(() -> connection.open(config), config.stream, config.consumer, null, counts::stranded,
                flags.raw, this::soFar);
    }

    /**
     * One consumer gives each delivery, a redelivery too, the next consumer sequence: a delivery not past the last
     * this run saw came from a consumer made anew under the name, which pull requests sent after the deletion reach
     * without any status. When its info confirms it (another creation time), the run's consumer was deleted.
     */
    void sameConsumer(Connection nc, Config config, Message msg) {
        AckSubject delivery = AckSubject.of(msg);
        if (delivery == null || delivery.consumerSeq() > counts.lastDelivery()) {
            return;
        }
        ConsumerInfo now;
        try {
            now = nc.jetStreamManagement().getConsumerInfo(config.stream, config.consumer);
        } catch (JetStreamApiException | IOException unknown) {
            return; // the run's own checks say what is gone, or that no answer came
        }
        if (!JetStreamErrors.sameAge(now, counts.consumerCreated)) {
            throw JetStreamErrors.consumerDeleted(config.consumer, this::soFarAtTheEnd);
        }
    }

    /**
     * The connection, the stream and the consumer are all still there, or one line says which one is gone; the
     * consumer's info as it answered (null with --ephemeral).
     */
    ConsumerInfo stillThere(Connection nc, Config config) throws Exception {
        try {
            // a reader stopped by a message it cannot read answers no ping: no need to wait for one
            if (ReaderWatch.stopped(nc) == null && JetStreamErrors.answers(nc)) {
                return JetStreamErrors.stillThere(nc, config.stream, flags.ephemeral ? null : config.consumer, this::soFarAtTheEnd);
            }
        } catch (IOException noAnswer) { // the connection went while asking, or JetStream did not answer
            if (JetStreamErrors.answers(nc)) {
                throw Unanswered.is(noAnswer) || ReaderWatch.unreadableAnswer() != null
                        ? Unanswered.line(config.shownUrl(), Unanswered.askedAgain(noAnswer), soFar())
                        : Exit.failed("the server did not answer a JetStream request (%s): %s", Output.printableStart(noAnswer.getMessage()),
                        soFar());
            }
        }
        // the connection may be up with jnats' reader stopped by a message it cannot read
        if (flags.ephemeral) {
            unreadable.explainOrdered(nc, () -> connection.open(config), config.stream, config.subject, counts.lastShown,
                    flags.raw, this::soFar);
        } else {
            unreadable.explain(nc, () -> connection.open(config), config.stream, config.consumer,
                    counts.batchInHand, confirmedInHand, counts::stranded, flags.raw, this::soFar);
        }
        throw JetStreamErrors.connectionLost(config.shownUrl(), soFar());
    }

    LabException stdoutFailed() {
        return Stdout.lost(", so the run stopped: " + soFar());
    }

    String soFar() {
        return soFar(true);
    }

    /** What this run did so far, for a line that ends it early: counts, and (while the consumer is there) what comes back. */
    String soFar(boolean comesBack) {
        return soFar(comesBack, false);
    }

    /** The same where the server ended the pull, or the consumer is gone: nothing comes back (and when gone, nothing is left). */
    private String soFarAtTheEnd(boolean consumerGone) {
        return soFar(false, consumerGone);
    }

    private String soFar(boolean comesBack, boolean consumerGone) {
        String count = Output.messages(counts.done()) + " " + shownVerb();
        if (flags.ephemeral) {
            return count + unreadable.note() + " (no acks: the durable consumer did not move)";
        }
        return count + " and " + flags.doneVerb() + unreadable.note() + (consumerGone ? counts.heldByAGoneConsumer(shownVerb())
                : counts.held(shownVerb(), comesBack)) + counts.shownAgain(shownVerb());
    }

    private String shownVerb() {
        return flags.quiet ? "pulled" : "printed";
    }
}
