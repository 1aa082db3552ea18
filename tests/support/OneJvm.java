// Several script runs inside one real JVM, one after another, where each needs what only a process
// has (a working folder, a default locale set as the JVM starts) but not a JVM of its own: one start
// for them all. Each run is as a JVM of its own would see it: in the default locale the JVM started
// with (a run sets its own), with its own stdout (or the JVM's, for a closed pipe), stderr and exit hooks (InProcess).

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

public final class OneJvm {
    private static final String THEN = "--then-in-this-jvm";
    /** InProcess runs a script's exit hooks by reflection. */
    private static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** As the first word: each run's stdout is the JVM's own, and the results go to stderr. */
    private static final String STDOUT_AS_IS = "--stdout-as-is-in-this-jvm";

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
        return Run.script(OneJvm.class.getName(), args.toArray(String[]::new)).env("JDK_JAVA_OPTIONS", ADD_OPENS).asProcess();
    }

    /**
     * The same, but each run writes to the JVM's own stdout, which a shell sends where shellRedirect says (`| true`:
     * a pipe whose reader left), as its process would: the results come on stderr (results() reads them), each one's
     * out is empty, and the shell's exit is the JVM's (pipefail).
     */
    static Run withStdoutAsIs(List<List<String>> runs, String shellRedirect) {
        List<List<String>> marked = new ArrayList<>(runs);
        marked.set(0, new ArrayList<>(runs.get(0)));
        marked.get(0).add(0, STDOUT_AS_IS);
        return Run.command("bash", "-c", "set -o pipefail; " + of(marked).shellLine() + " " + shellRedirect)
                .env("JDK_JAVA_OPTIONS", ADD_OPENS);
    }

    /** Each run's result, in order, from what the JVM printed: a line per run (on stderr for withStdoutAsIs). */
    static List<Run.Result> results(Run.Result jvm) {
        if (jvm.exit() != 0) {
            throw new AssertionError("the JVM of the runs failed: " + jvm);
        }
        boolean onStderr = jvm.out().isEmpty() && !jvm.err().isEmpty();
        List<Run.Result> results = new ArrayList<>();
        for (String line : (onStderr ? jvm.err() : jvm.out()).lines().toList()) {
            if (onStderr && line.startsWith("NOTE: Picked up JDK_JAVA_OPTIONS")) {
                continue; // the java launcher's, for the option of()'s runs need
            }
            String[] fields = line.split(":", -1);
            if (fields.length != 3 || !fields[0].matches("-?[0-9]+")) {
                throw new AssertionError("the JVM of the runs printed a line of no run: " + line + "\n" + jvm);
            }
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
        boolean stdoutAsIs = args.length > 0 && args[0].equals(STDOUT_AS_IS);
        java.io.PrintStream results = stdoutAsIs ? System.err : System.out;
        List<List<String>> runs = new ArrayList<>(List.of(new ArrayList<>()));
        for (String arg : List.of(args).subList(stdoutAsIs ? 1 : 0, args.length)) {
            if (arg.equals(THEN)) {
                runs.add(new ArrayList<>());
            } else {
                runs.get(runs.size() - 1).add(arg);
            }
        }
        Base64.Encoder base64 = Base64.getEncoder();
        for (List<String> run : runs) {
            Locale.setDefault(started);
            Run.Result result = InProcess.run(run.get(0), run.subList(1, run.size()), System.getenv(), new byte[0], 120, false,
                    stdoutAsIs);
            results.println(result.exit() + ":" + base64.encodeToString(result.out().getBytes(StandardCharsets.UTF_8))
                    + ":" + base64.encodeToString(result.err().getBytes(StandardCharsets.UTF_8)));
        }
        results.flush();
    }
}
