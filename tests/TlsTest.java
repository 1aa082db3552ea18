// TLS against real nats-servers with certificates made for the run: tls:// with a CA from
// flag, env or config; client certificates; and one clear line when only one side has TLS,
// when the CA is unknown, or when the certificate names another host.

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsTest extends WithSecured {
    @BeforeAll
    static void certificates() throws Exception {
        makeCertificates();
    }

    private String tlsUrl() {
        return "tls://127.0.0.1:" + server.port;
    }

    @Test
    void theLabRunsOverTlsWithTheCaFromFlagEnvOrConfig() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", false));
        ok(Run.script("JsBootstrap", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem")).go());
        Run.Result pub = ok(Run.script("JsPub", "over TLS").env("NATS_URL", tlsUrl()).env("NATS_CA", secured.file("ca.pem")).go());
        assertEquals("INFO published \"over TLS\" to stream LAB4_STREAM (seq 1)\n", pub.out());
        String config = WithServer.tomlFile("[nats]\nurl = \"" + tlsUrl() + "\"\n[nats.tls]\nca_file = \"" + secured.file("ca.pem") + "\"\n");
        Run.Result pull = ok(Run.script("JsPull", "--lab-config", config, "--max", "1").go());
        assertEquals("INFO pulled message: \"over TLS\"", pull.outLines().get(0));
    }

    @Test
    void clientCertificatesForAServerThatVerifiesThem() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", true));
        ok(Run.script("JsBootstrap", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem"),
                "--tlscert", secured.file("client.pem"), "--tlskey", secured.file("client-key.pem")).go());
        Run.Result without = Run.script("JsBootstrap", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem")).go();
        assertEquals(Exit.UNREACHABLE, without.exit(), without.toString());
        assertEquals("ERROR the server at " + tlsUrl() + " accepted the TLS handshake but then went silent: it probably "
                + "wants a client certificate: set [nats.tls] cert_file and key_file (or --tlscert and --tlskey)\n",
                without.err());
    }

    /** A client key others can read gets one warning line, as ssh gives for a private key; the run goes on. */
    @Test
    void aClientKeyOthersCanReadGetsAWarning() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", true));
        java.nio.file.Path key = java.nio.file.Files.copy(java.nio.file.Path.of(secured.file("client-key.pem")),
                java.nio.file.Path.of(secured.file("readable-key.pem")));
        java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Run.Result warned = ok(Run.script("JsBootstrap", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem"),
                "--tlscert", secured.file("client.pem"), "--tlskey", key.toString()).go());
        assertEquals("WARN flag --tlskey: " + key + " can be read by other users of this machine (mode 644): chmod 600 "
                + key + "\n", warned.err());
        Run.Result fromEnv = ok(Run.script("JsInfo").env("NATS_URL", tlsUrl()).env("NATS_CA", secured.file("ca.pem"))
                .env("NATS_CERT", secured.file("client.pem")).env("NATS_KEY", key.toString()).go());
        assertEquals("WARN env NATS_KEY: " + key + " can be read by other users of this machine (mode 644): chmod 600 "
                + key + "\n", fromEnv.err());
        java.nio.file.Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertEquals("", ok(Run.script("JsBootstrap", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem"),
                "--tlscert", secured.file("client.pem"), "--tlskey", key.toString()).go()).err());
    }

    @Test
    void serverRequiresTlsButNoneIsConfigured() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", false));
        Run.Result result = Run.script("JsInfo").server(server).go();
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertEquals("ERROR the server at " + server.url() + " requires TLS: use a tls:// URL and trust its CA with "
                + "[nats.tls] ca_file (or --tlsca)\n", result.err());
    }

    @Test
    void tlsConfiguredButTheServerIsPlain() throws Exception {
        server = NatsServer.startWithJetStream();
        Run.Result result = Run.script("JsInfo", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem")).go();
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertEquals("ERROR TLS is configured but the server at " + tlsUrl() + " does not speak TLS: use a nats:// URL "
                + "without [nats.tls] settings, or enable TLS on the server\n", result.err());
    }

    @Test
    void certificateFromAnUnknownCa() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", false));
        Run.Result result = Run.script("JsInfo", "--server", tlsUrl(), "--tlsca", secured.file("other-ca.pem")).go();
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertEquals("ERROR the TLS handshake with " + tlsUrl() + " failed: the certificate is not trusted (CA file "
                + secured.file("other-ca.pem") + "); give the CA that signed it with [nats.tls] ca_file (or --tlsca)\n",
                result.err());
    }

    @Test
    void certificateForAnotherHost() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("wrong-host", false));
        Run.Result result = Run.script("JsInfo", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem")).go();
        assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
        assertEquals("ERROR the server's certificate does not name 127.0.0.1 (hostname mismatch): connect with the "
                + "host name in its certificate\n", result.err());
    }

    /** A server that offers only TLS 1.1 is named for that, not as "connection refused". */
    @Test
    void aServerWithOnlyAnOldTlsVersionIsNamedAsSuch() throws Exception {
        try (OldTlsServer old = OldTlsServer.start(secured.keystore("server"))) {
            String url = "tls://127.0.0.1:" + old.port();
            Run.Result result = Run.script("JsInfo", "--server", url, "--tlsca", secured.file("ca.pem")).go();
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertEquals("ERROR the server at " + url + " offers only an old TLS version (TLS 1.1 or older), which Java "
                    + "refuses as insecure: the server needs TLS 1.2 or later\n", result.err());
        }
    }

    /** A server that takes the TLS handshake first, reached without --tlsfirst: the hint, not "check host and port". */
    @Test
    void aTlsFirstServerReachedWithoutTlsfirstGetsTheHint() throws Exception {
        try (NatsServer plain = NatsServer.startWithJetStream();
             TlsFirstProxy first = TlsFirstProxy.to(plain, secured.keystore("server"))) {
            for (String scheme : new String[] {"tls", "nats"}) {
                String url = scheme + "://127.0.0.1:" + first.port();
                Run.Result result = Run.script("JsInfo", "--server", url, "--tlsca", secured.file("ca.pem"),
                        "--timeout", "2s").go();
                assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
                assertEquals("ERROR no NATS server answered at " + url + ": something accepts connections there but sent "
                        + "nothing within 2s: check the host and port (a NATS server's client port, 4222 by default); a "
                        + "server with handshake_first waits for the TLS handshake: for one, add --tlsfirst\n", result.err());
            }
        }
    }

    /** nats-server 2.9 has no handshake_first, so only the mismatch can be shown here. */
    @Test
    void handshakeFirstAgainstAServerThatSendsInfoFirst() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", false));
        Run.Result result = Run.script("JsInfo", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem"), "--tlsfirst").go();
        assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
        assertEquals("ERROR the server at " + tlsUrl() + " did not take a TLS handshake first: leave out handshake_first "
                + "/ --tlsfirst unless the server sets handshake_first (nats-server 2.10.3 or later)\n", result.err());
    }

    // ------------------------------------- every server of a list (each one is checked), and what failed

    /** jnats splits a list on commas: each server is checked against its own name, not the first URL's. */
    @Test
    void eachServerOfAListIsCheckedAgainstItsOwnName() throws Exception {
        int dead = NatsServer.deadPort();
        try (NatsServer localhostOnly = NatsServer.startWithConfig(secured.tlsConfig("localhost-only", false));
             NatsServer ipOnly = NatsServer.startWithConfig(secured.tlsConfig("ip-only", false))) {
            Run.Result byIp = Run.script("JsInfo", "--server", "tls://localhost:" + dead + ",tls://127.0.0.1:"
                    + localhostOnly.port, "--tlsca", secured.file("ca.pem")).go();
            assertEquals(Exit.UNREACHABLE, byIp.exit(), byIp.toString());
            assertEquals("ERROR the server's certificate does not name 127.0.0.1 (hostname mismatch): connect with the "
                    + "host name in its certificate\n", byIp.err());
            Run.Result byName = Run.script("JsInfo", "--server", "tls://127.0.0.1:" + dead + ",tls://localhost:"
                    + ipOnly.port, "--tlsca", secured.file("ca.pem")).go();
            assertEquals("ERROR the server's certificate does not name localhost (hostname mismatch): connect with the "
                    + "host name in its certificate\n", byName.err());
            ok(Run.script("JsBootstrap", "--server", "tls://localhost:" + localhostOnly.port, "--tlsca",
                    secured.file("ca.pem")).go()); // each certificate is fine for the name it carries
        }
    }

    /** A plain nats:// first in the list switches nothing off for the tls:// after it. */
    @Test
    void aPlainEntryDoesNotSwitchTheChecksOff() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("wrong-host", false));
        String list = "nats://127.0.0.1:" + NatsServer.deadPort() + ",tls://127.0.0.1:" + server.port;
        Run.Result result = Run.script("JsInfo", "--server", list, "--tlsca", secured.file("ca.pem")).go();
        assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
        assertEquals("ERROR the server's certificate does not name 127.0.0.1 (hostname mismatch): connect with the host "
                + "name in its certificate\n", result.err());
        Run.Result noCa = Run.script("JsInfo", "--server", list).go();
        assertEquals("ERROR the TLS handshake with " + list + " failed: the certificate is not trusted; give the CA that "
                + "signed it with [nats.tls] ca_file (or --tlsca)\n", noCa.err());
    }

    /** opentls:// would accept any certificate: refused wherever it stands in a list, before connecting. */
    @Test
    void opentlsIsRefused() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("wrong-host", false));
        String list = "nats://127.0.0.1:" + NatsServer.deadPort() + "/,opentls://127.0.0.1:" + server.port;
        Run.Result result = Run.script("JsPub", "--server", list, "x").go();
        assertEquals(Exit.USAGE, result.exit(), result.toString());
        assertEquals("ERROR flag --server: \"" + list + "\" is not valid: entry 2 of the list: opentls:// accepts any "
                + "certificate, so TLS would check nothing: use tls:// and trust the server's CA with --tlsca (or "
                + "[nats.tls] ca_file)\n", result.err());
        Run.Result env = Run.script("JsPub", "x").env("NATS_URL", "opentls://127.0.0.1:" + server.port).go();
        assertEquals(Exit.CONFIG, env.exit(), env.toString());
    }

    /**
     * The check runs in every TLS handshake, so a reconnect is checked too: with reconnects on (as
     * the cluster work will turn them on), losing the first server must not land on one whose
     * certificate names another host; the next good one is taken.
     */
    @Test
    void aReconnectIsCheckedAgainstTheServerItReachesNext() throws Exception {
        try (NatsServer first = NatsServer.startWithConfig(secured.tlsConfig("server", false));
             NatsServer wrongHost = NatsServer.startWithConfig(secured.tlsConfig("wrong-host", false));
             NatsServer good = NatsServer.startWithConfig(secured.tlsConfig("server", false))) {
            List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
            Options options = new Options.Builder()
                    .servers(new String[] {"tls://127.0.0.1:" + first.port, "tls://127.0.0.1:" + wrongHost.port,
                            "tls://127.0.0.1:" + good.port})
                    .noRandomize().ignoreDiscoveredServers()
                    .sslContext(Tls.fromFiles(Tls.PemFile.of(secured.file("ca.pem"), "the test"), null, null).context)
                    .hostnameResolveMode(Options.HostnameResolveMode.HappyEyeballs)
                    .reconnectWait(Duration.ofMillis(50)).maxReconnects(20)
                    .errorListener(new ErrorListener() {
                        @Override
                        public void exceptionOccurred(Connection conn, Exception exp) {
                            problems.add(String.valueOf(exp));
                        }
                    }).build();
            try (Connection nc = Nats.connect(options)) {
                assertEquals("tls://127.0.0.1:" + first.port, nc.getConnectedUrl());
                first.kill9();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!("tls://127.0.0.1:" + good.port).equals(nc.getConnectedUrl()) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals("tls://127.0.0.1:" + good.port, nc.getConnectedUrl(), "reconnected past the wrong host: "
                        + problems);
                assertTrue(problems.stream().anyMatch(p -> p.contains("No subject alternative names matching 127.0.0.1")),
                        "the wrong host was tried and refused: " + problems);
            }
        }
    }

    /** With --tlsfirst, a TLS failure is named for what it is (a TLS-first front of the test's own stands in for 2.10). */
    @Test
    void handshakeFirstFailuresSayWhatFailed() throws Exception {
        try (NatsServer plain = NatsServer.startWithJetStream();
             TlsFirstProxy good = TlsFirstProxy.to(plain, secured.keystore("server"));
             TlsFirstProxy wrongHost = TlsFirstProxy.to(plain, secured.keystore("wrong-host"))) {
            ok(Run.script("JsBootstrap", "--server", "tls://127.0.0.1:" + good.port(), "--tlsca", secured.file("ca.pem"),
                    "--tlsfirst").go());
            Run.Result pub = ok(Run.script("JsPub", "--server", "tls://127.0.0.1:" + good.port(), "--tlsca",
                    secured.file("ca.pem"), "--tlsfirst", "TLS first").go());
            assertEquals("INFO published \"TLS first\" to stream LAB4_STREAM (seq 1)\n", pub.out());

            Run.Result mismatch = Run.script("JsInfo", "--server", "tls://127.0.0.1:" + wrongHost.port(), "--tlsca",
                    secured.file("ca.pem"), "--tlsfirst").go();
            assertEquals(Exit.UNREACHABLE, mismatch.exit(), mismatch.toString());
            assertEquals("ERROR the server's certificate does not name 127.0.0.1 (hostname mismatch): connect with the "
                    + "host name in its certificate\n", mismatch.err());
            String url = "tls://127.0.0.1:" + good.port();
            Run.Result untrusted = Run.script("JsInfo", "--server", url, "--tlsca", secured.file("other-ca.pem"),
                    "--tlsfirst").go();
            assertEquals("ERROR the TLS handshake with " + url + " failed: the certificate is not trusted (CA file "
                    + secured.file("other-ca.pem") + "); give the CA that signed it with [nats.tls] ca_file (or --tlsca)\n",
                    untrusted.err());
        }
    }

    /** A server showing a certificate made for clients (extendedKeyUsage=clientAuth) is not "a refused login". */
    @Test
    void aServerCertificateMeantForClientsIsNamedAsSuch() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("client", false));
        Run.Result result = Run.script("JsInfo", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem")).go();
        assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
        assertEquals("ERROR the server at " + tlsUrl() + " shows a certificate that is not meant for a server (its "
                + "extended key usage allows client authentication only): the server needs a certificate made for "
                + "serverAuth\n", result.err());
    }

    @Test
    void clientCertificateWithoutItsKeyIsAConfigError() {
        Run.Result result = run(List.of("JsInfo", "--tlscert", secured.file("client.pem")));
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR flag --tlscert: a client certificate needs both cert_file and key_file\n", result.err());
    }

    /** A PEM file of the wrong kind is named with where it was set: the flag, the variable or the config file's line. */
    @Test
    void aTlsFileOfTheWrongKindIsNamedWithWhereItWasSet() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", false));
        String key = secured.file("client-key.pem");
        Run.Result flag = Run.script("JsInfo", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem"), "--tlscert", key,
                "--tlskey", key).go();
        assertEquals(Exit.CONFIG, flag.exit(), flag.toString());
        assertTrue(flag.err().matches("ERROR flag --tlscert: \\Q" + key + "\\E is not a PEM certificate file: [^\n]*\n"), flag.err());
        Run.Result env = Run.script("JsInfo", "--server", tlsUrl()).env("NATS_CA", key).go();
        assertEquals(Exit.CONFIG, env.exit(), env.toString());
        assertTrue(env.err().startsWith("ERROR env NATS_CA: " + key + " "), env.err());
        String config = WithServer.tomlFile("[nats]\nurl = \"" + tlsUrl() + "\"\n[nats.tls]\nca_file = \"" + secured.file("ca.pem")
                + "\"\ncert_file = \"" + secured.file("client.pem") + "\"\nkey_file = \"" + secured.file("client.pem") + "\"\n");
        Run.Result file = Run.script("JsInfo", "--config", config).go();
        assertEquals(Exit.CONFIG, file.exit(), file.toString());
        assertTrue(file.err().contains("ERROR " + config + ":6 [nats.tls] key_file: " + secured.file("client.pem")
                + " is not an unencrypted PKCS#8 PEM key"), file.err());
    }

    private static Run.Result run(List<String> mainAndArgs) {
        try {
            return Run.script(mainAndArgs.get(0), mainAndArgs.subList(1, mainAndArgs.size()).toArray(String[]::new)).go();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Run.Result ok(Run.Result result) {
        return WithServer.ok(result);
    }
}
