// bench/results.md from what Bench measured: the fair headline first, then how cost grows,
// the window and batch sweeps with their charts, and start-up.

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

final class Report {
    /** Others' share of all cores at or above which a run counts as disturbed. */
    private final double quietBelow;

    private Report(double quietBelow) {
        this.quietBelow = quietBelow;
    }

    static String render(double totalSeconds) throws Exception {
        return render(totalSeconds, Settings.QUIET_BELOW);
    }

    /** The report of the same measurements, judged by another quiet threshold than the one they were run with. */
    static String render(double totalSeconds, double quietBelow) throws Exception {
        return new Report(quietBelow).body(totalSeconds);
    }

    private String body(double totalSeconds) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("# Benchmark results").append(Bench.QUICK ? " (QUICK=1 smoke run: small counts, one run each)" : "").append("\n\n");
        out.append("`make bench").append(Bench.QUICK ? " QUICK=1" : "").append("` on ").append(Bench.today()).append(": ")
                .append(Bench.machine()).append(". One nats-server ").append(Bench.serverVersion())
                .append(" with a file store, started by the benchmark; ").append(Clients.SIZE).append(" B messages. ")
                .append(String.format("The whole run took %.0f s.%n%n", totalSeconds));
        out.append(load()).append("\n\n");
        out.append("""
                How to read the figures:
                - **self-timed**: the rate the program prints, from its own clock around the publish or pull loop \
                (after connecting, before closing). The scripts' and the jnats baseline's clocks cover the same section.
                - **wall-clock**: messages over the time from starting the process to its exit (JVM start, connect, close).
                - Every cell is the true median of %d run(s) (the mean of the two middle values for an even number). \
                The clients' runs alternate, so they share the same noise, and each round starts with the next client, \
                so none always runs first. Before the first round the server stores %,d messages once, untimed, so no \
                client meets a cold server.
                - A run counts only if it exited 0, printed the count it was asked for, and the server agrees: after a \
                publish the stream holds exactly that many messages, after a pull the consumer's ack floor is at the \
                stream's last message with no ack pending. Anything else stops the benchmark.
                - Published means confirmed by a PubAck; pulled means acked and the ack confirmed by the server \
                (a flush, or for the tuned prototype an ack answered by the server) — in every client, the C one included; \
                the nats.c examples' loop confirms its acks once, at the end.
                - **load during the runs**: other work's share of all cores while those runs ran (the busiest run), and the \
                1-minute load average. At %.0f%% or more a run was disturbed: its round is run again once the machine is \
                quiet (waiting at most %d s), and a ratio from runs that stayed disturbed reads "not comparable".
                - Lab scripts run with their `//RUNTIME_OPTIONS` (`%s`); "same JVM flags" gives bench/Baseline.java exactly those.
                - Peak RSS: %s. CPU: user + system time of the client process, and of nats-server over the same run.

                """.formatted(Bench.REPEAT, Bench.COUNT, quietBelow * 100, Settings.WAIT.toSeconds(),
                String.join(" ", flags()), Measure.rssMethod()));
        Bench.notes.forEach(note -> out.append("> ").append(note).append("\n\n"));

        out.append(headline());
        if (Bench.HEADLINE_ONLY) {
            return out.append("(BENCH_ONLY=headline: no sweeps, scale or start-up in this run.)\n").toString();
        }

