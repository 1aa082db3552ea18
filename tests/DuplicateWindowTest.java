// A message sent again after a failover is kept once only within the stream's duplicate window: a
// retry later than that stores a second copy if an earlier attempt was stored. js-pub warns once
// when it retries past the window, and the last line says how many may be stored twice instead of
// "kept once". And when no PubAck comes back at all, the retries stop: the run gives up and says
// what it did. One server behind a proxy that holds the PubAcks (the server stores, the answers
// wait); a lab config with mode = "cluster" makes js-pub retry what got no answer. The tests run at
// once (RunTests: @Execution): two of them wait out the one-minute bound, each on a server of its own.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@org.junit.jupiter.api.extension.ExtendWith(Scratch.class) // the config files go when the class is done
@org.junit.jupiter.api.parallel.Execution(org.junit.jupiter.api.parallel.ExecutionMode.CONCURRENT)
class DuplicateWindowTest {
    private static final String PAST_THE_WINDOW = "more than stream LAB4_STREAM's duplicate window of 2s";
    private static final Pattern SUMMARY = Pattern.compile("INFO published (\\d+) messages to stream LAB4_STREAM "
            + "\\(seq 1-(\\d+)\\), each confirmed by a PubAck(; (\\d+) sent again after a failover \\(same Nats-Msg-Id\\): "
            + "(\\d+) of them the first attempt had stored \\(PubAck duplicate=true\\), kept once(; (\\d+) sent again "
            + "later than the stream's duplicate window of 2s after their first attempt, so up to (\\d+) may be stored "
            + "twice \\(each whose first attempt was stored\\))?)?");

    @Test
    void aRetryLaterThanTheDuplicateWindowIsNotCalledKeptOnce() throws Exception {
        int total = 10_000; // more than the hold needs: the window's answer may pass after the 1000th PUB
        try (NatsServer server = NatsServer.startWithJetStream()) {
            Path config = bootstrappedInClusterMode(server, "\n[stream]\nduplicate_window_secs = 2\n");
            Run.Result result;
            try (Proxy proxy = Proxy.to(server).holdRepliesAfter("PUB lab4.stream ", 1000)
                    .holdOnceServerSent("\"duplicate_window\":2000000000"); // js-pub asked the window aside
                 Run.Started pub = publish(proxy, config, total)) {
                proxy.awaitHolding(60);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (stored(server) < 1000) { // stored, but their PubAcks wait in the proxy
                    assertTrue(System.nanoTime() < deadline, "stored " + stored(server));
                    Thread.sleep(20);
                }
                while (!pub.errSoFar().contains(PAST_THE_WINDOW)) { // a retry round began past the 2s window
                    assertTrue(System.nanoTime() < deadline, "no warning about the duplicate window: " + pub.errSoFar());
                    Thread.sleep(20);
                }
                proxy.release();
                result = pub.finish();
            }
            assertEquals(0, result.exit(), result.toString());
            List<String> warnings = result.err().lines().filter(line -> line.contains(PAST_THE_WINDOW)).toList();
            assertEquals(1, warnings.size(), "said once: " + result);
            assertTrue(warnings.get(0).matches("WARN this run started \\S+ ago, " + Pattern.quote(PAST_THE_WINDOW)
                    + ": a message sent that long ago, if it was stored, is stored again by its retry"), warnings.get(0));
            Matcher m = SUMMARY.matcher(result.outLines().get(0));
            assertTrue(m.matches(), result.toString());
            long stored = stored(server);
            long mayBeTwice = m.group(7) == null ? 0 : Long.parseLong(m.group(7));
            assertTrue(stored >= total, "every confirmed message is stored: " + stored);
            assertTrue(stored - total <= mayBeTwice, (stored - total) + " stored twice, but the last line says up to "
                    + mayBeTwice + ": " + result.out());
            System.out.printf("    (retries past a 2s window: %d stored twice, the line says up to %d)%n",
                    stored - total, mayBeTwice);
        }
    }

