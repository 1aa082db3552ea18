// Files a setting points at, as a hostile or careless user might give them:
// FIFOs, devices, folders and huge files are one line, never a hang or an
// OutOfMemoryError; secret files others can read get a warning, as ssh gives; .creds and nkey
// files are parsed the way jnats reads them, and a broken one is named with what is wrong.

import io.nats.client.NKey;
import io.nats.client.support.Encoding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostileFilesTest extends WithSecured {
    static Path fifo;
    /** A FIFO named like a context file: natscli reads --context as a file only when it ends in .json. */
    static Path jsonFifo;
    static Path huge;

    @BeforeAll
    static void makeFiles() throws Exception {
        fifo = secured.dir.resolve("pipe");
        WithServer.ok(Run.command("mkfifo", fifo.toString()).go());
        jsonFifo = secured.dir.resolve("pipe.json");
        WithServer.ok(Run.command("mkfifo", jsonFifo.toString()).go());
        huge = secured.dir.resolve("huge.creds");
        try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(3L << 30); // 3 GiB, sparse: nothing is written
        }
    }

    /**
     * Each one a single line with the exit code for where the path came from, well within the test's
     * timeout. (A device as --config or --creds is in the README's bad-input table.)
     */
    @Test
    void fifosDevicesFoldersAndHugeFilesAreOneLine() throws Exception {
        String config = WithServer.tomlFile("[nats.auth]\npassword_file = \"/dev/zero\"\nuser = \"alice\"\n");
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("--config", fifo.toString()), "ERROR config file " + fifo + " is a FIFO (named pipe), not a "
                + "regular file: name the config file itself");
        cases.put(List.of("--config", huge.toString()), "ERROR config file " + huge + " is 3,221,225,472 bytes, far more "
                + "than such a file holds (1024 KiB at most)");
        cases.put(List.of("--creds", huge.toString()), "ERROR flag --creds: file " + huge + " is 3,221,225,472 bytes, far "
                + "more than such a file holds (1024 KiB at most)");
        cases.put(List.of("--nkey", fifo.toString()), "ERROR flag --nkey: file " + fifo + " is a FIFO (named pipe), not a "
                + "regular file");
        cases.put(List.of("--tlsca", secured.dir.toString()), "ERROR flag --tlsca: file " + secured.dir + " is a folder, "
                + "not a file");
        cases.put(List.of("--context", jsonFifo.toString()), "ERROR flag --context: natscli context file " + jsonFifo
                + " is a FIFO (named pipe), not a regular file");
        cases.put(List.of("--lab-config", config), "ERROR " + config + ":2 [nats.auth] password_file: file /dev/zero is "
                + "a character device, not a regular file");
        for (Map.Entry<List<String>, String> each : cases.entrySet()) {
            Run.Result result = Run.script("JsInfo", each.getKey().toArray(String[]::new)).timeout(60).go();
            boolean fromFlag = !each.getKey().get(0).contains("config") && !each.getKey().get(0).equals("--context");
            assertEquals(fromFlag ? Exit.USAGE : Exit.CONFIG, result.exit(), each.getKey() + "\n" + result);
            assertEquals(each.getValue() + "\n", result.err(), each.getKey().toString());
        }
        Path loop = secured.dir.resolve("loop.toml");
        Files.createSymbolicLink(loop, loop);
        Run.Result looped = Run.script("JsInfo", "--config", loop.toString()).timeout(60).go();
        assertEquals(Exit.CONFIG, looped.exit(), looped.toString());
        assertTrue(looped.err().startsWith("ERROR config file " + loop + " cannot be read (Too many levels of symbolic links"),
                looped.err());
        Run.Result empty = Run.script("JsInfo", "--config", "").timeout(60).go();
        assertEquals(Exit.CONFIG, empty.exit(), empty.toString());
        assertTrue(empty.err().matches("ERROR config file +is an empty path: name the file.*\n"), empty.err());
        Run.Result fromEnv = Run.script("JsInfo").env("NATS_CREDS", fifo.toString()).timeout(60).go();
        assertEquals(Exit.CONFIG, fromEnv.exit(), fromEnv.toString());
        assertEquals("ERROR env NATS_CREDS: file " + fifo + " is a FIFO (named pipe), not a regular file\n", fromEnv.err());
    }

    /** picocli would read `@FILE` as more arguments (a FIFO hangs, /dev/zero fills the memory): a message starting with @ is a message. */
    @Test
    void anArgumentStartingWithAtIsAMessageNotAFileToRead() throws Exception {
        server = NatsServer.startWithJetStream();
        WithServer.ok(Run.script("JsBootstrap").server(server).go());
        Path arguments = Files.writeString(secured.dir.resolve("arguments"), "--subject\nelsewhere\n");
        for (String message : List.of("@" + fifo, "@/dev/zero", "@" + arguments)) {
            Run.Result pub = WithServer.ok(Run.script("JsPub", message).server(server).timeout(60).go());
            assertTrue(pub.out().startsWith("INFO published \"" + message + "\" to stream LAB4_STREAM"), pub.out());
        }
    }

    @Test
    void secretFilesOthersCanReadGetAWarning() throws Exception {
        Path creds = secured.dir.resolve("readable.creds");
        server = NatsServer.startWithConfig(secured.operatorConfig(creds, false));
        WithServer.ok(Run.script("JsBootstrap", "--creds", creds.toString()).server(server).go());
        Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-r--r--"));
        Run.Result warned = WithServer.ok(Run.script("JsPub", "--creds", creds.toString(), "x").server(server).go());
        assertEquals("WARN flag --creds: " + creds + " can be read by other users of this machine (mode 644): chmod 600 "
                + creds + "\n", warned.err());
        Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-------"));
        assertEquals("", WithServer.ok(Run.script("JsPub", "--creds", creds.toString(), "x").server(server).go()).err());
    }

    /** As for .creds: an nkey seed file others can read gets one warning line, and the run goes on. */
    @Test
    void anNkeySeedOthersCanReadGetsAWarning() throws Exception {
        Path seed = secured.dir.resolve("readable.nk");
        server = NatsServer.startWithConfig(secured.nkeyConfig(seed));
        Files.setPosixFilePermissions(seed, PosixFilePermissions.fromString("rw-r--r--"));
        Run.Result warned = WithServer.ok(Run.script("JsBootstrap", "--nkey", seed.toString()).server(server).go());
        assertEquals("WARN flag --nkey: " + seed + " can be read by other users of this machine (mode 644): chmod 600 "
                + seed + "\n", warned.err());
        Run.Result fromEnv = WithServer.ok(Run.script("JsPub", "x").server(server).env("NATS_NKEY", seed.toString()).go());
        assertEquals("WARN env NATS_NKEY: " + seed + " can be read by other users of this machine (mode 644): chmod 600 "
                + seed + "\n", fromEnv.err());
        Files.setPosixFilePermissions(seed, PosixFilePermissions.fromString("rw-------"));
        assertEquals("", WithServer.ok(Run.script("JsPub", "--nkey", seed.toString(), "x").server(server).go()).err());
    }

    /** Claims that a hostile .creds file can hold: each is one line naming the file and the problem. */
    @Test
    void brokenJwtsAreNamedForWhatIsWrong() throws Exception {
        String header = Encoding.toBase64Url("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}");
        Map<String, String> jwts = new java.util.LinkedHashMap<>();
        jwts.put(header + ".!!!not-base64!!!.sig", "the user JWT in it is not valid base64url");
        jwts.put(header + "." + Encoding.toBase64Url("not json") + ".sig", "the user JWT in it has claims that are not a "
                + "JSON object");
        jwts.put(header + "." + Encoding.toBase64Url("[1,2]") + ".sig", "the user JWT in it has claims that are not a "
                + "JSON object");
        jwts.put(header + "." + Encoding.toBase64Url("[".repeat(200_000)) + ".sig", "the user JWT in it has claims that "
                + "are not a JSON object");
        jwts.put(header + "." + Encoding.toBase64Url("{\"exp\":\"tomorrow\"}") + ".sig", "the user JWT in it has an "
                + "\"exp\" claim that is not a number of seconds");
        jwts.put("only.two", "the user JWT in it is not a JWT (three parts separated by dots)");
        for (Map.Entry<String, String> jwt : jwts.entrySet()) {
            Path creds = Files.writeString(secured.dir.resolve("hostile.creds"),
                    Secured.creds(jwt.getKey(), new String(NKey.createUser(null).getSeed())));
            Secured.ownerOnly(creds);
            Run.Result result = Run.script("JsInfo", "--creds", creds.toString()).go();
            assertEquals(Exit.CONFIG, result.exit(), result.toString());
            assertEquals("ERROR flag --creds: " + creds + ": " + jwt.getValue() + ": download the .creds file again\n",
                    result.err());
        }
        Path noSeed = Files.writeString(secured.dir.resolve("no-seed.creds"), "-----BEGIN NATS USER JWT-----\n" + header
                + "." + Encoding.toBase64Url("{}") + ".sig\n------END NATS USER JWT------\n");
        Run.Result result = Run.script("JsInfo", "--creds", noSeed.toString()).go();
        assertEquals("ERROR flag --creds: " + noSeed + ": its USER NKEY SEED block holds no valid user seed: download "
                + "the .creds file again\n", result.err());
    }

    /** exp the JSON way: only the top-level claim counts, a float is not cut, a huge one is far future, a little skew is allowed. */
    @Test
    void expiryIsReadFromTheClaimsAsJson() throws Exception {
        Path creds = secured.dir.resolve("exp.creds");
        server = NatsServer.startWithConfig(secured.operatorConfig(creds, false));
        WithServer.ok(Run.script("JsBootstrap", "--creds", creds.toString()).server(server).go());

        secured.writeCreds(creds, "", ",\"limits\":{\"exp\":1}"); // an "exp" nested elsewhere is not the JWT's
        WithServer.ok(Run.script("JsPub", "--creds", creds.toString(), "nested").server(server).go());
        secured.writeCreds(creds, ",\"exp\":1e30", ""); // beyond a long: far in the future here; the server decides
        Run.Result huge = Run.script("JsPub", "--creds", creds.toString(), "x").server(server).go();
        assertTrue(huge.exit() == 0 || huge.err().startsWith("ERROR the server at " + server.url() + " refused the login"),
                huge.toString());
        assertTrue(huge.err().lines().count() <= 1, "one line at most, no stack trace: " + huge);

        long past = Instant.now().getEpochSecond() - 3600;
        secured.writeCreds(creds, ",\"exp\":" + past + ".9", ""); // a float an hour ago: expired, not truncated to a crash
        Run.Result expired = Run.script("JsPub", "--creds", creds.toString(), "x").server(server).go();
        assertEquals(Exit.CONFIG, expired.exit(), expired.toString());
        assertEquals("ERROR flag --creds: the user JWT in " + creds + " expired at " + Instant.ofEpochSecond(past)
                + ": get fresh credentials\n", expired.err());

        // expired 30 s ago: within the clock skew allowed here, so the server itself refuses it
        secured.writeCreds(creds, ",\"exp\":" + (Instant.now().getEpochSecond() - 30), "");
        Run.Result server = Run.script("JsPub", "--creds", creds.toString(), "x").server(this.server).go();
        assertEquals(Exit.UNREACHABLE, server.exit(), server.toString());
        assertTrue(server.err().startsWith("ERROR the server at " + this.server.url() + " refused the login with the user "
                + "in " + creds + ": authorization violation"), server.err());
    }

    @Test
    void nkeyFilesHoldOneSeedAndNothingElse() throws Exception {
        Path seed = secured.dir.resolve("user.nk");
        server = NatsServer.startWithConfig(secured.nkeyConfig(seed));
        String theSeed = Files.readString(seed).trim();
        WithServer.ok(Run.script("JsBootstrap", "--nkey", seed.toString()).server(server).go());

        Path decorated = Secured.ownerOnly(Files.writeString(secured.dir.resolve("decorated.nk"),
                "-----BEGIN USER NKEY SEED-----\n" + theSeed + "\n------END USER NKEY SEED------\n"));
        WithServer.ok(Run.script("JsPub", "--nkey", decorated.toString(), "decorated").server(server).go());

        String oneLine = "it must hold one user nkey seed (a line of 58 characters starting with SU) and nothing else: "
                + "use the seed file nsc or `nk -gen user` wrote";
        Map<String, String> broken = Map.of(
                "hello\n" + theSeed + "\n", oneLine,
                theSeed + "\nextra\n", oneLine,
                // a character in the middle: the last one also carries padding bits, which no checksum covers
                theSeed.substring(0, 30) + (theSeed.charAt(30) == 'A' ? "B" : "A") + theSeed.substring(31) + "\n",
                "the nkey seed in it is damaged (its checksum does not match): copy it again");
        for (Map.Entry<String, String> content : broken.entrySet()) {
            Path file = Secured.ownerOnly(Files.writeString(secured.dir.resolve("broken.nk"), content.getKey()));
            Run.Result result = Run.script("JsPub", "--nkey", file.toString(), "x").server(server).go();
            assertEquals(Exit.CONFIG, result.exit(), result.toString());
            assertEquals("ERROR flag --nkey: " + file + ": " + content.getValue() + "\n", result.err());
            assertTrue(!result.err().contains(theSeed.substring(2, 20)), "no part of a seed is printed");
        }
    }

    /** A config or context file nested deeper than the parser's stack: one line, no StackOverflowError. */
    @Test
    void deeplyNestedConfigAndContextFilesAreOneLine() throws Exception {
        Path toml = Files.writeString(secured.dir.resolve("deep.toml"), "a = " + "[".repeat(100_000));
        Run.Result config = Run.script("JsInfo", "--config", toml.toString()).go();
        assertEquals(Exit.CONFIG, config.exit(), config.toString());
        assertEquals(1, config.err().lines().count(), config.err());
        assertTrue(config.err().startsWith("ERROR " + toml), config.err());
        Path json = Files.writeString(secured.dir.resolve("deep.json"), "[".repeat(200_000));
        Run.Result context = Run.script("JsInfo", "--context", json.toString()).go();
        assertEquals("ERROR flag --context: natscli context file " + json + " is not a JSON object: fix its JSON\n",
                context.err());
    }
}
