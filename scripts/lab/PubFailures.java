// Why a js-pub run fell short, in one line with the exit code for that reason: no stream takes
// the subject, the server refused (and why), the connection went, the stream was deleted or (on a
// cluster) has no leader, or PubAcks stopped coming. What was confirmed comes first, from PubAcks.
//DEPS io.nats:jnats:2.26.2
//SOURCES PubAcks.java PubSummary.java JetStreamErrors.java Config.java Exit.java Output.java Durations.java Unanswered.java
//SOURCES ReaderWatch.java
//SOURCES Failover.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

final class PubFailures {
    private final PubAcks acks;
    private final Duration ackTimeout;

    PubFailures(PubAcks acks, Duration ackTimeout) {
        this.acks = acks;
        this.ackTimeout = ackTimeout;
    }

    /**
     * A bulk run that fell short: the counts, and why; gaveUpAfter: how long a run that fails over went
     * without a PubAck before it gave up (null when it did not); shortest: the run's shortest payload, in bytes.
     */
    LabException shortfall(long total, Connection nc, Config config, boolean failsOver, Duration gaveUpAfter, long shortest) {
        Throwable error = acks.failure.get();
        if (acks.confirmed.get() == 0 && JetStreamErrors.isNoResponders(error) && gaveUpAfter == null) {
            return JetStreamErrors.noStreamCaptures(nc, config.subject, "");
        }
        String counts = "only " + PubSummary.shortfall(acks, total);
        if (JetStreamErrors.refusedForGood(error)) {
            JetStreamApiException refused = JetStreamErrors.refusal(error);
            return Exit.failed("%s; refused %s", counts, JetStreamErrors.refusedPublish(refused, shortest,
                    maxBytes(refused, nc, config.subject)));
        }
        if (JetStreamErrors.isNoResponders(error)) {
            return streamGoneOrLeaderless(nc, config, counts, true, gaveUpAfter);
        }
        String notAPubAck = JetStreamErrors.notAPubAck(error);
        if (notAPubAck != null) {
            return Exit.failed("%s: %s", counts, notAPubAck);
        }
        if (error instanceof IllegalStateException || connectionGone(nc)) {
            return JetStreamErrors.connectionLost(config.shownUrl(), counts);
        }
        String unreadable = ReaderWatch.unreadableAnswer(nc);
        if (unreadable != null) {
            return Exit.failed("%s: %s", counts, unreadable);
        }
        return failsOver ? streamGoneOrLeaderless(nc, config, counts, false, gaveUpAfter) : noPubAckInTime(counts, false);
    }

    /** What the single publishes so far came to: confirmed, refused, and sent without an answer. */
    String singlesSoFar() {
        PubAcks.Counts at = acks.counts();
        String line = Output.messages(at.confirmed()) + " confirmed by a PubAck";
        if (at.refused() > 0) {
            line += ", " + at.refused() + " refused by the server";
        }
        if (at.unanswered() > 0) {
            line += ", " + at.unanswered() + " sent without an answer (it may or may not be stored)";
        }
        return line;
    }

    /** A single publish the server refused: not stored. "No leader right now" is no refusal: the stream may yet store it. */
    LabException refusedOne(JetStreamApiException refused, Connection nc, String subject, String shownBody, long payload,
                            Supplier<String> before) {
        if (Unanswered.noLeaderNow(refused)) {
            return JetStreamErrors.noStreamCaptures(nc, subject, before.get());
        }
        acks.refusedOne(); // before the line's counts are taken: it counts among them
        return Exit.failed("%s was refused %s%s", shownBody, JetStreamErrors.refusedPublish(refused, payload,
                maxBytes(refused, nc, subject)), before.get());
    }

    /** For a refusal over max bytes: the stream's max bytes, asked once (-1 for any other refusal, or no answer). */
    private static long maxBytes(JetStreamApiException refused, Connection nc, String subject) {
        if (!JetStreamErrors.overMaxBytes(refused)) {
            return -1;
        }
        try {
            JetStreamManagement jsm = nc.jetStreamManagement();
            List<String> streams = jsm.getStreamNames(subject);
            return streams.size() != 1 ? -1 : jsm.getStreamInfo(streams.get(0)).getConfiguration().getMaxBytes();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return -1; // the refusal is said without it
        }
    }