    /**
     * Nothing at all from the server, ever (the proxy lets nothing through: no PubAck, no PONG): the run
     * publishes again what got no PubAck, leaves the silent server once its PINGs go unanswered, finds it
     * again no better, and gives up after the bound (20 s without a PubAck); the last line counts what was
     * sent without an answer.
     */
    @Test
    void retriesGiveUpWhenNothingComesBackAtAll() throws Exception {
        int total = 50;
        Run.Result result;
        String url;
        try (NatsServer server = NatsServer.startWithJetStream()) {
            Path config = bootstrappedInClusterMode(server, "");
            long started = System.nanoTime();
            try (Proxy proxy = Proxy.to(server).holdRepliesAfter("PUB lab4.stream ", 1);
                 Run.Started pub = publish(proxy, config, total)) {
                url = proxy.url();
                proxy.awaitHolding(60);
                result = pub.finish();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("    (gave up after %.1fs)%n", seconds);
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertEquals("", result.out(), "nothing confirmed, nothing said to be: " + result);
            List<String> err = result.err().lines().toList();
            assertTrue(err.stream().anyMatch(line -> line.startsWith("WARN " + total + " messages got no PubAck (")), result.toString());
            assertEquals("ERROR lost the connection to the server at " + url + " mid-run (it stopped, restarted or stopped "
                    + "answering, or the network dropped): only 0 of " + total + " messages confirmed by a PubAck; " + total
                    + " not: 0 refused by the server, " + total + " sent without an answer (they may or may not be stored), "
                    + "0 never sent", err.get(err.size() - 1), result.toString());
            assertTrue(seconds >= Failover.GIVE_UP_AFTER.toSeconds(), "gave up after " + seconds + "s");
            assertEquals(total, stored(server), "the server stored each once: the retries were duplicates");
        }
    }

    /**
     * The server answers everything but PubAcks (a stream with no_ack stores what comes and confirms
     * nothing): the run sends again what had no answer, gives up after the bound, and says so with the
     * bound it waited, not jnats' wait for one answer.
     */
    @Test
    void aStreamThatNeverAcksEndsTheRunAfterTheBoundAndSaysSo() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            Path config = bootstrappedInClusterMode(server, "");
            try (Connection nc = server.connect()) {
                nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("SILENT")
                        .subjects("silent.>").noAck(true).storageType(io.nats.client.api.StorageType.Memory).build());
            }
            // a process: a run in the test JVM would hold the other tests' in-process runs back for its whole minute
            Run.Result result = Run.script("JsPub", "--lab-config", config.toString(), "--count", "20", "--subject", "silent.x")
                    .server(server).asProcess().timeout(180).go();
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            List<String> err = result.err().lines().toList();
            assertEquals("ERROR only 0 of 20 messages confirmed by a PubAck; 20 not: 0 refused by the server, 20 sent without an "
                    + "answer (they may or may not be stored), 0 never sent: no PubAck came for 1m, though what had none was "
                    + "sent again (same Nats-Msg-Id)", err.get(err.size() - 1), result.toString());
        }
    }

    /**
     * The window's ask got no answer (mid-failover, under load): the last line cannot say a retry came
     * "later than" a window it does not know. It says how late the retries were and that the window could
     * not be read; once the window is known, those within it count as kept once. Checked on the room
     * itself: the proxy above holds every reply alike, and a user the server denies the stream's info
     * ends the run at that first ask (a permission error is final), so a real server that answers the
     * retries' PubAcks but never the stream's info is not one these tests can set up.
     */
    @Test
    void aWindowThatCouldNotBeReadIsNotSaidToBePassed() {
        PubAcks acks = new PubAcks().mayRetry();
        for (long n = 1; n <= 3; n++) {
            acks.sending(n);
        }
        acks.sending(2); // sent again after a failover: their first attempts got no PubAck
        acks.sending(3);
        for (long n = 1; n <= 3; n++) {
            acks.stored(n, "LAB4_STREAM", n, n == 3, 1_000_000, 10); // 3's first attempt was stored after all
        }
        String confirmed = "published 3 messages to stream LAB4_STREAM (seq 1-3), each confirmed by a PubAck; 2 sent again "
                + "after a failover (same Nats-Msg-Id): ";
        assertEquals(confirmed + "0 of them the first attempt had stored (PubAck duplicate=true), kept once; 2 sent again "
                + "within 1s of their first attempt, but the stream's duplicate window could not be read, so whether that "
                + "is within it is not known: if not, up to 2 may be stored twice (each whose first attempt was stored)", PubSummary.allConfirmed(acks, 3));
        acks.duplicateWindow(java.time.Duration.ofMinutes(2));
        assertEquals(confirmed + "1 of them the first attempt had stored (PubAck duplicate=true), kept once",
                PubSummary.allConfirmed(acks, 3));
    }

    /** js-pub --count total with that config, through the proxy. */
    private static Run.Started publish(Proxy proxy, Path config, int total) throws Exception {
        return Run.script("JsPub", "--lab-config", config.toString(), "--count", String.valueOf(total))
                .env("NATS_URL", proxy.url()).timeout(180).start();
    }

    /** A lab config with mode = "cluster" (js-pub then retries what got no answer) and these lines; the stream made with it. */
    private static Path bootstrappedInClusterMode(NatsServer server, String more) throws Exception {
        Path config = Scratch.toml("[runtime]\nmode = \"cluster\"\n" + more);
        Run.Result bootstrap = Run.script("JsBootstrap", "--lab-config", config.toString()).server(server).go();
        assertEquals(0, bootstrap.exit(), bootstrap.toString());
        return config;
    }

    private static long stored(NatsServer server) throws Exception {
        try (Connection nc = server.connect()) {
            return nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount();
        }
    }
}
