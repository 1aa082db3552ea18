///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: the server keeps the state of streams and consumers; JetStream's API is request-reply
// on $JS.API subjects, and jnats' StreamInfo and ConsumerInfo read its JSON answers.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//SOURCES CommandRunner.java ConnectionOptions.java StreamOptions.java ConsumerOptions.java
//SOURCES Config.java JetStreamErrors.java Output.java Exit.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Show the lab's stream and consumer as the server sees them right now.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.ApiResponse;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.Replica;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "js-info", mixinStandardHelpOptions = true, version = CommandRunner.VERSION,
        description = {
                "Shows the stream (messages, bytes, first and last sequence, subjects) and the",
                "durable consumer (pending, waiting for an ack, redelivered, last delivered)."},
        footer = {"", "Examples:",
                "  js-info",
                "  js-info --json        # the server's own answers, unchanged",
                "  js-info --list        # every stream on the server, with its consumers and counts"})
public class JsInfo implements Callable<Integer> {
    /** Asks the server for the stream's and the consumer's state, and prints both. */
    void show(Connection nc, Config config) throws Exception {
        Message streamReply = ask(nc, "$JS.API.STREAM.INFO." + config.stream);
        StreamInfo stream = new StreamInfo(streamReply); // hasError(): the server refused (no such stream, say)
        if (stream.hasError()) {
            throw refused(stream, JetStreamErrors.STREAM_NOT_FOUND,
                    JetStreamErrors.streamNotFound(config.stream, config.shownUrl()));
        }
        Message consumerReply = ask(nc, "$JS.API.CONSUMER.INFO." + config.stream + "." + config.consumer);
        ConsumerInfo consumer = new ConsumerInfo(consumerReply);
        if (json) {
            Output.json(String.format("{\"stream\":%s,\"consumer\":%s}", text(streamReply), text(consumerReply)));
        } else {
            printStream(stream, nc.getServerInfo());
        }
        if (consumer.hasError()) {
            throw refused(consumer, JetStreamErrors.CONSUMER_NOT_FOUND,
                    JetStreamErrors.consumerNotFound(config.consumer, config.stream));
        }
        if (!json) {
            printConsumer(consumer, nc.getServerInfo());
        }
    }

    @Mixin ConnectionOptions connection;
    @Mixin StreamOptions.Name streamName;
    @Mixin ConsumerOptions consumerOptions;

