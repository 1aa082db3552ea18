// Batches and what is asked for ahead: no message expires unseen while it waits behind slow work,
// none is dropped between batches, and a run cut short names every message delivered to it that
// it did not finish: printed but not acked, delivered but never shown, and, when max_deliver says
// they will not come back, which ones. The server's consumer state is the judge each time.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AskAheadTest extends WithServer {
    /**
     * Batches of 10 at 200 ms a message take 2 s against a 3 s ack wait: a batch asked for ahead
     * would wait 2 s and be worked for 2 more, and expire meanwhile. Each message is shown once.
     */
    @Test
    void aBatchAskedAheadNeverExpiresBehindSlowWork() throws Exception {
        labConsumer(Duration.ofSeconds(3), -1, 1000, 40);
        Run.Result result = ok(script("JsPull", "--batch", "10", "--work-ms", "200", "--wait", "2").go());
        assertShownOnceEach(result, 40);
        assertEquals("INFO done: 40 messages pulled and acked in batches of 10 (none arrived in the last 2s)",
                summaryOf(result), result.toString());
        assertServerHas(40, 0);
    }

    /** One batch's own work (12 x 250 ms) outlasts a 2 s ack wait: in-progress acks keep its messages, said once. */
    @Test
    void aBatchLongerThanTheAckWaitIsKeptAliveAndSaysSoOnce() throws Exception {
        labConsumer(Duration.ofSeconds(2), -1, 1000, 24);
        Run.Result result = ok(script("JsPull", "--batch", "12", "--work-ms", "250", "--wait", "2").go());
        assertShownOnceEach(result, 24);
        assertEquals(1, result.err().lines().filter(l -> l.contains("in-progress acks (+WPI)")).count(), result.toString());
        assertServerHas(24, 0);
    }

    /**
     * A short last batch (2 of the 5 asked for) waits out its request (2 s wait + 5 x 700 ms of work) for
     * the rest, long past a 1 s ack wait: the messages in hand are kept alive meanwhile, so none is
     * delivered again to the run holding it, and each line is shown once.
     */
    @Test
    void messagesInHandAreKeptAliveWhileTheBatchWaitsForMore() throws Exception {
        labConsumer(Duration.ofSeconds(1), -1, 1000, 7);
        Run.Result result = ok(script("JsPull", "--batch", "5", "--work-ms", "700", "--wait", "2").go());
        assertShownOnceEach(result, 7);
        assertEquals("INFO done: 7 messages pulled and acked in batches of 5 (none arrived in the last 2s)",
                summaryOf(result), result.toString());
        assertServerHas(7, 0);
    }

    /**
     * With max ack pending equal to the batch, a message delivered but never handed on holds every later
     * batch back for its ack wait (30 s). Batches of 2, 1500 times: each message is handed on, and quickly.
     */
    @Test
    void noMessageIsStrandedBetweenBatches() throws Exception {
        labConsumer(Duration.ofSeconds(30), -1, 2, 3000);
        long start = System.nanoTime();
        Run.Result result = ok(script("JsPull", "--batch", "2", "--quiet", "--count", "3000", "--wait", "2").go());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(summaryOf(result).startsWith("INFO done: 3000 messages pulled and acked in batches of 2 (--count 3000)"),
                result.toString());
        assertTrue(seconds < 25, "a stranded message waits out the 30 s ack wait; this run took " + seconds + "s");
        assertServerHas(3000, 0);
    }

    /**
     * A far-away server (its bytes reach the client 800 ms late): what the server delivers in a pull
     * request's last 800 ms arrives after the request ended on the client's clock. A fetch that closed
     * its subscription at its own expiry drops those messages unseen: they stay ack pending for the
     * ack wait, and with max ack pending equal to the batch they hold the later batches back.
     * Messages trickle in (10 per 3 s wait, batches of 20: every request ends on its expiry, with
     * messages on the way): each is shown once and acked, none is left.
     */
    @Test
    void noMessageIsStrandedWhenARequestOutlivesTheClientsWait() throws Exception {
        labConsumer(Duration.ofSeconds(30), -1, 20, 0);
        try (Proxy far = Proxy.to(server).latency(800);
             Run.Started pull = script("JsPull", "--batch", "20", "--wait", "3").env("NATS_URL", far.url()).start();
             Connection nc = connect()) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (server.labConsumer().getNumWaiting() == 0) { // its first request is in: it pulls
                assertTrue(System.nanoTime() < deadline, "js-pull never asked for a message");
                Thread.sleep(20);
            }
            for (int i = 1; i <= 30; i++) {
                nc.jetStream().publish("lab4.stream", ("message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                Thread.sleep(300);
            }
            Run.Result result = pull.finish();
            assertShownOnceEach(result, 30);
            assertTrue(summaryOf(result).startsWith("INFO done: 30 messages pulled and acked in batches of 20 ("),
                    result.toString());
            assertServerHas(30, 0);
        }
    }

    /**
     * max_deliver 1 and SIGTERM mid-batch: nothing is asked ahead, a request asks for no more than
     * about a second of work (50 of the 100 at 20 ms each), and the last line names what was
     * delivered to this run and will not come back, by stream sequence; the server agrees.
     */
    @Test
    void sigtermWithMaxDeliverOneNamesWhatWillNotComeBack() throws Exception {
        labConsumer(Duration.ofSeconds(30), 1, 1000, 300);
        Run.Started pull = script("JsPull", "--batch", "100", "--work-ms", "20", "--wait", "5").start();
        pull.awaitOut("INFO pulled message: \"message 130\"");
        pull.signal("TERM");
        Run.Result result = pull.finish();

        assertEquals(143, result.exit(), result.toString());
        Matcher m = Pattern.compile("WARN consumer delivers a message at most 1 time \\(max_deliver\\): asking for at most "
                + "50 at a time \\(about a second of work\\), not 100, so a stop leaves few unseen\n"
                + "ERROR interrupted: (\\d+) messages printed and acked(; [^\n]*)?\n").matcher(result.err());
        assertTrue(m.matches(), result.toString());
        long acked = Long.parseLong(m.group(1));
        String held = m.group(2) == null ? "" : m.group(2);
        long printedNotAcked = count(held, "printed but not acked");
        long notShown = count(held, "delivered but not shown");
        long inHand = printedNotAcked + notShown;
        if (inHand > 0) { // those in hand, by stream sequence: what was printed first, then what was not
            List<String> parts = new java.util.ArrayList<>();
            if (printedNotAcked > 0) {
                parts.add(printedNotAcked + " printed but not acked");
            }
            if (notShown > 0) {
                parts.add(notShown + " delivered but not shown");
            }
            String them = inHand == 1 ? "it" : "them";
            assertEquals("; " + String.join(" and ", parts) + ": the server will not deliver " + them + " again (max_deliver 1): "
                    + "stream seq " + (acked + 1) + (inHand == 1 ? "" : "-" + (acked + inHand)) + "; read " + them
                    + " with js-pull --ephemeral", held, result.toString());
        } else { // the signal came between two requests: nothing in hand, so the server's numbers below are all acked
            assertEquals("", held, result.toString());
            System.out.println("    (the signal came between two requests: nothing was in hand)");
        }
        assertEquals(acked + printedNotAcked, shownLines(result), "every printed line is counted: " + result);
        ConsumerInfo consumer = server.labConsumer();
        assertEquals(acked, consumer.getAckFloor().getStreamSequence(), "the server has exactly the acks reported");
        assertEquals(acked + printedNotAcked + notShown, consumer.getDelivered().getStreamSequence(),
                "every delivery is named, and nothing was asked ahead: " + result);
        assertTrue(notShown + printedNotAcked <= 50, "at most the rest of one request of a second's work: " + result);
    }

    /**
     * With no word from the consumer (a cluster without a quorum answers nothing), what its requests asked for
     * and never brought is "up to" a count: never more than the consumer can deliver, its max ack pending less
     * what the run holds unacked, however many requests a long wait sent.
     */
    @Test
    void whatTheConsumerMayHaveSentIsBoundByItsMaxAckPending() {
        PullCounts counts = new PullCounts();
        counts.consumer(1000, -1, Duration.ofSeconds(30), List.of());
        counts.unreachedUnknown(10_000);
        String held = counts.held("printed", true);
        assertTrue(held.startsWith("; up to 1000 more that the consumer may have sent and never reached this run ("), held);
    }

    /** The number before `what` in a last line's account of the messages in hand; 0 when it names none. */
    private static long count(String held, String what) {
        Matcher number = Pattern.compile("(\\d+) " + Pattern.quote(what)).matcher(held);
        return number.find() ? Long.parseLong(number.group(1)) : 0;
    }

    /** Ctrl-C mid-batch: the bodies on stdout are exactly those printed and acked plus those printed and not. */
    @Test
    void ctrlCInBatchesCountsEveryPrintedLine() throws Exception {
        labConsumer(Duration.ofSeconds(30), -1, 1000, 3000);
        Run.Started pull = script("JsPull", "--batch", "100", "--work-ms", "3", "--wait", "5").withSigintAtDefault().start();
        pull.awaitOut("INFO pulled message: \"message 250\"");
        pull.signal("INT");
        Run.Result result = pull.finish();

        assertEquals(130, result.exit(), result.toString());
        long[] told = interrupted(result, "printed");
        assertEquals(told[0] + told[3] + told[1], shownLines(result), "every printed line is counted: " + result);
        assertAddsUp(told, result);
    }

    /**
     * SIGTERM as big bodies stream in: a request asks for at most 16 MB (about 41 of these 400 KB bodies,
     * not the batch of 120, and nothing ahead; said once the first is read), so the server never holds
     * more for this run than a slow reader can take; and whatever was on its way as the run ended, read or not, is named,
     * so the last line adds up with the server's count of messages delivered and not acked.
     */
    @Test
    void sigtermWhileBigBodiesStreamInNamesAllOfThem() throws Exception {
        labConsumer(Duration.ofSeconds(30), -1, 1000, 0);
        ok(script("JsPub", "--count", "240", "--size", "400000").go());
        Run.Started pull = script("JsPull", "--batch", "120", "--work-ms", "30", "--quiet", "--wait", "5").start();
        awaitDelivered(1);
        pull.signal("TERM");
        Run.Result result = pull.finish();

        assertEquals(143, result.exit(), result.toString());
        long[] told = interrupted(result, "pulled");
        assertAddsUp(told, result);
        assertTrue(server.labConsumer().getNumAckPending() <= 41, "one request's 16 MB at most in flight: " + result);
    }

    /**
     * SIGTERM while a request still waits for messages, and the server's answers stop (held in a proxy)
     * as the run closes its requests: the consumer cannot say how many more it delivered, so the last
     * line says that number is not known, bounded by what the requests asked for, and invents none.
     */
    @Test
    void noAnswerAtTheEndLeavesTheUnreachedCountUnknown() throws Exception {
        labConsumer(Duration.ofSeconds(30), -1, 1000, 30);
        try (Proxy silent = Proxy.to(server).holdRepliesAfter("UNSUB ", 1)) {
            Run.Started pull = script("JsPull", "--batch", "100", "--work-ms", "50", "--wait", "5")
                    .env("NATS_URL", silent.url()).start();
            pull.awaitOut("INFO pulled message: \"message 5\"");
            pull.signal("TERM");
            Run.Result result = pull.finish();
            silent.release();

            assertEquals(143, result.exit(), result.toString());
            assertTrue(result.err().matches("ERROR interrupted: \\d+ messages printed and acked; .*up to \\d+ more that "
                    + "the consumer may have sent and never reached this run \\(it did not answer; js-info shows its ack "
                    + "pending\\): they come back after the ack wait \\(30s\\)\n"), result.toString());
        }
    }

    /**
     * Big bodies: a request asks for at most 16 MB, whatever --batch says, and the run says so once;
     * every message is pulled and acked, none left behind (a reader sent more than it takes in is cut
     * off by the server, or drops messages unseen).
     */
    @Test
    void bigBodiesAreAskedForSixteenMegabytesAtATime() throws Exception {
        labConsumer(Duration.ofSeconds(30), -1, 1000, 0);
        ok(script("JsPub", "--count", "100", "--size", "400000").go());
        Run.Result result = ok(script("JsPull", "--batch", "120", "--quiet", "--wait", "2").go());
        assertTrue(result.err().matches("WARN messages of up to 4000\\d\\d bytes: a request asks for at most 16 MB of them "
                + "\\(about 41\\), not a batch of 120, so what is on its way to this run stays bounded\n"), result.toString());
        assertEquals("INFO done: 100 messages pulled and acked in batches of up to 41 (16 MB a request) (none arrived in "
                + "the last 2s)",
                summaryOf(result), result.toString());
        assertServerHas(100, 0);
    }

    /**
     * One at a time (no --batch), SIGTERM while the server's answer to a message's ack is held in a proxy:
     * the ack reached the server, so the last line must not say the message comes back; it says its
     * confirmation was not seen, and the server's ack floor shows it is acked.
     */
    @Test
    void sigtermWhileOneAcksAnswerIsHeldSaysItsConfirmationWasNotSeen() throws Exception {
        labConsumer(Duration.ofSeconds(30), -1, 1000, 5);
        try (Proxy held = Proxy.to(server).holdRepliesAfter("$JS.ACK.", 3)) {
            Run.Started pull = script("JsPull", "--wait", "5").env("NATS_URL", held.url()).start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (server.labConsumer().getAckFloor().getStreamSequence() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50); // asked of the server itself: the third ack is in, its answer held
            }
            pull.signal("TERM");
            Run.Result result = pull.finish();
            held.release();

            assertEquals(143, result.exit(), result.toString());
            long[] told = interrupted(result, "printed");
            assertEquals(List.of(2L, 0L, 0L, 1L), List.of(told[0], told[1], told[2], told[3]), result.toString());
            assertAddsUp(told, result);
        }
    }

    /**
     * "ERROR interrupted: ..." on stderr, alone (after the big bodies' warning): acked, acked without the
     * server's confirmation seen yet, shown but not acked, delivered but not shown (received or not).
     */
    private static long[] interrupted(Run.Result result, String shown) {
        Matcher m = Pattern.compile("(?:WARN messages of up to \\d+ bytes: [^\n]*\n)?"
                + "ERROR interrupted: (\\d+) messages? " + shown + " and acked(?:; (?:(\\d+) " + shown
                + " and acked, the server's confirmation not seen yet \\(js-info shows whether the server has the acks\\))?"
                + "(?: and )?(?:(\\d+) " + shown + " but not acked)?(?: and )?(?:(\\d+) delivered but not shown)?(?: and )?"
                + "(?:: (?:they|it) comes? back after the ack wait \\(30s\\))?)?\n").matcher(result.err());
        assertTrue(m.matches(), result.toString());
        return new long[] {count(m, 1), count(m, 3), count(m, 4), count(m, 2)};
    }

    private static long count(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }

    /** What the server says matches the last line: the ack floor among the acks sent, and every delivery named once. */
    private static void assertAddsUp(long[] told, Run.Result result) throws Exception {
        ConsumerInfo consumer = server.labConsumer();
        long floor = consumer.getAckFloor().getStreamSequence();
        assertTrue(told[0] <= floor && floor <= told[0] + told[3], "ack floor " + floor + ": " + result);
        assertEquals(told[0] + told[3] + told[1] + told[2], floor + consumer.getNumAckPending(), "every delivery is named: " + result);
    }

    static void awaitDelivered(long atLeast) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (server.labConsumer().getDelivered().getStreamSequence() < atLeast) {
            assertTrue(System.nanoTime() < deadline, "nothing was delivered");
            Thread.sleep(5);
        }
    }

    static long shownLines(Run.Result result) {
        return result.outLines().stream().filter(l -> l.startsWith("INFO pulled message: ")).count();
    }

    private static String summaryOf(Run.Result result) {
        List<String> lines = result.outLines();
        return lines.get(lines.size() - 1).replaceAll(": [0-9,]+ msgs/s, [0-9.]+ MB/s$", "");
    }

    /** Each of messages 1..n printed exactly once, on its first delivery. */
    private static void assertShownOnceEach(Run.Result result, int n) {
        List<String> shown = result.outLines().stream().filter(l -> l.startsWith("INFO pulled message: ")).toList();
        for (int i = 1; i <= n; i++) {
            String line = "INFO pulled message: \"message " + i + "\"";
            assertEquals(1, shown.stream().filter(line::equals).count(), "message " + i + " once: " + result);
        }
        assertEquals(n, shown.size(), "no redelivery shown: " + result);
    }

    private static void assertServerHas(long acked, long ackPending) throws Exception {
        ConsumerInfo consumer = server.labConsumer();
        assertEquals(acked, consumer.getAckFloor().getStreamSequence(), "acked");
        assertEquals(ackPending, consumer.getNumAckPending(), "ack pending");
        assertEquals(0, consumer.getRedelivered(), "nothing redelivered");
    }

    /** The lab's stream with `messages` in it, and its consumer with these settings (js-bootstrap sets no max ack pending). */
    static void labConsumer(Duration ackWait, long maxDeliver, long maxAckPending, int messages) throws Exception {
        server.resetToLabStream();
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
            jsm.addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder().durable("LAB4_CONSUMER")
                    .ackPolicy(AckPolicy.Explicit).ackWait(ackWait).maxDeliver(maxDeliver).maxAckPending(maxAckPending)
                    .build());
        }
        if (messages > 0) {
            ok(script("JsPub", "--count", String.valueOf(messages)).go());
        }
    }
}
