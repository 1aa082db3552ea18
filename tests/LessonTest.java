// The lab README's "Inspect state" and "Core NATS vs JetStream" sections, and its takeaways,
// as a learner runs them: the same commands, the output the README shows.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LessonTest extends WithServer {
    /** The lab README from "Watch redelivery" to "Durable vs ephemeral consumers", in order. */
    @Test
    void theLabSectionsPrintWhatTheReadmeShows() throws Exception {
        String lab = Files.readString(Run.REPO.resolve("labs/lab4_jetstream_basics/config.toml"))
                .replace("# [consumer]", "[consumer]").replace("# ack_wait_secs = 30", "ack_wait_secs = 5");
        String labConfig = tomlFile(lab);
        bootstrap(); // the lab as shipped: ack wait 30s
        publish("first message", "second message");
        ok(step(labConfig, "JsPull"));
        ok(step(labConfig, "JsPurge"));

        // Watch redelivery
        assertEquals("INFO updated consumer LAB4_CONSUMER: ack wait 30s -> 5s", step(labConfig, "JsBootstrap").outLines().get(1));
        assertEquals(List.of("INFO published \"first message\" to stream LAB4_STREAM (seq 3)"),
                step(labConfig, "JsPub", "first message").outLines());
        assertEquals(List.of("INFO pulled message: \"first message\"", "INFO not acked: it comes back after the ack wait (5s)",
                "INFO done: 1 message pulled and not acked; none arrived in the last 5s"), step(labConfig, "JsPull", "--no-ack").outLines());
        assertEquals(List.of("INFO pulled message: \"first message\" (delivery 2)", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 5s"), step(labConfig, "JsPull").outLines());

        // Publish idempotently
        assertEquals(List.of("INFO published \"order 7\" to stream LAB4_STREAM (seq 4)"),
                step(labConfig, "JsPub", "--msg-id", "order-7", "order 7").outLines());
        assertEquals(List.of("INFO published \"order 7\" to stream LAB4_STREAM (seq 4, duplicate=true)"),
                step(labConfig, "JsPub", "--msg-id", "order-7", "order 7").outLines());

        // Inspect state
        assertEquals(List.of(
                "stream LAB4_STREAM",
                "  subjects:       lab4.stream",
                "  messages:       2 (139 bytes)",
                "  first seq:      3",
                "  last seq:       4",
                "  storage:        file, duplicate window 120s",
                "consumer LAB4_CONSUMER",
                "  pending:        1 (stored, not yet delivered)",
                "  ack pending:    0 (delivered, waiting for an ack)",
                "  redelivered:    0",
                "  last delivered: stream seq 3",
                "  ack floor:      stream seq 3 (everything up to here is acked)",
                "  settings:       ack explicit, ack wait 5s, max deliver unlimited"), step(labConfig, "JsInfo").outLines());

        // Core NATS vs JetStream
        assertEquals(List.of("INFO sent \"gone\" to subject lab4.nowhere with core NATS: no PubAck, so nothing confirms "
                + "a stream stored it"), step(labConfig, "JsPub", "--core", "--subject", "lab4.nowhere", "gone").outLines());
        assertEquals(List.of("INFO sent \"kept, unconfirmed\" to subject lab4.stream with core NATS: no PubAck, so nothing "
                + "confirms a stream stored it"), step(labConfig, "JsPub", "--core", "kept, unconfirmed").outLines());
        assertEquals(List.of("stream LAB4_STREAM", "  subjects:       lab4.stream", "  messages:       3 (197 bytes)"),
                step(labConfig, "JsInfo").outLines().subList(0, 3));

        // Durable vs ephemeral consumers
        assertEquals(List.of(
                "INFO pulled message: \"first message\" (stream seq 3)",
                "INFO pulled message: \"order 7\" (stream seq 4)",
                "INFO pulled message: \"kept, unconfirmed\" (stream seq 5)",
                "INFO done: 3 messages read through a throw-away consumer, no acks needed; durable consumer "
                        + "LAB4_CONSUMER did not move"), step(labConfig, "JsPull", "--ephemeral").outLines());
        assertEquals(List.of("INFO pulled message: \"order 7\"", "INFO acked", "INFO pulled message: \"kept, unconfirmed\"",
                "INFO acked", "INFO done: 2 messages pulled and acked; none arrived in the last 5s"),
                step(labConfig, "JsPull").outLines());
    }

    private static Run.Result step(String labConfig, String mainClass, String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("--lab-config", labConfig));
        all.addAll(List.of(args));
        return ok(script(mainClass, all.toArray(String[]::new)).go());
    }

    @Test
    void jsonIsTheServersOwnAnswer() throws Exception {
        bootstrap();
        String json = ok(script("JsInfo", "--json").go()).out();
        assertEquals(true, json.startsWith("{\"stream\":{\"type\":\"io.nats.jetstream.api.v1.stream_info_response\""), json);
        assertEquals(true, json.contains("\"consumer\":{\"type\":\"io.nats.jetstream.api.v1.consumer_info_response\""), json);
    }

    @Test
    void consumersDoNotAckByThemselves() throws Exception {
        bootstrap();
        publish("first message");
        ok(script("JsPull", "--no-ack").go());
        List<String> consumer = ok(script("JsInfo").go()).outLines();
        assertEquals("  ack pending:    1 (delivered, waiting for an ack)", consumer.get(8));
        assertEquals("  ack floor:      stream seq 0 (everything up to here is acked)", consumer.get(11));
    }

    @Test
    void coreNatsIsFireAndForget() throws Exception {
        bootstrap();
        Run.Result gone = ok(script("JsPub", "--core", "--subject", "lab4.nowhere", "gone").go());
        Run.Result kept = ok(script("JsPub", "--core", "kept, unconfirmed").go());

        assertEquals("INFO sent \"gone\" to subject lab4.nowhere with core NATS: no PubAck, so nothing confirms a "
                + "stream stored it\n", gone.out());
        assertEquals("INFO sent \"kept, unconfirmed\" to subject lab4.stream with core NATS: no PubAck, so nothing "
                + "confirms a stream stored it\n", kept.out());
        List<String> stream = ok(script("JsInfo").go()).outLines();
        assertEquals("  messages:       1 (58 bytes)", stream.get(2), "only the message on the stream's subject stayed");
        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());
        assertEquals("INFO pulled message: \"kept, unconfirmed\"", pulled.outLines().get(0));
    }

    @Test
    void ephemeralConsumerReadsEverythingAndLeavesTheDurableWhereItWas() throws Exception {
        bootstrap();
        publish("first message", "second message");
        ok(script("JsPull", "--max", "1").go());

        Run.Result read = ok(script("JsPull", "--ephemeral", "--wait", "1").go());

        assertEquals(List.of(
                "INFO pulled message: \"first message\" (stream seq 1)",
                "INFO pulled message: \"second message\" (stream seq 2)",
                "INFO done: 2 messages read through a throw-away consumer, no acks needed; durable consumer "
                        + "LAB4_CONSUMER did not move"), read.outLines());
        Run.Result durable = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"second message\"", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 1s"), durable.outLines());
    }

    @Test
    void purgeOptionsSayWhatWouldGoAndThenDoIt() throws Exception {
        bootstrap();
        for (int n = 1; n <= 5; n++) {
            publish("m" + n);
        }
        assertEquals("INFO dry run: would purge 3 messages from stream LAB4_STREAM (keeping the last 2); nothing was removed\n",
                ok(script("JsPurge", "--keep", "2", "--dry-run").go()).out());
        assertEquals("INFO dry run: would purge 2 messages from stream LAB4_STREAM (subject lab4.stream, below seq 3); "
                + "nothing was removed\n", ok(script("JsPurge", "--subject", "lab4.stream", "--seq", "3", "--dry-run").go()).out());
        assertEquals("INFO purged 2 messages from stream LAB4_STREAM (below seq 3)\n",
                ok(script("JsPurge", "--seq", "3").go()).out());
        assertEquals("INFO purged 1 message from stream LAB4_STREAM (keeping the last 2)\n",
                ok(script("JsPurge", "--keep", "2").go()).out());
        assertEquals("  first seq:      4", ok(script("JsInfo").go()).outLines().get(3));
    }
}
