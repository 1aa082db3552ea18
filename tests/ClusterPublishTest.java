// The lab's publishing on a real three-node JetStream cluster (OnACluster): replicas, failover of the
// stream's leader mid-publish, a node that stops answering, duplicates through retries, and a publish
// without a quorum.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.StreamState;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterPublishTest extends OnACluster {
    @Test
    void replicasAreCheckedAgainstTheClusterAndChangeInPlace() throws Exception {
        assertEquals("INFO created stream " + stream + " (subjects: " + subject + ", storage: file, replicas 3)",
                ok(script("JsBootstrap", "--replicas", "3").go()).outLines().get(0));

        Run.Result tooMany = script("JsBootstrap", "--replicas", "5").go();
        assertEquals(1, tooMany.exit(), tooMany.toString());
        assertEquals("ERROR 5 replicas need 5 servers, but cluster lab has 3 connected (cluster size 3): use --replicas 3 "
                + "or less ([stream] replicas)\n", tooMany.err());

        Run.Result outOfRange = script("JsBootstrap", "--replicas", "6").go();
        assertEquals(2, outOfRange.exit(), outOfRange.toString());
        assertTrue(outOfRange.err().startsWith("ERROR flag --replicas: 6 is not valid: use 1 to 5"), outOfRange.err());

        assertEquals("INFO updated stream " + stream + ": replicas 3 -> 1",
                ok(script("JsBootstrap", "--replicas", "1").go()).outLines().get(0));
        assertEquals("INFO updated stream " + stream + ": replicas 1 -> 3",
                ok(script("JsBootstrap", "--replicas", "3").go()).outLines().get(0));
        ClusterInfo copies = cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "three current replicas");
        assertEquals(2, copies.getReplicas().size(), ThreeNodeCluster.describe(copies));

        List<String> info = ok(script("JsInfo").go()).outLines();
        assertTrue(info.contains("  cluster:        lab, 3 replicas, leader " + copies.getLeader()), String.join("\n", info));
        assertTrue(info.stream().filter(line -> line.matches("  replica n\\d: +current")).count() >= 2, String.join("\n", info));
        String json = ok(script("JsInfo", "--json").go()).out();
        assertTrue(json.contains("\"cluster\":{\"name\":\"lab\",\"leader\":\"" + copies.getLeader() + "\""), json);
    }

    /**
     * kill -9 of the stream's leader while js-pub --count 40000 publishes through it: the client,
     * connected to that very node by its URL alone, with no [runtime] mode, learns from the server's INFO
     * that it is part of a cluster and reconnects to another; the messages whose PubAck died with the
     * leader are published again with their Nats-Msg-Id (one WARN line per round), and the run ends
     * with exit 0. The stream then holds each of the 40,000 IDs exactly once, and as many messages
     * as the summary line says were confirmed.
     */
    @Test
    void bulkPublishThroughOneUrlSurvivesTheStreamLeadersDeathWithoutLossOrDuplicates() throws Exception {
        int total = 40_000;
        Files.writeString(labConfig, """
                [nats]
                stream = "%s"
                consumer = "%s"
                subject = "%s"
                """.formatted(stream, consumer, subject));
        ok(script("JsBootstrap", "--replicas", "3").go());
        ThreeNodeCluster.Node leader = cluster.node(cluster.awaitStream(stream, ThreeNodeCluster::allCurrent,
                "three current replicas").getLeader());

        Run.Started pub = script("JsPub", "--count", String.valueOf(total))
                .env("NATS_URL", leader.url()).start(); // connected to the leader itself: its death cuts the connection
        long longestStall;
        try (Connection nc = cluster.connect()) {
            awaitMessages(nc, total / 5, pub);
            cluster.kill9(leader);
            longestStall = longestStall(nc, total, pub);
        }
        Run.Result result = pub.finish();

        assertEquals(0, result.exit(), result.err() + tail(result.out()));
        String summary = result.outLines().get(result.outLines().size() - 2); // the figures come last
        Matcher m = Pattern.compile("INFO published " + total + " messages to stream " + stream + " \\(seq 1-(\\d+)\\), "
                + "each confirmed by a PubAck(; (\\d+) sent again after a failover \\(same Nats-Msg-Id\\): (\\d+) of them the "
                + "first attempt had stored \\(PubAck duplicate=true\\), kept once)?").matcher(summary);
        assertTrue(m.matches(), summary + "\n" + result.err());
        cluster.restart(leader); // and read back once every copy is current again
        cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "the restarted node's stream copy to be current");
        List<Long> ids;
        StreamState state;
        try (Connection nc = cluster.connect()) {
            state = nc.jetStreamManagement().getStreamInfo(stream).getStreamState();
            ids = msgIdNumbers(nc, state.getMsgCount());
        }
        assertEquals(total, state.getMsgCount(), "the stream holds what the summary confirmed: " + summary);
        assertEquals(total, Long.parseLong(m.group(1)), summary);
        int[] seen = new int[total + 1];
        ids.forEach(n -> seen[n.intValue()]++);
        for (int n = 1; n <= total; n++) {
            assertEquals(1, seen[n], "message ID number " + n + " stored once");
        }
        long retried = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        assertTrue(result.err().contains("WARN lost the connection to nats://127.0.0.1:" + leader.port), result.err());
        assertEquals(retried > 0, result.err().contains("Nats-Msg-Id, so the stream keeps one copy of each"), result.err());
        System.out.printf("    (publish through failover: stream stalled %.1fs at most; %d messages sent again, %s PubAcks "
                + "duplicate=true; %s)%n", longestStall / 1e3, retried, m.group(4) == null ? "0" : m.group(4),
                result.outLines().get(result.outLines().size() - 1));
    }

    /**
     * The stream's leader, which js-pub is connected to, stops answering but keeps its connections open
     * (SIGSTOP, as a stalled machine or a cut link would): no socket closes, so only PINGs left unanswered
     * show it. The run leaves it for another node within seconds, the other replicas elect a leader, and
     * each message is confirmed and stored once, well inside the bound of 60 s without a PubAck.
     */
    @Test
    void aNodeThatStopsAnsweringIsLeftForAnother() throws Exception {
        int total = 20_000;
        ok(script("JsBootstrap", "--replicas", "3").go());
        ThreeNodeCluster.Node leader = cluster.node(cluster.awaitStream(stream, ThreeNodeCluster::allCurrent,
                "three current replicas").getLeader());
        Run.Result result;
        try (Run.Started pub = script("JsPub", "--count", String.valueOf(total)).env("NATS_URL", leader.url()).start()) {
            try (Connection nc = cluster.connect()) {
                awaitMessages(nc, total / 5, pub);
            }
            cluster.pause(leader);
            result = pub.finish();
        } finally {
            cluster.resume(leader);
        }
        assertEquals(0, result.exit(), result.err() + tail(result.out()));
        assertTrue(result.err().contains("WARN lost the connection to nats://127.0.0.1:" + leader.port), result.err());
        assertTrue(result.outLines().get(result.outLines().size() - 2).startsWith("INFO published " + total + " messages to stream "
                + stream + " (seq 1-" + total + "), each confirmed by a PubAck"), result.out());
        cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "the resumed node's stream copy to be current");
        List<Long> ids;
        try (Connection nc = cluster.connect()) {
            assertEquals(total, nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount());
            ids = msgIdNumbers(nc, total);
        }
        assertEquals(total, ids.stream().distinct().count(), "each message ID stored once");
    }

    /** A stream deleted mid-publish on a cluster is named as deleted, at once: not a leader election to wait out. */
    @Test
    void aStreamDeletedMidPublishIsNamedAsDeletedNotAsAnElection() throws Exception {
        ok(script("JsBootstrap", "--replicas", "3").go());
        cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "three current replicas");
        Run.Started pub = script("JsPub", "--count", "5000000", "--size", "64").start();
        long deletedAt;
        try (Connection nc = cluster.connect()) {
            awaitMessages(nc, 5_000, pub);
            nc.jetStreamManagement().deleteStream(stream);
            deletedAt = System.nanoTime();
        }
        Run.Result result = pub.finish();
        double seconds = (System.nanoTime() - deletedAt) / 1e9;
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertTrue(result.err().matches("(?s)(WARN [^\n]*\n)*ERROR stream " + stream + " was deleted during the run: "
                + "only \\d+ of 5000000 messages confirmed by a PubAck.*; run js-bootstrap to create it again\n"),
                result.err());
        assertTrue(!result.err().contains("being elected") && !result.err().contains("leader"), result.err());
        assertTrue(seconds < 15, "said within " + seconds + "s of the deletion");
    }

    /**
     * The stream's duplicate window, asked as the run begins, gets no answer while the node holding the
     * stream (one replica) is down, and every message is published again once it is back. The last line
     * asks for the window again and states it: every retry came within it, so none is said to be stored
     * twice, and the stream holds each message once.
     */
    @Test
    void theLastLineAsksForTheDuplicateWindowAgainAndStatesIt() throws Exception {
        ok(script("JsBootstrap", "--replicas", "1").go());
        ThreeNodeCluster.Node home = cluster.node(cluster.awaitStream(stream, ThreeNodeCluster::hasLeader, "a leader")
                .getLeader());
        ThreeNodeCluster.Node other = cluster.nodes().stream().filter(n -> n != home).findFirst().orElseThrow();
        cluster.kill9(home);
        Run.Started pub = script("JsPub", "--count", "200", "--timeout", "2").env("NATS_URL", other.url()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!pub.errSoFar().contains("Nats-Msg-Id, so the stream keeps one copy of each")) {
            assertTrue(pub.running() && System.nanoTime() < deadline, "no retry: " + pub.errSoFar());
            Thread.sleep(50);
        }
        Thread.sleep(3_000); // the window's ask (2 s timeout) has had its answer: the stream is not there
        cluster.restart(home);
        Run.Result result = pub.finish();

        assertEquals(0, result.exit(), result.toString());
        String summary = result.outLines().get(result.outLines().size() - 2); // the figures come last
        assertTrue(summary.matches("INFO published 200 messages to stream " + stream + " \\(seq 1-200\\), each confirmed by "
                + "a PubAck; \\d+ sent again after a failover \\(same Nats-Msg-Id\\): \\d+ of them the first attempt had "
                + "stored \\(PubAck duplicate=true\\), kept once"), result.toString());
        try (Connection nc = cluster.connect()) {
            assertEquals(200, nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount());
        }
    }

    /**
     * Without a quorum the first attempts get no PubAck, yet may be stored once it is back: then every
     * retry's PubAck says duplicate=true. The last line still names where the run's messages are
     * (seq 1-200), not a range it never saw.
     */
    @Test
    void retriesThatAreAllDuplicatesStillNameTheSequences() throws Exception {
        ok(script("JsBootstrap", "--replicas", "3").go());
        cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "three current replicas");
        cluster.kill9(cluster.node("n2"));
        cluster.kill9(cluster.node("n3"));
        Run.Started pub = script("JsPub", "--count", "200", "--timeout", "2").env("NATS_URL", cluster.node("n1").url()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!pub.errSoFar().contains("Nats-Msg-Id, so the stream keeps one copy of each")) {
            assertTrue(pub.running() && System.nanoTime() < deadline, "no retry: " + pub.errSoFar());
            Thread.sleep(50);
        }
        Thread.sleep(3_000);
        cluster.restart(cluster.node("n2"));
        Run.Result result = pub.finish();

        assertEquals(0, result.exit(), result.toString());
        String summary = result.outLines().get(result.outLines().size() - 2);
        assertTrue(summary.startsWith("INFO published 200 messages to stream " + stream + " (seq 1-200), each confirmed by a "
                + "PubAck; "), result.toString());
        try (Connection nc = cluster.connect()) {
            assertEquals(200, nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount());
        }
    }

    /** Waits until the stream holds at least this many messages (the run is under way). */
    private void awaitMessages(Connection nc, long atLeast, Run.Started run) throws Exception {
        awaitMessages(nc, stream, atLeast, run);
    }

    private static void awaitMessages(Connection nc, String stream, long atLeast, Run.Started run) throws Exception {
        ThreeNodeCluster.await(atLeast + " messages stored", () -> {
            if (!run.running()) {
                throw new AssertionError("js-pub ended before the leader was killed: " + run.finish());
            }
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
        }, count -> count >= atLeast);
    }

    /** While the run goes on: the longest time, in ms, the stream's last sequence did not move (the failover's pause). */
    private long longestStall(Connection nc, long total, Run.Started run) throws Exception {
        long last = -1;
        long since = System.nanoTime();
        long longest = 0;
        while (run.running()) {
            long seq;
            try {
                seq = nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getLastSequence();
            } catch (Exception noLeaderYet) {
                seq = last;
            }
            long now = System.nanoTime();
            if (seq != last || seq >= total) {
                last = seq;
                since = now;
            }
            longest = Math.max(longest, (now - since) / 1_000_000);
            Thread.sleep(50);
        }
        return longest;
    }

    /**
     * The number at the end of each stored message's Nats-Msg-Id (js-pub-<run>-<n>), in stream order, read
     * with an ordered consumer. Right after a node resumes one can stall (the cluster is still settling):
     * then a new one reads on from the next stream sequence. A consumer that resets can hand a message over
     * twice, so each is kept by its stream sequence: a second delivery is the same stored message, and
     * only a different ID under one sequence would be a fault of the stream.
     */
    private List<Long> msgIdNumbers(Connection nc, long count) throws Exception {
        java.util.SortedMap<Long, Long> bySequence = new java.util.TreeMap<>();
        Set<String> runs = new TreeSet<>();
        long next = 1;
        for (int stalls = 0; bySequence.size() < count; stalls++) {
            assertTrue(stalls <= 5, "read " + bySequence.size() + " of " + count + " messages back; the consumer stalled "
                    + stalls + " times");
            long from = next;
            JetStreamSubscription sub = ThreeNodeCluster.await("an ordered consumer from seq " + from,
                    () -> nc.jetStream().subscribe(subject, PushSubscribeOptions.builder().ordered(true)
                            .configuration(io.nats.client.api.ConsumerConfiguration.builder()
                                    .deliverPolicy(io.nats.client.api.DeliverPolicy.ByStartSequence).startSequence(from).build())
                            .build()), ok -> true);
            try {
                Message msg;
                while (bySequence.size() < count && (msg = sub.nextMessage(Duration.ofSeconds(10))) != null) {
                    long sequence = msg.metaData().streamSequence();
                    next = Math.max(next, sequence + 1);
                    String id = msg.getHeaders() == null ? null : msg.getHeaders().getFirst("Nats-Msg-Id");
                    assertNotNull(id, "every message carries a Nats-Msg-Id");
                    int dash = id.lastIndexOf('-');
                    runs.add(id.substring(0, dash));
                    Long number = Long.parseLong(id.substring(dash + 1));
                    Long before = bySequence.putIfAbsent(sequence, number);
                    assertTrue(before == null || before.equals(number), "seq " + sequence + " read as ID number " + before
                            + " and as " + number);
                }
            } finally {
                sub.unsubscribe();
            }
        }
        assertEquals(1, runs.size(), "one run's ID prefix: " + runs);
        return List.copyOf(bySequence.values());
    }

    /**
     * Two of three nodes down: no quorum, so no PubAck. A bulk publish under way (on a second stream) says
     * so: not "deleted", not "lost the connection" (the node still answers); a single publish fails with one
     * line and claims nothing; js-info names the offline replicas.
     */
    @Test
    void withoutAQuorumPublishFailsAndInfoNamesTheOfflineReplicas() throws Exception {
        String bulkStream = stream + "_BULK";
        Path bulkConfig = Files.createTempFile("lab-cluster-bulk-", ".toml");
        Run.Result bulkResult;
        ThreeNodeCluster.Node survivor = cluster.node("n1");
        try {
            Files.writeString(bulkConfig, Files.readString(labConfig).replace("\"" + stream + "\"", "\"" + bulkStream + "\"")
                    .replace("\"" + subject + "\"", "\"" + subject + "bulk\""));
            ok(script("JsBootstrap", "--replicas", "3").go());
            ok(script("JsBootstrap", "--replicas", "3").env("LAB_CONFIG", bulkConfig.toString()).go());
            ok(script("JsPub", "before").go());
            cluster.awaitStream(bulkStream, ThreeNodeCluster::allCurrent, "three current replicas");
            Run.Started bulk = script("JsPub", "--count", "5000000", "--size", "64").env("LAB_CONFIG", bulkConfig.toString())
                    .env("NATS_URL", survivor.url()).start();
            try (Connection nc = cluster.connect()) {
                awaitMessages(nc, bulkStream, 5_000, bulk);
            }
            cluster.kill9(cluster.node("n2"));
            cluster.kill9(cluster.node("n3"));
            bulkResult = bulk.finish();
        } finally {
            Files.delete(bulkConfig);
        }
        assertEquals(Exit.FAILED, bulkResult.exit(), bulkResult.toString());
        String last = bulkResult.err().lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.matches("ERROR no PubAck within 1m of sending again: (cluster lab has no JetStream leader|stream "
                + bulkStream + " has no leader) "
                + "right now.*: only \\d+ of 5000000 messages confirmed by a PubAck.*"), bulkResult.err());
        assertTrue(!bulkResult.err().contains("deleted") && !bulkResult.err().contains("lost the connection to the server at"),
                bulkResult.err());
        cluster.awaitStream(stream, info -> info != null && info.getLeader() == null, "n1 to see that the stream lost its leader");

        Run.Result pub = script("JsPub", "lost?").env("NATS_URL", survivor.url()).go();
        assertEquals(1, pub.exit(), pub.toString());
        assertEquals("", pub.out());
        assertTrue(pub.err().matches("ERROR no PubAck: (cluster lab has no JetStream leader|stream " + stream
                + " has no leader) right now.*not confirmed.*\n"), pub.err());

        // 2.9.10 answers for the consumer with 10008 ("no leader answered for it right now") or with the cut-off node's stale view ("no quorum"),
        // or, under load, not within the timeout: then the stream's block is shown and one line says so
        Run.Result info = script("JsInfo").env("NATS_URL", survivor.url()).go();
        assertTrue(info.out().contains("  cluster:        lab, 3 replicas, leader none (no quorum: a majority of the "
                + "replicas must be up)\n"), info.toString());
        assertTrue(info.out().contains("  replica n2:     offline (n1, which answered, has no route to it)\n"), info.toString());
        assertTrue(info.out().contains("  replica n3:     offline (n1, which answered, has no route to it)\n"), info.toString());
        String consumerState = info.exit() == 0 ? info.out().substring(info.out().indexOf("consumer ")) : info.err();
        assertTrue(consumerState.contains("no quorum") || consumerState.contains("no leader answered for it right now")
                || consumerState.equals("ERROR the server did not answer "
                + "$JS.API.CONSUMER.INFO." + stream + "." + consumer + " within 5s (--timeout)\n"), info.toString());

        cluster.restart(cluster.node("n2"));
        cluster.awaitStream(stream, ThreeNodeCluster::hasLeader, "a stream leader again");
        assertEquals(List.of("INFO published \"after\" to stream " + stream + " (seq 2)"), ok(script("JsPub", "after").go()).outLines());
    }
}
