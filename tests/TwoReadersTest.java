// Two readers on one consumer: the consumer counts every delivery, to anyone, so a js-pull that
// stops must name as its own only what the server's numbers show is its own.

import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullRequestOptions;
import io.nats.client.PullSubscribeOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
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
            try (Run.Started a = script("JsPull", "--batch", "10", "--work-ms", "100", "--wait", "60").start();
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
