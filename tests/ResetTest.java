// Starting over and looking around: js-purge --delete / --delete-consumer (asking first, as natscli
// does), js-info --list, -j on the scripts that print the server's answer, and make reset, after
// which the lab's sequence numbers start again at 1.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResetTest extends WithServer {
    @Test
    void deleteNeedsForceWithoutATerminalAndThenDeletesStreamAndConsumer() throws Exception {
        bootstrap();
        publish("one", "two");
        Run.Result refused = script("JsPurge", "--delete").go();
        assertEquals(Exit.USAGE, refused.exit(), refused.toString());
        assertEquals("ERROR deleting stream LAB4_STREAM with 2 messages and 1 consumer needs a yes, and there is no "
                + "terminal to ask on: add --force\n", refused.err());
        assertEquals(List.of("LAB4_STREAM"), streamNames(), "nothing deleted without --force");

        Run.Result dry = ok(script("JsPurge", "--delete", "--dry-run").go());
        assertEquals("INFO dry run: would delete stream LAB4_STREAM with 2 messages and 1 consumer; nothing was removed\n",
                dry.out());

        Run.Result deleted = ok(script("JsPurge", "--delete", "--force").go());
        assertEquals("INFO deleted stream LAB4_STREAM, which held 2 messages and 1 consumer just before "
                + "(js-bootstrap creates them again, from seq 1)\n", deleted.out());
        assertEquals(List.of(), streamNames());

        Run.Result again = script("JsPurge", "--delete", "-f").go();
        assertEquals(Exit.NOT_FOUND, again.exit(), again.toString());
    }

    @Test
    void deleteConsumerKeepsTheStreamAndItsMessages() throws Exception {
        bootstrap();
        publish("kept");
        Run.Result deleted = ok(script("JsPurge", "--delete-consumer", "-f").go());
        assertEquals("INFO deleted consumer LAB4_CONSUMER of stream LAB4_STREAM\n", deleted.out());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(1, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
            assertEquals(List.of(), jsm.getConsumerNames("LAB4_STREAM"));
        }
        Run.Result missing = script("JsPurge", "--delete-consumer", "-f").go();
        assertEquals(Exit.NOT_FOUND, missing.exit(), missing.toString());
        assertEquals("ERROR consumer LAB4_CONSUMER not found on stream LAB4_STREAM: nothing to delete\n", missing.err());
    }

    @Test
    void deleteTakesNoPurgeFilters() throws Exception {
        Run.Result both = script("JsPurge", "--delete", "--keep", "1", "-f").go();
        assertEquals(Exit.USAGE, both.exit(), both.toString());
        assertTrue(both.err().startsWith("ERROR --delete removes everything it names"), both.err());
        Run.Result two = script("JsPurge", "--delete", "--delete-consumer", "-f").go();
        assertEquals(Exit.USAGE, two.exit(), two.toString());
    }

    /** An option the run would not use is refused with one line, not silently dropped. */
    @Test
    void optionsThatWouldBeIgnoredAreRefused() throws Exception {
        java.util.Map<List<String>, String> cases = java.util.Map.of(
                List.of("JsPurge", "--force"), "ERROR --force goes with --delete or --delete-consumer: a purge never asks",
                List.of("JsInfo", "--list", "--stream", "NOPE"),
                "ERROR --list shows every stream and consumer: leave out --stream and --consumer",
                List.of("JsPub", "--sync", "hi"),
                "ERROR --sync goes with --count: a single message (or stdin line) always waits for its PubAck",
                List.of("JsPub", "--msg-id", "", "x"),
                "ERROR flag --msg-id: \"\" is not valid: it must be an ID, like --msg-id order-7 (or leave the flag out)");
        for (var each : cases.entrySet()) {
            List<String> command = each.getKey();
            Run.Result result = script(command.get(0), command.subList(1, command.size()).toArray(String[]::new)).go();
            assertEquals(Exit.USAGE, result.exit(), result.toString());
            assertEquals(each.getValue() + "\n", result.err(), result.toString());
            assertEquals("", result.out(), result.toString());
        }
    }

    @Test
    void listShowsEveryStreamWithItsConsumersAndCounts() throws Exception {
        bootstrap();
        publish("a", "b", "c");
        ok(script("JsPull", "--max", "1").go());
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("OTHER").subjects("other.>").build());
        }
        Run.Result list = ok(script("JsInfo", "--list").go());
        assertEquals(List.of("2 streams at " + server.url(),
                "  LAB4_STREAM: 3 messages (" + bytes("LAB4_STREAM") + " bytes), subjects lab4.stream",
                "    consumer LAB4_CONSUMER: 2 pending, 0 waiting for an ack, 0 redelivered",
                "  OTHER: 0 messages (0 bytes), subjects other.>"), sorted(list.outLines()));
        Run.Result json = ok(script("JsInfo", "--list", "-j").go());
        assertTrue(json.out().startsWith("[{\"stream\":{"), json.out());
        assertTrue(json.out().contains("\"consumers\":[{"), json.out());
    }

    /** js-bootstrap -j: the JSON alone on stdout (so `| jq` reads it), what was done on stderr. */
    @Test
    void bootstrapPrintsTheResultAsJsonAndWhatItDidOnStderr() throws Exception {
        Run.Result created = ok(script("JsBootstrap", "-j").go());
        assertTrue(created.out().startsWith("{\"stream\":{") && created.out().endsWith("}\n"), created.out());
        assertEquals(1, created.outLines().size(), created.out());
        assertTrue(created.out().contains("\"name\":\"LAB4_STREAM\""), created.out());
        assertTrue(created.out().contains("\"durable_name\":\"LAB4_CONSUMER\""), created.out());
        assertTrue(created.err().contains("INFO created stream LAB4_STREAM"), created.err());
        Run.Result again = ok(script("JsBootstrap", "--json").go());
        assertTrue(again.err().contains("INFO consumer LAB4_CONSUMER already exists, unchanged"), again.err());
        assertTrue(again.out().startsWith("{\"stream\":{"), again.out());
    }

    @Test
    void purgeAndInfoPrintTheServersAnswerWithJ() throws Exception {
        bootstrap();
        publish("a", "b");
        Run.Result info = ok(script("JsInfo", "-j").go());
        assertTrue(info.out().startsWith("{\"stream\":{"), info.out());
        Run.Result dry = ok(script("JsPurge", "--dry-run", "-j").go());
        assertEquals("{\"dry_run\":true,\"would_purge\":2}\n", dry.out());
        Run.Result purged = ok(script("JsPurge", "--json").go());
        assertTrue(purged.out().contains("\"purged\":2"), purged.out());
        assertTrue(purged.out().contains("\"success\":true"), purged.out());
    }

    /** make reset goes back to before the lesson's first step: its bootstrap then prints "created", as the README shows. */
    @Test
    void makeResetStartsTheLabAgainAtSequenceOne() throws Exception {
        String startOver = "INFO the lab is back at its start: run js-bootstrap (make run BIN=js-bootstrap) to create "
                + "the stream and consumer";
        Run.Result fresh = ok(Run.command("make", "reset").server(server).go());
        assertEquals(List.of("INFO nothing to delete: no stream yet", startOver), infoLines(fresh), fresh.out());
        bootstrap();
        publish("one", "two");
        Run.Result reset = ok(Run.command("make", "reset").server(server).go());
        assertEquals(List.of("INFO deleted stream LAB4_STREAM, which held 2 messages and 1 consumer just "
                + "before (js-bootstrap creates them again, from seq 1)", startOver), infoLines(reset));
        Run.Result again = ok(Run.command("make", "run", "BIN=js-bootstrap").server(server).go());
        assertEquals(List.of("INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file)",
                "INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s)"), infoLines(again));
        assertEquals("INFO published \"first\" to stream LAB4_STREAM (seq 1)\n", publish("first").out());
    }

    @Test
    void deleteJsonSaysWhatWentInFields() throws Exception {
        bootstrap();
        publish("x");
        Run.Result dry = ok(script("JsPurge", "--delete", "--dry-run", "-j").go());
        assertEquals("{\"dry_run\":true,\"stream\":\"LAB4_STREAM\",\"messages\":1,\"consumers\":1}\n", dry.out());
        Run.Result gone = ok(script("JsPurge", "--delete-consumer", "-f", "-j").go());
        assertEquals("{\"deleted\":true,\"stream\":\"LAB4_STREAM\",\"consumer\":\"LAB4_CONSUMER\"}\n", gone.out());
    }

    /** What the scripts said, without make's and lab-server's own lines. */
    private static List<String> infoLines(Run.Result result) {
        return result.outLines().stream().filter(line -> line.startsWith("INFO")).toList();
    }

    private static List<String> streamNames() throws Exception {
        try (Connection nc = connect()) {
            return nc.jetStreamManagement().getStreamNames();
        }
    }

    private static long bytes(String stream) throws Exception {
        try (Connection nc = connect()) {
            return nc.jetStreamManagement().getStreamInfo(stream).getStreamState().getByteCount();
        }
    }

    /** The server lists streams in no promised order: stream blocks sorted by name, each with its consumers. */
    private static List<String> sorted(List<String> lines) {
        List<String> header = lines.subList(0, 1);
        List<List<String>> blocks = new java.util.ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("  ") && !line.startsWith("    ")) {
                blocks.add(new java.util.ArrayList<>());
            }
            blocks.get(blocks.size() - 1).add(line);
        }
        blocks.sort(java.util.Comparator.comparing(block -> block.get(0)));
        List<String> out = new java.util.ArrayList<>(header);
        blocks.forEach(out::addAll);
        assertTrue(header.get(0).matches("\\d+ streams? at .*"), "js-info --list starts with its count: " + lines);
        return out;
    }
}
