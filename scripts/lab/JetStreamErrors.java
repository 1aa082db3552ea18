// The JetStream API's error codes the scripts act on, named once, and the one line each becomes:
// a missing stream or consumer says to run js-bootstrap, any other refusal quotes the server.
//DEPS io.nats:jnats:2.26.2
//SOURCES Exit.java Output.java DiscardNew.java Unanswered.java Limit.java Durations.java ServerWords.java

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.JsonValue;
import io.nats.client.support.Status;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

final class JetStreamErrors {
    static final int CONSUMER_NOT_FOUND = 10014;
    static final int STREAM_NOT_FOUND = 10059;
    /** The server has JetStream, but not for the account of this run's login ("JetStream not enabled for account"). */
    static final int NOT_FOR_THIS_ACCOUNT = 10039;
    /** Another stream already captures the subject. */
    static final int SUBJECT_OVERLAP = 10065;
    /** A consumer's filter that is none of its stream's subjects, nor under one ("not a valid subset"). */
    static final int FILTER_NOT_IN_STREAM = 10093;
    /** A work-queue stream refuses a second consumer that takes everything ("multiple non-filtered consumers"). */
    static final int WORK_QUEUE_UNFILTERED = 10099;
    /** ... and one whose filter overlaps another consumer's ("filtered consumer not unique"). */
    static final int WORK_QUEUE_NOT_UNIQUE = 10100;

    private JetStreamErrors() {
    }

    /** The stream's info, when the answer is one (see checked). */
    static StreamInfo streamInfo(JetStreamManagement jsm, String stream) throws IOException, JetStreamApiException {
        return checked(jsm.getStreamInfo(stream), stream);
    }

    /** The same, asked through a stream's context. */
    static StreamInfo streamInfo(StreamContext stream) throws IOException, JetStreamApiException {
        return checked(stream.getStreamInfo(), stream.getStreamName());
    }

    /**
     * jnats reads any JSON object as a stream's info ({} is an empty stream it calls UNDEFINED), so an answer
     * whose config names no stream, or another, is refused here before a count or a setting is taken from it.
     */
    static StreamInfo checked(StreamInfo info, String stream) {
        JsonValue config = info.getJv() == null || info.getJv().map == null ? null : info.getJv().map.get("config");
        String named = text(config, "name");
        if (!stream.equals(named)) {
            throw Exit.failed("the server's answer about stream %s is not a stream's info (it names %s), so nothing was "
                    + "done with it: check that the server is a NATS server with JetStream", Output.printable(stream),
                    named == null ? "no stream" : Output.quoted(named));
        }
        return info;
    }

    /** The consumer's info, when the answer is one (see checked). */
    static io.nats.client.api.ConsumerInfo consumerInfo(JetStreamManagement jsm, String stream, String consumer)
            throws IOException, JetStreamApiException {
        return checked(jsm.getConsumerInfo(stream, consumer), stream, consumer);
    }

    /** As for a stream's: jnats reads any JSON object as a consumer's info, so its own stream and name must be these. */
    static io.nats.client.api.ConsumerInfo checked(io.nats.client.api.ConsumerInfo info, String stream, String consumer) {
        String inStream = text(info.getJv(), "stream_name");
        String named = text(info.getJv(), "name");
        if (!stream.equals(inStream) || !consumer.equals(named)) {
            throw Exit.failed("the server's answer about consumer %s of stream %s is not that consumer's info (it names %s), "
                    + "so nothing was done with it: check that the server is a NATS server with JetStream",
                    Output.printable(consumer), Output.printable(stream), named == null ? "no consumer"
                    : "consumer " + Output.quoted(named) + " of " + (inStream == null ? "no stream" : "stream " + Output.quoted(inStream)));
        }
        return info;
    }

    /** A top-level text field of an answer's JSON; null when there is none. */
    private static String text(JsonValue answer, String field) {
        JsonValue value = answer == null || answer.map == null ? null : answer.map.get(field);
        return value == null ? null : value.string;
    }

    /** The answer of a consumer (or stream) that is not there: deleted, when it was there before. */
    static boolean gone(JetStreamApiException e) {
        return e.getApiErrorCode() == CONSUMER_NOT_FOUND || e.getApiErrorCode() == STREAM_NOT_FOUND;
    }

