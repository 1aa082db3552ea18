// natscli's habits work: server URLs as host:port, a bare host, nats:// and
// lists; durations with units for --wait and --timeout (and NATS_TIMEOUT); and the context chosen
// with `nats context select` when no --context or NATS_CONTEXT is given. Against a real server.

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NatsCliFormsTest extends WithServer {
    @TempDir
    Path dir;

    @Test
    void serverAsHostPortAsAListAndAsAUrl() throws Exception {
        int dead = NatsServer.deadPort();
        for (String form : List.of("127.0.0.1:" + server.port, "localhost:" + server.port, "nats://127.0.0.1:" + server.port,
                "127.0.0.1:" + dead + ",127.0.0.1:" + server.port, " nats://127.0.0.1:" + dead + " , localhost:" + server.port)) {
            server.resetToLabStream();
            Run.Result pub = ok(Run.script("JsPub", "-s", form, "via " + form).go());
            assertEquals("INFO published \"via " + form + "\" to stream LAB4_STREAM (seq 1)\n", pub.out());
        }
        Run.Result bare = ok(Run.script("JsInfo", "--server", "localhost", "--show-config-lines").go());
        assertTrue(bare.outLines().contains("nats.url=nats://localhost:4222"), bare.out());
    }

    @Test
    void aListWhereNothingAnswersNamesTheList() throws Exception {
        String list = "nats://127.0.0.1:" + NatsServer.deadPort() + ",nats://127.0.0.1:" + NatsServer.deadPort();
        Run.Result result = Run.script("JsPub", "--server", list, "x").go();
        assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
        assertEquals("ERROR no NATS server answers at " + list + " (connection refused): start one with `make server`, "
                + "or point --server / NATS_URL at yours\n", result.err());
    }

    @Test
    void waitTakesADuration() throws Exception {
        bootstrap();
        publish("one");
        Run.Result pull = ok(script("JsPull", "--wait", "2s").go());
        assertEquals(List.of("INFO pulled message: \"one\"", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 2s"), pull.outLines());
        Run.Result minute = ok(script("JsPull", "--wait", "1m", "--show-config").go());
        assertTrue(minute.out().contains("  recv.wait_secs = 1m  (flag --wait)\n"),
                minute.out());
    }

    /** --timeout bounds each JetStream API call too: a server that never answers one is given up on after that long, not the default 5 s. */
    @Test
    void timeoutBoundsEachApiCall() throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter("$JS.API.", 1)) {
            long start = System.nanoTime();
            Run.Result result = Run.script("JsInfo", "--timeout", "1s").env("NATS_URL", proxy.url()).go();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(result.exit() != 0 && result.err().startsWith("ERROR ") && result.err().lines().count() == 1, result.toString());
            assertTrue(seconds >= 1 && seconds < 4, "js-info --timeout 1s gave up on an unanswered API call after " + seconds + "s");
            proxy.release();
        }
    }

    /** --timeout and NATS_TIMEOUT bound connecting: a listener that never greets is given up on after that long. */
    @Test
    void timeoutFromFlagAndEnvironment() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String url = "nats://127.0.0.1:" + silent.getLocalPort();
            Run.Result flag = Run.script("JsInfo", "--server", url, "--timeout", "1500ms").go();
            assertEquals(Exit.UNREACHABLE, flag.exit(), flag.toString());
            assertTrue(flag.err().contains("but sent nothing within 1.5s"), flag.err());
            Run.Result env = Run.script("JsInfo", "--server", url).env("NATS_TIMEOUT", "1s").go();
            assertTrue(env.err().contains("but sent nothing within 1s"), env.err());
        }
        bootstrap();
        ok(script("JsInfo", "--timeout", "2s").go()); // and a server that answers is unaffected
    }

    /** natscli's selected context (context.txt) applies when neither --context nor NATS_CONTEXT names one. */
    @Test
    void theContextSelectedInNatscliApplies() throws Exception {
        bootstrap();
        Path home = dir.resolve("xdg");
        Files.createDirectories(home.resolve("nats/context"));
        Files.writeString(home.resolve("nats/context/lab.json"), "{\"url\": \"" + server.url() + "\"}");
        Files.writeString(home.resolve("nats/context/other.json"), "{\"url\": \"nats://127.0.0.1:"
                + NatsServer.deadPort() + "\"}");
        Files.writeString(home.resolve("nats/context.txt"), "lab");

        Run.Result pub = ok(Run.script("JsPub", "via the selected context").env("XDG_CONFIG_HOME", home.toString()).go());
        assertEquals("INFO published \"via the selected context\" to stream LAB4_STREAM (seq 1)\n", pub.out());
        Run.Result shown = ok(Run.script("JsInfo", "--show-config").env("XDG_CONFIG_HOME", home.toString()).go());
        assertTrue(ShownConfig.joined(shown.out()).contains("  read     context lab (" + home.resolve("nats/context/lab.json")
                + ") (selected with `nats context select`)\n"), shown.out());

        Run.Result named = Run.script("JsPub", "x").env("XDG_CONFIG_HOME", home.toString()).env("NATS_CONTEXT", "other").go();
        assertEquals(Exit.UNREACHABLE, named.exit(), "NATS_CONTEXT wins over the selection: " + named);

        Files.writeString(home.resolve("nats/context.txt"), "../../etc/passwd");
        Run.Result odd = Run.script("JsPub", "x").env("XDG_CONFIG_HOME", home.toString()).go();
        assertEquals(Exit.CONFIG, odd.exit(), odd.toString());
        assertEquals("ERROR natscli's selected context in " + home.resolve("nats/context.txt") + " is not a context "
                + "name: select one with `nats context select`\n", odd.err());
    }

    /** A selection whose context was deleted says so and how out; --no-context reads none (natscli's flag). */
    @Test
    void aStaleSelectionSaysHowOutAndNoContextReadsNone() throws Exception {
        bootstrap();
        Path home = dir.resolve("xdg-stale");
        Files.createDirectories(home.resolve("nats/context"));
        Files.writeString(home.resolve("nats/context.txt"), "gone");
        Run.Result stale = Run.script("JsPub", "-s", server.url(), "x").env("XDG_CONFIG_HOME", home.toString()).go();
        assertEquals(Exit.CONFIG, stale.exit(), stale.toString());
        assertEquals("ERROR natscli's selected context gone has no file " + home.resolve("nats/context/gone.json")
                + ": select another with `nats context select`, or add --no-context\n", stale.err());
        Run.Result none = ok(Run.script("JsPub", "--no-context", "-s", server.url(), "x").env("XDG_CONFIG_HOME", home.toString()).go());
        assertEquals("INFO published \"x\" to stream LAB4_STREAM (seq 1)\n", none.out());
        Run.Result both = Run.script("JsPub", "--no-context", "--context", "lab", "x").go();
        assertEquals(Exit.USAGE, both.exit(), both.toString());
    }
}
