// js-pull: the lab's exact lines, acks the server has confirmed, and a clean stop.

import io.nats.client.Connection;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        ConsumerInfo info = server.labConsumer();
        assertEquals(0, info.getNumAckPending(), "every ack reached the server");
        assertEquals(0, info.getNumPending());
        assertEquals(2, info.getAckFloor().getStreamSequence());
    }

    /** --ephemeral reads a long stream through one consumer on the server, not a new one every few messages. */
    @Test
    void theEphemeralReaderKeepsOneConsumerOnTheServer() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3000").go());
        Run.Started read = script("JsPull", "--ephemeral", "--wait", "1").start();
        read.awaitOut("(stream seq 2500)");
        long consumers;
        try (Connection nc = connect()) {
            consumers = nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getConsumerCount();
        }
        Run.Result result = ok(read.finish());
        assertTrue(consumers <= 3, consumers + " consumers on the server: the durable one and more than two throw-away ones");
        assertEquals("INFO done: 3000 messages read through a throw-away consumer, no acks needed; durable consumer "
                + "LAB4_CONSUMER did not move", result.outLines().get(result.outLines().size() - 1));
    }

    /** A consumer made to send headers only (by a raw API call): js-pull and js-info say so before an empty body puzzles. */
    @Test
    void aHeadersOnlyConsumerIsNamedBeforeItsEmptyBodies() throws Exception {
        bootstrap();
        publish("a body");
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder()
                    .durable("HEADERS").headersOnly(true).build());
        }
        String said = "consumer HEADERS delivers headers only (headers_only): bodies are not sent (js-pull shows each "
                + "as \"\"), header Nats-Msg-Size gives each one's size";
        Run.Result result = ok(script("JsPull", "--consumer", "HEADERS", "--wait", "1").go());
        assertEquals("WARN " + said + "\n", result.err());
        assertEquals("INFO pulled message: \"\" headers: Nats-Msg-Size=\"6\"", result.outLines().get(0));
        List<String> info = ok(script("JsInfo", "--consumer", "HEADERS").go()).outLines();
        assertTrue(info.stream().anyMatch(line -> line.startsWith("  settings:") && line.endsWith("; " + said.substring(
                "consumer HEADERS ".length()))), String.join("\n", info));
    }

    /**
     * A consumer that limits each pull request (max_batch, max_bytes, max_expires) refuses a larger one
     * with a 409 the client only warns about: a run that asked for more would wait and say none arrived
     * while the messages wait. Each request stays within the limits, and the lines say so.
     */
    @Test
    void aConsumersRequestLimitsAreKeptAndSaid() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "30").go());
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder().durable("LIMITED")
                    .maxBatch(9).maxBytes(123_456).maxExpires(java.time.Duration.ofSeconds(1)).build());
        }
        Run.Result batches = ok(script("JsPull", "--consumer", "LIMITED", "--batch", "20", "--max", "25", "--quiet").go());
        assertEquals("WARN consumer LIMITED lets a pull request wait at most 1s (max_expires): waiting that long for "
                + "messages, not 5s\nWARN consumer LIMITED takes pull requests of at most 9 messages (max_batch) and "
                + "123,456 bytes (max_bytes): each request asks for no more\n", batches.err());
        assertTrue(batches.out().startsWith("INFO done: 25 messages pulled and acked in batches of up to 9 (123,456 bytes a "
                + "request) (--max 25)"), batches.out());
        Run.Result each = ok(script("JsPull", "--consumer", "LIMITED", "--wait", "3").go());
        assertEquals("WARN consumer LIMITED lets a pull request wait at most 1s (max_expires): waiting that long for "
                + "messages, not 3s\n", each.err());
        assertTrue(each.out().startsWith("INFO pulled message: \"message 26\"\n"), each.out());
        assertTrue(each.out().matches("(?s).*\nINFO done: 5 messages pulled and acked; (none arrived in the last 1s|the server "
                + "ended the wait after 1\\.\\ds without a message)\n"), each.out());
    }

    /**
     * A message larger than the consumer's max_bytes is held back from every request of a batch run (409 "Message
     * Size Exceeds MaxBytes" at each): the run says so once instead of only that none arrived, and one at a time,
     * with no byte limit in its requests, js-pull takes it as the line says.
     */
    @Test
    void aMessageOverTheConsumersMaxBytesIsSaidToBeHeldBack() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3", "--size", "200").go());
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder().durable("SMALL")
                    .maxBytes(100).build());
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder().durable("CAPPED")
                    .maxBatch(10).maxBytes(2000).maxExpires(Duration.ofSeconds(2)).build());
        }
        Run.Result shown = ok(script("JsInfo", "--consumer", "SMALL").go()); // where the warning below sends the reader
        assertTrue(shown.out().contains(", max ack pending 1,000; a pull request asks for at most 100 bytes (max_bytes)\n"),
                shown.out());
        shown = ok(script("JsInfo", "--consumer", "CAPPED").go());
        assertTrue(shown.out().contains("; a pull request asks for at most 10 messages (max_batch), 2,000 bytes (max_bytes), "
                + "a wait of 2s (max_expires)\n"), shown.out());
        Run.Result batches = ok(script("JsPull", "--consumer", "SMALL", "--batch", "10", "--wait", "2s").go());
        assertEquals("WARN consumer SMALL takes pull requests of at most 100 bytes (max_bytes): each request asks for no more\n"
                + "WARN the next message for consumer SMALL is larger than the 100 bytes a pull request of it may ask for "
                + "(its max_bytes): the server holds it, and the messages after it, back from every batch; js-pull without --batch or "
                + "--quiet takes it, or have the consumer's max_bytes raised where it was set\n", batches.err());
        assertTrue(batches.out().startsWith("INFO done: 0 messages pulled and acked"), batches.out());
        Run.Result each = ok(script("JsPull", "--consumer", "SMALL", "--wait", "1s").go());
        assertTrue(each.outLines().get(each.outLines().size() - 1).startsWith("INFO done: 3 messages pulled and acked"), each.out());

        // messages that fit, a few to a request: the server ends each request with the same 409 once the next one
        // does not fit in what is left of its bytes, and nothing is held back
        ok(script("JsPub", "--count", "6", "--size", "10").go()); // with its subject and ack subject about 80 bytes
        Run.Result fitting = ok(script("JsPull", "--consumer", "SMALL", "--batch", "5", "--wait", "1s", "--quiet").go());
        assertFalse(fitting.err().contains("WARN the next message"), fitting.err());
        assertTrue(fitting.out().startsWith("INFO done: 6 messages pulled and acked"), fitting.out());
    }

    @Test
    void batchesAckEveryMessageBeforeSayingDone() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "5").go());
        Run.Result result = ok(script("JsPull", "--count", "5", "--batch", "2").go());
        assertEquals(List.of(
                "INFO pulled message: \"message 1\"", "INFO pulled message: \"message 2\"", "INFO acked 2 messages",
                "INFO pulled message: \"message 3\"", "INFO pulled message: \"message 4\"", "INFO acked 2 messages",
                "INFO pulled message: \"message 5\"", "INFO acked 1 message"), result.outLines().subList(0, 8));
        assertTrue(result.outLines().get(8).matches("INFO done: 5 messages pulled and acked in batches of 2 "
                + "\\(--count 5\\): [\\d,]+ msgs/s, [\\d.]+ MB/s"), result.out());
        assertEquals("", result.err(), "no progress line when stderr is not a terminal");
        ConsumerInfo info = server.labConsumer();
        assertEquals(0, info.getNumAckPending(), "every ack reached the server");
        assertEquals(5, info.getAckFloor().getStreamSequence());
    }

    @Test
    void quietPrintsOnlyTheSummary() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "300", "--size", "128").go());
        Run.Result result = ok(script("JsPull", "--count", "300", "--batch", "100", "--quiet").go());
        assertEquals(1, result.outLines().size(), result.out());
        assertTrue(result.out().startsWith("INFO done: 300 messages pulled and acked in batches of 100 (--count 300): "));
        assertEquals(300, server.labConsumer().getAckFloor().getStreamSequence());
    }

    /**
     * Batches are asked for ahead (the next one before this one's acks are confirmed), but never past
     * --max: the run ends with nothing delivered but unacked and no pull request left at the server.
     */
    @Test
    void batchesAskedForAheadNeverGoPastMax() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3000", "--size", "16").go());
        Run.Result result = ok(script("JsPull", "--count", "1000", "--batch", "300", "--quiet").go());
        assertTrue(result.out().startsWith("INFO done: 1000 messages pulled and acked in batches of 300 (--count 1000): "),
                result.out());
        ConsumerInfo info = server.labConsumer();
        assertEquals(1000, info.getAckFloor().getStreamSequence());
        assertEquals(1000, info.getDelivered().getStreamSequence(), "nothing delivered past --max");
        assertEquals(0, info.getNumAckPending(), "nothing left delivered but unacked");
        assertEquals(0, info.getNumWaiting(), "no pull request left waiting");
        assertEquals(2000, info.getNumPending());
    }

    @Test
    void acknowledgedMessagesAreNotDeliveredAgain() throws Exception {
        bootstrap();
        publish("only once");
        ok(script("JsPull", "--wait", "1").go());
        Run.Result again = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO why none arrived: no messages past the ack floor (stream seq 1): everything stored for "
                + "this consumer was handled: acked, terminated or given up on after max deliver",
                "INFO done: 0 messages pulled and acked; none arrived in the last 1s"), again.outLines());
    }

    /** --count is --max by another name: the lines that name the limit say the word the user typed. */
    @Test
    void countIsNamedAsTyped() throws Exception {
        bootstrap();
        publish("a", "b");
        assertEquals(List.of("INFO pulled message: \"a\"", "INFO acked", "INFO done: 1 message pulled and acked (--count 1)"),
                ok(script("JsPull", "--count", "1").go()).outLines());
        assertEquals(List.of("INFO pulled message: \"b\"", "INFO acked", "INFO done: 1 message pulled and acked (--max 1)"),
                ok(script("JsPull", "--max=1").go()).outLines());
        Run.Result zero = script("JsPull", "--count=0").go();
        assertEquals(Exit.USAGE, zero.exit(), zero.toString());
        assertEquals("ERROR flag --count: 0 is not valid: it must be at least 1\n", zero.err());
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
        assertEquals(1, server.labConsumer().getNumPending());
    }

    /**
     * --nak without a backoff stops when the message comes back, and hands that delivery back too: not shown, but
     * a delivery used up all the same. The last line says so, and here that it was the last one (max deliver 2).
     */
    @Test
    void aNakdMessageThatCameBackIsCountedUpToItsLastDelivery() throws Exception {
        bootstrap("--max-deliver", "2");
        publish("one");
        Run.Result nak = ok(script("JsPull", "--nak").go());
        assertEquals(List.of("INFO pulled message: \"one\"", "INFO nak'd: it comes back right away",
                "INFO done: 1 message pulled and nak'd; stopped when it came back (stream seq 1, delivery 2, not shown) and "
                        + "was nak'd again: it will not come back: that was its last delivery (2 of max deliver 2), so the "
                        + "server gives up on it; it stays in the stream"), nak.outLines());
        Run.Result after = ok(script("JsPull", "--wait", "1").go());
        assertTrue(after.outLines().stream().noneMatch(line -> line.contains("pulled message")), after.toString());
    }

    /** --no-ack: of several messages, the first to come back ends the run; its delivery is left unacked again, and said so. */
    @Test
    void anUnackedMessageThatCameBackIsNamedAndComesAgain() throws Exception {
        bootstrap("--ack-wait", "1s");
        publish("a", "b");
        Run.Result left = ok(script("JsPull", "--no-ack", "--wait", "5").go());
        List<String> lines = left.outLines();
        assertEquals(List.of("INFO pulled message: \"a\"", "INFO not acked: it comes back after the ack wait (1s)",
                "INFO pulled message: \"b\"", "INFO not acked: it comes back after the ack wait (1s)"), lines.subList(0, 4));
        assertTrue(lines.get(4).matches("INFO done: 2 messages pulled and not acked; stopped when one of them came back "
                + "\\(stream seq [12], delivery 2, not shown\\) and was not acked again: it comes back after the ack wait "
                + "\\(1s\\)"), left.toString());
        assertEquals(5, lines.size(), left.toString());
    }

    /** --no-ack's help says what becomes of the message: back after the ack wait or a backoff's delay, up to max deliver. */
    @Test
    void noAckSaysWhatItDoesInTheHelp() throws Exception {
        String help = ok(script("JsPull", "--help").go()).out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--no-ack Leave each message unacked: it comes back after the ack wait (with a backoff, "
                + "after its delay for that delivery), unless that was its last delivery (max deliver)."), help);
    }

    @Test
    void missingStreamSaysToBootstrap() throws Exception {
        Run.Result result = script("JsPull").go();
        assertEquals(Exit.NOT_FOUND, result.exit());
        assertEquals("ERROR stream LAB4_STREAM not found at " + server.url() + ": run js-bootstrap first\n", result.err());
    }

    /** Without --max there is no total: the progress line counts, and never says "of 0". */
    @Test
    void progressWithoutMaxNeverSaysOfZero() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) to give the run a terminal");
        bootstrap();
        ok(script("JsPub", "--count", "5").go());
        String run = Run.script("JsPull", "--quiet", "--wait", "4").shellLine(); // the last wait keeps it going past 2 s
        Run.Result result = ok(Run.command("script", "-qec", run, "/dev/null").env("NATS_URL", server.url()).go());
        assertTrue(result.out().contains("\r5 acked, "), result.out());
        assertFalse(result.out().contains(" of 0"), result.out());
    }

    /** A consumer with ack policy none takes no acks: one line saying so, not jnats' missing ack wait. */
    @Test
    void aConsumerWithoutAcksIsRefusedInTheLabsWords() throws Exception {
        bootstrap();
        publish("one");
        try (io.nats.client.Connection nc = connect()) {
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration
                    .builder().durable("WNONE").ackPolicy(io.nats.client.api.AckPolicy.None).build());
        }
        Run.Result result = script("JsPull", "--consumer", "WNONE").go();
        assertEquals(Exit.FAILED, result.exit(), result.toString());
        assertEquals("ERROR consumer WNONE does not take acks (ack policy none): js-pull needs a consumer with explicit "
                + "acks; create one with js-bootstrap --consumer NAME\n", result.err());
    }

    /**
     * Ack policy all: acking a later message acks every one before it, so a message left unacked
     * (--no-ack) does not come back once a later one is acked. js-pull says so first.
     */
    @Test
    void ackPolicyAllIsNamedWithWhatItDoesToUnackedMessages() throws Exception {
        bootstrap();
        publish("m1", "m2");
        try (io.nats.client.Connection nc = connect()) {
            nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration
                    .builder().durable("WALL").ackPolicy(io.nats.client.api.AckPolicy.All).build());
        }
        Run.Result skipped = ok(script("JsPull", "--consumer", "WALL", "--no-ack", "--max", "1").go());
        ok(script("JsPull", "--consumer", "WALL", "--max", "1").go());
        Run.Result after = ok(script("JsPull", "--consumer", "WALL", "--wait", "1").go());

        assertEquals("WARN consumer WALL has ack policy all: each ack also acks every message delivered before it, to this "
                + "run or another reader, so one left unacked or nak'd before a later ack does not come back\n", skipped.err());
        assertTrue(after.outLines().stream().noneMatch(line -> line.contains("pulled message")), "m1 was acked with m2: " + after);
    }
}
