// natscli's habits for message data: js-pub -H KEY:VALUE (a Nats-Msg-Id among them deduplicates
// like --msg-id), headers shown by js-pull, js-pub -j (each PubAck as JSON) and js-pull --raw
// (bodies alone, byte for byte, acked only once written). The -H refusals the README's bad-input
// table shows are tested there.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadersTest extends WithServer {
    @Test
    void headersTravelWithTheMessageAndJsPullShowsThem() throws Exception {
        bootstrap();
        ok(script("JsPub", "-H", "Trace-Id:abc", "--header", "Nats-Msg-Id:order-1", "hi").go());
        Run.Result again = ok(script("JsPub", "-H", "Nats-Msg-Id:order-1", "hi").go());
        assertEquals("INFO published \"hi\" to stream LAB4_STREAM (seq 1, duplicate=true)\n", again.out());
        Run.Result pulled = ok(script("JsPull", "--max", "1").go());
        assertEquals("INFO pulled message: \"hi\" headers: Trace-Id=\"abc\"; Nats-Msg-Id=\"order-1\"", pulled.outLines().get(0));
    }

    /** A header's name is escaped as any outside text (its backslash too), and a long value shows its start. */
    @Test
    void aHeadersNameIsEscapedAndALongValueIsCut() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers().add("K\\u{1b}", "v".repeat(300));
            nc.jetStream().publish(io.nats.client.impl.NatsMessage.builder().subject("lab4.stream").headers(headers)
                    .data("hi".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build());
        }
        for (String[] run : new String[][] {{"--max", "1"}, {"--ephemeral", "--wait", "1s"}, {"--trace", "--max", "1", "--consumer", "C2"}}) {
            if (run[0].equals("--trace")) {
                try (Connection nc = connect()) {
                    nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration.builder()
                            .durable("C2").ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
                }
            }
            Run.Result pulled = ok(script("JsPull", run).go());
            assertTrue((pulled.out() + pulled.err()).contains("K\\\\u{1b}=\"" + "v".repeat(200) + "\"... (100 more bytes)"),
                    pulled.toString());
        }
    }

    /** {{Count}} in a -H value is the message's number, as in --msg-id: numbered IDs are not dropped as duplicates. */
    @Test
    void countInAHeaderValueIsTheMessagesNumber() throws Exception {
        bootstrap();
        Run.Result bulk = ok(script("JsPub", "--count", "3", "-H", "Nats-Msg-Id:hid-{{Count}}", "-H", "Trace:t{{Count}}",
                "m{{Count}}").go());
        assertTrue(bulk.out().startsWith("INFO published 3 messages to stream LAB4_STREAM (seq 1-3)"), bulk.out());
        ok(script("JsPub", "-H", "Nats-Msg-Id:line-{{Count}}").stdin("a\nb\n").go());
        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"m1\" headers: Trace=\"t1\"; Nats-Msg-Id=\"hid-1\"",
                        "INFO pulled message: \"m2\" headers: Trace=\"t2\"; Nats-Msg-Id=\"hid-2\"",
                        "INFO pulled message: \"m3\" headers: Trace=\"t3\"; Nats-Msg-Id=\"hid-3\"",
                        "INFO pulled message: \"a\" headers: Nats-Msg-Id=\"line-1\"",
                        "INFO pulled message: \"b\" headers: Nats-Msg-Id=\"line-2\""),
                pulled.outLines().stream().filter(line -> line.startsWith("INFO pulled")).toList());
    }

    @Test
    void aHeaderThatIsNotKeyColonValueIsOneLine() throws Exception {
        Run.Result bad = script("JsPub", "-H", "no-colon", "hi").go();
        assertEquals(Exit.USAGE, bad.exit(), bad.toString());
        assertEquals("ERROR flag -H: \"no-colon\" is not valid: it must be KEY:VALUE, like -H Trace-Id:abc (a key of letters, digits and "
                + "- _ .)\n",
                bad.err());
        Run.Result twice = script("JsPub", "--msg-id", "a", "-H", "Nats-Msg-Id:b", "hi").go();
        assertEquals(Exit.USAGE, twice.exit(), twice.toString());
    }

    /** Spaces around a key or value go; a control character at either end is refused as one in the middle is, never dropped. */
    @Test
    void aControlCharacterAtAValuesEndIsRefusedNotDropped() throws Exception {
        for (String value : List.of("\u001b[2J", "order-9\u001b", "\u0007")) {
            Run.Result bad = script("JsPub", "-H", "K:" + value, "hi").go();
            assertEquals(Exit.USAGE, bad.exit(), bad.toString());
            assertEquals("ERROR -H K: " + Output.quoted(value) + " is not valid: a header value must be printable ASCII on one line "
                    + "(no accents, emoji or line breaks)\n", bad.err());
        }
        bootstrap();
        ok(script("JsPub", "-H", " Trace-Id :\t abc ", "hi").go());
        Run.Result pulled = ok(script("JsPull", "--max", "1").go());
        assertEquals("INFO pulled message: \"hi\" headers: Trace-Id=\"abc\"", pulled.outLines().get(0));
    }

    /**
     * Each header the server reads on a publish is read only in its exact spelling, and only its first
     * value: the exact one takes effect (a guard that does not hold is refused, an ID already stored is a
     * duplicate), and another spelling or a second one is refused by js-pub before anything is sent, by
     * every way a header comes in (-H, --header, stdin lines, --core), so the guard never silently does nothing;
     * so is another header that holds one's name, which would hide it from the server.
     */
    @Test
    void everyHeaderTheServerReadsIsRefusedInAnotherSpellingOrTwice() throws Exception {
        server.resetToLabStream();
        ok(script("JsPub", "-H", "Nats-Msg-Id:first", "hi").go());
        Map<String, String> failing = Map.of("Nats-Msg-Id", "first", "Nats-Expected-Stream", "NOPE",
                "Nats-Expected-Last-Msg-Id", "zzz", "Nats-Expected-Last-Sequence", "999",
                "Nats-Expected-Last-Subject-Sequence", "999", "Nats-Rollup", "sub");
        assertEquals(PubMessages.SERVER_READS.keySet(), failing.keySet());
        boolean lower = true;
        for (Map.Entry<String, String> header : failing.entrySet()) {
            String name = header.getKey();
            Run.Result exact = script("JsPub", "-H", name + ":" + header.getValue(), "x").go();
            assertEquals(name.equals("Nats-Msg-Id") ? Exit.OK : Exit.FAILED, exact.exit(), exact.toString()); // read: it took effect
            String other = lower ? name.toLowerCase(Locale.ROOT) : name.toUpperCase(Locale.ROOT);
            lower = !lower;
            Run.Result spelt = script("JsPub", "--header", other + ":" + header.getValue(), "x").go();
            assertEquals(Exit.USAGE, spelt.exit(), spelt.toString());
            assertEquals("ERROR -H " + other + ": the server reads only the exact header name " + name + ", so this would be "
                    + "an ordinary header: write -H " + name + ":" + header.getValue() + (name.equals("Nats-Msg-Id") ? " (or --msg-id)" : "")
                    + "\n", spelt.err());
            Run.Result twice = script("JsPub", "-H", name + ":" + header.getValue(), "-H", name + ":" + header.getValue() + "2", "x").go();
            assertEquals("ERROR -H " + name + " is given twice (\"" + header.getValue() + "\" and \"" + header.getValue() + "2\"): the "
                    + "server reads only the first, so give it once\n", twice.err());
            assertEquals(Exit.USAGE, twice.exit(), twice.toString());
        }
        for (Run lines : List.of(script("JsPub", "-H", "nats-expected-stream:NOPE").stdin("a\nb\n"),
                script("JsPub", "--core", "-H", "NATS-EXPECTED-LAST-SEQUENCE:999", "x"),
                script("JsPub", "--count", "2", "-H", "Nats-Rollup:sub", "-H", "Nats-Rollup:all"),
                // the server looks a header up where its name first appears: held in another header, it hides the real one
                script("JsPub", "-H", "X-Nats-Msg-Id:v", "-H", "Nats-Msg-Id:first", "x"),
                script("JsPub", "-H", "Trace:see Nats-Expected-Stream", "-H", "Nats-Expected-Stream:NOPE", "x"),
                script("JsPub", "--msg-id", "Nats-Rollup-{{Count}}", "-H", "Nats-Rollup:sub", "x"))) {
            Run.Result refused = lines.go();
            assertEquals(Exit.USAGE, refused.exit(), refused.toString());
        }
        try (Connection nc = connect()) {
            assertEquals(1, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    @Test
    void jPrintsEachPubAckAsJsonAndNothingElse() throws Exception {
        bootstrap();
        Run.Result json = ok(script("JsPub", "-j").stdin("one\ntwo\n").go());
        assertEquals(List.of("{\"stream\":\"LAB4_STREAM\",\"seq\":1}", "{\"stream\":\"LAB4_STREAM\",\"seq\":2}"),
                json.outLines());
        Run.Result bulk = script("JsPub", "-j", "--count", "3").go();
        assertEquals(Exit.USAGE, bulk.exit(), bulk.toString());
    }

    @Test
    void rawPrintsTheBodiesByteForByteAndAcksThem() throws Exception {
        bootstrap();
        byte[] binary = {(byte) 0xff, 'a', 0, 'b'};
        Path file = Scratch.dir().resolve("binary.bin");
        Files.write(file, binary);
        ok(script("JsPub", "--file", file.toString()).go());
        publish("text");
        Path out = Scratch.dir().resolve("raw.out");
        Run.Result raw = ok(Run.command("bash", "-c", script("JsPull", "--raw", "--wait", "1").shellLine() + " > '" + out + "'")
                .in(Scratch.dir()).server(server).go());
        byte[] expected = {(byte) 0xff, 'a', 0, 'b', '\n', 't', 'e', 'x', 't', '\n'};
        assertArrayEquals(expected, Files.readAllBytes(out));
        assertTrue(raw.err().contains("INFO done: 2 messages pulled and acked"), raw.err());
        assertEquals(0, server.labConsumer().getNumPending() + server.labConsumer().getNumAckPending());
        Run.Result both = script("JsPull", "--raw", "--quiet").go();
        assertEquals(Exit.USAGE, both.exit(), both.toString());
    }
}
