///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: purging removes a stream's messages (all, one subject, below a sequence, or all but the
// last N); the stream and its consumers stay, and sequence numbers go on from where they were.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/SettingFlags.java lab/Config.java lab/JetStreamErrors.java lab/LogLines.java
//SOURCES lab/Subjects.java lab/Output.java lab/Exit.java lab/Deletion.java lab/Unanswered.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Purge messages from the lab's stream: all, one subject, below a sequence, or all but the last N.

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PurgeResponse;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.JsonValue;
import org.slf4j.Logger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "js-purge", version = CommandRunner.VERSION,
        description = JsPurge.DESCRIPTION, footer = JsPurge.FOOTER) // the help text: at the end of the file
public class JsPurge implements Callable<Integer>, Exit.Ranged {
    private static final Logger log = LogLines.logger(JsPurge.class);

    /** Purges the stream, or only what the options name; the server's answer says how many messages it removed. */
    PurgeResponse purge(StreamContext stream, String subject) throws IOException, JetStreamApiException {
        PurgeOptions.Builder options = PurgeOptions.builder();
        if (subject != null) {
            options.subject(subject);    // only messages on this subject
        }
        if (below() != null) {
            options.sequence(below());   // only messages below this stream sequence
        }
        if (keep() != null) {
            options.keep(keep());        // all but the last N
        }
        PurgeResponse response = stream.purge(options.build());
        if (!response.isSuccess()) {
            throw Exit.failed("the server did not confirm the purge of stream %s", stream.getStreamName());
        }
        return response;
    }

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.STREAM, Setting.SUBJECT, Setting.CONSUMER) // --consumer: for --delete-consumer
            .described(Setting.SUBJECT, "Purge only the messages on this subject.");

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Range range;

    /** --seq and --keep: two ways to say which messages stay, so at most one of them. */
    static final class Range {
        @Option(names = "--seq", paramLabel = "N", description = "Purge only messages below stream sequence N.")
        Long below;

        @Option(names = "--keep", paramLabel = "N", description = "Keep the last N messages, purge the rest.")
        Long keep;
    }

    @Option(names = "--dry-run", description = "Say how many messages would be purged (or what --delete would delete), and remove nothing.")
    boolean dryRun;

    @Option(names = "--delete", description = "Delete the whole stream, its messages and its consumers, instead of purging it.")
    boolean deleteStream;

    @Option(names = "--delete-consumer", description = "Delete only the consumer (--consumer, or the lab's); the stream keeps its messages.")
    boolean deleteConsumer;

    @Option(names = {"-f", "--force"}, description = "Delete without asking (needed when there is no terminal to ask on).")
    boolean force;

    @Option(names = {"-j", "--json"}, description = "Print the answer as JSON: the server's purge response as jnats reads it, or what was deleted.")
    boolean json;


    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsPurge(), args));
    }

    @Override
    public Integer call() throws Exception {
        checkFlags();
        Config config = connection.load();
        String subject = settingFlags.typed(Setting.SUBJECT) ? config.subject : null;
        String scope = scope(subject);
        try (Connection nc = connection.open(config)) {
            StreamContext stream = JetStreamErrors.streamContext(nc, config.stream, config.shownUrl());
            if (deleteStream || deleteConsumer) {
                return Deletion.run(nc.jetStreamManagement(), config, connection.failsOver(), deleteStream, dryRun, force, json);
            }
            StreamInfo info = Unanswered.throughElection(connection.failsOver(), () -> JetStreamErrors.streamInfo(stream));
            List<String> captured = info.getConfiguration().getSubjects();
            if (subject != null && !Subjects.anyMatches(captured, subject)) { // the server would purge 0 and say nothing
                throw Exit.usage("stream %s does not capture subject %s (its subjects: %s), so it holds nothing on it: "
                        + "give one of its subjects with --subject", config.stream, subject,
                        Subjects.printableListed(captured));
            }
            long next = info.getStreamState().getLastSequence() + 1;
            boolean skips = subject == null && below() != null && below() > next; // the server moves the stream on to it
            if (skips) {
                System.err.println(Output.printable(String.format(Locale.ROOT, "WARN --seq %d is past stream %s's next "
                        + "sequence, %d: %s its next sequence to %d, so %d to %d are never used (give --seq %d or less to "
                        + "keep the numbering)", below(), config.stream, next, dryRun ? "a purge would move" : "the purge moves",
                        below(), next, below() - 1, next)));
            }
            if (dryRun) {
                long wouldGo = countToPurge(nc.jetStreamManagement(), config.stream, subject);
                if (json) {
                    Output.json("{\"dry_run\":true,\"would_purge\":" + wouldGo + "}");
                    return 0;
                }
                log.info("dry run: would purge {} from stream {}{}; nothing was removed", Output.messages(wouldGo),
                        config.stream, scope);
                return 0;
            }
            PurgeResponse purged;
            int[] askings = {0};
            try { // on a cluster, asked again while its leader is elected: purging twice removes nothing more
                purged = Unanswered.throughElection(connection.failsOver(), "the purge of stream " + config.stream, () -> {
                    askings[0]++;
                    return purge(stream, subject);
                });
            } catch (IOException unanswered) { // a purge of everything shows in the stream's first sequence
                return purgedLate(unanswered, stream, config, info, next, Unanswered.LATE);
            }
            checkCount(purged, info, stream, config.stream); // jnats reads a missing or odd count as 0
            if (askings[0] > 1 && all()) { // the count is of the last asking only; what is gone is known
                return purgedLate(null, stream, config, info, next, Unanswered.ASKED_AGAIN);
            }
            String done = String.format(Locale.ROOT, "purged %s from stream %s%s%s", Output.messages(purged.getPurged()),
                    config.stream, scope, askings[0] > 1 ? " at the last asking" + Unanswered.ASKED_AGAIN : "");
            if (skips) { // as the server says after the purge
                done += "; its next sequence is now " + (JetStreamErrors.streamInfo(stream).getStreamState().getLastSequence() + 1);
            }
            if (json && askings[0] > 1) { // the server's answer counts the last asking only: said beside it
                Output.json(String.format(Locale.ROOT, "{\"success\":true,\"purged_at_last_asking\":%d,\"held_before\":%d%s}",
                        purged.getPurged(), info.getStreamState().getMsgCount(), Unanswered.jsonField(Unanswered.ASKED_AGAIN)), done);
                return 0;
            }
            if (json) {
                Output.json(purged.getJv().toJson(), done); // the server's own answer
                return 0;
            }
            Output.summary(log, done);
        }
        return 0;
    }

    /**
     * The count in the server's answer is one a purge can give: a JSON integer, none below 0, and no more
     * than the stream held before plus what it stored since (its last sequence tells). Otherwise what was
     * removed is unknown, and the run says so.
     */
    private static void checkCount(PurgeResponse purged, StreamInfo before, StreamContext stream, String name) throws Exception {
        JsonValue count = purged.getJv() == null ? null : purged.getJv().map.get("purged");
        String wrong;
        if (count == null || count.type != JsonValue.Type.INTEGER && count.type != JsonValue.Type.LONG) {
            wrong = "gives no count of what it removed (\"purged\": " + (count == null ? "none" : Output.printableStart(count.toJson())) + ")";
        } else if (count.number.longValue() < 0) {
            wrong = "says " + count.number.longValue() + " messages were purged, which no purge does";
        } else {
            long held = before.getStreamState().getMsgCount();
            if (count.number.longValue() <= held) {
                return; // the usual answer: no need to ask the stream again
            }
            long since;
            try {
                since = JetStreamErrors.streamInfo(stream).getStreamState().getLastSequence() - before.getStreamState().getLastSequence();
            } catch (IOException | JetStreamApiException unanswered) {
                return; // the purge was answered; only the check cannot be made
            }
            if (count.number.longValue() <= held + Math.max(since, 0)) {
                return;
            }
            wrong = String.format(Locale.ROOT, "says %d messages were purged, more than the stream held (%d, and %d stored "
                    + "since)", count.number.longValue(), held, Math.max(since, 0));
        }
        throw Exit.failed("the server's answer to the purge of stream %s %s, so what it removed is unknown: check that the "
                + "server is a NATS server with JetStream, and see with js-info", name, wrong);
    }

    /**
     * The purge of everything went unanswered, or was asked again: the stream's first sequence tells
     * whether it happened (past all it held). A partial purge leaves no such mark, so an unanswered one
     * stays unknown (`unanswered` thrown again); null: it was answered, at a later asking.
     */
    private int purgedLate(IOException unanswered, StreamContext stream, Config config, StreamInfo before, long next,
                           String note) throws IOException {
        if (unanswered != null) {
            Unanswered.doneLate(unanswered, "the purge of stream " + config.stream,
                    () -> all() && JetStreamErrors.streamInfo(stream).getStreamState().getFirstSequence() >= next);
        }
        long held = before.getStreamState().getMsgCount();
        String done = String.format(Locale.ROOT, "purged stream %s: every message up to seq %d is gone (it held %s just "
                + "before)%s", config.stream, next - 1, Output.messages(held), note);
        if (json) {
            Output.json(String.format(Locale.ROOT, "{\"success\":true,\"held_before\":%d%s}", held, Unanswered.jsonField(note)), done);
            return 0;
        }
        Output.summary(log, done);
        return 0;
    }

    /** The highest --seq: past it, the sequences the stream goes on to would soon be beyond what jnats reads (a Java long). */
    private static final long HIGHEST_SEQ = 1_000_000_000_000_000_000L;

    @Override
    public String rule(String option) {
        return option.equals("--seq") ? Exit.wholeNumber(1, HIGHEST_SEQ)
                : option.equals("--keep") ? Exit.wholeNumber(0, Long.MAX_VALUE) : null;
    }

    private void checkFlags() {
        if (force && !deleteStream && !deleteConsumer) {
            throw Exit.usage("--force goes with --delete or --delete-consumer: a purge never asks");
        }
        if (deleteStream && deleteConsumer) {
            throw Exit.usage("--delete and --delete-consumer exclude each other: pick one (--delete removes the consumers too)");
        }
        if ((deleteStream || deleteConsumer) && (range != null || settingFlags.typed(Setting.SUBJECT))) {
            throw Exit.usage("%s removes everything it names: drop --subject, --seq and --keep (they are for purging)",
                    deleteStream ? "--delete" : "--delete-consumer");
        }
        if (below() != null && (below() < 1 || below() > HIGHEST_SEQ)) {
            throw Exit.usage("flag --seq: %d is not valid: it must be a stream sequence from 1 to %d (the stream counts on from "
                    + "it, and a Java client reads sequences only up to %d)", below(), HIGHEST_SEQ, Long.MAX_VALUE);
        }
        if (keep() != null && keep() < 0) {
            throw Exit.usage("flag --keep: %d is not valid: it must be 0 or more", keep());
        }
    }

    /** A purge of everything: no subject, no range. */
    private boolean all() {
        return range == null && !settingFlags.typed(Setting.SUBJECT);
    }

    private Long below() {
        return range == null ? null : range.below;
    }

    private Long keep() {
        return range == null ? null : range.keep;
    }

    /** " (subject x, below seq 5)": what a filtered purge was limited to. */
    private String scope(String subject) {
        List<String> parts = new ArrayList<>();
        if (subject != null) {
            parts.add("subject " + subject);
        }
        if (below() != null) {
            parts.add("below seq " + below());
        }
        if (keep() != null) {
            parts.add("keeping the last " + keep());
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    /** Counts what a purge would remove: the stream's own count, or a throw-away consumer's pending count. */
    private long countToPurge(JetStreamManagement jsm, String stream, String subject) throws Exception {
        long all = subject == null
                ? JetStreamErrors.streamInfo(jsm, stream).getStreamState().getMsgCount()
                : pendingFrom(jsm, stream, subject, 1);
        if (below() != null) {
            return all - pendingFrom(jsm, stream, subject, below());
        }
        return keep() != null ? Math.max(0, all - keep()) : all;
    }

    private static long pendingFrom(JetStreamManagement jsm, String stream, String subject, long startSeq) throws Exception {
        ConsumerConfiguration.Builder counter = ConsumerConfiguration.builder()
                .ackPolicy(AckPolicy.None)
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(startSeq)
                .inactiveThreshold(Duration.ofSeconds(10)); // the server removes it if we cannot
        if (subject != null) {
            counter.filterSubject(subject);
        }
        ConsumerInfo info = jsm.addOrUpdateConsumer(stream, counter.build());
        jsm.deleteConsumer(stream, info.getName());
        return info.getNumPending();
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Removes messages from the stream: all of them, or only those on --subject,%n"
            + "below --seq, or all but the last --keep. The stream and its consumers stay,%n"
            + "and sequence numbers keep counting up from where they were.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  js-purge%n"
            + "  js-purge --keep 10 --dry-run   # how many would go, without removing any%n"
            + "  js-purge --seq 100             # everything below stream seq 100%n"
            + "  js-purge --stream ORDERS --subject orders.cancelled%n"
            + "  js-purge --delete --force      # delete the stream and its consumers";
}
