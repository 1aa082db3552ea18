// make bench's report: its shape, the load it saw beside every figure, and no headline when other
// work kept the machine busy. Small counts (QUICK=1, the headline workloads only); no speed is
// asserted: the thresholds are forced so the machine's real load cannot change the outcome.
// One run: judged busy by its own threshold (the printed report), and quiet by BENCH_ALSO_QUIET_BELOW
// (the same measurements rendered again by bench/Report.java in that run).

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @BeforeAll
    static void benchOnce() throws Exception {
        Path out = Files.createTempDirectory(Sandbox.root(), "bench-out-");
        try {
            Run.Result result = Run.command(Run.REPO.resolve("bin/jbang").toString(), "bench/Bench.java")
                    .in(Run.REPO).env("QUICK", "1").env("BENCH_ONLY", "headline")
                    .env("BENCH_OUT", out.toString()).env("BENCH_QUIET_BELOW", "0").env("BENCH_ALSO_QUIET_BELOW", "101")
                    .env("BENCH_WAIT_S", "0").env("BENCH_WAIT_BUDGET_S", "0").timeout(900).go();
            assertEquals(0, result.exit(), result.toString());
            busy = Files.readString(out.resolve("results-quick.md"));
            quiet = Files.readString(out.resolve("results-quick-also.md"));
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

    private static List<String> rates(String row) {
        return RATES.matcher(row).results().map(m -> m.group()).toList();
    }

    private static List<String> headlineRows(String report) {
        List<String> rows = report.lines().filter(line -> HEADLINE_ROWS.stream().anyMatch(line::startsWith)).toList();
        assertEquals(2, rows.size(), report);
        return rows;
    }
}
