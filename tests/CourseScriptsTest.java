// Labs 1-3's scripts beyond what their READMEs show: they need no JetStream, what a publisher sends
// is escaped on the listener's terminal, a request's body and reply keep their bytes, each lab's
// hints name its own subject, a request's three ways to fail are told apart, and each lab's
// demo runs end to end against a real server (lab 1's through `make demo`).

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CourseScriptsTest extends WithServer {

    @Test
    void aSubscriberEscapesTheSubjectAndBodyAPublisherChose() throws Exception {
        try (Run.Started sub = script("NatsSub", "course.>", "--count", "1").start()) {
            sub.awaitOut("INFO listening on course.>");
            try (Connection nc = connect()) {
                byte[] body = "\u001b[31mred\r\nnext\"".getBytes(StandardCharsets.UTF_8);
                byte[] withBadByte = new byte[body.length + 1];
                System.arraycopy(body, 0, withBadByte, 0, body.length);
                withBadByte[body.length] = (byte) 0xff;
                nc.publish("course.x", withBadByte);
                nc.flush(Duration.ofSeconds(5));
            }
            Run.Result result = sub.finish();
            assertEquals(0, result.exit(), result.toString());
            assertEquals(List.of("INFO listening on course.> (Ctrl-C to stop)",
                    "INFO received on course.x: \"\\u{1b}[31mred\\r\\nnext\\\"\\x{ff}\"",
                    "INFO done: 1 message received (--count 1)"), result.outLines());
        }
    }

    @Test
    void aResponderAnswersRequestsOnlyAndKeepsTheirBytes() throws Exception {
        try (Run.Started responder = script("Responder", "course.q", "--count", "3").start()) {
            responder.awaitOut("INFO listening for requests on course.q");
            try (Connection nc = connect()) {
                nc.publish("course.q", "no reply wanted".getBytes(StandardCharsets.UTF_8));
                nc.flush(Duration.ofSeconds(5));
            }
            Run.Result asked = ok(script("Requester", "--subject", "course.q", "caf\u00e9").env("LANG", "C.UTF-8").go());
            assertTrue(asked.out().matches("INFO reply on _INBOX\\.[A-Za-z0-9.]+ \\(this run's inbox\\): \"ack: caf\u00e9\"\n"),
                    asked.toString());
            byte[] raw = {'o', 'k', (byte) 0xff, 0x1b, '\n'}; // not UTF-8: the reply still carries these bytes
            byte[] reply;
            try (Connection nc = connect()) {
                reply = nc.request("course.q", raw, Duration.ofSeconds(30)).getData();
            }
            assertTrue(java.util.Arrays.equals(concat("ack: ".getBytes(StandardCharsets.UTF_8), raw), reply), new String(reply));
            Run.Result result = responder.finish();
            assertEquals(List.of("INFO listening for requests on course.q (Ctrl-C to stop)",
                    "INFO got \"no reply wanted\" on course.q with no reply subject: a plain publish, nothing to answer"),
                    result.outLines().subList(0, 2));
            assertEquals("INFO replied \"ack: caf\u00e9\"", result.outLines().get(3));
            assertEquals("INFO done: 3 messages received, 2 replied (--count 3)", result.outLines().get(6));
        }
    }

    /**
     * Lab 1's `make demo` through make, bash and bin/lab-run; labs 2 and 3's demo.sh step by step as
     * tools/demo.bash takes it (the same scripts, arguments and server), each `run` inside this JVM.
     */
    @Test
    void eachLabsDemoRunsEndToEnd() throws Exception {
        Run.Result demo = Run.command("make", "-s", "demo", "LAB=lab1_publish_subscribe").server(server).timeout(300).go();
        assertEquals(0, demo.exit(), demo.toString());
        assertTrue(demo.out().contains("INFO published"), demo.toString());
        assertTrue(!demo.out().contains("Exception"), demo.toString());
        for (String lab : List.of("lab2_queue_groups", "lab3_request_reply")) {
            String said = demoSteps(lab);
            assertTrue(said.contains("INFO published") || said.contains("INFO reply on"), lab + "\n" + said);
            assertTrue(!said.contains("Exception"), lab + "\n" + said);
        }
    }

    /**
     * A lab's demo.sh as tools/demo.bash runs it: `run ALIAS ARGS` in the foreground (exit 0 unless the line
     * ends `|| true`), `listen NAME ALIAS ARGS` in the background until it says it listens (a process: it
     * runs beside the others), `finish` waits for every listener (exit 0). Each with demo.bash's --config and
     * --lab-config. Any other line fails: this replay must understand the whole file. Returns all they said.
     */
    private static String demoSteps(String lab) throws Exception {
        String labConfig = "labs/" + lab + "/config.toml";
        StringBuilder said = new StringBuilder();
        List<Run.Started> listening = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Run.REPO.resolve("labs/" + lab + "/demo.sh"))) {
                String step = line.strip();
                if (step.isEmpty() || step.startsWith("#") || step.equals(". \"$(dirname \"$0\")/../../tools/demo.bash\"")) {
                    continue;
                }
                boolean mayFail = step.endsWith(" || true");
                List<String> words = MakeRun.words(mayFail ? step.substring(0, step.length() - " || true".length()) : step);
                assertTrue(words != null && !words.isEmpty(), lab + ": a demo.sh line this replay does not read: " + line);
                if (words.equals(List.of("finish"))) {
                    for (Run.Started listener : listening) {
                        Run.Result result = listener.finish();
                        assertEquals(0, result.exit(), lab + ": " + result);
                        said.append(result.out()).append(result.err());
                    }
                    listening.clear();
                    continue;
                }
                boolean listen = words.get(0).equals("listen");
                assertTrue(listen || words.get(0).equals("run"), lab + ": a demo.sh line this replay does not read: " + line);
                List<String> command = words.subList(listen ? 2 : 1, words.size());
                Run run = demoRun(command, labConfig);
                if (listen) {
                    Run.Started listener = run.start();
                    listening.add(listener);
                    listener.awaitOut("listening");
                } else {
                    Run.Result result = run.go();
                    assertTrue(mayFail || result.exit() == 0, lab + ": " + line + "\n" + result);
                    said.append(result.out()).append(result.err());
                }
            }
            assertEquals(List.of(), listening, lab + ": demo.sh ends with finish");
        } finally {
            for (Run.Started listener : listening) {
                listener.close();
            }
        }
        return said.toString();
    }

    /** `$RUN ALIAS --config config.toml --lab-config LAB_CONFIG ARGS...` from the repo root, as demo.bash runs it under make demo. */
    private static Run demoRun(List<String> command, String labConfig) {
        String main = Catalog.scripts().stream().filter(s -> s.alias().equals(command.get(0)))
                .map(Catalog.Script::className).findFirst().orElseThrow(() -> new AssertionError("no script " + command));
        List<String> args = new ArrayList<>(List.of("--config", Run.REPO.resolve("config.toml").toString(),
                "--lab-config", Run.REPO.resolve(labConfig).toString()));
        args.addAll(command.subList(1, command.size()));
        return Run.script(main, args.toArray(String[]::new)).server(server).env("LAB_CONFIG", labConfig)
                .env("JETSTREAM_LAB_HOME", Run.REPO.toString()); // make exports LAB_CONFIG, bin/lab-run the lab's folder
    }

    /** Core NATS needs no JetStream: each course script works against a plain server, through make too; a js-* one still says what is missing. */
    @Test
    void theCourseScriptsWorkWithAServerWithoutJetStream() throws Exception {
        try (NatsServer plain = NatsServer.startWithoutJetStream()) {
            try (Run.Started sub = Run.script("NatsSub", "plain.>", "--count", "1").server(plain).start();
                 Run.Started responder = Run.script("Responder", "plain.q", "--count", "1").server(plain).start()) {
                sub.awaitOut("INFO listening on plain.>");
                responder.awaitOut("INFO listening for requests on plain.q");
                Run.Result pub = ok(Run.script("NatsPub", "--subject", "plain.x", "hi").server(plain).go());
                assertEquals("INFO published \"hi\" to plain.x (flushed: the server has it; core NATS keeps no copy)\n", pub.out());
                assertEquals("INFO done: 1 message received (--count 1)", last(sub.finish()));
                Run.Result asked = ok(Run.script("Requester", "--subject", "plain.q", "hi").server(plain).go());
                assertTrue(asked.out().endsWith("(this run's inbox): \"ack: hi\"\n"), asked.toString());
                assertEquals("INFO done: 1 message received, 1 replied (--count 1)", last(responder.finish()));
            }
            Run.Result worker = Run.script("Worker", "--wait", "1s").server(plain).go();
            assertEquals(0, worker.exit(), worker.toString());
            Run.Result made = Run.command("make", "-s", "LAB=lab1_publish_subscribe", "run", "BIN=nats-pub", "MSG=plain")
                    .server(plain).timeout(300).go();
            assertEquals(0, made.exit(), made.toString());
            assertEquals("INFO published \"plain\" to lab1.hello (flushed: the server has it; core NATS keeps no copy)\n",
                    made.out());
            Run.Result js = Run.script("JsPub", "hi").server(plain).go();
            assertEquals(Exit.UNREACHABLE, js.exit(), js.toString());
            assertEquals("ERROR the NATS server at " + plain.url() + " has JetStream disabled: start it with -js (`make server` "
                    + "does)\n", js.err());
            Run.Result madeJs = Run.command("make", "-s", "run", "BIN=js-pub", "MSG=plain").server(plain).timeout(300).go();
            assertTrue(madeJs.exit() != 0 && madeJs.err().startsWith("lab-server: a NATS server answers at " + plain.url()
                    + " but JetStream is off"), madeJs.toString());
        }
    }

    /** A subject mistake's hint shows the lab's own subject (or its wildcards), whichever lab the script runs in. */
    @Test
    void eachLabsHintsNameItsOwnSubject() throws Exception {
        Run.Result pub = script("NatsPub", labConfig("lab2_queue_groups"), "--subject", "lab2 work", "hi").go();
        assertEquals(Exit.USAGE, pub.exit());
        assertEquals("ERROR flag --subject: \"lab2 work\" is not valid: use dot-separated tokens without spaces or "
                + "wildcards, like lab2.work\n", pub.err());
        Run.Result sub = script("NatsSub", labConfig("lab3_request_reply"), "lab3..x").go();
        assertEquals(Exit.USAGE, sub.exit());
        assertEquals("ERROR subject \"lab3..x\" cannot be subscribed to: use dot-separated tokens without spaces, where * "
                + "stands for one token and > (last) for the rest, like lab3.* or lab3.>\n", sub.err());
        Run.Result request = script("Requester", labConfig("lab1_publish_subscribe"), "--subject", "$SYS.x", "hi").go();
        assertTrue(request.err().endsWith("use your own, like lab1.hello\n"), request.toString());
        // a lab file whose own subject is the mistake is not offered as the example
        String broken = tomlFile("[nats]\nsubject = \"bad subject\"\n");
        Run.Result fromFile = script("NatsPub", "--lab-config", broken, "hi").go();
        assertEquals(Exit.CONFIG, fromFile.exit());
        assertTrue(fromFile.err().endsWith("like orders.created\n"), fromFile.toString());
    }

    /**
     * A request fails three ways, each with its own line and exit code: nobody subscribes (5, at
     * once), the server is not there (4), a responder is too slow (1: it may still have done the work).
     */
    @Test
    void requesterTellsNoResponderATimeoutAndNoServerApart() throws Exception {
        long start = System.nanoTime();
        Run.Result none = script("Requester", "--subject", "course.ask", "hi").go();
        assertEquals(Exit.NOT_FOUND, none.exit(), none.toString());
        assertTrue(none.err().startsWith("ERROR no responders on course.ask: nobody subscribes to it"), none.toString());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "no responders comes at once");

        String dead = "nats://127.0.0.1:" + NatsServer.deadPort();
        Run.Result noServer = script("Requester", "--server", dead, "--subject", "course.ask", "hi").go();
        assertEquals(Exit.UNREACHABLE, noServer.exit(), noServer.toString());
        assertTrue(noServer.err().startsWith("ERROR no NATS server answers at " + dead + " (connection refused)"), noServer.toString());

        try (Run.Started slow = script("Responder", "course.ask", "--delay", "2s", "--count", "1").start()) {
            slow.awaitOut("INFO listening for requests on course.ask");
            Run.Result late = script("Requester", "--timeout", "500ms", "--subject", "course.ask", "hi").go();
            assertEquals(Exit.FAILED, late.exit(), late.toString());
            assertEquals("ERROR no reply on course.ask within 500ms: a responder may have got the request and be slow, or its "
                    + "answer was lost; nothing tells which (give it longer with --timeout)\n", late.err());
            Run.Result handled = slow.finish();
            assertEquals("INFO replied \"ack: hi\"", handled.outLines().get(2), "the request was handled all the same");
        }
        assertEquals("", none.out() + noServer.out());
    }

    /**
     * A --timeout longer than jnats' own request clean-up (5 s) is still a timeout: jnats cancels a
     * request it thinks forgotten, and that cancel must not be read as the server's "no responders".
     */
    @Test
    void aLongTimeoutEndsAsATimeoutNotAsNoResponders() throws Exception {
        try (Connection silent = connect()) { // a subscriber that never answers: no "no responders", and no reply
            silent.subscribe("course.long");
            silent.flush(Duration.ofSeconds(5));
            Run.Result late = script("Requester", "--timeout", "11s", "--subject", "course.long", "hi").go();
            assertEquals("ERROR no reply on course.long within 11s: a responder may have got the request and be slow, or its "
                    + "answer was lost; nothing tells which (give it longer with --timeout)\n", late.err());
            assertEquals(Exit.FAILED, late.exit(), late.toString());
        }
    }

    /**
     * Run as `bin/jbang nats-sub` is, with no lab named: each script reads the config of the lab that
     * teaches it, so a learner of lab 1 listens on lab1.hello, not on lab 4's stream subject.
     */
    @Test
    void withNoLabNamedEachScriptReadsItsOwnLabsConfig() throws Exception {
        String[][] scriptsAndSubjects = {{"NatsSub", "lab1.hello"}, {"NatsPub", "lab1.hello"}, {"Worker", "lab2.work"},
                {"Responder", "lab3.requests"}, {"Requester", "lab3.requests"}, {"JsPub", "lab4.stream"}};
        for (String[] scriptAndSubject : scriptsAndSubjects) {
            Run.Result shown = shownConfigs().get(List.of(scriptAndSubject[0], "--show-config")); // as --help: no MESSAGE needed
            assertTrue(shown != null, scriptAndSubject[0] + " is no catalog script");
            assertEquals(0, shown.exit(), shown.toString());
            assertTrue(Pattern.compile("(?m)^  nats\\.subject = \"" + Pattern.quote(scriptAndSubject[1]) + "\"(  |\n      )\\(labs/")
                    .matcher(shown.out()).find(), scriptAndSubject[0] + ": " + shown.out());
        }
    }

    /** --show-config, like --help, ends a run before the lesson: no script asks for its lesson's words then. */
    @Test
    void everyScriptShowsItsConfigWithoutTheLessonsArguments() throws Exception {
        assertEquals(2 * Catalog.classNames().size(), shownConfigs().size(), shownConfigs().toString());
        shownConfigs().forEach((run, shown) -> {
            assertEquals(0, shown.exit(), run + ": " + shown);
            assertTrue(shown.out().contains("nats.url"), run + ": " + shown);
        });
        Run.Result noMessage = script("NatsPub").go(); // without --show-config the lesson's word is still needed
        assertEquals("ERROR Missing required parameter: 'MESSAGE' (see nats-pub --help)\n", noMessage.err());
        assertEquals(Exit.USAGE, noMessage.exit(), noMessage.toString());
    }

    /**
     * nats-sub's last line when its stdout closed: what it received and printed, and (when messages were still
     * on their way to the screen as the pipe closed: on a busy machine) how many of those are lost.
     */
    private static final Pattern BROKEN_PIPE = Pattern.compile("ERROR stdout could not be written \\(Broken pipe\\): (\\d+) "
            + "messages? received \\((\\d+) printed\\)(, (at least )?\\d+ more messages? reached this client but (was never "
            + "shown: it is|were never shown: they are) lost|, and any on their way to this client when it stopped are lost)?"
            + "( \\(core NATS keeps no copy\\))?\n");

    /**
     * `nats-sub | head -1`: head takes the listening line and goes; the next message's line cannot be
     * written, and the last line says so instead of counting that message as if it had been shown.
     */
    @Test
    void aClosedPipeSaysWhichMessagesWereNotPrinted() throws Exception {
        try (Run.Started sub = startedIntoAClosedPipe("NatsSub", "course.pipe")) {
            try (Connection nc = connect()) {
                for (int i = 0; i < 100 && sub.running(); i++) { // until one line meets the closed pipe
                    nc.publish("course.pipe", "m".getBytes(StandardCharsets.UTF_8));
                    nc.flush(Duration.ofSeconds(5));
                    Thread.sleep(100);
                }
            }
            Run.Result result = sub.finish();
            assertEquals(Exit.OUTPUT, result.exit(), result.toString());
            Matcher line = BROKEN_PIPE.matcher(result.err());
            assertTrue(line.matches(), result.toString());
            assertEquals(Long.parseLong(line.group(1)) - 1, Long.parseLong(line.group(2)), "the last one was not printed");
        }
    }

    /**
     * A reader that took one read and left, while its shell held the pipe a moment longer: the lines
     * written meanwhile went into the pipe and nobody read them. Printed are only the lines it took.
     */
    @Test
    void linesLeftInAPipeItsReaderClosedAreNotCountedAsPrinted() throws Exception {
        Path folder = Scratch.dir();
        String reader = "read -r listening; touch subscribed; while [ ! -e go ]; do sleep 0.05; done; "
                + "dd bs=64k count=1 status=none; touch read; sleep 1";
        try (Run.Started sub = Run.command("bash", "-c", "set -o pipefail; " + script("NatsSub", "course.late").shellLine()
                + " | { " + reader + "; }").in(folder).server(server).start();
             Connection nc = connect()) {
            awaitFile(folder.resolve("subscribed"));
            for (int i = 1; i <= 5; i++) {
                nc.publish("course.late", ("before " + i).getBytes(StandardCharsets.UTF_8));
            }
            nc.flush(Duration.ofSeconds(5));
            Thread.sleep(500); // the five lines wait in the pipe
            Files.writeString(folder.resolve("go"), "");
            awaitFile(folder.resolve("read"));
            for (int i = 0; i < 100 && sub.running(); i++) { // into the pipe while the shell holds it, then into a closed one
                nc.publish("course.late", "after".getBytes(StandardCharsets.UTF_8));
                nc.flush(Duration.ofSeconds(5));
                Thread.sleep(100);
            }
            Run.Result result = sub.finish();
            assertEquals(Exit.OUTPUT, result.exit(), result.toString());
            long taken = result.out().lines().count();
            Matcher line = BROKEN_PIPE.matcher(result.err());
            assertTrue(line.matches(), result.toString());
            assertEquals(taken, Long.parseLong(line.group(2)), result.toString());
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 600 && !Files.exists(file); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(file), file + " never appeared");
    }

    /** Each script with --show-config and with --show-config-lines, in one JVM in the repository's folder, as bin/jbang runs them there. */
    private static Map<List<String>, Run.Result> shownConfigs;

    private static synchronized Map<List<String>, Run.Result> shownConfigs() throws Exception {
        if (shownConfigs == null) {
            List<List<String>> runs = new ArrayList<>();
            for (String className : Catalog.classNames()) {
                runs.add(List.of(className, "--show-config"));
                runs.add(List.of(className, "--show-config-lines"));
            }
            List<Run.Result> results = OneJvm.results(OneJvm.of(runs).in(Run.REPO).env("JETSTREAM_LAB_HOME", Run.REPO.toString()).go());
            assertEquals(runs.size(), results.size(), results.toString());
            Map<List<String>, Run.Result> byRun = new LinkedHashMap<>();
            for (int i = 0; i < runs.size(); i++) {
                byRun.put(runs.get(i), results.get(i));
            }
            shownConfigs = byRun;
        }
        return shownConfigs;
    }

    private static String labConfig(String lab) {
        return "--lab-config=" + Run.REPO.resolve("labs/" + lab + "/config.toml");
    }

    private static String last(Run.Result result) {
        List<String> lines = result.outLines();
        assertEquals(0, result.exit(), result.toString());
        return lines.get(lines.size() - 1);
    }

    /**
     * The main README's course table names every lab in order, each with its README, a purpose
     * and the scripts it uses; every script with a main is a catalog alias and one of make's BIN
     * values, and every alias is some lab's script.
     */
    @Test
    void theMainReadmeAndTheCatalogNameTheWholeCourse() throws Exception {
        String readme = Files.readString(Run.REPO.resolve("README.md"));
        String course = readme.substring(readme.indexOf("## The course"), readme.indexOf("## The scripts"));
        Matcher row = Pattern.compile(
                "(?m)^\\| \\[(lab\\d_\\w+)]\\(labs/\\1/README\\.md\\) \\| ([^|]{40,}) \\| ([^|]+) \\|$").matcher(course);
        List<String> labs = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        while (row.find()) {
            labs.add(row.group(1));
            assertTrue(Files.exists(Run.REPO.resolve("labs/" + row.group(1) + "/README.md")), row.group());
            for (String alias : row.group(3).split(", ")) {
                used.add(alias.replace("`", "").trim());
            }
        }
        List<String> folders;
        try (var all = Files.list(Run.REPO.resolve("labs"))) {
            folders = all.map(folder -> folder.getFileName().toString()).sorted().toList();
        }
        assertEquals(folders, labs, "every lab, in order");
        assertTrue(course.contains("`make demo LAB=<lab>` runs one end to end"), course);

        Set<String> aliases = new TreeSet<>(Catalog.aliases());
        Set<String> referenced = new TreeSet<>(Catalog.classNames());
        Set<String> withMain = new TreeSet<>();
        try (var files = Files.list(Run.REPO.resolve("scripts"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) { // scripts/lab/ holds the shared files
                if (Files.readString(file).contains("public static void main(")) {
                    withMain.add(file.getFileName().toString().replace(".java", ""));
                }
            }
        }
        assertEquals(withMain, referenced, "every script with a main has an alias");
        assertEquals(aliases, used, "every alias is the script of a lab in the README's course table");
        String scripts = readme.substring(readme.indexOf("## The scripts"), readme.indexOf("### Coming from the nats CLI"));
        String layout = readme.substring(readme.indexOf("## Layout"));
        for (Catalog.Script script : Catalog.scripts()) {
            assertTrue(layout.contains("\n  " + script.className() + ".java "), "README.md's Layout names " + script.className());
            if (script.lab4()) {
                assertTrue(scripts.contains("| `" + script.alias()), "README.md's table of scripts names " + script.alias());
            }
        }
        // make's BIN values are the catalog's aliases, read from it (Makefile's SCRIPTS), in its order
        Run.Result bin = Run.command("make", "--no-print-directory", "run", "BIN=none").go();
        assertTrue(bin.err().startsWith(Catalog.badBin("none")), bin.toString());
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /**
     * A server that goes away mid-run: each script ends with exit 4 and one line naming the lost
     * connection and what it did (a subscriber what it received, a responder what it answered,
     * a requester that nothing tells whether its request was handled), not jnats' words or "no responders".
     */
    @Test
    void aServerThatStopsMidRunEndsEachScriptWithOneLineThatAddsUp() throws Exception {
        try (NatsServer lost = NatsServer.startWithoutJetStream();
             Run.Started sub = Run.script("NatsSub", "gone.>").server(lost).start();
             Run.Started responder = Run.script("Responder", "other.q", "--delay", "3s").server(lost).start()) {
            sub.awaitOut("INFO listening on gone.>");
            responder.awaitOut("INFO listening for requests on other.q");
            try (Connection nc = lost.connect()) {
                nc.publish("gone.a", "one".getBytes(StandardCharsets.UTF_8));
                nc.flush(Duration.ofSeconds(5));
            }
            sub.awaitOut("INFO received on gone.a: \"one\"");
            try (Run.Started requester = Run.script("Requester", "--subject", "other.q", "--timeout", "60s", "hi").server(lost).start()) {
                responder.awaitOut("INFO request \"hi\" on other.q");
                lost.kill9();
                String gone = "ERROR lost the connection to the server at " + lost.url() + " mid-run (it stopped, restarted or "
                        + "stopped answering, or the network dropped): ";
                Run.Result asked = requester.finish();
                assertEquals(Exit.UNREACHABLE, asked.exit(), asked.toString());
                assertEquals(gone + "no reply came, so the request may or may not have reached a responder and been handled\n",
                        asked.err());
                Run.Result subscribed = sub.finish();
                assertEquals(Exit.UNREACHABLE, subscribed.exit(), subscribed.toString());
                String onTheirWay = ", and any on their way to this client when it stopped are lost (core NATS keeps no copy)\n";
                assertEquals(gone + "1 message received" + onTheirWay, subscribed.err());
                Run.Result answered = responder.finish();
                assertEquals(Exit.UNREACHABLE, answered.exit(), answered.toString());
                assertEquals(gone + "1 message received, 0 replied" + onTheirWay, answered.err());
            }
        }
    }

    /**
     * A worker stopped (SIGTERM) while published tasks still wait in its client: the last line counts those it
     * showed and those that reached it but were never shown (lost: core NATS keeps no copy), which together are all
     * that were published; the worker's label follows the line's level word, as on its other lines.
     */
    @Test
    void aStoppedWorkerCountsTheTasksThatReachedItButWereNeverShown() throws Exception {
        try (Run.Started worker = Run.script("Worker", "--label", "A", "--work-ms", "20", "course.tasks").server(server).start()) {
            worker.awaitOut("INFO [A] listening on course.tasks");
            try (Connection nc = connect()) {
                for (int i = 1; i <= 1000; i++) {
                    nc.publish("course.tasks", ("task " + i).getBytes(StandardCharsets.UTF_8));
                }
                nc.flush(Duration.ofSeconds(5)); // the server has sent all of them to the worker before it takes its UNSUB
            }
            worker.awaitOut("INFO [A] received on course.tasks: \"task 10\"");
            Ended ended = endedBySigterm(worker, "ERROR \\[A\\] interrupted: (\\d+) messages received, (\\d+) more messages reached this "
                    + "client but were never shown: they are lost \\(core NATS keeps no copy\\)\n");
            Matcher line = ended.line();
            assertEquals(ended.result().outLines().size() - 1, Long.parseLong(line.group(1)), "each received task shown");
            assertEquals(1000, Long.parseLong(line.group(1)) + Long.parseLong(line.group(2)), line.group());
        }
    }

    /**
     * nats-pub --count stopped by SIGTERM mid-send: it hands the connection no more, flushes those it did, and
     * says how many the server has and how many were never sent; a subscriber got no more than that.
     */
    @Test
    void aPublisherStoppedMidSendSaysHowManyTheServerHas() throws Exception {
        try (Connection nc = connect()) {
            Subscription seen = nc.subscribe("course.flood");
            nc.flush(Duration.ofSeconds(5));
            try (Run.Started pub = Run.script("NatsPub", "--subject", "course.flood", "--count", "1000000", "m").server(server).start()) {
                assertTrue(seen.nextMessage(Duration.ofSeconds(120)) != null, "the publisher never sent");
                Matcher line = endedBySigterm(pub, "ERROR interrupted: (\\d+) of 1000000 messages sent and flushed \\(the server has them; "
                        + "core NATS keeps no copy\\), (\\d+) never sent\n").line();
                long sent = Long.parseLong(line.group(1));
                assertEquals(1_000_000, sent + Long.parseLong(line.group(2)), line.group());
                nc.flush(Duration.ofSeconds(5));
                assertTrue(seen.getDeliveredCount() + seen.getDroppedCount() <= sent, seen.getDeliveredCount() + " seen: " + line.group());
            }
        }
    }

    /** A run SIGTERM ended, and its stderr's one line, matched. */
    private record Ended(Run.Result result, Matcher line) { }

    /** SIGTERM to a run: it ends with 143 and a stderr that is exactly the line the pattern matches. */
    private static Ended endedBySigterm(Run.Started run, String linePattern) throws Exception {
        run.signal("TERM");
        Run.Result result = run.finish();
        assertEquals(143, result.exit(), result.toString());
        Matcher line = Pattern.compile(linePattern).matcher(result.err());
        assertTrue(line.matches(), result.toString());
        return new Ended(result, line);
    }

    /** A script started with its stdout into a pipe whose reader took the first line and left. */
    private static Run.Started startedIntoAClosedPipe(String mainClass, String subject) throws Exception {
        Path closed = Scratch.dir().resolve("closed");
        String reader = "head -1 > /dev/null; exec 0<&-; touch '" + closed + "'";
        Run.Started run = Run.command("bash", "-c", "set -o pipefail; " + script(mainClass, subject).shellLine()
                + " | { " + reader + "; }").in(Scratch.dir()).server(server).start();
        try {
            awaitFile(closed);
        } catch (Throwable never) {
            run.close();
            throw never;
        }
        return run;
    }

    /**
     * A lab's demo.sh run by hand, not through make demo (which starts the server and names the config), from any
     * folder and with another lab's LAB_CONFIG exported: one line saying how.
     */
    @Test
    void aDemoRunByHandSaysToRunItThroughMake() throws Exception {
        List<Run> byHand = List.of(Run.command("bash", "labs/lab2_queue_groups/demo.sh").in(Run.REPO),
                Run.command("bash", "labs/lab2_queue_groups/demo.sh").in(Run.REPO).env("LAB_CONFIG", "labs/lab1_publish_subscribe/config.toml"),
                Run.command("bash", "demo.sh").in(Run.REPO.resolve("labs/lab2_queue_groups")), // in the lab's own folder
                Run.command("bash", Run.REPO.resolve("labs/lab2_queue_groups/demo.sh").toString()).in(Scratch.dir()));
        for (Run run : byHand) {
            Run.Result result = run.go();
            assertEquals(2, result.exit(), result.toString());
            assertEquals("demo: run it with make, which starts the lab's server and names its config: make demo LAB=lab2_queue_groups\n",
                    result.err());
            assertEquals("", result.out());
        }
    }

    /** A responder whose stdout is gone answers no request it could not show: the requester gets no reply. */
    @Test
    void aResponderWhoseStdoutIsGoneAnswersNothingMore() throws Exception {
        try (Run.Started responder = startedIntoAClosedPipe("Responder", "course.unseen")) {
            Run.Result asked = script("Requester", "--subject", "course.unseen", "--timeout", "2s", "q1").go();
            assertEquals(1, asked.exit(), "no reply: " + asked);
            Run.Result result = responder.finish();
            assertEquals(Exit.OUTPUT, result.exit(), result.toString());
            assertEquals("ERROR stdout could not be written (Broken pipe): 1 message received (0 printed), 0 replied\n", result.err());
        }
    }

    /**
     * A publisher whose server goes away while it sends a million messages: jnats' queue fills, or the connection
     * closes, under it; the line names the lost connection and how many were handed over and never sent.
     */
    @Test
    void aServerThatStopsMidPublishEndsThePublisherWithOneLineThatAddsUp() throws Exception {
        try (NatsServer lost = NatsServer.startWithoutJetStream(); Connection watch = lost.connect()) {
            io.nats.client.Subscription flood = watch.subscribe("flood.x");
            watch.flush(Duration.ofSeconds(5));
            try (Run.Started pub = Run.script("NatsPub", "--subject", "flood.x", "--count", "1000000", "x".repeat(200))
                    .server(lost).start()) {
                assertTrue(flood.nextMessage(Duration.ofSeconds(120)) != null, "the publisher never sent");
                lost.kill9();
                Run.Result result = pub.finish();
                assertEquals(Exit.UNREACHABLE, result.exit(), result.toString());
                java.util.regex.Matcher line = java.util.regex.Pattern.compile("ERROR lost the connection to the server at "
                        + java.util.regex.Pattern.quote(lost.url()) + " mid-run \\(it stopped, restarted or stopped answering, or the "
                        + "network dropped\\): (\\d+) of 1000000 messages handed to the connection, none confirmed \\(core NATS confirms "
                        + "nothing: a flush after them would have\\), (\\d+) never sent\n").matcher(result.err());
                assertTrue(line.matches(), result.err());
                assertEquals(1_000_000, Long.parseLong(line.group(1)) + Long.parseLong(line.group(2)), result.err());
            }
        }
    }

    /** An argument that is not UTF-8 text in a UTF-8 locale: its one line, and no line about a signal after it. */
    @Test
    void anArgumentThatIsNotUtf8GetsOneLine() throws Exception {
        Run.Result run = Run.command("bash", "-c", "exec bin/lab-run requester $'a\\xff'").env("LANG", "C.UTF-8")
                .server(server).timeout(300).go();
        assertEquals(Exit.USAGE, run.exit(), run.toString());
        assertEquals("ERROR argument 1 " + LocaleTest.NOT_UTF8_IN_UTF8 + "\n", run.err(), run.toString());
    }

    /** SIGTERM while a request waits: one line, and it points at no stream (core NATS has none) nor claims a delivery. */
    @Test
    void aSignalWhileARequestWaitsClaimsNothing() throws Exception {
        try (Connection silent = connect()) { // a subscriber that takes the request and never answers
            Subscription requests = silent.subscribe("course.slow");
            silent.flush(Duration.ofSeconds(5));
            try (Run.Started requester = script("Requester", "--subject", "course.slow", "--timeout", "60s", "hi").start()) {
                Message request = requests.nextMessage(Duration.ofSeconds(60));
                assertTrue(request != null && "hi".equals(new String(request.getData(), StandardCharsets.UTF_8)), "the request came");
                requester.signal("TERM");
                Run.Result stopped = requester.finish();
                assertEquals(143, stopped.exit(), stopped.toString());
                assertEquals("ERROR stopped (Ctrl-C or SIGTERM) after it connected, before it finished: core NATS confirms "
                        + "nothing, so what it sent so far may or may not have been delivered\n", stopped.err());
            }
        }
    }
}
