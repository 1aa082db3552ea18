///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: a stream stores the messages published to its subjects; a durable pull consumer on it
// hands them out and needs an explicit ack for each. Safe to rerun: what matches is left alone.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/StreamOptions.java lab/ConsumerOptions.java lab/LogLines.java
//SOURCES lab/Config.java lab/JetStreamErrors.java lab/Subjects.java lab/Output.java lab/Exit.java lab/Deletion.java lab/Failover.java
//SOURCES lab/ExistingSettings.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Create (or check) the lab's JetStream stream and durable pull consumer.

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "js-bootstrap", mixinStandardHelpOptions = true, version = CommandRunner.VERSION,
        description = JsBootstrap.DESCRIPTION, footer = JsBootstrap.FOOTER) // the help text: at the end of the file
public class JsBootstrap implements Callable<Integer> {
    private static final Logger log = LogLines.logger(JsBootstrap.class);

    /** Creates the stream and its durable pull consumer, or brings existing ones in line with the config. */
    void setUp(JetStreamManagement jsm, Config config) throws IOException, JetStreamApiException {
        StreamConfiguration stream = StreamConfiguration.builder()
                .name(config.stream)
                .subjects(config.subject)                // it stores every message published to this subject
                .storageType(storageType(config.storage)) // File: kept on disk, across restarts
                .duplicateWindow(config.duplicateWindow) // a Nats-Msg-Id seen within it is not stored again
                .replicas(config.replicas)               // copies on that many servers of a cluster (Raft)
                .retentionPolicy(retention(config))      // Limits: kept until a limit; WorkQueue: gone once acked
                .maxMessages(config.number(Setting.MAX_MSGS)) // -1: no limit
                .discardPolicy(discard(config))          // when full: drop the oldest (Old), or refuse the new one (New)
                .build();
        StreamInfo existing = JetStreamErrors.orNull(JetStreamErrors.STREAM_NOT_FOUND, () -> jsm.getStreamInfo(config.stream));
        if (existing == null) {
            jsm.addStream(stream);
            log.info("created stream {} ({})", config.stream, describe(stream));
        } else {
            bringInLine(jsm, existing, stream); // updateStream, or --recreate
        }
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(config.consumer)          // durable: the server remembers what was acked
                .ackPolicy(AckPolicy.Explicit)     // each message needs its own ack, or it comes back
                .deliverPolicy(DeliverPolicy.All)  // starting from the stream's first message
                .ackWait(config.ackWait)           // how long the server waits for that ack
                .maxDeliver(config.maxDeliver)     // how often it tries (-1: no limit)
                .maxAckPending(config.number(Setting.MAX_ACK_PENDING)) // delivered, not yet acked: then it waits
                .filterSubject(config.string(Setting.FILTER)) // null: all the stream's subjects
                .build();
        ConsumerInfo current = JetStreamErrors.orNull(JetStreamErrors.CONSUMER_NOT_FOUND,
                () -> jsm.getConsumerInfo(config.stream, config.consumer));
        if (current == null) {
            jsm.addOrUpdateConsumer(config.stream, consumer);
            log.info("created consumer {} ({})", config.consumer, describe(consumer));
        } else {
            bringInLine(jsm, config.stream, current, consumer);
        }
    }

    @Mixin ConnectionOptions connection;
    @Mixin StreamOptions streamOptions;
    @Mixin ConsumerOptions consumerOptions;

    @Option(names = "--replicas", paramLabel = "N",
            description = "Servers of the cluster that keep a copy of the stream, 1 to 5 ([stream] replicas; default 1). "
                    + "A rerun with another N changes it in place.")
    Long replicas;

    @Option(names = "--recreate",
            description = "Delete and recreate a stream or consumer whose config cannot be changed in place "
                    + "(a recreated stream loses its messages).")
    boolean recreate;

