// js-bootstrap's own flags (its settings' flags come from their rows of Setting.java), the checks
// made before anything changes, and how a stream or consumer is described in its lines. A rerun
// changes only what this run was given (a flag or a config key): given() says which.
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//SOURCES Config.java Setting.java Exit.java Backoff.java Limit.java ExistingSettings.java JetStreamErrors.java
//SOURCES Durations.java Output.java Unanswered.java Subjects.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

final class BootstrapOptions {
    @Option(names = "--recreate",
            description = "Delete and recreate a stream or consumer whose config cannot be changed in place "
                    + "(a recreated stream loses its messages).")
    boolean recreate;

    @Option(names = {"-f", "--force"},
            description = "Delete without asking (needed without a terminal): with --recreate a stream that "
                    + "holds messages; with a lowered limit its oldest messages.")
    boolean force;

    @Option(names = {"-j", "--json"},
            description = "Print the stream's and consumer's info as one JSON object, as jnats re-serializes "
                    + "it (js-info --json: the server's own text); other lines go to stderr.")
    boolean json;

    private Config config;

    /** The run's settings, once loaded: given() reads where each came from. */
    void use(Config config) {
        this.config = config;
        if (force && !recreate && !given(Setting.MAX_MSGS) && !given(Setting.MAX_BYTES) && !given(Setting.MAX_AGE)) {
            throw Exit.usage("--force goes with --recreate or a lowered --max-msgs, --max-bytes or --max-age: without "
                    + "them nothing is deleted, so nothing asks");
        }
    }

    /** Whether the run names this setting (a flag, a file, ...): only then does a rerun change it on what exists. */
    boolean given(Setting setting) {
        return config.given(setting);
    }

    /**
     * A backoff takes the place of the ack wait (the server waits its first delay) and needs a max deliver above its
     * length: what the consumer would end up with, given settings over the existing consumer's, must agree. Checked
     * before anything is sent; asks for the consumer only when this run sets one of the three.
     */
    void checkBackoff(JetStreamManagement jsm, boolean failsOver) throws IOException, JetStreamApiException {
        if (!given(Setting.BACKOFF) && !given(Setting.ACK_WAIT) && !given(Setting.MAX_DELIVER)) {
            return;
        }
        ConsumerInfo info = Unanswered.throughElection(failsOver, () -> JetStreamErrors.orNull(JetStreamErrors.STREAM_NOT_FOUND,
                () -> JetStreamErrors.orNull(JetStreamErrors.CONSUMER_NOT_FOUND, () -> JetStreamErrors.consumerInfo(jsm, config.stream,
                        config.consumer))));
        ConsumerConfiguration existing = info == null ? null : info.getConsumerConfiguration();
        boolean kept = existing != null && !given(Setting.BACKOFF);
        List<Duration> delays = !kept ? Backoff.parse(config.string(Setting.BACKOFF))
                : existing.getBackoff() == null ? List.of() : existing.getBackoff();
        if (delays.isEmpty()) {
            return;
        }
        String whose = kept ? " (the consumer's, which this run keeps: --backoff none removes it)" : "";
        if (given(Setting.ACK_WAIT) && !config.ackWait.equals(delays.get(0))) {
            throw Exit.usage("an ack wait of %s and a backoff of %s%s disagree: the server waits the backoff's first delay, "
                    + "%s, before the first redelivery: leave out --ack-wait (ack_wait_secs), or give it %s",
                    Durations.seconds(config.ackWait), Backoff.shown(delays), whose, Durations.format(delays.get(0)),
                    Durations.format(delays.get(0)));
        }
        long maxDeliver = existing == null || given(Setting.MAX_DELIVER) ? config.maxDeliver : existing.getMaxDeliver();
        if (Limit.unlimited(maxDeliver) || maxDeliver <= delays.size()) {
            throw Exit.usage("a backoff of %d %s (%s)%s needs a max deliver above %d, and %s is %s: the "
                    + "server refuses it: add --max-deliver %d or more", delays.size(), delays.size() == 1 ? "delay" : "delays",
                    Backoff.shown(delays), whose, delays.size(), given(Setting.MAX_DELIVER) ? "this run's" : "the consumer's",
                    Limit.shown(maxDeliver), delays.size() + 1);
        }
    }

    /**
     * The duplicate window to send: the server refuses one longer than the max age (an ID is not kept
     * longer than its message). Not given, the default is cut to the max age; given longer, the run stops
     * before anything is sent.
     */
    Duration duplicateWindow() {
        Duration window = config.duplicateWindow;
        Duration maxAge = config.duration(Setting.MAX_AGE);
        if (Limit.noAge(maxAge) || window.compareTo(maxAge) <= 0) {
            return window;
        }
        if (given(Setting.DUPLICATE_WINDOW)) {
            throw Exit.usage("a duplicate window of %s is longer than the max age of %s, and the server refuses that: "
                    + "give %s %d or less, or a longer --max-age", Durations.seconds(window), Durations.format(maxAge),
                    Setting.DUPLICATE_WINDOW.display(), maxAge.toSeconds());
        }
        return maxAge;
    }

    /** Why a stream's duplicate window is not the default: said once, on the line that creates or changes it. */
    static final String WINDOW_CUT = "the duplicate window is cut to fit the max age (the server takes none longer)";

