// A message sent again after a failover is kept once only within the stream's duplicate window: a
// retry later than that stores a second copy if an earlier attempt was stored. The last line says
// how many may be stored twice instead of "kept once". One server behind a proxy that holds the
// PubAcks (the server stores, the answers wait) for longer than a 2s window; a lab config with
// mode = "cluster" makes js-pub retry what got no answer.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DuplicateWindowTest {
    private static final Pattern SUMMARY = Pattern.compile("INFO published (\\d+) messages to stream LAB4_STREAM "
            + "\\(seq 1-(\\d+)\\), each confirmed by a PubAck(; (\\d+) sent again after a failover \\(same Nats-Msg-Id\\): "
            + "(\\d+) of them the first attempt had stored \\(PubAck duplicate=true\\), kept once(; (\\d+) sent again "
            + "later than the stream's duplicate window of 2s after their first attempt, so up to (\\d+) may be stored "
            + "twice \\(each whose first attempt was stored\\))?)?");

    @Test
    void aRetryLaterThanTheDuplicateWindowIsNotCalledKeptOnce() throws Exception {
        int total = 3_000;
        Path config = Files.createTempFile("lab-window-", ".toml");
        try (NatsServer server = NatsServer.startWithJetStream()) {
            Files.writeString(config, "[runtime]\nmode = \"cluster\"\n\n[stream]\nduplicate_window_secs = 2\n");
            Run.Result bootstrap = Run.script("JsBootstrap", "--lab-config", config.toString()).server(server).go();
            assertEquals(0, bootstrap.exit(), bootstrap.toString());
            Run.Result result;
            try (Proxy proxy = Proxy.to(server).holdRepliesAfter("PUB lab4.stream ", 1000);
                 Run.Started pub = Run.script("JsPub", "--lab-config", config.toString(), "--count", String.valueOf(total))
                         .env("NATS_URL", proxy.url()).timeout(180).start()) {
                proxy.awaitHolding(60);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (stored(server) < 1000) { // stored, but their PubAcks wait in the proxy
                    assertTrue(System.nanoTime() < deadline, "stored " + stored(server));
                    Thread.sleep(20);
                }
                Thread.sleep(6_000); // three windows: retries meanwhile find the IDs forgotten
                proxy.release();
                result = pub.finish();
            }
            assertEquals(0, result.exit(), result.toString());
            Matcher m = SUMMARY.matcher(result.outLines().get(0));
            assertTrue(m.matches(), result.toString());
            long stored = stored(server);
            long mayBeTwice = m.group(7) == null ? 0 : Long.parseLong(m.group(7));
            assertTrue(stored >= total, "every confirmed message is stored: " + stored);
            assertTrue(stored - total <= mayBeTwice, (stored - total) + " stored twice, but the last line says up to "
                    + mayBeTwice + ": " + result.out());
            System.out.printf("    (retries past a 2s window: %d stored twice, the line says up to %d)%n",
                    stored - total, mayBeTwice);
        } finally {
            Files.deleteIfExists(config);
        }
    }

    private static long stored(NatsServer server) throws Exception {
        try (Connection nc = server.connect()) {
            return nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount();
        }
    }
}
