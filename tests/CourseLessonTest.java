// Labs 1-3 as a learner follows them: each README's transcripts ("$ command" lines, each followed by
// all it prints) are run as written, through make and bash, against a real nats-server. In a section
// of "## Commands" each block is one terminal: a block whose output starts by listening (a
// subscriber, a worker, a responder) is started in the background and the next block waits until it
// listens, as you would before typing in the other terminal; every other block runs in turn; then the
// listeners' output is compared once they are done. Inbox names are random, so any _INBOX.x matches.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CourseLessonTest extends WithServer {
    private static final Pattern INBOX = Pattern.compile("_INBOX\\.[A-Za-z0-9.]+");
    private static final Pattern MAKE_LINE = Pattern.compile("Makefile:[0-9]+:");

    /** One terminal of a section: its commands, and what the README shows after each. */
    record Terminal(String where, List<String> commands, List<List<String>> outputs, boolean shared) {
        boolean listens() {
            return commands.size() == 1 && !outputs.get(0).isEmpty() && outputs.get(0).get(0).contains(" listening");
        }
    }

    @Test
    void lab1PublishSubscribe() throws Exception {
        replay("lab1_publish_subscribe");
    }

    @Test
    void lab2QueueGroups() throws Exception {
        replay("lab2_queue_groups");
    }

    @Test
    void lab3RequestReply() throws Exception {
        replay("lab3_request_reply");
    }

    static Path readme(String lab) {
        return Run.REPO.resolve("labs/" + lab + "/README.md");
    }

    /** Every transcript of the README, grouped by its section; sections of "## Commands" as terminals. */
    static void replay(String lab) throws Exception {
        List<List<Terminal>> sections = new ArrayList<>();
        String lastSection = null;
        for (LessonTest.Block block : LessonTest.blocks(readme(lab))) {
            boolean shared = block.info().equals("shared");
            if (!block.info().isEmpty() && !shared || block.lines().isEmpty() || !block.lines().get(0).startsWith("$ ")) {
                continue;
            }
            String where = block.chapter() + " / " + block.section();
            boolean commands = block.chapter().equals("Commands");
            if (!commands || !where.equals(lastSection)) {
                sections.add(new ArrayList<>());
            }
            lastSection = commands ? where : null;
            sections.get(sections.size() - 1).add(terminal(where, block.lines(), shared));
        }
        assertTrue(sections.size() >= 3, lab + "'s README has its transcripts");
        MakeRun.Replay replay = new MakeRun.Replay(server);
        for (List<Terminal> section : sections) {
            play(section, replay);
        }
    }

    static Terminal terminal(String where, List<String> lines, boolean shared) {
        List<String> commands = new ArrayList<>();
        List<List<String>> outputs = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("$ ")) {
                commands.add(line.substring(2));
                outputs.add(new ArrayList<>());
            } else {
                outputs.get(outputs.size() - 1).add(line);
            }
        }
        return new Terminal(where, commands, outputs, shared);
    }

    private static void play(List<Terminal> section, MakeRun.Replay replay) throws Exception {
        List<Run.Started> listeners = new ArrayList<>();
        List<Terminal> listening = new ArrayList<>();
        try {
            for (int i = 0; i < section.size(); i++) {
                Terminal terminal = section.get(i);
                if (terminal.listens() && i < section.size() - 1) {
                    // once make's path was shown, the script's own process: make's run of it proves nothing more
                    Run.Started started = replay.transcriptLine(terminal.commands().get(0), terminal.outputs().get(0),
                            CourseLessonTest::shell).start();
                    listeners.add(started);
                    listening.add(terminal);
                    started.awaitOut(INBOX.matcher(terminal.outputs().get(0).get(0)).replaceAll("_INBOX."));
                    continue;
                }
                for (int c = 0; c < terminal.commands().size(); c++) {
                    check(terminal, c, replay.go(terminal.commands().get(c), terminal.outputs().get(c), CourseLessonTest::shell));
                }
            }
            List<Run.Result> results = new ArrayList<>();
            for (int i = 0; i < listeners.size(); i++) {
                results.add(listeners.get(i).finish());
                if (!listening.get(i).shared()) {
                    check(listening.get(i), 0, results.get(i));
                }
            }
            checkShared(listening, results);
        } finally {
            for (Run.Started started : listeners) {
                started.close();
            }
        }
    }

    private static final Pattern RECEIVED = Pattern.compile("INFO \\[[^]]*] (received on .*)");
    private static final Pattern DONE = Pattern.compile("INFO \\[[^]]*] done: (\\d+) messages? received; none arrived in the last .*");

    /**
     * Queue-group members (```shared blocks): which member gets which message varies from run to run,
     * so each member must print the README's first line, one line per message it got and a last line
     * counting them; and all members together must get exactly the README's messages, each once.
     */
    static void checkShared(List<Terminal> terminals, List<Run.Result> results) {
        List<String> expected = new ArrayList<>();
        List<String> got = new ArrayList<>();
        for (int i = 0; i < terminals.size(); i++) {
            Terminal terminal = terminals.get(i);
            if (!terminal.shared()) {
                continue;
            }
            List<String> shown = terminal.outputs().get(0);
            List<String> printed = results.get(i).outLines();
            String where = terminal.where() + ": " + terminal.commands().get(0) + "\n" + results.get(i);
            assertEquals(0, results.get(i).exit(), where);
            assertTrue(printed.size() >= 2, where);
            assertEquals(shown.get(0), printed.get(0), where);
            List<String> mine = printed.subList(1, printed.size() - 1).stream().map(l -> only(RECEIVED, l, where)).toList();
            assertEquals(String.valueOf(mine.size()), only(DONE, printed.get(printed.size() - 1), where), where);
            got.addAll(mine);
            shown.subList(1, shown.size() - 1).forEach(l -> expected.add(only(RECEIVED, l, "the README: " + where)));
        }
        java.util.Collections.sort(expected);
        java.util.Collections.sort(got);
        assertEquals(expected, got, "the group's members together got each message once");
    }

    private static String only(Pattern pattern, String line, String where) {
        java.util.regex.Matcher m = pattern.matcher(line);
        assertTrue(m.matches(), line + " in " + where);
        return m.group(1);
    }

    private static Run shell(String command) {
        return Run.command("bash", "-c", command + " 2>&1").server(server).timeout(90);
    }

    private static void check(Terminal terminal, int index, Run.Result result) {
        List<String> expected = normalized(terminal.outputs().get(index));
        List<String> printed = normalized(result.outLines());
        assertTrue(LessonTest.matches(expected, printed), terminal.where() + ": " + terminal.commands().get(index)
                + "\n--- the README shows\n" + String.join("\n", expected) + "\n--- the run printed\n"
                + String.join("\n", printed));
    }

    private static List<String> normalized(List<String> lines) {
        return lines.stream().map(line -> MAKE_LINE.matcher(INBOX.matcher(line).replaceAll("_INBOX.*")).replaceAll("Makefile:N:"))
                .toList();
    }

    /** The README's slow-subscriber commands, run as written: what it took and what it dropped add up to the burst. */
    @Test
    void slowSubscriberLosesMessagesAndSaysHowMany() throws Exception {
        LessonTest.Block commands = LessonTest.blocks(readme("lab1_publish_subscribe")).stream()
                .filter(b -> b.chapter().equals("A slow subscriber is cut off") && b.info().equals("bash")).findFirst()
                .orElseThrow();
        // make's path for these lines is lab1PublishSubscribe's: here the script runs make would start, the
        // subscriber a JVM of its own (it must be slow while the burst comes), the publisher in this one
        Run subscribing = MakeRun.script(commands.lines().get(0));
        Run publishing = MakeRun.script(commands.lines().get(1));
        assertTrue(subscribing != null && publishing != null, "plain make run lines: " + commands.lines());
        try (Run.Started subscriber = subscribing.server(server).stderrOnStdout().timeout(90).start()) {
            subscriber.awaitOut("INFO listening on lab1.hello");
            Run.Result published = publishing.server(server).stderrOnStdout().timeout(90).go();
            assertEquals(0, published.exit(), published.toString());
            Run.Result result = subscriber.finish();
            List<String> lines = result.outLines();
            java.util.regex.Matcher last = Pattern.compile("INFO done: (\\d+) messages? received, (\\d+) messages? dropped: "
                    + "this subscriber fell behind \\(a slow consumer\\), and core NATS keeps no copy to resend \\(--count 50\\)").matcher(lines.get(lines.size() - 1));
            assertTrue(last.matches(), result.toString());
            long received = Long.parseLong(last.group(1));
            assertEquals(50, received + Long.parseLong(last.group(2)), result.toString());
            assertEquals(received, lines.stream().filter(l -> l.startsWith("INFO received on lab1.hello: \"burst ")).count());
            assertTrue(received < 50, result.toString());
        }
    }

    /** The README's commands name only scripts the catalog and `make run` know, and the lab has its config. */
    @Test
    void everyLabHasItsConfigAndDemo() throws Exception {
        for (String lab : List.of("lab1_publish_subscribe", "lab2_queue_groups", "lab3_request_reply")) {
            assertTrue(Files.exists(Run.REPO.resolve("labs/" + lab + "/config.toml")), lab);
            assertTrue(Files.exists(Run.REPO.resolve("labs/" + lab + "/demo.sh")), lab);
            assertTrue(Files.exists(readme(lab)), lab);
        }
    }
}
