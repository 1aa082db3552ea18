// Several script runs inside one real JVM, one after another, where each needs what only a process
// has (a working folder, a default locale set as the JVM starts) but not a JVM of its own: one start
// for them all. Each run is as a JVM of its own would see it: in the default locale the JVM started
// with (a run sets its own), with its own stdout, stderr and exit hooks (InProcess).

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

public final class OneJvm {
    private static final String THEN = "--then-in-this-jvm";

    private OneJvm() {
    }

    /** The JVM for these runs, each a script's main class and its arguments; start it as any script run (env, in). */
    static Run of(List<List<String>> runs) {
        List<String> args = new ArrayList<>();
        for (List<String> run : runs) {
            if (!args.isEmpty()) {
                args.add(THEN);
            }
            args.addAll(run);
        }
        // InProcess runs a script's exit hooks by reflection
        return Run.script(OneJvm.class.getName(), args.toArray(String[]::new))
                .env("JDK_JAVA_OPTIONS", "--add-opens=java.base/java.lang=ALL-UNNAMED").asProcess();
    }

    /** Each run's result, in order, from what the JVM printed: a line per run. */
    static List<Run.Result> results(Run.Result jvm) {
        if (jvm.exit() != 0) {
            throw new AssertionError("the JVM of the runs failed: " + jvm);
        }
        List<Run.Result> results = new ArrayList<>();
        for (String line : jvm.outLines()) {
            String[] fields = line.split(":", -1);
            results.add(new Run.Result(Integer.parseInt(fields[0]), decoded(fields[1]), decoded(fields[2])));
        }
        return results;
    }

    private static String decoded(String field) {
        return new String(Base64.getDecoder().decode(field), StandardCharsets.UTF_8);
    }

    /** Prints a line per run: its exit code, then its stdout and stderr in base64, separated by colons. */
    public static void main(String... args) throws Exception {
        Locale started = Locale.getDefault();
        java.io.PrintStream results = System.out;
        List<List<String>> runs = new ArrayList<>(List.of(new ArrayList<>()));
        for (String arg : args) {
            if (arg.equals(THEN)) {
                runs.add(new ArrayList<>());
            } else {
                runs.get(runs.size() - 1).add(arg);
            }
        }
        Base64.Encoder base64 = Base64.getEncoder();
        for (List<String> run : runs) {
            Locale.setDefault(started);
            Run.Result result = InProcess.run(run.get(0), run.subList(1, run.size()), System.getenv(), new byte[0], 120, false);
            results.println(result.exit() + ":" + base64.encodeToString(result.out().getBytes(StandardCharsets.UTF_8))
                    + ":" + base64.encodeToString(result.err().getBytes(StandardCharsets.UTF_8)));
        }
        results.flush();
    }
}
