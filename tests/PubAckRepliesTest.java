// js-pub's bulk run on one server reads its PubAcks off its own reply subject (PubAckReplies), not
// through publishAsync: what it counts must be what jnats' PublishAck says. A PubAck of a shape the
// fast reading does not take (a JetStream domain adds a field) is read by jnats and counts the same;
// a duplicate is a duplicate; a server that goes away mid-run leaves a last line that adds up, and the
// stream holds at least what was confirmed and at most that plus what got no answer. The fast reading
// takes the PubAcks this nats-server really sends: otherwise it is only a slower way to call jnats.

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PubAckRepliesTest {
    private static final Pattern SHORTFALL = Pattern.compile(PubShortfall.LINE);

    /** The server's own PubAcks, stored and duplicate, in the spacing it writes them; jnats agrees on each. */
    @Test
    void theServersPubAcksTakeTheFastReading() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream(); Connection nc = server.connect()) {
            server.resetToLabStream();
            Headers id = new Headers().add("Nats-Msg-Id", "once");
            for (boolean duplicate : new boolean[] {false, true}) {
                Message reply = nc.request(NatsMessage.builder().subject("lab4.stream").headers(id).data("x").build(),
                        Duration.ofSeconds(5));
                String shown = new String(reply.getData(), StandardCharsets.UTF_8);
                PubAckReplies.Plain read = PubAckReplies.plain(reply.getData());
                io.nats.client.api.PublishAck jnats = new io.nats.client.api.PublishAck(reply);
                assertEquals(new PubAckReplies.Plain(jnats.getStream(), jnats.getSeqno(), jnats.isDuplicate()), read, shown);
                assertEquals(duplicate, read.duplicate(), shown);
            }
        }
        for (String other : new String[] {"{\"stream\":\"S\", \"domain\":\"hub\", \"seq\":1}", "{\"stream\":\"S\\u0041\", \"seq\":1}",
                "{\"stream\":\"S\", \"seq\":1,\"duplicate\": false}", "{\"stream\":\"S\", \"seq\":1} x", "{\"stream\":\"S\", \"seq\":0}",
                "{\"stream\":\"S\", \"seq\":12345678901234567890}", "{\"error\":{\"code\":503,\"description\":\"x\"}}"}) {
            assertNull(PubAckReplies.plain(other.getBytes(StandardCharsets.UTF_8)), other); // jnats reads these
        }
    }

    /**
     * A run's sequences that are not one block (other publishers' messages between, or a purge that moved the
     * stream's next sequence on) are said to have gaps: "3 messages (seq 1-9)" would read as nine of the run's.
     */
    @Test
    void aRangeOfSequencesWithOthersBetweenSaysSo() throws Exception {
        AtomicLong next = new AtomicLong(1);
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> subject.equals("lab4.stream")
                ? "{\"stream\":\"LAB4_STREAM\",\"seq\":" + next.getAndAdd(4) + "}" : null)) {
            Run.Result published = Run.script("JsPub", "--count", "3", "hello").env("NATS_URL", fake.url()).go();
            assertEquals(0, published.exit(), published.toString());
            assertEquals("INFO published 3 messages to stream LAB4_STREAM (seq 1-9, with gaps: other publishers' messages in "
                    + "between, or a purge that moved the stream's next sequence on), each confirmed by a PubAck",
                    published.outLines().get(0), published.toString());
        }
    }

    @Test
    void pubAcksWithADomainAreReadByJnatsAndCountTheSame() throws Exception {
        try (NatsServer server = NatsServer.startWithConfig("jetstream { domain: hub }")) {
            server.resetToLabStream();
            Run.Result first = pub(server, "--count", "300", "--size", "16", "--msg-id", "m-{{Count}}").go();
            assertEquals(0, first.exit(), first.toString());
            assertEquals("INFO published 300 messages to stream LAB4_STREAM (seq 1-300), each confirmed by a PubAck",
                    first.outLines().get(0), first.toString());

            Run.Result again = pub(server, "--count", "310", "--size", "16", "--msg-id", "m-{{Count}}").go();
            assertEquals(0, again.exit(), again.toString());
            assertEquals("INFO published 310 messages to stream LAB4_STREAM, each confirmed by a PubAck: 10 stored (seq 301-310), "
                    + "300 duplicate=true (already stored, not stored again)", again.outLines().get(0), again.toString());
            try (Connection nc = server.connect()) {
                assertEquals(310, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
            }
        }
    }

    @Test
    void aServerThatGoesAwayMidRunLeavesALineThatAddsUp() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            server.resetToLabStream();
            Run.Started pub = Run.script("JsPub", "--count", "2000000", "--size", "64").server(server).start();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (stored(server) < 5_000 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            server.restart(); // a shutdown (its store written out), then up again: the run's connection is gone
            Run.Result result = pub.finish();

            assertTrue(result.exit() != 0, result.toString());
            assertEquals("", result.out(), "no success line for a run cut short");
            Matcher m = SHORTFALL.matcher(result.err());
            assertTrue(m.find(), result.toString());
            assertEquals("2000000", m.group(2), result.toString());
            assertTrue(m.group(3) == null || m.group(3).startsWith(" (seq 1-"), result.toString());
            long confirmed = Long.parseLong(m.group(1));
            long unanswered = Long.parseLong(m.group(6));
            // a server shutting down answers some publishes with 503 (no JetStream took them): refused, not stored
            long refused = Long.parseLong(m.group(5));
            assertEquals(2_000_000 - confirmed, Long.parseLong(m.group(4)));
            assertEquals(2_000_000, confirmed + refused + unanswered + Long.parseLong(m.group(7)), "the numbers add up");

            long storedNow = stored(server);
            assertTrue(storedNow >= confirmed && storedNow <= confirmed + unanswered,
                    "stored " + storedNow + " against confirmed " + confirmed + " and unanswered " + unanswered + ": " + result);
        }
    }

    private static long stored(NatsServer server) throws Exception {
        try (Connection nc = server.connect()) {
            return nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount();
        }
    }

    private static Run pub(NatsServer server, String... args) {
        return Run.script("JsPub", args).server(server);
    }
}
