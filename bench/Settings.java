// make bench's settings: every environment variable Bench.java and ClusterBench.java read, what each
// accepts and its default, in one table. They are read and checked once, when the bench starts and
// before it builds or measures anything: a bad value is one line naming the variable and exit 2, and
// BENCH_OUT is created then, so a path that cannot hold the results does not cost a whole run.
//SOURCES ../scripts/lab/Output.java

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

final class Settings {
    private static final Map<String, Object> VALUES = Table.readOrExit();

    static final boolean QUICK = (Boolean) VALUES.getOrDefault("QUICK", false);
    /** In the file names of a QUICK run's results and charts: results-quick.md beside the full run's results.md. */
    static final String SUFFIX = QUICK ? "-quick" : "";
    /** null: everything. */
    static final String ONLY = (String) VALUES.get("BENCH_ONLY");
    static final Path OUT = (Path) VALUES.get("BENCH_OUT");
    /** Others' share of all cores at or above which a run does not count as measured on a quiet machine. */
    static final double QUIET_BELOW = (Double) VALUES.getOrDefault("BENCH_QUIET_BELOW", 0.10);
    /** Unless NaN (unset): another threshold to judge the same runs by, in a second report (see Bench). */
    static final double ALSO_QUIET_BELOW = (Double) VALUES.getOrDefault("BENCH_ALSO_QUIET_BELOW", Double.NaN);
    /** The longest wait for a quiet machine before one round of runs. */
    static final Duration WAIT = (Duration) VALUES.getOrDefault("BENCH_WAIT_S", Duration.ofSeconds(60));
    /** All waits of one part of the bench together. */
    static final Duration WAIT_BUDGET = (Duration) VALUES.getOrDefault("BENCH_WAIT_BUDGET_S", Duration.ofSeconds(300));
    static final int ROUNDS = (Integer) VALUES.getOrDefault("BENCH_ROUNDS", 3);
    static final int CPU_COUNT = (Integer) VALUES.getOrDefault("BENCH_CPU_COUNT", QUICK ? 10_000 : 100_000);
    static final boolean LAB_RUN = (Boolean) VALUES.getOrDefault("BENCH_LAB_RUN", false);
    @SuppressWarnings("unchecked")
    static final List<String> FLAGS_VARIANTS = (List<String>) VALUES.getOrDefault("BENCH_FLAGS_VARIANTS", List.of());
    @SuppressWarnings("unchecked")
    static final List<String> REPO_VARIANTS = (List<String>) VALUES.getOrDefault("BENCH_REPO_VARIANTS", List.of());
    /** null: look under /usr/lib/jvm. */
    static final Path AOT_JAVA_HOME = (Path) VALUES.get("BENCH_AOT_JAVA_HOME");

    private Settings() {
    }

    /** Waits for a quiet machine by these settings (Load.awaitQuiet). */
    static Load.Seen awaitQuiet() throws InterruptedException {
        return Load.awaitQuiet(QUIET_BELOW, WAIT, WAIT_BUDGET);
    }

    /** The java every client and flag set runs with: the one running the bench. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Other work disturbed what was seen, by BENCH_QUIET_BELOW: its ratios read "not comparable". */
    static boolean busy(Load.Seen seen) {
        return !seen.quiet(QUIET_BELOW);
    }

    /**
     * The table and its checks, apart from the values: using them reads no environment and ends no JVM, so
     * BenchTest checks every row in its own JVM, and a bench run reads them once as it starts.
     */
    static final class Table {
        /** One variable: its name, what it accepts (said again when a value is refused), its default, and how it is read. */
        private record Setting(String name, String accepts, String fallback, Function<String, Object> read) {
        }

        /** The longest wait the bench accepts: a day, far inside what a Duration in nanoseconds holds. */
        private static final long LONGEST_WAIT_S = 86_400;

