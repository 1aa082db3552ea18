///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8 -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DEPS io.nats:jnats:2.26.2
//SOURCES Clients.java
//SOURCES Load.java
//SOURCES Settings.java
//SOURCES Stopped.java
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
// PubAck and measures the gap in PubAcks the kill made. Like Bench.java it waits (bounded) for a
// quiet machine before each round and measures how busy other work kept it (Load.java): a ratio or
// a gap measured while other work was busy reads "not comparable". Writes its section into the
// results file Bench.java writes (BENCH_OUT, QUICK: bench/Settings.java); with any BENCH_ONLY it does not run.

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
    static final boolean QUICK = Settings.QUICK;
    static final int COUNT = QUICK ? 5_000 : 50_000;
    static final int ROUNDS = QUICK ? 1 : 3;
    static final int KILLS = QUICK ? 1 : 3;
    static final Pattern RATE = Pattern.compile("([0-9,]+) msgs/s");
    static final String SECTION = "## R1 against R3 on a local three-node cluster";

    public static void main(String... args) {
        java.util.Locale.setDefault(java.util.Locale.ROOT); // the report's figures read alike in every locale (100,000 and 0.86x)
        if (Settings.ONLY != null) {
            return; // the cluster part is in no BENCH_ONLY selection (bench/Settings.java)
        }
        Stopped.run("the cluster part", ClusterBench::measureAll);
    }

    /** The script run going on, stopped by the end hook if the JVM ends meanwhile. */
    private static volatile Process running;

    private static void measureAll() throws Exception {
        Path repo = Run.REPO;
        Clients.Client scripts = Clients.scripts(repo);
        Map<String, List<Double>> rates = new TreeMap<>();
        Map<String, List<Load.Seen>> loads = new TreeMap<>();
        List<Pause> pauses = new ArrayList<>();
        long began = System.nanoTime();
        try (ThreeNodeCluster cluster = ThreeNodeCluster.start()) {
            Stopped.onEnd(() -> { // also on Ctrl-C: no node or client left behind
                Process client = running;
                if (client != null) {
                    client.descendants().forEach(ProcessHandle::destroyForcibly);
                    client.destroyForcibly();
                }
                try {
                    cluster.close();
                } catch (Exception e) {
                    // it is going anyway
                }
            });
            for (int round = 0; round < ROUNDS; round++) {
                for (int replicas : round % 2 == 0 ? new int[] {1, 3} : new int[] {3, 1}) { // neither always first
                    streamWith(cluster, replicas);
                    for (Clients.Work work : List.of(new Clients.Work(Clients.Kind.PUB_ASYNC, COUNT, 1000),
                            new Clients.Work(Clients.Kind.PULL, COUNT, 500))) {
                        String cell = work.label() + "|R" + replicas;
                        Settings.awaitQuiet();
                        Load.Counters before = Load.now();
                        rates.computeIfAbsent(cell, k -> new ArrayList<>()).add(run(scripts.commandFor(work), cluster));
                        loads.computeIfAbsent(cell, k -> new ArrayList<>()).add(Load.between(before, Load.now()));
                    }
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
                Settings.awaitQuiet();
                pauses.add(leaderLossPause(cluster, stream));
            }
        }
        write(Settings.OUT.resolve("results" + Settings.SUFFIX + ".md"), rates, loads, pauses, (System.nanoTime() - began) / 1e9);
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
        Path dir = Files.createTempDirectory(Stopped.folder(), "run-");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        List.of("NATS_URL", "LAB_CONFIG", "JETSTREAM_LAB_HOME").forEach(builder.environment()::remove);
        builder.environment().put("NATS_URL", cluster.urls());
        Process process = builder.start();
        running = process;
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        running = null;
        Run.deleteTree(dir);
        Matcher m = RATE.matcher(out);
        if (exit != 0 || !m.find()) {
            throw new IllegalStateException("run failed (exit " + exit + "): " + command + "\n" + out);
        }
        return Double.parseDouble(m.group(1).replace(",", ""));
    }

    /** The PubAck gap a leader's kill made (NaN: not measured, and why), and how busy other work kept the machine meanwhile. */
    record Pause(double seconds, String unmeasured, Load.Seen load) {
    }

    /** The longest a publisher waits for its first PubAck after the kill before the gap counts as not closed. */
    static final long GIVE_UP_NANOS = 60_000_000_000L;

    /**
     * Publishes one message at a time, each waiting for its PubAck (a message without one is sent
     * again with the same Nats-Msg-Id), kills the stream's leader after 2 s, and returns the time from
     * the last PubAck before the kill to the first one after it: how long the leader's death held
     * publishing up. Not the longest gap of the whole run: a gap still open when the run ended would
     * not count, and a leader that moved before the kill would leave a follower's death, no pause at all.
     */
    static Pause leaderLossPause(ThreeNodeCluster cluster, String stream) throws Exception {
        String leader = cluster.awaitStream(stream, ThreeNodeCluster::hasLeader, "a leader").getLeader();
        ThreeNodeCluster.Node victim = cluster.node(leader);
        String[] others = cluster.nodes().stream().filter(n -> n != victim).map(ThreeNodeCluster.Node::url)
                .toArray(String[]::new);
        Options options = new Options.Builder().servers(others).maxReconnects(-1).build(); // not on the victim
        Load.Counters before = Load.now();
        try (Connection nc = Nats.connect(options)) {
            JetStream js = nc.jetStream();
            long start = System.nanoTime();
            long lastAck = start;
            long ackBeforeKill = 0;
            for (int n = 1; ; ) {
                if (ackBeforeKill == 0 && System.nanoTime() - start > 2_000_000_000L) {
                    String now = cluster.awaitStream(stream, ThreeNodeCluster::hasLeader, "a leader").getLeader();
                    if (!leader.equals(now)) {
                        return new Pause(Double.NaN, "the leader moved from " + leader + " to " + now + " before the kill",
                                Load.between(before, Load.now()));
                    }
                    cluster.kill9(victim);
                    ackBeforeKill = lastAck;
                }
                if (ackBeforeKill != 0 && System.nanoTime() - ackBeforeKill > GIVE_UP_NANOS) {
                    return new Pause(Double.NaN, "no PubAck within " + GIVE_UP_NANOS / 1_000_000_000 + " s of the kill",
                            Load.between(before, Load.now()));
                }
                try {
                    js.publish("pause." + stream, ("m" + n).getBytes(StandardCharsets.UTF_8),
                            PublishOptions.builder().messageId("pause-" + n).streamTimeout(Duration.ofSeconds(1)).build());
                    lastAck = System.nanoTime();
                    n++;
                    if (ackBeforeKill != 0) {
                        return new Pause((lastAck - ackBeforeKill) / 1e9, null, Load.between(before, Load.now()));
                    }
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
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The figure, or "not comparable (the load)" when other work kept the machine busy while it was measured. */
    static String judged(String figure, Load.Seen load) {
        return Settings.busy(load) ? "not comparable (" + load.text() + ")" : figure;
    }

    static void write(Path results, Map<String, List<Double>> rates, Map<String, List<Load.Seen>> loads, List<Pause> pauses,
            double seconds) throws Exception {
        StringBuilder md = new StringBuilder(SECTION + "\n\n");
        md.append(String.format("bench/ClusterBench.java (part of `make bench`%s): three nats-server 2.9.10 processes on this "
                + "machine (file stores), the lab scripts against the whole URL list, %,d messages of %d B per run, the "
                + "median of %d alternating round(s) per cell (self-timed msgs/s). Took %.0f s. Load: other work's share of "
                + "the cores during the runs (the busiest run of a cell); at %.0f%% or more a ratio or a gap reads \"not "
                + "comparable\". Waited %.0f s in all for a quiet machine.%n%n", QUICK ? " QUICK=1: small counts, not figures" : "",
                COUNT, Clients.SIZE, ROUNDS, seconds, Settings.QUIET_BELOW * 100, Load.waitedSeconds()));
        md.append("| workload | R1 | R3 | R3 ÷ R1 | load during the runs |\n|---|---|---|---|---|\n");
        for (String work : List.of(new Clients.Work(Clients.Kind.PUB_ASYNC, COUNT, 1000).label(),
                new Clients.Work(Clients.Kind.PULL, COUNT, 500).label())) {
            double r1 = median(rates.get(work + "|R1"));
            double r3 = median(rates.get(work + "|R3"));
            List<Load.Seen> both = new ArrayList<>(loads.get(work + "|R1"));
            both.addAll(loads.get(work + "|R3"));
            Load.Seen load = Load.busiest(both);
            md.append(String.format("| %s | %,.0f | %,.0f | %s | %s |%n", work, r1, r3, judged(String.format("%.2fx", r3 / r1), load),
                    load.text()));
        }
        List<Double> measured = pauses.stream().map(Pause::seconds).filter(p -> !Double.isNaN(p)).toList();
        md.append(String.format("%nA leader's death (kill -9 of the R3 stream's leader under a publisher that waits for each "
                + "PubAck and resends a message without one, same Nats-Msg-Id): the gap from the last PubAck before the kill to "
                + "the first after it was %s (%d kill(s)%s). That is the new leader's election: nats-server 2.9.10 waits out a "
                + "Raft election timeout before its followers vote.%n",
                pauses.stream().map(p -> Double.isNaN(p.seconds()) ? "not measured (" + p.unmeasured() + ")"
                        : (Settings.busy(p.load()) ? "**not comparable**: " : "") // a gap is kept, as a rate is, with its load
                                + String.format("%.1f s (%s)", p.seconds(), p.load().text()))
                        .reduce((a, b) -> a + ", " + b).orElse("-"), pauses.size(),
                measured.isEmpty() || pauses.stream().anyMatch(p -> Settings.busy(p.load())) ? ""
                        : String.format("; median %.1f s", median(measured))));
        String text = Files.exists(results) ? Files.readString(results) : "# Benchmark results\n";
        int at = text.indexOf(SECTION);
        if (at >= 0) {
            int next = text.indexOf("\n## ", at + SECTION.length());
            text = text.substring(0, at) + (next < 0 ? "" : text.substring(next + 1));
        }
        Files.writeString(results, text.stripTrailing() + "\n\n" + md);
        System.out.print(md);
        System.out.println("\nwritten to " + (results.startsWith(Run.REPO) ? Run.REPO.relativize(results) : results));
    }
}
