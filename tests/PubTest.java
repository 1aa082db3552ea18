// js-pub: a message counts as published only once its PubAck arrives.

import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PubTest extends WithServer {
    @Test
    void jsonAnswersThatCannotBeWrittenStillSayWhatWasStored() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
        bootstrap();
        Run.Result result = Run.command("bash", "-c", script("JsPub", "-j").shellLine() + " > /dev/full")
                .in(Scratch.dir()).server(server).stdin("one\ntwo\nthree\n").go();
        assertEquals(Exit.OUTPUT, result.exit(), result.toString());
        assertEquals("ERROR stdout could not be written (No space left on device), so the JSON answer is lost: "
                + "1 message confirmed by a PubAck; the rest of stdin was not sent\n", result.err());
        assertEquals(List.of("one"), StoredMessages.in(server), "stored, and said so: nothing after it sent");
    }

    @Test
    void publishesAndReportsStreamAndSequence() throws Exception {
        bootstrap();
        Run.Result first = publish("first message");
        Run.Result second = publish("second message");
        assertEquals("INFO published \"first message\" to stream LAB4_STREAM (seq 1)\n", first.out());
        assertEquals("INFO published \"second message\" to stream LAB4_STREAM (seq 2)\n", second.out());
        assertEquals(List.of("first message", "second message"), stored(1, 2));
    }

    @Test
    void bodyIsStoredByteForByte() throws Exception {
        bootstrap();
        String tricky = "it's \"quoted\" $HOME `x` \\ ünïcødé ✓";
        Run.Result result = publish(tricky);
        assertEquals("INFO published \"it's \\\"quoted\\\" $HOME `x` \\\\ ünïcødé ✓\" to stream LAB4_STREAM (seq 1)\n",
                result.out());
        assertEquals(List.of(tricky), stored(1));
    }

    @Test
    void withoutMessagePublishesEachStdinLine() throws Exception {
        bootstrap();
        Run.Result result = ok(script("JsPub").stdin("one\ntwo words\n").go());
        assertEquals(List.of(
                "INFO published \"one\" to stream LAB4_STREAM (seq 1)",
                "INFO published \"two words\" to stream LAB4_STREAM (seq 2)",
                "INFO 2 messages published, each confirmed by a PubAck"), result.outLines());
        assertEquals(List.of("one", "two words"), stored(1, 2));
    }

    @Test
    void messageStartingWithDashesIsAMessageAfterDoubleDash() throws Exception {
        bootstrap();
        ok(script("JsPub", "--", "--not-a-flag").go());
        assertEquals(List.of("--not-a-flag"), stored(1));
    }

    @Test
    void countPublishesNumberedMessagesAndCountsOnlyPubAcks() throws Exception {
        bootstrap();
        Run.Result result = ok(script("JsPub", "--count", "3", "order {{Count}}").go());
        assertEquals("INFO published 3 messages to stream LAB4_STREAM (seq 1-3), each confirmed by a PubAck",
                result.outLines().get(0));
        assertTrue(result.outLines().get(1).matches("INFO [\\d,]+ msgs/s, [\\d.]+ MB/s in [\\d.]+s; "
                + "PubAck latency p50 [\\d.]+ ms, p90 [\\d.]+ ms, p99 [\\d.]+ ms"), result.out());
        assertEquals(List.of("order 1", "order 2", "order 3"), stored(1, 2, 3));
        assertEquals("", result.err(), "no progress line when stderr is not a terminal");
    }

    /**
     * A run that lasts over 2 s shows progress on a terminal, and only there. The run is made long
     * by a proxy that holds the PubAcks from the second message on, for as long as the test needs,
     * so it does not depend on how fast the machine publishes.
     */
    @Test
    void longRunsShowProgressOnATerminalOnly() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) to give the run a terminal");
        bootstrap();
        String run = Run.script("JsPub", "--count", "5", "--sync").shellLine();
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter(PUBLISH, 2);
             Run.Started onTerminal = Run.command("script", "-qec", run, "/dev/null").env("NATS_URL", proxy.url()).start()) {
            onTerminal.awaitOut("\r1 of 5 confirmed, "); // from 2 s in, every 0.5 s; the first PubAck is back by then
            proxy.release();
            Run.Result result = ok(onTerminal.finish());
            assertTrue(result.out().matches("(?s).*\\r1 of 5 confirmed, [\\d,]+ msgs/s, ETA \\d+s.*"), result.out());
            assertTrue(result.out().contains("INFO published 5 messages"), result.out());
        }
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter(PUBLISH, 2);
             Run.Started piped = Run.script("JsPub", "--count", "5", "--sync").env("NATS_URL", proxy.url()).start()) {
            proxy.awaitHolding(60);
            Thread.sleep(2500); // the hold began after the run's start: a terminal would have had its first line by now
            proxy.release();
            Run.Result result = ok(piped.finish());
            assertTrue(result.out().startsWith("INFO published 5 messages"), result.out());
            assertEquals("", result.err(), "no progress line when stderr is not a terminal");
        }
    }

    /**
     * --window N: at most N messages without their PubAck. Seen from the server: while a proxy
     * holds every PubAck back, the stream gets exactly N messages and no more; once they are let
     * through, the rest follow.
     */
    @Test
    void windowBoundsTheMessagesWaitingForAPubAck() throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter(PUBLISH, 1);
             Run.Started publisher = Run.script("JsPub", "--count", "20", "--window", "5").env("NATS_URL", proxy.url()).start()) {
            awaitStoredCount(5);
            Thread.sleep(500); // time for a sixth, if js-pub would send one without a PubAck back
            assertEquals(5, storedCount(), "js-pub sent more than --window 5 before any PubAck came back");
            assertTrue(publisher.running(), "js-pub waits for PubAcks");
            proxy.release();
            Run.Result result = ok(publisher.finish());
            assertEquals("INFO published 20 messages to stream LAB4_STREAM (seq 1-20), each confirmed by a PubAck",
                    result.outLines().get(0));
        }
        assertEquals(20, storedCount());
    }

    /** Without --window, the README's default: 1000 messages without their PubAck, and no more. */
    @Test
    void theWindowIsAThousandByDefault() throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter(PUBLISH, 1);
             Run.Started publisher = Run.script("JsPub", "--count", "1100", "--size", "16").env("NATS_URL", proxy.url()).start()) {
            awaitStoredCount(1000);
            Thread.sleep(500); // time for message 1001, if js-pub would send one without a PubAck back
            assertEquals(1000, storedCount(), "js-pub sent more than the default window of 1000 before any PubAck came back");
            proxy.release();
            ok(publisher.finish());
        }
        assertEquals(1100, storedCount());
    }

    @Test
    void sizeAndSyncPublishGeneratedBodiesOfThatSizeEachTime() throws Exception {
        bootstrap();
        Run.Result result = ok(script("JsPub", "--count", "20", "--size", "128", "--sync").go());
        assertEquals("INFO published 20 messages to stream LAB4_STREAM (seq 1-20), each confirmed by a PubAck",
                result.outLines().get(0));
        List<String> bodies = stored(java.util.stream.LongStream.rangeClosed(1, 20).toArray());
        for (int i = 0; i < bodies.size(); i++) {
            assertEquals(128, bodies.get(i).length(), "message " + (i + 1));
            assertTrue(bodies.get(i).matches("[a-z]{128}"), "message " + (i + 1) + ": " + bodies.get(i));
        }
    }

    @Test
    void countedMessageIdsMakeARerunAllDuplicates() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "3", "--msg-id", "order-{{Count}}").go());
        Run.Result rerun = ok(script("JsPub", "--count", "3", "--msg-id", "order-{{Count}}").go());
        assertEquals("INFO stored nothing new: all 3 messages were duplicate=true (stream LAB4_STREAM already had their "
                + "Nats-Msg-Id within its duplicate window), each confirmed by a PubAck", rerun.outLines().get(0));
        Run.Result partly = ok(script("JsPub", "--count", "5", "--msg-id", "order-{{Count}}").go());
        assertEquals("INFO published 5 messages to stream LAB4_STREAM, each confirmed by a PubAck: 2 stored (seq 4-5), 3 "
                + "duplicate=true (already stored, not stored again)", partly.outLines().get(0));
    }

    @Test
    void countWithoutAStreamSaysToBootstrap() throws Exception {
        Run.Result result = script("JsPub", "--count", "100").go();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertEquals("ERROR no stream captures subject lab4.stream: run js-bootstrap first\n", result.err());
    }

    /**
     * The stream that stored the run's messages is deleted mid-run: the line names it, the one the
     * PubAcks named, not the config's stream (here none by that name exists, and --subject went elsewhere).
     */
    @Test
    void aStreamDeletedMidPublishIsTheOneThatStoredTheMessages() throws Exception {
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("TD").subjects("td")
                    .storageType(io.nats.client.api.StorageType.Memory).build());
        }
        Run.Started pub = script("JsPub", "--subject", "td", "--count", "5000000", "--size", "16").start();
        try (Connection nc = connect()) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (nc.jetStreamManagement().getStreamInfo("TD").getStreamState().getMsgCount() < 1000) {
                assertTrue(pub.running() && System.nanoTime() < deadline, "nothing stored: " + pub.errSoFar());
                Thread.sleep(20);
            }
            nc.jetStreamManagement().deleteStream("TD");
        }
        Run.Result result = pub.finish();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertTrue(result.err().matches("ERROR stream TD was deleted during the run: only \\d+ of 5000000 messages confirmed "
                + "by a PubAck.*; run js-bootstrap to create it again\n"), result.err());
    }

    /**
     * Big bodies through a slow link: PubAcks come slowly but steadily, so the run goes on (it ends only
     * when none comes for 5s), and the bytes in flight are bounded, not only their count.
     */
    @Test
    void bigBodiesOnASlowLinkAreASlowStreamNotASilentOne() throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).throttle(8_000_000)) { // 60 MB at 8 MB/s: more than 5s in all
            Run.Result result = Run.script("JsPub", "--count", "600", "--size", "100000").env("NATS_URL", proxy.url())
                    .timeout(120).go();
            assertEquals(0, result.exit(), result.toString());
            assertEquals("INFO published 600 messages to stream LAB4_STREAM (seq 1-600), each confirmed by a PubAck",
                    result.outLines().get(0));
        }
        assertEquals(600, storedCount());
    }

    /** A link so slow that one body takes longer than the wait: no PubAck in time, but the connection was not lost. */
    @Test
    void aLinkTooSlowForTheWaitIsNotALostConnection() throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).throttle(150_000)) { // 1 MB takes about 7s: longer than the 5s wait
            Run.Result result = Run.script("JsPub", "--count", "4", "--size", "1000000").env("NATS_URL", proxy.url())
                    .timeout(120).go();
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            assertTrue(result.err().startsWith("ERROR only 0 of 4 messages confirmed by a PubAck; 4 not: 0 refused by the "
                    + "server, "), result.toString());
            assertTrue(!result.err().contains("lost the connection"), result.toString());

            result = Run.script("JsPub", "--size", "1000000").env("NATS_URL", proxy.url()).timeout(120).go();
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            assertTrue(!result.err().contains("lost the connection"), result.toString());
        }
    }

    /** A log line shows the start of a big body and how much it left out, not 1 MB on one line. */
    @Test
    void aLogLineShowsTheStartOfABigBody() throws Exception {
        bootstrap();
        String body = "x".repeat(1_000_000);
        Run.Result result = ok(script("JsPub").stdin(body + "\n").go());
        assertEquals("INFO published \"" + "x".repeat(200) + "\"... (999800 more bytes) to stream LAB4_STREAM (seq 1)\n",
                result.out());
        assertEquals(1_000_000, stored(1).get(0).getBytes(StandardCharsets.UTF_8).length, "stored whole");
    }

    /** SIGTERM while the JVM is still starting (picocli reading the flags, before the run begins): still a line, 143. */
    @Test
    void sigtermWhileStartingStillSaysWhatWasDone() throws Exception {
        bootstrap();
        Path classLog = Scratch.dir().resolve("classes.log");
        try (Run.Started pub = Run.script("JsPub", "--count", "1000")
                .env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog).start()) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(classLog) || !Files.readString(classLog).contains(" picocli.CommandLine ")) {
                assertTrue(System.nanoTime() < deadline, "js-pub never got to reading its flags");
                Thread.sleep(2);
            }
            pub.signal("TERM");
            Run.Result result = pub.finish();
            assertEquals(143, result.exit(), result.toString());
            assertTrue(result.err().lines().anyMatch(line -> line.equals("ERROR stopped (Ctrl-C or SIGTERM) before it connected: "
                    + "nothing was sent or changed")), result.toString());
        }
        assertEquals(0, storedCount());
    }

    /** SIGTERM before the first message leaves (still connecting): exit 143 with the early line, nothing sent. */
    @Test
    void sigtermWhileConnectingStillSaysWhatWasDone() throws Exception {
        bootstrap();
        java.util.concurrent.CountDownLatch connecting = new java.util.concurrent.CountDownLatch(1);
        try (Proxy proxy = Proxy.to(server).beforeConnecting(connecting::countDown).delayFirstRequest(3000);
             Run.Started pub = Run.script("JsPub", "--count", "1000").env("NATS_URL", proxy.url()).start()) {
            assertTrue(connecting.await(60, java.util.concurrent.TimeUnit.SECONDS), "js-pub never connected");
            pub.signal("TERM");
            Run.Result result = pub.finish();
            assertEquals(143, result.exit(), result.toString());
            assertEquals("ERROR stopped (Ctrl-C or SIGTERM) before it connected: nothing was sent or changed\n", result.err());
        }
        assertEquals(0, storedCount());
    }

    /** SIGTERM while PubAcks still come in slowly: the line is built from one moment's counts, so it adds up. */
    @Test
    void sigtermWhilePubAcksStillArriveGivesALineThatAddsUp() throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).throttle(1_000_000);
             Run.Started pub = Run.script("JsPub", "--count", "400", "--size", "50000").env("NATS_URL", proxy.url())
                     .timeout(120).start()) {
            awaitStoredCount(3, false);
            pub.signal("TERM");
            Run.Result result = pub.finish();
            assertEquals(143, result.exit(), result.toString());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("ERROR interrupted: only (\\d+) of 400 messages "
                    + "confirmed by a PubAck \\(seq [\\d-]+\\); (\\d+) not: (\\d+) refused by the server, (\\d+) sent "
                    + "without an answer \\(they may or may not be stored\\), (\\d+) never sent\n").matcher(result.err());
            assertTrue(m.matches(), result.toString());
            long[] n = java.util.stream.IntStream.rangeClosed(1, 5).mapToLong(i -> Long.parseLong(m.group(i))).toArray();
            assertEquals(400 - n[0], n[1], result.err());
            assertEquals(n[1], n[2] + n[3] + n[4], "the numbers add up: " + result.err());
            long stored = storedCount();
            assertTrue(stored >= n[0] && stored <= n[0] + n[3], "stored " + stored + ": " + result.err());
        }
    }

    /**
     * SIGTERM once every message was sent, their PubAcks held back a moment (within the stop's grace):
     * they all come, so the last line says each was confirmed, as a run that ends well says it, not
     * "only 10 of 10 ... 0 not"; exit 143, since a signal ended it.
     */
    @Test
    void sigtermAfterEveryMessageWasSentAndConfirmedSaysSo() throws Exception {
        Run.Result result = sigtermOnceTenAreStored(true);
        assertEquals("", result.out(), result.toString());
        assertEquals("ERROR interrupted: published 10 messages to stream LAB4_STREAM (seq 1-10), each confirmed by a "
                + "PubAck\n", result.err());
    }

    /** SIGTERM with every message sent and no PubAck coming: all sent without an answer, none never sent. */
    @Test
    void sigtermWithEveryPubAckMissingNamesThemSentWithoutAnAnswer() throws Exception {
        assertEquals("ERROR interrupted: only 0 of 10 messages confirmed by a PubAck; 10 not: 0 refused by the server, "
                + "10 sent without an answer (they may or may not be stored), 0 never sent\n", sigtermOnceTenAreStored(false).err());
    }

    /** js-pub --count 10 with its PubAcks held, SIGTERM once the stream has all ten; then the PubAcks let through, or not. */
    private static Run.Result sigtermOnceTenAreStored(boolean thenPubAcks) throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter(PUBLISH, 1);
             Run.Started pub = Run.script("JsPub", "--count", "10").env("NATS_URL", proxy.url()).start()) {
            proxy.awaitHolding(60);
            awaitStoredCount(10);
            pub.signal("TERM");
            if (thenPubAcks) {
                Thread.sleep(1_500); // the signal is taken in while the PubAcks wait (js-pub waits 5 s of silence for them)
                proxy.release();
            }
            Run.Result result = pub.finish();
            assertEquals(143, result.exit(), result.toString());
            return result;
        }
    }

    /** What js-pub sends for a message to the lab's subject, as the proxy sees it on the wire. */
    private static final String PUBLISH = "PUB lab4.stream ";

    private static long storedCount() throws Exception {
        try (Connection nc = connect()) {
            return nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount();
        }
    }

    private static void awaitStoredCount(long count) throws Exception {
        awaitStoredCount(count, true);
    }

    private static void awaitStoredCount(long count, boolean exactly) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long stored;
        while ((stored = storedCount()) < count) {
            assertTrue(System.nanoTime() < deadline, "only " + stored + " messages stored");
            Thread.sleep(20);
        }
        if (exactly) {
            assertEquals(count, stored, "more messages stored than expected");
        }
    }

    private static List<String> stored(long... sequences) throws Exception {
        try (Connection nc = connect()) {
            var jsm = nc.jetStreamManagement();
            List<String> bodies = new java.util.ArrayList<>();
            for (long seq : sequences) {
                MessageInfo info = jsm.getMessage("LAB4_STREAM", seq);
                assertEquals("lab4.stream", info.getSubject());
                bodies.add(new String(info.getData(), StandardCharsets.UTF_8));
            }
            return bodies;
        }
    }
}
