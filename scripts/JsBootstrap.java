///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.tomlj:tomlj:1.1.1
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Config.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Create (or check) the lab's JetStream stream and durable pull consumer.

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
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

@Command(name = "js-bootstrap", mixinStandardHelpOptions = true, version = Config.VERSION,
        description = {
                "Creates the stream that stores the lab's subject and a durable pull consumer",
                "with explicit acks. Safe to rerun: what already matches is left alone."},
        footer = {"", "Examples:",
                "  js-bootstrap",
                "  js-bootstrap --stream ORDERS --subject orders.new --consumer ORDERS_WORKER",
                "  js-bootstrap --recreate     # after a change the server cannot apply in place"})
public class JsBootstrap implements Callable<Integer> {
    private static final Logger log = Config.logger(JsBootstrap.class);

    @Mixin
    Config.Options options;

    @Option(names = "--recreate",
            description = "Delete and recreate a stream or consumer whose config cannot be changed in place "
                    + "(a recreated stream loses its messages).")
    boolean recreate;

    public static void main(String... args) {
        System.exit(Config.run(new JsBootstrap(), args));
    }

    @Override
    public Integer call() throws Exception {
        Config config = options.load();
        try (Connection nc = config.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            ensureStream(jsm, config);
            ensureConsumer(jsm, config);
        }
        return 0;
    }

    private void ensureStream(JetStreamManagement jsm, Config config) throws IOException, JetStreamApiException {
        StreamInfo existing = streamInfo(jsm, config.stream);
        String describe = "subjects: " + config.subject + ", storage: " + config.storage
                + (config.duplicateWindow.toSeconds() == Config.DEFAULT_DUPLICATE_WINDOW_SECS ? "" : ", duplicate window " + seconds(config.duplicateWindow));
        if (existing == null) {
            addStream(jsm, config);
            log.info("created stream {} ({})", config.stream, describe);
            return;
        }
        StreamConfiguration current = existing.getConfiguration();
        List<String> changes = new ArrayList<>();
        if (!current.getSubjects().equals(List.of(config.subject))) {
            changes.add("subjects " + current.getSubjects() + " -> [" + config.subject + "]");
        }
        if (!current.getDuplicateWindow().equals(config.duplicateWindow)) {
            changes.add("duplicate window " + seconds(current.getDuplicateWindow()) + " -> " + seconds(config.duplicateWindow));
        }
        boolean sameStorage = current.getStorageType() == storageType(config);
        if (sameStorage && changes.isEmpty()) {
            log.info("stream {} already exists, unchanged ({})", config.stream, describe);
        } else if (!sameStorage && !recreate) {
            throw Config.fail(Config.EXIT_FAILED, "stream %s uses %s storage, the config asks for %s, and storage "
                    + "cannot change in place: rerun with --recreate to delete and recreate it (its messages are lost)",
                    config.stream, current.getStorageType().toString().toLowerCase(), config.storage);
        } else if (!sameStorage) {
            jsm.deleteStream(config.stream);
            addStream(jsm, config);
            log.info("recreated stream {} ({})", config.stream, describe);
        } else {
            try {
                jsm.updateStream(withLabSettings(config, StreamConfiguration.builder(current)));
            } catch (JetStreamApiException e) {
                throw subjectConflict(jsm, config, e);
            }
            log.info("updated stream {}: {}", config.stream, String.join(", ", changes));
        }
    }

    private void addStream(JetStreamManagement jsm, Config config) throws IOException, JetStreamApiException {
        try {
            jsm.addStream(withLabSettings(config, StreamConfiguration.builder()));
        } catch (JetStreamApiException e) {
            throw subjectConflict(jsm, config, e);
        }
    }

    private static StreamConfiguration withLabSettings(Config config, StreamConfiguration.Builder builder) {
        return builder.name(config.stream).subjects(config.subject).storageType(storageType(config))
                .duplicateWindow(config.duplicateWindow).build();
    }

    private static StorageType storageType(Config config) {
        return config.storage.equals("memory") ? StorageType.Memory : StorageType.File;
    }