        List<Clients.Work> headline = List.of(
                new Clients.Work(Clients.Kind.PUB_SYNC, Bench.SYNC_COUNT, 1),
                Bench.pub(Bench.COUNT, 1000), Bench.pull(Bench.COUNT, 100), Bench.pull(Bench.COUNT, 500),
                Bench.pull(Bench.COUNT, 1000));
        out.append("## The scripts against plain jnats with the same JVM flags, and against the C client\n\n");
        out.append("Cells: self-timed / wall-clock msgs/s; ratios likewise.\n\n");
        against(out, headline, Clients.JNATS, "scripts ÷ jnats", Clients.C, "scripts ÷ C");
        out.append("\nContext: what the old headline compared against, and what the levers in bench/PROFILE.md reach.\n\n");
        out.append("| workload | plain jnats, default JVM flags | scripts ÷ that | tuned jnats (bench/Prototype.java) | tuned ÷ C |\n");
        out.append("|---|---|---|---|---|\n");
        for (Clients.Work work : headline) {
            Measure.Summary d = get(Clients.JNATS_DEFAULT, work);
            Measure.Summary t = get(Clients.TUNED, work);
            out.append(String.format("| %s | %s | %s | %s | %s |%n", work.label(), rates(d),
                    ratios(get(Clients.SCRIPTS, work), d), rates(t), ratios(t, get(Clients.C, work))));
        }
        out.append("\nCPU per message: the whole process's CPU time (start-up included) over its messages, in µs. It moves far "
                + "less than the rates when the machine is shared; the marginal cost per message, without start-up, is "
                + "under \"How cost grows\".\n\n");
        out.append("| workload | lab scripts | plain jnats | tuned jnats | C client | C, the examples' loop | nats-server, during the scripts' runs | nats-server, during C's |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Clients.Work work : headline) {
            out.append(String.format("| %s | %s | %s | %s | %s | %s | %s | %s |%n", work.label(),
                    micros(get(Clients.SCRIPTS, work), Measure.Summary::clientCpuMicrosPerMsg),
                    micros(get(Clients.JNATS, work), Measure.Summary::clientCpuMicrosPerMsg),
                    micros(get(Clients.TUNED, work), Measure.Summary::clientCpuMicrosPerMsg),
                    micros(get(Clients.C, work), Measure.Summary::clientCpuMicrosPerMsg),
                    micros(get(Clients.C_NATURAL, work), Measure.Summary::clientCpuMicrosPerMsg),
                    micros(get(Clients.SCRIPTS, work), Measure.Summary::serverCpuMicrosPerMsg),
                    micros(get(Clients.C, work), Measure.Summary::serverCpuMicrosPerMsg)));
        }

        out.append("\n## How cost grows: 10x the messages, 10x the time, the same memory?\n\n");
        out.append("Publish with window 1000 and pull with batch 500.\n\n");
        out.append("| workload | messages | client | self-timed msgs/s | wall time | wall-clock msgs/s | peak RSS | client CPU µs/msg |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (boolean publishing : List.of(true, false)) {
            for (String client : List.of(Clients.SCRIPTS, Clients.JNATS, Clients.C)) {
                for (int count : Bench.SCALE) {
                    Clients.Work work = publishing ? Bench.pub(count, 1000) : Bench.pull(count, 500);
                    Measure.Summary s = get(client, work);
                    if (s != null) {
                        out.append(String.format("| %s | %,d | %s | %,.0f | %.2f s | %,.0f | %.0f MiB | %.1f |%n",
                                publishing ? "publish" : "pull + ack", count, client, s.selfRate(), s.wallSeconds(),
                                s.wallRate(), s.peakRssMib(), s.clientCpuMicrosPerMsg()));
                    }
                }
            }
        }
        out.append("\n").append(growth(Bench.pub(0, 1000), "publish")).append(growth(Bench.pull(0, 500), "pull"));
        out.append(marginal());
        out.append("\n![msgs/s against message count](throughput-count").append(Bench.SUFFIX).append(".png)\n");
        out.append("![peak RSS against message count](rss-count").append(Bench.SUFFIX).append(".png)\n");

        out.append("\n## Window and batch size\n\n");
        out.append(String.format("%,d messages each; cells: self-timed / wall-clock msgs/s.%n%n", Bench.COUNT));
        sweep(out, "publish window (PubAcks in flight)", Bench.WINDOWS, w -> Bench.pub(Bench.COUNT, w));
        out.append("\n![msgs/s against window](throughput-window").append(Bench.SUFFIX).append(".png)\n\n");
        sweep(out, "pull batch size", Bench.BATCHES, b -> Bench.pull(Bench.COUNT, b));
        out.append("\n![msgs/s against batch size](throughput-batch").append(Bench.SUFFIX).append(".png)\n");

