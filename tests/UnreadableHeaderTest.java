// A stored message whose headers jnats cannot read (a value that is not ASCII, a control character in
// a key) stops jnats' reader: js-pull finds it, shows it escaped, deals with it as --on-unreadable
// says, and goes on; and header values that jnats can read are shown quoted, so one cannot pose as several.
// jnats refuses to publish such headers, so they are written here as raw protocol on a socket.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnreadableHeaderTest extends WithServer {
    private static final String CAFE = "WARN unreadable message: \"bad\" (stream seq 2) headers: Trace-Id=\"café\": "
            + "jnats cannot read it (Header value has invalid character: 0xe9); ";

    @Test
    void theUnreadableMessageIsShownEscapedAndTerminatedAndThePullGoesOn() throws Exception {
        bootstrap();
        publish("one");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad"); // é in UTF-8, as ISO-8859-1 chars = the raw bytes
        publish("two");
        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"one\"", "INFO acked",
                CAFE + "terminated: never delivered again, it stays in the stream",
                "INFO pulled message: \"two\"", "INFO acked",
                "INFO done: 2 messages pulled and acked, 1 unreadable message terminated (stream seq 2); none arrived "
                        + "in the last 1s"), pulled.outLines());
        assertEquals(0, server.labConsumer().getNumAckPending() + server.labConsumer().getNumPending());
        try (Connection nc = connect()) { // terminated, not deleted
            assertEquals(3, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
        Run.Result again = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO why none arrived: no messages past the ack floor (stream seq 3): everything stored for "
                + "this consumer was handled: acked, terminated or given up on after max deliver",
                "INFO done: 0 messages pulled and acked; none arrived in the last 1s"), again.outLines());
    }

    /**
     * The rest of a batch went to the connection jnats stopped reading: left to come back after the ack wait
     * (a nak could hand out another worker's message) and said in the last line; the server holds them pending.
     */
    @Test
    void inBatchesTheRestOfTheBatchComesBackAfterTheAckWait() throws Exception {
        bootstrap();
        publish("one");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad");
        publish("two", "three");
        Run.Result pulled = ok(script("JsPull", "--batch", "10", "--wait", "1").go());
        List<String> lines = pulled.outLines();
        assertEquals(List.of("INFO pulled message: \"one\"", CAFE + "terminated: never delivered again, it stays in the stream"),
                lines.stream().filter(line -> line.contains("message:")).toList(), pulled.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("INFO done: 1 message pulled and acked, 1 unreadable message "
                + "terminated (stream seq 2) in batches of 10 (none arrived in the last 1s; up to 2 more sent to a connection of "
                + "this run that it left at a message jnats cannot read (not handed back: they may be another "
                + "reader's): they come back after the ack wait (30s))"), pulled.toString());
        assertEquals(2, server.labConsumer().getNumAckPending());
        assertEquals(3, server.labConsumer().getAckFloor().getStreamSequence() + 1, "one acked, the unreadable one terminated");
    }

    /**
     * Lab 5's workers share one consumer: the one whose reader a message stops hands back nothing another
     * worker holds (a nak would give that job to a second worker, inside its holder's ack wait).
     */
    @Test
    void aWorkerStoppedByAMessageNeverTakesAnothersJob() throws Exception {
        bootstrap();
        publish("job A");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad");
        publish("job after");
        try (Run.Started holder = script("JsPull", "--label", "A", "--work-ms", "6000", "--max", "1").start()) {
            holder.awaitOut("INFO [A] pulled message: \"job A\"");
            Run.Result other = ok(script("JsPull", "--label", "B", "--wait", "1").go());
            assertEquals(List.of("INFO [B] pulled message: \"job after\""), other.outLines().stream()
                    .filter(line -> line.contains("pulled message:")).toList(), other.toString());
            Run.Result held = holder.finish();
            assertEquals(0, held.exit(), held.toString());
            assertTrue(held.out().contains("INFO [A] acked\n"), held.toString());
        }
        assertEquals(0, server.labConsumer().getRedelivered(), "no job was delivered twice");
        assertEquals(0, server.labConsumer().getNumAckPending() + server.labConsumer().getNumPending());
    }

    /**
     * The message that stopped this run's reader was dealt with by another reader of the consumer before this
     * run looked (lab 5's workers): the run goes on, says so, and names no unreadable message as its own.
     */
    @Test
    void aMessageAnotherReaderDealtWithFirstLetsTheRunGoOn() throws Exception {
        bootstrap();
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad");
        publish("after");
        try (Run.Started pull = script("JsPull", "--wait", "3").start()) {
            for (int tries = 0; server.labConsumer().getNumAckPending() == 0; tries++) { // delivered: the run's reader stopped at it
                assertTrue(tries < 100, "the unreadable message was never delivered");
                Thread.sleep(100);
            }
            try (Connection nc = connect()) { // another reader terminates it (matched by its stream sequence)
                assertTrue(nc.request("$JS.ACK.LAB4_STREAM.LAB4_CONSUMER.1.1.1.0.0", "+TERM".getBytes(StandardCharsets.US_ASCII),
                        java.time.Duration.ofSeconds(5)) != null, "the server confirmed the terminate");
            }
            Run.Result result = pull.finish();
            assertEquals(0, result.exit(), result.toString());
            assertEquals(List.of("WARN a message jnats cannot read stopped this run's connection, and another reader of the "
                    + "consumer dealt with it first: the run goes on over a new connection", "INFO pulled message: \"after\"",
                    "INFO acked", "INFO done: 1 message pulled and acked; none arrived in the last 3s"), result.outLines());
        }
        assertEquals(0, server.labConsumer().getNumAckPending() + server.labConsumer().getNumPending());
    }

    @Test
    void aControlCharacterInAKeyIsNakdWithNakThenAckedWithAck() throws Exception {
        bootstrap();
        rawPublish("Tr\u0001ace: x", "bad");
        publish("after");
        Run.Result nakd = script("JsPull", "--wait", "1", "--on-unreadable", "nak").go();
        assertEquals(Exit.FAILED, nakd.exit(), nakd.toString());
        assertEquals(List.of("WARN unreadable message: \"bad\" (stream seq 1) headers: \"Tr\\u{1}ace\"=\"x\": jnats "
                + "cannot read it (Header key has invalid character: 0x1); nak'd: it comes back at once"), nakd.outLines());
        assertEquals("ERROR stopped at stream seq 1, which jnats cannot read: nak'd, it comes back at once; run js-pull "
                + "--on-unreadable term to skip it (it stays in the stream): 0 messages printed and acked\n", nakd.err());

        Run.Result acked = ok(script("JsPull", "--wait", "1", "--on-unreadable", "ack").go()); // nak'd: back at once
        assertTrue(acked.out().startsWith("WARN unreadable message: \"bad\" (stream seq 1)"), acked.toString());
        assertTrue(acked.out().contains("(Header key has invalid character: 0x1); acked\nINFO pulled message: \"after\"\n"),
                acked.toString());
        assertTrue(acked.out().endsWith("INFO done: 1 message pulled and acked, 1 unreadable message acked (stream "
                + "seq 1); none arrived in the last 1s\n"), acked.toString());
        assertEquals(0, server.labConsumer().getNumAckPending() + server.labConsumer().getNumPending());
    }

    @Test
    void stopLeavesItUnackedAndEndsTheRun() throws Exception {
        bootstrap();
        publish("one");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad");
        Run.Result stopped = script("JsPull", "--wait", "1", "--on-unreadable", "stop").go();
        assertEquals(Exit.FAILED, stopped.exit(), stopped.toString());
        assertEquals(List.of("INFO pulled message: \"one\"", "INFO acked",
                CAFE + "left unacked: it comes back after the ack wait"), stopped.outLines());
        assertEquals("ERROR stopped at stream seq 2, which jnats cannot read: left unacked, it comes back after the "
                + "ack wait; run js-pull --on-unreadable term to skip it (it stays in the stream): 1 message printed "
                + "and acked\n", stopped.err());
        assertEquals(1, server.labConsumer().getNumAckPending());
    }

    /** With a backoff, when it comes back depends on its delivery, which the consumer's state does not tell: the line says so. */
    @Test
    void stopUnderABackoffNamesItsDelays() throws Exception {
        bootstrap("--backoff", "1s,4s", "--max-deliver", "3");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad");
        Run.Result stopped = script("JsPull", "--wait", "1", "--on-unreadable", "stop").go();
        assertEquals(Exit.FAILED, stopped.exit(), stopped.toString());
        assertEquals(List.of(CAFE.replace("stream seq 2", "stream seq 1") + "left unacked: it comes back after the backoff's "
                + "delay for its delivery (1s, then 4s)"), stopped.outLines());
        assertTrue(stopped.err().startsWith("ERROR stopped at stream seq 1, which jnats cannot read: left unacked, it comes "
                + "back after the backoff's delay for its delivery (1s, then 4s); "), stopped.toString());
    }

    @Test
    void anEphemeralReadShowsItSkipsItAndReadsOn() throws Exception {
        bootstrap();
        publish("one");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad");
        publish("two");
        Run.Result read = ok(script("JsPull", "--ephemeral", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"one\" (stream seq 1)",
                CAFE + "skipped: the run reads on after it", "INFO pulled message: \"two\" (stream seq 3)",
                "INFO done: 2 messages read through a throw-away consumer, 1 unreadable message skipped (stream seq 2), "
                        + "no acks needed; durable consumer LAB4_CONSUMER did not move"), read.outLines());
        Run.Result stopped = script("JsPull", "--ephemeral", "--wait", "1", "--on-unreadable", "stop").go();
        assertEquals(Exit.FAILED, stopped.exit(), stopped.toString());
        assertEquals("ERROR stopped at stream seq 2, which jnats cannot read: 1 message printed (no acks: the durable "
                + "consumer did not move)\n", stopped.err());
    }

    /**
     * --ephemeral: jnats' ordered consumer takes a stored message whose headers begin with a status line for a status
     * and never hands it over; each consumer it makes again meets it again, so the messages after it never came and the
     * run ended as if it had read all. It is shown and skipped, whatever its status says, and the read goes on.
     */
    @Test
    void anEphemeralReadSkipsAMessageWhoseHeadersBeginWithAStatusLine() throws Exception {
        for (String status : new String[] {"100 Idle Heartbeat", "404 No Messages", "408 Request Timeout", "400 Bad Request", "503",
                "409 Exceeded MaxWaiting"}) {
            server.resetToLabStream();
            publish("before");
            hpubBlock("NATS/1.0 " + status, "lab4.stream", "poison", "", "PING\r\n", in -> assertEquals("PONG", readLine(in)));
            publish("after");
            for (String servers : List.of(server.url(), server.url() + "," + server.url())) { // a list: the failover path
                Run.Result read = ok(script("JsPull", "--ephemeral", "--wait", "1", "--server", servers).go());
                assertEquals(List.of("INFO pulled message: \"before\" (stream seq 1)", "WARN unreadable message: \"poison\" (stream "
                        + "seq 2) headers: (none): jnats cannot read it (its headers begin with a status line, \"NATS/1.0 " + status
                        + "\", which jnats takes for a status from the server, not a message); skipped: the run reads on after it",
                        "INFO pulled message: \"after\" (stream seq 3)", "INFO done: 2 messages read through a throw-away consumer, "
                        + "1 unreadable message skipped (stream seq 2), no acks needed; durable consumer LAB4_CONSUMER did not move"),
                        read.outLines(), status + " through " + servers);
            }
        }
    }

    @Test
    void anEphemeralReadSkipsUnreadableMessagesInARowToTheEnd() throws Exception {
        bootstrap();
        publish("one");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad");
        rawPublish("Trace-Id: caf\u00c3\u00a9", "bad2");
        Run.Result read = script("JsPull", "--ephemeral", "--raw", "--wait", "1").asProcess().timeout(60).go();
        assertEquals(0, read.exit(), read.toString());
        assertEquals("one\n", read.out());
    }

    @Test
    void headerValuesAreQuotedSoNoneCanPoseAsSeveral() throws Exception {
        bootstrap();
        ok(script("JsPub", "-H", "Trace-Id:x; Evil=\"1\"", "hi").go());
        rawPublish("Note: a\u001b[2Jb", "esc"); // jnats reads control characters in a value: shown escaped
        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"hi\" headers: Trace-Id=\"x; Evil=\\\"1\\\"\"",
                        "INFO pulled message: \"esc\" headers: Note=\"a\\u{1b}[2Jb\""),
                pulled.outLines().stream().filter(line -> line.startsWith("INFO pulled")).toList());
    }

    /** A line separator or a bare CR cannot start a second line or a forged header: both are escapes. */
    @Test
    void aNewlineLikeValueIsShownEscaped() throws Exception {
        bootstrap();
        rawPublish("Trace-Id: a\u00e2\u0080\u00a8Evil: 1", "sep"); // U+2028 in UTF-8
        rawPublish("Trace-Id: a\rEvil: 1", "cr");
        Run.Result pulled = ok(script("JsPull", "--wait", "1", "--on-unreadable", "ack").go());
        assertEquals(List.of("WARN unreadable message: \"sep\" (stream seq 1) headers: Trace-Id=\"a\\u{2028}Evil: 1\": "
                        + "jnats cannot read it (Header value has invalid character: 0x2028); acked",
                "WARN unreadable message: \"cr\" (stream seq 2) headers: Trace-Id=\"a\\rEvil: 1\": "
                        + "jnats cannot read it (Invalid header composition); acked",
                "INFO done: 0 messages pulled and acked, 2 unreadable messages acked (stream seqs 1, 2); none arrived "
                        + "in the last 1s"), pulled.outLines());
        assertEquals(0, server.labConsumer().getNumAckPending() + server.labConsumer().getNumPending());
    }

    /**
     * Core NATS: one message with such a header, from any publisher, stops the listener's reader; the
     * run says so in one line at once instead of waiting on (or, with no --wait, forever) for messages
     * that can no longer arrive, and without claiming none came.
     */
    @Test
    void aListenerSaysWhenAMessageItCannotReadStopsItsConnection() throws Exception {
        try (Run.Started sub = script("NatsSub", "course.bad", "--wait", "60").start()) {
            sub.awaitOut("INFO listening on course.bad");
            long sent = System.nanoTime();
            corePublish("Trace-Id: caf\u00c3\u00a9", "course.bad", "bad");
            Run.Result result = sub.finish();
            assertEquals(Exit.FAILED, result.exit(), result.toString());
            assertEquals("ERROR a message came with headers jnats cannot read (Header value has invalid character: "
                    + "0xe9): jnats stopped reading this connection, so nothing published after it can arrive; core "
                    + "NATS keeps no copy of it: 0 messages received\n", result.err());
            assertTrue(System.nanoTime() - sent < 30_000_000_000L, "it waited out --wait");
        }
    }

    /**
     * Core NATS: jnats makes a status of a message whose headers begin with a status line ("NATS/1.0 404 No Messages";
     * any publisher can send one), keeping neither its body nor its other headers. A listener says so instead of
     * showing an empty body, a responder does not answer what it cannot read, a requester names such a reply; each
     * goes on with what comes next.
     */
    @Test
    void aMessageWhoseHeadersBeginWithAStatusLineIsNamedByEveryListener() throws Exception {
        String what = "a message jnats cannot read: its headers begin with a status line (jnats reads status 404, \"No "
                + "Messages\"), which jnats takes for a status from the server, not a message, and keeps neither its body nor "
                + "its other headers";
        Map<List<String>, List<String>> runs = new java.util.LinkedHashMap<>();
        runs.put(List.of("NatsSub", "--count", "2", "course.look"), List.of("WARN received on course.look: " + what,
                "INFO received on course.look: \"after\""));
        runs.put(List.of("Worker", "--label", "W", "--count", "2", "course.look"), List.of("WARN [W] received on course.look: "
                + what, "INFO [W] received on course.look: \"after\""));
        runs.put(List.of("Responder", "--count", "2", "course.look"), List.of("WARN request on course.look: " + what
                + "; not answered: its body is not known", "INFO got \"after\" on course.look with no reply subject: a plain "
                + "publish, nothing to answer"));
        for (Map.Entry<List<String>, List<String>> run : runs.entrySet()) {
            try (Run.Started listener = script(run.getKey().get(0), run.getKey().subList(1, run.getKey().size())
                    .toArray(String[]::new)).start()) {
                listener.awaitOut("listening");
                hpubBlock("NATS/1.0 404 No Messages", "course.look _INBOX.asker", "poison", "",
                        "PUB course.look 5\r\nafter\r\nPING\r\n", in -> assertEquals("PONG", readLine(in)));
                Run.Result result = listener.finish();
                assertEquals(0, result.exit(), result.toString());
                assertTrue(result.outLines().containsAll(run.getValue()), result.toString());
            }
        }
        try (Socket socket = new Socket("127.0.0.1", server.port)) { // a responder whose reply begins with that status line
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            readLine(in); // INFO
            out.write("CONNECT {\"headers\":true,\"verbose\":false}\r\nSUB course.ask 1\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("PONG", readLine(in));
            Thread responder = replyOnce(in, out, "NATS/1.0 404 No Messages\r\n\r\n");
            responder.start();
            Run.Result asked = ok(script("Requester", "--subject", "course.ask", "--timeout", "3s", "hello?").go());
            responder.join();
            assertTrue(asked.out().contains(" (this run's inbox): " + what + "\n"), asked.toString());
        }
    }

    /**
     * The same message while a listener still subscribes, before the server answered the flush after its SUB:
     * jnats' reader stops there, so that answer never comes, and the run ends at once with the same line.
     */
    @Test
    void aMessageItCannotReadWhileItSubscribesGetsTheSameLine() throws Exception {
        byte[] headers = "NATS/1.0\r\nTrace-Id: caf\u00c3\u00a9\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        try (FakeNatsServer fake = new FakeNatsServer("fake", "2.10.0", subject -> null).afterSub((subject, sid) -> {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            message.writeBytes(("HMSG " + subject + " " + sid + " " + headers.length + " " + (headers.length + 3) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            message.writeBytes(headers);
            message.writeBytes("bad\r\n".getBytes(StandardCharsets.US_ASCII));
            return message.toByteArray();
        })) {
            String line = "a message came with headers jnats cannot read (Header value has invalid character: 0xe9): jnats "
                    + "stopped reading this connection, so nothing published after it can arrive; core NATS keeps no copy "
                    + "of it: 0 messages received";
            java.util.Map<List<String>, String> runs = new java.util.LinkedHashMap<>();
            runs.put(List.of("NatsSub", "course.bad"), "ERROR " + line + "\n");
            runs.put(List.of("Worker", "--label", "W", "course.bad"), "ERROR [W] " + line + "\n");
            runs.put(List.of("Responder", "course.bad"), "ERROR " + line + ", 0 replied\n");
            for (java.util.Map.Entry<List<String>, String> run : runs.entrySet()) {
                long started = System.nanoTime();
                Run.Result result = Run.script(run.getKey().get(0), run.getKey().subList(1, run.getKey().size())
                        .toArray(String[]::new)).env("NATS_URL", fake.url()).go();
                // a run that waits out the flush (Connector.CONFIRM_WAIT) takes at least that long, however fast the machine
                assertTrue(System.nanoTime() - started < Connector.CONFIRM_WAIT.toNanos(), "it waited out the flush's 5 s: " + result);
                assertEquals(Exit.FAILED, result.exit(), result.toString());
                assertEquals("", result.out(), result.toString());
                assertEquals(run.getValue(), result.err(), result.toString());
            }
        }
    }

    /**
     * A reply or PubAck jnats cannot read is named as an answer that came, not taken for silence ("nothing
     * tells which", "no answer in time"); a message it answered is still not known to be stored.
     */
    @Test
    void anAnswerItCannotReadIsSaidToHaveCome() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            readLine(in); // INFO
            out.write("CONNECT {\"headers\":true,\"verbose\":false}\r\nSUB course.ask 1\r\nPING\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("PONG", readLine(in)); // subscribed
            String unreadable = "an answer came with headers jnats cannot read (Header value has invalid character: 0xe9), and "
                    + "jnats stopped reading the connection at it\n";
            Map<List<String>, String> runs = new java.util.LinkedHashMap<>(); // the bulk run last: its other requests stay unread
            runs.put(List.of("Requester", "hello?"), "ERROR a reply came on course.ask with headers jnats cannot read (Header "
                    + "value has invalid character: 0xe9), so it is not shown: jnats stopped reading the connection at it\n");
            runs.put(List.of("JsPub", "hello?"), "ERROR no PubAck for \"hello?\", so it may or may not be stored: " + unreadable);
            runs.put(List.of("JsPub", "--count", "3", "n"), "ERROR only 0 of 3 messages confirmed by a PubAck; 3 not: 0 refused by "
                    + "the server, 3 sent without an answer (they may or may not be stored), 0 never sent: " + unreadable);
            for (Map.Entry<List<String>, String> run : runs.entrySet()) {
                // the first request of the run gets a reply jnats cannot read
                Thread responder = replyOnce(in, out, "NATS/1.0\r\nTrace-Id: caf\u00c3\u00a9\r\n\r\n");
                responder.start();
                List<String> args = new java.util.ArrayList<>(List.of("--subject", "course.ask", "--timeout", "3s"));
                args.addAll(run.getKey().subList(1, run.getKey().size()));
                Run.Result answered = script(run.getKey().get(0), args.toArray(String[]::new)).go();
                responder.join();
                assertEquals(Exit.FAILED, answered.exit(), answered.toString());
                assertEquals("", answered.out(), answered.toString());
                assertEquals(run.getValue(), answered.err());
            }
        }
    }

    /**
     * A stored message whose headers begin with a status line ("NATS/1.0 400 Bad Request"; anyone allowed to publish
     * on the subject can store one) is read by jnats as a status from the server, not a message. It is shown and
     * terminated as a message jnats cannot read, and the run goes on, whatever its status says: in batches, and one at
     * a time, where jnats ends the pull with it (400, a 409 the consumer's info disproves), returns empty (404, 408,
     * 503) or waits on past it (100, a 409 it takes for a warning), and the message after it is pulled too.
     */
    @Test
    void aMessageWhoseHeadersBeginWithAStatusLineIsNoStatus() throws Exception {
        bootstrap();
        long seq = 0;
        String list = server.url() + "," + server.url(); // a server list: the path that waits through failovers
        for (String[] run : new String[][] {{"--batch", "10", "--wait", "1"}, {"--wait", "1"}, {"--wait", "1", "--server", list}}) {
            for (String status : new String[] {"400 Bad Request", "409 Consumer Deleted", "408 Request Timeout", "404 No Messages",
                    "503", "100 Idle Heartbeat", "409 Exceeded MaxWaiting"}) {
                boolean batches = run[0].equals("--batch");
                if (run.length == 4 && !batches && !List.of("400 Bad Request", "408 Request Timeout", "100 Idle Heartbeat").contains(status)) {
                    continue; // through a list, one of each way jnats takes it: it throws, returns empty, waits on
                }
                publish("before");
                hpubBlock("NATS/1.0 " + status, "lab4.stream", "poison", "", "PING\r\n", in -> assertEquals("PONG", readLine(in)));
                if (!batches) {
                    publish("after"); // in batches it came with the poison, and waits out the ack wait (the test below)
                }
                seq += batches ? 2 : 3;
                long poison = batches ? seq : seq - 1;
                Run.Result pulled = ok(script("JsPull", run).go());
                assertTrue(pulled.outLines().contains("WARN unreadable message: \"poison\" (stream seq " + poison + ") headers: "
                        + "(none): jnats cannot read it (its headers begin with a status line, \"NATS/1.0 " + status
                        + "\", which jnats takes for a status from the server, not a message); terminated: never delivered "
                        + "again, it stays in the stream"), pulled.toString());
                String last = pulled.outLines().get(pulled.outLines().size() - 1);
                assertTrue(last.startsWith("INFO done: " + (batches ? "1 message" : "2 messages") + " pulled and acked, 1 unreadable "
                        + "message terminated (stream seq " + poison + ")" + (batches ? " in batches of 10 (none arrived in the last 1s)"
                        : "; none arrived")), last);
                assertEquals(0, server.labConsumer().getNumAckPending() + server.labConsumer().getNumPending(), pulled.toString());
            }
        }
    }

    /**
     * A message another run holds unacked keeps the consumer's ack floor below a status-line message this run
     * terminates: it is dealt with once, and the run ends after its wait, not each empty wait again until the ack
     * floor moves (57 times in a minute, counted each time). The request jnats took for ended early by it had its one
     * message: no "may have sent" note.
     */
    @Test
    void aStatusLineMessageAboveAnAckFloorAnotherHoldsIsDealtWithOnce() throws Exception {
        bootstrap("--ack-wait", "60s");
        publish("a");
        hpubBlock("NATS/1.0 404 No Messages", "lab4.stream", "poison", "", "PING\r\n", in -> assertEquals("PONG", readLine(in)));
        publish("b");
        ok(script("JsPull", "--wait", "1", "--no-ack", "--max", "1").go()); // holds "a" for the ack wait
        long started = System.nanoTime();
        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());
        assertTrue(System.nanoTime() - started < 15_000_000_000L, "it waited for the ack floor to move: " + pulled);
        assertEquals(1, pulled.outLines().stream().filter(line -> line.startsWith("WARN unreadable message")).count(), pulled.toString());
        assertEquals("INFO done: 1 message pulled and acked, 1 unreadable message terminated (stream seq 2); none arrived in "
                + "the last 1s", pulled.outLines().get(pulled.outLines().size() - 1));
        // the next runs got no delivery they missed: the one terminated before is not theirs to deal with again
        for (String choice : List.of("term", "stop")) {
            Run.Result next = ok(script("JsPull", "--wait", "1", "--on-unreadable", choice).go());
            assertFalse(next.out().contains("unreadable"), next.toString());
        }
    }

    /**
     * Several status-line messages among many, with a short ack wait: those left on a connection the run left come
     * back as later deliveries, and each is terminated once, through the ack subject of the delivery the run met.
     */
    @Test
    void statusLineMessagesAmongManyAreEachTerminatedOnce() throws Exception {
        bootstrap();
        ok(script("JsBootstrap", "--ack-wait", "3s").go());
        String[] statuses = {"409 Consumer Deleted", "503", "400 Bad Request", "408 Request Timeout", "409 Consumer Deleted"};
        for (String status : statuses) {
            ok(script("JsPub", "--count", "50").go());
            hpubBlock("NATS/1.0 " + status, "lab4.stream", "bad", "", "PING\r\n", in -> assertEquals("PONG", readLine(in)));
        }
        Run.Result pulled = ok(script("JsPull", "--batch", "20", "--wait", "8s").go());
        assertEquals(5, pulled.outLines().stream().filter(line -> line.startsWith("WARN unreadable message")).count(), pulled.toString());
        String last = pulled.outLines().get(pulled.outLines().size() - 1);
        assertTrue(last.startsWith("INFO done: 250 messages pulled and acked, 5 unreadable messages terminated (stream seqs 51, "
                + "102, 153, 204, 255)"), last);
        assertEquals(0, server.labConsumer().getNumAckPending() + server.labConsumer().getNumPending(), pulled.toString());
    }

    /** The same as plain NATS: HPUB, then a PING whose PONG says the server has read it. */
    private static void corePublish(String headerLine, String subject, String body) throws Exception {
        hpub(headerLine, subject, body, "", "PING\r\n", in -> assertEquals("PONG", readLine(in)));
    }

    /** One HPUB on a plain socket: the header block's text is written as ISO-8859-1, one byte per char. */
    private static void rawPublish(String headerLine, String body) throws Exception {
        hpub(headerLine, "lab4.stream _INBOX.raw", body, "SUB _INBOX.raw 1\r\n", "", in -> {
            String line;
            while (!(line = readLine(in)).startsWith("MSG _INBOX.raw")) { // the PubAck: it is stored
                assertTrue(line.equals("PING") || line.startsWith("INFO"), "unexpected " + line);
            }
            assertTrue(readLine(in).contains("\"seq\""), "no PubAck");
        });
    }

    /** A thread that answers the next request read from `in` with this header block (ISO-8859-1) and the body "hi". */
    private static Thread replyOnce(InputStream in, OutputStream out, String headerBlock) {
        return new Thread(() -> {
            try {
                String line;
                while (!(line = readLine(in)).startsWith("MSG ")) {
                    assertEquals("PING", line);
                }
                readLine(in); // the request's body
                byte[] headers = headerBlock.getBytes(StandardCharsets.ISO_8859_1);
                out.write(("HPUB " + line.split(" ")[3] + " " + headers.length + " " + (headers.length + 2) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(headers);
                out.write("hi\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private interface Answer {
        void await(InputStream in) throws Exception;
    }

    private static void hpub(String headerLine, String subjectAndReply, String body, String before, String after,
                             Answer answer) throws Exception {
        hpubBlock("NATS/1.0\r\n" + headerLine, subjectAndReply, body, before, after, answer);
    }

    /** `block`: the header block up to its blank line. */
    private static void hpubBlock(String block, String subjectAndReply, String body, String before, String after,
                                  Answer answer) throws Exception {
        byte[] headers = (block + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", server.port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            readLine(in); // INFO
            ByteArrayOutputStream proto = new ByteArrayOutputStream();
            proto.write(("CONNECT {\"headers\":true,\"verbose\":false,\"pedantic\":false}\r\n" + before + "HPUB "
                    + subjectAndReply + " " + headers.length + " " + (headers.length + data.length) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            proto.write(headers);
            proto.write(data);
            proto.write(("\r\n" + after).getBytes(StandardCharsets.US_ASCII));
            out.write(proto.toByteArray());
            out.flush();
            answer.await(in);
        }
    }

    private static String readLine(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
