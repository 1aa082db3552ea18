///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8 -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DEPS io.nats:jnats:2.26.2
//DEPS org.knowm.xchart:xchart:3.8.8
//SOURCES Measure.java
//SOURCES Load.java
//SOURCES Settings.java
//SOURCES Stopped.java
//SOURCES Clients.java
//SOURCES Charts.java
//SOURCES Report.java
//SOURCES ../tests/support/NatsServer.java
//SOURCES ../tests/support/Run.java
//SOURCES ../tests/support/Sandbox.java
//SOURCES ../tests/support/InProcess.java
// Run.java can run a script inside this JVM (InProcess): that brings the scripts' shared runner and its //DEPS.
//SOURCES ../scripts/lab/CommandRunner.java
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DESCRIPTION make bench: the lab's scripts against plain jnats (same JVM flags) and the C client on one fresh nats-server; how cost grows; start-up and memory.
//
// Every figure is measured on a nats-server this starts (free port, temp file store). Each client
// is a separate process started as a user would start it (see Clients.java); the runs of one
// workload alternate between the clients. Before each round of runs it waits (bounded) for the
// machine to be quiet, and measures how busy other work kept it during each run (Load.java): a
// round that other work disturbed is run again once the machine is quiet, and a ratio from runs
// that stayed disturbed is printed as "not comparable", never as a headline.
// QUICK=1, BENCH_ONLY, BENCH_OUT and the other settings: bench/Settings.java, their one table. With
// BENCH_ONLY=headline: the headline workloads only (publish window 1000, pull batch 500, at 100k and at the
// scale's largest count). BENCH_ALSO_QUIET_BELOW: the same runs' report judged by another quiet threshold,
// so that one run shows both the quiet and the busy report.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Bench {
    static final boolean QUICK = Settings.QUICK;
    static final int COUNT = QUICK ? 10_000 : 100_000;
    static final int SYNC_COUNT = QUICK ? 1_000 : 20_000;
    static final List<Integer> SCALE = QUICK ? List.of(2_000, 10_000, 50_000) : List.of(10_000, 100_000, 1_000_000);
    static final List<Integer> WINDOWS = List.of(100, 1000, 4000);
    static final List<Integer> BATCHES = List.of(100, 500, 1000);
    static final int REPEAT = QUICK ? 1 : 3;
    static final int STARTUP_RUNS = QUICK ? 3 : 10;
    static final String SUFFIX = Settings.SUFFIX;
    static final boolean HEADLINE_ONLY = "headline".equals(Settings.ONLY);
    static final boolean STARTUP_ONLY = "startup".equals(Settings.ONLY);
    static final boolean CPU_ONLY = "cpu".equals(Settings.ONLY);
    static final Path OUT = Settings.OUT;
    /** The count of the headline's second row: the scale's largest. */
    static final int LARGE = SCALE.get(SCALE.size() - 1);

    static NatsServer server;
    static long serverPid;
    static int filled = -1; // how many messages the stream holds for the pull runs
    static final Map<String, Map<Clients.Work, Measure.Summary>> results = new LinkedHashMap<>();
    static final List<String> notes = new ArrayList<>();
    /** What each wait for a quiet machine saw last, before the round it let go. */
    static final List<Load.Seen> gates = new ArrayList<>();
    /** Before each round: how long a fixed CPU loop took (Load.probeMillis), the machine's own speed then. */
    static final List<Double> probes = new ArrayList<>();
    /** Rounds run again because other work disturbed them. */
    static int reruns;
    static final List<String> startupRows = new ArrayList<>();

    public static void main(String... args) {
        java.util.Locale.setDefault(java.util.Locale.ROOT); // the report's figures read alike in every locale (100,000 and 0.86x)
        Stopped.run("the bench", Bench::measureAll);
    }

    private static void measureAll() throws Exception {
        long began = System.nanoTime();
        Path work = Stopped.folder();
        server = NatsServer.startWithJetStream();
        Stopped.onEnd(() -> { // also on Ctrl-C: no server or client left behind
            Measure.stopRunning();
            try {
                server.close();
            } catch (Exception e) {
                // it is going anyway
            }
        });
        try {
            serverPid = findServerPid();
            // A fresh server's first runs are slower (its store's files, its own warm-up): whoever ran first paid for it.
            server.resetToLabStream();
            fill(COUNT);
            filled = COUNT;
            List<String> flags = Clients.scriptFlags(Run.REPO);
            Clients.Client scripts = Clients.scripts(Run.REPO);
            Clients.Client jnats = HEADLINE_ONLY ? null : Clients.baseline(Run.REPO, Clients.JNATS, flags);
            Clients.Client jnatsDefault = HEADLINE_ONLY ? null : Clients.baseline(Run.REPO, Clients.JNATS_DEFAULT, List.of());
            Clients.Client tuned = HEADLINE_ONLY ? null : Clients.tuned(Run.REPO, flags);
            String[] why = {null};
            Clients.Client c = Clients.c(Run.REPO, work, why);
            if (c == null) {
                notes.add(why[0]);
                System.err.println("bench: " + why[0]);
            }
            Clients.Client natural = c == null ? null : Clients.cNatural(c);
            List<Clients.Client> peers = list(scripts, jnats, tuned, c);
            if (CPU_ONLY) { // printed only: results.md keeps the last full run
                cpu(scripts, c, natural);
                return;
            }
            if (STARTUP_ONLY) { // printed only: results.md keeps the last full run
                startup();
                startupRows.forEach(System.out::println);
                return;
            }
            // the headline first: the scripts against both C programs, at 100k and at the scale's largest count
            // (with the others that run these workloads anyway, so that every client of a workload alternates)
            measure(List.of(pub(COUNT, 1000), pull(COUNT, 500)),
                    HEADLINE_ONLY ? list(scripts, c, natural) : list(scripts, c, natural, jnats, jnatsDefault, tuned));
            measure(List.of(pub(LARGE, 1000), pull(LARGE, 500)), HEADLINE_ONLY ? list(scripts, c, natural) : list(scripts, c, natural, jnats));
            if (!HEADLINE_ONLY) {
                measure(List.of(new Clients.Work(Clients.Kind.PUB_SYNC, SYNC_COUNT, 1)), list(scripts, jnats, jnatsDefault, c));
                for (int window : WINDOWS) {
                    measure(List.of(pub(COUNT, window)), window == 1000 ? plus(peers, jnatsDefault) : peers);
                }
                for (int batch : BATCHES) {
                    measure(List.of(pull(COUNT, batch)), batch == 500 || batch == 100 ? plus(peers, jnatsDefault) : peers);
                }
                for (int count : SCALE) {
                    measure(List.of(pub(count, 1000), pull(count, 500)), list(scripts, jnats, c));
                }
                startup();
            }
        } finally {
            server.close(); // the temp folder goes when the JVM ends (Stopped)
        }
        if (!HEADLINE_ONLY) {
            Charts.draw(OUT, SUFFIX, results, WINDOWS, BATCHES, SCALE, COUNT);
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        String report = Report.render(seconds);
        System.out.print(report);
        Path file = OUT.resolve("results" + SUFFIX + ".md");
        Files.writeString(file, report);
        if (!Double.isNaN(Settings.ALSO_QUIET_BELOW)) {
            Files.writeString(OUT.resolve("results" + SUFFIX + "-also.md"), Report.render(seconds, Settings.ALSO_QUIET_BELOW));
        }
        System.out.println("\nwritten to " + (file.startsWith(Run.REPO) ? Run.REPO.relativize(file) : file));
    }

    static Clients.Work pub(int count, int window) {
        return new Clients.Work(Clients.Kind.PUB_ASYNC, count, window);
    }

    static Clients.Work pull(int count, int batch) {
        return new Clients.Work(Clients.Kind.PULL, count, batch);
    }

    // -------------------------------------------------------------- throughput

    /**
     * REPEAT rounds; in each, every client runs every workload once, so the clients share the noise.
     * Each round waits for a quiet machine first; a round that other work disturbed anyway is run
     * again once, if the machine is quiet by then. Its runs are kept either way, with what they saw.
     */
    static void measure(List<Clients.Work> works, List<Clients.Client> clients) throws Exception {
        for (Clients.Work work : works) {
            Map<String, List<Measure.Sample>> samples = new LinkedHashMap<>();
            for (int round = 0; round < REPEAT; round++) {
                gates.add(Settings.awaitQuiet());
                probes.add(Load.probeMillis());
                Map<String, Measure.Sample> got = round(work, clients, round);
                if (got.values().stream().anyMatch(s -> Settings.busy(s.load()))) {
                    Load.Seen again = Settings.awaitQuiet();
                    gates.add(again);
                    if (!Settings.busy(again)) {
                        System.err.println("bench: other work disturbed that round; the machine is quiet again, so it runs again");
                        reruns++;
                        got = round(work, clients, round);
                    }
                }
                got.forEach((name, sample) -> samples.computeIfAbsent(name, k -> new ArrayList<>()).add(sample));
            }
            samples.forEach((name, list) -> {
                Measure.Summary summary = Measure.Summary.of(work.count(), list);
                results.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(work, summary);
                System.err.printf("bench: %-34s %-36s %,9d msgs: %,9.0f msgs/s self-timed, %,9.0f wall-clock, %5.1f MiB (%s; "
                                + "runs %s)%n", work.label(), name, work.count(), summary.selfRate(), summary.wallRate(),
                        summary.peakRssMib(), summary.load().text(), String.join(", ", list.stream()
                                .map(sample -> String.format("%,.0f", sample.selfRate())).toList()));
            });
        }
    }

    /**
     * Each client runs the workload once, in turn; round r starts with the r-th client, so that no client
     * always runs first (after another workload's runs) or always last.
     */
    static Map<String, Measure.Sample> round(Clients.Work work, List<Clients.Client> clients, int round) throws Exception {
        Map<String, Measure.Sample> got = new LinkedHashMap<>();
        for (int k = 0; k < clients.size(); k++) {
            Clients.Client client = clients.get((round + k) % clients.size());
            List<String> command = client.commandFor(work);
            if (command == null || results.getOrDefault(client.name(), Map.of()).containsKey(work)) {
                continue;
            }
            prepare(work);
            Measure.Sample sample = Measure.run(command, Map.of("NATS_URL", server.url(),
                    "JETSTREAM_LAB_HOME", Run.REPO.toString()), Run.REPO, // as bin/lab-run runs the scripts
                    work.count(), serverPid);
            checkServerSide(work, command);
            got.put(client.name(), sample);
        }
        return got;
    }

    /** A publish starts on an empty stream; a pull on a stream of exactly its count, from a fresh consumer. */
    static void prepare(Clients.Work work) throws Exception {
        if (work.publishes()) {
            server.resetToLabStream();
            filled = -1;
            return;
        }
        if (filled != work.count()) {
            server.resetToLabStream();
            fill(work.count());
            filled = work.count();
        }
        rewindConsumer();
    }

    /** Fills the stream through jnats straight from here: quicker than a process, and no client's figure. */
    static void fill(int count) throws Exception {
        try (Connection nc = server.connect()) {
            var js = nc.jetStream();
            byte[] body = new byte[Clients.SIZE];
            var inFlight = new java.util.ArrayDeque<java.util.concurrent.CompletableFuture<?>>();
            for (int i = 0; i < count; i++) {
                if (inFlight.size() >= 4000) {
                    inFlight.removeFirst().get();
                }
                inFlight.addLast(js.publishAsync("lab4.stream", body));
            }
            for (var future : inFlight) {
                future.get();
            }
        }
    }

    /** The lab consumer again from the stream's first message, with the configuration it had. */
    static void rewindConsumer() throws Exception {
        ConsumerConfiguration config = server.labConsumer().getConsumerConfiguration();
        try (Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.deleteConsumer("LAB4_STREAM", config.getDurable());
            jsm.addOrUpdateConsumer("LAB4_STREAM", config);
        }
    }

    /** The server's own view must agree with the client's count: every message stored, or every ack taken. */
    static void checkServerSide(Clients.Work work, List<String> command) throws Exception {
        if (work.publishes()) {
            try (Connection nc = server.connect()) {
                long stored = nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount();
                if (stored != work.count()) {
                    throw new IllegalStateException("the stream holds " + stored + " messages after " + command);
                }
            }
            return;
        }
        // every stored message acked: the ack floor at the stream's last message, nothing pending (its consumer
        // sequence may be past the count: a message delivered twice, at least once as promised, counts twice there)
        ConsumerInfo consumer = server.labConsumer();
        long last;
        try (Connection nc = server.connect()) {
            last = nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getLastSequence();
        }
        long ackFloor = consumer.getAckFloor().getStreamSequence();
        if (ackFloor != last || consumer.getNumAckPending() != 0 || consumer.getNumPending() != 0) {
            throw new IllegalStateException("the consumer's ack floor is at stream seq " + ackFloor + " of " + last + ", with "
                    + consumer.getNumAckPending() + " acks and " + consumer.getNumPending() + " messages pending after " + command);
        }
    }

    /** The server's pid, for its CPU time; 0 (no server CPU figures) if it cannot be found. */
    static long findServerPid() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").endsWith("nats-server"))
                .filter(p -> String.join(" ", p.info().arguments().orElse(new String[0])).contains(server.storeDir.toString()))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(0);
    }

    @SafeVarargs
    static <T> List<T> list(T... items) {
        return java.util.Arrays.stream(items).filter(Objects::nonNull).toList();
    }

    static <T> List<T> plus(List<T> items, T more) {
        List<T> all = new ArrayList<>(items);
        all.add(1, more);
        return all;
    }

    // ------------------------------------------------------------- CPU per message

    /**
     * BENCH_ONLY=cpu: the CPU seconds each client, and the server for it, spends per 100k messages on the
     * headline workloads: far steadier than msgs/s when other work shares the cores, so it needs no quiet
     * machine. BENCH_ROUNDS alternating rounds (default 3), medians. Variants of the scripts run beside
     * them: BENCH_FLAGS_VARIANTS (JVM flag sets, `|` between them) and BENCH_REPO_VARIANTS (other checkouts
     * of this repository, `|` between them), so that a lever is measured against today in the same rounds.
     */
    static void cpu(Clients.Client scripts, Clients.Client c, Clients.Client natural) throws Exception {
        List<Clients.Client> clients = new ArrayList<>(list(scripts, c, natural));
        if (Settings.LAB_RUN) {
            clients.add(Clients.labRun(Run.REPO));
        }
        for (String flags : Settings.FLAGS_VARIANTS) {
            clients.add(Clients.scripts(Run.REPO, "scripts, flags " + flags.trim(), List.of(flags.trim().split("\\s+"))));
        }
        for (String repo : Settings.REPO_VARIANTS) {
            clients.add(Clients.scripts(Path.of(repo.trim()), "scripts of " + repo.trim(), null));
        }
        int rounds = Settings.ROUNDS;
        // each workload twice: with 2 messages (the start-up, connect and close) and with COUNT
        int count = Settings.CPU_COUNT;
        List<Clients.Work> works = List.of(pub(2, 1000), pub(count, 1000), pull(2, 500), pull(count, 500));
        Map<String, Map<Clients.Work, List<Measure.Sample>>> all = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Clients.Work work : works) {
                if (round > 0 && work.count() < count) {
                    continue; // start-up moves little: once is enough
                }
                for (Clients.Client client : clients) {
                    prepare(work);
                    List<String> command = client.commandFor(work);
                    Measure.Sample s = Measure.run(command, Map.of("NATS_URL", server.url(),
                            "JETSTREAM_LAB_HOME", Run.REPO.toString()), Run.REPO, work.count(), serverPid);
                    checkServerSide(work, command);
                    all.computeIfAbsent(client.name(), k -> new LinkedHashMap<>()).computeIfAbsent(work, k -> new ArrayList<>()).add(s);
                    System.err.printf("bench: round %d %-30s %,7d %-40s client %6.3f s, server %6.3f s; %,8.0f msgs/s (%s)%n",
                            round + 1, work.label(), work.count(), client.name(), s.clientCpuSeconds(), s.serverCpuSeconds(),
                            s.selfRate(), s.load().text());
                }
            }
        }
        System.out.printf("%nCPU seconds per %,d messages of %d B, median of %d alternating rounds; start-up: a run of 2 "
                + "messages (JVM start, connect, close), once%n%n", count, Clients.SIZE, rounds);
        System.out.println("| workload | client | client CPU s | its start-up | client less start-up | server CPU s "
                + "| msgs/s self-timed | load (busiest) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int w = 1; w < works.size(); w += 2) {
            Clients.Work small = works.get(w - 1);
            Clients.Work work = works.get(w);
            all.forEach((name, byWork) -> {
                List<Measure.Sample> samples = byWork.get(work);
                double client = Measure.median(samples.stream().mapToDouble(Measure.Sample::clientCpuSeconds).toArray());
                double startup = Measure.median(byWork.get(small).stream().mapToDouble(Measure.Sample::clientCpuSeconds).toArray());
                double server = Measure.median(samples.stream().mapToDouble(Measure.Sample::serverCpuSeconds).toArray());
                System.out.printf("| %s | %s | %.2f | %.2f | %.2f | %.2f | %,.0f | %s |%n", work.label(), name, client, startup,
                        client - startup, server, Measure.median(samples.stream().mapToDouble(Measure.Sample::selfRate).toArray()),
                        Load.busiest(samples.stream().map(Measure.Sample::load).toList()).text());
            });
        }
    }

    // ----------------------------------------------------------------- startup

    static void startup() throws Exception {
        server.resetToLabStream();
        String jbang = Run.REPO.resolve("bin/jbang").toString();
        String labRun = Run.REPO.resolve("bin/lab-run").toString();
        String classpath = Clients.built(Run.REPO, "scripts/JsPub.java");
        Run.command("make", "-s", "run", "BIN=js-pub", "MSG=warm-up").server(server).go(); // builds bin/lab-run's cache

        gates.add(Settings.awaitQuiet());
        double[] bare = timed(List.of(Settings.javaBinary(), "-cp", classpath, "JsPub", "hi"), Map.of());
        double[] makeRun = timed(List.of("make", "-s", "run", "BIN=js-pub", "MSG=hi"), Map.of());
        double[] viaLabRun = timed(List.of(labRun, "js-pub", "hi"), Map.of());
        double[] viaJbang = timed(List.of(jbang, "js-pub", "hi"), Map.of());
        startupRows.add("| start-up: one-message `js-pub`, warm, median of " + STARTUP_RUNS
                + " | wall time | vs bare `java -cp` on Java " + Runtime.version().feature() + " | CPU (user + system) |");
        startupRows.add("|---|---|---|---|");
        startupRows.add(startupRow("bare `java -cp <built jar + deps> JsPub hi` (no JVM flags)", bare, bare));
        startupRows.add(startupRow("`make run BIN=js-pub MSG=hi` (bin/lab-run: C1, SerialGC, AppCDS)", makeRun, bare));
        startupRows.add(startupRow("**`bin/lab-run js-pub hi`** (the same, without make)", viaLabRun, bare));
        startupRows.add(startupRow("`bin/jbang js-pub hi` (JBang's own JVM, then the script)", viaJbang, bare));
        Path aot = aotJdk();
        if (aot != null) {
            // its own JBang cache and lab-run state: classes built by a newer javac stay away from Java 17's
            Path state = Files.createTempDirectory(Stopped.folder(), "aot-");
            try {
                Map<String, String> env = Map.of("JAVA_HOME", aot.toString(), "JBANG_CACHE_DIR", state.resolve("jbang").toString(),
                        "LAB_STATE_DIR", state.toString());
                Run warmUp = Run.command(labRun, "js-pub", "warm-up").server(server); // builds, records, creates the AOT cache
                env.forEach(warmUp::env);
                warmUp.timeout(600).go();
                String built;
                try (var files = Files.list(state.resolve("run"))) {
                    built = Files.readString(files.filter(f -> f.toString().endsWith(".classpath")).findFirst().orElseThrow()).strip();
                }
                double[] bareAot = timed(List.of(aot.resolve("bin/java").toString(), "-cp", built, "JsPub", "hi"), Map.of());
                double[] labRunAot = timed(List.of(labRun, "js-pub", "hi"), env);
                String release = "Java " + feature(aot);
                startupRows.add(startupRow("bare `java -cp ... JsPub hi` on " + release + " (`" + aot + "`)", bareAot, bare));
                startupRows.add(startupRow("**`bin/lab-run js-pub hi` with JAVA_HOME on " + release + "** (its AOT cache"
                        + (Settings.busy(Load.busiest(startupLoads)) ? "" : String.format(": %.2fx its bare `java -cp`", labRunAot[0] / bareAot[0]))
                        + String.format("; CPU %.2fx)", labRunAot[1] / bareAot[1]), labRunAot, bare));
            } finally {
                Run.deleteTree(state);
            }
        }
        startupRows.add("");
        startupRows.add("| peak RSS of a one-message `js-pub` | max resident set |");
        startupRows.add("|---|---|");
        startupRows.add(String.format("| `bin/lab-run js-pub hi` (what `make run` starts) | **%s** |", peakRss(List.of(labRun, "js-pub", "hi"))));
        startupRows.add(String.format("| bare `java -cp ... JsPub hi` (default heap and GC) | %s |",
                peakRss(List.of(Settings.javaBinary(), "-cp", classpath, "JsPub", "hi"))));
        startupRows.add("");
        startupRows.add("Load while these ran: " + Load.busiest(startupLoads).text() + ".");
    }

    static final List<Load.Seen> startupLoads = new ArrayList<>();

    /** A start-up row; its ratio reads "not comparable" when other work kept the machine busy while these ran. */
    private static String startupRow(String what, double[] measured, double[] bare) {
        Load.Seen seen = Load.busiest(startupLoads);
        return String.format("| %s | %.3f s | %s | %s |", what, measured[0],
                Settings.busy(seen) ? "not comparable (" + seen.text() + ")" : String.format("%.2fx", measured[0] / bare[0]),
                Double.isNaN(measured[1]) ? "—" : String.format("%.2f s", measured[1]));
    }

    /** A JDK 24 or later for the AOT cache rows: BENCH_AOT_JAVA_HOME, else the newest under /usr/lib/jvm; null for none. */
    static Path aotJdk() throws Exception {
        Path given = Settings.AOT_JAVA_HOME;
        if (given != null) {
            return feature(given) >= 24 ? given : null;
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (var homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && feature(home) >= 24)
                    .max(java.util.Comparator.comparingInt(Bench::feature)).orElse(null);
        }
    }

    /** The feature release a JDK's release file names; 0 when unknown. */
    static int feature(Path home) {
        try {
            Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            return version.find() ? Integer.parseInt(version.group(1)) : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** Median wall time and median CPU time (user + system, GNU time; NaN without it) of STARTUP_RUNS warm runs. */
    static double[] timed(List<String> command, Map<String, String> env) throws Exception {
        boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
        List<String> full = new ArrayList<>(gnuTime ? List.of("/usr/bin/time", "-f", "CPU %U %S") : List.of());
        full.addAll(command);
        double[] seconds = new double[STARTUP_RUNS];
        double[] cpu = new double[STARTUP_RUNS];
        Run warm = Run.command(full.toArray(String[]::new)).server(server);
        env.forEach(warm::env);
        warm.go();
        for (int i = 0; i < STARTUP_RUNS; i++) {
            Run run = Run.command(full.toArray(String[]::new)).server(server);
            env.forEach(run::env);
            Load.Counters before = Load.now();
            long start = System.nanoTime();
            Run.Result result = run.go();
            seconds[i] = (System.nanoTime() - start) / 1e9;
            startupLoads.add(Load.between(before, Load.now()));
            if (result.exit() != 0) {
                throw new IllegalStateException("failed: " + command + "\n" + result);
            }
            Matcher used = Pattern.compile("CPU ([\\d.]+) ([\\d.]+)").matcher(result.err());
            cpu[i] = used.find() ? Double.parseDouble(used.group(1)) + Double.parseDouble(used.group(2)) : Double.NaN;
        }
        return new double[]{Measure.median(seconds), Measure.median(cpu)};
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

    static String today() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE);
    }
}
