// A leader killed (kill -9) just as a run starts, on a real three-node cluster: the run's first
// JetStream requests go out while a new leader is being elected and get no answer. They are asked
// again through the election, as the run itself does with its pulls; past the failover bound the
// run ends with the lab's one line, never jnats' own words.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.ClusterInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ClusterStartTest {
    /** Past the failover bound with the server still refusing "no leader": the line for that. */
    /** The line a run says once it has waited Failover.SAY_WAITING_AFTER or more for a leader's answer. */
    private static final String STILL_WAITING = "WARN no leader has answered for \\d+s: a new leader is being elected .*; waiting up "
            + "to 1m in all";
    private static final String NO_LEADER_REFUSED = "no leader was elected for (the stream or consumer|stream START|consumer \\S+ of "
            + "stream START) within 1m of asking again \\(the server answered: ";
    static ThreeNodeCluster cluster;
    static Path labConfig;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ThreeNodeCluster.start();
        labConfig = Files.createTempFile("lab-cluster-start-", ".toml");
        Files.writeString(labConfig, """
                [runtime]
                mode = "cluster"

                [nats]
                stream = "START"
                consumer = "START_WORKER"
                subject = "lab4.start"
                """);
    }

    @AfterEach
    void wholeAgain() throws Exception {
        cluster.whole();
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

    /**
     * The nodes' ports lie outside the kernel's ephemeral range (read here by cat, in one read), so no
     * outgoing connection takes a killed node's port; and below it where there is room, as just above it
     * lie the ports a test derives from one of that range (LabClusterTest's, plus 2000 and 4000).
     */
    @Test
    void theNodesPortsLieOutsideTheKernelsEphemeralRange() throws Exception {
        Process cat = new ProcessBuilder("cat", "/proc/sys/net/ipv4/ip_local_port_range").start();
        String[] range = new String(cat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+");
        int low = Integer.parseInt(range[0]);
        int high = Integer.parseInt(range[1]);
        for (ThreeNodeCluster.Node node : cluster.nodes()) {
            for (int port : new int[] {node.port, node.routePort}) {
                assertTrue(low > 12_000 ? port < low : port > high, node.name + "'s port " + port + " against the kernel's range " + String.join("-", range));
            }
        }
    }

    /**
     * The stream's leader dies as js-pull connects (through a relay to another node, which runs the
     * kill before the client's first byte): its first request, with a --timeout shorter than any
     * election, goes unanswered. The pull still gets every message, or on a machine too loaded to
     * elect within the bound says so in the lab's words.
     */
    @Test
    void aPullStartingAsTheLeaderDiesWaitsForTheElection() throws Exception {
        int total = 3_000;
        assertEquals(0, script("JsBootstrap", "--replicas", "3").go().exit());
        publish(total);
        ClusterInfo placed = cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "a stream leader");
        cluster.awaitConsumer("START", "START_WORKER", ThreeNodeCluster.settled(), "a consumer leader");
        ThreeNodeCluster.Node leader = cluster.node(placed.getLeader());
        ThreeNodeCluster.Node survivor = cluster.nodes().stream().filter(node -> node != leader).findFirst().orElseThrow();
        AtomicBoolean killed = new AtomicBoolean();
        Run.Result result;
        try (Proxy relay = Proxy.toPort(survivor.port).beforeConnecting(() -> {
            if (killed.compareAndSet(false, true)) {
                cluster.kill9(leader);
            }
        })) {
            result = script("JsPull", "--raw", "--count", String.valueOf(total), "--batch", "500", "--timeout", "2s")
                    .env("NATS_URL", relay.url()).go();
        }
        assertTrue(killed.get(), "the leader was killed as the run connected");
        assertFalse(result.err().contains("Timeout or no response"), result.toString());
        if (result.exit() == 1) { // a loaded machine: no leader within the failover bound, and the line says so
            assertTrue(result.err().matches("(?s)(WARN [^\n]*\n)*ERROR (the server at \\S+ did not answer a JetStream request "
                    + "within 1m of asking again: no leader was elected|no message arrived for 1m although consumer|"
                    + NO_LEADER_REFUSED + ")[^\n]*\n"),
                    result.toString());
            System.out.println("    (the election outlasted the failover bound: exit 1, said so)");
        } else {
            assertEquals(0, result.exit(), result.toString());
            assertEquals(total, result.out().lines().count(), result.err());
            assertTrue(result.err().contains("INFO done: " + total + " messages pulled and acked in batches of 500"), result.err());
        }
        cluster.restart(leader);
        cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "the restarted node's stream copy to be current");
    }

    /**
     * js-info, js-bootstrap (rerun on the stream it made) and js-purge started just after a kill -9 of
     * the stream's leader: each asks again through the election and succeeds, saying in one line that
     * it waited; on a machine too loaded to elect within the bound, it says that instead. One cluster
     * for the three, the node brought back between them.
     */
    @Test
    void infoBootstrapAndPurgeStartingAsTheLeaderDiesWaitForTheElection() throws Exception {
        assertEquals(0, script("JsBootstrap", "--replicas", "3").go().exit());
        publish(50);
        String[][] runs = {{"JsInfo"}, {"JsBootstrap", "--replicas", "3"}, {"JsPurge"}};
        for (String[] run : runs) {
            ClusterInfo placed = cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "a stream leader");
            cluster.awaitConsumer("START", "START_WORKER", ThreeNodeCluster.settled(), "a consumer leader");
            ThreeNodeCluster.Node leader = cluster.node(placed.getLeader());
            cluster.kill9(leader);
            Run.Result result;
            try {
                result = script(run[0], java.util.Arrays.copyOfRange(run, 1, run.length)).go();
            } finally { // the next run and the next test need all three
                cluster.restart(leader);
            }
            String what = String.join(" ", run) + ": " + result;
            assertFalse(result.err().contains("Timeout or no response"), what);
            if (result.exit() == 1) {
                assertSaidNoLeaderWasElected(result, what, run[0] + ": ");
            } else {
                assertEquals(0, result.exit(), what);
                List<String> waited = result.err().lines().filter(line -> line.startsWith("WARN no leader answered at first")).toList();
                assertEquals(1, waited.size(), what);
                assertTrue(waited.get(0).matches("WARN no leader answered at first: asked again for "
                        + "\\S+ until an answer came"), what);
                assertTrue(result.err().lines().allMatch(line -> line.startsWith("INFO ") || line.equals(waited.get(0))
                        || line.matches(STILL_WAITING)), what);
            }
        }
        cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "the restarted node's stream copy to be current");
        try (Connection nc = cluster.connect()) {
            assertEquals(0, nc.jetStreamManagement().getStreamInfo("START").getStreamState().getMsgCount(), "js-purge purged");
        }
    }

    /**
     * Every server of a stream's group answers a purge for itself, and the first answer wins: one not
     * yet told of a new leader refuses with "no leader" (10008) while the leader purges. Here a client
     * of the test gives that refusal, beside the real servers, to the first purge and the first stream
     * delete, while the other two nodes are stopped (SIGSTOP), so the leader, unable to commit, cannot
     * answer first; the refusal then lets them go on, and the leader does what was asked. js-purge asks
     * again, and its line says what is true, not the count of the last asking only.
     */
    @Test
    void aChangeRefusedByAServerThatKnowsNoLeaderIsAskedAgainAndSaidSo() throws Exception {
        ThreeNodeCluster.Node leader = streamLeaderHolding(50);
        List<ThreeNodeCluster.Node> others = cluster.nodes().stream().filter(node -> node != leader).toList();
        String refusal = "{\"type\":\"io.nats.jetstream.api.v1.%s\",\"error\":{\"code\":503,\"err_code\":10008,"
                + "\"description\":\"JetStream system temporarily unavailable\"}}";
        Run.Result purged;
        Run.Result deleted;
        try (Connection imposter = io.nats.client.Nats.connect(leader.url())) {
            java.util.Set<String> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();
            io.nats.client.Dispatcher refuser = imposter.createDispatcher(request -> {
                String kind = request.getSubject().contains(".PURGE.") ? "stream_purge_response" : "stream_delete_response";
                if (answered.add(kind)) {
                    imposter.publish(request.getReplyTo(), String.format(refusal, kind).getBytes(StandardCharsets.UTF_8));
                    try {
                        imposter.flush(java.time.Duration.ofSeconds(5));
                        for (ThreeNodeCluster.Node node : others) {
                            cluster.resume(node); // now the leader can commit, and answer late
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            refuser.subscribe("$JS.API.STREAM.PURGE.START");
            refuser.subscribe("$JS.API.STREAM.DELETE.START");
            imposter.flush(java.time.Duration.ofSeconds(5));
            for (ThreeNodeCluster.Node node : others) {
                cluster.pause(node);
            }
            purged = script("JsPurge").env("NATS_URL", leader.url()).go();
            for (ThreeNodeCluster.Node node : others) {
                cluster.pause(node);
            }
            Path remote = Files.createTempFile("lab-cluster-remote-", ".toml"); // one URL of a clustered server, not "cluster" mode
            try {
                Files.writeString(remote, Files.readString(labConfig).replace("mode = \"cluster\"", "mode = \"remote\""));
                deleted = script("JsPurge", "--delete", "--force").env("NATS_URL", leader.url()).env("LAB_CONFIG", remote.toString()).go();
            } finally {
                Files.deleteIfExists(remote);
            }
        }
        String askedAgain = "; asked again while a leader was elected (an earlier asking, unanswered or refused by a "
                + "server not yet told of the new leader, may have done part of it)";
        assertEquals(0, purged.exit(), purged.toString());
        assertTrue(purged.out().matches("INFO purged stream START: every message up to seq \\d+ is gone \\(it held \\d+ "
                + "messages? just before\\)" + java.util.regex.Pattern.quote(askedAgain) + "\n"), purged.toString());
        assertEquals(0, deleted.exit(), deleted.toString());
        assertTrue(deleted.out().matches("INFO deleted stream START, which held 0 messages and \\d+ consumers? just before "
                + "\\(js-bootstrap creates them again, from seq 1\\)" + java.util.regex.Pattern.quote(askedAgain) + "\n"),
                deleted.toString());
        try (Connection nc = cluster.connect()) {
            assertTrue(nc.jetStreamManagement().getStreamNames().isEmpty(), "the stream is gone");
        }
    }

    /**
     * jnats says "disconnected" for each server it could not reach while it connects, and "connected"
     * once one answers: that is no lost connection, and past the failover bound (20 s; 1 s here) the
     * connection stays open, not closed as one that never came back.
     */
    @Test
    void aFirstServerThatCannotBeReachedIsNoLostConnection() throws Exception {
        java.time.Duration bound = java.time.Duration.ofSeconds(1);
        Failover failover = new Failover(Secrets.NONE, bound);
        try (Connection nc = cluster.connect()) {
            failover.connectionEvent(nc, io.nats.client.ConnectionListener.Events.DISCONNECTED, System.currentTimeMillis(), null);
            failover.connectionEvent(nc, io.nats.client.ConnectionListener.Events.CONNECTED, System.currentTimeMillis(), null);
            Thread.sleep(bound.plusSeconds(2).toMillis());
            assertEquals(Connection.Status.CONNECTED, nc.getStatus(), String.valueOf(failover.gaveUp()));
            assertEquals(null, failover.gaveUp());
        }
    }

    /**
     * The two other nodes stall (SIGSTOP) for longer than the failover bound: the stream's leader gets the
     * purge but cannot commit it without a majority, so no answer comes. Past the bound the run says that
     * whether it was done is not known, never that it was refused; once the nodes are back the leader does it.
     */
    @Test
    void aPurgeNoLeaderConfirmsWithinTheBoundIsUnknownNotRefused() throws Exception {
        ThreeNodeCluster.Node leader = streamLeaderHolding(10);
        List<ThreeNodeCluster.Node> others = cluster.nodes().stream().filter(node -> node != leader).toList();
        Run.Result result;
        for (ThreeNodeCluster.Node node : others) { // the leader still answers the stream's info, alone
            cluster.pause(node);
        }
        try {
            result = script("JsPurge", "--timeout", "2s").env("NATS_URL", leader.url()).go();
        } finally {
            for (ThreeNodeCluster.Node node : others) {
                cluster.resume(node);
            }
        }
        if (result.exit() != 1) { // a purge no majority could commit: say what the cluster looked like
            ClusterInfo after = cluster.awaitStream("START", ThreeNodeCluster::hasLeader, "a stream leader");
            fail("leader " + leader.name + ", stopped " + others.stream().map(node -> node.name).toList() + "; after: "
                    + ThreeNodeCluster.describe(after) + "\n" + result);
        }
        assertTrue(result.err().contains("ERROR no leader confirmed the purge of stream START within 1m of asking again"),
                result.toString());
        assertTrue(result.err().contains("so whether it was done is not known"), result.toString());
        assertTrue(result.err().lines().anyMatch(line -> line.matches(STILL_WAITING)), "the wait is said as it goes on: " + result);
    }

    /**
     * The consumer's leader dies and, for 8 s, the third node stalls (SIGSTOP): the stream's leader
     * answers at once, but its copy of the consumer, knowing the group has no leader and unable to win
     * an election alone, refuses the consumer's info with "no leader" (10008) until the third one
     * comes back. js-info asks again through that, as through an unanswered request, and shows both;
     * it does not call an election a refusal.
     */
    @Test
    void infoWaitsThroughTheConsumersElectionAfterTheStreamAnswered() throws Exception {
        assertEquals(0, script("JsBootstrap", "--replicas", "3").go().exit());
        ClusterInfo stream = cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "a stream leader");
        ClusterInfo consumer = cluster.awaitConsumer("START", "START_WORKER", ThreeNodeCluster.settled(), "a consumer leader");
        for (int tries = 0; consumer.getLeader().equals(stream.getLeader()); tries++) {
            assertTrue(tries < 10, "the consumer's leader stays on the stream's: " + ThreeNodeCluster.describe(consumer));
            try (Connection nc = cluster.connect()) {
                nc.request("$JS.API.CONSUMER.LEADER.STEPDOWN.START.START_WORKER", null, java.time.Duration.ofSeconds(5));
            }
            String before = consumer.getLeader();
            consumer = cluster.awaitConsumer("START", "START_WORKER", info -> ThreeNodeCluster.hasLeader(info)
                    && !info.getLeader().equals(before), "a consumer leader other than " + before);
            stream = cluster.awaitStream("START", ThreeNodeCluster::hasLeader, "a stream leader");
        }
        ThreeNodeCluster.Node streamLeader = cluster.node(stream.getLeader());
        ThreeNodeCluster.Node consumerLeader = cluster.node(consumer.getLeader());
        ThreeNodeCluster.Node third = cluster.nodes().stream().filter(n -> n != streamLeader && n != consumerLeader)
                .findFirst().orElseThrow();
        Run.Result result;
        cluster.kill9(consumerLeader);
        cluster.pause(third);
        CompletableFuture<Void> back = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(8_000);
                cluster.resume(third);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            result = script("JsInfo").env("NATS_URL", streamLeader.url()).go();
        } finally {
            back.join();
            cluster.resume(third);
            cluster.restart(consumerLeader);
        }
        if (result.exit() == 1) { // a loaded machine: no leader within the failover bound, and the line says so
            assertSaidNoLeaderWasElected(result, result.toString(), "");
        } else {
            assertEquals(0, result.exit(), result.toString());
            assertTrue(result.err().matches("(" + STILL_WAITING + "\n)?WARN no leader answered at "
                    + "first: asked again for \\S+ until an answer came\n"), result.toString());
            assertTrue(result.out().contains("consumer START_WORKER"), result.toString());
        }
        cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "the restarted node's stream copy to be current");
        cluster.awaitConsumer("START", "START_WORKER", ThreeNodeCluster.settled(), "the restarted node's consumer copy");
    }

    /**
     * js-info --watch as its stream's leader dies: the looks that get no answer (or the server's "no
     * leader") are said once, the watch goes on asking, and once a leader answers it shows the numbers
     * again; it ends only when told to. Through the URL list it may be connected to the node that died.
     */
    @Test
    void aWatchGoesOnThroughTheStreamLeadersDeath() throws Exception {
        assertEquals(0, script("JsBootstrap", "--replicas", "3").go().exit());
        publish(3);
        ClusterInfo placed = cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "a stream leader");
        cluster.awaitConsumer("START", "START_WORKER", ThreeNodeCluster.settled(), "a consumer leader");
        ThreeNodeCluster.Node leader = cluster.node(placed.getLeader());
        Run.Result ended;
        try (Run.Started watch = script("JsInfo", "--watch", "200ms", "--timeout", "1s").asProcess().start()) {
            watch.awaitOut(" messages 3, ");
            cluster.kill9(leader);
            watch.awaitOut(" answered again after ");
            String answered = watch.outSoFar();
            while (watch.outSoFar().equals(answered)) { // a look with the numbers after it
                Thread.sleep(50);
            }
            watch.signal("TERM");
            ended = watch.finish();
        } finally {
            cluster.restart(leader);
        }
        assertEquals(143, ended.exit(), ended.toString());
        assertTrue(ended.err().matches("(WARN [^\n]*\n)*ERROR interrupted: watched START / START_WORKER for [^\n]*\n"),
                ended.toString());
        List<String> lines = ended.outLines();
        List<String> unanswered = lines.stream().filter(line -> line.contains(" (on a cluster: a leader is being elected, "
                + "or the connection moves to another server); asking again every 200ms")).toList();
        assertEquals(1, unanswered.size(), ended.out());
        int said = lines.indexOf(unanswered.get(0));
        assertTrue(lines.get(said).matches("\\d\\d:\\d\\d:\\d\\d (no answer within 1s|no leader for the (stream|consumer) yet) .*"),
                lines.get(said));
        assertTrue(lines.subList(said, lines.size()).stream().anyMatch(line -> line.contains(" messages 3, ")), ended.out());
        cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "the restarted node's stream copy to be current");
        cluster.awaitConsumer("START", "START_WORKER", ThreeNodeCluster.settled(), "the restarted node's consumer copy");
    }

    /** Exit 1 on a machine too loaded to elect within the failover bound: the lab's line for it, after any warnings. */
    private static void assertSaidNoLeaderWasElected(Run.Result result, String what, String who) {
        assertTrue(result.err().matches("(?s)(WARN [^\n]*\n)*ERROR (the server did not answer a JetStream request "
                + "within 1m of asking again: no leader was elected|" + NO_LEADER_REFUSED + ")[^\n]*\n"), what);
        System.out.println("    (" + who + "the election outlasted the failover bound: exit 1, said so)");
    }

    /** The stream bootstrapped with three replicas and `messages` more in it, all copies current: its leader. */
    private static ThreeNodeCluster.Node streamLeaderHolding(int messages) throws Exception {
        assertEquals(0, script("JsBootstrap", "--replicas", "3").go().exit());
        publish(messages);
        return cluster.node(cluster.awaitStream("START", ThreeNodeCluster::allCurrent, "a stream leader").getLeader());
    }

    private static Run script(String mainClass, String... args) {
        return Run.script(mainClass, args).env("NATS_URL", cluster.urls()).env("LAB_CONFIG", labConfig.toString());
    }

    private static void publish(int total) throws Exception {
        try (Connection nc = cluster.connect()) {
            JetStream js = nc.jetStream();
            List<CompletableFuture<io.nats.client.api.PublishAck>> acks = new ArrayList<>();
            for (int n = 1; n <= total; n++) {
                acks.add(js.publishAsync("lab4.start", ("message " + n).getBytes(StandardCharsets.UTF_8)));
            }
            acks.forEach(CompletableFuture::join);
        }
    }
}