        private static final List<Setting> TABLE = List.of(
                new Setting("QUICK", "1 (a short smoke run with small counts: results-quick.md) or 0", "0",
                        v -> choice(v, "0", "1").equals("1")),
                // The cluster part is neither headline, start-up nor CPU: with any BENCH_ONLY it does not run.
                new Setting("BENCH_ONLY", "headline (the headline workloads only), startup (start-up only, printed) or cpu "
                        + "(CPU seconds per message, printed); with any of them the cluster part (ClusterBench) does not run",
                        "everything", v -> choice(v, "headline", "startup", "cpu")),
                new Setting("BENCH_OUT", "a directory the bench can write (created if missing) for results.md and the charts",
                        "bench/", Table::directory),
                new Setting("BENCH_QUIET_BELOW", "a percent of all cores, 0 to 1000: at or above it other work disturbed a run",
                        "10", v -> number(v, 0, 1000) / 100),
                new Setting("BENCH_ALSO_QUIET_BELOW", "a percent of all cores, 0 to 1000: also writes results-also.md, the same "
                        + "runs judged by it (not printed)", "none", v -> number(v, 0, 1000) / 100),
                new Setting("BENCH_WAIT_S", "whole seconds, 0 to " + LONGEST_WAIT_S + ": the longest wait for a quiet machine "
                        + "before one round", "60", v -> Duration.ofSeconds(whole(v, 0, LONGEST_WAIT_S))),
                new Setting("BENCH_WAIT_BUDGET_S", "whole seconds, 0 to " + LONGEST_WAIT_S + ": all waits of one part "
                        + "together; once spent, runs go on and are marked", "300", v -> Duration.ofSeconds(whole(v, 0, LONGEST_WAIT_S))),
                new Setting("BENCH_ROUNDS", "a whole number, 1 to 100: alternating rounds of BENCH_ONLY=cpu", "3",
                        v -> (int) whole(v, 1, 100)),
                new Setting("BENCH_CPU_COUNT", "a whole number, 3 to 10000000: messages per run of BENCH_ONLY=cpu",
                        "100000 (10000 with QUICK=1)", v -> (int) whole(v, 3, 10_000_000)),
                new Setting("BENCH_LAB_RUN", "1 (BENCH_ONLY=cpu also measures bin/lab-run) or 0", "0",
                        v -> choice(v, "0", "1").equals("1")),
                new Setting("BENCH_FLAGS_VARIANTS", "JVM flag sets, `|` between them, each one the bench's java takes: "
                        + "measured beside the scripts by BENCH_ONLY=cpu", "none", Table::flagSets),
                new Setting("BENCH_REPO_VARIANTS", "other checkouts of this repository (directories), `|` between them: "
                        + "measured beside the scripts by BENCH_ONLY=cpu", "none", v -> {
                            for (String repo : variants(v)) {
                                if (!Files.isDirectory(Path.of(repo).resolve("scripts"))) {
                                    throw new IllegalArgumentException(Output.printable(repo) + " is not a checkout of this repository");
                                }
                            }
                            return variants(v);
                        }),
                new Setting("BENCH_AOT_JAVA_HOME", "a JDK directory (its bin/java), Java 24 or later for the AOT cache rows",
                        "the newest under /usr/lib/jvm", v -> {
                            if (!Files.isExecutable(Path.of(v).resolve("bin/java"))) {
                                throw new IllegalArgumentException("it has no bin/java");
                            }
                            return Path.of(v);
                        }));

        private Table() {
        }

        /** Every variable of the table that is set and not blank, read; the first bad one ends the bench (exit 2, usage). */
        private static Map<String, Object> readOrExit() {
            Map<String, Object> values = new LinkedHashMap<>();
            String problem = problem(System.getenv(), values);
            if (problem != null) {
                System.err.println(problem);
                System.exit(2);
            }
            return values;
        }

