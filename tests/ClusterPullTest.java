// js-pull on a real three-node JetStream cluster (OnACluster): the durable consumer's leader dies
// mid-pull (one at a time and in batches), a node stops answering, the consumer is deleted; every
// message is processed at least once and the last line adds up. The rest of the cluster: ClusterTest.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.ClusterInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterPullTest extends OnACluster {
    private static final Pattern PULLED = Pattern.compile("pulled message: \"message (\\d+)\"( \\(delivery (\\d+)\\))?");

    /**
     * kill -9 of the consumer's leader while js-pull works through it in batches of 500: the client,
     * connected to that very node, reconnects to another (one line on stderr), a new leader takes
     * over, and every message is processed at least once; those whose acks died come back and show
     * their delivery number. Then the node restarts and its copies catch up.
     */
    @Test
    void pullSurvivesTheConsumerLeadersDeathAndTheNodeCatchesUp() throws Exception {
        int total = 10_000;
        ThreeNodeCluster.Node leader = consumerLeaderOver(total);

        Run.Started pull = script("JsPull", "--count", String.valueOf(total), "--batch", "500", "--wait", "10")
                .env("NATS_URL", leader.url()).start(); // connected to the leader itself: its death cuts the connection
        pull.awaitOut("acked 500 messages");
        cluster.kill9(leader);
        Run.Result result = pull.finish();

        assertEquals(0, result.exit(), result.err() + tail(result.out()));
        assertTrue(result.err().matches("(?s).*WARN lost the connection to nats://127\\.0\\.0\\.1:" + leader.port + " \\("
                + leader.name + "\\); reconnected to nats://127\\.0\\.0\\.1:\\d+ \\(n\\d\\) after [0-9.]+s\n.*"), result.err());
        Set<Integer> processed = new TreeSet<>();
        int redelivered = 0;
        Matcher m = PULLED.matcher(result.out());
        while (m.find()) {
            processed.add(Integer.parseInt(m.group(1)));
            redelivered += m.group(2) != null ? 1 : 0;
        }
        assertEquals(total, processed.size(), "every message processed at least once; " + tail(result.out()));
        assertTrue(result.out().contains("INFO done: " + total + " messages pulled and acked"), tail(result.out()));
        System.out.printf("    (pull through failover: %d redeliveries shown)%n", redelivered);

        // the dead node's copies, once their leaders have not heard from it for 5 s (or never have: a leader elected after
        // the kill may not have): named as unheard from (or offline), not as current or merely lagging
        Pattern unheard = Pattern.compile("  replica n\\d: +(offline|(not current( \\(lag [\\d,]+ operations?\\))?|current as far as the "
                + "leader knows), (last heard from [0-9hms]+ ago: down, cut off from the leader, or not caught up yet after a restart|never "
                + "heard from by this leader: down, "
                + "cut off from it, or the leader is only just elected))");
        List<String> whileDown = List.of();
        for (long deadline = System.currentTimeMillis() + 30_000; System.currentTimeMillis() < deadline; Thread.sleep(1_000)) {
            whileDown = ok(script("JsInfo").go()).outLines();
            List<String> deadCopies = whileDown.stream().filter(line -> line.startsWith("  replica " + leader.name + ":")).toList();
            if (deadCopies.size() == 2 && deadCopies.stream().allMatch(line -> unheard.matcher(line).matches())) {
                break;
            }
        }
        List<String> shown = whileDown.stream().filter(line -> line.matches("(stream|consumer) .*|  (cluster|replica).*")).toList();
        assertEquals(2, shown.stream().filter(line -> line.startsWith("  replica " + leader.name + ":")
                && unheard.matcher(line).matches()).count(), String.join("\n", shown));

        cluster.restart(leader);
        cluster.awaitStream(stream, ThreeNodeCluster::allCurrent, "the restarted node's stream copy to be current");
        cluster.awaitConsumer(stream, consumer, ThreeNodeCluster::allCurrent, "the restarted node's consumer copy");
        List<String> info = ok(script("JsInfo").go()).outLines();
        assertEquals(4, info.stream().filter(line -> line.matches("  replica n\\d: +current")).count(), String.join("\n", info));
        assertTrue(info.get(2).startsWith("  messages:       10,000 ("), String.join("\n", info));
    }

    /**
     * The consumer's leader reached through its own URL alone, no cluster mode: the server's INFO names
     * its cluster, so the pull fails over and goes on through the election like one given the list. Its
     * wait (2 s) is far shorter than the election: an empty wait while the consumer still has messages is
     * not "none arrived"; the pull goes on until a new leader hands them out.
     */
    @Test
    void aPullThroughOneUrlGoesOnThroughTheLeadersDeath() throws Exception {
        Files.writeString(labConfig, Files.readString(labConfig).replace("mode = \"cluster\"", "mode = \"remote\""));
        int total = 10_000;
        ThreeNodeCluster.Node leader = consumerLeaderOver(total);
        Run.Started pull = script("JsPull", "--count", String.valueOf(total), "--batch", "100", "--quiet", "--work-ms", "1",
                "--wait", "2").env("NATS_URL", leader.url()).start(); // 10 s of work: the death comes mid-run
        awaitAcked(1000);
        cluster.kill9(leader);
        Run.Result result = pull.finish();
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().startsWith("INFO done: " + total + " messages pulled and acked in batches of 100 (--count "
                + total), result.toString());
    }

    /** The same pull, and the consumer's leader stops answering instead (SIGSTOP): the pull leaves it and goes on. */
    @Test
    void aPullFromANodeThatStopsAnsweringGoesOnThroughAnother() throws Exception {
        int total = 10_000;
        ThreeNodeCluster.Node leader = consumerLeaderOver(total);
        Run.Result result;
        try (Run.Started pull = script("JsPull", "--count", String.valueOf(total), "--batch", "100", "--quiet", "--work-ms", "1",
                "--wait", "2").env("NATS_URL", leader.url()).start()) {
            awaitAcked(1000);
            cluster.pause(leader);
            result = pull.finish();
        } finally {
            cluster.resume(leader);
        }
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().startsWith("INFO done: " + total + " messages pulled and acked in batches of 100 (--count "
                + total), result.toString());
        assertTrue(result.err().contains("WARN lost the connection to nats://127.0.0.1:" + leader.port), result.err());
        assertFalse(result.toString().contains("another reader takes from this consumer too,"), "no other reader: " + result);
    }

    /**
     * One message at a time (no --batch), kill -9 of the consumer's leader mid-run, a wait (2 s) far
     * shorter than the election: the pull goes on through it, and "none arrived" comes only once the
     * consumer has nothing left: every message acked on the server, none pending.
     */
    @Test
    void oneAtATimeGoesOnThroughTheLeadersDeath() throws Exception {
        int total = 1_500;
        ThreeNodeCluster.Node leader = consumerLeaderOver(total);
        Run.Started pull = script("JsPull", "--wait", "2").env("NATS_URL", leader.url()).start();
        awaitAcked(300);
        cluster.kill9(leader);
        Run.Result result = pull.finish();

        assertEquals(0, result.exit(), result.err() + tail(result.out()));
        Set<Integer> processed = new TreeSet<>();
        Matcher m = PULLED.matcher(result.out());
        while (m.find()) {
            processed.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(total, processed.size(), "every message processed at least once; " + tail(result.out()));
        assertTrue(result.out().matches("(?s).*INFO done: " + total + " messages pulled and acked; none arrived in the last "
                + "2s(; \\d+ messages? printed again \\((it|they) came back before the server had (its|their) ack; counted once\\))?\n"),
                tail(result.out()));
        try (Connection nc = cluster.connect()) {
            io.nats.client.api.ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo(stream, consumer);
            assertEquals(0, info.getNumPending(), "nothing left undelivered");
            assertEquals(0, info.getNumAckPending(), "nothing left unacked");
            assertEquals(total, info.getAckFloor().getStreamSequence(), "all acked");
        }
    }

    /**
     * --raw through the consumer leader's death: acks that died with it make their messages come back
     * and be printed a second time, so stdout holds more bodies than "N pulled and acked". The last
     * line says how many were printed again, and adds up to the bodies, in batches and one at a time.
     */
    @Test
    void inBatchesTheLastLineCountsTheBodiesPrintedAgain() throws Exception {
        int total = 10_000;
        ThreeNodeCluster.Node leader = consumerLeaderOver(total);
        Run.Started pull = script("JsPull", "--count", String.valueOf(total), "--batch", "500", "--raw", "--wait", "10")
                .env("NATS_URL", leader.url()).start(); // connected to the leader: its death cuts the batch's acks off
        awaitAcked(1000);
        cluster.kill9(leader);
        assertBodiesAddUp(pull.finish(), total);
    }

    /**
     * A batch pull on a cluster asks with requests of 2 s (a dead leader is not waited on for long) and ends once
     * a whole wait passed empty: its last line counts the quiet from the wait's start, not from the last request.
     */
    @Test
    void aQuietBatchPullOnAClusterSaysTheWholeWaitPassed() throws Exception {
        consumerLeaderOver(200);
        Run.Result result = ok(script("JsPull", "--batch", "100", "--wait", "3").go());
        assertTrue(result.out().contains("INFO done: 200 messages pulled and acked in batches of 100 (none arrived in the last 3s)"),
                result.toString());
    }

    @Test
    void oneAtATimeTheLastLineCountsTheBodiesPrintedAgain() throws Exception {
        int total = 1_500;
        ThreeNodeCluster.Node leader = consumerLeaderOver(total);
        Run.Started pull = script("JsPull", "--raw", "--wait", "2").env("NATS_URL", leader.url()).start();
        awaitAcked(300);
        cluster.kill9(leader);
        assertBodiesAddUp(pull.finish(), total);
    }

    private static void assertBodiesAddUp(Run.Result result, int total) {
        assertEquals(0, result.exit(), result.err());
        Matcher done = Pattern.compile("INFO done: (\\d+) messages pulled and acked[^\n]*").matcher(result.err());
        assertTrue(done.find(), result.err());
        assertEquals(total, Long.parseLong(done.group(1)), result.err());
        Matcher again = Pattern.compile("; (\\d+) messages? printed again \\((it|they) came back before the server had (its|their) "
                + "ack; counted once\\)").matcher(done.group());
        long printedAgain = again.find() ? Long.parseLong(again.group(1)) : 0;
        assertEquals(result.out().lines().count(), total + printedAgain, "stdout's bodies against: " + done.group());
        System.out.printf("    (%d bodies printed again after the leader's death)%n", printedAgain);
    }

    /** A consumer deleted mid-pull on a cluster is named as deleted (exit 5), not waited out as an election that brings messages back. */
    @Test
    void aConsumerDeletedMidPullIsNamedAsDeletedNotAsAnElection() throws Exception {
        consumerLeaderOver(2_000);
        Run.Started pull = script("JsPull", "--batch", "50", "--work-ms", "5", "--wait", "2").start();
        pull.awaitOut("acked 50 messages");
        try (Connection nc = cluster.connect()) {
            nc.jetStreamManagement().deleteConsumer(stream, consumer);
        }
        Run.Result result = pull.finish();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertTrue(result.err().matches("(?s)(WARN [^\n]*\n)*ERROR consumer " + consumer + " was deleted during the run: "
                + "\\d+ messages printed and acked.*; run js-bootstrap to create it again\n"), result.err());
        assertTrue(!result.err().contains("come back") && !result.err().contains("leader"), result.err());
    }

    /** An R3 stream with `total` messages and its consumer, all replicas current: the consumer's leader. */
    private ThreeNodeCluster.Node consumerLeaderOver(int total) throws Exception {
        ok(script("JsBootstrap", "--replicas", "3").go());
        publishDirectly(subject, total);
        ClusterInfo before = cluster.awaitConsumer(stream, consumer, ThreeNodeCluster::allCurrent, "a consumer leader");
        return cluster.node(before.getLeader());
    }

    private void awaitAcked(long acked) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (Connection nc = cluster.connect()) {
                if (nc.jetStreamManagement().getConsumerInfo(stream, consumer).getAckFloor().getStreamSequence() >= acked) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the pull never got going");
            Thread.sleep(50);
        }
    }

    private static void publishDirectly(String subject, int total) throws Exception {
        try (Connection nc = cluster.connect()) {
            JetStream js = nc.jetStream();
            List<java.util.concurrent.CompletableFuture<io.nats.client.api.PublishAck>> acks = new java.util.ArrayList<>();
            for (int n = 1; n <= total; n++) {
                acks.add(js.publishAsync(subject, ("message " + n).getBytes(StandardCharsets.UTF_8)));
                if (acks.size() == 1000) {
                    acks.forEach(java.util.concurrent.CompletableFuture::join);
                    acks.clear();
                }
            }
            acks.forEach(java.util.concurrent.CompletableFuture::join);
        }
    }
}
