///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: a stream stores the messages published to its subjects; a durable pull consumer on it
// hands them out and needs an explicit ack for each. Safe to rerun: what matches is left alone.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/SettingFlags.java lab/LogLines.java
//SOURCES lab/Config.java lab/JetStreamErrors.java lab/Subjects.java lab/Output.java lab/Exit.java lab/Deletion.java
//SOURCES lab/ExistingSettings.java lab/BootstrapOptions.java lab/Limit.java lab/Unanswered.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
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
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

@Command(name = "js-bootstrap", version = CommandRunner.VERSION,
        description = JsBootstrap.DESCRIPTION, footer = JsBootstrap.FOOTER) // the help text: at the end of the file
public class JsBootstrap implements Callable<Integer> {
    private static final Logger log = LogLines.logger(JsBootstrap.class);

    /** Creates the stream and its durable pull consumer, or brings existing ones in line with the config. */
    void setUp(JetStreamManagement jsm, Config config) throws IOException, JetStreamApiException {
        StreamConfiguration stream = StreamConfiguration.builder()
                .name(config.stream)
                .subjects(config.subject)                // it stores every message published to this subject
                .storageType(storageType(config))        // File: kept on disk, across restarts
                .duplicateWindow(options.duplicateWindow()) // a Nats-Msg-Id seen within it is not stored again
                .replicas(config.replicas)               // copies on that many servers of a cluster (Raft)
                .retentionPolicy(retention(config))      // Limits: kept until a limit; WorkQueue: gone once acked
                .maxMessages(config.number(Setting.MAX_MSGS)) // -1: no limit
                .maxBytes(config.number(Setting.MAX_BYTES))   // -1: no limit
                .maxAge(config.duration(Setting.MAX_AGE))     // older messages are removed; 0: no limit
                .discardPolicy(discard(config))          // when full: drop the oldest (Old), or refuse the new one (New)
                .build();
        StreamInfo existing = Unanswered.throughElection(failsOver, // on a cluster: asked again while a leader is elected
                () -> JetStreamErrors.orNull(JetStreamErrors.STREAM_NOT_FOUND, () -> jsm.getStreamInfo(config.stream)));
        if (existing == null) {
            Unanswered.change(failsOver, "the creation of stream " + config.stream, () -> jsm.addStream(stream)); // asked again, it answers the same
            log.info("created stream {} ({}){}", config.stream, describe(stream), windowCut(stream));
        } else {
            bringInLine(jsm, existing, stream); // updateStream, or --recreate
        }
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(config.consumer)          // durable: the server remembers what was acked
                .ackPolicy(AckPolicy.Explicit)     // each message needs its own ack, or it comes back
                .deliverPolicy(DeliverPolicy.All)  // starting from the stream's first message
                .ackWait(config.ackWait)           // how long the server waits for that ack
                .maxDeliver(config.maxDeliver)     // how often it tries (-1: no limit)
                .backoff(backoff(config))          // or: a wait before each redelivery, in place of the ack wait
                .maxAckPending(config.number(Setting.MAX_ACK_PENDING)) // delivered, not yet acked: then it waits
                .filterSubject(config.string(Setting.FILTER)) // null: all the stream's subjects
                .build();
        ConsumerInfo current = Unanswered.throughElection(failsOver, () -> JetStreamErrors.orNull(
                JetStreamErrors.CONSUMER_NOT_FOUND, () -> jsm.getConsumerInfo(config.stream, config.consumer)));
        if (current == null) {
            ConsumerInfo created = Unanswered.change(failsOver, "the creation of consumer " + config.consumer,
                    () -> jsm.addOrUpdateConsumer(config.stream, consumer));
            log.info("created consumer {} ({})", config.consumer, describe(created.getConsumerConfiguration())); // as the server has it
        } else {
            bringInLine(jsm, config.stream, current, consumer);
        }
    }

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.STREAM, Setting.SUBJECT, Setting.REPLICAS, Setting.RETENTION,
            Setting.MAX_MSGS, Setting.MAX_BYTES, Setting.MAX_AGE, Setting.DISCARD, Setting.CONSUMER, Setting.ACK_WAIT,
            Setting.MAX_DELIVER, Setting.BACKOFF, Setting.MAX_ACK_PENDING, Setting.FILTER); // each from its row of Setting.java
    @Mixin BootstrapOptions options; // --recreate, --force, --json

    private String subject; // the lab's subject, which the consumer must get
    private boolean recreate;
    private boolean failsOver; // a server list or a cluster: a leader may be being elected as the run starts

    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsBootstrap(), args));
    }

    @Override
    public Integer call() throws Exception {
        Config config = connection.load();
        options.use(config);
        subject = config.subject;
        recreate = options.recreate;
        try (Connection nc = connection.open(config)) {
            failsOver = connection.failsOver();
            JetStreamManagement jsm = nc.jetStreamManagement();
            BootstrapOptions.checkClusterSize(nc, config, failsOver);
            options.checkBackoff(jsm, failsOver); // before anything changes
            if (options.json) {
                Stdout.linesToStderr();
            }
            try {
                setUp(jsm, config);
            } catch (JetStreamApiException e) {
                throw BootstrapOptions.refused(e, jsm, config);
            }
            if (options.json) { // the same object as js-info --json
                Output.json(String.format(Locale.ROOT, "{\"stream\":%s,\"consumer\":%s}",
                        JetStreamErrors.streamInfo(jsm, config.stream).getJv().toJson(),
                        JetStreamErrors.consumerInfo(jsm, config.stream, config.consumer).getJv().toJson()));
            }
        }
        return 0;
    }

    /**
     * Leaves a matching stream alone, updates in place what this run was given and can change, and
     * recreates only with --recreate. Its subjects are never changed in place: dropping one would strand
     * what is published to it, so a difference stops here and says what --recreate would lose.
     */
    private void bringInLine(JetStreamManagement jsm, StreamInfo existing, StreamConfiguration wanted)
            throws IOException, JetStreamApiException {
        String name = wanted.getName();
        StreamConfiguration current = JetStreamErrors.checked(existing, name).getConfiguration(); // no advice to delete on a fake's
        long stored = existing.getStreamState().getMsgCount();
        boolean sameSubjects = current.getSubjects().equals(wanted.getSubjects());
        List<Setting> changes = new ArrayList<>(); // what can change in place, and this run was given
        StreamConfiguration.Builder target = StreamConfiguration.builder(current); // the rest stays as it is
        if (changed(Setting.DUPLICATE_WINDOW, current, wanted, changes)) {
            target.duplicateWindow(wanted.getDuplicateWindow());
        }
        if (changed(Setting.REPLICAS, current, wanted, changes)) {
            target.replicas(wanted.getReplicas());
        }
        if (changed(Setting.MAX_MSGS, current, wanted, changes)) {
            target.maxMessages(wanted.getMaxMsgs());
        }
        if (changed(Setting.MAX_BYTES, current, wanted, changes)) {
            target.maxBytes(wanted.getMaxBytes());
        }
        if (changed(Setting.MAX_AGE, current, wanted, changes)) {
            target.maxAge(wanted.getMaxAge());
        }
        if (changed(Setting.DISCARD, current, wanted, changes)) {
            target.discardPolicy(wanted.getDiscardPolicy());
        }
        boolean windowCut = !options.given(Setting.DUPLICATE_WINDOW) && !Limit.noAge(target.build().getMaxAge())
                && current.getDuplicateWindow().compareTo(target.build().getMaxAge()) > 0;
        if (windowCut) { // kept, it would make the server refuse the new max age
            changes.add(Setting.DUPLICATE_WINDOW);
            target.duplicateWindow(wanted.getDuplicateWindow());
        }
        boolean sameStorage = (!options.given(Setting.STORAGE) || current.getStorageType() == wanted.getStorageType())
                && (!options.given(Setting.RETENTION) || current.getRetentionPolicy() == wanted.getRetentionPolicy());
        if (!recreate && !sameSubjects) {
            String lab = wanted.getSubjects().get(0);
            throw Exit.failed("stream %s captures %s, %s: js-bootstrap does not change a stream's subjects in place "
                    + "(publishing to %s would then fail); rerun with --recreate to delete it and create it for %s only "
                    + "(losing its %s), or use another --stream", name, Subjects.printableListed(current.getSubjects()),
                    Subjects.anyMatches(current.getSubjects(), lab) ? "the lab only " + lab : "not the lab's " + lab,
                    Subjects.printableListed(without(current.getSubjects(), wanted.getSubjects())), lab, Output.messages(stored));
        }
        if (!recreate && current.getRetentionPolicy() != wanted.getRetentionPolicy() && options.given(Setting.RETENTION)) {
            throw Exit.failed("stream %s has retention %s, not %s, and a stream's retention cannot change: "
                    + "rerun with --recreate to delete and recreate it (%s), or use another --stream", name,
                    Setting.spelled(current.getRetentionPolicy()), Setting.spelled(wanted.getRetentionPolicy()),
                    stored == 0 ? "it holds no messages" : "losing its " + Output.messages(stored));
        }
        if (!recreate && !sameStorage) {
            throw Exit.failed("stream %s uses %s storage, the config asks for %s, and storage cannot change in place: "
                    + "rerun with --recreate to delete and recreate it (its messages are lost)", name,
                    Setting.spelled(current.getStorageType()), Setting.spelled(wanted.getStorageType()));
        }
        if ((!sameSubjects || !sameStorage) && stored > 0 && !options.force && !Deletion.confirmed(Deletion.stream(existing))) {
            throw Deletion.declined("nothing changed"); // the consumer is left as it is too
        }
        if (!sameSubjects || !sameStorage) {
            Deletion.deleteStream(jsm, name, failsOver); // a big stream's delete may answer late: then asked whether it is gone
            Unanswered.change(failsOver, "the creation of stream " + name, () -> jsm.addStream(wanted));
            log.info("recreated stream {} ({}); its {} went with the old one{}", name, describe(wanted),
                    Output.messages(stored), windowCut(wanted));
            return; // a new stream: nothing of the old one's settings is kept
        }
        String deletes = Deletion.lowered(existing, target.build());
        if (deletes != null && !changes.isEmpty() && !options.force && !Deletion.confirmed(deletes)) {
            throw Deletion.declined("nothing changed"); // the consumer is left as it is too
        }
        if (!changes.isEmpty()) {
            StreamConfiguration asked = target.build();
            Unanswered.change(failsOver, "the update of stream " + name, () -> jsm.updateStream(asked));
            if (current.getReplicas() != wanted.getReplicas() && options.given(Setting.REPLICAS)) {
                for (String consumer : Unanswered.throughElection(true, () -> jsm.getConsumerNames(name))) {
                    Unanswered.throughElection(true, () -> jsm.getConsumerInfo(name, consumer)); // placed anew: answers once it has a leader (replicas: a cluster)
                }
            }
            StreamConfiguration held = Unanswered.throughElection(true, () -> JetStreamErrors.streamInfo(jsm, name)).getConfiguration();
            log.info("updated stream {}: {}{}", name, shown(changes, setting -> value(setting, current),
                    setting -> value(setting, asked), setting -> value(setting, held)), windowCut ? "; " + BootstrapOptions.WINDOW_CUT : "");
        } else {
            log.info("stream {} already exists, unchanged ({})", name, describe(current));
        }
        boolean windowAsked = !windowCut(wanted).isEmpty() && current.getDuplicateWindow().equals(wanted.getDuplicateWindow());
        ExistingSettings.unmanaged(current, setting -> options.given(setting) || setting == Setting.DUPLICATE_WINDOW
                && windowAsked).forEach(setting -> keeps("stream", name, setting));
    }

    /** "; the duplicate window is at most the max age ..." when it was cut to fit under the max age; else "". */
    private String windowCut(StreamConfiguration stream) {
        boolean cut = !options.given(Setting.DUPLICATE_WINDOW)
                && stream.getDuplicateWindow().toSeconds() < Config.DEFAULT_DUPLICATE_WINDOW_SECS;
        return cut ? "; " + BootstrapOptions.WINDOW_CUT : "";
    }

    /** Whether this run was given the setting and it differs; if so, it joins the changes. */
    private boolean changed(Setting setting, StreamConfiguration current, StreamConfiguration wanted, List<Setting> changes) {
        return changed(setting, value(setting, current), value(setting, wanted), changes);
    }

    private boolean changed(Setting setting, ConsumerConfiguration current, ConsumerConfiguration wanted, List<Setting> changes) {
        return changed(setting, value(setting, current), value(setting, wanted), changes);
    }

    /** Whether this run was given the setting and it differs; if so it joins the changes. */
    private boolean changed(Setting setting, String current, String wanted, List<Setting> changes) {
        if (!options.given(setting) || current.equals(wanted)) {
            return false;
        }
        changes.add(setting);
        return true;
    }

    /**
     * "what old -> new" for each change, new as asked. The update's own answer is not trusted for it (right
     * after a restart a server may answer with the settings it had before), so the settings are read again
     * and any that the server does not hold as asked are named at the end.
     */
    private static String shown(List<Setting> changes, Function<Setting, String> before, Function<Setting, String> asked,
                                Function<Setting, String> held) {
        String line = changes.stream().map(setting -> ExistingSettings.what(setting) + " " + before.apply(setting) + " -> "
                + asked.apply(setting)).collect(Collectors.joining(", "));
        String differs = changes.stream().filter(setting -> !asked.apply(setting).equals(held.apply(setting)))
                .map(setting -> ExistingSettings.what(setting) + " " + held.apply(setting)).collect(Collectors.joining(", "));
        return differs.isEmpty() ? line : line + "; but the server, asked again, holds " + differs + " (js-info shows it)";
    }

    /** A stream's setting as the lines show it. */
    private static String value(Setting setting, StreamConfiguration stream) {
        return switch (setting) {
            case DUPLICATE_WINDOW -> Durations.seconds(stream.getDuplicateWindow());
            case REPLICAS -> String.valueOf(stream.getReplicas());
            case MAX_MSGS -> Limit.shown(stream.getMaxMsgs());
            case MAX_BYTES -> Limit.shown(stream.getMaxBytes());
            case MAX_AGE -> age(stream);
            case DISCARD -> Setting.spelled(stream.getDiscardPolicy());
            default -> throw new IllegalArgumentException(setting.name());
        };
    }

    /** A consumer's setting as the lines show it. */
    private static String value(Setting setting, ConsumerConfiguration consumer) {
        return switch (setting) {
            case BACKOFF -> shownBackoff(consumer.getBackoff());
            case ACK_WAIT -> Durations.seconds(consumer.getAckWait());
            case MAX_DELIVER -> Limit.shown(consumer.getMaxDeliver());
            case MAX_ACK_PENDING -> String.valueOf(consumer.getMaxAckPending());
            case FILTER -> consumer.getFilterSubject() == null || consumer.getFilterSubject().isEmpty() ? "none"
                    : Output.printable(consumer.getFilterSubject(), false);
            default -> throw new IllegalArgumentException(setting.name());
        };
    }

    private static String age(StreamConfiguration stream) {
        return Limit.noAge(stream.getMaxAge()) ? Limit.NONE : Durations.format(stream.getMaxAge());
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
        String name = wanted.getDurable();
        ConsumerConfiguration current = JetStreamErrors.checked(existing, stream, name).getConsumerConfiguration();
        String fixed = ExistingSettings.cannotChange(current, wanted, subject);
        if (fixed != null && !recreate) {
            long acked = existing.getAckFloor().getStreamSequence();
            throw Exit.failed("consumer %s exists with %s, which cannot change in place: rerun with --recreate to "
                    + "delete and recreate it (the stream keeps its messages, but the new consumer starts from the "
                    + "stream's first message%s)", name, fixed, acked == 0 ? ""
                    : ": those it had acked, up to stream seq " + acked + ", are delivered again");
        }
        if (fixed != null) {
            Deletion.deleteConsumer(jsm, stream, name, failsOver);
            log.info("recreated consumer {} ({})", name, describe(Unanswered.change(failsOver, "the creation of consumer " + name,
                    () -> jsm.addOrUpdateConsumer(stream, wanted)).getConsumerConfiguration()));
            return;
        }
        List<Setting> changes = new ArrayList<>();
        ConsumerConfiguration.Builder target = ConsumerConfiguration.builder(current); // the rest stays as it was set
        List<Duration> backoff = List.of(backoff(options.given(Setting.BACKOFF) ? wanted : current));
        if (changed(Setting.BACKOFF, shownBackoff(current.getBackoff()), shownBackoff(backoff), changes)) {
            target.backoff(backoff.toArray(Duration[]::new));
        }
        Duration ackWait = backoff.isEmpty() ? wanted.getAckWait() : backoff.get(0); // the server's rule
        if ((options.given(Setting.ACK_WAIT) || options.given(Setting.BACKOFF) && !backoff.isEmpty())
                && !current.getAckWait().equals(ackWait)) {
            changes.add(Setting.ACK_WAIT);
            target.ackWait(ackWait);
        }
        if (changed(Setting.MAX_DELIVER, current, wanted, changes)) {
            target.maxDeliver(wanted.getMaxDeliver());
        }
        if (changed(Setting.MAX_ACK_PENDING, current, wanted, changes)) {
            target.maxAckPending(wanted.getMaxAckPending());
        }
        if (wanted.getFilterSubject() != null && changed(Setting.FILTER, current, wanted, changes)) {
            target.filterSubject(wanted.getFilterSubject()); // the server changes a filter in place
        }
        if (changes.isEmpty()) {
            log.info("consumer {} already exists, unchanged ({})", name, describe(current));
        } else {
            ConsumerConfiguration asked = target.build();
            Unanswered.change(failsOver, "the update of consumer " + name, () -> jsm.addOrUpdateConsumer(stream, asked));
            ConsumerConfiguration held = JetStreamErrors.consumerInfo(jsm, stream, name).getConsumerConfiguration();
            log.info("updated consumer {}: {}", name, shown(changes, setting -> value(setting, current),
                    setting -> value(setting, asked), setting -> value(setting, held)));
        }
        boolean backoffSetsAckWait = options.given(Setting.BACKOFF) && !backoff.isEmpty();
        ExistingSettings.unmanaged(target.build(), setting -> options.given(setting) || setting == Setting.ACK_WAIT
                && backoffSetsAckWait).forEach(setting -> keeps("consumer", name, setting));
    }

    private static Duration[] backoff(ConsumerConfiguration consumer) {
        return consumer.getBackoff() == null ? new Duration[0] : consumer.getBackoff().toArray(Duration[]::new);
    }

    private static String shownBackoff(List<Duration> backoff) {
        return backoff == null || backoff.isEmpty() ? "none" : Backoff.shown(backoff);
    }

    // The lesson's words for what the config asks: the policies and lists as jnats takes them.
    private static RetentionPolicy retention(Config config) { return BootstrapOptions.retention(config); }
    private static DiscardPolicy discard(Config config) { return BootstrapOptions.discard(config); }
    private static StorageType storageType(Config config) { return BootstrapOptions.storageType(config); }
    private static Duration[] backoff(Config config) { return BootstrapOptions.backoff(config); }
    private static String describe(StreamConfiguration stream) { return BootstrapOptions.describe(stream); }
    private static String describe(ConsumerConfiguration consumer) { return BootstrapOptions.describe(consumer); }

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