        /**
         * Reads each variable of the table set in env into values, in the table's order, and returns the one line
         * for the first bad one (naming it, what it accepts, its default), or null when all are good.
         */
        static String problem(Map<String, String> env, Map<String, Object> values) {
            for (Setting setting : TABLE) {
                String value = env.get(setting.name());
                if (value == null || value.isBlank()) {
                    if (!setting.name().equals("BENCH_OUT")) {
                        continue;
                    }
                    value = Run.REPO.resolve("bench").toString(); // the default directory must be writable too
                }
                try {
                    values.put(setting.name(), setting.read().apply(value.strip()));
                } catch (RuntimeException wrong) {
                    return Output.line("bench: " + setting.name() + "=" + Output.printable(value) + ": "
                            + (wrong.getMessage() == null ? wrong.toString() : wrong.getMessage()) + "; give "
                            + setting.accepts() + " (default: " + setting.fallback() + ")", false);
                }
            }
            return null;
        }

        private static String choice(String value, String... accepted) {
            if (!List.of(accepted).contains(value)) {
                throw new IllegalArgumentException("not one of " + String.join(", ", accepted));
            }
            return value;
        }

        private static double number(String value, double least, double most) {
            double number;
            try {
                number = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
            if (!(number >= least && number <= most)) {
                throw new IllegalArgumentException("out of range");
            }
            return number;
        }

        private static long whole(String value, long least, long most) {
            if (!value.matches("\\d{1,12}") || Long.parseLong(value) < least || Long.parseLong(value) > most) {
                throw new IllegalArgumentException(value.matches("-?\\d+") ? "out of range" : "not a whole number");
            }
            return Long.parseLong(value);
        }

        private static List<String> variants(String value) {
            return List.of(value.split("\\|")).stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
        }

        /** Each set must be one the java the clients run with takes: `java <set> -version` says so in a moment. */
        private static List<String> flagSets(String value) {
            List<String> sets = variants(value);
            if (sets.isEmpty()) {
                throw new IllegalArgumentException("no flags between the `|`");
            }
            for (String set : sets) {
                List<String> command = new java.util.ArrayList<>(List.of(javaBinary()));
                command.addAll(List.of(set.split("\\s+")));
                command.add("-version");
                Path said = null;
                try {
                    said = Files.createTempFile("bench-flags-", ".txt");
                    Process jvm = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(said.toFile()).start();
                    if (!jvm.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) { // a flag that waits (a debugger's)
                        jvm.destroyForcibly().waitFor();
                        throw new IllegalArgumentException("with \"" + Output.printable(set) + "\" the JVM gave no answer to -version in 30 s");
                    }
                    if (jvm.exitValue() != 0) {
                        String first = Files.readAllLines(said, java.nio.charset.StandardCharsets.UTF_8).stream().findFirst()
                                .orElse("exit " + jvm.exitValue());
                        throw new IllegalArgumentException("the JVM refuses \"" + Output.printable(set) + "\": " + Output.printableStart(first));
                    }
                } catch (java.io.IOException | InterruptedException e) {
                    throw new IllegalArgumentException("could not try \"" + Output.printable(set) + "\" with " + javaBinary() + ": "
                            + Output.printable(e.toString()));
                } finally {
                    if (said != null) {
                        said.toFile().delete();
                    }
                }
            }
            return sets;
        }

        /** Created now if missing, and shown writable by writing into it. */
        private static Path directory(String value) {
            Path dir = Path.of(value).toAbsolutePath().normalize();
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("not a directory");
            }
            try {
                Files.createDirectories(dir);
                Files.delete(Files.createTempFile(dir, ".bench-", ".probe"));
            } catch (java.nio.file.AccessDeniedException e) {
                throw new IllegalArgumentException("cannot write there (permission denied)");
            } catch (java.nio.file.FileSystemException e) {
                throw new IllegalArgumentException("cannot write there (" + (e.getReason() == null ? e.getClass().getSimpleName()
                        : e.getReason()) + ")");
            } catch (Exception e) {
                throw new IllegalArgumentException("cannot write there (" + e.getClass().getSimpleName() + ")");
            }
            return dir;
        }
    }
}
