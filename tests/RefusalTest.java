// A refusal is a refusal: when the server answers "no" (stream full with discard new, a byte
// limit, JetStream storage used up, a message over the stream's size limit), js-pub counts it as
// refused with the reason in plain words; only no answer is "may or may not be stored". The
// numbers add up to the total and to what the stream holds. Each case gets the server it needs.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusalTest {
    private static final Pattern SHORTFALL = Pattern.compile("ERROR " + PubShortfall.LINE + "; refused because (.*)\n");
    /** A server's config: user lab in an account with JetStream, user plain (password PLAIN_PASSWORD) in one without. */
    static final String PLAIN_PASSWORD = "plain-pw-Z7k4-secret";
    static final String TWO_ACCOUNTS = """
            accounts {
              LAB: { jetstream: enabled, users: [ { user: lab, password: "lab-pw-Q2w9-secret" } ] }
              PLAIN: { users: [ { user: plain, password: "%s" } ] }
            }
            """.formatted(PLAIN_PASSWORD);
    static final String NO_JETSTREAM_FOR_ACCOUNT = "ERROR the server has JetStream, but not for the account of this login "
            + "(JetStream not enabled for account, error 10039): log in as a user of an account that has it, or give this "
            + "account JetStream in the server's config (jetstream: enabled in its block under accounts)";

    /**
     * A server with JetStream, a login whose account has none: no script blames a missing stream or the server's
     * refusal of what it asked; each says the account has no JetStream, exit 4 as for a server without it. A
     * publish counts what it sent.
     */
    @Test
    void anAccountWithoutJetStreamIsNoJetStreamForEveryScript() throws Exception {
        try (NatsServer server = NatsServer.startWithConfig(TWO_ACCOUNTS)) {
            for (String[] run : new String[][] {{"JsBootstrap"}, {"JsInfo"}, {"JsInfo", "--watch", "1s"}, {"JsPurge"},
                    {"JsPull", "--max", "1", "--wait", "1s"}, {"JsPull", "--batch", "10", "--wait", "1s"}, {"JsPub", "hi"},
                    {"JsPub", "--count", "5", "hi"}, {"JsPub", "--count", "5", "--sync", "hi"}}) {
                List<String> args = new ArrayList<>(List.of(run).subList(1, run.length));
                args.addAll(List.of("--user", "plain"));
                Run.Result result = Run.script(run[0], args.toArray(String[]::new)).server(server)
                        .env("NATS_PASSWORD", PLAIN_PASSWORD).go();
                String where = String.join(" ", run) + ": " + result;
                assertEquals(Exit.UNREACHABLE, result.exit(), where);
                assertTrue(result.err().endsWith(NO_JETSTREAM_FOR_ACCOUNT + "\n"), where);
                assertEquals(1, result.err().split("\n").length, where);
                assertFalse(result.err().contains(PLAIN_PASSWORD), where);
            }
            Run.Result lines = Run.script("JsPub", "--user", "plain").server(server).env("NATS_PASSWORD", PLAIN_PASSWORD)
                    .stdin("a\nb\n").go();
            assertEquals(Exit.UNREACHABLE, lines.exit(), lines.toString());
            assertEquals(NO_JETSTREAM_FOR_ACCOUNT + " (line 1 of stdin; 0 messages confirmed by a PubAck, 1 refused by the "
                    + "server; the rest of stdin was not sent)\n", lines.err());
        }
    }

    @Test
    void jetStreamStorageUsedUpIsARefusal() throws Exception {
        try (NatsServer server = NatsServer.startWithConfig("jetstream { max_file_store: 1MB }")) {
            server.resetToLabStream();
            Run.Result result = pub(server, "--count", "20000", "--size", "100").go();
            String reason = addsUp(server, result, 20_000);
            assertEquals("the server is out of JetStream storage: its max_file_store (or max_memory_store) is used up "
                    + "(insufficient resources, error 10023)", reason);

            Run.Result one = pub(server, "one more").go();
            assertEquals(Exit.FAILED, one.exit(), one.toString());
            assertEquals("ERROR \"one more\" was refused because the server is out of JetStream storage: its "
                    + "max_file_store (or max_memory_store) is used up (insufficient resources, error 10023)\n", one.err());
        }
    }

    @Test
    void aFullStreamWithDiscardNewIsARefusal() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            labStream(server, b -> b.maxMessages(10).discardPolicy(DiscardPolicy.New));
            Run.Result result = pub(server, "--count", "25").go();
            assertTrue(addsUp(server, result, 25).startsWith("the stream is full: it holds its max_msgs and, with "
                    + "discard new, refuses new messages instead of dropping old ones (maximum messages exceeded, "
                    + "error 10077)"), result.toString());
            assertEquals(10, stored(server));

            Run.Result lines = pub(server).stdin("a\nb\n").go();
            assertEquals(Exit.FAILED, lines.exit(), lines.toString());
            assertEquals("ERROR \"a\" was refused because the stream is full: it holds its max_msgs and, with discard "
                    + "new, refuses new messages instead of dropping old ones (maximum messages exceeded, error 10077) "
                    + "(line 1 of stdin; 0 messages confirmed by a PubAck, 1 refused by the server; the rest of stdin "
                    + "was not sent)\n", lines.err());
        }
    }

    /** --sync waits for each answer: after a refusal, nothing more is sent (a refusal is final). */
    @Test
    void syncSendsNothingAfterARefusal() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            labStream(server, b -> b.maxMessages(2).discardPolicy(DiscardPolicy.New));
            Run.Result result = pub(server, "--count", "5", "--sync").go();
            addsUp(server, result, 5);
            assertTrue(result.err().startsWith("ERROR only 2 of 5 messages confirmed by a PubAck (seq 1-2); 3 not: 1 "
                    + "refused by the server, 0 sent without an answer (they may or may not be stored), 2 never sent;"),
                    result.toString());
        }
    }

    @Test
    void aByteLimitWithDiscardNewIsARefusal() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            labStream(server, b -> b.maxBytes(4_000).discardPolicy(DiscardPolicy.New));
            Run.Result result = pub(server, "--count", "200", "--size", "100").go();
            assertTrue(addsUp(server, result, 200).startsWith("the stream is full: with this message's payload it would reach its max_bytes"), result.toString());
        }
    }

    /** A message larger than max bytes by itself is not refused for a full stream: it can never fit. */
    @Test
    void aMessageLargerThanMaxBytesCanNeverFit() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            labStream(server, b -> b.maxBytes(200).discardPolicy(DiscardPolicy.New));
            String never = "because the message alone (250 bytes of payload) is larger than the stream's max_bytes (200), so "
                    + "it can never fit, however empty the stream: raise --max-bytes or send a smaller one (maximum bytes "
                    + "exceeded, error 10077)";
            Run.Result bulk = pub(server, "--size", "250").go();
            assertEquals(1, bulk.exit(), bulk.toString());
            assertTrue(bulk.err().endsWith("; refused " + never + "\n"), bulk.toString());
            Run.Result single = pub(server, "x".repeat(250)).go();
            assertEquals(1, single.exit(), single.toString());
            assertTrue(single.err().contains(" was refused " + never), single.toString());
            assertEquals(0, stored(server));
        }
    }

    @Test
    void aMessageOverTheStreamsSizeLimitIsARefusal() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            labStream(server, b -> b.maximumMessageSize(100));
            Run.Result result = pub(server, "--count", "5", "--size", "200").go();
            assertEquals("the message is larger than the stream's max_msg_size (message size exceeds maximum allowed, "
                    + "error 10054)", addsUp(server, result, 5));
            assertEquals(0, stored(server));
        }
    }

    @Test
    void aMessageOverMaxPayloadOnceItsHeaderIsAddedIsRefusedBeforeSending() throws Exception {
        try (NatsServer server = NatsServer.startWithConfig("max_payload: 1024")) {
            server.resetToLabStream();
            Run.Result bulk = pub(server, "--count", "3", "--size", "1010", "--msg-id", "id-{{Count}}").go();
            assertEquals(Exit.USAGE, bulk.exit(), bulk.toString());
            assertEquals("ERROR the message is 1010 bytes and its headers 30 more, over the server's "
                    + "max_payload of 1024 bytes: send less (or raise max_payload in the server's config)\n", bulk.err());

            String line = "y".repeat(1010);
            Run.Result lines = pub(server, "--msg-id", "line-{{Count}}").stdin("short\n" + line + "\n").go();
            assertEquals(Exit.USAGE, lines.exit(), lines.toString());
            assertEquals("ERROR the message is 1010 bytes and its headers 32 more, over the server's "
                    + "max_payload of 1024 bytes: send less (or raise max_payload in the server's config) (line 2 of "
                    + "stdin; 1 message confirmed by a PubAck; the rest of stdin was not sent)\n", lines.err());
            assertEquals(1, stored(server), "the short line only");
        }
    }

    /** Checks the one-line shortfall and that its numbers add up, to the total and to the stream; returns the reason. */
    private static String addsUp(NatsServer server, Run.Result result, long total) throws Exception {
        assertEquals(Exit.FAILED, result.exit(), result.toString());
        assertEquals("", result.out(), "no success line");
        assertFalse(result.err().contains("Exception") || result.err().contains("io.nats"), "no class names: " + result);
        Matcher m = SHORTFALL.matcher(result.err());
        assertTrue(m.matches(), result.toString());
        long confirmed = Long.parseLong(m.group(1));
        long refused = Long.parseLong(m.group(5));
        long unanswered = Long.parseLong(m.group(6));
        assertEquals(total, Long.parseLong(m.group(2)));
        assertTrue(refused > 0, "a refusal is counted as one: " + result);
        assertEquals(0, unanswered, "every message got an answer: " + result);
        assertEquals(total - confirmed, Long.parseLong(m.group(4)));
        assertEquals(total, confirmed + refused + unanswered + Long.parseLong(m.group(7)), "the numbers add up");
        assertEquals(confirmed, stored(server), "the stream holds what was confirmed");
        return m.group(8);
    }

    private static void labStream(NatsServer server, UnaryOperator<StreamConfiguration.Builder> limits) throws Exception {
        server.resetToLabStream();
        try (Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.updateStream(limits.apply(StreamConfiguration.builder(jsm.getStreamInfo("LAB4_STREAM").getConfiguration())
                    .storageType(StorageType.File)).build());
        }
    }

    private static long stored(NatsServer server) throws Exception {
        try (Connection nc = server.connect()) {
            return nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount();
        }
    }

    private static Run pub(NatsServer server, String... args) {
        return Run.script("JsPub", args).server(server);
    }
}