    /** A single publish without a PubAck: no stream has the subject, the connection went, or it may or may not be stored. */
    LabException notConfirmed(IOException e, Connection nc, String subject, String shownBody, String shownUrl,
                              Supplier<String> before) {
        if (JetStreamErrors.isNoResponders(e)) {
            if (nc.getServerInfo().getCluster() == null || JetStreamErrors.accountWithoutJetStream(nc)) {
                acks.refusedOne(); // one server, and nobody took it (or no JetStream for this login anywhere): not stored
            } // on a cluster, a stream between leaders may still store it: not counted either way
            return JetStreamErrors.noStreamCaptures(nc, subject, before.get());
        }
        String what = String.format(Locale.ROOT, "no PubAck for %s, so it may or may not be stored", shownBody);
        if (connectionGone(nc)) {
            return JetStreamErrors.connectionLost(shownUrl, what + before.get());
        }
        String notAPubAck = JetStreamErrors.notAPubAck(e);
        String unreadable = ReaderWatch.unreadableAnswer(nc);
        String text = notAPubAck != null ? notAPubAck
                : unreadable != null ? unreadable
                : Unanswered.is(e) ? "no answer in time: " + Unanswered.ON_ONE_SERVER
                : e.getMessage() == null ? "no answer" : Output.printableStart(e.getMessage().lines().findFirst().orElse(""));
        return Exit.failed("%s: %s%s", what, text, before.get());
    }

    /**
     * The connection itself went (jnats saw it close). A ping that gets no answer while the connection is
     * up proves less: on a slow link it waits behind megabytes of bodies still on their way.
     */
    static boolean connectionGone(Connection nc) {
        return !JetStreamErrors.answers(nc) && nc.getStatus() != Connection.Status.CONNECTED;
    }

    /**
     * Silence; or, while others still came, one message waited longer than jnats waits for an answer. Through a
     * failover the run sent again what got no answer, and gave up only after Failover's bound without a PubAck.
     */
    private LabException noPubAckInTime(String counts, boolean askedAgain) {
        return acks.answeredWithin(ackTimeout)
                ? Exit.failed("%s: a message got no PubAck within jnats' request timeout while others were still "
                        + "answered (the server or the link is slow for this much at once: try a smaller --window)", counts)
                : askedAgain ? Exit.failed("%s: no PubAck came for %s, though what had none was sent again (same Nats-Msg-Id)",
                        counts, Durations.format(Failover.NO_LEADER_FOR))
                : Exit.failed("%s: no PubAck came for %s", counts, Durations.seconds(ackTimeout));
    }

    /**
     * The server answers but the stream did not: deleted mid-run, or (on a cluster) without a leader; the
     * stream's info tells. The stream is the one the PubAcks named, which stored the run's messages (the
     * config's stream may be another, or none: --subject chooses where they go); before any PubAck, the
     * one that captures the subject.
     */
    private LabException streamGoneOrLeaderless(Connection nc, Config config, String counts, boolean noResponders,
                                                Duration gaveUpAfter) {
        String stream = acks.streamName();
        try {
            JetStreamManagement jsm = nc.jetStreamManagement();
            List<String> capturing = stream != null ? List.of(stream) : jsm.getStreamNames(config.subject);
            if (capturing.isEmpty()) {
                return JetStreamErrors.noStreamCaptures(nc, config.subject, ": " + counts, gaveUpAfter);
            }
            stream = capturing.get(0);
            jsm.getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
                return JetStreamErrors.streamDeleted(Output.printable(stream), null, counts); // the name is the server's text
            }
            return JetStreamErrors.noStreamCaptures(nc, config.subject, ": " + counts, gaveUpAfter); // 10008: no leader, no quorum
        } catch (IOException | RuntimeException noAnswer) {
            if (nc.getServerInfo().getCluster() == null) { // one server, answering nothing: no reason to name but that
                return Exit.failed("%s: the server at %s answers nothing (no PubAck, and no answer about %s either)",
                        counts, config.shownUrl(), stream != null ? "stream " + Output.printable(stream)
                                : "the stream for subject " + config.subject);
            }
            return JetStreamErrors.noStreamCaptures(nc, config.subject, ": " + counts, gaveUpAfter);
        }
        return noResponders ? JetStreamErrors.noStreamCaptures(nc, config.subject, ": " + counts, gaveUpAfter)
                : noPubAckInTime(counts, true);
    }
}
