// Nothing acked that nobody saw: when stdout fails (a reader that went away, a full disk) js-pull
// stops before acking the message whose line did not get out, says how many were printed and
// acked, and exits 6; the server's consumer agrees. Real pipes through bash, and /dev/full.

import io.nats.client.api.ConsumerInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StdoutTest extends WithServer {
    private static final Pattern STOPPED = Pattern.compile(
            "ERROR stdout could not be written \\((Broken pipe|No space left on device)\\), so the run stopped: "
                    + "(\\d+) messages? (printed|pulled) and (acked|not acked|nak'd).*");

    /**
     * `js-pull | head -1`: only what head took is acked, exactly one. Under load `head` may not have run
     * yet when the next lines are written, and the pipe takes them all the same; here head starts only
     * 2 s after the first delivery, so it always happens, and js-pull waits for it. With --batch,
     * head's one read takes what the pipe holds: at most one batch.
     */
    @Test
    void aLateHeadOneStillGetsExactlyOneAcked() throws Exception {
        bootstrapWith(20);
        Run.Result result = pipedToLateReader("JsPull --wait 1", "head -1");
        assertEquals("INFO pulled message: \"message 1\"\n", result.out());
        assertEquals(1, stoppedAfter(result, "Broken pipe"), result.toString());
        assertServerAcked(1, 20);

        bootstrapWith(20);
        Run.Result batch = pipedToLateReader("JsPull --wait 1 --batch 5", "head -1");
        long acked = stoppedAfter(batch, "Broken pipe");
        assertTrue(acked >= 1 && acked <= 5, batch.toString());
        assertServerAcked(acked, 20);
        assertHeldAsServerSays(batch);
    }

    /**
     * The reader takes one read of the pipe and leaves, but its shell holds the pipe a moment longer:
     * js-pull's next lines still go into the pipe, and only a later write fails. Acked are exactly
     * the lines that one read took (the reader's output is that read), however the timing falls.
     */
    @Test
    void aReaderThatTookOneReadGetsExactlyThoseLinesAcked() throws Exception {
        for (String mode : new String[] {"--batch 5", "--batch 5 --raw", "", "--raw"}) {
            bootstrapWith(20);
            Run.Result result = pipedToLateReader(("JsPull --wait 1 --work-ms 300 " + mode).trim(),
                    "dd bs=64k count=1 status=none; sleep 0.5");
            long read = result.out().chars().filter(c -> c == '\n').count(); // a --raw body may come before its newline
            assertEquals(read, stoppedAfter(result, "Broken pipe"), mode + ": " + result);
            assertServerAcked(read, 20);
            assertHeldAsServerSays(result);
        }
    }

    /** js-pull into a reader that starts reading 2 s after the server delivered the first message. */
    private static Run.Result pipedToLateReader(String pull, String reader) throws Exception {
        Path folder = Scratch.dir();
        Path go = folder.resolve("go");
        String line = script(pull.split(" ")[0], pull.substring(pull.indexOf(' ') + 1).trim().split("\\s+")).shellLine();
        Run.Started run = Run.command("bash", "-c", "set -o pipefail; " + line
                + " | { while [ ! -e go ]; do sleep 0.05; done; " + reader + "; }").in(folder).server(server).timeout(120).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (server.labConsumer().getDelivered().getStreamSequence() < 1) {
            assertTrue(System.nanoTime() < deadline, "js-pull never got a message");
            Thread.sleep(20);
        }
        Thread.sleep(2000);
        Files.writeString(go, "");
        return run.finish();
    }

    /** Where JNA cannot load (no unpacking, no system copy), the pipe is not checked: one warning, and the run goes on. */
    @Test
    void withoutJnaAPipedRunWarnsOnceAndEndsWithItsLastLine() throws Exception {
        bootstrapWith(3);
        String line = script("JsPull", "--wait", "1").shellLine();
        Run.Result result = Run.command("bash", "-c", "set -o pipefail; " + line + " | cat").in(Scratch.dir())
                .server(server).env("JDK_JAVA_OPTIONS", "-Djna.nosys=true -Djna.nounpack=true").timeout(120).go();
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().endsWith("INFO acked\nINFO done: 3 messages pulled and acked; none arrived in the last 1s\n"),
                result.toString());
        List<String> err = result.err().lines().filter(l -> !l.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")).toList();
        assertEquals(1, err.size(), result.toString());
        assertTrue(err.get(0).startsWith("WARN cannot check that the pipe's reader took each line (JNA did not load: "),
                result.toString());
        assertServerAcked(3, 3);
    }

    /**
     * A reader gone before the first line (`| true`): nothing acked, through the durable consumer or an ephemeral
     * one (which has no acks to keep, and says so); both runs in one JVM whose stdout is that closed pipe (OneJvm),
     * each run as its own process would be.
     */
    @Test
    void aReaderGoneBeforeTheFirstLineGetsNothingAckedDurableOrEphemeral() throws Exception {
        bootstrapWith(5);
        List<List<String>> runs = List.of(List.of("JsPull", "--wait", "1"), List.of("JsPull", "--wait", "1", "--ephemeral"));
        List<Run.Result> results = OneJvm.results(OneJvm.withStdoutAsIs(runs, "| true").in(Scratch.dir()).server(server).go());
        assertEquals(runs.size(), results.size(), results.toString());
        assertEquals(0, stoppedAfter(results.get(0), "Broken pipe"), results.get(0).toString());
        assertServerAcked(0, 5);
        Run.Result ephemeral = results.get(1);
        assertEquals(Exit.OUTPUT, ephemeral.exit(), ephemeral.toString());
        assertEquals("ERROR stdout could not be written (Broken pipe), so the run stopped: 0 messages printed (no acks: "
                + "the durable consumer did not move)\n", ephemeral.err());
    }

    /**
     * A run that changes something and whose stdout failed before it could say so: its one error line says
     * what it did (the stream and the consumer exist), not only that the output is incomplete.
     */
    @Test
    void aRunThatCouldNotPrintWhatItDidSaysItInItsErrorLine() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
        List<List<String>> runs = List.of(List.of("JsBootstrap", "--stream", "FULL_BOOT", "--subject", "full.boot", "--consumer",
                "FULL_READER"));
        Run.Result result = OneJvm.results(OneJvm.withStdoutAsIs(runs, "> /dev/full").in(Scratch.dir()).server(server).go()).get(0);
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertTrue(result.err().matches("ERROR stdout could not be written \\(No space left on device\\): the output above is "
                + "incomplete, so this went to stderr: created stream FULL_BOOT \\(subjects: full\\.boot, .*\\); created consumer "
                + "FULL_READER \\(durable pull, .*\\)\n"), result.err());
        try (io.nats.client.Connection nc = connect()) {
            assertEquals("FULL_READER", nc.jetStreamManagement().getConsumerInfo("FULL_BOOT", "FULL_READER").getName());
        }
    }

    /**
     * Each mode pulls through a durable consumer of its own (the lab's, and one more per mode, each with the same
     * five messages to deliver), all in one JVM whose stdout is /dev/full (OneJvm), each run as its own process would be.
     */
    @Test
    void aFullDiskGetsNothingAckedInAnyMode() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
        String[] modes = {"", "--batch 3", "--work-ms 1", "--no-ack", "--nak", "--raw"};
        bootstrapWith(5);
        List<String> consumers = new java.util.ArrayList<>();
        List<List<String>> runs = new java.util.ArrayList<>();
        try (io.nats.client.Connection nc = connect()) {
            for (String mode : modes) {
                String consumer = consumers.isEmpty() ? "LAB4_CONSUMER" : "FULL_" + consumers.size();
                if (!consumers.isEmpty()) {
                    nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", io.nats.client.api.ConsumerConfiguration.builder()
                            .durable(consumer).ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
                }
                consumers.add(consumer);
                List<String> run = new java.util.ArrayList<>(List.of("JsPull", "--wait", "1", "--consumer", consumer));
                run.addAll(mode.isEmpty() ? List.of() : List.of(mode.split(" ")));
                runs.add(run);
            }
        }
        List<Run.Result> results = OneJvm.results(OneJvm.withStdoutAsIs(runs, "> /dev/full").in(Scratch.dir()).server(server).go());
        assertEquals(modes.length, results.size(), results.toString());
        try (io.nats.client.Connection nc = connect()) {
            for (int i = 0; i < modes.length; i++) {
                assertEquals(0, stoppedAfter(results.get(i), "No space left on device"), modes[i] + ": " + results.get(i));
                ConsumerInfo consumer = nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", consumers.get(i));
                assertEquals(0, consumer.getAckFloor().getStreamSequence(), modes[i] + ": nothing acked");
                assertTrue(consumer.getNumPending() + consumer.getNumAckPending() == 5, modes[i] + ": all five come back (pending "
                        + consumer.getNumPending() + ", ack pending " + consumer.getNumAckPending() + ", redelivered "
                        + consumer.getRedelivered() + ")");
            }
        }
    }

    @Test
    void batchesAckOnlyTheLinesThatGotOut() throws Exception {
        bootstrapWith(20_000); // far more than a pipe holds, so head's exit is met mid-run
        Run.Result result = piped("JsPull --wait 1 --batch 500", "head -1");
        long acked = stoppedAfter(result, "Broken pipe");
        assertTrue(acked < 20_000, result.toString());
        assertServerAcked(acked, 20_000);
        assertHeldAsServerSays(result);
    }

    /** Asked ahead, then the reader goes: the last line counts the batch asked ahead too (delivered, never shown). */
    @Test
    void theLastLineCountsWhatWasAskedForAheadWhenTheReaderGoes() throws Exception {
        for (String reader : new String[] {"head -1", "head -3"}) {
            bootstrapWith(40);
            Run.Result result = piped("JsPull --wait 1 --batch 5", reader);
            long acked = stoppedAfter(result, "Broken pipe");
            assertServerAcked(acked, 40);
            assertHeldAsServerSays(result);
        }
    }

    /** With the next batch asked for ahead, a reader gone mid-run still gets exactly what got out acked, and the rest comes back. */
    @Test
    void batchesAskedForAheadAckOnlyTheLinesThatGotOut() throws Exception {
        bootstrapWith(1000);
        Run.Result result = piped("JsPull --wait 1 --count 1000 --batch 100", "head -c 20000");
        long acked = stoppedAfter(result, "Broken pipe");
        assertTrue(acked < 1000, result.toString());
        assertServerAcked(acked, 1000);
    }

    /** --raw prints the bodies alone and no line per ack: still only the bodies that got out are acked (a full disk: above). */
    @Test
    void rawAcksOnlyTheBodiesThatGotOut() throws Exception {
        bootstrapWith(50);
        Run.Result head = piped("JsPull --wait 1 --raw", "head -1");
        assertEquals("message 1\n", head.out(), "the body alone");
        assertEquals(1, stoppedAfter(head, "Broken pipe"), head.toString());
        assertServerAcked(1, 50);
    }

    @Test
    void quietAcksWhatItPulledAndPutsItsSummaryOnStderrWhenStdoutFails() throws Exception {
        // --quiet prints no message, so none waits for stdout; the summary is all it has to say,
        // and it goes to stderr instead, with exit 6.
        bootstrapWith(5);
        // --wait 5: on a loaded machine a 1 s wait could end before the last of the five came
        Run.Result result = piped("JsPull --wait 5 --quiet", null);
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertTrue(result.err().startsWith("ERROR stdout could not be written (No space left on device), so this went "
                + "to stderr: done: 5 messages pulled and acked in batches of 1 (none arrived in the last 5s): "), result.err());
        assertServerAcked(5, 5);
    }

    @Test
    void stdinLinesStopAtTheFirstLineThatCannotBeReported() throws Exception {
        bootstrap();
        Run.Result result = Run.command("bash", "-c", script("JsPub").shellLine() + " > /dev/full").in(Scratch.dir())
                .server(server).stdin("one\ntwo\nthree\n").go();
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertEquals("ERROR stdout could not be written (No space left on device), so the run stopped: 1 message "
                + "confirmed by a PubAck; the rest of stdin was not sent\n", result.err());
        assertEquals(java.util.List.of("one"), StoredMessages.in(server), "stored, and said so: nothing after it sent");
    }

    /** js-pull (with these flags) with stdout into `| reader`, or into /dev/full when reader is null. */
    private static Run.Result piped(String pull, String reader) throws Exception {
        String line = script(pull.split(" ")[0], pull.substring(pull.indexOf(' ') + 1).trim().split("\\s+")).shellLine();
        String shell = reader == null ? line + " > /dev/full" : "set -o pipefail; " + line + " | " + reader;
        return Run.command("bash", "-c", shell).in(Scratch.dir()).server(server).timeout(120).go();
    }

    /**
     * js-info changes nothing: a reader that closes the pipe before it writes (`| true`, as `| head -1`
     * after one line) ends it quietly with exit 0, its JSON too; a full disk is still exit 6. --list as a
     * process of its own (the JVM's exit code, and nothing it adds on its way out); --json and --stream in
     * one JVM whose stdout is such a pipe, each run as its own process would be (OneJvm).
     */
    @Test
    void aReadOnlyCommandEndsQuietlyWhenItsReaderLeaves() throws Exception {
        server.resetToLabStream();
        Run.Result list = piped("JsInfo --list", "true");
        assertEquals(0, list.exit(), list.toString());
        assertEquals("", list.err(), list.toString());
        List<List<String>> runs = List.of(List.of("JsInfo", "--json"), List.of("JsInfo", "--stream", "LAB4_STREAM"));
        List<Run.Result> closed = OneJvm.results(OneJvm.withStdoutAsIs(runs, "| true").in(Scratch.dir()).server(server).go());
        assertEquals(runs.size(), closed.size(), closed.toString());
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(0, closed.get(i).exit(), runs.get(i) + ": " + closed.get(i));
            assertEquals("", closed.get(i).err(), runs.get(i) + ": " + closed.get(i));
        }
        Run.Result full = piped("JsInfo --stream LAB4_STREAM", null);
        assertEquals(Exit.OUTPUT, full.exit(), full.toString());
        assertTrue(full.err().startsWith("ERROR stdout could not be written (No space left on device)"), full.toString());
    }

    /**
     * --help and --version only print: every script ends quietly, exit 0, when the reader has gone (`| head -1`).
     * JsPub --help as a process of its own (the JVM's exit code, and nothing it adds on its way out); every other
     * run in one JVM whose stdout is such a pipe, each run as its own process would be (OneJvm).
     */
    @Test
    void helpAndVersionEndQuietlyWhenTheReaderLeaves() throws Exception {
        List<String> scripts;
        try (var files = Files.list(Run.REPO.resolve("scripts"))) {
            scripts = files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".java"))
                    .map(name -> name.substring(0, name.length() - ".java".length())).sorted().toList();
        }
        assertTrue(scripts.size() >= 10 && scripts.contains("JsPub"), scripts.toString());
        List<List<String>> runs = new java.util.ArrayList<>();
        for (String name : scripts) {
            for (String flag : List.of("--version", "--help")) {
                if (name.equals("JsPub") && flag.equals("--help")) {
                    Run.Result closed = piped(name + " " + flag, "true");
                    assertEquals(0, closed.exit(), name + " " + flag + ": " + closed);
                    assertEquals("", closed.err(), name + " " + flag + ": " + closed);
                } else {
                    runs.add(List.of(name, flag));
                }
            }
        }
        List<Run.Result> results = OneJvm.results(OneJvm.withStdoutAsIs(runs, "| true").in(Scratch.dir()).server(server).go());
        assertEquals(runs.size(), results.size(), results.toString());
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(0, results.get(i).exit(), runs.get(i) + ": " + results.get(i));
            assertEquals("", results.get(i).err(), runs.get(i) + ": " + results.get(i));
        }
    }

    /** The count of the "stopped" line, after checking it is the only line on stderr and the exit code is 6. */
    private static long stoppedAfter(Run.Result result, String why) {
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertEquals(1, result.err().lines().count(), "one line on stderr: " + result);
        Matcher m = STOPPED.matcher(result.err().strip());
        assertTrue(m.matches() && m.group(1).equals(why), result.toString());
        return Long.parseLong(m.group(2));
    }

    private static void assertServerAcked(long acked, long total) throws Exception {
        ConsumerInfo consumer = server.labConsumer();
        assertEquals(acked, consumer.getAckFloor().getStreamSequence(), "the server has exactly the acks reported");
        assertEquals(total - acked, consumer.getNumPending() + consumer.getNumAckPending(),
                "everything not acked stays for (re)delivery");
    }

    private static final Pattern PRINTED_NOT_ACKED = Pattern.compile("; (\\d+) printed but not acked");
    private static final Pattern NOT_SHOWN = Pattern.compile("[;d] (\\d+) delivered but not shown");

    /** The last line's "printed but not acked" and "delivered but not shown" add up to the server's ack pending. */
    private static void assertHeldAsServerSays(Run.Result result) throws Exception {
        long held = 0;
        for (Pattern part : new Pattern[] {PRINTED_NOT_ACKED, NOT_SHOWN}) {
            Matcher m = part.matcher(result.err());
            held += m.find() ? Long.parseLong(m.group(1)) : 0;
        }
        assertEquals(server.labConsumer().getNumAckPending(), held, "held by the run, as the server says: " + result);
    }

    private static void bootstrapWith(int messages) throws Exception {
        server.resetToLabStream();
        ok(script("JsPub", "--count", String.valueOf(messages)).go());
    }
}
