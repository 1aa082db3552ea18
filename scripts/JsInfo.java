///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: the server keeps the state of streams and consumers; JetStream's API is request-reply
// on $JS.API subjects, and jnats' StreamInfo and ConsumerInfo read its JSON answers.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/SettingFlags.java lab/Limit.java
//SOURCES lab/Config.java lab/JetStreamErrors.java lab/Output.java lab/Exit.java lab/WhyNothing.java lab/InfoWatch.java lab/Backoff.java
//SOURCES lab/DiscardNew.java lab/Durations.java lab/Unanswered.java lab/Subjects.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Show the lab's stream and consumer as the server sees them right now.

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.ApiResponse;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.Replica;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "js-info", version = CommandRunner.VERSION,
        description = JsInfo.DESCRIPTION, footer = JsInfo.FOOTER) // the help text: at the end of the file
public class JsInfo implements Callable<Integer>, CommandRunner.ReadOnly {
    /** Asks the server for the stream's and the consumer's state, and prints both. */
    void show(Connection nc, Config config) throws Exception {
        Message streamReply = ask(nc, "$JS.API.STREAM.INFO." + config.stream);
        StreamInfo stream = new StreamInfo(streamReply); // hasError(): the server refused (no such stream, say)
        if (stream.hasError()) {
            throw refused(stream, JetStreamErrors.STREAM_NOT_FOUND,
                    JetStreamErrors.streamNotFound(config.stream, config.shownUrl()));
        }
        if (!json) { // checked: jnats reads any JSON object as a stream's info
            printStream(JetStreamErrors.checked(stream, config.stream), nc.getServerInfo()); // now: the consumer's answer may never come
        }
        Message consumerReply = askAfter(stream, nc, "$JS.API.CONSUMER.INFO." + config.stream + "." + config.consumer);
        ConsumerInfo consumer = new ConsumerInfo(consumerReply);
        if (json) {
            Output.json(String.format(Locale.ROOT, "{\"stream\":%s,\"consumer\":%s}", text(streamReply), text(consumerReply)));
        }
        if (consumer.hasError()) {
            throw refused(consumer, JetStreamErrors.CONSUMER_NOT_FOUND,
                    JetStreamErrors.consumerNotFound(config.consumer, config.stream));
        }
        if (!json) {
            printConsumer(JetStreamErrors.checked(consumer, config.stream, config.consumer), WhyNothing.nextPull(nc, stream, consumer),
                    nc.getServerInfo());
        }
    }

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.STREAM, Setting.CONSUMER); // each flag from its row of Setting.java

    @Option(names = {"-j", "--json"}, description = "Print the server's raw stream and consumer info as one JSON object.")
    boolean json;

    @Option(names = "--watch", arity = "0..1", fallbackValue = "1s", paramLabel = "INTERVAL", description = "Show the "
            + "numbers again every INTERVAL (default 1s), what changed marked, until Ctrl-C.")
    String watch;

    @Option(names = "--list", description = "List every stream on the server and its consumers, with their counts "
            + "(with -j: each stream's and consumer's info as jnats reads it).")
    boolean list;

    /** How long each API request may wait for its answer (--timeout). */
    private Duration timeout;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsInfo(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (list && (settingFlags.typed(Setting.STREAM) || settingFlags.typed(Setting.CONSUMER))) {
            throw Exit.usage("--list shows every stream and consumer: leave out --stream and --consumer");
        }
        Duration interval = watch == null ? null : InfoWatch.interval(watch);
        if (watch != null && (json || list)) {
            throw Exit.usage("--watch shows the numbers as they change: leave out %s", json ? "--json" : "--list");
        }
        Config config = connection.load();
        timeout = config.timeout;
        try (Connection nc = connection.open(config)) {
            if (interval != null) {
                InfoWatch.run(nc, config, interval, subject -> nc.request(subject, null, timeout), // null: no answer
                        connection.failsOver());
            } else if (list) {
                listAll(nc, config.shownUrl());
            } else {
                show(nc, config);
            }
        }
        return 0;
    }

    /**
     * Every stream and its consumers: what is on the server besides the lab's own. Each is asked
     * for on its own, so one whose name jnats refuses (the server allows names jnats will not put
     * in a subject or read in an answer) is named, escaped, and the rest are still listed.
     */
    private void listAll(Connection nc, String shownUrl) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        List<String> names = jsm.getStreamNames();
        List<String> entries = new ArrayList<>();
        if (!json) {
            print("%s at %s", names.size() == 1 ? "1 stream" : names.size() + " streams", shownUrl);
        }
        for (String name : names) {
            Message reply = readable(() -> ask(nc, "$JS.API.STREAM.INFO." + name));
            StreamInfo stream = reply == null ? null : readable(() -> new StreamInfo(reply));
            if (stream != null && !stream.hasError()) {
                JetStreamErrors.checked(stream, name);
            }
            String notShown = stream == null || !stream.hasError() ? null
                    : notShown(stream.getApiErrorCode(), stream.getDescription(), JetStreamErrors.STREAM_NOT_FOUND);
            List<String> consumerNames = List.of();
            if (stream != null && notShown == null) {
                try {
                    consumerNames = jsm.getConsumerNames(name);
                } catch (JetStreamApiException e) {
                    notShown = notShown(e.getApiErrorCode(), e.getErrorDescription(), JetStreamErrors.STREAM_NOT_FOUND);
                }
            }
            List<ConsumerInfo> consumers = new ArrayList<>();
            Map<String, String> unshown = new LinkedHashMap<>(); // consumer: why it is not shown
            for (String consumerName : consumerNames) {
                Message consumerReply = readable(() -> askAfter(stream, nc, "$JS.API.CONSUMER.INFO." + name + "." + consumerName));
                ConsumerInfo consumer = consumerReply == null ? null : readable(() -> new ConsumerInfo(consumerReply));
                if (consumer == null) {
                    unshown.put(consumerName, NOT_PRINTABLE);
                } else if (consumer.hasError()) {
                    unshown.put(consumerName, notShown(consumer.getApiErrorCode(), consumer.getDescription(),
                            JetStreamErrors.CONSUMER_NOT_FOUND));
                } else {
                    consumers.add(JetStreamErrors.checked(consumer, name, consumerName));
                }
            }
            if (json) {
                if (reply != null) { // -j prints the server's answers: none, for a name jnats would not ask with
                    List<String> each = new ArrayList<>();
                    consumers.forEach(consumer -> each.add(consumer.getJv().toJson()));
                    entries.add("{\"stream\":" + (stream == null ? text(reply) : stream.getJv().toJson()) + ",\"consumers\":["
                            + String.join(",", each) + "]}");
                }
            } else if (stream == null) {
                print("  %s: not shown: %s", name, NOT_PRINTABLE);
            } else if (notShown != null) {
                printShown("  %s: not shown: %s", Output.printable(name), notShown);
            } else {
                StreamState state = stream.getStreamState();
                print("  %s: %s (%,d bytes), subjects %s", name, Output.messages(state.getMsgCount()),
                        state.getByteCount(), subjects(stream.getConfiguration()));
                for (ConsumerInfo consumer : consumers) {
                    print("    consumer %s: %,d pending, %,d waiting for an ack, %,d redelivered",
                            consumer.getName(), consumer.getNumPending(), consumer.getNumAckPending(), consumer.getRedelivered());
                }
                unshown.forEach((consumerName, why) -> printShown("    consumer %s: not shown: %s", Output.printable(consumerName), why));
            }
        }
        if (json) {
            Output.json("[" + String.join(",", entries) + "]");
        } else if (!Stdout.written()) {
            throw Stdout.lost(": the list is incomplete");
        }
    }

    private static final String DELETED_WHILE_LISTING = "it was deleted while the list was made";
    /** A replica the leader has not heard from for this long is named as silent (a live one is heard from every second or so). */
    private static final Duration UNHEARD_FOR = Duration.ofSeconds(5);
    private static final String NOT_PRINTABLE = "its name is not one jnats can read (printable ASCII without spaces, "
            + "'.', '*', '>', '/' or backslashes)";

    /** Why a listed stream or consumer is not shown: deleted since its name was listed (`gone`, its error code), or refused. */
    private static String notShown(int code, String description, int gone) {
        return code == gone ? DELETED_WHILE_LISTING : JetStreamErrors.refused(description, code);
    }

    /**
     * jnats' request for a listed name, or its reading of the answer; null when jnats refuses the name
     * that the server allowed (in the request's subject, or in the answer's config).
     */
    private static <T> T readable(Reading<T> reading) throws Exception {
        try {
            return reading.get();
        } catch (IllegalArgumentException refusedByJnats) {
            return null;
        }
    }

    private interface Reading<T> {
        T get() throws Exception;
    }

    /** A mirror or a stream that only sources others has no subjects of its own: it says where its messages come from. */
    private static String subjects(StreamConfiguration config) {
        if (!config.getSubjects().isEmpty()) {
            return Subjects.listed(config.getSubjects()); // escaped with the row
        }
        if (config.getMirror() != null) {
            return "none: a mirror of stream " + config.getMirror().getName();
        }
        return config.getSources().isEmpty() ? "none" : "none: it takes messages from stream"
                + (config.getSources().size() == 1 ? " " : "s ") + String.join(", ",
                config.getSources().stream().map(io.nats.client.api.Source::getName).toList());
    }

    private static void printStream(StreamInfo info, ServerInfo asked) {
        StreamConfiguration config = info.getConfiguration();
        StreamState state = info.getStreamState();
        print("stream %s", config.getName());
        row("subjects", subjects(config));
        row("messages", String.format(Locale.ROOT, "%,d (%,d bytes)", state.getMsgCount(), state.getByteCount()));
        row("first seq", state.getMsgCount() == 0 ? state.getFirstSequence() + " (empty)" : String.valueOf(state.getFirstSequence()));
        row("last seq", String.valueOf(state.getLastSequence()));
        row("storage", Setting.spelled(config.getStorageType()) + ", duplicate window "
                + Durations.seconds(config.getDuplicateWindow())
                + (config.getRetentionPolicy() == RetentionPolicy.Limits ? "" : ", retention "
                        + Setting.spelled(config.getRetentionPolicy()) + (config.getRetentionPolicy() == RetentionPolicy.WorkQueue
                        ? " (a message is removed once acked)" : " (a message is removed once every consumer acked it)"))
                + (Limit.unlimited(config.getMaxMsgs()) ? "" : ", max messages " + config.getMaxMsgs())
                + (Limit.unlimited(config.getMaxBytes()) ? "" : ", max bytes " + config.getMaxBytes())
                + (Limit.noAge(config.getMaxAge()) ? "" : ", max age " + Durations.format(config.getMaxAge()))
                + DiscardNew.shown(config)); // what it refuses when full, and what it may drop
        printCluster(info.getClusterInfo(), config.getReplicas(), asked);
    }

    private static void printConsumer(ConsumerInfo info, String whyNothing, ServerInfo asked) {
        ConsumerConfiguration config = info.getConsumerConfiguration();
        print("consumer %s", info.getName());
        row("pending", String.format(Locale.ROOT, "%,d (stored, not yet delivered)", info.getNumPending()));
        long most = config.getMaxAckPending();
        row("ack pending", String.format(Locale.ROOT, "%,d (delivered, waiting for an ack%s)", info.getNumAckPending(),
                Limit.unlimited(most) || info.getNumAckPending() < most ? "" : "; max ack pending " + most
                        + " reached: nothing more is delivered until one is acked or its ack wait ends"));
        row("redelivered", String.format(Locale.ROOT, "%,d", info.getRedelivered()));
        row("last delivered", "stream seq " + info.getDelivered().getStreamSequence());
        row("ack floor", "stream seq " + info.getAckFloor().getStreamSequence()
                + " (everything up to here is done: acked, terminated or given up)");
        row("waiting pulls", String.format(Locale.ROOT, "%,d (pull requests the server holds until messages come)", info.getNumWaiting()));
        row("settings", String.format(Locale.ROOT, "ack %s, ack wait %s, max deliver %s, max ack pending %s%s", config.getAckPolicy(),
                config.getAckWait() == null ? "the server's default" : Durations.seconds(config.getAckWait()), Limit.shown(config.getMaxDeliver()),
                Limit.unlimited(most) ? Limit.NONE : String.format(Locale.ROOT, "%,d", most),
                config.getFilterSubject() == null || config.getFilterSubject().isEmpty() ? ""
                        : ", filter " + config.getFilterSubject()) // escaped with the whole row
                + (Backoff.given(config.getBackoff()) ? ", backoff " + Backoff.shown(config.getBackoff()) : "")
                + pullRequestCaps(config)
                + (config.isHeadersOnly() ? "; " + WhyNothing.headersOnly(config) : ""));
        if (whyNothing != null) {
            row("next pull", whyNothing); // gets nothing, or may get nothing
        }
        ClusterInfo cluster = info.getClusterInfo();
        // the list leaves out the leader; without one, it names every replica
        printCluster(cluster, cluster == null || cluster.getReplicas() == null ? 1
                : cluster.getReplicas().size() + (cluster.getLeader() == null ? 0 : 1), asked);
    }

    /** What one pull request of the consumer may ask for, where it is capped: nothing when it is not. */
    private static String pullRequestCaps(ConsumerConfiguration config) {
        List<String> caps = new ArrayList<>();
        if (config.getMaxBatch() > 0) {
            caps.add(String.format(Locale.ROOT, "%,d messages (max_batch)", config.getMaxBatch()));
        }
        if (config.getMaxBytes() > 0) {
            caps.add(String.format(Locale.ROOT, "%,d bytes (max_bytes)", config.getMaxBytes()));
        }
        if (config.getMaxExpires() != null && config.getMaxExpires().toNanos() > 0) {
            caps.add("a wait of " + Durations.format(config.getMaxExpires()) + " (max_expires)");
        }
        return caps.isEmpty() ? "" : "; a pull request asks for at most " + String.join(", ", caps);
    }

    /**
     * On a cluster: which server leads (takes the writes, or hands out the messages) and how each other
     * copy is doing: current, behind by some operations (lag), or offline. A server that has lost
     * every route cannot tell yet: then each replica but its own is offline, and no quorum is left.
     * Without a leader (an election) no replica can say how the others are doing.
     */
    private static void printCluster(ClusterInfo cluster, int replicas, ServerInfo asked) {
        if (cluster == null || cluster.getName() == null) {
            return;
        }
        boolean alone = replicas > 1 && (asked.getConnectURLs() == null || asked.getConnectURLs().size() <= 1);
        boolean leaderless = cluster.getLeader() == null;
        String leader;
        if (leaderless) {
            // then each replica that knows of none answers with its own copy: the first answer to come is shown
            leader = alone ? "none (no quorum: a majority of the replicas must be up)" : "none right now (an election takes seconds; "
                    + "if this persists, a majority of the replicas is down or cut off): what this shows is one replica's own copy, "
                    + "which may be behind";
        } else {
            leader = cluster.getLeader() + (alone ? " (but it reaches no other replica: no quorum)" : "");
        }
        row("cluster", cluster.getName() + ", " + replicas + (replicas == 1 ? " replica" : " replicas") + ", leader " + leader);
        for (Replica replica : cluster.getReplicas() == null ? List.<Replica>of() : cluster.getReplicas()) {
            boolean answered = replica.getName().equals(asked.getServerName());
            String state;
            if (replica.isOffline() || alone && !answered) {
                state = "offline" + (replica.isOffline() ? "" : " (" + asked.getServerName() + ", which answered, has no "
                        + "route to it)");
            } else if (leaderless) { // a follower hears from the leader alone: its word on the others is stale
                state = answered ? "up: it answered; not known whether current: no leader to ask" : "not known: no leader to ask";
            } else {
                String unheard = answered ? "" : unheard(replica.getActive());
                if (replica.isCurrent()) {
                    state = unheard.isEmpty() ? "current" : "current as far as the leader knows" + unheard;
                } else {
                    state = "not current" + (replica.getLag() > 0 ? String.format(Locale.ROOT, " (lag %,d operations)", replica.getLag()) : "")
                            + (answered ? ", up: it answered" : unheard);
                }
            }
            row("replica " + replica.getName(), state);
        }
    }

    /**
     * A copy on a node that died can still count as current for a while (nats-server 2.9): its silence
     * tells. The server sends 0 for a copy its leader has never heard from (a leader elected after the
     * node died, or one that is seconds old).
     */
    private static String unheard(Duration silent) {
        if (silent == null || silent.isZero()) {
            return ", never heard from by this leader: down, cut off from it, or the leader is only just elected";
        }
        return silent.compareTo(UNHEARD_FOR) < 0 ? "" : ", last heard from " + Durations.format(silent.truncatedTo(ChronoUnit.SECONDS))
                + " ago: down, cut off from the leader, or not caught up yet after a restart";
    }

    private static void row(String label, String value) {
        print("  %-15s %s", label + ":", value);
    }

    /** One line on stdout; names and words in it came from the server, so it is shown escaped. */
    private static void print(String format, Object... args) {
        System.out.println(Output.printable(String.format(Locale.ROOT, format, args)));
    }

    /** A line whose parts from outside are already escaped (a refusal's words): only the last guard, so none is escaped twice. */
    private static void printShown(String format, Object... args) {
        System.out.println(Output.line(String.format(Locale.ROOT, format, args), false));
    }

    /** One JetStream API request; the reply is the server's JSON, kept as is for --json. */
    private Message ask(Connection nc, String subject) throws Exception {
        return answered(subject, Unanswered.request(nc, subject, timeout, true));
    }

    /**
     * A consumer's request, after its stream's answer: asked again through a "no leader" refusal only while
     * the stream named a leader. A stream without one (no quorum) has none to elect for its consumers either.
     */
    private Message askAfter(StreamInfo stream, Connection nc, String subject) throws Exception {
        boolean led = stream == null || stream.getClusterInfo() == null || stream.getClusterInfo().getLeader() != null;
        return answered(subject, Unanswered.request(nc, subject, timeout, led));
    }

    /** The reply, or the line for none (the watch asks on its own: it says itself why none came). */
    private Message answered(String subject, Message reply) {
        if (reply == null) {
            LabException unreadable = Unanswered.unreadable(null, null);
            throw unreadable != null ? unreadable : connection.failsOver() ? Unanswered.line(null, true, null, subject) : Exit.failed("the server did not answer %s within %s (--timeout)", subject, Durations.format(timeout));
        }
        return reply;
    }

    /** The not-found line for that code, or the server's own words for any other refusal. */
    private static LabException refused(ApiResponse<?> reply, int notFoundCode, LabException notFound) {
        if (reply.getApiErrorCode() == notFoundCode) {
            return notFound;
        }
        return JetStreamErrors.refusalLine(reply instanceof StreamInfo ? "stream info" : "consumer info", reply.getApiErrorCode(),
                reply.getDescription(), "");
    }

    private static String text(Message reply) {
        return new String(reply.getData(), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Shows the stream (messages, bytes, first and last sequence, subjects) and the%n"
            + "durable consumer (pending, waiting for an ack, redelivered, last delivered).";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  js-info%n"
            + "  js-info --json        # the server's own answers, unchanged%n"
            + "  js-info --list        # every stream and its consumers, with counts%n"
            + "  js-info --watch       # the numbers again every second, what changed marked";
}
