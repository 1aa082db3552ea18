// "None arrived" only when the wait really passed with the connection up: a server restarted or
// killed mid-run, a consumer or stream deleted mid-run, each is named as what it is, with what the
// run did before it, and a non-zero exit. Each test has its own nats-server (it restarts it).

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LostConnectionTest {
    private NatsServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = NatsServer.startWithJetStream();
        server.resetToLabStream();
    }

    @AfterEach
    void stopServer() throws Exception {
        server.close();
    }

    /**
     * The restart comes while a proxy holds every reply from the 1,000th ack on, so js-pull is stalled
     * mid-stream however fast the machine, and the server's ack floor is read before the restart, from
     * the server that confirmed the acks: after a restart 2.9.10 may show an older floor (it writes a
     * consumer's state lazily), which would test the server's durability, not the count. js-pull
     * counts a batch only once the server confirmed its last ack, so it names at most that floor, and
     * at least the floor less the one batch whose confirmation was held.
     */
    @Test
    void aServerRestartMidPullIsALostConnectionNotAnIdleStream() throws Exception {
        WithServer.ok(script("JsPub", "--count", "2000", "--size", "16").go());
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter("$JS.ACK.", 1_000);
             Run.Started pull = script("JsPull", "--count", "2000", "--batch", "20", "--quiet", "--wait", "20")
                     .env("NATS_URL", proxy.url()).start()) {
            proxy.awaitHolding(60);
            long floor = steadyAckFloor();
            server.restart();
            proxy.cut(); // the restart closed the proxy's side; this passes the close on to js-pull
            Run.Result result = pull.finish();

            long acked = lostAfter(result, proxy.url());
            assertTrue(acked <= floor && floor <= acked + 20, "reported " + acked + ", the server had " + floor);
            assertFalse(result.err().contains("none arrived") || result.out().contains("none arrived"), result.toString());
        }
    }

    @Test
    void aServerKilledMidPullOneAtATimeIsALostConnection() throws Exception {
        WithServer.ok(script("JsPub", "--count", "20").go());
        Run.Started pull = script("JsPull", "--work-ms", "200", "--wait", "20").start();
        pull.awaitOut("INFO pulled message: \"message 3\"");
        server.kill9();
        Run.Result result = pull.finish();
        assertTrue(lostAfter(result, server.url()) >= 2, result.toString()); // after a kill -9 the server may have lost acks: not ours to check
    }

    @Test
    void aConsumerDeletedMidRunIsNamed() throws Exception {
        WithServer.ok(script("JsPub", "--count", "20").go());
        Run.Started pull = script("JsPull", "--work-ms", "300", "--wait", "10").start();
        pull.awaitOut("INFO pulled message: \"message 3\"");
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
        }
        Run.Result result = pull.finish();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertTrue(result.err().matches("ERROR consumer LAB4_CONSUMER was deleted during the run: \\d+ messages? printed "
                + "and acked(; 1 printed (but not acked|and acked, the server's confirmation not seen yet \\(the consumer was "
                + "deleted, and its acks with it\\)))?; run js-bootstrap to create it again\n"), result.err());
    }

    /** What a batch asked for and never got went with the deleted consumer: nothing left for js-info to show. */
    @Test
    void aConsumerDeletedMidBatchSaysItsUnreachedDeliveriesWentWithIt() throws Exception {
        WithServer.ok(script("JsPub", "--count", "500").go());
        Run.Started pull = script("JsPull", "--batch", "10", "--work-ms", "30", "--wait", "10").start();
        pull.awaitOut("INFO pulled message: \"message 30\"");
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
        }
        Run.Result result = pull.finish();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertTrue(result.err().startsWith("ERROR consumer LAB4_CONSUMER was deleted during the run: "), result.err());
        assertTrue(result.err().endsWith("; run js-bootstrap to create it again\n"), result.err());
        assertFalse(result.err().contains("js-info shows"), result.err());
        assertFalse(result.err().contains("did not answer"), result.err());
        Matcher m = Pattern.compile("up to \\d+ more that the consumer may have sent and never reached this run \\((.*?)\\)")
                .matcher(result.err());
        if (m.find()) {
            assertEquals("the consumer was deleted, and its deliveries with it: a consumer created anew starts where its "
                    + "deliver policy says", m.group(1), result.err());
        }
    }

    @Test
    void aConsumerDeletedWhileTheRunWaitsIsNotAQuietWait() throws Exception {
        Run.Started pull = waitingPull("--wait", "15");
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
        }
        Run.Result result = pull.finish();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertEquals("ERROR consumer LAB4_CONSUMER was deleted during the run: 0 messages printed and acked; run "
                + "js-bootstrap to create it again\n", result.err());
        assertEquals("", result.out());
    }

    /** js-pull started with ARGS, once its pull request waits on the server. */
    private Run.Started waitingPull(String... args) throws Exception {
        Run.Started pull = script("JsPull", args).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (server.labConsumer().getNumWaiting() == 0) { // until its pull request waits on the server
            assertTrue(System.nanoTime() < deadline, "js-pull never asked for a message");
            Thread.sleep(20);
        }
        return pull;
    }

    /** js-pull --ephemeral, once it has shown the three messages stored for it, waiting for more. */
    private Run.Started ephemeralReaderOfThree() throws Exception {
        WithServer.ok(script("JsPub", "--count", "3").go());
        Run.Started pull = script("JsPull", "--ephemeral", "--wait", "15").start();
        pull.awaitOut("INFO pulled message: \"message 3\"");
        return pull;
    }

    /** Deleted and at once made again under its name (a js-bootstrap rerun): still a deletion, not a peer's status. */
    @Test
    void aConsumerDeletedAndMadeAgainWhileTheRunWaitsIsADeletion() throws Exception {
        for (String[] run : new String[][] {{"--wait", "15"}, {"--batch", "10", "--wait", "15"}}) {
            WithServer.ok(script("JsPub", "--count", "2").go());
            Run.Started pull = script("JsPull", run).start();
            pull.awaitOut("INFO pulled message: \"message 2\"");
            try (Connection nc = server.connect()) {
                nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
                nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration.builder()
                        .durable("LAB4_CONSUMER").ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
            }
            Run.Result result = pull.finish();
            assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
            assertTrue(result.err().startsWith("ERROR consumer LAB4_CONSUMER was deleted during the run: "), result.toString());
            assertFalse(result.err().contains("WARN"), result.toString());
        }
    }

    /**
     * The consumer is deleted and made again while the run works on a message (no pull request open, so no status
     * comes): the next pull reaches the new consumer, whose first delivery is no later than the last the run saw.
     * The run says its consumer was deleted, and shows nothing of the new one.
     */
    @Test
    void aConsumerMadeAgainBetweenTwoPullsIsADeletion() throws Exception {
        WithServer.ok(script("JsPub", "--count", "2").go());
        for (String[] run : new String[][] {{"--work-ms", "3000", "--wait", "10"}, {"--batch", "1", "--work-ms", "3000", "--wait", "10"}}) {
            madeAgain(); // from the first message
            Run.Started pull = script("JsPull", run).start();
            pull.awaitOut("INFO pulled message: \"message 1\"");
            madeAgain();
            Run.Result result = pull.finish();
            assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
            assertTrue(result.err().startsWith("ERROR consumer LAB4_CONSUMER was deleted during the run: "), result.toString());
            assertEquals(1, result.out().lines().filter(line -> line.startsWith("INFO pulled message")).count(), result.toString());
        }
    }

    private void madeAgain() throws Exception {
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration.builder()
                    .durable("LAB4_CONSUMER").ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
        }
    }

    /** Someone deletes the throw-away consumer of --ephemeral mid-run: a deletion, as a durable one's is. */
    @Test
    void aThrowAwayConsumerDeletedMidRunIsADeletion() throws Exception {
        for (boolean madeAgain : new boolean[] {false, true}) { // under its name: still not the one this run read
            server.resetToLabStream();
            Run.Started pull = ephemeralReaderOfThree();
            try (Connection nc = server.connect()) {
                for (String name : nc.jetStreamManagement().getConsumerNames("LAB4_STREAM")) {
                    if (!name.equals("LAB4_CONSUMER")) {
                        nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", name);
                        if (madeAgain) {
                            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration
                                    .builder().durable(name).ackPolicy(io.nats.client.api.AckPolicy.None).build());
                        }
                    }
                }
            }
            Run.Result result = pull.finish();
            assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
            assertTrue(result.err().startsWith("ERROR the throw-away consumer was deleted during the run (by someone else: the "
                    + "server removes it only once the run is over): 3 messages printed"), result.toString());
        }
    }

    @Test
    void aStreamDeletedMidBatchIsNamed() throws Exception {
        WithServer.ok(script("JsPub", "--count", "40").go());
        Run.Started pull = script("JsPull", "--work-ms", "100", "--batch", "5", "--wait", "10").start();
        pull.awaitOut("INFO acked 5 messages");
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().deleteStream("LAB4_STREAM");
        }
        Run.Result result = pull.finish();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertTrue(result.err().startsWith("ERROR stream LAB4_STREAM was deleted during the run (and consumer "
                + "LAB4_CONSUMER with it): "), result.err());
        assertTrue(result.err().endsWith("; run js-bootstrap to create it again\n"), result.err());
    }

    @Test
    void aStreamDeletedUnderAnEphemeralReaderIsNamed() throws Exception {
        Run.Started pull = ephemeralReaderOfThree();
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().deleteStream("LAB4_STREAM");
        }
        Run.Result result = pull.finish();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertEquals("ERROR stream LAB4_STREAM was deleted during the run: 3 messages printed (no acks: the durable "
                + "consumer did not move); run js-bootstrap to create it again\n", result.err());
    }

    @Test
    void aPushConsumerIsRefusedInTheLabsWords() throws Exception {
        try (Connection nc = server.connect()) {
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration
                    .builder().durable("PUSHY").deliverSubject("pushy.inbox").build());
        }
        Run.Result result = script("JsPull", "--consumer", "PUSHY").go();
        assertEquals(Exit.FAILED, result.exit(), result.toString());
        assertEquals("ERROR consumer PUSHY is a push consumer (it delivers to subject pushy.inbox), and js-pull needs a "
                + "pull consumer: use another --consumer, or rerun js-bootstrap --recreate to make it a pull consumer\n",
                result.err());
    }

    /** The count of "lost the connection ... : N messages pulled|printed and acked", after checking exit 4. */
    private long lostAfter(Run.Result result, String url) {
        assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
        Matcher m = Pattern.compile("ERROR lost the connection to the server at " + Pattern.quote(url)
                + " mid-run \\(it stopped, restarted or stopped answering, or the network dropped\\): (\\d+) messages? (pulled|printed) "
                + "and acked.*\n").matcher(result.err());
        assertTrue(m.matches(), result.toString());
        return Long.parseLong(m.group(1));
    }

    /** The consumer's ack floor once it stopped moving (the same twice, 300 ms apart). */
    private long steadyAckFloor() throws Exception {
        try (Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            long deadline = System.nanoTime() + 60_000_000_000L;
            long floor = -1;
            for (long seen = -2; floor != seen; Thread.sleep(300)) {
                assertTrue(System.nanoTime() < deadline, "the ack floor never settled");
                seen = floor;
                floor = jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getAckFloor().getStreamSequence();
            }
            return floor;
        }
    }

    private Run script(String mainClass, String... args) {
        return Run.script(mainClass, args).server(server);
    }
}
