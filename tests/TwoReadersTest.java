// Two readers on one consumer: the consumer counts every delivery, to anyone, so a js-pull that
// stops must name as its own only what the server's numbers show is its own; and a why-line read
// while another reader holds messages says only what the consumer's state shows.

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwoReadersTest extends WithServer {
    /**
     * Two readers on one consumer: the consumer's count of deliveries includes the other's. Here the
     * other reader (this test) takes what js-pull did not, acks it, and js-pull works through and acks
     * all of its own; its requests then wait at the server for more. The server has nothing ack
     * pending, so js-pull's last line on SIGTERM names nothing as held, not even "up to": neither
     * with max_deliver unlimited (a batch asked ahead) nor with max_deliver 1.
     */
    @Test
    void aReaderBesideAnotherNeverNamesTheOthersDeliveriesAsItsOwn() throws Exception {
        for (long maxDeliver : new long[] {-1, 1}) {
            AskAheadTest.labConsumer(Duration.ofSeconds(30), maxDeliver, 1000, 60);
            try (Run.Started a = script("JsPull", "--batch", "10", "--work-ms", "200", "--wait", "60").start();
                 Connection nc = connect()) {
                AskAheadTest.awaitDelivered(1);
                long took = takeTheRest(nc);
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (ackedLines(a.outSoFar()) + took < 60 || server.labConsumer().getNumAckPending() > 0) {
                    assertTrue(System.nanoTime() < deadline && a.running(), "js-pull never acked its own: " + a.outSoFar());
                    Thread.sleep(20);
                }
                a.signal("TERM");
                Run.Result result = a.finish();

                assertEquals(143, result.exit(), result.toString());
                assertEquals(60 - took, AskAheadTest.shownLines(result), result.toString());
                assertTrue(took > 0 && AskAheadTest.shownLines(result) > 0, "both readers took some: " + result);
                assertEquals(List.of("ERROR interrupted: " + (60 - took) + " messages printed and acked"),
                        result.err().lines().filter(line -> !line.startsWith("WARN ")).toList(), // max_deliver 1 caps a request
                        "max_deliver " + maxDeliver + ": the server has nothing ack pending; " + result);
            }
        }
    }

    /**
     * Another reader took 10 and acked all but the 4th and 5th: past the ack floor (3) five are acked,
     * so the why-line names only the count the server gives (2 ack pending), and when they come
     * again as the latest the server's numbers allow: the consumer's last delivery plus the ack wait.
     */
    @Test
    void theWhyLineNamesOnlyWhatIsAckPendingWhenAnotherReaderAcksOutOfOrder() throws Exception {
        AskAheadTest.labConsumer(Duration.ofSeconds(30), -1, 1000, 10);
        try (Connection nc = connect()) {
            for (Message msg : take(nc, 10)) {
                long seq = msg.metaData().streamSequence();
                if (seq != 4 && seq != 5) {
                    msg.ackSync(Duration.ofSeconds(5));
                }
            }
            Run.Result pulled = ok(script("JsPull", "--wait", "1").go());

            assertTrue(pulled.outLines().get(0).matches("INFO why none arrived: 2 messages are ack pending past the ack "
                    + "floor \\(stream seq 3\\): delivered to a client \\(another js-pull, say\\) that has not acked them; "
                    + "they come again once the ack wait \\(30s\\) has passed, by " + clock(30) + ", unless they were "
                    + "nak'd \\(then at once, or after the nak's delay\\) or kept in progress \\(later\\)"), pulled.toString());
        }
    }

    /**
     * A nak with a 60 s delay holds a message past its 1 s ack wait: the server's state shows it ack
     * pending with its ack wait passed, and the why-line says what that can mean, no more.
     */
    @Test
    void aNakDelayLongerThanTheAckWaitIsNamedAsOneOfWhatItCanBe() throws Exception {
        AskAheadTest.labConsumer(Duration.ofSeconds(1), 5, 1000, 2);
        try (Connection nc = connect()) {
            List<Message> two = take(nc, 2);
            two.get(0).nakWithDelay(Duration.ofSeconds(60));
            two.get(1).ackSync(Duration.ofSeconds(5));
            Thread.sleep(1_500); // past the ack wait
            Run.Result pulled = ok(script("JsPull", "--wait", "1").go());

            assertTrue(pulled.outLines().get(0).matches("INFO why none arrived: 1 message is ack pending past the ack "
                    + "floor \\(stream seq 0\\): delivered to a client \\(another js-pull, say\\) that has not acked it; "
                    + "the ack wait \\(1s\\) passed by " + clock(1) + ", so it was nak'd with a delay or kept in progress, "
                    + "or it comes again on the next pull \\(never if that was the last delivery, max deliver 5\\)"),
                    pulled.toString());
        }
    }

    /** The consumer's last delivery plus the ack wait, on the clock as the why-line shows it. */
    private static String clock(long ackWaitSeconds) throws Exception {
        return server.labConsumer().getDelivered().getLastActive().plusSeconds(ackWaitSeconds)
                .withZoneSameInstant(ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("HH:mm:ss"));
    }

    /** This test as the other reader: `count` messages in one request, none acked yet. */
    private static List<Message> take(Connection nc, int count) throws Exception {
        JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.fastBind("LAB4_STREAM", "LAB4_CONSUMER"));
        sub.pull(count);
        List<Message> taken = new ArrayList<>();
        while (taken.size() < count) {
            Message msg = sub.nextMessage(Duration.ofSeconds(30));
            assertTrue(msg != null, "the consumer delivered " + taken.size() + " of " + count);
            taken.add(msg);
        }
        return taken;
    }

    /** The other reader: one message a request, acked, until the consumer has delivered all; how many it took. */
    private static long takeTheRest(Connection nc) throws Exception {
        JetStreamSubscription sub = nc.jetStream().subscribe(null, PullSubscribeOptions.fastBind("LAB4_STREAM", "LAB4_CONSUMER"));
        long took = 0;
        while (server.labConsumer().getNumPending() > 0) {
            sub.pull(PullRequestOptions.builder(1).expiresIn(500).build());
            Message msg = sub.nextMessage(Duration.ofSeconds(30)); // null early: the request ended empty (408)
            if (msg != null && msg.isJetStream()) {
                msg.ackSync(Duration.ofSeconds(5));
                took++;
            }
        }
        sub.unsubscribe();
        return took;
    }

    /** "INFO acked 10 messages" lines, summed: what js-pull has acked and had confirmed so far. */
    private static long ackedLines(String out) {
        Matcher m = Pattern.compile("(?m)^INFO acked (\\d+) messages?$").matcher(out);
        long sum = 0;
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

}
