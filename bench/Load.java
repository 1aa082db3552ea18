// How busy the machine is with work that is not the benchmark's own, for `make bench`.
//
// The CPU time all processes used (/proc/stat) less what the benchmark's processes used (this
// JVM, its nats-server and its clients, running or finished: a finished child's time is in its
// parent's cutime/cstime), over the time between two samples, as a share of all cores. Only on a
// quiet machine do the clients' ratios show what a client costs: when other work takes the cores,
// every client waits on the server alike and the ratios drift towards 1.
// It reads no setting: the test runner uses it too, and the bench passes its own (bench/Settings.java).

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

final class Load {
    private static final Duration WINDOW = Duration.ofSeconds(1);
    static final int CORES = Runtime.getRuntime().availableProcessors();

    private static long waitedNanos;

    private Load() {
    }

    /** The counters at one moment, in clock ticks. */
    record Counters(long busy, long total, long own) {
    }

    /** What was seen over a stretch of time: others' share of all cores (NaN: unknown), and the 1-minute load average. */
    record Seen(double others, double loadavg) {
        /** Others used less than this share of all cores (or it is unknown). */
        boolean quiet(double below) {
            return Double.isNaN(others) || others < below;
        }

        /** "others 37% of 2 cores, loadavg 3.2" */
        String text() {
            return (Double.isNaN(others) ? "others' CPU unknown" : "others " + percent(others) + " of " + CORES + " cores")
                    + (Double.isNaN(loadavg) ? "" : String.format(", loadavg %.1f", loadavg));
        }

        /** The busier of two. */
        Seen max(Seen other) {
            return new Seen(larger(others, other.others), larger(loadavg, other.loadavg));
        }
    }

    /**
     * A share of the cores as a whole percent, cut down, never rounded up: 9.7% reads 9%, so a run judged quiet
     * (under 10%) never shows the 10% that marks a disturbed one.
     */
    static String percent(double share) {
        return Double.isNaN(share) ? "unknown" : (long) Math.floor(share * 100) + "%";
    }

    static Counters now() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = Long.parseLong(cpu[1]), nice = Long.parseLong(cpu[2]), system = Long.parseLong(cpu[3]);
            long idle = Long.parseLong(cpu[4]), iowait = Long.parseLong(cpu[5]), irq = Long.parseLong(cpu[6]);
            long softirq = Long.parseLong(cpu[7]), steal = cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            long own = ownTicks(ProcessHandle.current().pid());
            for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
                own += ownTicks(child.pid());
            }
            return new Counters(busy, busy + idle + iowait, own);
        } catch (IOException | RuntimeException e) {
            return null; // not Linux: nothing is known about load
        }
    }

    static Seen between(Counters before, Counters after) {
        double loadavg = loadavg();
        if (before == null || after == null || after.total() <= before.total()) {
            return new Seen(Double.NaN, loadavg);
        }
        long others = (after.busy() - before.busy()) - (after.own() - before.own());
        return new Seen(Math.max(0, Math.min(1, others / (double) (after.total() - before.total()))), loadavg);
    }

    /**
     * Before a round of runs: samples the machine over short windows until others use less than
     * `below` of it, at most `wait` (and no more once `budget` is spent in all). Returns the last window's
     * view. Says on stderr when it starts waiting, so that a bench that seems stuck says why.
     */
    static Seen awaitQuiet(double below, Duration wait, Duration budget) throws InterruptedException {
        long start = System.nanoTime();
        long until = start + Math.min(wait.toNanos(), Math.max(0, budget.toNanos() - waitedNanos));
        Seen seen;
        boolean said = false;
        do {
            Counters before = now();
            Thread.sleep(Math.min(WINDOW.toMillis(), Math.max(200, (until - System.nanoTime()) / 1_000_000)));
            seen = between(before, now());
            if (!said && !seen.quiet(below) && System.nanoTime() < until) {
                System.err.printf("bench: waiting at most %.0f s for a quiet machine: %s, quiet is under %.0f%%%n",
                        Math.ceil((until - System.nanoTime()) / 1e9), seen.text(), below * 100);
                said = true;
            }
        } while (!seen.quiet(below) && System.nanoTime() < until);
        waitedNanos += Math.max(0, System.nanoTime() - start - WINDOW.toNanos()); // the first window is no wait
        return seen;
    }

    /** Seconds spent waiting for a quiet machine so far. */
    /**
     * How long a fixed piece of CPU work takes this JVM now, in ms (the last of three, so the JIT has compiled
     * it). On a virtual machine the host can slow its cores with nothing in /proc/stat to show for it: a
     * spread in these times is that, and the rates measured then moved with it.
     */
    static double probeMillis() {
        double millis = Double.NaN;
        for (int run = 0; run < 3; run++) {
            long x = run + 1;
            long start = System.nanoTime();
            for (int i = 0; i < PROBE_STEPS; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                x ^= x >>> 29;
            }
            millis = (System.nanoTime() - start) / 1e6;
            probeSink ^= x; // used, so the loop is not removed
        }
        return millis;
    }

    private static final int PROBE_STEPS = 30_000_000;
    private static volatile long probeSink;

    static double waitedSeconds() {
        return waitedNanos / 1e9;
    }

    /** The busiest of several views; a quiet, unknown one for none. */
    static Seen busiest(List<Seen> all) {
        return all.stream().reduce(Seen::max).orElse(new Seen(Double.NaN, Double.NaN));
    }

    private static long ownTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime, stime, cutime, cstime: fields 14-17 of stat(5)
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static double loadavg() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The larger of two figures, NaN (unknown) only when both are. */
    private static double larger(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }
}
