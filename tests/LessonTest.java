// The lab README as a learner follows it: every command of its "Commands" sections, read from
// labs/lab4_jetstream_basics/README.md and run as written through `make` and bash, must print the
// output the README shows next to it. And its takeaways, each run on its own.

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
        try {
            for (Step step : lessonSteps()) {
                List<String> printed = new ArrayList<>();
                for (String command : step.commands()) {
                    Run.Result result = Run.command("bash", "-c", command).env("NATS_URL", url).go();
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

    /** The steps, in order; every section under "## Commands" has at least one, and every command its output. */
    static List<Step> lessonSteps() throws Exception {
        List<String> lines = Files.readAllLines(LESSON);
        List<Step> steps = new ArrayList<>();
        Set<String> sections = new LinkedHashSet<>();
        String section = null;
        List<String> commands = null;
        boolean inCommands = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("## ")) {
                inCommands = line.equals("## Commands");
            } else if (inCommands && line.startsWith("### ")) {
                section = line.substring(4);
                sections.add(section);
            } else if (inCommands && line.startsWith("```")) {
                List<String> block = new ArrayList<>();
                int open = i;
                while (!lines.get(++i).equals("```")) {
                    block.add(lines.get(i));
                }
                if (line.equals("```bash")) {
                    assertEquals(null, commands, "a ```bash block without its output block before line " + (open + 1));
                    commands = block.stream().filter(c -> !c.isBlank() && !c.startsWith("#")).toList();
                } else if (line.equals("```") && commands != null) {
                    steps.add(new Step(section, commands, block));
                    commands = null;
                } // any other block is prose: an example, not a step
            }
        }
        assertEquals(null, commands, "the last ```bash block has no output block");
        for (String name : sections) {
            assertTrue(steps.stream().anyMatch(s -> name.equals(s.section())), "section \"" + name + "\" has no command to run");
        }
        return steps;
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
        assertEquals("  ack floor:      stream seq 0 (everything up to here is acked)", consumer.get(11));
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
