// Logging in: user/password, token, nkey and creds, from flags, env, config files and natscli
// contexts, against real nats-servers configured for each; and one clear line for every way a
// login fails. No output may ever contain a password or token.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginTest extends WithSecured {

    // ------------------------------------------------------------ user and password

    /**
     * A login refused by one node of a cluster, named alone: jnats meets the other nodes in its INFO, and once the
     * named one had failed (its only try, without reconnects) it kept trying those, without the login, for good. The
     * run ends in one line, exit 4, having tried only the server it was given.
     */
    @Test
    void aLoginRefusedByAServerWithPeersEndsTheRun() throws Exception {
        try (ConnectRecorder named = ConnectRecorder.start(); ConnectRecorder peer = ConnectRecorder.start()) {
            named.peers(peer);
            peer.peers(named);
            String url = named.url().replace("nats://", "nats://alice:Wr0ng@");
            Run.Result result = Run.script("JsInfo", "--server", url).timeout(60).go();
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertTrue(result.err().contains("ERROR the server at nats://alice:****@127.0.0.1:"), result.toString());
            assertTrue(result.err().contains(" refused the login with the login in the URL: authorization violation"), result.toString());
            assertEquals(0, peer.accepted(), "only the server named was tried: " + result);
        }
    }

    @Test
    void userAndPasswordFromFlags() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        theWholeLab(List.of("--user", "alice", "--password", Secured.ALICE_PASSWORD), List.of());
    }

    @Test
    void userAndPasswordFromTheEnvironment() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        theWholeLab(List.of(), List.of("NATS_USER", "alice", "NATS_PASSWORD", Secured.ALICE_PASSWORD));
    }

    @Test
    void passwordFromAnEnvVariableNamedInConfig() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        String config = WithServer.tomlFile("[nats.auth]\nuser = \"alice\"\npassword_env = \"LAB_PASSWORD\"\n");
        theWholeLab(List.of("--lab-config", config), List.of("LAB_PASSWORD", Secured.ALICE_PASSWORD));
    }

    @Test
    void passwordFromAFileNamedInConfig() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        Path secret = secured.dir.resolve("alice.password");
        Files.writeString(secret, Secured.ALICE_PASSWORD + "\n");
        String config = WithServer.tomlFile("[nats.auth]\nuser = \"alice\"\npassword_file = \"" + secret + "\"\n");
        theWholeLab(List.of("--lab-config", config), List.of());
        Run.Result shown = clean(script("JsPub", "--lab-config", config, "--show-config").go());
        assertTrue(shown.out().contains("  nats.auth.password = ****"), shown.out());
        assertTrue(shown.out().contains("[nats.auth] password_file"), shown.out());
    }

    @Test
    void wrongPasswordIsOneLineNamingTheUser() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        Run.Result result = clean(script("JsPub", "--user", "alice", "--verbose", "x").env("NATS_PASSWORD", Secured.BOB_PASSWORD).go());
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertTrue(result.err().startsWith("ERROR the server at " + server.url() + " refused the login with user "
                + "\"alice\" (with a password): authorization violation; check the credentials (--show-config shows "
                + "where each came from)\n"), result.err());
    }

    @Test
    void unknownUserIsOneLine() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        Run.Result result = clean(script("JsPub", "x").env("NATS_USER", "mallory")
                .env("NATS_PASSWORD", Secured.ALICE_PASSWORD).go());
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertEquals("ERROR the server at " + server.url() + " refused the login with user \"mallory\" (with a "
                + "password): authorization violation; check the credentials (--show-config shows where each came "
                + "from)\n", result.err());
    }

    @Test
    void noCredentialsAtAllSaysSo() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        Run.Result result = clean(script("JsPub", "x").go());
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertTrue(result.err().startsWith("ERROR the server at " + server.url() + " refused the login with a "
                + "connection without credentials: authorization violation"), result.err());
    }

    @Test
    void publishWithoutPermissionNamesTheSubject() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        ok(script("JsBootstrap", "--user", "alice").env("NATS_PASSWORD", Secured.ALICE_PASSWORD).go());
        Run.Result result = clean(script("JsPub", "--user", "bob", "x").env("NATS_PASSWORD", Secured.BOB_PASSWORD).go());
        assertEquals(Exit.FAILED, result.exit());
        assertEquals("ERROR permission denied: the server does not let user \"bob\" (with a password) publish to "
                + "lab4.stream\n", result.err());
        assertEquals("", result.out());
    }

    @Test
    void jetStreamApiWithoutPermissionNamesTheSubject() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        Run.Result result = clean(script("JsBootstrap", "--user", "bob").env("NATS_PASSWORD", Secured.BOB_PASSWORD).go());
        assertEquals(Exit.FAILED, result.exit());
        assertEquals("ERROR permission denied: the server does not let user \"bob\" (with a password) publish to "
                + "$JS.API.STREAM.CREATE.LAB4_STREAM (the JetStream API)\n", result.err());
    }

    @Test
    void subscribeWithoutPermissionNamesTheSubject() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        ok(script("JsBootstrap", "--user", "alice").env("NATS_PASSWORD", Secured.ALICE_PASSWORD).go());
        Run.Result result = clean(script("JsPub", "--user", "carol", "x").env("NATS_PASSWORD", Secured.BOB_PASSWORD).go());
        assertEquals(Exit.FAILED, result.exit(), result.toString());
        assertTrue(result.err().matches("ERROR permission denied: the server does not let user \"carol\" \\(with a "
                + "password\\) subscribe to _INBOX\\.\\S+\n"), result.err());
    }

    /** A listener the server may not let subscribe always says so (its -ERR and the wait race): never "done". */
    @Test
    void aListenerWithoutPermissionToSubscribeIsDeniedEveryTime() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        for (int i = 0; i < 5; i++) {
            Run.Result result = clean(script("NatsSub", "--user", "alice", "--wait", "3s", "lab4.stream")
                    .env("NATS_PASSWORD", Secured.ALICE_PASSWORD).go());
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            assertEquals("ERROR permission denied: the server does not let user \"alice\" (with a password) subscribe to "
                    + "lab4.stream\n", result.err());
            assertFalse(result.out().contains("done"), result.toString());
        }
    }

    @Test
    void userWithoutPasswordIsAConfigError() throws Exception {
        String config = WithServer.tomlFile("[nats.auth]\nuser = \"alice\"\n");
        Run.Result result = clean(Run.script("JsPub", "--lab-config", config, "x").go());
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR " + config + ":2 [nats.auth] user: a login needs a password too: set [nats.auth] "
                + "password_env or password_file (or NATS_PASSWORD, --password)\n", result.err());
    }

    @Test
    void passwordEnvNamingAnUnsetVariableIsAConfigError() throws Exception {
        String config = WithServer.tomlFile("[nats.auth]\nuser = \"alice\"\npassword_env = \"NOT_SET_ANYWHERE\"\n");
        Run.Result result = clean(Run.script("JsPub", "--lab-config", config, "x").go());
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR " + config + ":3 [nats.auth] password_env names the environment variable "
                + "NOT_SET_ANYWHERE, which is not set: export it, or remove the key\n", result.err());
    }

    // ------------------------------------------------------------------ token

    @Test
    void tokenFromFlagEnvAndConfig() throws Exception {
        server = NatsServer.startWithConfig(secured.tokenConfig());
        theWholeLab(List.of("--token", Secured.TOKEN), List.of());
        theWholeLab(List.of(), List.of("NATS_TOKEN", Secured.TOKEN));
        String config = WithServer.tomlFile("[nats.auth]\ntoken_env = \"LAB_TOKEN\"\n");
        theWholeLab(List.of("--lab-config", config), List.of("LAB_TOKEN", Secured.TOKEN));
    }

    @Test
    void wrongTokenIsOneLine() throws Exception {
        server = NatsServer.startWithConfig(secured.tokenConfig());
        Run.Result result = clean(script("JsInfo").env("NATS_TOKEN", "not-the-token").go());
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertTrue(result.err().startsWith("ERROR the server at " + server.url() + " refused the login with this "
                + "token: authorization violation"), result.err());
    }

    /**
     * A token holding a quote, a backslash and a tab is that token, from a flag, the environment and a URL
     * (percent-encoded); and a token written to look like more fields of the login (another user's name and
     * password) is only a wrong token. jnats writes a token into its CONNECT line as it is: the lab hands it
     * the token JSON-escaped.
     */
    @Test
    void aTokenWithQuotesAndBackslashesIsThatTokenAndNothingMore() throws Exception {
        server = NatsServer.startWithConfig("authorization { token: \"ab\\\"cd\\\\ef\\tgh\", " + Secured.LOGIN_TIMEOUT + " }\n");
        String odd = "ab\"cd\\ef\tgh";
        ok(clean(script("JsBootstrap", "--token", odd).go()));
        ok(clean(script("JsBootstrap").env("NATS_TOKEN", odd).go()));
        ok(clean(Run.script("JsBootstrap", "--server", server.url().replace("://", "://ab%22cd%5Cef%09gh@")).go()));
        server.close();

        server = NatsServer.startWithConfig(secured.usersConfig());
        String lookingLikeAlice = "x\",\"user\":\"alice\",\"pass\":\"" + Secured.ALICE_PASSWORD;
        for (Run run : List.of(script("JsBootstrap", "--token", lookingLikeAlice),
                Run.script("JsBootstrap", "--server", server.url().replace("://", "://x%22%2C%22user%22%3A%22alice%22%2C%22pass%22%3A%22"
                        + Secured.ALICE_PASSWORD + "@")))) {
            Run.Result result = clean(run.go());
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertTrue(result.err().contains(" refused the login with "), result.err());
        }
    }

    @Test
    void twoWaysToLogInAtOnceIsAConfigError() throws Exception {
        Run.Result result = clean(Run.script("JsInfo", "--token", Secured.TOKEN).env("NATS_USER", "alice")
                .env("NATS_PASSWORD", Secured.ALICE_PASSWORD).go());
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR more than one way to log in is set: user (env NATS_USER) and token (flag --token); keep one\n",
                result.err());
    }

    /**
     * Half of a user and password, and a token: the mistake is the two ways, not the missing password; typed as flags it
     * is a usage error. --show-config still shows every value and where it came from (secrets masked), then why a run
     * would stop.
     */
    @Test
    void twoWaysToLogInAreNamedBeforeAMissingHalf() throws Exception {
        Run.Result flags = clean(Run.script("JsInfo", "--user", "alice", "--token", Secured.TOKEN).go());
        assertEquals(Exit.USAGE, flags.exit(), flags.toString());
        assertEquals("ERROR more than one way to log in is set: user (flag --user) and token (flag --token); keep one\n",
                flags.err());

        Run.Result shown = clean(Run.script("JsInfo", "--show-config", "--token", Secured.TOKEN).env("NATS_USER", "alice").go());
        assertEquals(Exit.CONFIG, shown.exit(), shown.toString());
        assertTrue(shown.out().contains("  nats.auth.user = \"alice\"  (env NATS_USER)\n"), shown.out());
        assertTrue(shown.out().contains("  nats.auth.token = " + Secrets.MASK + "  (flag --token)\n"), shown.out());
        assertEquals("ERROR more than one way to log in is set: user (env NATS_USER) and token (flag --token); keep one\n",
                shown.err());
    }

    // ------------------------------------------------------------------- nkey

    @Test
    void nkeyFromFlagConfigAndEnv() throws Exception {
        Path seed = secured.dir.resolve("user.nk");
        server = NatsServer.startWithConfig(secured.nkeyConfig(seed));
        theWholeLab(List.of("--nkey", seed.toString()), List.of());
        String config = WithServer.tomlFile("[nats.auth]\nnkey_seed_file = \"" + seed + "\"\n");
        theWholeLab(List.of("--lab-config", config), List.of());
        theWholeLab(List.of(), List.of("NATS_NKEY", seed.toString()));
    }

    @Test
    void malformedNkeyFileNamesTheFile() throws Exception {
        Path seed = secured.dir.resolve("not-a-seed.nk");
        Files.writeString(seed, "hello\n");
        Run.Result result = clean(Run.script("JsInfo", "--nkey", seed.toString()).go());
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR flag --nkey: " + seed + ": it must hold one user nkey seed (a line of 58 characters starting "
                + "with SU) and nothing else: use the seed file nsc or `nk -gen user` wrote\n", result.err());
    }

    @Test
    void missingNkeyFileNamesTheFile() throws Exception {
        Run.Result result = clean(Run.script("JsInfo").env("NATS_NKEY", "/nowhere/user.nk").go());
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR env NATS_NKEY: file /nowhere/user.nk not found (or not readable)\n", result.err());
    }

    // ------------------------------------------------------------------ creds

    @Test
    void credsFromFlagEnvAndConfig() throws Exception {
        Path creds = secured.dir.resolve("lab.creds");
        server = NatsServer.startWithConfig(secured.operatorConfig(creds, false));
        theWholeLab(List.of("--creds", creds.toString()), List.of());
        theWholeLab(List.of(), List.of("NATS_CREDS", creds.toString()));
        String config = WithServer.tomlFile("[nats.auth]\ncreds_file = \"" + creds + "\"\n");
        theWholeLab(List.of("--lab-config", config), List.of());
    }

    @Test
    void expiredCredsSayTheyExpired() throws Exception {
        Path creds = secured.dir.resolve("expired.creds");
        server = NatsServer.startWithConfig(secured.operatorConfig(creds, true));
        Run.Result result = clean(script("JsInfo", "--creds", creds.toString()).go());
        assertEquals(Exit.CONFIG, result.exit(), result.toString());
        assertTrue(result.err().startsWith("ERROR flag --creds: the user JWT in " + creds + " expired at "), result.err());
        assertTrue(result.err().endsWith(": get fresh credentials\n"), result.err());
    }

    /**
     * The server itself refuses creds whose JWT has expired. js-pub checks the expiry when it reads
     * its config (the test above) with two minutes' grace for clocks that differ, and sends exactly
     * the bytes it checked: a JWT that ran out a minute ago passes that check, and the server (which
     * allows no grace) refuses it. Through a proxy, as the server's own words are the point.
     */
    @Test
    void expiredCredsAreRefusedByTheServerItself() throws Exception {
        Path creds = secured.dir.resolve("expiring.creds");
        server = NatsServer.startWithConfig(secured.operatorConfig(creds, false) + "debug: true\n"); // to log why it refuses
        try (Proxy proxy = Proxy.to(server)) {
            ok(clean(Run.script("JsBootstrap", "--creds", creds.toString(), "--server", proxy.url()).go()));
            secured.writeCreds(creds, java.time.Instant.now().getEpochSecond() - 60);
            Run.Result result = clean(Run.script("JsPub", "--creds", creds.toString(), "--server", proxy.url(), "x").go());
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertTrue(result.err().startsWith("ERROR the server at " + proxy.url() + " refused the login with the user in "
                    + creds + ": authorization violation"), result.err());
            assertEquals("", result.out());
        }
        assertTrue(server.log().contains("User JWT no longer valid: &{Issues:[claim is expired]}"),
                "the server says why: " + server.log());
    }

    /**
     * A login the server closes because the client took too long (here a proxy holds its CONNECT
     * past a 1 s auth timeout; on a loaded machine a slow first nkey signature does the same) must
     * say so, not that nothing answers.
     */
    @Test
    void aLoginTooSlowForTheServerSaysSo() throws Exception {
        server = NatsServer.startWithConfig("authorization { token: \"" + Secured.TOKEN + "\", timeout: 1 }\n");
        try (Proxy proxy = Proxy.to(server).delayFirstRequest(2_000)) {
            Run.Result result = clean(Run.script("JsInfo", "--server", proxy.url()).env("NATS_TOKEN", Secured.TOKEN).go());
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.err());
            assertTrue(result.err().startsWith("ERROR the server at " + proxy.url()), result.err());
            assertTrue(result.err().toLowerCase(java.util.Locale.ROOT).contains("timeout"), result.err());
        }
    }

    @Test
    void malformedCredsFileNamesTheFile() throws Exception {
        Path creds = secured.dir.resolve("broken.creds");
        Files.writeString(creds, "not creds\n");
        Run.Result result = clean(Run.script("JsInfo").env("NATS_CREDS", creds.toString()).go());
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR env NATS_CREDS: " + creds + ": it is not a .creds file (no NATS USER JWT block): download "
                + "it again, or make one with nsc\n", result.err());
    }

    // --------------------------------------------------------------- contexts

    @Test
    void natscliContextByNameAndFromNatsContext() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        Path home = secured.dir.resolve("xdg");
        Files.createDirectories(home.resolve("nats/context"));
        Files.writeString(home.resolve("nats/context/lab.json"), "{\"description\": \"the lab\", \"url\": \""
                + server.url() + "\", \"user\": \"alice\", \"password\": \"" + Secured.ALICE_PASSWORD + "\"}");
        theWholeLab(List.of("--context", "lab"), List.of("XDG_CONFIG_HOME", home.toString()));
        theWholeLab(List.of(), List.of("XDG_CONFIG_HOME", home.toString(), "NATS_CONTEXT", "lab"));
        Run.Result shown = clean(Run.script("JsInfo", "--context", "lab", "--show-config")
                .env("XDG_CONFIG_HOME", home.toString()).go());
        assertTrue(ShownConfig.joined(shown.out()).contains("context lab (" + home.resolve("nats/context/lab.json") + ") password"),
                shown.out());
    }

    @Test
    void missingContextSaysWhereItLooked() throws Exception {
        Run.Result result = clean(Run.script("JsInfo", "--context", "nope").env("XDG_CONFIG_HOME", "/tmp/no-such-dir").go());
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR flag --context: natscli context nope not found (no file /tmp/no-such-dir/nats/context/"
                + "nope.json); `nats context ls` lists yours\n", result.err());
    }

    @Test
    void showConfigMasksSecretsAndSaysWhereEachCameFrom() throws Exception {
        Run.Result shown = clean(Run.script("JsInfo", "--show-config", "--user", "alice",
                "--server", "nats://alice:" + Secured.ALICE_PASSWORD + "@127.0.0.1:4222")
                .env("NATS_PASSWORD", Secured.ALICE_PASSWORD).go());
        assertEquals(0, shown.exit(), shown.toString());
        assertTrue(shown.out().contains("  nats.url = \"nats://alice:****@127.0.0.1:4222\""), shown.out());
        assertTrue(shown.out().contains("  nats.auth.user = \"alice\""), shown.out());
        assertTrue(shown.out().contains("  nats.auth.password = ****"), shown.out());
        assertTrue(shown.out().contains("env NATS_PASSWORD"), shown.out());
        assertTrue(shown.out().contains("built-in default"), shown.out());
    }

    // ------------------------------------------------------------ remote mode

    @Test
    void remoteModeThroughMakeConnectsAndSaysSo() throws Exception {
        server = NatsServer.startWithConfig(secured.usersConfig());
        String example = Files.readString(Run.REPO.resolve("labs/lab4_jetstream_basics/config.remote.toml"));
        Path config = secured.dir.resolve("remote.toml");
        Files.writeString(config, example.replace("tls://nats.example.com:4222", server.url()).replace("\"lab\"", "\"alice\""));
        String labConfig = "LAB_CONFIG=" + config;

        Run.Result boot = clean(Run.command("make", "-s", "run", "BIN=js-bootstrap", labConfig)
                .env("LAB_NATS_PASSWORD", Secured.ALICE_PASSWORD).go());
        Run.Result pub = clean(Run.command("make", "-s", "run", "BIN=js-pub", labConfig, "MSG=from afar")
                .env("LAB_NATS_PASSWORD", Secured.ALICE_PASSWORD).go());

        ok(boot);
        assertEquals("INFO published \"from afar\" to stream LAB4_STREAM (seq 1)\n", ok(pub).out());
        assertTrue(pub.err().startsWith("lab-server: [runtime] mode = \"remote\": using the server at " + server.url()
                + "; nothing is started here\n"), pub.err());
        Run.Result missing = clean(Run.command("make", "-s", "run", "BIN=js-info", labConfig).go());
        assertEquals(2, missing.exit(), "make's own code for a failed recipe: " + missing);
        assertTrue(missing.err().contains("ERROR " + config + ":18 [nats.auth] password_env names the environment "
                + "variable LAB_NATS_PASSWORD, which is not set: export it, or remove the key"), missing.err());
    }

    // ---------------------------------------------------------------- helpers

    /** bootstrap, publish, pull, info and purge, each with these flags and env: all must work. */
    private void theWholeLab(List<String> flags, List<String> env) throws Exception {
        String stream = "S" + System.nanoTime();
        List<String> common = new ArrayList<>(flags);
        common.addAll(List.of("--stream", stream, "--subject", "lab4." + stream));
        ok(run("JsBootstrap", common, env));
        List<String> info = new ArrayList<>(flags); // js-info names the stream, never the subject
        info.addAll(List.of("--stream", stream));
        List<String> pub = new ArrayList<>(flags); // js-pub names the subject, never the stream
        pub.addAll(List.of("--subject", "lab4." + stream, "secured hello"));
        assertTrue(ok(run("JsPub", pub, env)).out().startsWith("INFO published \"secured hello\" to stream " + stream));
        List<String> pull = new ArrayList<>(info); // the durable consumer gets what js-bootstrap set it up for
        pull.addAll(List.of("--max", "1"));
        assertEquals("INFO pulled message: \"secured hello\"", ok(run("JsPull", pull, env)).outLines().get(0));
        assertTrue(ok(run("JsInfo", info, env)).out().contains("ack floor:      stream seq 1"));
        List<String> json = new ArrayList<>(info);
        json.add("--json");
        assertTrue(ok(run("JsInfo", json, env)).out().startsWith("{\"stream\":{"), "and no secret in the raw info");
        assertTrue(ok(run("JsPurge", common, env)).out().startsWith("INFO purged 1 message from stream " + stream));
    }

    private Run.Result run(String mainClass, List<String> args, List<String> env) throws Exception {
        Run run = script(mainClass, args.toArray(String[]::new));
        for (int i = 0; i < env.size(); i += 2) {
            run.env(env.get(i), env.get(i + 1));
        }
        return clean(run.go());
    }

    private Run script(String mainClass, String... args) {
        Run run = Run.script(mainClass, args);
        return server == null ? run : run.server(server);
    }

    /** Every result passes through here: no secret may appear in anything a script printed. */
    static Run.Result clean(Run.Result result) {
        for (String secret : Secured.ALL_SECRETS) {
            assertFalse(result.out().contains(secret) || result.err().contains(secret), "a secret was printed: " + result);
        }
        return result;
    }

    private static Run.Result ok(Run.Result result) {
        return WithServer.ok(result);
    }
}
