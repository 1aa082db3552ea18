// Labs 1-3's scripts beyond what their READMEs show: what a publisher sends is escaped on the
// listener's terminal, a request's body and reply keep their bytes, and each lab's `make demo` runs
// end to end against a real server.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CourseScriptsTest extends WithServer {

    @Test
    void aSubscriberEscapesTheSubjectAndBodyAPublisherChose() throws Exception {
        try (Run.Started sub = script("NatsSub", "course.>", "--count", "1").start()) {
            sub.awaitOut("INFO listening on course.>");
            try (Connection nc = connect()) {
                byte[] body = "\u001b[31mred\r\nnext\"".getBytes(StandardCharsets.UTF_8);
                byte[] withBadByte = new byte[body.length + 1];
                System.arraycopy(body, 0, withBadByte, 0, body.length);
                withBadByte[body.length] = (byte) 0xff;
                nc.publish("course.x", withBadByte);
                nc.flush(Duration.ofSeconds(5));
            }
            Run.Result result = sub.finish();
            assertEquals(0, result.exit(), result.toString());
            assertEquals(List.of("INFO listening on course.> (Ctrl-C to stop)",
                    "INFO received on course.x: \"\\u{1b}[31mred\\r\\nnext\\\"\\x{ff}\"",
                    "INFO done: 1 message received (--count 1)"), result.outLines());
        }
    }

    @Test
    void aResponderAnswersRequestsOnlyAndKeepsTheirBytes() throws Exception {
        try (Run.Started responder = script("Responder", "course.q", "--count", "2").start()) {
            responder.awaitOut("INFO listening for requests on course.q");
            try (Connection nc = connect()) {
                nc.publish("course.q", "no reply wanted".getBytes(StandardCharsets.UTF_8));
                nc.flush(Duration.ofSeconds(5));
            }
            Run.Result asked = ok(script("Requester", "--subject", "course.q", "caf\u00e9").env("LANG", "C.UTF-8").go());
            assertTrue(asked.out().matches("INFO reply on _INBOX\\.[A-Za-z0-9.]+ \\(this run's inbox\\): \"ack: caf\u00e9\"\n"),
                    asked.toString());
            Run.Result result = responder.finish();
            assertEquals(List.of("INFO listening for requests on course.q (Ctrl-C to stop)",
                    "INFO got \"no reply wanted\" on course.q with no reply subject: a plain publish, nothing to answer"),
                    result.outLines().subList(0, 2));
            assertEquals("INFO replied \"ack: caf\u00e9\"", result.outLines().get(3));
            assertEquals("INFO done: 2 messages received (--count 2)", result.outLines().get(4));
        }
    }

    @Test
    void eachLabsDemoRunsEndToEnd() throws Exception {
        for (String lab : List.of("lab1_publish_subscribe", "lab2_queue_groups", "lab3_request_reply")) {
            Run.Result demo = Run.command("make", "-s", "demo", "LAB=" + lab).server(server).timeout(300).go();
            assertEquals(0, demo.exit(), lab + "\n" + demo);
            assertTrue(demo.out().contains("INFO published") || demo.out().contains("INFO reply on"), lab + "\n" + demo);
            assertTrue(!demo.out().contains("Exception"), lab + "\n" + demo);
        }
    }
}