    @Option(names = {"-j", "--json"}, description = "Print the server's raw stream and consumer info as one JSON object.")
    boolean json;

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
        if (list && (streamName.stream != null || consumerOptions.consumer != null)) {
            throw Exit.usage("--list shows every stream and consumer: leave out --stream and --consumer");
        }
        Config config = connection.load();
        timeout = config.timeout;
        try (Connection nc = connection.open(config)) {
            if (list) {
                listAll(nc.jetStreamManagement(), config.shownUrl());
            } else {
                show(nc, config);
            }
        }
        return 0;
    }

    /** Every stream and its consumers: what is on the server besides the lab's own. */
    private void listAll(JetStreamManagement jsm, String shownUrl) throws Exception {
        List<StreamInfo> streams = jsm.getStreams();
        if (json) {
            List<String> entries = new ArrayList<>();
            for (StreamInfo stream : streams) {
                List<String> consumers = new ArrayList<>();
                for (ConsumerInfo consumer : jsm.getConsumers(stream.getConfiguration().getName())) {
                    consumers.add(consumer.getJv().toJson());
                }
                entries.add("{\"stream\":" + stream.getJv().toJson() + ",\"consumers\":[" + String.join(",", consumers) + "]}");
            }
            Output.json("[" + String.join(",", entries) + "]");
            return;
        }
        System.out.printf("%s at %s%n", streams.size() == 1 ? "1 stream" : streams.size() + " streams", shownUrl);
        for (StreamInfo stream : streams) {
            StreamState state = stream.getStreamState();
            String name = stream.getConfiguration().getName();
            System.out.printf("  %s: %s (%,d bytes), subjects %s%n", name, Output.messages(state.getMsgCount()),
                    state.getByteCount(), Output.printable(String.join(", ", stream.getConfiguration().getSubjects()), false));
            for (ConsumerInfo consumer : jsm.getConsumers(name)) {
                System.out.printf("    consumer %s: %,d pending, %,d waiting for an ack, %,d redelivered%n",
                        consumer.getName(), consumer.getNumPending(), consumer.getNumAckPending(), consumer.getRedelivered());
            }
        }
        if (!Stdout.written()) {
            throw Exit.output("stdout could not be written (%s): the list is incomplete", Stdout.problem());
        }
    }

    private static void printStream(StreamInfo info, ServerInfo asked) {
        StreamConfiguration config = info.getConfiguration();
        StreamState state = info.getStreamState();
        System.out.printf("stream %s%n", config.getName());
        row("subjects", Output.printable(String.join(", ", config.getSubjects()), false));
        row("messages", String.format("%,d (%,d bytes)", state.getMsgCount(), state.getByteCount()));
        row("first seq", state.getMsgCount() == 0 ? state.getFirstSequence() + " (empty)" : String.valueOf(state.getFirstSequence()));
        row("last seq", String.valueOf(state.getLastSequence()));
        row("storage", config.getStorageType().toString().toLowerCase() + ", duplicate window "
                + config.getDuplicateWindow().toSeconds() + "s");
        printCluster(info.getClusterInfo(), config.getReplicas(), asked);
    }

    private static void printConsumer(ConsumerInfo info, ServerInfo asked) {
        ConsumerConfiguration config = info.getConsumerConfiguration();
        System.out.printf("consumer %s%n", info.getName());
        row("pending", String.format("%,d (stored, not yet delivered)", info.getNumPending()));
        row("ack pending", String.format("%,d (delivered, waiting for an ack)", info.getNumAckPending()));
        row("redelivered", String.format("%,d", info.getRedelivered()));
        row("last delivered", "stream seq " + info.getDelivered().getStreamSequence());
        row("ack floor", "stream seq " + info.getAckFloor().getStreamSequence() + " (everything up to here is acked)");
        row("settings", String.format("ack %s, ack wait %ds, max deliver %s", config.getAckPolicy(),
                config.getAckWait() == null ? 0 : config.getAckWait().toSeconds(),
                config.getMaxDeliver() < 1 ? "unlimited" : String.valueOf(config.getMaxDeliver())));
        printCluster(info.getClusterInfo(), info.getClusterInfo() == null ? 1 : info.getClusterInfo().getReplicas().size() + 1,
                asked);
    }

    /**
     * On a cluster: which server leads (takes the writes, or hands out the messages) and how each other
     * copy is doing: current, behind by some operations (lag), or offline. A server that has lost
     * every route cannot tell yet: then each replica but its own is offline, and no quorum is left.
     */
    private static void printCluster(ClusterInfo cluster, int replicas, ServerInfo asked) {
        if (cluster == null || cluster.getName() == null) {
            return;
        }
        boolean alone = replicas > 1 && (asked.getConnectURLs() == null || asked.getConnectURLs().size() <= 1);
        String leader = cluster.getLeader() == null ? "none (no quorum: a majority of the replicas must be up)"
                : cluster.getLeader() + (alone ? " (but it reaches no other replica: no quorum)" : "");
        row("cluster", cluster.getName() + ", " + replicas + (replicas == 1 ? " replica" : " replicas") + ", leader " + leader);
        for (Replica replica : cluster.getReplicas() == null ? List.<Replica>of() : cluster.getReplicas()) {
            String state;
            if (replica.isOffline() || alone && !replica.getName().equals(asked.getServerName())) {
                state = "offline" + (replica.isOffline() ? "" : " (" + asked.getServerName() + ", which answered, has no "
                        + "route to it)");
            } else if (replica.isCurrent()) {
                state = "current";
            } else {
                state = String.format("not current (lag %,d operations)", replica.getLag())
                        + (replica.getName().equals(asked.getServerName()) ? ", up: it answered" : "");
            }
            row("replica " + replica.getName(), state);
        }
    }

    private static void row(String label, String value) {
        System.out.printf("  %-15s %s%n", label + ":", value);
    }

    /** One JetStream API request; the reply is the server's JSON, kept as is for --json. */
    private Message ask(Connection nc, String subject) throws Exception {
        Message reply = nc.request(subject, null, timeout);
        if (reply == null) {
            throw Exit.failed("the server did not answer %s within %s (--timeout)", subject, Durations.format(timeout));
        }
        return reply;
    }

    /** The not-found line for that code, or the server's own words for any other refusal. */
    private static LabException refused(ApiResponse<?> reply, int notFoundCode, LabException notFound) {
        if (reply.getApiErrorCode() == notFoundCode) {
            return notFound;
        }
        return Exit.failed("%s: %s", reply instanceof StreamInfo ? "stream info" : "consumer info",
                JetStreamErrors.refused(reply.getDescription(), reply.getApiErrorCode()));
    }

    private static String text(Message reply) {
        return new String(reply.getData(), StandardCharsets.UTF_8);
    }
}
