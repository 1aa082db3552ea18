// Secrets kept off screens and process lists: a token or
// password in a URL, a flag, an env variable or a context is masked in every script's every
// message (errors, --verbose, --show-config, lists, bad flags); a secret given as a flag gets a
// warning; the lab's own launchers never put one on a child's command line.

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsTest {
    private static final String TOKEN = Secured.TOKEN;
    private static final String WRONG = "wrong-token-Q5v1-secret";
    private static final String ENCODED = "p%40ss-Z9k3-secret"; // the server gets p@ss-Z9k3-secret
    static Secured secured;
    static NatsServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        secured = new Secured();
        server = NatsServer.startWithConfig(secured.tokenConfig());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        secured.delete();
    }

    private static String withToken(String token) {
        return "nats://" + token + "@127.0.0.1:" + server.port;
    }

    /** Every output of every run here goes through this: no secret, whole or percent-decoded. */
    private static Run.Result clean(Run.Result result) {
        for (String secret : List.of(TOKEN, WRONG, ENCODED, "p@ss-Z9k3-secret", Secured.ALICE_PASSWORD)) {
            assertFalse(result.out().contains(secret) || result.err().contains(secret), "a secret was printed: " + result);
        }
        return result;
    }

    @Test
    void aTokenInTheUrlWorksAndIsNeverPrinted() throws Exception {
        String url = withToken(TOKEN);
        for (String script : List.of("JsBootstrap", "JsPub", "JsPull", "JsInfo", "JsPurge")) {
            Run.Result result = clean(Run.script(script, args(script, "--server", url)).go());
            assertEquals(0, result.exit(), result.toString());
            assertTrue(result.err().startsWith("WARN the login in --server is visible to every user of this machine (ps "
                    + "shows command lines)"), result.err());
            Run.Result fromEnv = clean(WithServer.ok(Run.script(script, args(script)).env("NATS_URL", url).go()));
            assertEquals("", fromEnv.err(), "from env: no warning needed");
        }
    }

    /** Every error path, each script, with and without --verbose, from flag and env, in a list: masked. */
    @Test
    void aWrongTokenInTheUrlIsMaskedInEveryErrorPath() throws Exception {
        String wrong = withToken(WRONG);
        String dead = "nats://" + WRONG + "@127.0.0.1:" + NatsServer.deadPort();
        for (String script : List.of("JsBootstrap", "JsPub", "JsPull", "JsInfo", "JsPurge")) {
            for (String url : List.of(wrong, dead, dead + "," + wrong, "tls://" + WRONG + "@127.0.0.1:" + server.port)) {
                Run.Result verbose = clean(Run.script(script, args(script, "--server", url, "--verbose")).go());
                assertEquals(Exit.UNREACHABLE, verbose.exit(), verbose.toString());
                assertTrue(verbose.err().contains("nats://****@127.0.0.1:") || verbose.err().contains("tls://****@"),
                        verbose.err());
                assertTrue(verbose.err().contains("\tat "), "with its stack trace: " + verbose.err());
                clean(Run.script(script, args(script)).env("NATS_URL", url).go());
            }
        }
        Run.Result notFound = clean(Run.script("JsInfo", "--stream", "NOPE").env("NATS_URL", withToken(TOKEN)).go());
        assertEquals("ERROR stream NOPE not found at nats://****@127.0.0.1:" + server.port + ": run js-bootstrap first\n",
                notFound.err());
    }

    /** The script's arguments: these, and a message for js-pub (js-pull only waits 1s: none come). */
    private static String[] args(String script, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (script.equals("JsPub")) {
            all.add("hello");
        } else if (script.equals("JsPull") && !all.contains("--wait")) {
            all.addAll(List.of("--wait", "1"));
        }
        return all.toArray(String[]::new);
    }

    @Test
    void secretsInSettingsThatAreRefusedAreMaskedToo() throws Exception {
        List<Map.Entry<String[], String>> cases = List.of(
                Map.entry(new String[] {"--server", "nats://" + TOKEN + "@127.0.0.1:99999"}, "flag --server: "
                        + "\"nats://****@127.0.0.1:99999\" is not valid: the port must be a number from 1 to 65535, got 99999"),
                Map.entry(new String[] {"--server", "nats://alice:" + ENCODED + "@host:1,opentls://x"}, "flag --server: "
                        + "\"nats://alice:****@host:1,opentls://x\" is not valid: entry 2 of the list: opentls://"),
                Map.entry(new String[] {"--server", "nats://my " + TOKEN + "@host:1"}, "flag --server: \"nats://****@host:1\""
                        + " is not valid: its user or token part holds characters a URL cannot"),
                // a login too short to mask as free text, with a blank that ends a URL there: masked by where it stands
                Map.entry(new String[] {"--server", "nats://a b@host:1"}, "flag --server: \"nats://****@host:1\" is not valid"),
                Map.entry(new String[] {"--server", "nats://u:\" w@h o st:1"}, "flag --server: \"nats://u:****@h o st:1\" is not valid"),
                Map.entry(new String[] {"--tokn", TOKEN}, "Unknown option: '--tokn' (see js-info --help)"),
                Map.entry(new String[] {"--token=" + TOKEN, "--pasword=" + TOKEN}, "Unknown option: '--pasword=...'"),
                Map.entry(new String[] {"--password", TOKEN, "--timeout", TOKEN}, "flag --timeout: \"****\" is not valid"));
        for (Map.Entry<String[], String> each : cases) {
            Run.Result result = clean(Run.script("JsInfo", each.getKey()).go());
            assertTrue(result.exit() == Exit.USAGE || result.exit() == Exit.CONFIG, result.toString());
            assertTrue(result.err().startsWith("ERROR " + each.getValue()), result.err());
        }
        // --show-config shows a refused server list as the refusal does: a short login with a blank masked too
        for (String url : List.of("nats://a b@host:1", "nats://u:\" w@h o st:1")) {
            Run.Result shown = clean(Run.script("JsInfo", "--show-config").env("NATS_URL", url).go());
            assertTrue(shown.out().contains("nats.url = \"nats://" + (url.contains("u:") ? "u:" : "") + "****@"), shown.toString());
            assertFalse(shown.out().contains(url.substring(7, url.indexOf('@'))), shown.toString());
        }
        // A typo on a password's line: tomlj quotes what it could not read, which there is part of the password.
        for (String line : List.of("password = 123" + TOKEN, "password = \"ok\" " + TOKEN, "token = 42" + TOKEN)) {
            Path file = Files.writeString(dir.resolve("typo.toml"), "[nats.auth]\nuser = \"alice\"\n" + line + "\n");
            Run.Result typo = clean(Run.script("JsInfo", "--config", file.toString()).go());
            assertEquals(Exit.CONFIG, typo.exit(), typo.toString());
            assertEquals("ERROR " + file + ":3: not valid TOML: Unexpected (text not shown: a secret): a secret is one quoted "
                    + "string after its key, e.g. password = \"...\"\n", typo.err());
        }
        // ... also inside an inline table, where the line's own key is another (auth, nats).
        for (String text : List.of("[nats]\nauth = { user = \"alice\", password = 8f3a" + TOKEN + " }\n",
                "nats = { auth = { token = 12" + TOKEN + " } }\n")) {
            Path file = Files.writeString(dir.resolve("inline.toml"), text);
            Run.Result typo = clean(Run.script("JsInfo", "--config", file.toString()).go());
            assertEquals(Exit.CONFIG, typo.exit(), typo.toString());
            assertTrue(typo.err().contains("not valid TOML: Unexpected (text not shown: a secret)"), typo.err());
        }
        Run.Result percent = clean(Run.script("JsInfo", "--show-config-lines")
                .env("NATS_URL", "nats://alice:" + ENCODED + "@127.0.0.1:1").go());
        assertTrue(percent.outLines().contains("nats.url=nats://alice:****@127.0.0.1:1"), percent.out());
    }

    @Test
    void aSecretFromAFlagGetsAWarningAndTheHelpSaysSo() throws Exception {
        Run.Result flags = clean(Run.script("JsBootstrap", "--server", server.url(), "--token", TOKEN).go());
        assertEquals(0, flags.exit(), flags.toString());
        assertEquals("WARN --token is visible to every user of this machine (ps shows command lines): use NATS_TOKEN, "
                + "[nats.auth] password_file/token_file or *_env in a config file you name, or a natscli "
                + "context instead\n", flags.err());
        assertEquals("", clean(WithServer.ok(Run.script("JsBootstrap", "--server", server.url()).env("NATS_TOKEN", TOKEN)
                .go())).err());
        String help = WithServer.ok(Run.script("JsPub", "--help").go()).out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--password=PASSWORD Password, seen by every user here in ps: prefer env "
                + "NATS_PASSWORD or password_file."), help);
        assertTrue(help.contains("--token=TOKEN Auth token, seen by every user here in ps"), help);
    }

    /**
     * bin/lab-server reads the URL and mode by running the script (make run, make server): a secret
     * given as a flag reaches that run in its environment, never on its command line. A stand-in
     * for bin/lab-run records what it got.
     */
    @Test
    void labServerPassesFlagSecretsThroughTheEnvironment() throws Exception {
        StandInLabRun lab = StandInLabRun.in(dir, "", "NATS_PASSWORD", "NATS_TOKEN", "NATS_URL");
        clean(lab.command("status", "js-info", "--user", "alice", "--password", Secured.ALICE_PASSWORD, "--token=" + TOKEN,
                "-s", withToken(WRONG), "--stream", "S").go());
        assertEquals(List.of("arg js-info", "arg --show-config-lines", "arg --user", "arg alice", "arg --stream", "arg S",
                "env NATS_PASSWORD=" + Secured.ALICE_PASSWORD, "env NATS_TOKEN=" + TOKEN, "env NATS_URL=" + withToken(WRONG)),
                lab.recorded());

        for (String clustered : List.of("-s" + withToken(WRONG), "-s=" + withToken(WRONG))) { // picocli's other forms
            clean(lab.command("status", "js-info", clustered).go());
            assertEquals(List.of("arg js-info", "arg --show-config-lines", "env NATS_PASSWORD=", "env NATS_TOKEN=",
                    "env NATS_URL=" + withToken(WRONG)), lab.recorded());
        }
        // a server list without a login is no secret: it stays a flag
        clean(lab.command("status", "js-info", "-s", "nats://127.0.0.1:1").go());
        assertEquals(List.of("arg js-info", "arg --show-config-lines", "arg -s", "arg nats://127.0.0.1:1", "env NATS_PASSWORD=",
                "env NATS_TOKEN=", "env NATS_URL="), lab.recorded());
    }

    /** Passwords with commas, colons and slashes, short and long: what the server-list reading would cut them at. */
    private static final List<String> ODD_PASSWORDS = List.of("Hunter2Secret,xyz", "pa,ssw0rd", "pa,ss", "pa:ss/w0rd",
            "Hunter2Secret:x/y,z", "p,q", "Hunter2:Secret");

    /** The password and every piece of it a comma, colon or slash would leave (at least 3 characters: "pa" is in words). */
    private static List<String> pieces(String password) {
        List<String> all = new ArrayList<>(List.of(password));
        for (String piece : password.split("[,:/]")) {
            if (piece.length() >= 3) {
                all.add(piece);
            }
        }
        return all;
    }

    private static Run.Result cleanOf(String password, Run.Result result) {
        for (String secret : pieces(password)) {
            assertFalse(result.out().contains(secret) || result.err().contains(secret), "\"" + secret + "\" was printed: "
                    + result);
        }
        assertFalse(result.err().contains(" got "), "no fragment of the URL quoted: " + result);
        return clean(result);
    }

    /**
     * A server (or a proxy) that says the client's CONNECT line back in its -ERR: the token and password in it, as
     * jnats writes them (JSON-escaped: a slash as \\/, a quote as \\"), are masked too.
     */
    @Test
    void aLoginSaidBackByTheServerIsMaskedInTheFormItWasSent() throws Exception {
        // the mark first: the -ERR is shown cut to its first 200 bytes, and the login comes late in the CONNECT line
        for (String[] login : new String[][] {{"NATS_TOKEN", "Z7q2/sec-ret"}, {"NATS_TOKEN", "Z7q2\"se\\c"},
                {"NATS_PASSWORD", "Z7q2/pass-w"}}) {
            try (java.net.ServerSocket echoing = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
                Thread answering = new Thread(() -> {
                    try (java.net.Socket client = echoing.accept()) {
                        client.getOutputStream().write(("INFO {\"server_id\":\"X\",\"version\":\"2.9.10\",\"proto\":1,"
                                + "\"max_payload\":1048576,\"auth_required\":true}\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        String connect = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                                java.nio.charset.StandardCharsets.UTF_8)).readLine();
                        client.getOutputStream().write(("-ERR '" + connect + "'\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } catch (Exception gone) {
                        // done
                    }
                });
                answering.setDaemon(true);
                answering.start();
                Run run = Run.script("JsInfo").env("NATS_URL", "nats://127.0.0.1:" + echoing.getLocalPort()).env(login[0], login[1]);
                Run.Result result = login[0].equals("NATS_PASSWORD") ? run.env("NATS_USER", "alice").go() : run.go();
                assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
                assertFalse(result.err().contains("Z7q2") || result.out().contains("Z7q2"), "a login was printed: " + result);
            }
        }
    }

    /** A comma, slash or colon in a URL's password: refused or used, never printed, from flag, env or config file. */
    @Test
    void aPasswordWithCommasColonsOrSlashesIsMaskedWhole() throws Exception {
        String refused = "is not valid: its user or token part holds characters a URL cannot";
        for (String password : ODD_PASSWORDS) {
            String url = "nats://alice:" + password + "@127.0.0.1:4222";
            boolean usable = !password.contains(",") && !password.contains("/");
            String shown = "\"nats://alice:****@127.0.0.1:4222\" " + refused;

            Run.Result flag = cleanOf(password, Run.script("JsInfo", "-s", url, "--show-config-lines").go());
            Run.Result env = cleanOf(password, Run.script("JsInfo", "--show-config-lines").env("NATS_URL", url).go());
            Path file = Files.writeString(dir.resolve("odd.toml"), "[nats]\nurl = \"" + url + "\"\n");
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Run.Result config = cleanOf(password, Run.script("JsInfo", "--config", file.toString(), "--show-config-lines").go());
            if (usable) {
                for (Run.Result result : List.of(flag, env, config)) {
                    assertTrue(result.outLines().contains("nats.url=nats://alice:****@127.0.0.1:4222"), result.toString());
                }
            } else {
                assertTrue(flag.err().startsWith("ERROR flag --server: " + shown), flag.toString());
                assertTrue(env.err().startsWith("ERROR env NATS_URL: " + shown), env.toString());
                assertTrue(config.err().startsWith("ERROR " + file + ":2 [nats] url: " + shown), config.toString());
            }
            // the same login first in a list, and after another entry
            for (String list : List.of(url + ",nats://127.0.0.1:4223", "nats://127.0.0.1:4223," + url,
                    "alice:" + password + "@127.0.0.1:4222")) {
                Run.Result result = cleanOf(password, Run.script("JsInfo", "--show-config-lines", "-s", list).go());
                assertEquals(usable ? Exit.OK : Exit.USAGE, result.exit(), result.toString());
            }
        }
    }

    /** A connection that fails (a dead port, a refused login), with --verbose and --trace: each line masks the login. */
    @Test
    void aPasswordWithAColonIsMaskedWhenTheConnectionFails() throws Exception {
        String password = "pa:ss:Hunter2Secret";
        for (String url : List.of("nats://alice:" + password + "@127.0.0.1:" + NatsServer.deadPort(),
                "nats://alice:" + password + "@127.0.0.1:" + server.port)) {
            for (String flag : List.of("--verbose", "--trace")) {
                Run.Result result = cleanOf(password, Run.script("JsInfo", "--server", url, flag).go());
                assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
                assertTrue(result.err().contains("nats://alice:****@127.0.0.1:"), result.err());
                cleanOf(password, Run.script("JsInfo", flag).env("NATS_URL", url).go());
            }
        }
    }

    /** The one masking function, on a line: the whole login up to the last @ before the host, whatever it holds. */
    @Test
    void aLoginIsMaskedUpToTheLastAtBeforeTheHost() {
        for (String password : ODD_PASSWORDS) {
            String url = "nats://alice:" + password + "@127.0.0.1:4222";
            assertEquals("ERROR \"nats://alice:****@127.0.0.1:4222\" is not valid", Secrets.NONE.mask("ERROR \"" + url
                    + "\" is not valid"));
            assertEquals("to nats://alice:****@h:1,nats://bob:****@127.0.0.1:4222 (refused)", Secrets.NONE.mask("to nats://alice:"
                    + password + "@h:1,nats://bob:" + password + "@127.0.0.1:4222 (refused)"));
            assertEquals("at ****@127.0.0.1:4222", Secrets.of("alice:" + password + "@127.0.0.1:4222").mask(
                    "at alice:" + password + "@127.0.0.1:4222"));
        }
        assertEquals("nats://****@h:1,h2:2", Secrets.NONE.mask("nats://pa,ss%2F@word@h:1,h2:2"));
        assertEquals("nats://h:1,tls://h2:2", Secrets.NONE.mask("nats://h:1,tls://h2:2"));
    }

    /** A secret with a backslash is masked also where a line shows it escaped (the backslash doubled). */
    @Test
    void aSecretIsMaskedInItsEscapedForm() {
        Secrets secrets = Secrets.of(null, "pa\\ss\"word");
        assertEquals("login **** refused", secrets.mask(Output.printable("login pa\\ss\"word refused")));
        assertEquals("login \"****\" refused", secrets.mask("login " + Output.quoted("pa\\ss\"word") + " refused"));
    }
}
