// --trace on a real server: the lab README's chapter replayed line for line (times and inboxes
// masked), the status replies explained (408 at max ack pending on 2.9, 409, 503 for a publish and
// for an account without JetStream), a bulk run traced as a sample, no secret in a trace with a
// login, and hostile bytes escaped.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceTest extends WithServer {
    private static final String CHAPTER = "See what JetStream does: `--trace`";
    /** What changes from run to run: the time of each line, inboxes, the time in an ack subject, timestamps in JSON. */
    private static final List<String[]> VARYING = List.of(
            new String[] {"^\\d\\d:\\d\\d:\\d\\d ", "HH:MM:SS "},
            new String[] {"_INBOX\\.[A-Za-z0-9]+(\\.[A-Za-z0-9]+)*", "_INBOX.*"},
            new String[] {"(\\$JS\\.ACK\\.[^ :]*\\.)\\d{12,}(\\.\\d+)", "$1TIME$2"},
            new String[] {"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "TIME"});

    /** The chapter's commands, run as written from a fresh start: every line as the README shows it. */
    @Test
    void theLessonTracedAsTheReadmeShows() throws Exception {
        List<LessonTest.Block> blocks = LessonTest.blocks().stream().filter(b -> b.chapter().equals(CHAPTER)).toList();
        assertEquals(2, blocks.size(), "the chapter has its commands and their output");
        List<String> printed = new ArrayList<>();
        for (String command : blocks.get(0).lines()) {
            Run.Result result = Run.command("bash", "-c", command + " 2>&1").env("NATS_URL", server.url()).timeout(300).go();
            assertEquals(0, result.exit(), command + "\n" + result);
            printed.addAll(result.outLines());
        }
        List<String> run = lastPullInOrder(masked(printed));
        assertEquals(theExpected408(masked(blocks.get(1).lines()), run), run);
    }

    /**
     * The README's lines; without the 408's two when the run got none: the server sends it when the
     * pull expires, 10 ms before jnats stops waiting, and a busy server can send it after js-pull closed.
     */
    private static List<String> theExpected408(List<String> readme, List<String> run) {
        if (run.stream().anyMatch(line -> line.endsWith(": 408 Request Timeout"))) {
            return readme;
        }
        List<String> out = new ArrayList<>(readme);
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).endsWith(": 408 Request Timeout")) {
                out.remove(i + 1);
                out.remove(i);
                break;
            }
        }
        return out;
    }

    /**
     * jnats' next(5s) asks the server to hold the pull 4.99 s and itself waits 5 s: on a busy
     * machine the 408 is read a moment after jnats gave up and js-pull sent its next request, so
     * that request's line can come before the 408's two lines. Both orders are the same run.
     */
    private static List<String> lastPullInOrder(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        for (int i = 0; i + 2 < out.size(); i++) {
            if (out.get(i).startsWith("HH:MM:SS >>> ") && out.get(i + 1).endsWith(": 408 Request Timeout")) {
                out.add(i + 2, out.remove(i));
                break;
            }
        }
        return out;
    }

    /** A second pull while the only delivery allowed is unacked: on 2.9 it waits out its expiry, and the 408 says why that can be. */
    @Test
    void maxAckPendingReachedEndsThePullWithAnExplained408() throws Exception {
        labConsumer(ConsumerConfiguration.builder().maxAckPending(1));
        publish("one", "two");
        ok(script("JsPull", "--no-ack", "--max", "1").go());
        String explained = "<<< $JS.API.CONSUMER.MSG.NEXT.LAB4_STREAM.LAB4_CONSUMER: 408 Request Timeout\n"
                + "             the pull request expired: its wait ended with less than it asked for (maybe nothing); "
                + "a consumer at max ack pending delivers nothing until acks come\n";
        Run.Result second = null;
        for (int attempt = 0; attempt < 5 && (second == null || !second.err().contains(explained)); attempt++) {
            second = script("JsPull", "--trace", "--wait", "1s").go(); // see lastPullInOrder: the 408 can come too late
            assertFalse(second.err().contains("<<< lab4.stream:"), "nothing delivered: " + second.err());
        }
        assertTrue(second.err().contains(explained), second.err());
    }

    /** 409: a pull request the consumer refuses (one may wait at a time, another is waiting already). */
    @Test
    void a409IsExplained() throws Exception {
        labConsumer(ConsumerConfiguration.builder().maxPullWaiting(1));
        try (Connection nc = connect()) {
            nc.subscribe("_INBOX.waiting");
            nc.publish("$JS.API.CONSUMER.MSG.NEXT.LAB4_STREAM.LAB4_CONSUMER", "_INBOX.waiting",
                    "{\"batch\":1,\"expires\":30000000000}".getBytes(StandardCharsets.UTF_8));
            nc.flush(Duration.ofSeconds(5));
            Run.Result refused = script("JsPull", "--trace", "--wait", "1s").go();
            assertTrue(refused.err().contains("<<< $JS.API.CONSUMER.MSG.NEXT.LAB4_STREAM.LAB4_CONSUMER: 409 Exceeded MaxWaiting\n"
                    + "             too many pull requests wait on this consumer (max_waiting): this one was refused\n"),
                    refused.err());
        }
    }

    /** 503 on a publish: no stream captures the subject. */
    @Test
    void a503OnAPublishSaysNoStreamCapturesIt() throws Exception {
        Run.Result result = script("JsPub", "--trace", "lost?").go();
        assertTrue(Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d <<< lab4\\.stream: 503\n {13}no responders: nothing "
                + "subscribes to this subject; for a JetStream publish, no stream captures it$").matcher(result.err()).find(),
                result.err());
    }

    /** A refusal comes back where the PubAck would: an error in the JSON, and the line says nothing was stored. */
    @Test
    void aRefusedPublishIsAPubAckWithAnError() throws Exception {
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("LAB4_STREAM").subjects("lab4.stream")
                    .maxMessages(1).discardPolicy(DiscardPolicy.New).build());
        }
        publish("one");
        Run.Result refused = script("JsPub", "--trace", "two").go();
        assertTrue(refused.err().contains("             PubAck with an error: the stream refused it, it is not stored\n"),
                refused.err());
    }

    /** 503 on a core request nobody answers (lab 3's requester). */
    @Test
    void a503OnARequestSaysNobodyListens() throws Exception {
        Run.Result result = script("Requester", "--trace", "--subject", "lab3.nobody", "ping").go();
        assertTrue(result.err().contains(" <<< lab3.nobody: 503\n             no responders: nothing subscribes to this subject"),
                result.err());
    }

    /**
     * An account without JetStream on a server with it: nats-server 2.9 answers the API itself, with
     * error 10039 in the JSON (no 503 status), and the trace shows it; no password shows.
     */
    @Test
    void anAccountWithoutJetStreamIsAnsweredInTheJson() throws Exception {
        try (NatsServer accounts = NatsServer.startWithConfig(RefusalTest.TWO_ACCOUNTS)) {
            Run.Result result = Run.script("JsInfo", "--trace", "--user", "plain").server(accounts)
                    .env("NATS_PASSWORD", RefusalTest.PLAIN_PASSWORD).go();
            assertTrue(result.err().contains("<<< $JS.API.STREAM.INFO.LAB4_STREAM\n             {\n"
                    + "               \"type\": \"io.nats.jetstream.api.v1.stream_info_response\",\n"
                    + "               \"error\": {\n"
                    + "                 \"code\": 503,\n"
                    + "                 \"err_code\": 10039,\n"
                    + "                 \"description\": \"JetStream not enabled for account\"\n"), result.err());
            assertFalse((result.out() + result.err()).contains(RefusalTest.PLAIN_PASSWORD), result.toString());
        }
    }

    /** --count and --batch: the first of each kind, then one line with how many more. */
    @Test
    void aBulkRunTracesASample() throws Exception {
        bootstrap();
        Run.Result pub = ok(script("JsPub", "--trace", "--count", "50").go());
        assertEquals(Trace.SAMPLE, count(pub.err(), " >>> lab4.stream: \"message "), pub.err());
        assertEquals(Trace.SAMPLE, count(pub.err(), " <<< lab4.stream: {\"stream\": \"LAB4_STREAM\""), pub.err());
        assertTrue(pub.err().contains(" --- not traced: 40 publishes, 40 PubAcks (--trace shows the first 10 of each kind)\n"),
                pub.err());
        Run.Result pull = ok(script("JsPull", "--trace", "--batch", "50", "--wait", "1s").go());
        assertEquals(Trace.SAMPLE, count(pull.err(), " <<< lab4.stream: \"message "), pull.err());
        assertEquals(Trace.SAMPLE, count(pull.err(), ": +ACK\n"), pull.err());
        assertTrue(Pattern.compile(" --- not traced: .*40 messages, 40 acks").matcher(pull.err()).find(), pull.err());
        assertTrue(pull.err().lines().count() < 200, "a sample, not every line: " + pull.err());
    }

    /** SIGTERM in a bulk run: the count of what was not traced still comes, right before the line the signal ends it with. */
    @Test
    void aSignalStillSaysWhatWasNotTraced() throws Exception {
        bootstrap();
        try (Run.Started pub = script("JsPub", "--trace", "--count", "1000000").asProcess().start()) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (count(pub.errSoFar(), "PubAck: stream LAB4_STREAM stored it as seq ") < Trace.SAMPLE) {
                assertTrue(System.nanoTime() < deadline && pub.running(), "no sample yet: " + pub.errSoFar());
                Thread.sleep(20);
            }
            pub.signal("TERM");
            Run.Result ended = pub.finish();
            assertEquals(143, ended.exit(), ended.toString());
            List<String> err = ended.err().lines().toList();
            assertTrue(err.get(err.size() - 2).matches("\\d\\d:\\d\\d:\\d\\d --- not traced: [\\d,]+ publishes, [\\d,]+ PubAcks "
                    + "\\(--trace shows the first 10 of each kind\\)"), ended.err());
            assertTrue(err.get(err.size() - 1).startsWith("ERROR interrupted: only "), ended.err());
        }
    }

    /** A body or header with control characters is shown escaped; the terminal gets no raw control byte. */
    @Test
    void hostileBytesAreEscaped() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            Headers headers = new Headers().add("Trace-Id", "x; Evil=\"1\"");
            nc.jetStream().publish("lab4.stream", headers, "\u001b[31mred\u0007\nnext".getBytes(StandardCharsets.UTF_8));
        }
        Run.Result pull = ok(script("JsPull", "--trace", "--wait", "1s").go());
        assertTrue(pull.err().contains("<<< lab4.stream: \"\\u{1b}[31mred\\u{7}\\nnext\" headers: Trace-Id=\"x; Evil=\\\"1\\\"\"\n"),
                pull.err());
        assertTrue(pull.err().chars().noneMatch(c -> c < 0x20 && c != '\n'), "no raw control character: " + pull.err());
    }

    /** A login with a password or a token: neither is in the trace (CONNECT is not traced), nor is a secret a body holds. */
    @Test
    void noSecretInATrace() throws Exception {
        Secured secured = new Secured();
        try {
            theLoginsStayOut(secured);
        } finally {
            Run.deleteTree(secured.dir);
        }
    }

    private static void theLoginsStayOut(Secured secured) throws Exception {
        for (String config : List.of(secured.usersConfig(), secured.tokenConfig())) {
            try (NatsServer locked = NatsServer.startWithConfig(config)) {
                List<String> login = config.contains("alice") ? List.of("--user", "alice", "--password", Secured.ALICE_PASSWORD)
                        : List.of("--token", Secured.TOKEN);
                String secret = config.contains("alice") ? Secured.ALICE_PASSWORD : Secured.TOKEN;
                StringBuilder all = new StringBuilder(); // the traces; js-pull's stdout shows the body as it is
                for (List<String> args : List.of(List.of("JsBootstrap"), List.of("JsPub", "my secret is " + secret),
                        List.of("JsPull", "--wait", "1s"))) {
                    List<String> full = new ArrayList<>(args.subList(1, args.size()));
                    full.addAll(login);
                    full.add("--trace");
                    Run.Result result = Run.script(args.get(0), full.toArray(String[]::new)).server(locked).go();
                    all.append(result.err());
                    assertEquals(0, result.exit(), result.toString());
                }
                for (String shown : Secured.ALL_SECRETS) {
                    assertFalse(all.toString().contains(shown), all.toString());
                }
                assertFalse(all.toString().contains("CONNECT"), all.toString());
                assertTrue(all.toString().contains(">>> lab4.stream: \"my secret is ****\""), all.toString());
            }
        }
    }

    /** Labs 1-3's scripts trace too: a core publish has no reply and no PubAck. */
    @Test
    void aCorePublishIsTraced() throws Exception {
        Run.Result result = ok(script("NatsPub", "--trace", "--subject", "lab1.hello", "hi").go());
        assertTrue(Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d >>> lab1\\.hello: \"hi\"$").matcher(result.err()).find(), result.err());
    }

    // ------------------------------------------------------------ helpers

    private static List<String> masked(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            for (String[] rule : VARYING) {
                line = line.replaceAll(rule[0], rule[1]);
            }
            out.add(line);
        }
        return out;
    }

    private static long count(String text, String part) {
        return text.lines().filter(line -> (line + "\n").contains(part)).count();
    }

    /** The lab's stream, and its consumer made with these settings (explicit ack). */
    private static void labConsumer(ConsumerConfiguration.Builder consumer) throws Exception {
        server.resetToLabStream();
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
            jsm.addOrUpdateConsumer("LAB4_STREAM", consumer.durable("LAB4_CONSUMER").ackPolicy(AckPolicy.Explicit).build());
        }
    }
}