    @Option(names = {"-f", "--force"},
            description = "With --recreate: delete a stream that holds messages without asking (needed when there is "
                    + "no terminal to ask on).")
    boolean force;

    @Option(names = {"-j", "--json"},
            description = "Print the stream's and the consumer's info after the set-up, as one JSON object on stdout, "
                    + "re-serialized by jnats, so the fields may come in another order than the server's (js-info --json "
                    + "prints the server's own text; the lines saying what was done go to stderr).")
    boolean json;

    @Option(names = "--retention", paramLabel = "POLICY",
            description = "limits (keep messages until a limit), workqueue (a message is gone once acked; one consumer "
                    + "per subject) or interest (gone once every consumer acked it) ([stream] retention; default limits). "
                    + "Fixed when the stream is created: another one needs --recreate.")
    String retention;

    @Option(names = "--max-msgs", paramLabel = "N",
            description = "The most messages the stream keeps, -1 for no limit ([stream] max_msgs).")
    Long maxMsgs;

    @Option(names = "--discard", paramLabel = "old|new",
            description = "When the stream is full: old drops its oldest message, new refuses the publish ([stream] discard).")
    String discard;

    @Option(names = "--ack-wait", paramLabel = "DURATION",
            description = "How long the consumer waits for an ack before it delivers again: 30s, 1m ([consumer] ack_wait_secs).")
    String ackWait;

    @Option(names = "--max-deliver", paramLabel = "N",
            description = "How often the consumer delivers a message, -1 for no limit ([consumer] max_deliver).")
    Long maxDeliver;

    @Option(names = "--max-ack-pending", paramLabel = "N",
            description = "The most messages delivered and not yet acked; then delivery waits ([consumer] max_ack_pending; "
                    + "default 1000).")
    Long maxAckPending;

    @Option(names = "--filter", paramLabel = "SUBJECT",
            description = "The consumer gets only the stream's messages on SUBJECT ([consumer] filter_subject; default: all).")
    String filter;

    private String subject; // the lab's subject, which the consumer must get
    private Config config;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsBootstrap(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (force && !recreate) {
            throw Exit.usage("--force goes with --recreate: without it nothing is deleted, so nothing asks");
        }
        Config config = this.config = connection.load();
        subject = config.subject;
        try (Connection nc = connection.open(config)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            checkClusterSize(nc, config);
            if (json) {
                Stdout.linesToStderr();
            }
            try {
                setUp(jsm, config);
            } catch (JetStreamApiException e) {
                if (JetStreamErrors.workQueueTaken(e)) {
                    throw JetStreamErrors.workQueueTaken(e, config.stream, config.consumer, jsm.getConsumerNames(config.stream));
                }
                throw e.getApiErrorCode() == JetStreamErrors.SUBJECT_OVERLAP ? subjectTaken(jsm, config) : e;
            }
            if (json) { // the same object as js-info --json
                Output.json(String.format("{\"stream\":%s,\"consumer\":%s}",
                        jsm.getStreamInfo(config.stream).getJv().toJson(),
                        jsm.getConsumerInfo(config.stream, config.consumer).getJv().toJson()));
            }
        }
        return 0;
    }

