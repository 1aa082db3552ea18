// No option is silently ignored: each is honoured in every mode, or the combination is refused
// with one line (those refusals are rows of the README's bad-input table); --help lists only the
// options a script uses.

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest extends WithServer {
    /**
     * The script runs inside this JVM (no JVM start in the timed span): three messages of 1 s of
     * pretended work cannot take less than 3 s; work done once per batch would take about 1 s.
     */
    @Test
    void workMsIsHonouredInBatches() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3").go());
        long start = System.nanoTime();
        Run.Result result = ok(script("JsPull", "--work-ms", "1000", "--batch", "3", "--max", "3").go());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 3, "took " + seconds + "s: --work-ms was skipped\n" + result);
        assertEquals(3, server.labConsumer().getAckFloor().getStreamSequence());
    }

    @Test
    void workMsIsHonouredWhenQuietAndEphemeral() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3").go());
        for (String mode : List.of("--quiet", "--ephemeral")) {
            long start = System.nanoTime();
            ok(script("JsPull", mode, "--work-ms", "1000", "--max", "3").go());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds >= 3, mode + " took " + seconds + "s: --work-ms was skipped");
        }
    }

    @Test
    void quietIsHonouredByTheEphemeralReader() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3").go());
        Run.Result result = ok(script("JsPull", "--ephemeral", "--quiet", "--wait", "1").go());
        assertEquals(List.of("INFO done: 3 messages read through a throw-away consumer, no acks needed; durable "
                + "consumer LAB4_CONSUMER did not move"), result.outLines());
    }

    @Test
    void subjectPicksWhatTheEphemeralReaderReads() throws Exception {
        bootstrap("--subject", "lab4.stream");
        ok(script("JsPub", "only this").go());
        Run.Result same = ok(script("JsPull", "--ephemeral", "--subject", "lab4.stream", "--wait", "1").go());
        assertEquals("INFO pulled message: \"only this\" (stream seq 1)", same.outLines().get(0));
        Run.Result other = script("JsPull", "--ephemeral", "--subject", "lab4.other", "--wait", "1").go();
        assertEquals(Exit.NOT_FOUND, other.exit(), other.toString());
        assertEquals("ERROR stream LAB4_STREAM does not capture subject lab4.other (it captures lab4.stream), so there "
                + "is nothing to read: use one of those with --subject\n", other.err());
    }

    /** Without --subject, the ephemeral reader reads all of a stream: also one that does not capture the lab's subject. */
    @Test
    void withoutSubjectTheEphemeralReaderReadsTheWholeStream() throws Exception {
        try (io.nats.client.Connection nc = connect()) {
            nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("OTHER").subjects("other.*")
                    .storageType(io.nats.client.api.StorageType.Memory).build());
            nc.jetStream().publish("other.a", "on a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            nc.jetStream().publish("other.b", "on b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Run.Result all = ok(script("JsPull", "--ephemeral", "--stream", "OTHER", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"on a\" (stream seq 1)", "INFO pulled message: \"on b\" (stream seq 2)"),
                all.outLines().subList(0, 2), all.toString());
    }

    @Test
    void msgIdCountsLinesOnStdin() throws Exception {
        bootstrap();
        ok(script("JsPub", "--msg-id", "line-{{Count}}").stdin("a\nb\n").go());
        Run.Result again = ok(script("JsPub", "--msg-id", "line-{{Count}}").stdin("a\nb\n").go());
        assertEquals(List.of(
                "INFO published \"a\" to stream LAB4_STREAM (seq 1, duplicate=true)",
                "INFO published \"b\" to stream LAB4_STREAM (seq 2, duplicate=true)",
                "INFO 2 messages confirmed by a PubAck: 0 stored, 2 duplicate=true (already stored)"), again.outLines());
    }

    @Test
    void helpListsOnlyTheOptionsAScriptUses() throws Exception {
        String pub = ok(script("JsPub", "--help").go()).out();
        for (String unused : List.of("--stream", "--wait", "--consumer")) {
            assertFalse(pub.contains(unused + "="), "js-pub --help offers " + unused);
        }
        String info = ok(script("JsInfo", "--help").go()).out();
        assertFalse(info.contains("--subject="), "js-info --help offers --subject");
        String pull = ok(script("JsPull", "--help").go()).out();
        assertTrue(pull.contains("--wait=") && pull.contains("--subject="), pull);
    }
}