    /**
     * More replicas than servers: the server would only say "insufficient resources", so say how many
     * there are. A stream that has those replicas already is left to run: a server down (its leader
     * killed, say) is a replica offline while the rest keep a quorum, not a reason to refuse.
     */
    static void checkClusterSize(Connection nc, Config config, boolean failsOver) throws IOException, JetStreamApiException {
        ServerInfo server = nc.getServerInfo();
        if (config.replicas == 1) {
            return;
        }
        if (server.getCluster() == null) {
            throw Exit.failed("%d replicas need a cluster, but the server at %s runs alone (cluster size 1): use "
                    + "--replicas 1 ([stream] replicas), or a cluster (`make cluster`)", config.replicas, config.shownUrl());
        }
        // connect_urls: the client URLs of every server of the cluster that is routed to this one right now
        int size = server.getConnectURLs() == null ? 1
                : (int) Math.max(1, server.getConnectURLs().stream().distinct().count());
        if (config.replicas > size) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamInfo existing = Unanswered.throughElection(failsOver, () -> JetStreamErrors.orNull(
                    JetStreamErrors.STREAM_NOT_FOUND, () -> JetStreamErrors.streamInfo(jsm, config.stream)));
            if (existing != null && existing.getConfiguration().getReplicas() == config.replicas) {
                return;
            }
            throw Exit.failed("%d replicas need %d servers, but cluster %s has %d connected (cluster size %d): use "
                    + "--replicas %d or less ([stream] replicas)", config.replicas, config.replicas, server.getCluster(),
                    size, size, size);
        }
    }

    /** The server's refusal of the set-up, in one line where the lab knows what it means; else the refusal itself. */
    static Exception refused(JetStreamApiException e, JetStreamManagement jsm, Config config) throws IOException,
            JetStreamApiException {
        if (JetStreamErrors.workQueueTaken(e)) {
            return JetStreamErrors.workQueueTaken(e, config.stream, config.consumer, jsm.getConsumerNames(config.stream));
        }
        if (e.getApiErrorCode() == JetStreamErrors.WINDOW_OVER_MAX_AGE) {
            return JetStreamErrors.windowOverMaxAge(e, config.stream);
        }
        if (e.getApiErrorCode() == JetStreamErrors.FILTER_NOT_IN_STREAM) {
            List<String> subjects = JetStreamErrors.streamInfo(jsm, config.stream).getConfiguration().getSubjects();
            return Exit.failed("filter %s is not among stream %s's subjects (%s), so the consumer would never get a "
                    + "message: give --filter one of them or a subject under one (%s), or leave --filter out to get them all",
                    Output.printable(config.string(Setting.FILTER), false), config.stream, Subjects.printableListed(subjects),
                    subjects.get(0));
        }
        if (e.getApiErrorCode() != JetStreamErrors.SUBJECT_OVERLAP) {
            return e;
        }
        List<String> owners = jsm.getStreamNames(config.subject).stream()
                .filter(name -> !name.equals(config.stream)).toList();
        return Exit.failed("subject %s is already captured by stream %s: use another --subject, "
                + "or point --stream at that stream", config.subject, String.join(", ", owners));
    }

    static String describe(StreamConfiguration stream) {
        boolean defaultWindow = stream.getDuplicateWindow().toSeconds() == Config.DEFAULT_DUPLICATE_WINDOW_SECS;
        return "subjects: " + Subjects.printableListed(stream.getSubjects()) + ", storage: " + Setting.spelled(stream.getStorageType())
                + (defaultWindow ? "" : ", duplicate window " + Durations.seconds(stream.getDuplicateWindow()))
                + (stream.getReplicas() == 1 ? "" : ", replicas " + stream.getReplicas())
                + (stream.getRetentionPolicy() == RetentionPolicy.Limits ? "" : ", retention " + Setting.spelled(stream.getRetentionPolicy()))
                + (Limit.unlimited(stream.getMaxMsgs()) ? "" : ", max messages " + stream.getMaxMsgs())
                + (Limit.unlimited(stream.getMaxBytes()) ? "" : ", max bytes " + stream.getMaxBytes())
                + (Limit.noAge(stream.getMaxAge()) ? "" : ", max age " + Durations.format(stream.getMaxAge()))
                + (stream.getDiscardPolicy() == DiscardPolicy.Old ? "" : ", discard new");
    }

    static String describe(ConsumerConfiguration consumer) {
        String filter = consumer.getFilterSubject();
        List<Duration> backoff = consumer.getBackoff();
        return "durable pull, explicit ack, ack wait " + Durations.seconds(consumer.getAckWait())
                + (Limit.unlimited(consumer.getMaxDeliver()) ? "" : ", max deliver " + consumer.getMaxDeliver())
                + (backoff == null || backoff.isEmpty() ? "" : ", backoff " + Backoff.shown(backoff))
                + (consumer.getMaxAckPending() == ExistingSettings.NEW_MAX_ACK_PENDING ? "" : ", max ack pending " + consumer.getMaxAckPending())
                + (filter == null || filter.isEmpty() ? "" : ", filter " + filter);
    }

    static RetentionPolicy retention(Config config) {
        return RetentionPolicy.get(config.string(Setting.RETENTION));
    }

    static DiscardPolicy discard(Config config) {
        return DiscardPolicy.get(config.string(Setting.DISCARD));
    }

    static StorageType storageType(Config config) {
        return config.storage.equals("memory") ? StorageType.Memory : StorageType.File;
    }

    static Duration[] backoff(Config config) {
        return Backoff.parse(config.string(Setting.BACKOFF)).toArray(Duration[]::new);
    }
}
