// js-pull: the lab's exact lines, acks the server has confirmed, and a clean stop.

import io.nats.client.Connection;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PullTest extends WithServer {
    @Test
    void printsTheLabLinesAndAcksEveryMessage() throws Exception {
        bootstrap();
        publish("first message", "second message");
        Run.Result result = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of(
                "INFO pulled message: \"first message\"",
                "INFO acked",
                "INFO pulled message: \"second message\"",
                "INFO acked",
                "INFO done: 2 messages pulled and acked; none arrived in the last 1s"), result.outLines());
        ConsumerInfo info = consumerInfo();
        assertEquals(0, info.getNumAckPending(), "every ack reached the server");
        assertEquals(0, info.getNumPending());
        assertEquals(2, info.getAckFloor().getStreamSequence());
    }

    @Test
    void acknowledgedMessagesAreNotDeliveredAgain() throws Exception {
        bootstrap();
        publish("only once");
        ok(script("JsPull", "--wait", "1").go());
        Run.Result again = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO done: 0 messages pulled and acked; none arrived in the last 1s"), again.outLines());
    }

    @Test
    void maxStopsEarlyAndLeavesTheRestPending() throws Exception {
        bootstrap();
        publish("a", "b", "c");
        Run.Result result = ok(script("JsPull", "--max", "2").go());
        assertEquals(List.of(
                "INFO pulled message: \"a\"", "INFO acked",
                "INFO pulled message: \"b\"", "INFO acked",
                "INFO done: 2 messages pulled and acked (--max 2)"), result.outLines());
        assertEquals(1, consumerInfo().getNumPending());
    }

    @Test
    void maxBelowOneIsAUsageError() throws Exception {
        Run.Result result = script("JsPull", "--max", "0").go();
        assertEquals(Config.EXIT_USAGE, result.exit());
        assertEquals("ERROR --max must be at least 1, got 0\n", result.err());
    }

    @Test
    void missingConsumerSaysToBootstrap() throws Exception {
        bootstrap();
        Run.Result result = script("JsPull", "--consumer", "NOBODY").go();
        assertEquals(Config.EXIT_NOT_FOUND, result.exit());
        assertEquals("ERROR consumer NOBODY not found on stream LAB4_STREAM: run js-bootstrap first\n", result.err());
    }

    @Test
    void missingStreamSaysToBootstrap() throws Exception {
        Run.Result result = script("JsPull").go();
        assertEquals(Config.EXIT_NOT_FOUND, result.exit());
        assertEquals("ERROR stream LAB4_STREAM not found at " + server.url() + ": run js-bootstrap first\n", result.err());
    }

    private static ConsumerInfo consumerInfo() throws Exception {
        try (Connection nc = connect()) {
            return nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER");
        }
    }
}
