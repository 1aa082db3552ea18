// Where config may come from (issue 15, item 1). A config.toml in the folder a script runs in is
// not read unless named: it could choose the server, and name any file or variable as the password.
// The lab's own files (in the folder bin/jbang and bin/lab-run name) are read, but only a file you
// name may point at secret files or variables. A fake server records what reaches it.

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTrustTest extends WithServer {
    private static final String STOLEN = "private-key-contents-Y7q2";
    private static final String EXPORTED = "exported-token-W4n8";
    private static final String LAB_FILE = "labs/lab4_jetstream_basics/config.toml";

    @TempDir
    Path dir;

    /** A folder someone else controls: both config files there point a secret file and a variable at their server. */
    private Path hostileFolder(ConnectRecorder recorder) throws Exception {
        Path secret = Files.writeString(dir.resolve("id_key"), STOLEN + "\n");
        Files.writeString(dir.resolve("config.toml"), "[nats]\nurl = \"" + recorder.url() + "\"\n[nats.auth]\n"
                + "token_file = \"" + secret + "\"\n");
        Files.createDirectories(dir.resolve(LAB_FILE).getParent());
        Files.writeString(dir.resolve(LAB_FILE), "[nats]\nurl = \"" + recorder.url() + "\"\n[nats.auth]\n"
                + "token_env = \"CLOUD_TOKEN\"\n");
        return dir;
    }

    @Test
    void configFilesInTheWorkingFolderAreNotReadUnlessNamed() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            Path folder = hostileFolder(recorder);
            bootstrap();
            Run.Result pub = ok(Run.script("JsPub", "to my own server").in(folder).server(server)
                    .env("CLOUD_TOKEN", EXPORTED).go());
            assertEquals("INFO published \"to my own server\" to stream LAB4_STREAM (seq 1)\n", pub.out());
            assertEquals("WARN not read: ./config.toml, ./" + LAB_FILE + ": a config file in the working folder is read "
                    + "only when named (--config FILE, --lab-config FILE or LAB_CONFIG=FILE)\n", pub.err());
            assertEquals(0, recorder.accepted(), "nothing may reach the server a stray file chose");

            Run.Result shown = ok(Run.script("JsInfo", "--show-config").in(folder).go());
            assertTrue(shown.out().startsWith("config files and contexts\n  not read ./config.toml (in the working "
                    + "folder, not named: a config file there is read only with --config or --lab-config)\n"), shown.out());
            assertTrue(shown.out().contains("nats.url                       = \"nats://127.0.0.1:4222\"           built-in "
                    + "default"), shown.out());
        }
    }

    /** The lab's own files (found through JETSTREAM_LAB_HOME) choose settings, never which secret goes to their server. */
    @Test
    void theLabsOwnFilesMayNotPointAtSecrets() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            Path home = hostileFolder(recorder);
            Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
            Run.Result result = Run.script("JsPub", "x").in(elsewhere).env("JETSTREAM_LAB_HOME", home.toString())
                    .env("CLOUD_TOKEN", EXPORTED).go();
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            List<String> err = result.err().lines().toList();
            assertEquals(3, err.size(), "two warnings (below), then the error: " + err);
            assertEquals("ERROR the server at " + recorder.url() + " refused the login with a connection without "
                    + "credentials: authorization violation; check the credentials (--show-config shows where each came "
                    + "from)", err.get(2));
            assertEquals(1, recorder.connects().size(), recorder.connects().toString());
            assertFalse(recorder.connects().get(0).contains("auth_token"), recorder.connects().get(0));

            Run.Result shown = ok(Run.script("JsInfo", "--show-config").in(elsewhere)
                    .env("JETSTREAM_LAB_HOME", home.toString()).env("CLOUD_TOKEN", EXPORTED).go());
            assertTrue(shown.out().contains("  read     " + home.resolve("config.toml") + " (the lab's own, in " + home
                    + " (JETSTREAM_LAB_HOME))\n"), shown.out());
            assertEquals(List.of(
                    "WARN left out " + home.resolve("config.toml") + ":4 [nats.auth] token_file: a config file read "
                            + "without being named may not point at secret files or variables; name it (--config "
                            + home.resolve("config.toml") + ") to use them",
                    "WARN left out " + home.resolve(LAB_FILE) + ":4 [nats.auth] token_env: a config file read without "
                            + "being named may not point at secret files or variables; name it (--config "
                            + home.resolve(LAB_FILE) + ") to use them"), shown.err().lines().toList());
        }
    }

    /** The same files, named: then they are yours, and what they point at is sent (the recorder does see secrets). */
    @Test
    void aNamedFileMayPointAtSecrets() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            Path folder = hostileFolder(recorder);
            Run.Result result = Run.script("JsPub", "--config", "config.toml", "x").in(folder).go();
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertEquals(1, recorder.connects().size());
            assertTrue(recorder.connects().get(0).contains("\"auth_token\":\"" + STOLEN + "\""), recorder.connects().get(0));
            assertFalse(result.err().contains(STOLEN), "and it is never printed: " + result.err());

            Run.Result fromEnv = Run.script("JsPub", "x").in(folder).env("LAB_CONFIG", folder.resolve(LAB_FILE).toString())
                    .env("CLOUD_TOKEN", EXPORTED).go();
            assertEquals(Exit.UNREACHABLE, fromEnv.exit(), fromEnv.toString());
            assertTrue(recorder.connects().get(1).contains("\"auth_token\":\"" + EXPORTED + "\""), recorder.connects().get(1));
            assertFalse(fromEnv.err().contains(EXPORTED), fromEnv.err());
        }
    }

    /**
     * An exported LAB_CONFIG with a relative path names a file of the lab, not of whatever folder a run
     * starts in: with the lab's folder known it is read from there, and without it the run stops.
     */
    @Test
    void aRelativeLabConfigIsNeverReadFromTheWorkingFolder() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            Path folder = hostileFolder(recorder);
            Run.Result withHome = Run.script("JsInfo", "--show-config").in(folder).env("LAB_CONFIG", LAB_FILE)
                    .env("JETSTREAM_LAB_HOME", Run.REPO.toString()).env("CLOUD_TOKEN", EXPORTED).go();
            assertEquals(0, withHome.exit(), withHome.toString());
            assertTrue(withHome.out().contains("read     " + Run.REPO.resolve(LAB_FILE)), withHome.out());
            Run.Result noHome = Run.script("JsPub", "x").in(folder).env("LAB_CONFIG", LAB_FILE)
                    .env("CLOUD_TOKEN", EXPORTED).go();
            assertEquals(Exit.CONFIG, noHome.exit(), noHome.toString());
            assertTrue(noHome.err().startsWith("ERROR env LAB_CONFIG: " + LAB_FILE + " is a relative path"), noHome.err());
            assertEquals(0, recorder.connects().size(), "nothing was sent anywhere");
        }
    }

    /** From the repository's root, through the launcher's JETSTREAM_LAB_HOME, the repo's two files, line by line. */
    @Test
    void theReposOwnFilesAreReadFromItsRootAndFromElsewhere() throws Exception {
        Run.Result atRoot = ok(Run.script("JsInfo", "--show-config").in(Run.REPO)
                .env("JETSTREAM_LAB_HOME", Run.REPO.toString()).go());
        assertEquals("", atRoot.err());
        assertTrue(atRoot.out().contains("  read     config.toml (the lab's own, in " + Run.REPO + " (JETSTREAM_LAB_HOME))"),
                atRoot.out());
        assertTrue(atRoot.out().contains("\"nats://127.0.0.1:4222\"           config.toml:10 [nats] url"), atRoot.out());
        assertTrue(atRoot.out().contains("\"LAB4_STREAM\"                     " + LAB_FILE + ":5 [nats] stream"),
                atRoot.out());

        Run.Result viaJbang = ok(Run.command(Run.REPO.resolve("bin/jbang").toString(), "js-info@" + Run.REPO,
                "--show-config").in(dir).go());
        assertTrue(viaJbang.out().contains("\"nats://127.0.0.1:4222\"           " + Run.REPO.resolve("config.toml")
                + ":10 [nats] url"), viaJbang.out());

        Run.Result withoutLauncher = ok(Run.script("JsInfo", "--show-config").in(Run.REPO).go());
        assertTrue(withoutLauncher.err().startsWith("WARN not read: ./config.toml, ./" + LAB_FILE), withoutLauncher.err());
    }
}
