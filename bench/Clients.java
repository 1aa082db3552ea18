// The programs `make bench` compares, and the command line each one gets for a workload.
//
// Every client is its own process, started the way a user would start it: the lab scripts as
// `java <their //RUNTIME_OPTIONS> -cp <the jar JBang built + deps> JsPub ...`, the jnats programs
// the same way, and the C client as a binary built here from bench/peer.c when gcc and Debian's
// libnats-dev are present.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

final class Clients {
    static final int SIZE = 128;

    private Clients() {
    }

    enum Kind { PUB_SYNC, PUB_ASYNC, PULL }

    /** A workload: what to do, with how many messages, and the window (publish) or batch size (pull). */
    record Work(Kind kind, int count, int param) {
        String label() {
            return switch (kind) {
                case PUB_SYNC -> "publish, wait for each PubAck";
                case PUB_ASYNC -> "publish async, window " + param;
                case PULL -> "pull + ack, batch " + param;
            };
        }

        boolean publishes() {
            return kind != Kind.PULL;
        }
    }

    /** One program under test; its command is null for a workload it does not do. */
    record Client(String name, Function<Work, List<String>> command) {
        List<String> commandFor(Work work) {
            return command.apply(work);
        }
    }

    static final String SCRIPTS = "lab scripts";
    static final String JNATS = "plain jnats, same JVM flags";
    static final String JNATS_DEFAULT = "plain jnats, default JVM flags";
    static final String TUNED = "tuned jnats (bench/Prototype.java)";
    static final String C = "C client (nats.c)";
    static final String C_NATURAL = "C client, the nats.c examples' loop";

    /** The lab scripts' JVM options: the //RUNTIME_OPTIONS line of JsPub, which every script shares. */
    static List<String> scriptFlags(Path repo) throws Exception {
        return runtimeOptions(repo.resolve("scripts/JsPub.java"));
    }

    static Client scripts(Path repo) throws Exception {
        return scripts(repo, SCRIPTS, null);
    }

    /** The scripts of a checkout, named; with `flags` instead of their //RUNTIME_OPTIONS when not null. */
    static Client scripts(Path repo, String name, List<String> flags) throws Exception {
        String pub = built(repo, "scripts/JsPub.java");
        String pull = built(repo, "scripts/JsPull.java");
        List<String> pubFlags = flags != null ? flags : runtimeOptions(repo.resolve("scripts/JsPub.java"));
        List<String> pullFlags = flags != null ? flags : runtimeOptions(repo.resolve("scripts/JsPull.java"));
        return new Client(name, work -> switch (work.kind()) {
            case PUB_SYNC -> java(pubFlags, pub, "JsPub", "--count", work.count(), "--size", SIZE, "--sync");
            case PUB_ASYNC -> java(pubFlags, pub, "JsPub", "--count", work.count(), "--size", SIZE, "--window", work.param());
            case PULL -> java(pullFlags, pull, "JsPull", "--count", work.count(), "--batch", work.param(), "--quiet");
        });
    }

    /** The scripts as `make run` starts them: bin/lab-run (its class archive too). */
    static Client labRun(Path repo) {
        String labRun = repo.resolve("bin/lab-run").toString();
        return new Client("scripts through bin/lab-run", work -> switch (work.kind()) {
            case PUB_SYNC -> command(labRun, "js-pub", "--count", work.count(), "--size", SIZE, "--sync");
            case PUB_ASYNC -> command(labRun, "js-pub", "--count", work.count(), "--size", SIZE, "--window", work.param());
            case PULL -> command(labRun, "js-pull", "--count", work.count(), "--batch", work.param(), "--quiet");
        });
    }

    /** bench/Baseline.java with the given JVM flags (the scripts' own, or none). */
    static Client baseline(Path repo, String name, List<String> flags) throws Exception {
        String classpath = built(repo, "bench/Baseline.java");
        return new Client(name, work -> switch (work.kind()) {
            case PUB_SYNC -> java(flags, classpath, "Baseline", "pub-sync", work.count(), SIZE);
            case PUB_ASYNC -> java(flags, classpath, "Baseline", "pub-async", work.count(), SIZE, work.param());
            case PULL -> java(flags, classpath, "Baseline", "pull", work.count(), work.param());
        });
    }

