// Where config may come from, and why a stray file is not trusted. A config.toml in the folder a script runs in is
// not read unless named: it could choose the server, and name any file or variable as the password.
// The lab's own files (in the folder bin/jbang and bin/lab-run name) are read, but only a file you
// name may point at secret files or variables. A fake server records what reaches it.

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
            assertEquals("WARN not read: ./config.toml, ./" + LAB_FILE + " (in the working folder)\n  a file there is read "
                    + "only when named: --config FILE, --lab-config FILE or LAB_CONFIG=FILE\n", pub.err());
            assertTrue(pub.err().lines().allMatch(line -> line.length() <= 100), pub.err());
            assertEquals(0, recorder.accepted(), "nothing may reach the server a stray file chose");

            Run.Result shown = ok(Run.script("JsInfo", "--show-config").in(folder).go());
            assertTrue(shown.out().startsWith("config files and contexts\n  not read ./config.toml\n           (in the working "
                    + "folder, not named: a config file there is read only\n           with --config or --lab-config)\n"),
                    shown.out());
            assertTrue(shown.out().contains("  nats.url = \"nats://127.0.0.1:4222\"  (built-in default)\n"), shown.out());
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
            assertTrue(ShownConfig.joined(shown.out()).contains("  read     " + home.resolve("config.toml") + " (the lab's own, in "
                    + home + " (JETSTREAM_LAB_HOME))\n"), shown.out());
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
        assertTrue(ShownConfig.joined(atRoot.out()).contains("  read     config.toml (the lab's own, in " + Run.REPO
                + " (JETSTREAM_LAB_HOME))"), atRoot.out());
        assertTrue(atRoot.out().contains("  nats.url = \"nats://127.0.0.1:4222\"  (config.toml:10 [nats] url)\n"), atRoot.out());
        assertTrue(atRoot.out().contains("  nats.stream = \"LAB4_STREAM\"\n      (" + LAB_FILE + ":5 [nats] stream)\n"),
                atRoot.out());

        // in the lab's own folder its config.toml, read as the lab's file, is not also "not read" as a root file
        Run.Result inLab = ok(Run.script("JsInfo", "--show-config").in(Run.REPO.resolve(LAB_FILE).getParent())
                .env("JETSTREAM_LAB_HOME", Run.REPO.toString()).go());
        assertEquals("", inLab.err());
        assertFalse(inLab.out().contains("not read"), inLab.out());
        assertTrue(ShownConfig.joined(inLab.out()).contains("  read     config.toml (the lab's own, in " + Run.REPO), inLab.out());

        Run.Result viaJbang = ok(Run.command(Run.REPO.resolve("bin/jbang").toString(), "js-info@" + Run.REPO,
                "--show-config").in(dir).go());
        assertTrue(viaJbang.out().contains("\"nats://127.0.0.1:4222\"") && ShownConfig.joined(viaJbang.out())
                .contains("(" + Run.REPO.resolve("config.toml") + ":10 [nats] url)"), viaJbang.out());

        Run.Result withoutLauncher = ok(Run.script("JsInfo", "--show-config").in(Run.REPO).go());
        assertTrue(withoutLauncher.err().startsWith("WARN not read: ./config.toml, ./" + LAB_FILE), withoutLauncher.err());
    }

    /** The uid of no one on Debian: a file it owns is "another user's". */
    private static final String ANOTHER_USER = "65534";

    private static Path owned(Path file, String owner, String mode) throws Exception {
        for (String[] command : new String[][] {{"chown", owner, file.toString()}, {"chmod", mode, file.toString()}}) {
            assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor(), String.join(" ", command));
        }
        return file;
    }

    /** A context that anyone may edit, or that someone else owns, chooses no server and sends no password. */
    @Test
    void aContextOthersCanChangeIsNotRead() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            String context = "{\"url\": \"" + recorder.url() + "\", \"user\": \"me\", \"password\": \"" + STOLEN + "\"}";
            Path everyone = owned(Files.writeString(dir.resolve("everyone.json"), context), "root", "666");
            Run.Result writable = Run.script("JsPub", "--context", everyone.toString(), "x").go();
            assertEquals(Exit.CONFIG, writable.exit(), writable.toString());
            assertEquals("ERROR flag --context: natscli context file " + everyone + " can be changed by other users of "
                    + "this machine (mode 666): it is not read until you run chmod go-w " + everyone + "\n", writable.err());

            Path home = dir.resolve("xdg");
            Files.createDirectories(home.resolve("nats/context"));
            owned(Files.writeString(home.resolve("nats/context/theirs.json"), context), ANOTHER_USER, "644");
            Run.Result foreign = Run.script("JsPub", "x").env("XDG_CONFIG_HOME", home.toString())
                    .env("NATS_CONTEXT", "theirs").go();
            assertEquals(Exit.CONFIG, foreign.exit(), foreign.toString());
            assertTrue(foreign.err().startsWith("ERROR env NATS_CONTEXT: natscli context file "
                    + home.resolve("nats/context/theirs.json") + " belongs to another user ("), foreign.err());
            assertEquals(0, recorder.accepted(), "nothing may reach the server such a context chose");
            assertFalse((writable.err() + foreign.err()).contains(STOLEN));
        }
    }

    /**
     * A file of your own in a folder others can change (writable by all without the sticky bit, or
     * another user's) can be swapped for theirs at any time: as ssh does, such a folder is not trusted.
     */
    @Test
    void aFileInAFolderOthersCanChangeIsNotRead() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            String context = "{\"url\": \"" + recorder.url() + "\", \"user\": \"me\", \"password\": \"" + STOLEN + "\"}";
            Path open = Files.createDirectories(dir.resolve("open/nats/context"));
            owned(open, "root", "777");
            Path mine = owned(Files.writeString(open.resolve("c1.json"), context), "root", "600");
            Run.Result shared = Run.script("JsPub", "--context", "c1", "x")
                    .env("XDG_CONFIG_HOME", dir.resolve("open").toString()).go();
            assertEquals(Exit.CONFIG, shared.exit(), shared.toString());
            assertEquals("ERROR flag --context: natscli context file " + mine + " is in folder " + open + ", which other "
                    + "users of this machine can change (mode 777): it is not read until you run chmod go-w " + open
                    + "\n", shared.err());

            Path theirs = Files.createDirectories(dir.resolve("theirs"));
            owned(theirs, ANOTHER_USER, "755");
            Path lab = owned(Files.writeString(theirs.resolve("lab.toml"), "[nats]\nurl = \"" + recorder.url() + "\"\n"),
                    "root", "600");
            Run.Result foreign = Run.script("JsPub", "--lab-config", lab.toString(), "x").go();
            assertEquals(Exit.CONFIG, foreign.exit(), foreign.toString());
            assertTrue(foreign.err().startsWith("ERROR config file " + lab + " is in folder " + theirs
                    + ", which belongs to another user ("), foreign.err());
            assertEquals(0, recorder.accepted(), "nothing may reach the server such a file chose");
            assertFalse((shared.err() + foreign.err()).contains(STOLEN));

            owned(open, "root", "1777"); // sticky, as /tmp: others cannot rename or remove your file
            Run.Result sticky = Run.script("JsInfo", "--context", "c1", "--show-config")
                    .env("XDG_CONFIG_HOME", dir.resolve("open").toString()).go();
            assertEquals(0, sticky.exit(), sticky.toString());
        }
    }

    /**
     * What is read is what was checked: a name swapped for a link to another user's file after the
     * check, or a folder on the way swapped for a link, is not read; while one thread keeps swapping
     * the name, every read gives your file or refuses, never theirs.
     */
    @Test
    void aFileSwappedAfterItsCheckIsNotRead() throws Exception {
        Path mine = owned(Files.writeString(dir.resolve("mine.toml"), "mine\n"), "root", "600");
        Path theirs = owned(Files.writeString(dir.resolve("theirs.toml"), "THEIRS\n"), ANOTHER_USER, "644");
        Path name = dir.resolve("config.toml");
        Files.createSymbolicLink(name, theirs); // as if swapped in right after the check by name
        IOException link = assertThrows(IOException.class, () -> CheckedFiles.read(name));
        assertEquals("is a link, not a regular file", link.getMessage());
        Path folder = Files.createDirectories(dir.resolve("real"));
        Files.copy(mine, folder.resolve("mine.toml"));
        Files.createSymbolicLink(dir.resolve("swapped"), folder);
        assertThrows(IOException.class, () -> CheckedFiles.read(dir.resolve("swapped/mine.toml")));
        assertEquals("mine\n", new String(CheckedFiles.read(folder.resolve("mine.toml")), StandardCharsets.UTF_8));

        Files.delete(name);
        Files.copy(mine, name);
        Path swapLink = dir.resolve("link.tmp");
        Path swapFile = dir.resolve("file.tmp");
        AtomicBoolean swapping = new AtomicBoolean(true);
        Thread swapper = new Thread(() -> {
            try {
                while (swapping.get()) { // rename() replaces the name in one step: a link to theirs, then ours again
                    Files.createSymbolicLink(swapLink, theirs);
                    Files.move(swapLink, name, StandardCopyOption.ATOMIC_MOVE);
                    Files.copy(mine, swapFile, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(swapFile, name, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        swapper.start();
        int readMine = 0;
        int refused = 0;
        try {
            for (long end = System.nanoTime() + 3_000_000_000L; System.nanoTime() < end; ) {
                try {
                    String text = CheckedFiles.text(name, problem -> Exit.config("%s", problem));
                    assertEquals("mine\n", text, "another user's file was read as yours");
                    readMine++;
                } catch (LabException e) {
                    refused++;
                }
            }
        } finally {
            swapping.set(false);
            swapper.join();
        }
        assertTrue(readMine + refused > 100, readMine + " reads, " + refused + " refused");
    }

    /** A --lab-config owned by another user and writable by all points no token_file anywhere. */
    @Test
    void aConfigFileOthersCanChangeIsNotRead() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            Path secret = Files.writeString(dir.resolve("id_key"), STOLEN + "\n");
            Path lab = owned(Files.writeString(dir.resolve("lab.toml"), "[nats]\nurl = \"" + recorder.url() + "\"\n"
                    + "[nats.auth]\ntoken_file = \"" + secret + "\"\n"), ANOTHER_USER, "666");
            Run.Result result = Run.script("JsPub", "--lab-config", lab.toString(), "x").go();
            assertEquals(Exit.CONFIG, result.exit(), result.toString());
            assertTrue(result.err().startsWith("ERROR config file " + lab + " belongs to another user ("), result.err());
            assertEquals(1, result.err().lines().count(), result.err());

            owned(lab, "root", "600");
            owned(secret, ANOTHER_USER, "600"); // the secret file itself someone else's: not read either
            Run.Result foreignSecret = Run.script("JsPub", "--lab-config", lab.toString(), "x").go();
            assertEquals(Exit.CONFIG, foreignSecret.exit(), foreignSecret.toString());
            assertTrue(foreignSecret.err().startsWith("ERROR " + lab + ":4 [nats.auth] token_file: file " + secret
                    + " belongs to another user ("), foreignSecret.err());
            assertEquals(0, recorder.accepted());
        }
    }

    /** An inline password in a file other users can read gets the same warning as a password file. */
    @Test
    void anInlinePasswordInAReadableFileGetsAWarning() throws Exception {
        bootstrap();
        Path context = owned(Files.writeString(dir.resolve("lab.json"), "{\"url\": \"" + server.url() + "\", "
                + "\"token\": \"unused-but-inline\"}"), "root", "644");
        Run.Result viaContext = Run.script("JsInfo", "--show-config", "--context", context.toString()).go();
        assertTrue(viaContext.err().contains("WARN context " + context + " token: " + context
                + " can be read by other users of this machine (mode 644): chmod 600 " + context), viaContext.err());
        Path lab = owned(Files.writeString(dir.resolve("lab.toml"), "[nats.auth]\nuser = \"me\"\npassword = \"inline\"\n"),
                "root", "644");
        Run.Result viaFile = Run.script("JsInfo", "--show-config", "--lab-config", lab.toString()).go();
        assertTrue(viaFile.err().contains("WARN " + lab + ":3 [nats.auth] password: " + lab + " can be read by other "
                + "users of this machine (mode 644): chmod 600 " + lab), viaFile.err());
    }

    /** natscli reads a selected context from its own folder only: a NAME.json in the working folder is not it. */
    @Test
    void aSelectedContextIsNeverReadFromTheWorkingFolder() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            Path home = dir.resolve("xdg");
            Files.createDirectories(home.resolve("nats/context"));
            Files.writeString(home.resolve("nats/context.txt"), "planted.json");
            Path work = Files.createDirectories(dir.resolve("work"));
            Files.writeString(work.resolve("planted.json"), "{\"url\": \"" + recorder.url() + "\"}");
            Run.Result result = Run.script("JsPub", "x").in(work).env("XDG_CONFIG_HOME", home.toString()).go();
            assertEquals(Exit.CONFIG, result.exit(), result.toString());
            assertEquals("ERROR natscli's selected context planted.json has no file "
                    + home.resolve("nats/context/planted.json.json") + ": select another with `nats context select`, or "
                    + "add --no-context\n", result.err());
            assertEquals(0, recorder.accepted());

            Run.Result climbing = Run.script("JsPub", "--context", "../planted", "x").in(work)
                    .env("XDG_CONFIG_HOME", home.toString()).go();
            assertEquals(Exit.CONFIG, climbing.exit(), climbing.toString());
            assertEquals("ERROR flag --context: ../planted is neither a context name nor a .json file that exists: "
                    + "`nats context ls` lists your contexts\n", climbing.err());

            // a relative XDG_CONFIG_HOME is not a place (the XDG spec says to ignore it): never the working folder
            Files.createDirectories(work.resolve("rel/nats/context"));
            Files.writeString(work.resolve("rel/nats/context.txt"), "planted");
            Files.writeString(work.resolve("rel/nats/context/planted.json"), "{\"url\": \"" + recorder.url() + "\"}");
            Run.Result relative = Run.script("JsInfo", "--show-config").in(work).env("XDG_CONFIG_HOME", "rel")
                    .env("HOME", Files.createDirectories(dir.resolve("home")).toString()).go();
            assertEquals(0, relative.exit(), relative.toString());
            assertFalse(relative.out().contains("planted"), relative.out());
            // nor is a relative HOME
            Files.createDirectories(work.resolve("h/.config/nats/context"));
            Files.writeString(work.resolve("h/.config/nats/context.txt"), "planted");
            Files.writeString(work.resolve("h/.config/nats/context/planted.json"), "{\"url\": \"" + recorder.url() + "\"}");
            Run.Result relativeHome = Run.script("JsInfo", "--show-config").in(work).env("XDG_CONFIG_HOME", "").env("HOME", "h").go();
            assertEquals(0, relativeHome.exit(), relativeHome.toString());
            assertFalse(relativeHome.out().contains("planted"), relativeHome.out());
            assertEquals(0, recorder.accepted());
        }
    }
}
