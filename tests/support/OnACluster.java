// A real three-node JetStream cluster for a test class (three processes, free ports, temp stores),
// started once for the class and stopped after it. Each test gets a stream, subject and consumer of
// its own and leaves all three nodes running for the next. The cluster tests are two classes, so the
// runner can give their waits to two test JVMs.

import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

abstract class OnACluster {
    static ThreeNodeCluster cluster;
    static Path labConfig;
    static int tests;
    /** Each test its own stream, subject and consumer: nothing of an earlier test's stream (or its deletion) is in the way. */
    String stream;
    String consumer;
    String subject;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ThreeNodeCluster.start();
        labConfig = Files.createTempFile("lab-cluster-", ".toml");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (labConfig != null) {
            Files.deleteIfExists(labConfig);
        }
    }

    @BeforeEach
    void ownStream() throws Exception {
        tests++;
        stream = "LAB4_STREAM_" + tests;
        consumer = "LAB4_CONSUMER_" + tests;
        subject = "lab4.stream" + tests;
        // mode = "cluster": reconnect to another node even when --server names just one
        Files.writeString(labConfig, """
                [runtime]
                mode = "cluster"

                [nats]
                stream = "%s"
                consumer = "%s"
                subject = "%s"

                [consumer]
                ack_wait_secs = 2   # a message whose ack died with a leader comes back quickly
                """.formatted(stream, consumer, subject));
    }

    /**
     * Whatever a test killed comes back, so the next test starts with three nodes and a meta leader; the
     * test's streams go, so no later restart recovers them and no idle replica group keeps the nodes busy.
     */
    @AfterEach
    void allNodesUp() throws Exception {
        for (ThreeNodeCluster.Node node : cluster.nodes()) {
            if (!node.running()) {
                cluster.restart(node);
            }
        }
        cluster.awaitMetaLeader();
        ThreeNodeCluster.await("the test's streams deleted", () -> {
            try (Connection nc = cluster.connect()) {
                var jsm = nc.jetStreamManagement();
                for (String name : jsm.getStreamNames()) {
                    if (name.equals(stream) || name.startsWith(stream + "_")) {
                        jsm.deleteStream(name);
                    }
                }
                return jsm.getStreamNames().stream().noneMatch(name -> name.equals(stream) || name.startsWith(stream + "_"));
            }
        }, gone -> gone);
    }

    /** A script against the whole cluster (the URL list), with the cluster lab config. */
    static Run script(String mainClass, String... args) {
        return Run.script(mainClass, args).env("NATS_URL", cluster.urls()).env("LAB_CONFIG", labConfig.toString());
    }

    static Run.Result ok(Run.Result result) {
        assertEquals(0, result.exit(), result.toString());
        return result;
    }

    static String tail(String out) {
        List<String> lines = out.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }
}
