// make bench's report: its shape, the load it saw beside every figure, and no headline when other
// work kept the machine busy. Small counts (QUICK=1, the headline workloads only); no speed is
// asserted: the thresholds are forced so the machine's real load cannot change the outcome.
// One run: judged busy by its own threshold (the printed report), and quiet by BENCH_ALSO_QUIET_BELOW
// (the same measurements rendered again by bench/Report.java in that run); then the cluster part, into
// the same file. Bad settings are refused before anything is built or measured, so they cost no CPU.

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchTest {
    private static final Pattern RATES = Pattern.compile("\\*\\*[\\d,]+ / [\\d,]+\\*\\*");
    private static final Pattern RATIO = Pattern.compile("\\d+\\.\\d\\dx / \\d+\\.\\d\\dx");
    private static final Pattern LOAD = Pattern.compile("others \\d+% of \\d+ cores, loadavg \\d+\\.\\d");
    private static final List<String> HEADLINE_ROWS = List.of("| publish async, window 1000 | 10,000 |",
            "| pull + ack, batch 500 | 10,000 |");
    private static final boolean C_PEER = Files.exists(Path.of("/usr/include/nats/nats.h"));

    /** The report printed (threshold 0: every run counts as disturbed, and there is no time to wait). */
    private static String busy;
    /** The same runs judged by threshold 101: others can never use 101% of the cores, so every run counts as quiet. */
    private static String quiet;
    /** The first run's stderr: what it said while it ran. */
    private static String said;
    /** The cluster part's section of the same results file, and what its run printed. */
    private static String cluster;
    private static Run.Result clusterRun;
    /** Whether the repository's own results were touched, and what appeared in its root. */
    private static String committedBefore;
    private static String committedAfter;

    @BeforeAll
    static void benchOnce() throws Exception {
        Path out = Files.createTempDirectory(Sandbox.root(), "bench-out-");
        committedBefore = Files.readString(Run.REPO.resolve("bench/results.md"));
        try {
            // three seconds to wait in all: the machine is never quiet by threshold 0, so it says that it waits
            Run.Result result = part("bench/Bench.java").env("QUICK", "1").env("BENCH_ONLY", "headline")
                    .env("BENCH_OUT", out.toString()).env("BENCH_QUIET_BELOW", "0").env("BENCH_ALSO_QUIET_BELOW", "101")
                    .env("BENCH_WAIT_S", "3").env("BENCH_WAIT_BUDGET_S", "3").timeout(900).go();
            assertEquals(0, result.exit(), result.toString());
            said = result.err();
            busy = Files.readString(out.resolve("results-quick.md"));
            quiet = Files.readString(out.resolve("results-quick-also.md"));
            // the cluster part as make bench runs it next (BENCH_ONLY would skip it), into the same file
            clusterRun = part("bench/ClusterBench.java").env("QUICK", "1").env("BENCH_OUT", out.toString()).env("BENCH_QUIET_BELOW", "0")
                    .env("BENCH_WAIT_S", "0").env("BENCH_WAIT_BUDGET_S", "0").timeout(900).go();
            assertEquals(0, clusterRun.exit(), clusterRun.toString());
            String file = Files.readString(out.resolve("results-quick.md"));
            assertTrue(file.startsWith(busy.stripTrailing()), "the cluster part adds its section to Bench's file:\n" + file);
            cluster = file.substring(busy.stripTrailing().length());
            committedAfter = Files.readString(Run.REPO.resolve("bench/results.md"));
            assertTrue(result.out().contains(busy), "the report is printed too:\n" + result);
            assertFalse(result.out().contains("## Headline"), "the other threshold's report is not printed:\n" + result);
            for (String report : List.of(busy, quiet)) {
                assertTrue(report.startsWith("# Benchmark results (QUICK=1"), report);
                assertTrue(report.contains("\nMachine load: other work's share of the "), report);
            }
        } finally {
            Run.deleteTree(out);
        }
    }

    @Test
    void aQuietMachineGetsAHeadlineWithRatiosAndTheLoadBesideThem() {
        String report = quiet;
        assertTrue(report.contains("\n## Headline: the scripts against the C client, on a quiet machine\n"), report);
        assertFalse(report.contains("**not comparable"), report);
        assertTrue(report.contains("quiet: other work stayed under 101% of the cores in every run."), report);
        assertTrue(report.contains("At 101% or more a run was disturbed"), report);
        for (String row : headlineRows(report)) {
            assertTrue(RATES.matcher(row).find(), row);
            assertTrue(LOAD.matcher(row).find(), "the load beside the figures: " + row);
            assertEquals(C_PEER ? 2 : 0, RATIO.matcher(row).results().count(), "scripts ÷ C, scripts ÷ the examples' loop: " + row);
        }
    }

    @Test
    void aBusyMachineGetsNoHeadlineAndEveryRatioIsMarked() {
        String report = busy;
        assertTrue(report.contains("\n## No headline: other work kept the machine busy\n"), report);
        assertFalse(report.contains("## Headline"), report);
        assertFalse(RATIO.matcher(report).find(), "no ratio printed as a figure:\n" + report);
        assertTrue(report.contains("NOT quiet: in "), report);
        assertTrue(report.contains("0 round(s) run again"), "never quiet, so nothing ran again:\n" + report);
        for (String row : headlineRows(report)) {
            assertTrue(RATES.matcher(row).find(), "the rates stay, with their load: " + row);
            assertTrue(LOAD.matcher(row).find(), row);
            assertEquals(C_PEER ? 2 : 0, Pattern.compile("\\*\\*not comparable \\(others \\d+% of \\d+ cores, loadavg [\\d.]+\\)\\*\\*")
                    .matcher(row).results().count(), row);
        }
    }

    @Test
    void bothReportsShowTheSameMeasurements() {
        assertEquals(headlineRows(busy).stream().map(BenchTest::rates).toList(),
                headlineRows(quiet).stream().map(BenchTest::rates).toList(), busy + "\n" + quiet);
    }

    @Test
    void theBenchSaysWhenItWaitsForAQuietMachine() {
        assertTrue(Pattern.compile("(?m)^bench: waiting at most [123] s for a quiet machine: others \\d+% of \\d+ cores, "
                + "loadavg [\\d.]+, quiet is under 0%$").matcher(said).find(), said);
    }

    @Test
    void theClusterPartWritesWhereBenchWritesAndMarksWhatOtherWorkDisturbed() {
        assertEquals(committedBefore, committedAfter, "the repository's bench/results.md is not touched");
        assertTrue(cluster.contains("## R1 against R3 on a local three-node cluster\n"), cluster);
        assertTrue(cluster.contains("QUICK=1"), cluster);
        for (String work : List.of("| publish async, window 1000 |", "| pull + ack, batch 500 |")) {
            String row = cluster.lines().filter(line -> line.startsWith(work)).findFirst().orElseThrow(() -> new AssertionError(cluster));
            assertTrue(Pattern.compile("\\| not comparable \\(others \\d+% of \\d+ cores, loadavg [\\d.]+\\) \\| others ").matcher(row).find(), row);
            assertFalse(RATIO.matcher(row).find() || Pattern.compile("\\d\\.\\d\\dx").matcher(row).find(), row);
        }
        // the gap spans the kill: a kill of the leader holds publishing up for an election, never "0.0 s"
        var gap = Pattern.compile("first after it was \\*\\*not comparable\\*\\*: (\\d+\\.\\d) s \\(others \\d+% of").matcher(cluster);
        assertTrue(gap.find(), cluster);
        assertTrue(Double.parseDouble(gap.group(1)) > 0, cluster);
        assertTrue(clusterRun.out().contains("written to "), clusterRun.toString());
        for (String raft : List.of("meta.inf", "meta.sum")) {
            assertFalse(Files.exists(Run.REPO.resolve(raft)), raft + " in the repository's root");
        }
    }

    /** A nats-server writes some files to relative paths: its working directory must be its own temp store, never where it was started. */
    @Test
    void aServerWorksInItsOwnStore() throws Exception {
        try (NatsServer server = NatsServer.startWithJetStream()) {
            ProcessHandle process = ProcessHandle.current().descendants()
                    .filter(p -> String.join(" ", p.info().arguments().orElse(new String[0])).contains(server.storeDir.toString()))
                    .findFirst().orElseThrow();
            assertEquals(server.storeDir.toRealPath(), Path.of("/proc/" + process.pid() + "/cwd").toRealPath());
        }
    }

    /**
     * Every setting refused before anything is built or measured: one line naming it, what it accepts and its
     * default. Each row is checked here, in this JVM; one process run of each part shows the line is all it
     * prints and that it exits 2, before it builds or starts anything.
     */
    @Test
    void badSettingsAreOneLineAndExitTwo() throws Exception {
        Path dir = Files.createTempDirectory(Sandbox.root(), "bench-bad-");
        try {
            Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("BENCH_ONLY", "nonsense");
            bad.put("BENCH_QUIET_BELOW", "abc");
            bad.put("BENCH_ALSO_QUIET_BELOW", "-5");
            bad.put("BENCH_WAIT_S", "-5");
            bad.put("BENCH_WAIT_BUDGET_S", "99999999999999999999");
            bad.put("BENCH_OUT", file.toString());
            bad.put("QUICK", "yes");
            bad.put("BENCH_ROUNDS", "0");
            bad.put("BENCH_CPU_COUNT", "2");
            bad.put("BENCH_LAB_RUN", "true");
            bad.put("BENCH_REPO_VARIANTS", dir.toString());
            bad.put("BENCH_AOT_JAVA_HOME", dir.toString());
            bad.put("BENCH_FLAGS_VARIANTS", "-XX:TieredStopAtLevel=1 | -XX:+NoSuchFlagAtAll");
            for (var entry : bad.entrySet()) {
                Map<String, String> env = new HashMap<>(Map.of("BENCH_OUT", dir.resolve("out").toString()));
                env.put(entry.getKey(), entry.getValue());
                String line = Settings.Table.problem(env, new LinkedHashMap<>());
                assertTrue(line != null && line.startsWith("bench: " + entry.getKey() + "=" + entry.getValue() + ": ")
                        && line.contains("; give ") && line.contains(" (default: ") && !line.contains("\n"), entry + ": " + line);
            }
            // a flag set the JVM refuses is named with the JVM's own words, before anything is built; "|" alone is no set
            String flags = Settings.Table.problem(Map.of("BENCH_OUT", dir.resolve("out").toString(), "BENCH_FLAGS_VARIANTS",
                    "-XX:+NoSuchFlagAtAll"), new LinkedHashMap<>());
            assertTrue(flags.contains("the JVM refuses \"-XX:+NoSuchFlagAtAll\": Unrecognized VM option 'NoSuchFlagAtAll'"), flags);
            String none = Settings.Table.problem(Map.of("BENCH_OUT", dir.resolve("out").toString(), "BENCH_FLAGS_VARIANTS", " | "),
                    new LinkedHashMap<>());
            assertTrue(none.startsWith("bench: BENCH_FLAGS_VARIANTS= | : no flags between the `|`"), none);
            Map<String, Object> sets = new LinkedHashMap<>();
            assertEquals(null, Settings.Table.problem(Map.of("BENCH_OUT", dir.resolve("out").toString(), "BENCH_FLAGS_VARIANTS",
                    "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC | -Xmx64m"), sets));
            assertEquals(List.of("-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", "-Xmx64m"), sets.get("BENCH_FLAGS_VARIANTS"));
            String below = Settings.Table.problem(Map.of("BENCH_OUT", file.resolve("under").toString()), new LinkedHashMap<>());
            assertTrue(below.startsWith("bench: BENCH_OUT=" + file.resolve("under") + ": cannot write there"), below);
            Map<String, Object> good = new LinkedHashMap<>();
            assertEquals(null, Settings.Table.problem(Map.of("BENCH_OUT", dir.resolve("out").toString(), "QUICK", "1"), good));
            assertEquals(true, good.get("QUICK"));
            // BENCH_OUT is made at the start: a bad setting after it in the table leaves it made, and nothing in it
            assertTrue(Files.isDirectory(dir.resolve("out")));
            try (var made = Files.list(dir.resolve("out"))) {
                assertEquals(List.of(), made.toList());
            }
            for (var part : Map.of("bench/Bench.java", "BENCH_ONLY", "bench/ClusterBench.java", "QUICK").entrySet()) {
                String value = bad.get(part.getValue());
                Run.Result result = part(part.getKey())
                        .env(part.getValue(), value).env("BENCH_OUT", dir.resolve("out").toString()).timeout(300).go();
                assertEquals(2, result.exit(), part + ": " + result);
                List<String> lines = benchLines(result);
                assertEquals(List.of(Settings.Table.problem(Map.of(part.getValue(), value, "BENCH_OUT",
                        dir.resolve("out").toString()), new LinkedHashMap<>())), lines, part + ": " + result);
                assertEquals("", result.out(), part + ": " + result);
            }
        } finally {
            Run.deleteTree(dir);
        }
    }

    /**
     * A step that fails (here the nats-server the bench starts, which stops at once) ends the part with one
     * line naming it and what failed, exit 1, and the stack trace in the file that line names, not on the screen.
     */
    @Test
    void aStepThatFailsEndsThePartWithOneLineAndItsTraceInAFile() throws Exception {
        Path dir = Files.createTempDirectory(Sandbox.root(), "bench-failing-");
        try {
            Path fake = Files.writeString(dir.resolve("nats-server"), "#!/bin/sh\necho 'not today' >&2\nexit 1\n");
            fake.toFile().setExecutable(true);
            Run.Result result = part("bench/Bench.java")
                    .env("PATH", dir + ":" + System.getenv("PATH")).env("BENCH_OUT", dir.resolve("out").toString())
                    .env("TMPDIR", dir.toString()).timeout(300).go();
            assertEquals(1, result.exit(), result.toString());
            List<String> lines = benchLines(result);
            assertEquals(1, lines.size(), result.toString());
            java.util.regex.Matcher line = Pattern.compile("bench: the bench stopped: .+; the stack trace is in (/\\S+)")
                    .matcher(lines.get(0));
            assertTrue(line.matches(), lines.get(0));
            assertTrue(Files.readString(Path.of(line.group(1))).contains("\tat "), "a stack trace in " + line.group(1));
            Files.delete(Path.of(line.group(1)));
            assertEquals("", result.out(), result.toString());
        } finally {
            Run.deleteTree(dir);
        }
    }

    /**
     * SIGTERM while the bench measures: one line says it stopped, and its server, its client runs and every
     * file it wrote for a while (the C peer's build, each run's output) are gone.
     */
    @Test
    void aSignalMidBenchLeavesOneLineAndNothingBehind() throws Exception {
        Path dir = Files.createTempDirectory(Sandbox.root(), "bench-stopped-");
        Path temp = Files.createDirectory(dir.resolve("tmp"));
        try (Run.Started run = part("bench/Bench.java").env("QUICK", "1").env("BENCH_ONLY", "headline")
                .env("BENCH_OUT", dir.resolve("out").toString()).env("BENCH_QUIET_BELOW", "101").env("BENCH_WAIT_S", "0")
                .env("JBANG_JAVA_OPTIONS", "-Djava.io.tmpdir=" + temp).timeout(300).start()) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(240);
            while (!run.errSoFar().contains("bench: publish async") && run.running() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            List<ProcessHandle> started = run.pidHandle().descendants().toList();
            run.signal("TERM");
            Run.Result result = run.finish();
            assertEquals(143, result.exit(), result.toString());
            // besides the runs' lines, and the C row's absence on a machine without libnats-dev
            assertEquals(List.of("bench: the bench stopped before it finished (a signal or Ctrl-C)"), benchLines(result).stream()
                    .filter(line -> !line.startsWith("bench: publish async") && !line.startsWith("bench: no C row: ")).toList(),
                    result.toString());
            for (ProcessHandle process : started) {
                assertTrue(process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS) != null, process + " ended");
            }
            try (var left = Files.list(temp)) {
                assertEquals(List.of(), left.map(Path::getFileName).map(Path::toString).toList(), "the bench's temp files");
            }
        } finally {
            Run.deleteTree(dir);
        }
    }

    /** A share judged quiet (under 10%) never reads as 10%: the percent is cut down, not rounded up. */
    @Test
    void aQuietShareNeverShowsTheThreshold() {
        Load.Seen seen = new Load.Seen(0.0996, 1.0);
        assertTrue(seen.quiet(0.10));
        assertTrue(seen.text().startsWith("others 9% of "), seen.text());
        assertEquals("10%", Load.percent(0.10));
        assertEquals("unknown", Load.percent(Double.NaN));
    }

    /** The test runner measures the load with bench/Load.java too: the bench's settings are not its concern. */
    @Test
    void theLoadSamplerReadsNoBenchSetting() throws Exception {
        Path probe = Files.createTempDirectory(Sandbox.root(), "load-probe-");
        try {
            // Load is package-private in the test classes: reached by reflection from a launcher of its own
            Path source = Files.writeString(probe.resolve("Probe.java"), """
                    public class Probe {
                        public static void main(String[] args) throws Exception {
                            var now = Class.forName("Load").getDeclaredMethod("now");
                            now.setAccessible(true);
                            now.invoke(null);
                            System.out.println("sampled");
                        }
                    }
                    """);
            Run.Result result = Run.command(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-cp", System.getProperty("java.class.path"), source.toString())
                    .env("BENCH_QUIET_BELOW", "abc").env("BENCH_WAIT_S", "abc").env("BENCH_WAIT_BUDGET_S", "abc")
                    .env("BENCH_ALSO_QUIET_BELOW", "abc").timeout(120).go();
            assertEquals(0, result.exit(), result.toString());
            assertEquals("sampled\n", result.out(), result.toString());
        } finally {
            Run.deleteTree(probe);
        }
    }

    /** A part of make bench (bench/Bench.java, bench/ClusterBench.java) run through bin/jbang, as make bench runs it. */
    private static Run part(String script) {
        return Run.command(Run.REPO.resolve("bin/jbang").toString(), script).in(Run.REPO);
    }

    /** What a part said on stderr, without JBang's own lines (a build's "[jbang] Building jar ..."). */
    private static List<String> benchLines(Run.Result result) {
        return result.err().lines().filter(line -> !line.startsWith("[jbang]")).toList();
    }

    private static List<String> rates(String row) {
        return RATES.matcher(row).results().map(m -> m.group()).toList();
    }

    private static List<String> headlineRows(String report) {
        List<String> rows = report.lines().filter(line -> HEADLINE_ROWS.stream().anyMatch(line::startsWith)).toList();
        assertEquals(2, rows.size(), report);
        return rows;
    }
}
