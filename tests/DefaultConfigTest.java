// Without --config and --lab-config, a script reads the lab's own config.toml and
// labs/lab4_jetstream_basics/config.toml from the lab's folder (JETSTREAM_LAB_HOME, which bin/jbang
// and bin/lab-run set), and --show-config names the file and line each value came from
// (`config.toml:7 [nats] url`). Files that merely sit in the working folder: ConfigTrustTest.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefaultConfigTest extends WithServer {
    private static final String LAB_FILE = "labs/lab4_jetstream_basics/config.toml";
    private static final String HOME = "JETSTREAM_LAB_HOME";

    @TempDir
    Path dir;

    /** No NATS_URL and no flags: the server, stream, consumer and wait can only come from the two files. */
    @Test
    void theLabsOwnFilesArePickedUp() throws Exception {
        Files.writeString(dir.resolve("config.toml"), """
                # a root config, found because it is in the lab's folder

                [runtime]
                mode = "local"

                [nats]
                url = "%s"
                """.formatted(server.url()));
        Files.createDirectories(dir.resolve(LAB_FILE).getParent());
        Files.writeString(dir.resolve(LAB_FILE), """
                [nats]
                subject = "picked.up"
                stream = "PICKED_UP"
                consumer = "PICKER"

                [recv]
                wait_secs = 1
                """);

        List<String> shown = ok(Run.script("JsInfo", "--show-config").in(dir).env(HOME, dir.toString()).go()).outLines();
        assertShown(shown, "nats.url", "\"" + server.url() + "\"", "config.toml:7 [nats] url");
        assertShown(shown, "nats.subject", "\"picked.up\"", LAB_FILE + ":2 [nats] subject");
        assertShown(shown, "nats.stream", "\"PICKED_UP\"", LAB_FILE + ":3 [nats] stream");
        assertShown(shown, "nats.consumer", "\"PICKER\"", LAB_FILE + ":4 [nats] consumer");
        assertShown(shown, "recv.wait_secs", "1", LAB_FILE + ":7 [recv] wait_secs");
        assertShown(shown, "consumer.ack_wait_secs", "30", "built-in default");

        assertEquals(List.of(
                "INFO created stream PICKED_UP (subjects: picked.up, storage: file)",
                "INFO created consumer PICKER (durable pull, explicit ack, ack wait 30s)"),
                ok(Run.script("JsBootstrap").in(dir).env(HOME, dir.toString()).go()).outLines());
        assertEquals("INFO published \"from the files\" to stream PICKED_UP (seq 1)\n",
                ok(Run.script("JsPub", "from the files").in(dir).env(HOME, dir.toString()).go()).out());
        assertEquals(List.of("INFO pulled message: \"from the files\"", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 1s"),
                ok(Run.script("JsPull").in(dir).env(HOME, dir.toString()).go()).outLines());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(List.of("picked.up"), jsm.getStreamInfo("PICKED_UP").getConfiguration().getSubjects());
            assertEquals(1, jsm.getConsumerInfo("PICKED_UP", "PICKER").getAckFloor().getStreamSequence());
        }
    }

    /** Only the lab file there: the root settings are the built-in ones. */
    @Test
    void aLabFileAloneIsPickedUpToo() throws Exception {
        Files.createDirectories(dir.resolve(LAB_FILE).getParent());
        Files.writeString(dir.resolve(LAB_FILE), "[nats]\nstream = \"ONLY_LAB\"\n");
        List<String> shown = ok(Run.script("JsInfo", "--show-config").in(dir).env(HOME, dir.toString()).go()).outLines();
        assertShown(shown, "nats.stream", "\"ONLY_LAB\"", LAB_FILE + ":2 [nats] stream");
        assertShown(shown, "nats.url", "\"nats://127.0.0.1:4222\"", "built-in default");
        assertShown(shown, "recv.wait_secs", "5", "built-in default");
    }

    /** Run from the repository's root, as `bin/jbang js-pub` is: the repo's own two files, line by line. */
    @Test
    void fromTheRepositoryRootItsOwnFilesAreRead() throws Exception {
        List<String> shown = ok(Run.script("JsInfo", "--show-config").in(Run.REPO).env(HOME, Run.REPO.toString()).go()).outLines();
        assertShown(shown, "runtime.mode", "\"local\"", "config.toml:" + lineOf("config.toml", "mode =") + " [runtime] mode");
        assertShown(shown, "nats.url", "\"nats://127.0.0.1:4222\"", "config.toml:" + lineOf("config.toml", "url =") + " [nats] url");
        assertShown(shown, "nats.stream", "\"LAB4_STREAM\"", LAB_FILE + ":" + lineOf(LAB_FILE, "stream") + " [nats] stream");
    }

    /** One --show-config line: the key, its value, and where it came from. */
    private static void assertShown(List<String> shown, String key, String value, String source) {
        // within 80 columns: the source follows on the line, or on the next one when both do not fit
        Pattern line = Pattern.compile("(?m)^  " + Pattern.quote(key) + " = " + Pattern.quote(value) + "(  |\n      )"
                + Pattern.quote("(" + source + ")") + "$");
        assertTrue(line.matcher(String.join("\n", shown)).find(),
                key + " = " + value + " from " + source + " in:\n" + String.join("\n", shown));
    }

    /** The 1-based number of the first line of the repo file that starts with this text. */
    private static int lineOf(String file, String start) throws Exception {
        List<String> lines = Files.readAllLines(Run.REPO.resolve(file));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i + 1;
            }
        }
        throw new AssertionError(file + " has no line starting with " + start);
    }
}
