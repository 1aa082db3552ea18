// js-info --watch: the numbers again every interval, what changed marked: one line per look on a
// pipe (a `*` after a changed value), a block redrawn in place on a terminal (tmux); it ends with one
// line on Ctrl-C, SIGTERM or a closed pipe, and names a deleted consumer or a lost server.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WatchTest extends WithServer {
    /** The new count, in a colour or attribute (tmux shows them as SGR escapes): bold and reverse here. */
    private static final String HIGHLIGHTED_2 = "messages: +(\033\\[[0-9;]*m)+2";
    private static final String TIME = "\\d\\d:\\d\\d:\\d\\d";
    private static final String ENDED = "watched LAB4_STREAM / LAB4_CONSUMER for [\\d.]+s \\(\\d+ looks?\\); js-info only reads, "
            + "nothing was changed";

    @Test
    void onAPipeEachLookIsALineWithAStarOnWhatChanged() throws Exception {
        bootstrap();
        publish("one");
        try (Run.Started watch = script("JsInfo", "--watch", "300ms").asProcess().start()) {
            watch.awaitOut("ack floor stream seq 0\n");
            publish("two");
            watch.awaitOut("messages 2*, pending 2*");
            ok(script("JsPull", "--no-ack", "--max", "1").go());
            watch.awaitOut("ack pending 1* of max 1,000,");
            watch.signal("TERM");
            Run.Result ended = watch.finish();

            assertEquals(143, ended.exit(), ended.toString());
            assertTrue(ended.err().matches("ERROR interrupted: " + ENDED + "\n"), ended.toString());
            List<String> lines = ended.outLines();
            assertEquals("watching stream LAB4_STREAM, consumer LAB4_CONSUMER every 300ms (Ctrl-C ends it)", lines.get(0));
            assertTrue(lines.get(1).matches(TIME + " messages 1, pending 1, ack pending 0 of max 1,000, waiting pulls 0, "
                    + "redelivered 0, last delivered stream seq 0, ack floor stream seq 0"), lines.get(1));
            assertTrue(lines.stream().anyMatch(line -> line.matches(TIME + " messages 2, pending 1\\*, ack pending 1\\* of max "
                    + "1,000, waiting pulls 0, redelivered 0, last delivered stream seq 1\\*, ack floor stream seq 0")), ended.out());
        }
    }

    @Test
    void aClosedPipeEndsTheWatchWithOneLine() throws Exception {
        bootstrap();
        Run.Result result = Run.command("bash", "-c", "set -o pipefail; " + script("JsInfo", "--watch", "200ms").shellLine()
                + " | head -2").in(Scratch.dir()).server(server).go();
        assertEquals(0, result.exit(), result.toString());
        assertEquals(2, result.outLines().size(), result.toString());
        assertTrue(result.outLines().get(1).matches(TIME + " messages 0, .*"), result.toString());
        assertTrue(result.err().matches("INFO the watch ended: stdout's reader left \\(Broken pipe\\); " + ENDED + "\n"),
                result.toString());
    }

    /** The why-line shows in the watch too, and changes as the state does. */
    @Test
    void theWatchSaysWhyNothingArrives() throws Exception {
        bootstrap();
        try (Run.Started watch = script("JsInfo", "--watch", "300ms").withSigintAtDefault().start()) {
            watch.awaitOut("next pull gets nothing: the stream is empty");
            publish("one");
            ok(script("JsPull", "--max", "1").go());
            watch.awaitOut("next pull gets nothing: no messages past the ack floor (stream seq 1)");
            publish("two");
            ok(script("JsPull", "--nak", "--max", "1").go()); // nak'd: the next pull gets it at once, so only "may"
            watch.awaitOut("next pull may get nothing: 1 message is ack pending past the ack floor (stream seq 1)");
            watch.signal("INT");
            assertEquals(130, watch.finish().exit());
        }
    }

    /**
     * --trace: the first look's requests and answers, then only the looks where an answer changed;
     * the requests answered as before are counted in one line, which a signal still prints.
     */
    @Test
    void aTracedWatchShowsOnlyTheLooksThatChanged() throws Exception {
        bootstrap();
        try (Run.Started watch = script("JsInfo", "--watch", "200ms", "--trace").asProcess().start()) {
            awaitLines(watch, 5); // the header and four looks: three asked again, answered as before
            publish("one");
            watch.awaitOut("messages 1*");
            awaitLines(watch, watch.outSoFar().lines().count() + 3);
            watch.signal("TERM");
            Run.Result ended = watch.finish();

            assertEquals(143, ended.exit(), ended.toString());
            List<String> err = ended.err().lines().toList();
            for (String request : List.of("STREAM.INFO.LAB4_STREAM", "CONSUMER.INFO.LAB4_STREAM.LAB4_CONSUMER")) {
                assertEquals(2, err.stream().filter(line -> line.matches(TIME + " >>> \\$JS\\.API\\." + Pattern.quote(request)))
                        .count(), "asked at the first look and at the one whose answer changed:\n" + ended.err());
                assertEquals(2, err.stream().filter(line -> line.matches(TIME + " <<< \\$JS\\.API\\." + Pattern.quote(request)))
                        .count(), ended.err());
            }
            assertEquals(1, err.stream().filter(line -> line.matches(TIME + " --- from here on a request asked again is shown "
                    + "only when its answer changed \\(the rest are counted\\)")).count(), ended.err());
            assertTrue(ended.err().contains("\"state\": {\"messages\": 1,"), ended.err());
            java.util.regex.Matcher notTraced = Pattern.compile(TIME + " --- not traced: (\\d+) API requests answered as the time "
                    + "before \\(a request asked again is shown when its answer changed\\)").matcher(err.get(err.size() - 2));
            assertTrue(notTraced.matches(), "the count, then the line a signal ends with:\n" + ended.err());
            assertTrue(err.get(err.size() - 1).matches("ERROR interrupted: " + ENDED), ended.err());
            java.util.regex.Matcher looks = Pattern.compile("\\((\\d+) looks\\)").matcher(err.get(err.size() - 1));
            assertTrue(looks.find(), ended.err());
            long asked = Long.parseLong(notTraced.group(1)) + 4;
            long expected = 2L * Long.parseLong(looks.group(1));
            assertTrue(asked >= expected && asked <= expected + 2, "each look asks twice: " + asked + " for " + looks.group(1)
                    + " looks\n" + ended.err());
        }
    }

    private static void awaitLines(Run.Started watch, long lines) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (watch.outSoFar().lines().count() < lines) {
            assertTrue(System.nanoTime() < deadline && watch.running(), "never printed " + lines + " lines: " + watch.outSoFar());
            Thread.sleep(20);
        }
    }

    /** max_deliver reached: the server's advisory shows up in the watch as it comes. */
    @Test
    void theMaxDeliveriesAdvisoryShowsInTheWatch() throws Exception {
        String lab = tomlFile("[consumer]\nack_wait_secs = 1\nmax_deliver = 1\n");
        bootstrap("--lab-config", lab);
        publish("poison");
        try (Run.Started watch = script("JsInfo", "--watch", "300ms").withSigintAtDefault().start()) {
            watch.awaitOut("messages 1");
            ok(script("JsPull", "--no-ack", "--max", "1").go());
            Thread.sleep(1_500); // past the ack wait: the next pull makes the server give up on it
            ok(script("JsPull", "--wait", "2").go());
            watch.awaitOut("advisory: stream seq 1 reached max deliver (1 delivery, none acked): the server hands it out no "
                    + "more; it stays in the stream");
            watch.awaitOut("reached max deliver (1) or were terminated");
            watch.signal("INT");
            watch.finish();
        }
    }

    @Test
    void aDeletedConsumerEndsTheWatch() throws Exception {
        endsWhenDeleted(jsm -> jsm.deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER"), "ERROR consumer LAB4_CONSUMER was deleted "
                + "while js-info watched it: " + ENDED + "; run js-bootstrap to create it again\n");
    }

    @Test
    void aDeletedStreamEndsTheWatch() throws Exception {
        endsWhenDeleted(jsm -> jsm.deleteStream("LAB4_STREAM"), "ERROR stream LAB4_STREAM was deleted during the run \\(and "
                + "consumer LAB4_CONSUMER with it\\): " + ENDED + "; run js-bootstrap to create it again\n");
    }

    /** A watch that sees this deleted ends with exit 5 and a line matching this pattern. */
    private static void endsWhenDeleted(Removal removal, String line) throws Exception {
        bootstrap();
        try (Run.Started watch = script("JsInfo", "--watch", "200ms").asProcess().start()) {
            watch.awaitOut("messages 0");
            try (Connection nc = connect()) {
                removal.delete(nc.jetStreamManagement());
            }
            Run.Result ended = watch.finish();
            assertEquals(Exit.NOT_FOUND, ended.exit(), ended.toString());
            assertTrue(ended.err().matches(line), ended.toString());
        }
    }

    private interface Removal {
        void delete(JetStreamManagement jsm) throws Exception;
    }

    @Test
    void aLostServerEndsTheWatch() throws Exception {
        try (NatsServer own = NatsServer.startWithJetStream()) {
            ok(Run.script("JsBootstrap").server(own).go());
            try (Run.Started watch = Run.script("JsInfo", "--watch", "200ms", "--timeout", "1").server(own).asProcess().start()) {
                watch.awaitOut("messages 0");
                own.close();
                Run.Result ended = watch.finish();
                assertEquals(Exit.UNREACHABLE, ended.exit(), ended.toString());
                assertTrue(ended.err().startsWith("ERROR lost the connection to the server at " + own.url() + " mid-run"),
                        ended.toString());
            }
        }
    }

    /**
     * On a terminal (tmux): the block is drawn once and redrawn in place, the lines above it stay,
     * a changed value is shown highlighted, and Ctrl-C ends it with one line.
     */
    @Test
    void onATerminalTheBlockIsRedrawnInPlace() throws Exception {
        bootstrap();
        publish("one");
        String socket = Scratch.dir().resolve("tmux-socket").toString(); // its own tmux server, and nothing left in /tmp
        String watch = script("JsInfo", "--watch", "3s").withSigintAtDefault().shellLine();
        try {
            tmux(socket, "new-session", "-d", "-x", "160", "-y", "40",
                    "cd " + Scratch.dir() + "; echo above the watch; NATS_URL=" + server.url() + " " + watch + "; echo exit=$?; sleep 120");
            String first = awaitPane(socket, "ack floor:");
            publish("two");
            String changed = awaitPane(socket, HIGHLIGHTED_2, "-e");
            tmux(socket, "send-keys", "C-c");
            String ended = awaitPane(socket, "exit=\\d+");

            assertTrue(first.startsWith("above the watch\nwatching stream LAB4_STREAM, consumer LAB4_CONSUMER every 3s"), first);
            assertEquals(1, count(ended, "messages:"), "redrawn in place, not appended:\n" + ended);
            assertTrue(Pattern.compile(HIGHLIGHTED_2).matcher(changed).find(), "2 is highlighted: " + changed);
            assertTrue(ended.contains("  pending:        2\n") && ended.contains("  ack floor:      stream seq 0\n"), ended);
            assertTrue(ended.matches("(?s).*ERROR interrupted: " + ENDED + "\nexit=130\n.*"), ended);
        } finally {
            tmux(socket, "kill-server");
        }
    }

    /** --trace on the same terminal: each block is drawn below the trace's new lines, never over them. */
    @Test
    void onATerminalATracedWatchDrawsBelowTheTrace() throws Exception {
        bootstrap();
        String socket = Scratch.dir().resolve("tmux-socket").toString();
        String watch = script("JsInfo", "--watch", "300ms", "--trace").withSigintAtDefault().shellLine();
        try {
            tmux(socket, "new-session", "-d", "-x", "160", "-y", "50",
                    "cd " + Scratch.dir() + "; NATS_URL=" + server.url() + " " + watch + "; echo exit=$?; sleep 120");
            awaitPane(socket, "from here on a request asked again", "-S", "-");
            publish("one");
            awaitPane(socket, "(?s)\"num_pending\": 1\n.*ack floor:", "-S", "-");
            tmux(socket, "send-keys", "C-c");
            String ended = awaitPane(socket, "exit=\\d+", "-S", "-");

            assertEquals(2, count(ended, "<<< $JS.API.CONSUMER.INFO.LAB4_STREAM.LAB4_CONSUMER\n"), ended);
            assertTrue(ended.matches("(?s).*\"num_pending\": 0\n.*\n  messages: +0\n.*from here on a request asked again.*\n"
                    + "  messages: +0\n.*\"num_pending\": 1\n.*\n  messages: +[^\n]*1[^\n]*\n.*"), "the looks' blocks below "
                    + "their trace lines, each whole:\n" + ended);
            assertTrue(count(ended, "  ack floor:") >= 3, "the first look, the one after the note, the changed one: " + ended);
            assertTrue(ended.contains("--- not traced: "), ended);
        } finally {
            tmux(socket, "kill-server");
        }
    }

    private static String tmux(String socket, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("tmux", "-S", socket));
        command.addAll(List.of(args));
        return Run.command(command.toArray(String[]::new)).env("TERM", "xterm").go().out();
    }

    /** The pane's text once it matches this pattern (with "-e": with its colours and attributes as escapes). */
    private static String awaitPane(String socket, String text, String... options) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<String> capture = new java.util.ArrayList<>(List.of("capture-pane", "-p", "-t", "0"));
            capture.addAll(List.of(options));
            String pane = tmux(socket, capture.toArray(String[]::new));
            if (Pattern.compile(text).matcher(pane).find() || System.nanoTime() > deadline) {
                return pane;
            }
            Thread.sleep(50);
        }
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }
}
