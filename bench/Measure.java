// One timed run of one client process for `make bench`, and the medians of several.
//
// Each run gives two rates: self-timed (what the program prints: its own clock around the
// publish or pull loop, after connecting) and wall-clock (the message count over the time
// from starting the process to its exit: JVM start, connect and close included). It also
// keeps the process's peak RSS and its CPU time, and the server's CPU time over the run,
// which move far less than rates do when other work shares the machine's two cores.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Measure {
    private static final Pattern RATE = Pattern.compile("([\\d,]+) msgs/s");
    private static final Pattern COUNT = Pattern.compile("(\\d[\\d,]*) messages");
    private static final Path GNU_TIME = Path.of("/usr/bin/time");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux, the unit of /proc/<pid>/stat times

    private static volatile Process running; // stopped by stopRunning() when the benchmark is interrupted

    private Measure() {
    }

    /** For a shutdown hook: Ctrl-C or a kill of `make bench` leaves no client process behind. */
    static void stopRunning() {
        Process process = running;
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    /** What one run showed. Rates in msgs/s, times in seconds, RSS in MiB; and how busy other work kept the machine meanwhile. */
    record Sample(double selfRate, double wallSeconds, double peakRssMib, double clientCpuSeconds, double serverCpuSeconds,
                  Load.Seen load) {
    }

    /** The medians over several runs of one client on one workload (peak RSS and load: the highest seen). */
    record Summary(int count, double selfRate, double wallRate, double wallSeconds, double peakRssMib,
                   double clientCpuMicrosPerMsg, double serverCpuMicrosPerMsg, Load.Seen load) {
        static Summary of(int count, List<Sample> samples) {
            double wall = median(samples.stream().mapToDouble(Sample::wallSeconds).toArray());
            return new Summary(count,
                    median(samples.stream().mapToDouble(Sample::selfRate).toArray()),
                    count / wall, wall,
                    samples.stream().mapToDouble(Sample::peakRssMib).max().orElse(Double.NaN),
                    median(samples.stream().mapToDouble(s -> s.clientCpuSeconds() * 1e6 / count).toArray()),
                    median(samples.stream().mapToDouble(s -> s.serverCpuSeconds() * 1e6 / count).toArray()),
                    Load.busiest(samples.stream().map(Sample::load).toList()));
        }
    }

    static String rssMethod() {
        return Files.isExecutable(GNU_TIME) ? "GNU time's maximum resident set size"
                : "VmHWM from /proc/<pid>/status, polled every 20 ms (no /usr/bin/time here)";
    }

    /**
     * Runs the command to its end and measures it. A non-zero exit, a missing rate, or a count
     * other than the one asked for fails the whole benchmark: a short run's rate is no figure.
     */
    static Sample run(List<String> command, Map<String, String> env, Path dir, int count, long serverPid) throws Exception {
        Path out = Files.createTempFile(Stopped.folder(), "out-", ".txt");
        Path usage = Files.createTempFile(Stopped.folder(), "time-", ".txt");
        List<String> full = new ArrayList<>();
        boolean gnuTime = Files.isExecutable(GNU_TIME);
        if (gnuTime) {
            full.addAll(List.of(GNU_TIME.toString(), "-o", usage.toString(), "-f", "%M %U %S"));
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))); // nothing to read: no run waits on a pipe
        List.of("NATS_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL").forEach(builder.environment()::remove);
        builder.environment().putAll(env);
        try {
            long serverBefore = cpuTicks(serverPid);
            Load.Counters loadBefore = Load.now();
            long start = System.nanoTime();
            Process process = builder.start();
            running = process;
            long[] polled = {0, 0}; // VmHWM kB and CPU ticks, when GNU time is not there
            while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out after 10 minutes: " + command);
                }
                if (!gnuTime) {
                    polled = poll(process.pid(), polled);
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            Load.Seen load = Load.between(loadBefore, Load.now());
            running = null;
            double serverCpu = (cpuTicks(serverPid) - serverBefore) / (double) TICKS_PER_SECOND;
            String output = Files.readString(out);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit " + process.exitValue() + ": " + command + "\n" + output);
            }
            checkCount(output, count, command);
            double rss = polled[0] / 1024.0;
            double cpu = polled[1] / (double) TICKS_PER_SECOND;
            if (gnuTime) {
                String[] fields = Files.readString(usage).strip().split("\\s+");
                String[] last3 = Arrays.copyOfRange(fields, fields.length - 3, fields.length);
                rss = Long.parseLong(last3[0]) / 1024.0;
                cpu = Double.parseDouble(last3[1]) + Double.parseDouble(last3[2]);
            }
            return new Sample(rate(output, command), wall, rss, cpu, serverCpu, load);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(usage);
        }
    }

    /** The program's own count must be the one asked for (the server's view is checked by the caller). */
    private static void checkCount(String output, int count, List<String> command) {
        Matcher matcher = COUNT.matcher(output);
        if (!matcher.find() || Long.parseLong(matcher.group(1).replace(",", "")) != count) {
            throw new IllegalStateException("expected " + count + " messages, the run says otherwise: " + command
                    + "\n" + output);
        }
    }

    private static double rate(String output, List<String> command) {
        Matcher matcher = RATE.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("no msgs/s in the output of " + command + ":\n" + output);
        }
        return Double.parseDouble(matcher.group(1).replace(",", ""));
    }

    /** utime + stime of a process, in clock ticks; 0 when it is gone or unknown. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of stat(5)
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long[] poll(long pid, long[] last) {
        try {
            long hwm = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("VmHWM:")).map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst().orElse(last[0]);
            long ticks = cpuTicks(pid);
            return new long[]{Math.max(hwm, last[0]), Math.max(ticks, last[1])};
        } catch (IOException | RuntimeException e) {
            return last; // it exited between the wait and the read
        }
    }

    /** The true median: the middle value, or the mean of the two middle values of an even count. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
