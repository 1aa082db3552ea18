// TLS against real nats-servers with certificates made for the run: tls:// with a CA from
// flag, env or config; client certificates; and one clear line when only one side has TLS,
// when the CA is unknown, or when the certificate names another host.

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(Scratch.class)
class TlsTest {
    static Secured secured;
    NatsServer server;

    @BeforeAll
    static void makeCertificates() throws Exception {
        secured = new Secured();
        secured.makeCertificates();
    }

    @AfterAll
    static void dropCertificates() throws Exception {
        secured.delete();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
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

    /** nats-server 2.9 has no handshake_first, so only the mismatch can be shown here. */
    @Test
    void handshakeFirstAgainstAServerThatSendsInfoFirst() throws Exception {
        server = NatsServer.startWithConfig(secured.tlsConfig("server", false));
        Run.Result result = Run.script("JsInfo", "--server", tlsUrl(), "--tlsca", secured.file("ca.pem"), "--tlsfirst").go();
        assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
        assertEquals("ERROR the server at " + tlsUrl() + " did not take a TLS handshake first: leave out handshake_first "
                + "/ --tlsfirst unless the server sets handshake_first (nats-server 2.10.3 or later)\n", result.err());
    }

    @Test
    void clientCertificateWithoutItsKeyIsAConfigError() {
        Run.Result result = run(List.of("JsInfo", "--tlscert", secured.file("client.pem")));
        assertEquals(Exit.CONFIG, result.exit());
        assertEquals("ERROR flag --tlscert: a client certificate needs both cert_file and key_file\n", result.err());
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