    /** bench/Prototype.java with the levers PROFILE.md recommends; it has no one-at-a-time mode. */
    static Client tuned(Path repo, List<String> flags) throws Exception {
        String classpath = built(repo, "bench/Prototype.java");
        return new Client(TUNED, work -> switch (work.kind()) {
            case PUB_SYNC -> null;
            case PUB_ASYNC -> java(flags, classpath, "Prototype", "pub", work.count(), SIZE, work.param(), "--inbox");
            case PULL -> java(flags, classpath, "Prototype", "pull", work.count(), work.param(), "--raw");
        });
    }

    /** The C peer, or null with the reason in `why[0]` when it cannot be built here. */
    static Client c(Path repo, Path workDir, String[] why) throws Exception {
        Path header = Path.of("/usr/include/nats/nats.h");
        if (!onPath("gcc") || !Files.exists(header)) {
            why[0] = "no C row: needs gcc and Debian's libnats-dev (`apt-get install -y gcc libnats-dev`), "
                    + (onPath("gcc") ? "libnats-dev is missing" : "gcc is missing");
            return null;
        }
        Path binary = workDir.resolve("peer");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", binary.toString(), repo.resolve("bench/peer.c").toString(), "-lnats")
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) {
            why[0] = "no C row: bench/peer.c did not build: " + output.lines().findFirst().orElse("gcc failed");
            return null;
        }
        return new Client(C, work -> switch (work.kind()) {
            case PUB_SYNC -> command(binary.toString(), "pub-sync", work.count(), SIZE);
            case PUB_ASYNC -> command(binary.toString(), "pub-async", work.count(), SIZE, work.param());
            case PULL -> command(binary.toString(), "pull", work.count(), work.param());
        });
    }

    /**
     * The same C peer as the program a user would write from nats.c's examples: no per-message PubAck
     * handler, and fetch, ack each, fetch again with no flush per batch (one flush at the end).
     */
    static Client cNatural(Client c) {
        return new Client(C_NATURAL, work -> {
            if (work.kind() == Kind.PUB_SYNC) {
                return null;
            }
            List<String> command = new ArrayList<>(c.commandFor(work));
            command.set(1, command.get(1) + "-natural");
            return command;
        });
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The script's classpath, the built jar and its deps, as bin/lab-run finds it: JBang names the jar by
     * a hash of all the sources, so one there with the main class is this build; otherwise JBang builds it.
     */
    static String built(Path repo, String script) throws Exception {
        String jbang = repo.resolve("bin/jbang").toString();
        String classpath = exec(repo, jbang, "--quiet", "info", "classpath", script).strip();
        String main = Path.of(script).getFileName().toString().replaceFirst("\\.java$", ".class");
        if (!hasEntry(Path.of(classpath.split(":")[0]), main)) {
            exec(repo, jbang, "--quiet", "build", script);
        }
        return classpath;
    }

    private static boolean hasEntry(Path jar, String name) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(name) != null;
        } catch (java.io.IOException notThere) {
            return false;
        }
    }

    static List<String> runtimeOptions(Path script) throws Exception {
        return Files.readAllLines(script).stream().filter(line -> line.startsWith("//RUNTIME_OPTIONS "))
                .findFirst().map(line -> Arrays.asList(line.substring("//RUNTIME_OPTIONS ".length()).trim().split("\\s+")))
                .orElse(List.of());
    }

    private static List<String> java(List<String> flags, String classpath, String main, Object... args) {
        List<String> command = new ArrayList<>();
        command.add(Settings.javaBinary());
        command.addAll(flags);
        command.addAll(List.of("-cp", classpath, main));
        Arrays.stream(args).map(String::valueOf).forEach(command::add);
        return command;
    }

    private static List<String> command(String program, Object... args) {
        List<String> command = new ArrayList<>(List.of(program));
        Arrays.stream(args).map(String::valueOf).forEach(command::add);
        return command;
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    private static String exec(Path dir, String... command) throws Exception {
        Path errors = Files.createTempFile(Stopped.folder(), "err-", ".txt");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(errors.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out + Files.readString(errors));
            }
            return out;
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
