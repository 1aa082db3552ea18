// js-purge: empties the stream and says how many messages went.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.StreamState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PurgeTest extends WithServer {
    /** The lab README's claim: on 2.9.x a purge keeps the duplicate window, so the same ID right after is a duplicate. */
    @Test
    void aPurgeDoesNotResetTheDuplicateWindow() throws Exception {
        bootstrap();
        assertEquals("INFO published \"order 7\" to stream LAB4_STREAM (seq 1)\n",
                ok(script("JsPub", "--msg-id", "order-7", "order 7").go()).out());
        ok(script("JsPurge").go());
        assertEquals("INFO published \"order 7\" to stream LAB4_STREAM (seq 1, duplicate=true)\n",
                ok(script("JsPub", "--msg-id", "order-7", "order 7").go()).out());
        try (Connection nc = connect()) {
            assertEquals(0, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount(),
                    "nothing stored after the purge");
        }
    }

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
    void aPurgeWhoseLineCannotBeWrittenStillSaysWhatWentOnStderr() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
        bootstrap();
        publish("one", "two");
        Run.Result result = Run.command("bash", "-c", script("JsPurge").shellLine() + " > /dev/full")
                .in(Scratch.dir()).server(server).go();
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertEquals("ERROR stdout could not be written (No space left on device), so this went to stderr: purged 2 "
                + "messages from stream LAB4_STREAM\n", result.err());

        publish("three");
        result = Run.command("bash", "-c", script("JsPurge", "-j").shellLine() + " > /dev/full")
                .in(Scratch.dir()).server(server).go();
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertEquals("ERROR stdout could not be written (No space left on device), so the JSON answer is lost: "
                + "purged 1 message from stream LAB4_STREAM\n", result.err());

        result = Run.command("bash", "-c", script("JsPurge", "--delete", "--force").shellLine() + " > /dev/full")
                .in(Scratch.dir()).server(server).go();
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertTrue(result.err().startsWith("ERROR stdout could not be written (No space left on device), so this went "
                + "to stderr: deleted stream LAB4_STREAM"), result.toString());
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

    /** A stream with two subjects: --subject takes that subject's messages and leaves the other's, between and around them. */
    @Test
    void subjectPurgeTakesOnlyThatSubject() throws Exception {
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("LAB4_STREAM")
                    .subjects("lab4.stream", "lab4.other").storageType(StorageType.File).build());
        }
        publish("kept 1");
        ok(script("JsPub", "--subject", "lab4.other", "--count", "3", "gone {{Count}}").go());
        publish("kept 2");

        assertEquals("INFO dry run: would purge 3 messages from stream LAB4_STREAM (subject lab4.other); nothing was "
                + "removed\n", ok(script("JsPurge", "--subject", "lab4.other", "--dry-run").go()).out());
        assertEquals(Map.of("lab4.stream", 2L, "lab4.other", 3L), subjectCounts(), "a dry run removes nothing");
        assertEquals("INFO purged 3 messages from stream LAB4_STREAM (subject lab4.other)\n",
                ok(script("JsPurge", "--subject", "lab4.other").go()).out());

        assertEquals(Map.of("lab4.stream", 2L), subjectCounts());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(List.of("kept 1", "kept 2"), List.of(body(jsm, 1), body(jsm, 5)), "the other subject's messages, by sequence");
        }
    }

    /**
     * --seq past the next sequence moves the stream on to it (the server's purge up to a sequence): a warning before,
     * and the last line says where the numbering now goes on, as the server has it; a dry run warns and moves nothing.
     */
    @Test
    void aSequencePastTheEndSaysTheNumberingMovesOn() throws Exception {
        bootstrap();
        publish("one", "two");
        String warning = "WARN --seq 100 is past stream LAB4_STREAM's next sequence, 3: %s its next sequence to 100, so "
                + "3 to 99 are never used (give --seq 3 or less to keep the numbering)\n";
        Run.Result dry = ok(script("JsPurge", "--seq", "100", "--dry-run").go());
        assertEquals(String.format(warning, "a purge would move"), dry.err());
        assertEquals("INFO dry run: would purge 2 messages from stream LAB4_STREAM (below seq 100); nothing was removed\n",
                dry.out());

        Run.Result purged = ok(script("JsPurge", "--seq", "100").go());
        assertEquals(String.format(warning, "the purge moves"), purged.err());
        assertEquals("INFO purged 2 messages from stream LAB4_STREAM (below seq 100); its next sequence is now 100\n",
                purged.out());
        assertEquals("INFO published \"after\" to stream LAB4_STREAM (seq 100)\n", publish("after").out());

        Run.Result within = ok(script("JsPurge", "--seq", "101").go());
        assertEquals("", within.err(), "up to the next sequence: the numbering stays");
        assertEquals("INFO purged 1 message from stream LAB4_STREAM (below seq 101)\n", within.out());
    }

    /** A --seq the stream could not count on from, as jnats reads sequences, is refused before anything is asked. */
    @Test
    void aSeqPastWhatJavaClientsReadIsRefused() throws Exception {
        for (String seq : List.of("0", "9223372036854775807")) {
            Run.Result result = script("JsPurge", "--seq", seq).go();
            assertEquals(Exit.USAGE, result.exit(), result.toString());
            assertEquals("ERROR flag --seq: " + seq + " is not valid: it must be a stream sequence from 1 to 1000000000000000000 (the "
                    + "stream counts on from it, and a Java client reads sequences only up to 9223372036854775807)\n", result.err());
        }
    }

    /** A subject the stream does not capture is a mistake, not "would purge 0", with --dry-run too (the README's table shows the run without). */
    @Test
    void aSubjectTheStreamDoesNotCaptureIsOneLineNotPurgedZero() throws Exception {
        bootstrap();
        publish("kept");
        Run.Result result = script("JsPurge", "--subject", "lab4.nothing", "--dry-run").go();
        assertEquals(Exit.USAGE, result.exit(), result.toString());
        assertEquals("", result.out());
        assertEquals("ERROR stream LAB4_STREAM does not capture subject lab4.nothing (its subjects: lab4.stream), so it "
                + "holds nothing on it: give one of its subjects with --subject\n", result.err());
        assertEquals(Map.of("lab4.stream", 1L), subjectCounts());
    }

    private static Map<String, Long> subjectCounts() throws Exception {
        try (Connection nc = connect()) {
            StreamState state = nc.jetStreamManagement()
                    .getStreamInfo("LAB4_STREAM", StreamInfoOptions.allSubjects()).getStreamState();
            return state.getSubjects().stream().collect(Collectors.toMap(s -> s.getName(), s -> s.getCount()));
        }
    }

    private static String body(JetStreamManagement jsm, long seq) throws Exception {
        return new String(jsm.getMessage("LAB4_STREAM", seq).getData(), StandardCharsets.UTF_8);
    }

    @Test
    void emptyStreamPurgesNothing() throws Exception {
        bootstrap();
        assertEquals("INFO purged 0 messages from stream LAB4_STREAM\n", ok(script("JsPurge").go()).out());
    }

    /**
     * The server's answer to a stream delete carries no counts, so the line says whose they are: the
     * stream's info read just before the delete.
     */
    @Test
    void deleteSaysItsCountsAreFromJustBefore() throws Exception {
        bootstrap();
        publish("one", "two", "three");
        Run.Result deleted = ok(script("JsPurge", "--delete", "--force").go());
        assertEquals("INFO deleted stream LAB4_STREAM, which held 3 messages and 1 consumer just before (js-bootstrap "
                + "creates them again, from seq 1)\n", deleted.out());
    }

    /**
     * A delete whose answer comes after the timeout (a big stream's can): asked once more, the server
     * says the stream is gone, so it was deleted, and the run says so with exit 0, not "try again".
     */
    @Test
    void aDeleteAnsweredLateIsADeleteWhenTheStreamIsGone() throws Exception {
        assertEquals("INFO deleted stream LAB4_STREAM, which held 3 messages and 1 consumer just before (js-bootstrap "
                + "creates them again, from seq 1); the server's answer came after the timeout (--timeout), and asked "
                + "again it shows it done\n", ok(answeredLate("STREAM.DELETE", "--delete", "--force")).out());
    }

    /** The same for a purge of everything: the stream's first sequence past all it held says it happened. */
    @Test
    void aPurgeAnsweredLateIsAPurgeWhenTheMessagesAreGone() throws Exception {
        assertEquals("INFO purged stream LAB4_STREAM: every message up to seq 3 is gone (it held 3 messages just "
                + "before); the server's answer came after the timeout (--timeout), and asked again it shows it done\n",
                ok(answeredLate("STREAM.PURGE")).out());
        try (Connection nc = connect()) {
            assertEquals(0, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    /** A partial purge leaves no mark to ask about: unanswered stays unknown, one line, exit 1. */
    @Test
    void aPartialPurgeAnsweredLateStaysUnknown() throws Exception {
        Run.Result purged = answeredLate("STREAM.PURGE", "--keep", "1");
        assertEquals(Exit.FAILED, purged.exit(), purged.toString());
        assertTrue(purged.err().matches("ERROR the server did not confirm the purge of stream LAB4_STREAM within the timeout, so "
                + "whether it was done is not known .*\n"), purged.toString()); // not a refusal: it may have been done
    }

    /** A consumer's delete the same way: asked again, the consumer is gone. */
    @Test
    void aConsumerDeleteAnsweredLateIsADeleteWhenTheConsumerIsGone() throws Exception {
        assertEquals("INFO deleted consumer LAB4_CONSUMER of stream LAB4_STREAM; the server's answer came after the "
                + "timeout (--timeout), and asked again it shows it done\n",
                ok(answeredLate("CONSUMER.DELETE", "--delete-consumer", "--force")).out());
    }

    /** js-purge on the lab's stream of 3 messages, the server's answer to its `request` held until it asks again. */
    private Run.Result answeredLate(String request, String... args) throws Exception {
        bootstrap();
        publish("one", "two", "three");
        try (Proxy late = Proxy.to(server).holdRepliesAfter("$JS.API." + request + ".", 1)
                .releaseWhenClientSends("$JS.API.STREAM.INFO.")) {
            return script("JsPurge", args).args("--timeout", "1s").env("NATS_URL", late.url()).go();
        }
    }
}