    /** The call's answer, or null when the server answers with this error code (STREAM_NOT_FOUND, say). */
    static <T> T orNull(int code, Unanswered.ApiCall<T> call) throws IOException, JetStreamApiException {
        try {
            return call.call();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == code) {
                return null;
            }
            throw e;
        }
    }

    /** The lab's stream, or one line saying to run js-bootstrap. */
    static StreamContext streamContext(Connection nc, String stream, String shownUrl) throws IOException {
        try {
            return Unanswered.throughElection(nc, () -> nc.getStreamContext(stream));
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == STREAM_NOT_FOUND ? streamNotFound(stream, shownUrl)
                    : refusalLine("cannot read stream " + stream, e, "");
        }
    }

    /** The lab's durable consumer, or one line saying to run js-bootstrap. */
    static ConsumerContext consumerContext(Connection nc, String stream, String consumer, String shownUrl)
            throws IOException {
        StreamContext streamContext = streamContext(nc, stream, shownUrl);
        try {
            ConsumerContext context = Unanswered.throughElection(nc, () -> streamContext.getConsumerContext(consumer));
            checked(context.getCachedConsumerInfo(), stream, consumer); // js-pull takes its limits from it
            return context;
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == CONSUMER_NOT_FOUND ? consumerNotFound(consumer, stream)
                    : refusalLine("cannot read consumer " + consumer, e, "");
        }
    }

    static LabException streamNotFound(String stream, String shownUrl) {
        return Exit.notFound("stream %s not found at %s: run js-bootstrap first", stream, shownUrl);
    }

    static LabException consumerNotFound(String consumer, String stream) {
        return Exit.notFound("consumer %s not found on stream %s: run js-bootstrap first", consumer, stream);
    }

    /** A publish nobody answered: jnats says "503 No Responders", which for JetStream means no stream has the subject. */
    static boolean isNoResponders(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // the status code as a word of its own, never a message's number in a timeout's text ("message 9503")
            if (!(t instanceof java.util.concurrent.TimeoutException) && STATUS_503.matcher(String.valueOf(t.getMessage())).find()) {
                return true;
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern STATUS_503 = java.util.regex.Pattern.compile("(?<![0-9])503(?![0-9])");

    /** Whether the server is still there: connected, and answering a ping (one shutting down may not be). */
    static boolean answers(Connection nc) {
        try {
            nc.flush(Duration.ofSeconds(2));
            return nc.getStatus() == Connection.Status.CONNECTED;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The connection went mid-run (the server stopped, restarted or stopped answering, the network dropped): nothing
     * more can be confirmed. A server that answers no PING keeps its socket open; Failover leaves it as if it were gone.
     */
    static LabException connectionLost(String shownUrl, String sofar) {
        return Exit.unreachable("lost the connection to the server at %s mid-run (%s): %s", shownUrl, ServerWords.whyClosed(),
                sofar);
    }

    /** What a run did so far, for its last line; worded for a consumer that is gone (deleted, or its stream) when that is so. */
    interface SoFar {
        String said(boolean consumerGone);
    }

    /**
     * Fails with one line when the stream or consumer (null: only the stream) is gone, deleted while the run went on;
     * the consumer's info as it answered (null when only the stream was asked about).
     */
    static ConsumerInfo stillThere(Connection nc, String stream, String consumer, SoFar sofar) throws IOException {
        JetStreamManagement jsm = nc.jetStreamManagement();
        try {
            if (consumer == null) {
                jsm.getStreamInfo(stream);
                return null;
            }
            return jsm.getConsumerInfo(stream, consumer);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
                throw streamDeleted(stream, consumer, sofar.said(true));
            }
            if (e.getApiErrorCode() == CONSUMER_NOT_FOUND) {
                throw consumerDeleted(consumer, sofar);
            }
            throw e.getApiErrorCode() == 0 ? Exit.failed("%s", Output.printableStart(e.getMessage())) : refusalLine(null, e, "");
        }
    }

    /** The stream (and the consumer on it, when one is named) was deleted while the run went on. */
    static LabException streamDeleted(String stream, String consumer, String sofar) {
        return Exit.notFound("stream %s was deleted during the run%s: %s; run js-bootstrap to create it again",
                stream, consumer == null ? "" : " (and consumer " + consumer + " with it)", sofar);
    }

    static LabException consumerDeleted(String consumer, SoFar sofar) {
        return Exit.notFound("consumer %s was deleted during the run: %s; run js-bootstrap to create it again", consumer,
                sofar.said(true));
    }

    /**
     * A pull the server ended with a status (409 and the like) instead of messages, in the lab's words. A status is
     * a message on the run's inbox, which anything that sees the pull requests can send too: one that says the
     * consumer was deleted, or is a push consumer, is believed unless the consumer's info shows the same consumer
     * (sameConsumer) still there and pulling (`consumer` null: --ephemeral's throw-away consumer).
     */
    static LabException pullEnded(Exception e, JetStreamManagement jsm, String stream, String consumer, java.time.ZonedDateTime created,
                                  long seen, SoFar sofar, java.util.function.Supplier<String> goesOn) {
        Status status = statusOf(e);
        String said = status == null ? e.getMessage() : status.getMessage(); // a status's words: escaped once, where shown
        String code = status == null ? "" : " (status " + status.getCode() + ")";
        boolean deleted = Status.CONSUMER_DELETED.equals(said);
        boolean push = Status.CONSUMER_IS_PUSH_BASED.equals(said);
        if (consumer != null && (deleted || push)) {
            io.nats.client.api.ConsumerInfo info;
            try {
                info = jsm.getConsumerInfo(stream, consumer);
            } catch (JetStreamApiException | IOException unknown) {
                info = null; // gone, or no answer: the status may well be true
            }
            String pushesTo = info == null ? null : info.getConsumerConfiguration().getDeliverSubject();
            if (info == null || !sameConsumer(info, created, seen)) { // gone, or deleted and another made under its name
                return push && info != null && pushesTo != null ? pushConsumer(consumer, pushesTo)
                        : deleted || info != null ? consumerDeleted(consumer, sofar) : pushConsumer(consumer, null);
            }
            if (deleted || pushesTo == null) {
                return Exit.failed("a status on this run's inbox said %s%s, but consumer %s is there%s, so it is not "
                        + "the server's (anything allowed to see this run's pull requests can send one): %s", Output.quotedStart(said),
                        code, consumer, push ? " and is a pull consumer" : "", goesOn.get());
            }
            return pushConsumer(consumer, pushesTo);
        }
        if (consumer == null && deleted) {
            return Exit.notFound("the throw-away consumer was deleted during the run (by someone else: the server removes it "
                    + "only once the run is over): %s; run js-pull --ephemeral again to read from the start", sofar.said(false));
        }
        return Exit.failed("the server ended the pull from %s: %s%s: %s", consumer == null ? "the throw-away consumer"
                : "consumer " + consumer, Output.printableStart(said), code, sofar.said(false));
    }

    /**
     * A status on the run's inbox saying the consumer was deleted, or is a push consumer, while its info shows the
     * same consumer (sameConsumer) there and pulling: the warning to print, the run going on as after any status
     * that ends a pull early. Any other status, or one that may be true, is thrown again (then pullEnded words
     * the run's end).
     */
    static <E extends Exception> String disproved(E status, String consumer, java.time.ZonedDateTime created, long seen,
                                                  java.util.concurrent.Callable<io.nats.client.api.ConsumerInfo> info) throws E {
        Status said = statusOf(status);
        if (said == null || consumer == null
                || !Status.CONSUMER_DELETED.equals(said.getMessage()) && !Status.CONSUMER_IS_PUSH_BASED.equals(said.getMessage())) {
            throw status;
        }
        io.nats.client.api.ConsumerInfo now;
        try {
            now = info.call();
        } catch (Exception unknown) {
            throw status; // gone, or no answer: the status may well be true
        }
        if (now.getConsumerConfiguration().getDeliverSubject() != null || !sameConsumer(now, created, seen)) {
            throw status;
        }
        return String.format(Locale.ROOT, "a status on this run's inbox said %s (status %d), but consumer %s is there and "
                + "pulls, so the run goes on (anything allowed to see this run's pull requests can send one)",
                Output.quotedStart(said.getMessage()), said.getCode(), consumer);
    }

    /**
     * The consumer the run began with, not one made under its name since: created when the run's was (null: not
     * known), and its deliveries not behind the last one this run saw (`seen`, its consumer sequence), where a new
     * consumer starts from none. Within 100 ms, as nats-server 2.9 gives a consumer's creation time again, a
     * little off, after a restart.
     */
    private static boolean sameConsumer(io.nats.client.api.ConsumerInfo now, java.time.ZonedDateTime created, long seen) {
        return sameAge(now, created) && now.getDelivered() != null && now.getDelivered().getConsumerSequence() >= seen;
    }

    /** Created when the run's consumer was (null: not known), within 100 ms (see sameConsumer). */
    static boolean sameAge(io.nats.client.api.ConsumerInfo now, java.time.ZonedDateTime created) {
        return created == null || now.getCreationTime() != null
                && Math.abs(java.time.Duration.between(created, now.getCreationTime()).toMillis()) <= 100;
    }

    /** The status a pull ended with, as jnats throws it (wrapped or not), or null for any other failure. */
    private static Status statusOf(Exception e) {
        return e instanceof JetStreamStatusCheckedException checked && checked.getCause() instanceof JetStreamStatusException cause
                ? cause.getStatus() : e instanceof JetStreamStatusException direct ? direct.getStatus() : null;
    }

    /** A push consumer hands messages to a subject of its own: nothing can pull from it. */
    static LabException pushConsumer(String consumer, String deliverSubject) {
        return Exit.failed("consumer %s is a push consumer (it delivers to %s), and js-pull needs a pull consumer: "
                + "use another --consumer, or rerun js-bootstrap --recreate to make it a pull consumer", consumer,
                deliverSubject == null ? "a subject of its own" : "subject " + deliverSubject);
    }

    static boolean workQueueTaken(JetStreamApiException e) {
        return e.getApiErrorCode() == WORK_QUEUE_UNFILTERED || e.getApiErrorCode() == WORK_QUEUE_NOT_UNIQUE;
    }

    /** On a work-queue stream each message goes to one consumer: a second one wanting the same messages is refused. */
    static LabException workQueueTaken(JetStreamApiException e, String stream, String consumer, List<String> others) {
        List<String> taking = others.stream().filter(other -> !other.equals(consumer)).toList();
        String owner = taking.isEmpty() ? "another consumer" : "consumer " + String.join(", ", taking);
        return Exit.failed("stream %s is a work queue, where each message goes to one consumer only, and %s already "
                + "takes those messages, so the server refuses consumer %s (%s, error %d): run more js-pull on %s to share "
                + "the work, or read with a stream of retention limits", stream, owner, consumer, Output.printableStart(e.getErrorDescription()),
                e.getApiErrorCode(), taking.isEmpty() ? "that one" : taking.get(0));
    }

    static LabException noStreamCaptures(String subject, String sofar) {
        return Exit.notFound("no stream captures subject %s: run js-bootstrap first%s", subject, sofar);
    }

    /**
     * The server's refusal among a failure's causes (a failed publishAsync wraps it twice), or null. An answer
     * that is not JSON is none: jnats makes an error 500 of it, but the server said neither yes nor no.
     */
    static JetStreamApiException refusal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof JetStreamApiException api) {
                return notJson(api) ? null : api;
            }
        }
        return null;
    }

    /** An answer shaped like a PubAck that JetStream could not have sent (see unlikePubAck). */
    static final class NotAPubAck extends IOException {
        NotAPubAck(String why) {
            super(why);
        }
    }

    /**
     * Null for a PubAck JetStream could have sent; otherwise why not: its sequence is at least 1, and its stream
     * name is one the server takes (none of whitespace, '.', '*' and '>'; other odd characters it allows, and
     * they are shown escaped). Anything that listens on a subject can answer a publish: a name made to hold a
     * line break would otherwise go on into the API subjects the run asks about that stream.
     */
    static NotAPubAck unlikePubAck(String stream, long seq) {
        if (seq < 1) {
            return new NotAPubAck("the server's answer is not a PubAck: its sequence is " + seq + ", and a stream's start at 1");
        }
        if (stream == null || stream.isEmpty() || !takenAsStreamName(stream)) {
            return new NotAPubAck("the server's answer is not a PubAck: it names stream " + Output.quoted(String.valueOf(stream))
                    + ", which nats-server does not take as a stream's name (no spaces, line breaks, '.', '*', '>' or '/')");
        }
        return null;
    }

    /** A plain loop: a bulk publish asks this of every PubAck. */
    private static boolean takenAsStreamName(String stream) {
        for (int i = 0; i < stream.length(); i++) {
            if (" \t\r\n\f.*>/".indexOf(stream.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Throws NotAPubAck for a PubAck JetStream could not have sent (see unlikePubAck). */
    static void checkPubAck(io.nats.client.api.PublishAck ack) throws NotAPubAck {
        NotAPubAck unlike = unlikePubAck(ack.getStream(), ack.getSeqno());
        if (unlike != null) {
            throw unlike;
        }
    }

    /**
     * Why an answer to a publish is no PubAck, or null when it is one or a refusal: not JSON (jnats' own error
     * 500, without the err_code every server refusal has), JSON without a stream and a sequence, or a stream
     * and sequence JetStream could not have sent.
     */
    static String notAPubAck(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof NotAPubAck) {
                return t.getMessage();
            }
            if (t instanceof JetStreamApiException api && notJson(api)) {
                return "the server's answer is not a PubAck jnats can read (jnats: " + Output.printableStart(api.getErrorDescription()) + ")";
            }
            if (t instanceof IOException && "Invalid JetStream ack.".equals(t.getMessage())) {
                return "the server's answer is not a PubAck: JSON without a stream and a sequence";
            }
        }
        return null;
    }

    /** A refusal that stays one: not a "no leader right now" (try again once one is elected). */
    static boolean refusedForGood(Throwable error) {
        JetStreamApiException api = refusal(error);
        return api != null && !Unanswered.noLeaderNow(api);
    }


    /** Whether a publish was refused for the stream's max bytes (with discard new). */
    static boolean overMaxBytes(JetStreamApiException e) {
        return String.valueOf(e.getErrorDescription()).toLowerCase(Locale.ROOT).contains("maximum bytes");
    }

    /**
     * Why the server refused a publish, to follow "refused ": in plain words, then the server's own (which a search
     * finds). payload: the message's bytes; maxBytes: the stream's, or -1 when not known (or none).
     */
    static String refusedPublish(JetStreamApiException e, long payload, long maxBytes) {
        String said = e.getErrorDescription() == null ? "" : e.getErrorDescription().toLowerCase(Locale.ROOT);
        if (overMaxBytes(e) && !Limit.unlimited(maxBytes) && payload > maxBytes) {
            return String.format(Locale.ROOT, "because the message alone (%d bytes of payload) is larger than the "
                    + "stream's max_bytes (%d), so it can never fit, however empty the stream: raise --max-bytes or send "
                    + "a smaller one (%s, error %d)", payload, maxBytes, Output.printableStart(e.getErrorDescription()),
                    e.getApiErrorCode());
        }
        String why = said.contains("maximum messages per subject") ? "the stream is full for this subject: it holds "
                + "its max_msgs_per_subject and, with discard new, refuses new messages"
                : said.contains("maximum messages") ? "the stream is full: it holds its max_msgs and, with discard new, "
                + "refuses new messages instead of dropping old ones"
                : said.contains("maximum bytes") ? "the stream is full: with this message's payload it would reach its "
                + "max_bytes, so with discard new it refuses it (" + DiscardNew.AT_MAX_BYTES + ")"
                : said.contains("insufficient resources") ? "the server is out of JetStream storage: its "
                + "max_file_store (or max_memory_store) is used up"
                : said.contains("message size exceeds") ? "the message is larger than the stream's max_msg_size"
                : null;
        String server = Output.printableStart(e.getErrorDescription()) + ", error " + e.getApiErrorCode();
        return why == null ? "by the server: " + server : "because " + why + " (" + server + ")";
    }

    /**
     * A publish nobody answered. On one server no stream has the subject; on a cluster the stream may
     * also be without a leader (one just died, or a majority of its servers is down): ask which, so the
     * line says so. On 2.9.10 a message published in that moment was seen stored once the new leader
     * took over: so "not confirmed", never "not stored".
     */
    static LabException noStreamCaptures(Connection nc, String subject, String sofar) {
        return noStreamCaptures(nc, subject, sofar, null);
    }

    /** The same, for a run that sent again through a failover and gave up after gaveUpAfter (null: it did not). */
    static LabException noStreamCaptures(Connection nc, String subject, String sofar, Duration gaveUpAfter) {
        String noPubAck = gaveUpAfter == null ? "no PubAck" : "no PubAck within " + Durations.format(gaveUpAfter) + " of sending again";
        if (nc.getServerInfo().getCluster() == null) {
            JetStreamApiException account = accountRefusal(nc); // its publishes reach no stream, whatever js-bootstrap made
            return account != null ? refusalLine(null, account, sofar) : noStreamCaptures(subject, sofar);
        }
        List<String> streams;
        try {
            streams = nc.jetStreamManagement().getStreamNames(subject);
        } catch (JetStreamApiException | IOException | RuntimeException e) { // 10008, or no answer at all
            if (e instanceof JetStreamApiException api && !Unanswered.noLeaderNow(api)) { // no JetStream for the account, say
                return refusalLine(noPubAck, api, sofar);
            }
            return Exit.failed("%s: cluster %s has no JetStream leader right now (an election takes seconds; if this "
                    + "persists, a majority of its servers is down or cut off; %s answers); not confirmed, so not counted as stored%s", noPubAck,
                    nc.getServerInfo().getCluster(), nc.getServerInfo().getServerName(), sofar);
        }
        if (streams.isEmpty()) {
            return noStreamCaptures(subject, sofar);
        }
        return Exit.failed("%s: stream %s has no leader right now, so the message is not confirmed (a leader "
                + "elected that moment may still store it: publish again with --msg-id to keep one copy); after a leader "
                + "dies the others elect one within seconds; if this persists, a majority of its replicas is down: js-info "
                + "shows which%s", noPubAck, String.join(", ", streams), sofar);
    }

    /** A stream's duplicate window longer than its max age ("duplicates window can not be larger then max age"). */
    static final int WINDOW_OVER_MAX_AGE = 10052;

    /** The server refuses a duplicate window longer than the max age: what to change, in one line. */
    static LabException windowOverMaxAge(JetStreamApiException e, String stream) {
        return Exit.failed("stream %s would have a duplicate window longer than its max age, which the server refuses "
                + "(%s, error %d): give [stream] duplicate_window_secs at most the max age (js-info shows both), or a "
                + "longer --max-age", stream, Output.printableStart(e.getErrorDescription()), e.getApiErrorCode());
    }

    /** Any other refusal, in the server's own words. */
    static String refused(String description, int code) {
        if (code == -1 && unread(description)) {
            return notTheAnswer(description);
        }
        return String.format(Locale.ROOT, "the server refused: %s (error %d)%s", Output.printableStart(description), code, code != Unanswered.NO_LEADER ? ""
                : ": no leader answered for it right now (an election takes seconds; if this persists, a majority of its replicas, "
                + "or of the cluster's servers, is down or cut off)");
    }

    static String refused(JetStreamApiException e) {
        return refused(e.getErrorDescription(), e.getApiErrorCode());
    }

    /**
     * A refusal as the run's one line: "what: the server refused: ..." (exit 1), then sofar. An account without
     * JetStream is no refusal of what was asked but a server without JetStream for this login: exit 4, as when
     * the server has none, and what to do about it.
     */
    static LabException refusalLine(String what, int code, String description, String sofar) {
        if (code == NOT_FOR_THIS_ACCOUNT) {
            return Exit.unreachable("the server has JetStream, but not for the account of this login (%s, error %d): log in "
                    + "as a user of an account that has it, or give this account JetStream in the server's config "
                    + "(jetstream: enabled in its block under accounts)%s", Output.printableStart(description), code, sofar);
        }
        return Exit.failed("%s%s%s", what == null ? "" : what + ": ", refused(description, code), sofar);
    }

    static LabException refusalLine(String what, JetStreamApiException e, String sofar) {
        return refusalLine(what, e.getApiErrorCode(), e.getErrorDescription(), sofar);
    }

    /**
     * Whether the server says this login's account has no JetStream: then a publish nobody answered is not stored,
     * on a cluster too (no election gives the account JetStream). One account info request.
     */
    static boolean accountWithoutJetStream(Connection nc) {
        return accountRefusal(nc) != null;
    }

    /** The server's 10039 for this login's account, asked with one account info request; null when it has JetStream or did not say. */
    private static JetStreamApiException accountRefusal(Connection nc) {
        try {
            nc.jetStreamManagement().getAccountStatistics();
            return null;
        } catch (JetStreamApiException e) {
            return e.getApiErrorCode() == NOT_FOR_THIS_ACCOUNT ? e : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * An answer jnats could not read as what was asked (it throws its JsonParseException, at times wrapped, where
     * it reads an answer itself): the line for it, or null for any other failure.
     */
    static String unreadAnswer(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof io.nats.client.support.JsonParseException) {
                return notTheAnswer(t.getMessage());
            }
        }
        return null;
    }

    private static String notTheAnswer(String jnatsSaid) {
        return "the server's answer is not the one asked for, and no refusal either (jnats: " + Output.printableStart(jnatsSaid) + ")";
    }

    /**
     * jnats' stand-in for an answer it could not read (not JSON, or JSON of another shape): error 500 without the
     * err_code every refusal of the server's has.
     */
    private static boolean notJson(JetStreamApiException e) {
        return e.getErrorCode() == 500 && e.getApiErrorCode() == -1 && unread(e.getErrorDescription());
    }

    private static boolean unread(String description) {
        String said = String.valueOf(description);
        return said.startsWith("Error parsing: ") || said.startsWith("Invalid JSON for ");
    }
}
