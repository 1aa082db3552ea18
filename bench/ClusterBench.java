///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//DEPS io.nats:jnats:2.26.2
//SOURCES Clients.java
//SOURCES ../tests/support/ThreeNodeCluster.java
//SOURCES ../tests/support/NatsServer.java
//SOURCES ../tests/support/Run.java
//SOURCES ../tests/support/Sandbox.java
//SOURCES ../tests/support/InProcess.java
// Run.java can run a script inside this JVM (InProcess): that brings the scripts' shared runner and its //DEPS.
//SOURCES ../scripts/lab/CommandRunner.java
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DESCRIPTION make bench, part 2: R1 against R3 on a local three-node cluster, and how long a leader's death pauses publishing.
//
// Starts its own three nats-server processes (free ports, temp stores), runs the lab scripts'
// bulk publish and pull against an R1 and an R3 stream (the two alternate, so they share the
// machine's noise), then kills the R3 stream's leader under a publisher that waits for each
// PubAck and measures the longest gap between two PubAcks. Writes its section into bench/results.md.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ClusterBench {
    static final boolean QUICK = "1".equals(System.getenv("QUICK"));
    static final int COUNT = QUICK ? 5_000 : 50_000;
    static final int ROUNDS = QUICK ? 1 : 3;
    static final int KILLS = QUICK ? 1 : 3;
    static final Pattern RATE = Pattern.compile("([0-9,]+) msgs/s");
    static final String SECTION = "## R1 against R3 on a local three-node cluster";

    public static void main(String... args) throws Exception {
        if ("cpu".equals(System.getenv("BENCH_ONLY"))) {
            return; // CPU per message is Bench.java's alone
        }
        Path repo = Run.REPO;
        Clients.Client scripts = Clients.scripts(repo);
        Map<String, List<Double>> rates = new TreeMap<>();
        List<Double> pauses = new ArrayList<>();
        long began = System.nanoTime();
        try (ThreeNodeCluster cluster = ThreeNodeCluster.start()) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int replicas : new int[] {1, 3}) {
                    streamWith(cluster, replicas);
                    rates.computeIfAbsent("publish async, window 1000|R" + replicas, k -> new ArrayList<>())
                            .add(run(scripts.commandFor(new Clients.Work(Clients.Kind.PUB_ASYNC, COUNT, 1000)), cluster));
                    rates.computeIfAbsent("pull + ack, batch 500|R" + replicas, k -> new ArrayList<>())
                            .add(run(scripts.commandFor(new Clients.Work(Clients.Kind.PULL, COUNT, 500)), cluster));
                }
            }
            for (int kill = 1; kill <= KILLS; kill++) {
                // A stream of its own each time: on 2.9.10, deleting and recreating one right after a node's
                // restart can hang for minutes
                String stream = "PAUSE_" + kill;
                ThreeNodeCluster.await("stream " + stream, () -> {
                    try (Connection nc = cluster.connect()) {
                        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(stream)
                                .subjects("pause." + stream).storageType(StorageType.File).replicas(3).build());
                        return true;
                    }
                }, ok -> ok);
                pauses.add(leaderLossPause(cluster, stream));
            }
        }
        write(repo.resolve("bench/results.md"), rates, pauses, (System.nanoTime() - began) / 1e9);
    }

    /** A fresh lab stream (and consumer) with this many replicas, its leader elected. */
    static void streamWith(ThreeNodeCluster cluster, int replicas) throws Exception {
        ThreeNodeCluster.await("a fresh R" + replicas + " stream", () -> { // retried while elections settle
            try (Connection nc = cluster.connect()) {
                JetStreamManagement jsm = nc.jetStreamManagement();
                for (String name : jsm.getStreamNames()) {
                    jsm.deleteStream(name);
                }
                jsm.addStream(StreamConfiguration.builder().name("LAB4_STREAM").subjects("lab4.stream")
                        .storageType(StorageType.File).replicas(replicas).build());
                return true;
            }
        }, ok -> ok);
        cluster.awaitStream("LAB4_STREAM", ThreeNodeCluster::hasLeader, "a stream leader");
        ThreeNodeCluster.await("the lab's consumer", () -> {
            try (Connection nc = cluster.connect()) {
                nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder()
                        .durable("LAB4_CONSUMER").ackPolicy(AckPolicy.Explicit).build());
                return true;
            }
        }, ok -> ok);
        cluster.awaitConsumer("LAB4_STREAM", "LAB4_CONSUMER", ThreeNodeCluster::hasLeader, "a consumer leader");
    }

    /** One script run against the whole cluster (the URL list); its self-timed msgs/s. */
    static double run(List<String> command, ThreeNodeCluster cluster) throws Exception {
        Path dir = Files.createTempDirectory("cluster-bench-");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        List.of("NATS_URL", "LAB_CONFIG", "JETSTREAM_LAB_HOME").forEach(builder.environment()::remove);
        builder.environment().put("NATS_URL", cluster.urls());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        Run.deleteTree(dir);
        Matcher m = RATE.matcher(out);
        if (exit != 0 || !m.find()) {
            throw new IllegalStateException("run failed (exit " + exit + "): " + command + "\n" + out);
        }
        return Double.parseDouble(m.group(1).replace(",", ""));
    }

    /**
     * Publishes one message at a time, each waiting for its PubAck (a message without one is sent
     * again with the same Nats-Msg-Id), kills the stream's leader after 2 s, and returns the longest
     * time between two PubAcks: how long the leader's death held publishing up.
     */
    static double leaderLossPause(ThreeNodeCluster cluster, String stream) throws Exception {
        String leader = cluster.awaitStream(stream, ThreeNodeCluster::hasLeader, "a leader").getLeader();
        ThreeNodeCluster.Node victim = cluster.node(leader);
        String[] others = cluster.nodes().stream().filter(n -> n != victim).map(ThreeNodeCluster.Node::url)
                .toArray(String[]::new);
        Options options = new Options.Builder().servers(others).maxReconnects(-1).build(); // not on the victim
        long longest = 0;
        try (Connection nc = Nats.connect(options)) {
            JetStream js = nc.jetStream();
            long start = System.nanoTime();
            long last = start;
            boolean killed = false;
            for (int n = 1; System.nanoTime() - start < 10_000_000_000L; ) {
                if (!killed && System.nanoTime() - start > 2_000_000_000L) {
                    cluster.kill9(victim);
                    killed = true;
                }
                try {
                    js.publish("pause." + stream, ("m" + n).getBytes(StandardCharsets.UTF_8),
                            PublishOptions.builder().messageId("pause-" + n).streamTimeout(Duration.ofSeconds(1)).build());
                    long now = System.nanoTime();
                    longest = Math.max(longest, now - last);
                    last = now;
                    n++;
                } catch (Exception noPubAck) { // no leader yet: the same message again, the same ID
                    Thread.sleep(50);
                }
            }
        } finally {
            if (!victim.running()) {
                cluster.restart(victim);
            }
            cluster.awaitMetaLeader();
        }
        return longest / 1e9;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static void write(Path results, Map<String, List<Double>> rates, List<Double> pauses, double seconds) throws Exception {
        StringBuilder md = new StringBuilder(SECTION + "\n\n");
        md.append(String.format("bench/ClusterBench.java (part of `make bench`): three nats-server 2.9.10 processes on this "
                + "machine (file stores), the lab scripts against the whole URL list, %,d messages of %d B per run, the "
                + "median of %d alternating round(s) per cell (self-timed msgs/s). Took %.0f s; load average at the end: "
                + "%s.%n%n", COUNT, Clients.SIZE, ROUNDS, seconds, Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
        md.append("| workload | R1 | R3 | R3 ÷ R1 |\n|---|---|---|---|\n");
        for (String work : List.of("publish async, window 1000", "pull + ack, batch 500")) {
            double r1 = median(rates.get(work + "|R1"));
            double r3 = median(rates.get(work + "|R3"));
            md.append(String.format("| %s | %,.0f | %,.0f | %.2fx |%n", work, r1, r3, r3 / r1));
        }
        md.append(String.format("%nA leader's death (kill -9 of the R3 stream's leader under a publisher that waits for each "
                + "PubAck and resends a message without one, same Nats-Msg-Id): the longest gap between two PubAcks was "
                + "%s s (%d kill(s); median %.1f s). That is the new leader's election: nats-server 2.9.10 waits out a "
                + "Raft election timeout before its followers vote.%n", pauses.stream().map(p -> String.format("%.1f", p))
                .reduce((a, b) -> a + ", " + b).orElse("-"), pauses.size(), median(pauses)));
        String text = Files.exists(results) ? Files.readString(results) : "# Benchmark results\n";
        int at = text.indexOf(SECTION);
        if (at >= 0) {
            int next = text.indexOf("\n## ", at + SECTION.length());
            text = text.substring(0, at) + (next < 0 ? "" : text.substring(next + 1));
        }
        Files.writeString(results, text.stripTrailing() + "\n\n" + md);
        System.out.print(md);
    }
}