    /** More replicas than servers: the server would only say "insufficient resources", so say how many there are. */
    private static void checkClusterSize(Connection nc, Config config) {
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
            throw Exit.failed("%d replicas need %d servers, but cluster %s has %d connected (cluster size %d): use "
                    + "--replicas %d or less ([stream] replicas)", config.replicas, config.replicas, server.getCluster(),
                    size, size, size);
        }
    }

    /** Another stream already captures the subject: name it, so the user can choose. */
    private static LabException subjectTaken(JetStreamManagement jsm, Config config) throws IOException, JetStreamApiException {
        List<String> owners = jsm.getStreamNames(config.subject).stream()
                .filter(name -> !name.equals(config.stream)).toList();
        return Exit.failed("subject %s is already captured by stream %s: use another --subject, "
                + "or point --stream at that stream", config.subject, String.join(", ", owners));
    }

    /**
     * After a change of replicas the stream's consumers get new copies and elect a leader again, and
     * meanwhile they may not answer (several seconds on a busy cluster): asked again until they do,
     * for as long as a failover is waited for.
     */
    private static <T> T answered(JetStreamErrors.ApiCall<T> call) throws IOException, JetStreamApiException {
        long giveUp = System.nanoTime() + Failover.GIVE_UP_AFTER.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (IOException noAnswer) {
                if (System.nanoTime() > giveUp) {
                    throw noAnswer;
                }
            }
        }
    }

    /**
     * Leaves a matching stream alone, updates what can change in place, and recreates only with
     * --recreate. Its subjects are never changed in place: dropping one would strand what is
     * published to it, so a difference stops here and says what --recreate would lose.
     */
    private void bringInLine(JetStreamManagement jsm, StreamInfo existing, StreamConfiguration wanted)
            throws IOException, JetStreamApiException {
        StreamConfiguration current = existing.getConfiguration();
        String name = wanted.getName();
        long stored = existing.getStreamState().getMsgCount();
        boolean sameSubjects = current.getSubjects().equals(wanted.getSubjects());
        List<String> changes = new ArrayList<>(); // what can change in place
        if (!current.getDuplicateWindow().equals(wanted.getDuplicateWindow())) {
            changes.add("duplicate window " + seconds(current.getDuplicateWindow()) + " -> "
                    + seconds(wanted.getDuplicateWindow()));
        }
        if (current.getReplicas() != wanted.getReplicas()) {
            changes.add("replicas " + current.getReplicas() + " -> " + wanted.getReplicas());
        }
        if (given(Setting.MAX_MSGS) && current.getMaxMsgs() != wanted.getMaxMsgs()) {
            changes.add("max messages " + limit(current.getMaxMsgs()) + " -> " + limit(wanted.getMaxMsgs()));
        }
        if (given(Setting.DISCARD) && current.getDiscardPolicy() != wanted.getDiscardPolicy()) {
            changes.add("discard " + name(current.getDiscardPolicy()) + " -> " + name(wanted.getDiscardPolicy()));
        }
        boolean sameStorage = current.getStorageType() == wanted.getStorageType()
                && (!given(Setting.RETENTION) || current.getRetentionPolicy() == wanted.getRetentionPolicy());
        if (!recreate && !sameSubjects) {
            String lab = wanted.getSubjects().get(0);
            throw Exit.failed("stream %s captures %s, %s: js-bootstrap does not change a stream's subjects in place "
                    + "(publishing to %s would then fail); rerun with --recreate to delete it and create it for %s only "
                    + "(losing its %s), or use another --stream", name, String.join(", ", current.getSubjects()),
                    Subjects.anyMatches(current.getSubjects(), lab) ? "the lab only " + lab : "not the lab's " + lab,
                    String.join(", ", without(current.getSubjects(), wanted.getSubjects())), lab, Output.messages(stored));
        }
        if (!recreate && current.getRetentionPolicy() != wanted.getRetentionPolicy() && given(Setting.RETENTION)) {
            throw Exit.failed("stream %s has retention %s, not %s, and a stream's retention cannot change: "
                    + "rerun with --recreate to delete and recreate it (%s), or use another --stream", name,
                    name(current.getRetentionPolicy()), name(wanted.getRetentionPolicy()),
                    stored == 0 ? "it holds no messages" : "losing its " + Output.messages(stored));
        }
        if (!recreate && !sameStorage) {
            throw Exit.failed("stream %s uses %s storage, the config asks for %s, and storage cannot change in place: "
                    + "rerun with --recreate to delete and recreate it (its messages are lost)", name,
                    storageName(current.getStorageType()), storageName(wanted.getStorageType()));
        }
        if ((!sameSubjects || !sameStorage) && stored > 0 && !force && !Deletion.confirmed(Deletion.stream(existing))) {
            log.info("nothing changed: not confirmed");
            return;
        }
        if (!sameSubjects || !sameStorage) {
            jsm.deleteStream(name);
            jsm.addStream(wanted);
            log.info("recreated stream {} ({}); its {} went with the old one", name, describe(wanted),
                    Output.messages(stored));
            return; // a new stream: nothing of the old one's settings is kept
        }
        if (!changes.isEmpty()) {
            // From the current config, so settings the lab does not manage stay as they are.
            jsm.updateStream(StreamConfiguration.builder(current).duplicateWindow(wanted.getDuplicateWindow())
                    .replicas(wanted.getReplicas()).maxMessages(given(Setting.MAX_MSGS) ? wanted.getMaxMsgs() : current.getMaxMsgs())
                    .discardPolicy(given(Setting.DISCARD) ? wanted.getDiscardPolicy() : current.getDiscardPolicy()).build());
            if (current.getReplicas() != wanted.getReplicas()) {
                for (String consumer : answered(() -> jsm.getConsumerNames(name))) {
                    answered(() -> jsm.getConsumerInfo(name, consumer)); // placed anew: answers once it has a leader
                }
            }
            log.info("updated stream {}: {}", name, String.join(", ", changes));
        } else {
            log.info("stream {} already exists, unchanged ({})", name, describe(wanted));
        }
        ExistingSettings.unmanaged(current, this::given).forEach(setting -> keeps("stream", name, setting));
    }

    /** One line for a setting left as it is: {what, a new one's, the flag that would change it (if any)}. */
    private static void keeps(String kind, String name, String[] setting) {
        String created = "a " + kind + " js-bootstrap creates has " + setting[1];
        if (setting.length > 2) {
            log.info("{} {} keeps {} (this run does not set it: {} does; {})", kind, name, setting[0], setting[2], created);
        } else {
            log.info("{} {} keeps {}, which the lab does not manage ({})", kind, name, setting[0], created);
        }
    }

    private static List<String> without(List<String> subjects, List<String> removed) {
        List<String> rest = new ArrayList<>(subjects);
        rest.removeAll(removed);
        return rest;
    }

    /**
     * The same for the consumer: type, ack policy and deliver policy cannot change in place, and a
     * filter that leaves out the lab's subject would starve it; --recreate makes it forget its acks.
     */
    private void bringInLine(JetStreamManagement jsm, String stream, ConsumerInfo existing,
                             ConsumerConfiguration wanted) throws IOException, JetStreamApiException {
        ConsumerConfiguration current = existing.getConsumerConfiguration();
        String name = wanted.getDurable();
        String fixed = ExistingSettings.cannotChange(current, wanted, subject);
        if (fixed != null && !recreate) {
            long acked = existing.getAckFloor().getStreamSequence();
            throw Exit.failed("consumer %s exists with %s, which cannot change in place: rerun with --recreate to "
                    + "delete and recreate it (the stream keeps its messages, but the new consumer starts from the "
                    + "stream's first message%s)", name, fixed, acked == 0 ? ""
                    : ": those it had acked, up to stream seq " + acked + ", are delivered again");
        }
        if (fixed != null) {
            jsm.deleteConsumer(stream, name);
            jsm.addOrUpdateConsumer(stream, wanted);
            log.info("recreated consumer {} ({})", name, describe(wanted));
            return;
        }
        List<String> changes = new ArrayList<>();
        if (!current.getAckWait().equals(wanted.getAckWait())) {
            changes.add("ack wait " + seconds(current.getAckWait()) + " -> " + seconds(wanted.getAckWait()));
        }
        if (current.getMaxDeliver() != wanted.getMaxDeliver()) {
            changes.add("max deliver " + ConsumerOptions.shown(current.getMaxDeliver()) + " -> "
                    + ConsumerOptions.shown(wanted.getMaxDeliver()));
        }
        boolean ackPending = given(Setting.MAX_ACK_PENDING) && current.getMaxAckPending() != wanted.getMaxAckPending();
        if (ackPending) {
            changes.add("max ack pending " + current.getMaxAckPending() + " -> " + wanted.getMaxAckPending());
        }
        if (changes.isEmpty()) {
            log.info("consumer {} already exists, unchanged ({})", name, describe(wanted));
        } else {
            // From the current config: only what the lab manages changes; the rest stays as it was set.
            jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder(current).ackWait(wanted.getAckWait())
                    .maxDeliver(wanted.getMaxDeliver())
                    .maxAckPending(ackPending ? wanted.getMaxAckPending() : current.getMaxAckPending()).build());
            log.info("updated consumer {}: {}", name, String.join(", ", changes));
        }
        ExistingSettings.unmanaged(current, this::given).forEach(setting -> keeps("consumer", name, setting));
    }

    private static String describe(StreamConfiguration stream) {
        boolean defaultWindow = stream.getDuplicateWindow().toSeconds() == Config.DEFAULT_DUPLICATE_WINDOW_SECS;
        return "subjects: " + String.join(", ", stream.getSubjects()) + ", storage: " + storageName(stream.getStorageType())
                + (defaultWindow ? "" : ", duplicate window " + seconds(stream.getDuplicateWindow()))
                + (stream.getReplicas() == 1 ? "" : ", replicas " + stream.getReplicas())
                + (stream.getRetentionPolicy() == RetentionPolicy.Limits ? "" : ", retention " + name(stream.getRetentionPolicy()))
                + (ConsumerOptions.unlimited(stream.getMaxMsgs()) ? "" : ", max messages " + stream.getMaxMsgs())
                + (stream.getDiscardPolicy() == DiscardPolicy.Old ? "" : ", discard new");
    }

    private static String describe(ConsumerConfiguration consumer) {
        String filter = consumer.getFilterSubject();
        return "durable pull, explicit ack, ack wait " + seconds(consumer.getAckWait())
                + (ConsumerOptions.unlimited(consumer.getMaxDeliver()) ? "" : ", max deliver " + consumer.getMaxDeliver())
                + (consumer.getMaxAckPending() == ExistingSettings.NEW_MAX_ACK_PENDING ? "" : ", max ack pending " + consumer.getMaxAckPending())
                + (filter == null || filter.isEmpty() ? "" : ", filter " + filter);
    }

    /** Whether the run names this setting (a flag, a file, ...): only then does a rerun change it on what exists. */
    private boolean given(Setting setting) {
        return !"built-in default".equals(config.sourceOf(setting));
    }

    private static RetentionPolicy retention(Config config) {
        return RetentionPolicy.get(config.string(Setting.RETENTION));
    }

    private static DiscardPolicy discard(Config config) {
        return DiscardPolicy.get(config.string(Setting.DISCARD));
    }

    /** A policy as the lab's flags spell it: workqueue, limits, new ... */
    private static String name(Enum<?> policy) {
        return policy.toString().toLowerCase();
    }

    private static String limit(long max) {
        return ConsumerOptions.unlimited(max) ? "no limit" : String.valueOf(max);
    }

    private static StorageType storageType(String storage) {
        return storage.equals("memory") ? StorageType.Memory : StorageType.File;
    }

    private static String storageName(StorageType storage) {
        return storage.toString().toLowerCase();
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Creates the stream that stores the lab's subject and a durable pull consumer%n"
            + "with explicit acks. Safe to rerun: what already matches is left alone.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  js-bootstrap%n"
            + "  js-bootstrap --stream ORDERS --subject orders.new --consumer ORDERS_WORKER%n"
            + "  js-bootstrap --recreate     # after a change the server cannot apply in place%n"
            + "  js-bootstrap -j | jq .stream.state   # JSON on stdout, what was done on stderr";
}
