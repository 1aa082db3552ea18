// Lab 5's flags, one behaviour each, against a real server: retention and filters from js-bootstrap,
// a retention changed only with --recreate, and js-pull's --label and --term.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.RetentionPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumersAtWorkTest extends WithServer {
    /** On a work-queue stream a message is gone once acked; on a limits stream it stays. */
    @Test
    void aWorkQueueDeletesWhatIsAcked() throws Exception {
        assertEquals("INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file, retention workqueue)",
                bootstrap("--retention", "workqueue").outLines().get(0));
        publish("one", "two");
        ok(script("JsPull", "--max", "1").go());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(RetentionPolicy.WorkQueue, jsm.getStreamInfo("LAB4_STREAM").getConfiguration().getRetentionPolicy());
            assertEquals(1, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
            assertEquals(2, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getFirstSequence());
        }
    }

    /** A work queue takes only consumers that ack: --ephemeral says so in one line, exit 1, not "done: 0". */
    @Test
    void anEphemeralReadOfAWorkQueueIsOneLine() throws Exception {
        bootstrap("--retention", "workqueue");
        publish("one");
        Run.Result read = script("JsPull", "--ephemeral", "--wait", "1").go();
        assertEquals(1, read.exit(), read.toString());
        assertEquals("ERROR stream LAB4_STREAM is a work queue: it takes only consumers that ack, and --ephemeral reads "
                + "through one that does not (the server refuses it, error 10084): read it with js-pull without "
                + "--ephemeral (an ack removes the message), or look with js-info\n", read.err());
    }

    /** A retention is fixed: one line without --recreate, a new stream with it. */
    @Test
    void anotherRetentionNeedsRecreate() throws Exception {
        bootstrap();
        Run.Result refused = script("JsBootstrap", "--retention", "interest").go();
        assertEquals(1, refused.exit(), refused.toString());
        assertEquals("ERROR stream LAB4_STREAM has retention limits, not interest, and a stream's retention cannot "
                + "change: rerun with --recreate to delete and recreate it (it holds no messages), or use another "
                + "--stream\n", refused.err());
        Run.Result recreated = bootstrap("--retention", "interest", "--recreate");
        assertEquals("INFO recreated stream LAB4_STREAM (subjects: lab4.stream, storage: file, retention interest); its 0 "
                + "messages went with the old one", recreated.outLines().get(0));
        try (Connection nc = connect()) {
            assertEquals(RetentionPolicy.Interest, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM")
                    .getConfiguration().getRetentionPolicy());
        }
    }

    /**
     * --filter and --max-ack-pending reach the consumer; a rerun without them keeps them and says so. (A filter
     * equal to the stream's one subject is stored by the server as no filter: the same messages either way.)
     */
    @Test
    void filterAndMaxAckPendingReachTheConsumer() throws Exception {
        assertEquals("INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s, max ack pending 5, "
                + "filter lab4.stream)", bootstrap("--filter", "lab4.stream", "--max-ack-pending", "5").outLines().get(1));
        assertEquals(List.of("INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file)",
                "INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s)",
                "INFO consumer LAB4_CONSUMER keeps max ack pending 5 (this run does not set it: --max-ack-pending does; "
                        + "a consumer js-bootstrap creates has 1000)"), bootstrap().outLines());
        assertEquals("INFO updated consumer LAB4_CONSUMER: max ack pending 5 -> 7",
                bootstrap("--max-ack-pending", "7").outLines().get(1));
        assertEquals("INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s, "
                + "max ack pending 7, filter lab4.stream)", bootstrap("--filter", "lab4.stream", "--max-ack-pending", "7")
                .outLines().get(1));
    }

    /** --label starts each line of that run only; --term ends a message's deliveries. */
    @Test
    void labelledLinesAndTerm() throws Exception {
        bootstrap();
        publish("poison", "fine");
        assertEquals(List.of("INFO [A] pulled message: \"poison\"",
                "INFO [A] terminated: the server will not deliver it again (a poison message, set aside)",
                "INFO [A] done: 1 message pulled and terminated (--max 1)"),
                ok(script("JsPull", "--label", "A", "--term", "--max", "1").go()).outLines());
        assertEquals(List.of("INFO pulled message: \"fine\"", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 1s"),
                ok(script("JsPull", "--wait", "1").go()).outLines());
        assertTrue(ok(script("JsInfo").go()).out().contains("ack floor:      stream seq 2"));
    }

    /** A labelled run's lines on stderr carry the label too: its ERROR line when it ends early, a refusal's as well. */
    @Test
    void everyLineOfALabelledRunCarriesTheLabel() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "20").go());
        Run.Result missing = script("JsPull", "--label", "W", "--consumer", "NOPE").go();
        assertEquals("ERROR [W] consumer NOPE not found on stream LAB4_STREAM: run js-bootstrap first\n", missing.err());
        assertEquals("ERROR consumer NOPE not found on stream LAB4_STREAM: run js-bootstrap first\n",
                script("JsPull", "--consumer", "NOPE").go().err(), "the next run has no label");

        Run.Started pull = script("JsPull", "--label", "W", "--work-ms", "400", "--wait", "10").start();
        pull.awaitOut("INFO [W] pulled message: \"message 2\"");
        pull.signal("TERM");
        Run.Result stopped = pull.finish();
        assertEquals(143, stopped.exit(), stopped.toString());
        assertTrue(stopped.err().startsWith("ERROR [W] interrupted: "), stopped.toString());

        String line = script("JsPull", "--label", "W", "--wait", "1").shellLine();
        Run.Result piped = Run.command("bash", "-c", "set -o pipefail; " + line + " | head -1").in(Scratch.dir())
                .server(server).timeout(120).go();
        assertEquals(Exit.OUTPUT, piped.exit(), piped.toString());
        assertTrue(piped.err().startsWith("ERROR [W] stdout could not be written (Broken pipe)"), piped.toString());
        for (String each : (stopped.out() + stopped.err() + piped.out() + piped.err()).split("\n")) {
            assertTrue(each.matches("(INFO|WARN|ERROR) \\[W\\] .*"), "each line labelled: " + each);
        }
    }
}
