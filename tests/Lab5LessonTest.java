// Lab 5 as a learner follows it: every transcript of labs/lab5_consumers_at_work/README.md ("$ command"
// lines, each followed by all it prints) is run as written, through make and bash, against a real
// nats-server, in order. A ```shared block is a worker started together with the other ```shared
// blocks next to it: which worker gets which message varies, so each must print lines of the README's
// form, its last line must count its own, and together they must get the README's messages, each once.
// A ```background block is started and left running once it printed its first line (as in another
// terminal); its output is compared when its section ends. ```shared blocks whose first line is
// `listening` are a core queue group's members: started first, each once it listens, and checked as a
// group when the section ends (each message to one member). Rates, latencies and the seconds between a
// backoff's retries are masked; each such gap is checked against the delay the line before names.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Lab5LessonTest extends WithServer {
    static final String LAB = "lab5_consumers_at_work";
    static final Path README = Run.REPO.resolve("labs/" + LAB + "/README.md");
    private static final Pattern CLOCK = Pattern.compile("\\b\\d\\d:\\d\\d:\\d\\d\\b");
    private static final Pattern MAKE_LINE = Pattern.compile("Makefile:[0-9]+:");
    /** A figure as the scripts print one: digits, grouped by commas from 1,000 on ("12,345 msgs/s"), maybe a fraction. */
    private static final Pattern NUMBER = Pattern.compile("[0-9]+(,[0-9]{3})*(\\.[0-9]+)?");
    private static final Pattern PULLED = Pattern.compile("INFO \\[(\\w+)] pulled message: (\".*\")");
    private static final Pattern ACKED = Pattern.compile("INFO \\[(\\w+)] acked");
    private static final Pattern LABEL = Pattern.compile("--label (\\w+)");
    private static final Pattern DONE = Pattern.compile("INFO \\[(\\w+)] done: (\\d+) messages? pulled and acked; none arrived in the last .*");
    private static final Pattern GAP = Pattern.compile("\\(delivery (\\d+), ([0-9.]+)s after delivery (\\d+)\\)");
    /** How much sooner than its delay a retry may seem to come, as js-pull times it on a loaded machine. */
    private static final double SOONER = 0.5;
    private static final Pattern COMES_BACK = Pattern.compile("not acked: it comes back after (\\d+)s \\(the backoff's delay after delivery (\\d+)\\)");

    /** One terminal: its kind (the block's info string), its commands, and what the README shows after each. */
    record Terminal(String where, String kind, List<String> commands, List<List<String>> outputs) {
    }

    @Test
    void everyTranscriptPrintsWhatTheReadmeShows() throws Exception {
        List<String> failures = new ArrayList<>();
        MakeRun.Replay replay = new MakeRun.Replay(server);
        for (List<Terminal> section : sections()) {
            play(section, replay, failures);
        }
        assertEquals("", String.join("\n\n", failures));
    }

    /** The README's transcripts, grouped by their section (### under ##). */
    static List<List<Terminal>> sections() throws Exception {
        List<List<Terminal>> sections = new ArrayList<>();
        String last = null;
        for (LessonTest.Block block : LessonTest.blocks(README)) {
            if (!List.of("", "shared", "background").contains(block.info()) || block.lines().isEmpty()
                    || !block.lines().get(0).startsWith("$ ")) {
                continue;
            }
            String where = block.chapter() + " / " + block.section();
            if (!where.equals(last)) {
                sections.add(new ArrayList<>());
                last = where;
            }
            sections.get(sections.size() - 1).add(terminal(where, block.info(), block.lines()));
        }
        assertTrue(sections.size() >= 9, "the README's sections have their transcripts");
        return sections;
    }

    private static Terminal terminal(String where, String kind, List<String> lines) {
        CourseLessonTest.Terminal read = CourseLessonTest.terminal(where, lines, false);
        return new Terminal(where, kind, read.commands(), read.outputs());
    }

    private static void play(List<Terminal> section, MakeRun.Replay replay, List<String> failures) throws Exception {
        List<Run.Started> background = new ArrayList<>();
        List<Terminal> backgroundTerminals = new ArrayList<>();
        List<Run.Started> members = new ArrayList<>();
        List<CourseLessonTest.Terminal> memberTerminals = new ArrayList<>();
        try {
            for (int i = 0; i < section.size(); i++) {
                Terminal terminal = section.get(i);
                // a run in the background: once make's path was shown, the script's own process
                if (terminal.kind().equals("shared") && terminal.outputs().get(0).get(0).contains(" listening")) {
                    Run.Started started = background(replay, terminal).start(); // a queue group's member
                    members.add(started);
                    memberTerminals.add(new CourseLessonTest.Terminal(terminal.where(), terminal.commands(), terminal.outputs(), true));
                    started.awaitOut(terminal.outputs().get(0).get(0)); // it listens: the publish comes after
                } else if (terminal.kind().equals("background")) {
                    Run.Started started = background(replay, terminal).start();
                    background.add(started);
                    backgroundTerminals.add(terminal);
                    started.awaitOut(terminal.outputs().get(0).get(0)); // it has begun, as you would see in its terminal
                } else if (terminal.kind().equals("shared")) {
                    int end = i;
                    while (end < section.size() && section.get(end).kind().equals("shared")) {
                        end++;
                    }
                    playShared(section.subList(i, end), replay, failures);
                    i = end - 1;
                } else {
                    for (int c = 0; c < terminal.commands().size(); c++) {
                        check(terminal, c, replay.go(terminal.commands().get(c), terminal.outputs().get(c), Lab5LessonTest::shell),
                                failures);
                    }
                }
            }
            for (int i = 0; i < background.size(); i++) {
                check(backgroundTerminals.get(i), 0, background.get(i).finish(), failures);
            }
            checkMembers(memberTerminals, members, failures);
        } finally {
            for (Run.Started started : background) {
                started.close();
            }
            for (Run.Started started : members) {
                started.close();
            }
        }
    }

    /** A queue group's members: which one got which message varies; each message went to exactly one, the counts add up. */
    private static void checkMembers(List<CourseLessonTest.Terminal> terminals, List<Run.Started> members, List<String> failures)
            throws Exception {
        if (members.isEmpty()) {
            return;
        }
        List<Run.Result> results = new ArrayList<>();
        for (Run.Started member : members) {
            results.add(member.finish());
        }
        try {
            CourseLessonTest.checkShared(terminals, results);
        } catch (AssertionError wrong) {
            failures.add(terminals.get(0).where() + ": the queue group's members: " + wrong.getMessage());
        }
    }

    /** Workers on one consumer, started together: each message to one of them, each worker's count its own. */
    private static void playShared(List<Terminal> workers, MakeRun.Replay replay, List<String> failures) throws Exception {
        List<Run.Started> started = new ArrayList<>();
        try {
            for (Terminal worker : workers) {
                started.add(background(replay, worker).start());
            }
            List<String> expected = new ArrayList<>();
            List<String> got = new ArrayList<>();
            for (int w = 0; w < workers.size(); w++) {
                Terminal worker = workers.get(w);
                Run.Result result = started.get(w).finish();
                String where = worker.where() + ": " + worker.commands().get(0) + "\n" + result;
                worker.outputs().get(0).stream().map(l -> PULLED.matcher(l)).filter(Matcher::matches)
                        .forEach(m -> expected.add(m.group(2)));
                List<String> lines = result.outLines();
                if (lines.isEmpty() || !DONE.matcher(lines.get(lines.size() - 1)).matches()) {
                    failures.add("no last line of the README's form: " + where);
                    continue;
                }
                String label = LABEL.matcher(worker.commands().get(0)).results().map(m -> m.group(1)).findFirst().orElse("?");
                List<String> mine = new ArrayList<>();
                // A worker whose JVM started after the others had taken every task (a loaded machine) finds the
                // stream empty and says so: the README's "which worker gets which task varies", at its extreme.
                // The check below still wants every task once among the others.
                boolean cameLate = lines.size() == 2 && lines.get(0).startsWith("INFO [" + label + "] why none arrived: the stream is empty:");
                if (cameLate) {
                    System.out.println("    (" + worker.where() + ": worker " + label + " started after the others had taken every task)");
                }
                for (int i = 0; !cameLate && i < lines.size() - 1; i += 2) {
                    Matcher pulled = PULLED.matcher(lines.get(i));
                    Matcher acked = ACKED.matcher(i + 1 < lines.size() - 1 ? lines.get(i + 1) : "");
                    if (!pulled.matches() || !acked.matches() || !pulled.group(1).equals(label)
                            || !acked.group(1).equals(label)) {
                        failures.add("lines " + (i + 1) + "-" + (i + 2) + " are not a pulled and an acked line of [" + label
                                + "]: " + where);
                        break;
                    }
                    mine.add(pulled.group(2));
                }
                Matcher done = DONE.matcher(lines.get(lines.size() - 1));
                if (!done.matches() || !done.group(1).equals(label) || Long.parseLong(done.group(2)) != mine.size()) {
                    failures.add("the last line does not count the worker's own messages: " + where);
                }
                got.addAll(mine);
            }
            Collections.sort(expected);
            Collections.sort(got);
            if (!expected.equals(got)) {
                failures.add(workers.get(0).where() + ": the workers together got " + got + ", the README shows " + expected);
            }
        } finally {
            for (Run.Started s : started) {
                s.close();
            }
        }
    }

    private static Run background(MakeRun.Replay replay, Terminal terminal) {
        return replay.transcriptLine(terminal.commands().get(0), terminal.outputs().get(0), Lab5LessonTest::shell);
    }

    private static Run shell(String command) {
        return Run.command("bash", "-c", command + " 2>&1").server(server).timeout(180);
    }

    private static void check(Terminal terminal, int index, Run.Result result, List<String> failures) {
        List<String> expected = normalized(terminal.outputs().get(index));
        List<String> printed = normalized(result.outLines());
        String gaps = backoffGapsWrong(result.outLines());
        if (gaps != null) {
            failures.add(terminal.where() + ": " + terminal.commands().get(index) + ": " + gaps + "\n" + result);
        }
        if (!LessonTest.matches(expected, printed)) {
            failures.add(terminal.where() + ": " + terminal.commands().get(index) + "\n--- the README shows\n"
                    + String.join("\n", expected) + "\n--- the run printed\n" + String.join("\n", printed));
        }
    }

    /**
     * A backoff's retries as js-pull timed them: each gap at least the delay the line before named, less
     * 0.5 s (the server counts from when it sent a message, js-pull from when it arrived, and a loaded
     * machine may hand one arrival over late: 0.9 s for a 1 s delay was seen), yet more than a delay one
     * step shorter would give (2 s against 1 s), and under 30 s (a loaded machine is slow, not that slow).
     * Null when they hold, or there are none.
     */
    static String backoffGapsWrong(List<String> lines) {
        long[] named = null; // the delay the last "comes back after" line named, and after which delivery
        for (String line : lines) {
            Matcher gap = GAP.matcher(line);
            if (gap.find()) {
                long delivery = Long.parseLong(gap.group(1));
                double seconds = Double.parseDouble(gap.group(2));
                if (named == null || Long.parseLong(gap.group(3)) != named[1] || delivery != named[1] + 1) {
                    return "a retry's gap without the delay named before it: " + line;
                }
                if (seconds < named[0] - SOONER || seconds > 30) {
                    return "delivery " + delivery + " came " + seconds + "s after the one before; the backoff says " + named[0] + "s";
                }
                named = null;
            }
            Matcher back = COMES_BACK.matcher(line);
            if (back.find()) {
                named = new long[] {Long.parseLong(back.group(1)), Long.parseLong(back.group(2))};
            }
        }
        return null;
    }

    /** make's line numbers, and the figures of a rate or latency line, which vary from run to run. */
    static List<String> normalized(List<String> lines) {
        return lines.stream().map(line -> MAKE_LINE.matcher(line).replaceAll("Makefile:N:"))
                .map(line -> CLOCK.matcher(line).replaceAll("HH:MM:SS")) // when an ack wait ends
                .map(line -> GAP.matcher(line).replaceAll(gap -> "(delivery " + gap.group(1) + ", N.Ns after delivery " + gap.group(3) + ")"))
                .map(line -> line.contains(" msgs/s") ? NUMBER.matcher(line).replaceAll("N") : line).toList();
    }

    /** The gap check itself: a retry sooner than its backoff delay, or one without a delay named before it, is caught. */
    @Test
    void aRetrySoonerThanItsDelayIsCaught() {
        String first = "INFO not acked: it comes back after 2s (the backoff's delay after delivery 1)";
        assertEquals(null, backoffGapsWrong(List.of(first, "INFO pulled message: \"x\" (delivery 2, 2.1s after delivery 1)")));
        assertEquals(null, backoffGapsWrong(List.of(first, "INFO pulled message: \"x\" (delivery 2, 1.6s after delivery 1)")),
                "an arrival handed over late, under load");
        assertTrue(backoffGapsWrong(List.of(first, "INFO pulled message: \"x\" (delivery 2, 1.1s after delivery 1)")) != null);
        assertTrue(backoffGapsWrong(List.of("INFO pulled message: \"x\" (delivery 2, 2.1s after delivery 1)")) != null);
    }

    /** The Java the README quotes is in the scripts, word for word. */
    @Test
    void quotedJavaIsInTheScripts() throws Exception {
        StringBuilder scripts = new StringBuilder();
        try (var files = Files.walk(Run.REPO.resolve("scripts"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                scripts.append(Files.readString(file));
            }
        }
        List<LessonTest.Block> quoted = LessonTest.blocks(README).stream().filter(b -> b.info().equals("java")).toList();
        assertTrue(!quoted.isEmpty(), "the README quotes the lesson's lines");
        for (LessonTest.Block block : quoted) {
            for (String line : block.lines()) {
                assertTrue(scripts.toString().contains(line.strip()), "not in scripts/: " + line);
            }
        }
    }

    /** The config files as the README quotes them hold the same settings as the files themselves. */
    @Test
    void quotedConfigFilesSayWhatTheFilesSay() throws Exception {
        List<LessonTest.Block> quoted = LessonTest.blocks(README).stream().filter(b -> b.info().equals("toml")).toList();
        assertEquals(2, quoted.size(), "the README quotes both config files");
        for (LessonTest.Block block : quoted) {
            Matcher file = Pattern.compile("`([^`]*\\.toml)`").matcher(block.before());
            assertTrue(file.find(), "which file is quoted? " + block.before());
            assertEquals(LessonTest.settings(org.tomlj.Toml.parse(Run.REPO.resolve(file.group(1)))),
                    LessonTest.settings(org.tomlj.Toml.parse(String.join("\n", block.lines()))), file.group(1));
        }
    }
}
