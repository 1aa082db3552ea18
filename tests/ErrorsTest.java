// Bad input: one line on stderr naming what was wrong and how to fix it, a non-zero
// exit code, and a stack trace only with --verbose.

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorsTest extends WithServer {
    /**
     * A PubAck that never came is "sent without an answer", whatever its message's number: only the
     * server's 503 status (no stream has the subject) is a refusal, never a 503 inside "message 9503".
     */
    @Test
    void onlyTheStatusCode503IsNoResponders() {
        assertFalse(JetStreamErrors.isNoResponders(new java.util.concurrent.TimeoutException(
                "no PubAck for message 9503 within jnats' request timeout")));
        assertFalse(JetStreamErrors.isNoResponders(new java.util.concurrent.TimeoutException("no PubAck for message 503")));
        assertFalse(JetStreamErrors.isNoResponders(new java.io.IOException("lost after message 15030")));
        assertTrue(JetStreamErrors.isNoResponders(new java.util.concurrent.CompletionException(
                new java.io.IOException("Error Publishing: 503 No Responders Available For Request"))));
    }

    /** The README's table shows js-pub; the other scripts that connect say the same. */
    @Test
    void noServerAtTheUrlNamesTheUrl() throws Exception {
        String url = "nats://127.0.0.1:" + NatsServer.deadPort();
        for (String[] command : List.of(new String[] {"JsBootstrap"}, new String[] {"JsPull"}, new String[] {"JsPurge"})) {
            Run.Result result = Run.script(command[0], java.util.Arrays.copyOfRange(command, 1, command.length))
                    .env("NATS_URL", url).go();
            assertOneLineError(result, Exit.UNREACHABLE, "ERROR no NATS server answers at " + url
                    + " (connection refused): start one with `make server`, or point --server / NATS_URL at yours");
        }
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        String url = "nats://127.0.0.1:" + NatsServer.deadPort();
        Run.Result result = Run.script("JsPurge", "--server", url, "--verbose").go();
        assertEquals(Exit.UNREACHABLE, result.exit());
        assertTrue(result.err().startsWith("ERROR no NATS server answers at " + url), result.err());
        assertTrue(result.err().contains("\tat "), "stack trace expected with --verbose: " + result.err());
    }

    @Test
    void serverWithoutJetStreamSaysSo() throws Exception {
        try (NatsServer plain = NatsServer.startWithoutJetStream()) {
            Run.Result result = Run.script("JsBootstrap").server(plain).go();
            assertOneLineError(result, Exit.UNREACHABLE, "ERROR the NATS server at " + plain.url()
                    + " has JetStream disabled: start it with -js (`make server` does)");
        }
    }

    /** Something listens at the URL but is no NATS server: said as such, not as "connection refused". */
    @Test
    void aListenerThatIsNotNatsIsNamedAsSuch() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            // the kernel completes the TCP handshake; nothing is ever written
            String url = "nats://127.0.0.1:" + silent.getLocalPort();
            Run.Result result = Run.script("JsPub", "--server", url, "--timeout", "1s", "x").go();
            assertOneLineError(result, Exit.UNREACHABLE, "ERROR no NATS server answered at " + url + ": something accepts "
                    + "connections there but sent nothing within 1s: check the host and port (a NATS server's client "
                    + "port, 4222 by default); a server with handshake_first waits for the TLS handshake: for one, add "
                    + "--tlsfirst");
        }
        for (String[] greetingAndWords : new String[][] {{"HTTP/1.1 400 Bad Request\r\n\r\n", "it does not speak NATS (no INFO greeting)"},
                {"INFO {\"server_id\": \"X\", \u001b[31m\r\n", "its greeting is no NATS server's (an INFO line without the JSON object one sends)"},
                {"INFO not json\r\n", "its greeting is no NATS server's (an INFO line without the JSON object one sends)"},
                {"INFO []\r\n", "its greeting is no NATS server's (an INFO line without the JSON object one sends)"}}) {
            try (ServerSocket listener = greeting(greetingAndWords[0])) {
                String url = "nats://127.0.0.1:" + listener.getLocalPort();
                Run.Result result = Run.script("JsPub", "--server", url, "x").go();
                assertOneLineError(result, Exit.UNREACHABLE, "ERROR no NATS server answered at " + url + ": something accepts "
                        + "connections there but " + greetingAndWords[1] + ": check the host and port (a NATS server's client "
                        + "port, 4222 by default)");
            }
        }
    }

    /** A message over the server's max_payload is the same line from the course's publishers as from js-pub: nothing sent, exit 2. */
    @Test
    void aMessageOverMaxPayloadIsOneLineFromEveryPublisher() throws Exception {
        try (NatsServer small = NatsServer.startWithConfig("max_payload: 100\n")) {
            String body = "x".repeat(150);
            String line = "ERROR the message is 150 bytes, over the server's max_payload of 100 bytes: send less (or raise "
                    + "max_payload in the server's config)\n";
            for (String script : List.of("NatsPub", "Requester", "JsPub")) {
                Run.Result result = Run.script(script, body).env("NATS_URL", small.url()).go();
                assertEquals(Exit.USAGE, result.exit(), script + ": " + result);
                assertEquals(line, result.err(), script + ": " + result);
            }
        }
    }

    /** A listener that writes GREETING to the first client, then waits for it to hang up. */
    private static ServerSocket greeting(String greeting) throws Exception {
        ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread answering = new Thread(() -> {
            try (Socket client = listener.accept()) {
                client.getOutputStream().write(greeting.getBytes(StandardCharsets.UTF_8));
                client.getInputStream().read();
            } catch (Exception gone) {
                // done
            }
        });
        answering.setDaemon(true);
        answering.start();
        return listener;
    }

    /** A real server that greets and then closes, saying why (its max_connections is reached): a refusal, in its words. */
    @Test
    void aServerAtItsMaxConnectionsIsARefusalNotANonNatsServer() throws Exception {
        try (NatsServer full = NatsServer.startWithConfig("max_connections: 1\n"); io.nats.client.Connection holder = theOneConnection(full)) {
            Run.Result result = Run.script("NatsPub", "--server", full.url(), "x").go();
            assertOneLineError(result, Exit.UNREACHABLE, "ERROR the server at " + full.url() + " refused the connection: "
                    + "\"maximum connections exceeded\" (it has as many clients as its max_connections allows: try again once one "
                    + "has left, or raise max_connections)");
        }
    }

    /** The server's one connection: the probe that saw it answer may still count for a moment after it closed. */
    private static io.nats.client.Connection theOneConnection(NatsServer server) throws Exception {
        long until = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                return server.connect();
            } catch (java.io.IOException stillCounted) {
                if (System.nanoTime() > until) {
                    throw stillCounted;
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * A server that closes the connection mid-run says why in an -ERR first (here: a line longer than its
     * max_control_line, from a long subject): the last line says it, in the server's words, not a guess.
     */
    @Test
    void aConnectionTheServerClosedSaysTheServersReason() throws Exception {
        try (NatsServer strict = NatsServer.startWithConfig("max_control_line: 1024\n")) {
            String subject = "lab4." + "a".repeat(2000);
            String why = " mid-run (the server closed it, saying \"maximum control line exceeded\": a protocol line, such "
                    + "as a message's with a long subject, was longer than the server's max_control_line): ";
            // the -ERR comes just before the close: on a busy machine the client's next write can meet the close first
            // and the words are lost with the connection (then the line names the usual suspects): a few tries
            Run.Result core = closedWithWords(() -> Run.script("NatsPub", "--server", strict.url(), "--subject", subject, "x").go());
            assertOneLineError(core, Exit.UNREACHABLE, "ERROR lost the connection to the server at " + strict.url() + why
                    + "1 of 1 messages handed to the connection, none confirmed (core NATS confirms nothing: a flush after "
                    + "them would have), 0 never sent");
            Run.Result stored = closedWithWords(() -> Run.script("JsPub", "--server", strict.url(), "--subject", subject, "x").go());
            assertOneLineError(stored, Exit.UNREACHABLE, "ERROR lost the connection to the server at " + strict.url() + why
                    + "no PubAck for \"x\", so it may or may not be stored");
        }
    }

    /** The first of three runs whose line has the server's words; the last run when none has. */
    private static Run.Result closedWithWords(java.util.concurrent.Callable<Run.Result> attempt) throws Exception {
        Run.Result result = attempt.call();
        for (int tries = 1; tries < 3 && !result.err().contains("the server closed it, saying"); tries++) {
            result = attempt.call();
        }
        return result;
    }

    /**
     * A listener that greets, starts an -ERR without quotes, and then sends one byte every second, never closing:
     * the probe for the server's words is bounded, and the run ends with its one line.
     */
    @Test
    void aServerThatTricklesAfterItsGreetingDoesNotHoldTheRun() throws Exception {
        try (ServerSocket trickle = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                while (!trickle.isClosed()) {
                    try {
                        Socket client = trickle.accept();
                        Thread each = new Thread(() -> {
                            try (client) {
                                client.getOutputStream().write("INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\n-ERR a"
                                        .getBytes(StandardCharsets.US_ASCII));
                                while (true) {
                                    Thread.sleep(1_000);
                                    client.getOutputStream().write('a');
                                }
                            } catch (Exception gone) {
                                // the client hung up
                            }
                        });
                        each.setDaemon(true);
                        each.start();
                    } catch (Exception closed) {
                        return;
                    }
                }
            });
            answering.setDaemon(true);
            answering.start();
            Run.Result result = Run.script("NatsPub", "--server", "nats://127.0.0.1:" + trickle.getLocalPort(), "--timeout", "3s", "x")
                    .timeout(120).go();
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.err());
        }
    }

    /** With a server list, a wait that ends while no server of the list is back is a lost connection, not a quiet subject. */
    @Test
    void aListenerWhoseServersAllWentIsALostConnectionNotAQuietSubject() throws Exception {
        try (NatsServer one = NatsServer.startWithoutJetStream(); NatsServer two = NatsServer.startWithoutJetStream()) {
            try (Run.Started sub = Run.script("NatsSub", "--server", one.url() + "," + two.url(), "--wait", "5s").start()) {
                sub.awaitOut("listening on");
                one.kill9();
                two.kill9();
                Run.Result result = sub.finish();
                assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
                // the second kill can come after the client reconnected to it: then a WARN says so first
                assertTrue(result.err().matches("(?s)(WARN lost the connection to [^\n]*; reconnected to [^\n]*\n)?"
                        + "ERROR lost the connection to the server at .*"), result.toString());
                assertFalse(result.out().contains("none arrived"), result.toString());
            }
        }
    }

    /** An -ERR that closes nothing (a subscription over the server's max_subscriptions), seen earlier, is no reason for a later loss. */
    @Test
    void anEarlierErrThatClosedNothingIsNotTheReasonForALoss() throws Exception {
        try (NatsServer strict = NatsServer.startWithConfig("max_subscriptions: 1\n"); io.nats.client.Connection nc = strict.connect()) {
            nc.subscribe("one");
            nc.subscribe("two");
            long until = System.nanoTime() + 10_000_000_000L;
            while (nc.getLastError() == null && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(String.valueOf(nc.getLastError()).toLowerCase(java.util.Locale.ROOT).contains("maximum subscriptions"),
                    String.valueOf(nc.getLastError()));
            ServerWords.watching(nc, Secrets.NONE);
            assertEquals("it stopped, restarted or stopped answering, or the network dropped", ServerWords.whyClosed());
        }
    }

    /**
     * A server's -ERR of 300,000 letters as it closes the connection: the run ends with one line that quotes its
     * start (masking secrets in it took quadratic time, minutes for a line like that), and a flush the close cut
     * off is a lost connection, not jnats' CancellationException.
     */
    @Test
    void aHugeErrFromTheServerIsOneShortLine() throws Exception {
        try (ServerSocket fake = closingWith("Maximum Payload Violation " + "A".repeat(300_000))) {
            Run.Result result = Run.script("NatsSub", "--server", "nats://127.0.0.1:" + fake.getLocalPort(), "--wait", "20s")
                    .timeout(120).go();
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.err());
            assertTrue(result.err().startsWith("ERROR lost the connection to the server at nats://127.0.0.1:" + fake.getLocalPort()
                    + " mid-run (the server closed it, saying \"Maximum Payload Violation " + "A".repeat(174) + "\"... (299826 more "
                    + "bytes)): nothing more could be sent or confirmed"), result.err());
        }
    }

    /** A subject a permissions violation names is the server's word too: escaped, and cut like any. */
    @Test
    void aHugeSubjectInAPermissionsViolationIsCut() throws Exception {
        String subject = "lab\u001b[31m" + "Z".repeat(100_000);
        try (ServerSocket fake = closingWith("Permissions Violation for Subscription to \"" + subject + "\"")) {
            Run.Result result = Run.script("NatsSub", "--server", "nats://127.0.0.1:" + fake.getLocalPort(), "--wait", "20s")
                    .timeout(120).go();
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.err());
            assertTrue(result.err().length() < 1_000, () -> result.err().substring(0, 1_000));
            assertTrue(result.err().contains("lab\\u{1b}[31m" + "Z".repeat(192) + "... (99808 more bytes)"), result.err());
        }
    }

    /** The server's words are masked before they are cut: a cut never leaves part of a password unmasked. */
    @Test
    void theServersWordsAreMaskedBeforeTheyAreCut() throws Exception {
        String password = "Sekr3tPwX".repeat(6);
        try (ServerSocket fake = closingWith("Stale Connection " + "x".repeat(160) + " nats://u:" + password + "@h")) {
            Run.Result result = Run.script("NatsSub", "--wait", "20s").env("NATS_URL", "nats://u:" + password + "@127.0.0.1:"
                    + fake.getLocalPort()).timeout(120).go();
            assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
            assertFalse(result.err().contains(password.substring(0, 4)), result.err());
            assertTrue(result.err().contains(" nats://u:****@h\""), result.err());
        }
    }

    /** A listener that greets, takes the client's CONNECT and PING, answers PONG and then this -ERR, and closes. */
    private static ServerSocket closingWith(String err) throws Exception {
        ServerSocket fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread answering = new Thread(() -> {
            try (Socket client = fake.accept()) {
                client.getOutputStream().write("INFO {\"server_id\":\"x\",\"max_payload\":1048576,\"proto\":1}\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream(),
                        StandardCharsets.US_ASCII));
                for (String line; (line = in.readLine()) != null && !line.startsWith("PING"); ) {
                    // CONNECT first
                }
                client.getOutputStream().write(("PONG\r\n-ERR '" + err + "'\r\n").getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                Thread.sleep(500);
            } catch (Exception gone) {
                // the client hung up
            }
        });
        answering.setDaemon(true);
        answering.start();
        return fake;
    }

    @Test
    void helpAndVersionWork() throws Exception {
        Run.Result help = ok(script("JsPub", "--help").go());
        assertTrue(help.out().startsWith("Usage: js-pub"), help.out());
        assertTrue(help.out().contains("Examples:"), help.out());
        String state = Scratch.dir().toString();
        Run.Result before = ok(script("JsPull", "--version").env("XDG_STATE_HOME", state).go());
        assertEquals(List.of("js-pull " + CommandRunner.VERSION + " (lab4 scripts)", "jnats 2.26.2, Java " + Runtime.version().feature(),
                "server last seen: none yet (js-info connects and shows the stream)"), before.outLines());
        bootstrap();
        ok(script("JsInfo").env("XDG_STATE_HOME", state).go());
        Run.Result after = ok(script("JsPub", "--version").env("XDG_STATE_HOME", state).go());
        assertTrue(after.out().startsWith("js-pub " + CommandRunner.VERSION + " (lab4 scripts)\n"), after.out());
        // each script names the lab that teaches it
        assertTrue(ok(script("Worker", "--version").go()).out().startsWith("worker " + CommandRunner.VERSION + " (lab2 scripts)\n"));
        assertTrue(after.out().contains("server last seen: nats-server 2.9.10"), after.out());
    }

    /** --version names the last server seen without dialling out: a server at the URL hears nothing from any script. */
    @Test
    void versionNeverConnects() throws Exception {
        try (ConnectRecorder recorder = ConnectRecorder.start()) {
            for (String script : List.of("JsBootstrap", "JsPub", "JsPull", "JsInfo", "JsPurge")) {
                Run.Result version = ok(Run.script(script, "--version", "--server", recorder.url()).go());
                assertTrue(version.out().contains(CommandRunner.VERSION), version.toString());
                ok(Run.script(script, "--version").env("NATS_URL", recorder.url()).go());
            }
            // The recorder takes clients in the order they came: once this one is greeted, any earlier one was counted.
            try (Socket last = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(recorder.url().replaceAll(".*:", "")))) {
                last.setSoTimeout(30_000);
                assertTrue(new java.io.BufferedReader(new java.io.InputStreamReader(last.getInputStream(), StandardCharsets.UTF_8))
                        .readLine().startsWith("INFO "));
            }
            assertEquals(1, recorder.accepted(), "--version connected to the server at the URL");
        }
    }

    /** $HOME is the home, as for the shell and natscli (Java's user.home would ignore it). */
    @Test
    void theHomeFolderIsHome() throws Exception {
        Path home = Scratch.dir();
        bootstrap();
        ok(script("JsInfo").env("HOME", home.toString()).env("XDG_STATE_HOME", "").go());
        assertTrue(Files.readString(home.resolve(".local/state/jetstream-lab/last-server")).startsWith("nats-server 2.9.10"));
    }

    @Test
    void outsideTheRepoWithNoConfigDefaultsAndFlagsAreEnough() throws Exception {
        ok(script("JsBootstrap", "--stream", "ELSEWHERE", "--subject", "else.where", "--consumer", "C").go());
        ok(script("JsPub", "--subject", "else.where", "from anywhere").go());
        Run.Result pulled = ok(script("JsPull", "--stream", "ELSEWHERE", "--consumer", "C", "--max", "1").go());
        assertEquals("INFO pulled message: \"from anywhere\"", pulled.outLines().get(0));
    }

    /** The server takes stream and consumer names of up to 255 characters: a longer one is refused before connecting. */
    @Test
    void anOverlongNameIsRefusedWithTheLimit() throws Exception {
        String name = "N".repeat(256);
        Run.Result fromFlag = script("JsBootstrap", "--stream", name).go();
        assertOneLineError(fromFlag, Exit.USAGE, "ERROR flag --stream: \"" + name.substring(0, 60) + "...\" is not valid: a name has at "
                + "most 255 characters (the server's limit), this one has 256");
        String file = tomlFile("[nats]\nconsumer = \"" + name + "\"\n");
        Run.Result fromFile = script("JsPull", "--lab-config", file).go();
        assertOneLineError(fromFile, Exit.CONFIG, "ERROR " + file + ":2 [nats] consumer: \"" + name.substring(0, 60) + "...\" is not "
                + "valid: a name has at most 255 characters (the server's limit), this one has 256");
        ok(script("JsBootstrap", "--stream", "S".repeat(255), "--subject", "long.name", "--consumer", "C".repeat(255)).go());
    }

    /**
     * The stream answered and the consumer did not (a proxy holds every reply from the consumer
     * request on): the stream's block is shown all the same, and one line names the answer that
     * did not come. Not a refusal, not "not found": exit 1, nothing about the consumer made up.
     */
    @Test
    void aConsumerThatDoesNotAnswerStillShowsTheStream() throws Exception {
        bootstrap();
        try (Proxy proxy = Proxy.to(server).holdRepliesAfter("$JS.API.CONSUMER.INFO.", 1)) {
            Run.Result info = Run.script("JsInfo", "--timeout", "1s").env("NATS_URL", proxy.url()).go();
            assertEquals(Exit.FAILED, info.exit(), info.toString());
            assertTrue(info.out().startsWith("stream LAB4_STREAM\n  subjects:       lab4.stream\n"), info.toString());
            assertFalse(info.out().contains("consumer"), info.toString());
            assertEquals("ERROR the server did not answer $JS.API.CONSUMER.INFO.LAB4_STREAM.LAB4_CONSUMER within 1s "
                    + "(--timeout)\n", info.err());
            proxy.release();
        }
    }

    private static void assertOneLineError(Run.Result result, int exitCode, String line) {
        assertEquals(exitCode, result.exit(), result.toString());
        assertEquals(line + "\n", result.err());
        assertFalse(result.out().contains("published") || result.out().contains("acked"), result.out());
    }
}
