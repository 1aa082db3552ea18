// The lab on a real three-node JetStream cluster (OnACluster): replicas, failover of the stream's
// leader mid-publish, ephemeral reads through the death of their consumer's server, and what
// happens without a quorum. Durable pulls through failovers: ClusterPullTest.

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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterTest extends OnACluster {
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
        assertEquals(total, ids.stream().distinct().count(), "each message ID stored once in the leader's copy: " + repeated(ids));
    }

    /** The first IDs held at more than one stream sequence (ids in stream order from seq 1), for a failure's message. */
    private static String repeated(List<Long> ids) {
        java.util.Map<Long, List<Integer>> at = new java.util.TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            at.computeIfAbsent(ids.get(i), n -> new java.util.ArrayList<>()).add(i + 1);
        }
        return at.entrySet().stream().filter(e -> e.getValue().size() > 1).limit(5)
                .map(e -> "ID number " + e.getKey() + " at seq " + e.getValue()).collect(java.util.stream.Collectors.joining("; "));
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
        int differ = asTheLeaderHoldsThem(nc, bySequence);
        if (differ > 0) {
            System.out.printf("    (the ordered consumer's server held another message than the stream's leader at %d sequences: "
                    + "its replica diverged after the failover, a nats-server fault; the leader's copy is what counts)%n", differ);
        }
        return List.copyOf(bySequence.values());
    }

    /**
     * An ordered consumer reads the copy of the server it was placed on, which need not be the leader's:
     * after a failover nats-server 2.9 can leave one replica holding other messages at some sequences. So
     * wherever an ID was read under more than one sequence, those sequences are read again from the
     * leader (STREAM.MSG.GET, which only the leader answers, allow_direct or not) and its messages kept:
     * a publisher's duplicate or loss is in the leader's copy too, and still fails the test. Returns at
     * how many sequences the consumer's copy differed.
     */
    private int asTheLeaderHoldsThem(Connection nc, java.util.SortedMap<Long, Long> bySequence) throws Exception {
        java.util.Map<Long, List<Long>> sequencesOf = new java.util.HashMap<>();
        bySequence.forEach((sequence, number) -> sequencesOf.computeIfAbsent(number, n -> new java.util.ArrayList<>()).add(sequence));
        int differ = 0;
        for (List<Long> sequences : sequencesOf.values()) {
            if (sequences.size() < 2) {
                continue;
            }
            for (long sequence : sequences) {
                Message reply = nc.request("$JS.API.STREAM.MSG.GET." + stream, ("{\"seq\":" + sequence + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), Duration.ofSeconds(10));
                assertNotNull(reply, "the stream's leader did not answer for seq " + sequence);
                io.nats.client.api.MessageInfo held = new io.nats.client.api.MessageInfo(reply, stream, false);
                assertTrue(held.isMessage() && held.getHeaders() != null, "the leader's seq " + sequence + ": " + held);
                String id = held.getHeaders().getFirst("Nats-Msg-Id");
                assertNotNull(id, "the leader's seq " + sequence + " carries a Nats-Msg-Id");
                long number = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
                if (bySequence.put(sequence, number) != number) {
                    differ++;
                }
            }
        }
        return differ;
    }

    /**
     * js-pull --ephemeral reads through a throw-away consumer, which lives on one server only: kill -9 of
     * that server mid-read, a wait (2 s) shorter than the election. The read goes on with a new one from
     * the message after the last shown: every stored message shown once, in stream order, and the last
     * line counts them all, exit 0. (Before, it ended at the first empty wait saying "done" for what it had
     * shown, or with a line claiming a minute of asking again.)
     */
    @Test
    void anEphemeralReadGoesOnThroughTheDeathOfItsConsumersServer() throws Exception {
        int total = 1_500;
        ok(script("JsBootstrap", "--replicas", "3").go());
        cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "three current replicas");
        // 30 MB: more than the 16 MB the consumer may have on its way to the run, so part of it is still to come at the kill
        ok(script("JsPub", "--count", String.valueOf(total), "--size", "20000").go());
        Run.Started read = script("JsPull", "--ephemeral", "--work-ms", "5", "--wait", "2").start();
        read.awaitOut("(stream seq 100)");
        cluster.kill9(ephemeralConsumersServer());
        Run.Result result = read.finish();

        assertWholeStreamReadOnce(result, total);
    }

    /**
     * kill -9 of the stream's leader, the server the read is connected to, once everything is shown, while
     * the read waits for more: it ends as a read of the whole stream, exit 0, not with a failure.
     */
    @Test
    void anEphemeralReadThatShowedEverythingEndsDoneThroughTheDeathOfItsServer() throws Exception {
        int total = 200;
        ok(script("JsBootstrap", "--replicas", "3").go());
        ThreeNodeCluster.Node leader = cluster.node(cluster.awaitStream(stream, ThreeNodeCluster::allCurrent,
                "three current replicas").getLeader());
        ok(script("JsPub", "--count", String.valueOf(total)).go());
        Run.Started read = script("JsPull", "--ephemeral", "--wait", "8").env("NATS_URL", leader.url()).start();
        read.awaitOut("(stream seq " + total + ")");
        cluster.kill9(leader);
        Run.Result result = read.finish();

        assertWholeStreamReadOnce(result, total);
    }

    /**
     * Everything stored was shown and the read waits for more (--wait 2m) when its throw-away consumer's
     * server dies: messages published after the kill are shown by a consumer made again once three of the
     * server's heartbeats (1 s apart on a cluster) were missed, each once and in order, not only after the
     * whole wait. The run stops at --count.
     */
    @Test
    void anEphemeralReadWhoseConsumerDiesWhileItWaitsReadsOnWithinSeconds() throws Exception {
        ok(script("JsBootstrap", "--replicas", "3").go());
        cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "three current replicas");
        ok(script("JsPub", "--count", "100").go());
        // jnats' default (30 s requests, a heartbeat every 15 s) misses the consumer only after 45 s
        // within 90 s, not the whole --wait: a consumer made again once its heartbeats were missed (after a meta
        // leader's election too, when the killed server led the cluster: several rounds of voting under a heavy load)
        Run.Started read = script("JsPull", "--ephemeral", "--count", "200", "--wait", "120").timeout(90).start();
        read.awaitOut("(stream seq 100)");
        cluster.kill9(ephemeralConsumersServer());
        ok(script("JsPub", "--count", "100").go());
        Run.Result result = read.finish();

        assertEquals(0, result.exit(), result.err() + tail(result.out()));
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList(), shownSequences(result), "each once, in order");
        assertTrue(result.out().contains("INFO done: 200 messages read through a throw-away consumer"), tail(result.out()));
    }

    /** The server that leads the stream's throw-away consumer (the one not named in the lab's settings). */
    private ThreeNodeCluster.Node ephemeralConsumersServer() throws Exception {
        try (Connection nc = cluster.connect()) {
            return cluster.node(ThreeNodeCluster.await("the throw-away consumer's server", () -> nc.jetStreamManagement()
                    .getConsumers(stream).stream().filter(c -> !c.getName().equals(consumer)).findFirst()
                    .map(c -> c.getClusterInfo() == null ? null : c.getClusterInfo().getLeader()).orElse(null), name -> name != null));
        }
    }

    /** An ephemeral read of `total` messages ended well: exit 0, each shown once in stream order, and counted in its last line. */
    private static void assertWholeStreamReadOnce(Run.Result result, int total) {
        assertEquals(0, result.exit(), result.err() + tail(result.out()));
        assertEquals(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList(), shownSequences(result), "each once, in order");
        assertTrue(result.out().contains("INFO done: " + total + " messages read through a throw-away consumer"), tail(result.out()));
    }

    /** The stream sequences an ephemeral read showed, in the order shown. */
    private static List<Long> shownSequences(Run.Result result) {
        List<Long> shown = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("\\(stream seq (\\d+)\\)").matcher(result.out());
        while (m.find()) {
            shown.add(Long.parseLong(m.group(1)));
        }
        return shown;
    }

    /**
     * One outage, every run a user would make in it: kill -9 of two of the three nodes, so no quorum is
     * left, while an ephemeral read and a bulk publish run. The read's survivor is never the throw-away
     * consumer's server (one that is goes on handing out what it stores, as it may).
     * - The read ends within the failover bound (1m since the last message shown, plus one request's
     *   timeout), exit 1, with the line that names the stream and counts what was shown, each message
     *   once and in order.
     * - The bulk publish, connected to the survivor, ends after the same bound with the count of what a
     *   PubAck confirmed, and calls it no leader, not a lost connection or a deletion.
     * - A publish then is refused at once, and js-info names the replicas that are offline.
     * - Once one node is back, there is a leader again and a publish is confirmed.
     * (Two outages, one per run, would cost the whole class another bound's wait.)
     */
    @Test
    void withoutAQuorumEachRunEndsWithinTheBoundAndSaysWhy() throws Exception {
        String bulkStream = stream + "_BULK";
        Path bulkConfig = Files.createTempFile("lab-cluster-bulk-", ".toml");
        Run.Result readResult;
        Run.Result bulkResult;
        ThreeNodeCluster.Node survivor;
        List<ThreeNodeCluster.Node> killed;
        double readSeconds;
        try {
            Files.writeString(bulkConfig, Files.readString(labConfig).replace("\"" + stream + "\"", "\"" + bulkStream + "\"")
                    .replace("\"" + subject + "\"", "\"" + subject + "bulk\""));
            ok(script("JsBootstrap", "--replicas", "3").go());
            ok(script("JsBootstrap", "--replicas", "3").env("LAB_CONFIG", bulkConfig.toString()).go());
            cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "three current replicas");
            cluster.awaitStream(bulkStream, ThreeNodeCluster::allCurrent, "three current replicas");
            ok(script("JsPub", "--count", "3000", "--size", "10000").go());
            // slow enough (30 s at least) that the publish below starts before it has read everything; the
            // messages already on their way are still shown after the kills (this took up to 35 s), and the bound counts from the last
            Run.Started read = script("JsPull", "--ephemeral", "--work-ms", "10", "--wait", "20").timeout(300).start();
            read.awaitOut("(stream seq 100)");
            ThreeNodeCluster.Node consumersServer = ephemeralConsumersServer();
            survivor = cluster.nodes().stream().filter(node -> node != consumersServer).findFirst().orElseThrow();
            killed = cluster.nodes().stream().filter(node -> node != survivor).toList();
            Run.Started bulk = script("JsPub", "--count", "5000000", "--size", "64").env("LAB_CONFIG", bulkConfig.toString())
                    .env("NATS_URL", survivor.url()).start();
            try (Connection nc = cluster.connect()) {
                awaitMessages(nc, bulkStream, 5_000, bulk);
            }
            assertFalse(read.outSoFar().contains("(stream seq 3000)"), "the read was still going when the nodes were killed");
            for (ThreeNodeCluster.Node node : killed) {
                cluster.kill9(node);
            }
            long killedAt = System.nanoTime();
            readResult = read.finish();
            readSeconds = (System.nanoTime() - killedAt) / 1e9;
            bulkResult = bulk.finish();
        } finally {
            Files.delete(bulkConfig);
        }

        assertEquals(1, readResult.exit(), readResult.err() + tail(readResult.out()));
        List<Long> shown = shownSequences(readResult);
        assertEquals(java.util.stream.LongStream.rangeClosed(1, shown.size()).boxed().toList(), shown, "each once, in order");
        assertTrue(readResult.err().matches("(?s).*ERROR no message arrived for 1m although stream " + stream + " (still holds messages "
                + "past|did not say whether it holds more past) stream seq " + shown.get(shown.size() - 1) + " \\(no leader elected\\?\\): "
                + shown.size() + " messages printed.*"), readResult.err());
        System.out.printf("    (no quorum: the read ended %.0fs after the kills, %d shown)%n", readSeconds, shown.size());

        assertEquals(Exit.FAILED, bulkResult.exit(), bulkResult.toString());
        String last = bulkResult.err().lines().reduce((x, y) -> y).orElse("");
        assertTrue(last.matches("ERROR no PubAck within 1m of sending again: (cluster lab has no JetStream leader|stream "
                + bulkStream + " has no leader) "
                + "right now.*: only \\d+ of 5000000 messages confirmed by a PubAck.*"), bulkResult.err());
        assertTrue(!bulkResult.err().contains("deleted") && !bulkResult.err().contains("lost the connection to the server at"),
                bulkResult.err());
        cluster.awaitStream(stream, info -> info != null && info.getLeader() == null, survivor.name + " to see that the stream lost its leader");

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
        for (ThreeNodeCluster.Node node : killed) {
            assertTrue(info.out().contains("  replica " + node.name + ":     offline (" + survivor.name + ", which answered, has no route to it)\n"),
                    info.toString());
        }
        String consumerState = info.exit() == 0 ? info.out().substring(info.out().indexOf("consumer ")) : info.err();
        assertTrue(consumerState.contains("no quorum") || consumerState.contains("no leader answered for it right now")
                || consumerState.equals("ERROR the server did not answer "
                + "$JS.API.CONSUMER.INFO." + stream + "." + consumer + " within 5s (--timeout)\n"), info.toString());

        cluster.restart(killed.get(0));
        cluster.awaitStream(stream, ThreeNodeCluster::hasLeader, "a stream leader again");
        assertEquals(List.of("INFO published \"after\" to stream " + stream + " (seq 3001)"), ok(script("JsPub", "after").go()).outLines());
    }
}
