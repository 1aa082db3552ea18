// The lab README as a learner follows it: every command of its "Commands" sections, read from
// labs/lab4_jetstream_basics/README.md and run as written through `make` and bash, must print the
// output the README shows next to it; so must its "$ command" transcripts. And its takeaways,
// each run on its own.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LessonTest extends WithServer {
    static final Path LESSON = Run.REPO.resolve("labs/lab4_jetstream_basics/README.md");
    /** The README is written for the default URL; the test swaps in a free port (a test never uses 4222). */
    private static final String DOCUMENTED_URL = "nats://127.0.0.1:4222";
    private static final String DOCUMENTED_STATE = ".lab/nats-4222/";

    /** A ```bash block of the lesson and the output block that follows it. */
    record Step(String section, List<String> commands, List<String> expected) {
    }

    /**
     * From a fresh start, as on a learner's machine: `make` finds no server at the URL and starts
     * one (its store in this run's state dir), and each step prints what the README shows.
     */
    @Test
    void everyCommandOfTheLessonPrintsWhatTheReadmeShows() throws Exception {
        int port = NatsServer.freePort();
        String url = "nats://127.0.0.1:" + port;
        Path state = Sandbox.labState().resolve("nats-" + port);
        MakeRun.Replay replay = new MakeRun.Replay(null); // its first `make run` starts the server at url
        try {
            for (Step step : lessonSteps()) {
                List<String> printed = new ArrayList<>();
                for (String command : step.commands()) {
                    Run inside = replay.inside(command, step.expected());
                    Run.Result result = (inside != null ? inside : Run.command("bash", "-c", command)).env("NATS_URL", url).go();
                    String where = step.section() + ": " + command + "\n" + result;
                    assertEquals(0, result.exit(), where);
                    assertEquals("", result.err(), "nothing on stderr: " + where);
                    printed.addAll(result.outLines());
                }
                List<String> expected = step.expected().stream()
                        .map(line -> line.replace(DOCUMENTED_URL, url).replace(DOCUMENTED_STATE, state + "/")).toList();
                assertTrue(matches(expected, printed), step.section() + ": " + step.commands()
                        + "\n--- the README shows\n" + String.join("\n", expected)
                        + "\n--- the run printed\n" + String.join("\n", printed));
            }
        } finally {
            Run.command("make", "server-stop").env("NATS_URL", url).go(); // the runner reports it if this failed
            Run.deleteTree(state);
        }
    }

    /** A fenced block of the README: its chapter (##), section (###), info string, lines, and the prose line before it. */
    record Block(String chapter, String section, String info, List<String> lines, String before) {
    }

    static List<Block> blocks() throws Exception {
        return blocks(LESSON);
    }

    /** The fenced blocks of a Markdown file (MainReadmeTest reads the main README's). */
    static List<Block> blocks(Path markdown) throws Exception {
        List<String> lines = Files.readAllLines(markdown);
        List<Block> blocks = new ArrayList<>();
        String chapter = "";
        String section = "";
        String before = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                chapter = line.substring(3);
                section = "";
            } else if (line.startsWith("### ")) {
                section = line.substring(4);
            } else if (line.strip().startsWith("```")) {
                int indent = line.indexOf("```"); // a block inside a list item is indented with it
                List<String> block = new ArrayList<>();
                while (!lines.get(++i).strip().equals("```")) {
                    String inner = lines.get(i);
                    block.add(inner.substring(Math.min(indent, inner.length() - inner.stripLeading().length())));
                }
                blocks.add(new Block(chapter, section, line.strip().substring(3), block, before));
            } else if (!line.isBlank()) {
                before = line;
            }
        }
        return blocks;
    }

    /** The steps, in order; every section under "## Commands" has at least one, and every command its output. */
    static List<Step> lessonSteps() throws Exception {
        List<Step> steps = new ArrayList<>();
        Set<String> sections = new LinkedHashSet<>();
        List<String> commands = null;
        for (Block block : blocks()) {
            if (!block.chapter().equals("Commands")) {
                continue;
            }
            sections.add(block.section());
            if (block.info().equals("bash")) {
                assertEquals(null, commands, "a ```bash block without its output block in " + block.section());
                commands = block.lines().stream().filter(c -> !c.isBlank() && !c.startsWith("#")).toList();
            } else if (block.info().isEmpty() && commands != null) {
                steps.add(new Step(block.section(), commands, block.lines()));
                commands = null;
            } // an output block of its own is an example, checked where it is used
        }
        assertEquals(null, commands, "the last ```bash block has no output block");
        for (String name : sections) {
            assertTrue(steps.stream().anyMatch(s -> name.equals(s.section())), "section \"" + name + "\" has no command to run");
        }
        return steps;
    }

    /** The README's transcripts: a block of "$ command" lines, each followed by all it prints (stderr too). */
    @Test
    void transcriptsPrintWhatTheReadmeShows() throws Exception {
        List<Block> transcripts = blocks().stream()
                .filter(b -> b.info().isEmpty() && !b.lines().isEmpty() && b.lines().get(0).startsWith("$ ")).toList();
        assertTrue(!transcripts.isEmpty(), "the README has transcripts ($ make run ...)");
        MakeRun.Replay replay = new MakeRun.Replay(server);
        for (Block transcript : transcripts) {
            List<String> lines = transcript.lines();
            for (int i = 0; i < lines.size(); ) {
                String command = lines.get(i).substring(2);
                int next = i + 1;
                while (next < lines.size() && !lines.get(next).startsWith("$ ")) {
                    next++;
                }
                // On this class's server, emptied before the test: no stream yet, as the transcripts assume.
                Run.Result result = replay.transcriptLine(command, lines.subList(i + 1, next),
                        line -> Run.command("bash", "-c", line + " 2>&1").server(server)).go();
                assertEquals(lines.subList(i + 1, next), result.outLines(), transcript.chapter() + ": " + command);
                i = next;
            }
        }
    }

    /** The config files as the README quotes them hold the same settings as the files themselves (comments aside). */
    @Test
    void quotedConfigFilesSayWhatTheFilesSay() throws Exception {
        List<Block> quoted = blocks().stream().filter(b -> b.info().equals("toml")).toList();
        assertTrue(!quoted.isEmpty(), "the README quotes its config files");
        for (Block block : quoted) {
            java.util.regex.Matcher file = java.util.regex.Pattern.compile("`([^`]*\\.toml)`").matcher(block.before());
            assertTrue(file.find(), "which file is quoted? " + block.before());
            var inReadme = settings(org.tomlj.Toml.parse(String.join("\n", block.lines())));
            assertEquals(settings(org.tomlj.Toml.parse(Run.REPO.resolve(file.group(1)))), inReadme, file.group(1));
        }
    }

    static java.util.Map<String, Object> settings(org.tomlj.TomlParseResult toml) {
        assertEquals(List.of(), toml.errors());
        java.util.Map<String, Object> settings = new java.util.TreeMap<>();
        toml.dottedKeySet().forEach(key -> settings.put(key, toml.get(key)));
        return settings;
    }

    /** Line by line, where a line "..." in the README stands for any number of lines. */
    static boolean matches(List<String> expected, List<String> actual) {
        if (expected.isEmpty()) {
            return actual.isEmpty();
        }
        if (expected.get(0).strip().equals("...")) {
            for (int skip = 0; skip <= actual.size(); skip++) {
                if (matches(expected.subList(1, expected.size()), actual.subList(skip, actual.size()))) {
                    return true;
                }
            }
            return false;
        }
        return !actual.isEmpty() && expected.get(0).equals(actual.get(0))
                && matches(expected.subList(1, expected.size()), actual.subList(1, actual.size()));
    }

    @Test
    void jsonIsTheServersOwnAnswer() throws Exception {
        bootstrap();
        String json = ok(script("JsInfo", "--json").go()).out();
        assertEquals(true, json.startsWith("{\"stream\":{\"type\":\"io.nats.jetstream.api.v1.stream_info_response\""), json);
        assertEquals(true, json.contains("\"consumer\":{\"type\":\"io.nats.jetstream.api.v1.consumer_info_response\""), json);
    }

    @Test
    void consumersDoNotAckByThemselves() throws Exception {
        bootstrap();
        publish("first message");
        ok(script("JsPull", "--no-ack").go());
        List<String> consumer = ok(script("JsInfo").go()).outLines();
        assertEquals("  ack pending:    1 (delivered, waiting for an ack)", consumer.get(8));
        assertEquals("  ack floor:      stream seq 0 (everything up to here is done: acked, terminated or given up)", consumer.get(11));
    }

    /**
     * "Inspect state": a message without its ack stays in ack pending after its ack wait, and
     * redelivered counts only a redelivered message still waiting for its ack (0 again once acked).
     */
    @Test
    void ackPendingOutlivesTheAckWaitAndRedeliveredCountsOnlyWhatIsStillOpen() throws Exception {
        String lab = tomlFile("[consumer]\nack_wait_secs = 1\n");
        bootstrap("--lab-config", lab);
        publish("first message");
        ok(script("JsPull", "--lab-config", lab, "--no-ack", "--max", "1").go());
        Thread.sleep(2_500); // past the 1 s ack wait, with no pull asking
        List<String> waited = ok(script("JsInfo").go()).outLines();
        assertEquals("  ack pending:    1 (delivered, waiting for an ack)", waited.get(8), String.join("\n", waited));

        ok(script("JsPull", "--lab-config", lab, "--no-ack", "--max", "1", "--wait", "10").go()); // (delivery 2), no ack
        assertEquals("  redelivered:    1", ok(script("JsInfo").go()).outLines().get(9));
        Run.Result acked = ok(script("JsPull", "--lab-config", lab, "--max", "1", "--wait", "10").go());
        assertEquals("INFO pulled message: \"first message\" (delivery 3)", acked.outLines().get(0));
        List<String> after = ok(script("JsInfo").go()).outLines();
        assertEquals("  ack pending:    0 (delivered, waiting for an ack)", after.get(8), String.join("\n", after));
        assertEquals("  redelivered:    0", after.get(9));
    }

    @Test
    void coreNatsIsFireAndForget() throws Exception {
        bootstrap();
        Run.Result gone = ok(script("JsPub", "--core", "--subject", "lab4.nowhere", "gone").go());
        Run.Result kept = ok(script("JsPub", "--core", "kept, unconfirmed").go());

        assertEquals("INFO sent \"gone\" to subject lab4.nowhere with core NATS: no PubAck, so nothing confirms a "
                + "stream stored it\n", gone.out());
        assertEquals("INFO sent \"kept, unconfirmed\" to subject lab4.stream with core NATS: no PubAck, so nothing "
                + "confirms a stream stored it\n", kept.out());
        List<String> stream = ok(script("JsInfo").go()).outLines();
        assertEquals("  messages:       1 (58 bytes)", stream.get(2), "only the message on the stream's subject stayed");
        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());
        assertEquals("INFO pulled message: \"kept, unconfirmed\"", pulled.outLines().get(0));
    }

    @Test
    void ephemeralConsumerReadsEverythingAndLeavesTheDurableWhereItWas() throws Exception {
        bootstrap();
        publish("first message", "second message");
        ok(script("JsPull", "--max", "1").go());

        Run.Result read = ok(script("JsPull", "--ephemeral", "--wait", "1").go());

        assertEquals(List.of(
                "INFO pulled message: \"first message\" (stream seq 1)",
                "INFO pulled message: \"second message\" (stream seq 2)",
                "INFO done: 2 messages read through a throw-away consumer, no acks needed; durable consumer "
                        + "LAB4_CONSUMER did not move"), read.outLines());
        Run.Result durable = ok(script("JsPull", "--wait", "1").go());
        assertEquals(List.of("INFO pulled message: \"second message\"", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 1s"), durable.outLines());
    }

    @Test
    void purgeOptionsSayWhatWouldGoAndThenDoIt() throws Exception {
        bootstrap();
        for (int n = 1; n <= 5; n++) {
            publish("m" + n);
        }
        assertEquals("INFO dry run: would purge 3 messages from stream LAB4_STREAM (keeping the last 2); nothing was removed\n",
                ok(script("JsPurge", "--keep", "2", "--dry-run").go()).out());
        assertEquals("INFO dry run: would purge 2 messages from stream LAB4_STREAM (subject lab4.stream, below seq 3); "
                + "nothing was removed\n", ok(script("JsPurge", "--subject", "lab4.stream", "--seq", "3", "--dry-run").go()).out());
        assertEquals("INFO purged 2 messages from stream LAB4_STREAM (below seq 3)\n",
                ok(script("JsPurge", "--seq", "3").go()).out());
        assertEquals("INFO purged 1 message from stream LAB4_STREAM (keeping the last 2)\n",
                ok(script("JsPurge", "--keep", "2").go()).out());
        assertEquals("  first seq:      4", ok(script("JsInfo").go()).outLines().get(3));
    }
}
