// Websockets against real nats-servers with websocket enabled: ws:// is plain
// text, so with TLS settings it is refused and wss:// is named instead; wss:// is TLS with the
// same CA and host name checks as tls://; plain ws:// without TLS settings works.

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebsocketTest extends WithSecured {
    @BeforeAll
    static void certificates() throws Exception {
        makeCertificates();
    }

    /** A JetStream server with a websocket listener: plain (no_tls) or TLS with the named certificate. */
    private static NatsServer websocketServer(int port, String certName) throws Exception {
        String tls = certName == null ? "no_tls: true" : "tls { cert_file: \"%s\"\n key_file: \"%s\" }"
                .formatted(secured.file(certName + ".pem"), secured.file(certName + "-key.pem"));
        return NatsServer.startWithConfig("websocket {\n listen: \"127.0.0.1:" + port + "\"\n " + tls + "\n}\n");
    }

    @Test
    void plainWebsocketWithoutTlsSettingsWorks() throws Exception {
        int port = NatsServer.freePort();
        try (NatsServer server = websocketServer(port, null)) {
            WithServer.ok(Run.script("JsBootstrap", "--server", "ws://127.0.0.1:" + port).go());
            Run.Result pub = WithServer.ok(Run.script("JsPub", "--server", "ws://127.0.0.1:" + port, "over ws").go());
            assertEquals("INFO published \"over ws\" to stream LAB4_STREAM (seq 1)\n", pub.out());
        }
    }

    @Test
    void tlsSettingsWithPlainWebsocketAreRefused() throws Exception {
        int port = NatsServer.freePort();
        try (NatsServer server = websocketServer(port, null)) {
            String url = "ws://127.0.0.1:" + port;
            Run.Result flag = Run.script("JsPub", "--server", url, "--tlsca", secured.file("ca.pem"), "--user", "alice",
                    "--password", Secured.ALICE_PASSWORD, "x").go();
            assertEquals(Exit.USAGE, flag.exit(), flag.toString());
            assertEquals("ERROR flag --server: \"" + url + "\" is not valid: ws:// is a plain-text websocket, but TLS is "
                    + "configured (flag --tlsca): use wss:// so the connection is encrypted\n", flag.err());

            Run.Result env = Run.script("JsPub", "x").env("NATS_URL", url).env("NATS_CERT", secured.file("client.pem"))
                    .env("NATS_KEY", secured.file("client-key.pem")).go();
            assertEquals(Exit.CONFIG, env.exit(), env.toString());
            assertEquals("ERROR env NATS_URL: \"" + url + "\" is not valid: ws:// is a plain-text websocket, but TLS is "
                    + "configured (env NATS_CERT): use wss:// so the connection is encrypted\n", env.err());

            String list = url + ",wss://127.0.0.1:" + NatsServer.deadPort();
            Run.Result mixed = Run.script("JsPub", "--server", list, "x").go();
            assertEquals("ERROR flag --server: \"" + list + "\" is not valid: ws:// is a plain-text websocket, but the "
                    + "list also asks for TLS: use wss:// so the connection is encrypted\n", mixed.err());
        }
    }

    @Test
    void secureWebsocketChecksTheCaAndTheHostName() throws Exception {
        int port = NatsServer.freePort();
        try (NatsServer server = websocketServer(port, "server")) {
            String url = "wss://127.0.0.1:" + port;
            WithServer.ok(Run.script("JsBootstrap", "--server", url, "--tlsca", secured.file("ca.pem")).go());
            Run.Result pub = WithServer.ok(Run.script("JsPub", "--server", url, "--tlsca", secured.file("ca.pem"),
                    "over wss").go());
            assertEquals("INFO published \"over wss\" to stream LAB4_STREAM (seq 1)\n", pub.out());
            Run.Result untrusted = Run.script("JsInfo", "--server", url).go();
            assertEquals(Exit.UNREACHABLE, untrusted.exit(), untrusted.toString());
            assertEquals("ERROR the TLS handshake with " + url + " failed: the certificate is not trusted; give the CA "
                    + "that signed it with [nats.tls] ca_file (or --tlsca)\n", untrusted.err());
        }
        int other = NatsServer.freePort();
        try (NatsServer server = websocketServer(other, "wrong-host")) {
            Run.Result mismatch = Run.script("JsInfo", "--server", "wss://127.0.0.1:" + other, "--tlsca",
                    secured.file("ca.pem")).go();
            assertEquals("ERROR the server's certificate does not name 127.0.0.1 (hostname mismatch): connect with the "
                    + "host name in its certificate\n", mismatch.err());
        }
    }
}
