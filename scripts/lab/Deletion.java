// Deleting the stream (with its messages and consumers) or only the consumer: the way back to a
// fresh lab. Like natscli's `nats stream rm`, it asks first on a terminal and needs --force elsewhere.
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java JetStreamErrors.java Output.java Exit.java LogLines.java Durations.java Limit.java Unanswered.java

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.slf4j.Logger;

import java.io.Console;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

final class Deletion {
    private static final Logger log = LogLines.logger(Deletion.class);

    private Deletion() {
    }

    /** Deletes what was asked for (or says what would go); returns the exit code. */
    static int run(JetStreamManagement jsm, Config config, boolean failsOver, boolean wholeStream, boolean dryRun,
                   boolean force, boolean json) throws Exception {
        String what;
        String gone; // the server's delete answer has no counts: those of the info read just before it
        String fields; // the same facts for -j
        if (wholeStream) {
            StreamInfo info = Unanswered.throughElection(failsOver, () -> JetStreamErrors.streamInfo(jsm, config.stream));
            long consumers = info.getStreamState().getConsumerCount();
            long messages = info.getStreamState().getMsgCount();
            what = stream(info);
            gone = "stream " + config.stream + ", which held " + contents(info) + " just before (js-bootstrap creates "
                    + "them again, from seq 1)";
            fields = String.format(Locale.ROOT, "\"stream\":%s,\"messages\":%d,\"consumers\":%d", Output.quoted(config.stream),
                    messages, consumers);
        } else {
            if (Unanswered.throughElection(failsOver, () -> JetStreamErrors.orNull(JetStreamErrors.CONSUMER_NOT_FOUND,
                    () -> jsm.getConsumerInfo(config.stream, config.consumer))) == null) {
                throw Exit.notFound("consumer %s not found on stream %s: nothing to delete", config.consumer, config.stream);
            }
            what = String.format(Locale.ROOT, "consumer %s of stream %s", config.consumer, config.stream);
            gone = what;
            fields = String.format(Locale.ROOT, "\"stream\":%s,\"consumer\":%s", Output.quoted(config.stream), Output.quoted(config.consumer));
        }
        if (dryRun) {
            if (json) {
                Output.json("{\"dry_run\":true," + fields + "}");
            } else {
                log.info("dry run: would delete {}; nothing was removed", what);
            }
            return Exit.OK;
        }
        if (!force && !confirmed(what)) {
            throw declined("nothing deleted");
        }
        String late = wholeStream ? deleteStream(jsm, config.stream, failsOver)
                : deleteConsumer(jsm, config.stream, config.consumer, failsOver);
        if (late == null) {
            throw Exit.failed("the server did not confirm deleting %s", what);
        }
        String deleted = "deleted " + gone + late;
        if (json) {
            Output.json("{\"deleted\":true," + fields + Unanswered.jsonField(late) + "}", deleted);
        } else {
            Output.summary(log, deleted);
        }
        return Exit.OK;
    }

    /**
     * Deletes the stream: "" once the server confirms it, null when it says no, and Unanswered.LATE when
     * its answer came after the timeout but, asked again, the stream is gone (a big stream's delete can
     * take longer than the timeout); when it is still there, the unanswered request is thrown. On a
     * cluster it is asked again while a leader is elected: "not found" then means an earlier asking
     * deleted it (Unanswered.ASKED_AGAIN).
     */
    static String deleteStream(JetStreamManagement jsm, String stream, boolean failsOver) throws IOException, JetStreamApiException {
        try {
            return throughElection(failsOver, "the delete of stream " + stream, JetStreamErrors.STREAM_NOT_FOUND,
                    () -> jsm.deleteStream(stream));
        } catch (IOException unanswered) {
            Unanswered.doneLate(unanswered, "the delete of stream " + stream, () -> streamGone(jsm, stream));
            return Unanswered.LATE;
        }
    }