    /** 10065: another stream already captures the subject; name it so the user can choose. */
    private static RuntimeException subjectConflict(JetStreamManagement jsm, Config config, JetStreamApiException e)
            throws IOException, JetStreamApiException {
        if (e.getApiErrorCode() != 10065) {
            throw e;
        }
        List<String> owners = jsm.getStreamNames(config.subject).stream()
                .filter(name -> !name.equals(config.stream)).toList();
        return Config.fail(Config.EXIT_FAILED, "subject %s is already captured by stream %s: use another --subject, "
                + "or point --stream at that stream", config.subject, String.join(", ", owners));
    }

    private void ensureConsumer(JetStreamManagement jsm, Config config) throws IOException, JetStreamApiException {
        ConsumerConfiguration wanted = ConsumerConfiguration.builder()
                .durable(config.consumer)
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(config.ackWait)
                .maxDeliver(config.maxDeliver)
                .build();
        String describe = "durable pull, explicit ack, ack wait " + seconds(config.ackWait)
                + (config.maxDeliver < 0 ? "" : ", max deliver " + config.maxDeliver);
        ConsumerInfo existing = consumerInfo(jsm, config);
        if (existing == null) {
            jsm.addOrUpdateConsumer(config.stream, wanted);
            log.info("created consumer {} ({})", config.consumer, describe);
            return;
        }
        ConsumerConfiguration current = existing.getConsumerConfiguration();
        String fixed = fieldThatCannotChange(current);
        if (fixed != null && !recreate) {
            throw Config.fail(Config.EXIT_FAILED, "consumer %s exists with a different %s, which cannot change in place: "
                    + "rerun with --recreate to delete and recreate it (the stream keeps its messages)",
                    config.consumer, fixed);
        }
        if (fixed != null) {
            jsm.deleteConsumer(config.stream, config.consumer);
            jsm.addOrUpdateConsumer(config.stream, wanted);
            log.info("recreated consumer {} ({})", config.consumer, describe);
            return;
        }
        List<String> changes = new ArrayList<>();
        if (!current.getAckWait().equals(config.ackWait)) {
            changes.add("ack wait " + seconds(current.getAckWait()) + " -> " + seconds(config.ackWait));
        }
        if (current.getMaxDeliver() != config.maxDeliver) {
            changes.add("max deliver " + limit(current.getMaxDeliver()) + " -> " + limit(config.maxDeliver));
        }
        if (changes.isEmpty()) {
            log.info("consumer {} already exists, unchanged ({})", config.consumer, describe);
        } else {
            jsm.addOrUpdateConsumer(config.stream, wanted);
            log.info("updated consumer {}: {}", config.consumer, String.join(", ", changes));
        }
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }

    private static String limit(long maxDeliver) {
        return maxDeliver < 0 ? "unlimited" : String.valueOf(maxDeliver);
    }

    /** The first setting the server will not update on an existing consumer, or null. */
    private static String fieldThatCannotChange(ConsumerConfiguration current) {
        if (current.getDeliverSubject() != null) {
            return "type (it is a push consumer; the lab needs a pull consumer)";
        }
        if (current.getAckPolicy() != AckPolicy.Explicit) {
            return "ack policy (" + current.getAckPolicy() + ", the lab needs explicit)";
        }
        if (current.getDeliverPolicy() != DeliverPolicy.All) {
            return "deliver policy (" + current.getDeliverPolicy() + ", the lab needs all)";
        }
        return null;
    }

    private static StreamInfo streamInfo(JetStreamManagement jsm, String stream) throws IOException, JetStreamApiException {
        try {
            return jsm.getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10059) {
                return null;
            }
            throw e;
        }
    }

    private static ConsumerInfo consumerInfo(JetStreamManagement jsm, Config config) throws IOException, JetStreamApiException {
        try {
            return jsm.getConsumerInfo(config.stream, config.consumer);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10014) {
                return null;
            }
            throw e;
        }
    }
}
