// A run cut short by Ctrl-C (SIGINT) or SIGTERM still says what it did, and the server agrees:
// js-pub its confirmed / refused / unanswered / never sent counts, js-pull what it printed and
// acked. Real signals to the script's own JVM (SIGINT at its default, also when the tests run in
// the background); exit 130 and 143.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalTest extends WithServer {
    private static final Pattern PUB_SUMMARY = Pattern.compile("ERROR interrupted: only (\\d+) of 2000000 messages "
            + "confirmed by a PubAck \\(seq 1-(\\d+)\\); (\\d+) not: 0 refused by the server, (\\d+) sent without an "
            + "answer \\(they may or may not be stored\\), (\\d+) never sent\n");

    @Test
    void ctrlCStopsABulkPublishWithItsCounts() throws Exception {
        bulkPublishStoppedBy("INT", 130);
    }

    @Test
    void sigtermStopsABulkPublishWithItsCounts() throws Exception {
        bulkPublishStoppedBy("TERM", 143);
    }

    private void bulkPublishStoppedBy(String signal, int exitCode) throws Exception {
        bootstrap();
        Run.Started pub = script("JsPub", "--count", "2000000", "--size", "64").withSigintAtDefault().start();
        awaitStoredAtLeast(5_000);
        pub.signal(signal);
        Run.Result result = pub.finish();

        assertEquals(exitCode, result.exit(), result.toString());
        assertEquals("", result.out(), "no success line for a run cut short");
        Matcher m = PUB_SUMMARY.matcher(result.err());
        assertTrue(m.matches(), result.toString());
        long confirmed = Long.parseLong(m.group(1));
        long unanswered = Long.parseLong(m.group(4));
        assertEquals(confirmed, Long.parseLong(m.group(2)));
        assertEquals(2_000_000 - confirmed, Long.parseLong(m.group(3)));
        assertEquals(2_000_000, confirmed + unanswered + Long.parseLong(m.group(5)), "the numbers add up");
        long stored = storedCount();
        assertTrue(stored >= confirmed && stored <= confirmed + unanswered, "stored " + stored + ": " + result);
    }

    @Test
    void sigtermStopsAPullBeforeTheAckOfTheMessageInHand() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "20").go());
        Run.Started pull = script("JsPull", "--work-ms", "400", "--wait", "10").start();
        pull.awaitOut("INFO pulled message: \"message 3\"");
        pull.signal("TERM");
        Run.Result result = pull.finish();

        assertEquals(143, result.exit(), result.toString());
        Matcher m = Pattern.compile("ERROR interrupted: (\\d+) messages printed and acked(; 1 printed but not acked: it "
                + "comes back after the ack wait \\(30s\\))?\n").matcher(result.err());
        assertTrue(m.matches(), result.toString());
        assertEquals(Long.parseLong(m.group(1)), server.labConsumer().getAckFloor().getStreamSequence(),
                "the server has exactly the acks reported");
    }

    @Test
    void ctrlCStopsABatchPullAndAcksWhatItHandled() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3000").go());
        Run.Started pull = script("JsPull", "--work-ms", "2", "--batch", "100", "--quiet", "--wait", "10")
                .withSigintAtDefault().start();
        awaitAckedAtLeast(200);
        pull.signal("INT");
        Run.Result result = pull.finish();

        assertEquals(130, result.exit(), result.toString());
        Matcher m = Pattern.compile("ERROR interrupted: (\\d+) messages pulled and acked.*\n").matcher(result.err());
        assertTrue(m.matches(), result.toString());
        long acked = Long.parseLong(m.group(1));
        assertTrue(acked < 3000, result.toString());
        assertEquals(acked, server.labConsumer().getAckFloor().getStreamSequence());
    }

    /**
     * A kill -9 of the script's JVM under bin/lab-run: the launcher ends with the JVM's status (137) and
     * adds no line of bash's own ("... Killed ...") to what the script printed.
     */
    @Test
    void aKill9OfTheJvmUnderTheLauncherAddsNoLineOfBashs() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Run.Started pull = Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-pull")
                    .env("NATS_URL", "nats://127.0.0.1:" + silent.getLocalPort()).env("NATS_TIMEOUT", "60s").timeout(300).start();
            try (java.net.Socket accepted = silent.accept()) { // the JVM is connecting
                ProcessHandle jvm = pull.pidHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                        .findFirst().orElseThrow(() -> new AssertionError("no JVM under bin/lab-run"));
                jvm.destroyForcibly();
                Run.Result result = pull.finish();
                assertEquals(137, result.exit(), result.toString());
                assertEquals("", result.err(), result.toString());
            }
        }
    }

    /**
     * Ctrl-\\ (SIGQUIT) to the script's JVM under bin/lab-run, here js-pull --raw: the JVM's thread dump goes
     * to stderr, never into stdout (which holds only bodies, maybe a pipe), and the run goes on until SIGTERM.
     */
    @Test
    void sigquitPrintsTheThreadsToStderrAndTheRunGoesOn() throws Exception {
        server.resetToLabStream();
        ok(Run.script("JsPub", "--count", "2").server(server).go());
        Run.Started pull = Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-pull", "--raw", "--wait", "60")
                .server(server).timeout(300).start();
        pull.awaitOut("message 2");
        ProcessHandle jvm = pull.pidHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM under bin/lab-run"));
        new ProcessBuilder("kill", "-QUIT", String.valueOf(jvm.pid())).inheritIO().start().waitFor();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!pull.errSoFar().contains("Full thread dump") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(jvm.isAlive(), "the run goes on after Ctrl-\\");
        pull.signal("TERM");
        Run.Result result = pull.finish();
        assertEquals(143, result.exit(), result.toString());
        assertEquals("message 1\nmessage 2\n", result.out(), result.toString());
        assertTrue(result.err().contains("Full thread dump"), result.toString());
    }

    /**
     * A signal before the connection (here while it hangs, a server that accepts and never says a word) gets
     * the early line, from every lab script: its counts say nothing yet (js-pub's --count of 200000 once
     * came out as "0 messages confirmed").
     */
    @Test
    void sigtermWhileConnectingSaysNothingWasSent() throws Exception {
        String[][] runs = {{"JsPull"}, {"JsPull", "--count", "60000", "--batch", "500"}, {"JsPub", "--count", "200000", "x"},
                {"JsPub", "x"}, {"JsInfo"}, {"JsInfo", "--watch", "1"}, {"JsBootstrap"}, {"JsPurge"}};
        for (String[] run : runs) {
            try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
                List<String> args = new java.util.ArrayList<>(List.of(run).subList(1, run.length));
                args.addAll(List.of("--server", "nats://127.0.0.1:" + silent.getLocalPort()));
                Run.Started started = Run.script(run[0], args.toArray(String[]::new)).start();
                try (java.net.Socket accepted = silent.accept()) { // the script is connecting: its options are read
                    started.signal("TERM");
                    Run.Result result = started.finish();
                    assertEquals(143, result.exit(), result.toString());
                    assertEquals("ERROR stopped (Ctrl-C or SIGTERM) before it connected: nothing was sent or changed\n",
                            result.err(), String.join(" ", run) + ": " + result);
                }
            }
        }
    }

    /**
     * js-pub --file - reads its one message from stdin once it has connected: a Ctrl-C while it waits there
     * sends nothing, and the line says so (not only "0 messages confirmed").
     */
    @Test
    void ctrlCBeforeTheOneMessageIsReadSaysItWasNotSent() throws Exception {
        bootstrap();
        Run.Started pub = script("JsPub", "--file", "-").keepStdinOpen().withSigintAtDefault().start();
        pub.await("read its stdin", () -> readsStdin(pub.pid()));
        pub.signal("INT");
        Run.Result result = pub.finish();

        assertEquals(130, result.exit(), result.toString());
        assertEquals("ERROR interrupted: 0 messages confirmed by a PubAck; the message was not sent\n", result.err());
        assertEquals(List.of(), StoredMessages.in(server));
    }

    /** Whether a thread of process `pid` waits in read(2) on its stdin (Linux: each thread's syscall in /proc). */
    private static boolean readsStdin(long pid) {
        String readOnStdin = (System.getProperty("os.arch").equals("aarch64") ? "63" : "0") + " 0x0 ";
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", String.valueOf(pid), "task"))) {
            return tasks.anyMatch(task -> {
                try {
                    return java.nio.file.Files.readString(task.resolve("syscall")).startsWith(readOnStdin);
                } catch (java.io.IOException gone) {
                    return false;
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException gone) {
            return false;
        }
    }

    @Test
    void ctrlCWhileWaitingForStdinSaysWhatWasPublished() throws Exception {
        bootstrap();
        Run.Started pub = script("JsPub").stdin("one\ntwo\n").keepStdinOpen().withSigintAtDefault().start();
        pub.awaitOut("INFO published \"two\" to stream LAB4_STREAM (seq 2)");
        pub.signal("INT");
        Run.Result result = pub.finish();

        assertEquals(130, result.exit(), result.toString());
        assertEquals("ERROR interrupted: 2 messages confirmed by a PubAck; the rest of stdin was not sent\n", result.err());
        assertEquals(List.of("one", "two"), StoredMessages.in(server));
    }

    @Test
    void aTooLongLineAfterGoodOnesSaysHowManyWereConfirmed() throws Exception {
        bootstrap();
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        byte[] good = "one\ntwo\n".getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[good.length + big.length + 1];
        System.arraycopy(good, 0, input, 0, good.length);
        System.arraycopy(big, 0, input, good.length, big.length);
        input[input.length - 1] = '\n';
        Run.Result result = script("JsPub").stdin(input).go();

        assertEquals(Exit.USAGE, result.exit(), result.toString());
        assertEquals("ERROR line 3 of stdin is over the server's max_payload of 1048576 bytes (send a large body as one "
                + "message with --file): 2 messages confirmed by a PubAck; the rest of stdin was not sent\n", result.err());
        assertEquals(List.of("one", "two"), StoredMessages.in(server));
    }

    private static long storedCount() throws Exception {
        try (Connection nc = connect()) {
            return nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount();
        }
    }

    private static void awaitStoredAtLeast(long messages) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (storedCount() < messages) {
            assertTrue(System.nanoTime() < deadline, "the publisher never got going");
            Thread.sleep(20);
        }
    }

    private static void awaitAckedAtLeast(long acked) throws Exception {
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getAckFloor().getStreamSequence() < acked) {
                assertTrue(System.nanoTime() < deadline, "the puller never got going");
                Thread.sleep(20);
            }
        }
    }
}