    /** The same for a consumer: gone, or its stream gone. */
    static String deleteConsumer(JetStreamManagement jsm, String stream, String consumer, boolean failsOver)
            throws IOException, JetStreamApiException {
        try {
            return throughElection(failsOver, "the delete of consumer " + consumer + " of stream " + stream,
                    JetStreamErrors.CONSUMER_NOT_FOUND, () -> jsm.deleteConsumer(stream, consumer));
        } catch (IOException unanswered) {
            Unanswered.doneLate(unanswered, "the delete of consumer " + consumer + " of stream " + stream, () -> streamGone(jsm, stream) || JetStreamErrors.orNull(
                    JetStreamErrors.CONSUMER_NOT_FOUND, () -> jsm.getConsumerInfo(stream, consumer)) == null);
            return Unanswered.LATE;
        }
    }

    /** A delete asked through an election: after the first asking, `gone` (not found) is an earlier asking's work. */
    private static String throughElection(boolean failsOver, String change, int gone, Unanswered.ApiCall<Boolean> delete)
            throws IOException, JetStreamApiException {
        int[] askings = {0};
        Boolean deleted = Unanswered.throughElection(failsOver, change,
                () -> ++askings[0] == 1 ? delete.call() : JetStreamErrors.orNull(gone, delete));
        return deleted == null || deleted ? (askings[0] > 1 ? Unanswered.ASKED_AGAIN : "") : null;
    }

    private static boolean streamGone(JetStreamManagement jsm, String stream) throws IOException, JetStreamApiException {
        return JetStreamErrors.orNull(JetStreamErrors.STREAM_NOT_FOUND, () -> jsm.getStreamInfo(stream)) == null;
    }

    /** "stream X with 3 messages and 1 consumer": what deleting it takes away. */
    static String stream(StreamInfo info) {
        return "stream " + info.getConfiguration().getName() + " with " + contents(info);
    }

    /** "3 messages and 1 consumer". */
    private static String contents(StreamInfo info) {
        long consumers = info.getStreamState().getConsumerCount();
        return String.format(Locale.ROOT, "%s and %d %s", Output.messages(info.getStreamState().getMsgCount()), consumers,
                consumers == 1 ? "consumer" : "consumers");
    }

    /**
     * What lowering a stream's limits to those of target deletes right away, or null: the limits apply to what is
     * stored too, oldest first, whatever the discard policy (that one only decides about new publishes).
     */
    static String lowered(StreamInfo existing, StreamConfiguration target) {
        long stored = existing.getStreamState().getMsgCount();
        long bytes = existing.getStreamState().getByteCount();
        List<String> over = new ArrayList<>();
        if (!Limit.unlimited(target.getMaxMsgs()) && stored > target.getMaxMsgs()) {
            over.add("max messages " + target.getMaxMsgs());
        }
        if (!Limit.unlimited(target.getMaxBytes()) && bytes > target.getMaxBytes()) {
            over.add("max bytes " + target.getMaxBytes() + ", it holds " + bytes);
        }
        ZonedDateTime oldest = existing.getStreamState().getFirstTime();
        Duration age = target.getMaxAge();
        if (stored > 0 && age != null && !age.isZero() && oldest != null
                && oldest.toInstant().isBefore(Instant.now().minus(age))) {
            over.add("max age " + Durations.format(age) + ", its oldest is older");
        }
        if (over.isEmpty()) {
            return null;
        }
        String name = target.getName();
        boolean exact = over.size() == 1 && !Limit.unlimited(target.getMaxMsgs()) && stored > target.getMaxMsgs();
        return (exact ? "the " + (stored - target.getMaxMsgs()) + " oldest" : "the oldest") + " of stream " + name
                + "'s " + Output.messages(stored) + ", acked or not (lowering to " + String.join("; ", over)
                + "; discard only decides about new publishes)";
    }

    /**
     * A question answered no: says so ("nothing deleted: not confirmed") and ends the run there, with
     * exit code Exit.DECLINED and no ERROR line (CommandRunner prints none for it).
     */
    static LabException declined(String what) {
        log.info("{}: not confirmed", what);
        return Exit.with(Exit.DECLINED, "%s: not confirmed", what);
    }

    /** Asks on the terminal; with no terminal there is nobody to ask, so --force is required. */
    static boolean confirmed(String what) {
        Console console = System.console();
        if (console == null) {
            throw Exit.usage("deleting %s needs a yes, and there is no terminal to ask on: add --force", what);
        }
        String answer = console.readLine("Really delete %s? [y/N] ", what);
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
