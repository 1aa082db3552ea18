// js-purge: empties the stream and says how many messages went.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PurgeTest extends WithServer {
    @Test
    void purgesAndCountsTheMessages() throws Exception {
        bootstrap();
        publish("first message", "second message");
        Run.Result result = ok(script("JsPurge").go());
        assertEquals("INFO purged 2 messages from stream LAB4_STREAM\n", result.out());
        try (Connection nc = connect()) {
            assertEquals(0, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    @Test
    void streamAndConsumerStayAndSequencesGoOn() throws Exception {
        bootstrap();
        publish("before");
        ok(script("JsPurge").go());
        assertEquals("INFO published \"after\" to stream LAB4_STREAM (seq 2)\n", publish("after").out());
        Run.Result pulled = ok(script("JsPull", "--max", "1").go());
        assertEquals("INFO pulled message: \"after\"", pulled.outLines().get(0));
    }

    @Test
    void emptyStreamPurgesNothing() throws Exception {
        bootstrap();
        assertEquals("INFO purged 0 messages from stream LAB4_STREAM\n", ok(script("JsPurge").go()).out());
    }

    @Test
    void missingStreamSaysToBootstrap() throws Exception {
        Run.Result result = script("JsPurge", "--stream", "GONE").go();
        assertEquals(Exit.NOT_FOUND, result.exit());
        assertEquals("ERROR stream GONE not found at " + server.url() + ": run js-bootstrap first\n", result.err());
    }
}
