///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//SOURCES ../scripts/*.java
//SOURCES ../tests/support/NatsServer.java
//SOURCES ../tests/support/Run.java
//SOURCES Baseline.java
//DESCRIPTION make bench: the lab's scripts against plain jnats on one fresh nats-server, plus start-up and memory.
//
// Every figure is measured on a nats-server this starts (free port, temp file store). Scripts
// and the jnats baseline run as separate JVMs, the way a user runs them. QUICK=1: a smoke run.

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Bench {
    static final boolean QUICK = "1".equals(System.getenv("QUICK"));
    static final int COUNT = QUICK ? 10_000 : 100_000;
    static final int SYNC_COUNT = QUICK ? 2_000 : 100_000;
    static final int SIZE = 128;
    static final int REPEAT = QUICK ? 1 : 3;
    static final int STARTUP_RUNS = QUICK ? 3 : 10;
    static final Pattern RATE = Pattern.compile("([\\d,]+) msgs/s");

    static NatsServer server;
    static final String CLASSPATH = System.getProperty("java.class.path");
    static final List<String> OUR_FLAGS = runtimeOptions();
    static final List<String> rows = new ArrayList<>();

    public static void main(String... args) throws Exception {
        server = NatsServer.startWithJetStream();
        try {
            throughput();
            startup();
        } finally {
            server.close();
        }
        String report = report();
        System.out.print(report);
        Path results = Run.REPO.resolve(QUICK ? "bench/results-quick.md" : "bench/results.md");
        Files.writeString(results, report);
        System.out.println("\nwritten to " + Run.REPO.relativize(results));
    }

    // -------------------------------------------------------------- throughput

    static void throughput() throws Exception {
        rows.add("| what (" + SIZE + " B messages) | messages | lab script msgs/s | MB/s | jnats, plain `java` | ratio | jnats, same JVM flags | ratio |");
        rows.add("|---|---|---|---|---|---|---|---|");
        compare("js-pub --sync (wait for each PubAck)", SYNC_COUNT, true,
                List.of("JsPub", "--count", "" + SYNC_COUNT, "--size", "" + SIZE, "--sync"),
                List.of("Baseline", "pub-sync", "" + SYNC_COUNT, "" + SIZE));
        compare("js-pub async (window 1000)", COUNT, true,
                List.of("JsPub", "--count", "" + COUNT, "--size", "" + SIZE),
                List.of("Baseline", "pub-async", "" + COUNT, "" + SIZE, "1000"));
        for (int batch : List.of(100, 500)) {
            compare("js-pull with acks, batch " + batch, COUNT, false,
                    List.of("JsPull", "--count", "" + COUNT, "--batch", "" + batch, "--quiet"),
                    List.of("Baseline", "pull", "" + COUNT, "" + batch));
        }
    }

    /** Runs ours and jnats REPEAT times each, alternating, and keeps the medians. */
    static void compare(String what, int count, boolean publishing, List<String> ours, List<String> baseline) throws Exception {
        double[] mine = new double[REPEAT];
        double[] plain = new double[REPEAT];
        double[] tuned = new double[REPEAT];
        for (int i = 0; i < REPEAT; i++) {
            mine[i] = measure(publishing, count, OUR_FLAGS, ours);
            plain[i] = measure(publishing, count, List.of(), baseline);
            tuned[i] = measure(publishing, count, OUR_FLAGS, baseline);
        }
        double m = median(mine);
        double p = median(plain);
        double t = median(tuned);
        rows.add(String.format("| %s | %,d | **%,.0f** | %.1f | %,.0f | **%.2fx** | %,.0f | %.2fx |",
                what, count, m, m * SIZE / 1e6, p, m / p, t, m / t));
        System.err.printf("bench: %s: %,.0f msgs/s (jnats %,.0f / %,.0f)%n", what, m, p, t);
    }

    /** A fresh stream (holding COUNT messages when pulling) and consumer, then one timed run. */
    static double measure(boolean publishing, int count, List<String> flags, List<String> mainAndArgs) throws Exception {
        server.resetToLabStream();
        if (!publishing) {
            run(OUR_FLAGS, List.of("Baseline", "pub-async", "" + count, "" + SIZE, "1000"));
        }
        return rate(run(flags, mainAndArgs));
    }

    static String run(List<String> flags, List<String> mainAndArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(flags);
        command.addAll(List.of("-cp", CLASSPATH));
        command.addAll(mainAndArgs);
        Run.Result result = Run.command(command.toArray(String[]::new)).server(server).timeout(600).go();
        if (result.exit() != 0) {
            throw new IllegalStateException("failed: " + command + "\n" + result);
        }
        return result.out();
    }

    static double rate(String output) {
        Matcher matcher = RATE.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no msgs/s in: " + output);
        }
        return Double.parseDouble(matcher.group(1).replace(",", ""));
    }

    // ----------------------------------------------------------------- startup

    static void startup() throws Exception {
        server.resetToLabStream();
        String builtClasspath = Run.command(Run.REPO.resolve("bin/jbang").toString(), "info", "classpath",
                "scripts/JsPub.java").go().out().strip();
        String jbang = Run.REPO.resolve("bin/jbang").toString();
        Run.command(jbang, "build", "scripts/JsPub.java").go();
        Run.command("make", "-s", "run", "BIN=js-pub", "MSG=warm-up").server(server).go(); // builds bin/lab-run's cache

        double bare = medianWall(List.of(java(), "-cp", builtClasspath, "JsPub", "hi"));
        double makeRun = medianWall(List.of("make", "-s", "run", "BIN=js-pub", "MSG=hi"));
        double labRun = medianWall(List.of(Run.REPO.resolve("bin/lab-run").toString(), "js-pub", "hi"));
        double viaJbang = medianWall(List.of(jbang, "js-pub", "hi"));
        rows.add("");
        rows.add("| start-up: one-message `js-pub`, warm, median of " + STARTUP_RUNS + " | wall time | vs bare `java -cp` |");
        rows.add("|---|---|---|");
        rows.add(String.format("| bare `java -cp <built jar + deps> JsPub hi` (no JVM flags) | %.3f s | 1.00x |", bare));
        rows.add(String.format("| `make run BIN=js-pub MSG=hi` (bin/lab-run: C1, SerialGC, AppCDS) | %.3f s | **%.2fx** |", makeRun, makeRun / bare));
        rows.add(String.format("| `bin/lab-run js-pub hi` (the same, without make) | %.3f s | %.2fx |", labRun, labRun / bare));
        rows.add(String.format("| `bin/jbang js-pub hi` (JBang's own JVM, then the script) | %.3f s | %.2fx |", viaJbang, viaJbang / bare));

        rows.add("");
        rows.add("| peak RSS of a one-message `js-pub` | max resident set |");
        rows.add("|---|---|");
        rows.add(String.format("| `bin/lab-run js-pub hi` (what `make run` starts) | **%s** |",
                peakRss(List.of(Run.REPO.resolve("bin/lab-run").toString(), "js-pub", "hi"))));
        rows.add(String.format("| bare `java -cp ... JsPub hi` (default heap and GC) | %s |",
                peakRss(List.of(java(), "-cp", builtClasspath, "JsPub", "hi"))));
    }

    static double medianWall(List<String> command) throws Exception {
        double[] seconds = new double[STARTUP_RUNS];
        Run.command(command.toArray(String[]::new)).server(server).go(); // warm
        for (int i = 0; i < STARTUP_RUNS; i++) {
            long start = System.nanoTime();
            Run.Result result = Run.command(command.toArray(String[]::new)).server(server).go();
            seconds[i] = (System.nanoTime() - start) / 1e9;
            if (result.exit() != 0) {
                throw new IllegalStateException("failed: " + command + "\n" + result);
            }
        }
        return median(seconds);
    }

    static String peakRss(List<String> command) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
            return "n/a (needs GNU time: apt-get install time)";
        }
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "RSS %M"));
        timed.addAll(command);
        Run.Result result = Run.command(timed.toArray(String[]::new)).server(server).go();
        Matcher kb = Pattern.compile("RSS (\\d+)").matcher(result.err());
        return kb.find() ? String.format("%.1f MiB", Long.parseLong(kb.group(1)) / 1024.0) : "n/a";
    }

    // ------------------------------------------------------------------ report

    static String report() throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("# Benchmark results").append(QUICK ? " (QUICK=1 smoke run)" : "").append("\n\n");
        out.append("`make bench` on ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE)).append(": ")
                .append(machine()).append(". One nats-server ").append(serverVersion())
                .append(" with a file store, started by the benchmark; every row is a fresh stream. Lab scripts run with ")
                .append("their `//RUNTIME_OPTIONS` (`").append(String.join(" ", OUR_FLAGS)).append("`); ")
                .append("jnats 2.26.2 baseline: `bench/Baseline.java`, a tight `publish`/`publishAsync` (1000 in flight) ")
                .append("or `fetch` + `ack` loop. Medians of ").append(REPEAT).append(" runs. Figures move by 10-20% ")
                .append("between runs on this 2-core machine.\n\n");
        rows.forEach(row -> out.append(row).append('\n'));
        return out.toString();
    }

    static String machine() throws Exception {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("unknown CPU");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
        return String.format("%d cores (%s), %.0f GiB, Java %s", Runtime.getRuntime().availableProcessors(), cpu,
                memKb / 1024.0 / 1024.0, System.getProperty("java.version"));
    }

    static String serverVersion() throws Exception {
        return Run.command(NatsServer.binary(), "--version").go().out().strip().replace("nats-server: ", "");
    }

    static List<String> runtimeOptions() {
        try {
            return Files.readAllLines(Run.REPO.resolve("scripts/JsPub.java")).stream()
                    .filter(line -> line.startsWith("//RUNTIME_OPTIONS "))
                    .findFirst().map(line -> Arrays.asList(line.substring(18).trim().split("\\s+"))).orElse(List.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