        out.append("\n## Start-up and a one-message run\n\n");
        Bench.startupRows.forEach(row -> out.append(row).append('\n'));
        return out.toString();
    }

    /**
     * The workloads the lab is judged on, the scripts against both C programs: ratios only when every
     * run behind them had a quiet machine, "not comparable" otherwise.
     */
    private String headline() {
        List<Clients.Work> works = new java.util.ArrayList<>(List.of(Bench.pub(Bench.COUNT, 1000), Bench.pull(Bench.COUNT, 500)));
        if (get(Clients.SCRIPTS, Bench.pub(Bench.LARGE, 1000)) != null || get(Clients.SCRIPTS, Bench.pull(Bench.LARGE, 500)) != null) {
            works.addAll(List.of(Bench.pub(Bench.LARGE, 1000), Bench.pull(Bench.LARGE, 500)));
        }
        List<Clients.Work> measured = works.stream().filter(w -> get(Clients.SCRIPTS, w) != null).toList();
        boolean quiet = measured.stream().allMatch(w -> quiet(get(Clients.SCRIPTS, w), get(Clients.C, w), get(Clients.C_NATURAL, w)));
        StringBuilder out = new StringBuilder();
        if (quiet) {
            out.append("## Headline: the scripts against the C client, on a quiet machine\n\n");
        } else {
            out.append("## No headline: other work kept the machine busy\n\n");
            out.append("Other work used ").append(quietBelow * 100 >= 1 ? String.format("%.0f%%", quietBelow * 100) : "any")
                    .append(" or more of the cores during some of these runs, even after waiting for it to stop: both clients ")
                    .append("then wait on the server alike, and a ratio says little about the client. Every ratio from such runs ")
                    .append("reads \"not comparable\"; run `make bench` again on a quiet machine.\n\n");
        }
        out.append("Cells: self-timed / wall-clock msgs/s. The C client confirms like the scripts (each PubAck counted by a "
                + "handler; each batch's acks confirmed by a flush); the nats.c examples' loop is the program a C user "
                + "would write (no PubAck handler, only an error handler; fetch, ack each, fetch again, one flush at the end).\n\n");
        against(out, measured, Clients.C, "scripts ÷ C", Clients.C_NATURAL, "scripts ÷ that");
        out.append(warm());
        return out.append('\n').toString();
    }

    /** A table of the scripts against two other clients: rates, ratios, and the load their runs saw. */
    private void against(StringBuilder out, List<Clients.Work> works, String first, String firstRatio,
                         String second, String secondRatio) {
        out.append("| workload | messages | lab scripts | ").append(first).append(" | ").append(firstRatio).append(" | ")
                .append(second).append(" | ").append(secondRatio).append(" | load during the runs |\n");
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Clients.Work work : works) {
            Measure.Summary s = get(Clients.SCRIPTS, work);
            Measure.Summary a = get(first, work);
            Measure.Summary b = get(second, work);
            out.append(String.format("| %s | %,d | **%s** | %s | **%s** | %s | **%s** | %s |%n", work.label(), work.count(),
                    rates(s), rates(a), ratios(s, a), rates(b), ratios(s, b), seen(s, a, b)));
        }
    }

    /**
     * The self-timed section includes the JIT's warm-up, as a learner's run does. Between the two counts
     * of the headline, the extra messages over the extra time leave warm-up (and connecting) out.
     */
    private String warm() {
        Clients.Work smallPub = Bench.pub(Bench.COUNT, 1000);
        Clients.Work largePub = Bench.pub(Bench.LARGE, 1000);
        Clients.Work smallPull = Bench.pull(Bench.COUNT, 500);
        Clients.Work largePull = Bench.pull(Bench.LARGE, 500);
        if (get(Clients.SCRIPTS, largePub) == null && get(Clients.SCRIPTS, largePull) == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(String.format("%nThe rates above include the JIT's warm-up, as a learner's run does. "
                + "Warm, from %,d to %,d messages (the extra messages over the extra self-timed time), msgs/s:%n%n"
                + "| workload | lab scripts | C client | scripts ÷ C | C client, the nats.c examples' loop | scripts ÷ that |%n"
                + "|---|---|---|---|---|---|%n", Bench.COUNT, Bench.LARGE));
        for (Clients.Work[] pair : List.of(new Clients.Work[]{smallPub, largePub}, new Clients.Work[]{smallPull, largePull})) {
            double s = warmRate(Clients.SCRIPTS, pair[0], pair[1]);
            double c = warmRate(Clients.C, pair[0], pair[1]);
            double n = warmRate(Clients.C_NATURAL, pair[0], pair[1]);
            boolean quiet = List.of(Clients.SCRIPTS, Clients.C, Clients.C_NATURAL).stream()
                    .allMatch(client -> quiet(get(client, pair[0]), get(client, pair[1])));
            out.append(String.format("| %s | %s | %s | %s | %s | %s |%n", pair[1].label(), rate(s), rate(c),
                    warmRatio(s, c, quiet), rate(n), warmRatio(s, n, quiet)));
        }
        return out.toString();
    }

    private static double warmRate(String client, Clients.Work small, Clients.Work large) {
        Measure.Summary a = get(client, small);
        Measure.Summary b = get(client, large);
        if (a == null || b == null) {
            return Double.NaN;
        }
        double extraSeconds = large.count() / b.selfRate() - small.count() / a.selfRate();
        return extraSeconds > 0 ? (large.count() - small.count()) / extraSeconds : Double.NaN;
    }

    private static String rate(double value) {
        return Double.isNaN(value) ? "—" : String.format("%,.0f", value);
    }

    private static String warmRatio(double a, double b, boolean quiet) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return "—";
        }
        return quiet ? String.format("%.2fx", a / b) : "not comparable (busy)";
    }

    private void sweep(StringBuilder out, String what, List<Integer> values,
                       java.util.function.IntFunction<Clients.Work> work) {
        List<String> clients = List.of(Clients.SCRIPTS, Clients.JNATS, Clients.TUNED, Clients.C);
        out.append("| ").append(what).append(" | ").append(String.join(" | ", clients)).append(" | scripts ÷ C |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (int value : values) {
            Clients.Work w = work.apply(value);
            out.append("| ").append(value);
            clients.forEach(client -> out.append(" | ").append(rates(get(client, w))));
            out.append(" | ").append(ratios(get(Clients.SCRIPTS, w), get(Clients.C, w))).append(" |\n");
        }
    }

    /** One sentence per workload: the scripts' time and memory from the smallest to the largest count. */
    private static String growth(Clients.Work shape, String what) {
        List<Integer> counts = Bench.SCALE;
        Clients.Work small = new Clients.Work(shape.kind(), counts.get(0), shape.param());
        Clients.Work middle = new Clients.Work(shape.kind(), counts.get(1), shape.param());
        Clients.Work large = new Clients.Work(shape.kind(), counts.get(counts.size() - 1), shape.param());
        Measure.Summary s = get(Clients.SCRIPTS, small);
        Measure.Summary m = get(Clients.SCRIPTS, middle);
        Measure.Summary l = get(Clients.SCRIPTS, large);
        if (s == null || m == null || l == null) {
            return "";
        }
        double countRatio = (double) large.count() / middle.count();
        double loopRatio = (large.count() / l.selfRate()) / (middle.count() / m.selfRate());
        return String.format("- Scripts, %s: from %,d to %,d messages (%.0fx) the self-timed section took %.1fx as long "
                        + "(wall-clock %.1fx, start-up included); peak RSS %.0f → %.0f → %.0f MiB.%n",
                what, middle.count(), large.count(), countRatio, loopRatio, l.wallSeconds() / m.wallSeconds(),
                s.peakRssMib(), m.peakRssMib(), l.peakRssMib());
    }

    /** CPU per message between the two largest counts: what one more message costs, start-up left out. */
    private static String marginal() {
        int middle = Bench.SCALE.get(Bench.SCALE.size() - 2);
        int large = Bench.SCALE.get(Bench.SCALE.size() - 1);
        StringBuilder out = new StringBuilder(String.format("%nMarginal CPU per message, µs (from %,d to %,d messages; "
                + "start-up and connect cancel out):%n%n| workload | lab scripts | plain jnats, same JVM flags | C client |%n"
                + "|---|---|---|---|%n", middle, large));
        for (boolean publishing : List.of(true, false)) {
            out.append(publishing ? "| publish, window 1000" : "| pull + ack, batch 500");
            for (String client : List.of(Clients.SCRIPTS, Clients.JNATS, Clients.C)) {
                Measure.Summary m = get(client, publishing ? Bench.pub(middle, 1000) : Bench.pull(middle, 500));
                Measure.Summary l = get(client, publishing ? Bench.pub(large, 1000) : Bench.pull(large, 500));
                out.append(" | ").append(m == null || l == null ? "—" : String.format("%.1f",
                        (l.clientCpuMicrosPerMsg() * large - m.clientCpuMicrosPerMsg() * middle) / (large - middle)));
            }
            out.append(" |\n");
        }
        return out.toString();
    }

    /** How busy other work kept the machine: before each round (after any wait) and during each run. */
    private String load() {
        List<Load.Seen> during = Bench.results.values().stream().flatMap(m -> m.values().stream())
                .map(Measure.Summary::load).toList();
        if (during.isEmpty() && Bench.gates.isEmpty()) {
            return "Machine load: unknown.";
        }
        double[] others = during.stream().mapToDouble(Load.Seen::others).filter(v -> !Double.isNaN(v)).toArray();
        double[] loadavg = java.util.stream.Stream.concat(during.stream(), Bench.gates.stream())
                .mapToDouble(Load.Seen::loadavg).filter(v -> !Double.isNaN(v)).toArray();
        long busy = during.stream().filter(seen -> !seen.quiet(quietBelow)).count();
        String verdict = busy == 0
                ? "quiet: other work stayed under " + String.format("%.0f%%", quietBelow * 100) + " of the cores in every run."
                : String.format("NOT quiet: in %d of %d cells other work used %.0f%% or more of the cores even after waiting; "
                        + "their ratios read \"not comparable\".", busy, during.size(), quietBelow * 100);
        return String.format("Machine load: other work's share of the %d cores during each run (all CPU time in /proc/stat less "
                        + "the benchmark's own processes: this JVM, its nats-server and the client) median %s, highest %s; "
                        + "1-minute load average median %s, highest %s. Waited %.0f s in all for a quiet machine (at most %d s "
                        + "before a round, %d s in all); %d round(s) run again after other work disturbed them. %s",
                Load.CORES, Load.percent(Measure.median(others)), Load.percent(max(others)), one(Measure.median(loadavg)), one(max(loadavg)),
                Load.waitedSeconds(), Settings.WAIT.toSeconds(), Settings.WAIT_BUDGET.toSeconds(), Bench.reruns, verdict)
                + speed();
    }

    /** The spread of the CPU probe taken before each round: how much the machine's own speed moved. */
    private static String speed() {
        double[] millis = Bench.probes.stream().mapToDouble(Double::doubleValue).toArray();
        if (millis.length == 0) {
            return "";
        }
        double fastest = java.util.Arrays.stream(millis).min().orElse(Double.NaN);
        double slowest = max(millis);
        return String.format(" The machine's own speed: a fixed CPU loop, timed before each of the %d rounds, took %.0f-%.0f ms "
                + "(median %.0f): the slowest %.0f%% over the fastest. On a virtual machine the host can slow its cores "
                + "with nothing in /proc/stat to show; runs that alternate within a round share that, runs of different "
                + "rounds do not.", millis.length, fastest, slowest, Measure.median(millis), (slowest / fastest - 1) * 100);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static String one(double value) {
        return Double.isNaN(value) ? "unknown" : String.format("%.1f", value);
    }

    /** Every run behind these cells had a quiet machine. */
    private boolean quiet(Measure.Summary... cells) {
        return java.util.Arrays.stream(cells).filter(java.util.Objects::nonNull).allMatch(s -> s.load().quiet(quietBelow));
    }

    /** The busiest load the runs behind these cells saw. */
    private static String seen(Measure.Summary... cells) {
        List<Load.Seen> all = java.util.Arrays.stream(cells).filter(java.util.Objects::nonNull).map(Measure.Summary::load).toList();
        return all.isEmpty() ? "—" : Load.busiest(all).text();
    }

    static Measure.Summary get(String client, Clients.Work work) {
        return Bench.results.getOrDefault(client, Map.of()).get(work);
    }

    private static String rates(Measure.Summary s) {
        return s == null ? "—" : String.format("%,.0f / %,.0f", s.selfRate(), s.wallRate());
    }

    /** a ÷ b, self-timed / wall-clock; "not comparable" when other work kept the machine busy during either's runs. */
    private String ratios(Measure.Summary a, Measure.Summary b) {
        if (a == null || b == null) {
            return "—";
        }
        if (!quiet(a, b)) {
            return "not comparable (" + seen(a, b) + ")";
        }
        return String.format("%.2fx / %.2fx", a.selfRate() / b.selfRate(), a.wallRate() / b.wallRate());
    }

    private static String micros(Measure.Summary s, ToDoubleFunction<Measure.Summary> field) {
        return s == null ? "—" : String.format("%.1f", field.applyAsDouble(s));
    }

    private static List<String> flags() {
        try {
            return Clients.scriptFlags(Run.REPO);
        } catch (Exception e) {
            return List.of("?");
        }
    }
}
