// The paths a user takes: jbang with the catalog aliases, a copied script, `make run` and `make server`.
// Where a path is tried on one script, the stream it needs is made in-process (js-bootstrap's own path: the
// lessons' make run), and what it leaves is checked on the server. JBang finds an alias the same way for every
// entry (a script-ref, nothing else): js-pub shows it; each alias's entry is also run by bin/lab-run (make demo:
// MainReadmeTest), which reads the same script-ref. (A script by path from another folder, `make run RUN=bin/jbang`, and `make catalog` with an
// alias of it from a folder outside the repo: JBangArgsTest.)

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndToEndTest extends WithServer {
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();

    @TempDir
    Path elsewhere;

    /** The README's alias form; what it published is then pulled (in this JVM) and acked on the server. */
    @Test
    void aliasesWorkThroughJbangInTheRepo() throws Exception {
        bootstrap();
        Run.Result pub = ok(Run.command(JBANG, "js-pub", "first message").server(server).go());
        assertEquals("INFO published \"first message\" to stream LAB4_STREAM (seq 1)\n", pub.out());
        Run.Result pull = ok(script("JsPull", "--max", "1").go());
        assertEquals(List.of("INFO pulled message: \"first message\"", "INFO acked"), pull.outLines().subList(0, 2));
        assertEquals(1, server.labConsumer().getAckFloor().getStreamSequence(), "acked on the server");
    }

    /** What bin/lab-run prints is the script's own output: the same as the script run in this JVM (JBang's run of an alias: above). */
    @Test
    void labRunStartsTheBuiltScriptLikeJbangDoes() throws Exception {
        bootstrap();
        String labRun = Run.REPO.resolve("bin/lab-run").toString();
        Run.Result built = ok(Run.command(labRun, "js-info").server(server).go()); // the runner built it: the cached build and archive
        Run.Result itself = ok(script("JsInfo").go());
        assertEquals(itself.out(), built.out());
        assertEquals("", built.err());
        Run.Result unknown = Run.command(labRun, "js-nope").go();
        assertEquals(2, unknown.exit());
        assertEquals("lab-run: no alias js-nope in jbang-catalog.json\n", unknown.err());
    }

    @Test
    void makeRunPassesTheMessageThroughUnchanged() throws Exception {
        String message = "it's a \"quoted\" message with $HOME, `ticks`, \\ and ünïcødé";
        bootstrap();
        Run.Result pub = ok(Run.command("make", "LAB=lab4_jetstream_basics", "run", "BIN=js-pub", "MSG=" + message)
                .server(server).go());
        assertTrue(pub.out().contains("(seq 1)"), pub.out());
        try (Connection nc = connect()) {
            byte[] stored = nc.jetStreamManagement().getMessage("LAB4_STREAM", 1).getData();
            assertEquals(message, new String(stored, StandardCharsets.UTF_8));
        }
        // what make hands the script for ARGS: MakeValuesTest and JBangArgsTest
        Run.Result pull = ok(MakeRun.script("make run BIN=js-pull ARGS='--wait 1'").server(server).go());
        assertEquals(List.of("INFO pulled message: " + Output.quoted(message), "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 1s"), pull.outLines());
    }

    @Test
    void makeRunRejectsAnUnknownScript() throws Exception {
        Run.Result result = Run.command("make", "run", "BIN=js-nope").server(server).go();
        assertEquals(2, result.exit());
        assertTrue(result.err().startsWith(Catalog.badBin("js-nope") + "')"),
                result.err());
    }

    @Test
    void makeServerStartsAndStopsItsOwnServer() throws Exception {
        String url = "nats://127.0.0.1:" + NatsServer.freePort();
        String state = Sandbox.labStateOfItsOwn(elsewhere.resolve("state")).toString();
        Run.Result started;
        Run.Result again;
        Run.Result stopped;
        try {
            started = ok(Run.command("make", "server").env("NATS_URL", url).env("LAB_STATE_DIR", state).go());
            ok(Run.script("JsBootstrap").env("NATS_URL", url).go());
            again = ok(Run.command("make", "server").env("NATS_URL", url).env("LAB_STATE_DIR", state).go());
        } finally {
            // Also when starting failed half-way: the server may be up even if make said otherwise.
            stopped = Run.command("make", "server-stop").env("NATS_URL", url).env("LAB_STATE_DIR", state).go();
        }
        assertTrue(started.out().startsWith("lab-server: started nats-server with JetStream at " + url), started.out());
        assertTrue(again.out().contains("already answers at " + url), again.out());
        assertTrue(ok(stopped).out().startsWith("lab-server: stopped the lab's nats-server"), stopped.out());
        Run.Result gone = Run.script("JsPurge").env("NATS_URL", url).go();
        assertEquals(Exit.UNREACHABLE, gone.exit(), gone.toString());
    }

    @Test
    void aCopiedScriptWithConfigRunsOnItsOwn() throws Exception {
        Files.createDirectories(elsewhere.resolve("lab"));
        for (String file : sharedFilesAnd("JsPub.java")) { // a copy compiles anew: one script shows it
            Files.copy(Run.REPO.resolve("scripts").resolve(file), elsewhere.resolve(file));
        }
        bootstrap();
        Run.Result pub = ok(Run.command(JBANG, "JsPub.java", "copied").in(elsewhere).server(server).go());
        assertEquals("INFO published \"copied\" to stream LAB4_STREAM (seq 1)\n", pub.out());
    }

    /** The named scripts and the shared files in lab/ beside them, which their //SOURCES lines name. */
    private static List<String> sharedFilesAnd(String... scripts) throws Exception {
        List<String> files = new java.util.ArrayList<>(List.of(scripts));
        try (var listing = Files.list(Run.REPO.resolve("scripts/lab"))) {
            listing.map(path -> "lab/" + path.getFileName()).filter(name -> name.endsWith(".java")).forEach(files::add);
        }
        return files;
    }

    @Test
    void scriptIsDirectlyExecutableWhenJbangIsOnPath() throws Exception {
        bootstrap();
        Run.Result pub = ok(Run.command("./scripts/JsPub.java", "executable")
                .env("PATH", Run.REPO.resolve("bin") + ":" + System.getenv("PATH")).server(server).go());
        assertEquals("INFO published \"executable\" to stream LAB4_STREAM (seq 1)\n", pub.out());
    }

}
