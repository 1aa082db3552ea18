// A README's `make run` line as the script run make would start: `make [LAB=lab] run [LAB_CONFIG=file]
// BIN=alias [ARGS="words"] [MSG="text"]` (the names in any order) becomes the script's class with the
// arguments make's run recipe hands it (--config, --lab-config, ARGS's words, then -- MSG when MSG is
// given), so a transcript can run it inside the test JVM instead of make, bash, bin/lab-server and a
// JVM. Only lines whose words are plain: anything a shell or make would read differently (a $, a
// backslash, a glob, a blank at a value's edge, a file that is not there) stays a line for make.

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class MakeRun {
    private static final String DEFAULT_LAB = "lab4_jetstream_basics";
    /** What a shell reads the same in and out of quotes, and make passes on unchanged. */
    private static final String PLAIN = "[A-Za-z0-9_./,:@%+=-]";

    private MakeRun() {
    }

    /** The script run make would start for this line; null when it is no plain `make run`. */
    static Run script(String line) {
        List<String> words = words(line);
        if (words == null || words.size() < 3 || !words.get(0).equals("make")) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        boolean run = false;
        for (String word : words.subList(1, words.size())) {
            int eq = word.indexOf('=');
            if (word.equals("run") && !run) {
                run = true;
            } else if (eq > 0 && List.of("LAB", "LAB_CONFIG", "BIN", "ARGS", "MSG").contains(word.substring(0, eq))
                    && values.putIfAbsent(word.substring(0, eq), word.substring(eq + 1)) == null) {
                String value = word.substring(eq + 1);
                if (!value.equals(value.strip())) {
                    return null; // make drops a value's leading blanks
                }
            } else {
                return null;
            }
        }
        String lab = values.getOrDefault("LAB", DEFAULT_LAB);
        String labConfig = values.getOrDefault("LAB_CONFIG", "labs/" + lab + "/config.toml");
        String main = Catalog.scripts().stream().filter(s -> s.alias().equals(values.get("BIN")))
                .map(Catalog.Script::className).findFirst().orElse(null);
        List<String> argWords = words(values.getOrDefault("ARGS", ""));
        if (!run || main == null || argWords == null || !Files.isRegularFile(Run.REPO.resolve("labs/" + lab + "/config.toml"))
                || !Files.isRegularFile(Run.REPO.resolve(labConfig))) {
            return null; // make's own error line, then
        }
        List<String> args = new ArrayList<>(List.of("--config", Run.REPO.resolve("config.toml").toString(),
                "--lab-config", Run.REPO.resolve(labConfig).toString()));
        args.addAll(argWords);
        if (values.containsKey("MSG")) {
            args.addAll(List.of("--", values.get("MSG")));
        }
        // make exports these, bin/lab-run the lab's folder
        return Run.script(main, args.toArray(String[]::new)).env("LAB", lab).env("LAB_CONFIG", labConfig)
                .env("BIN", values.get("BIN")).env("JETSTREAM_LAB_HOME", Run.REPO.toString());
    }

    /** The words a shell reads in the text: plain characters, '...' and "..." (with no $, ` or \ inside); null for anything else. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            word = word == null ? new StringBuilder() : word;
            if (c == '\'' || c == '"') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) {
                    return null;
                }
                String quoted = text.substring(i + 1, end);
                if (c == '"' && (quoted.contains("$") || quoted.contains("`") || quoted.contains("\\"))) {
                    return null;
                }
                word.append(quoted);
                i = end;
            } else if (String.valueOf(c).matches(PLAIN)) {
                word.append(c);
            } else {
                return null;
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /**
     * One replay of a README's commands: its first `make run` line goes through make and bash as written,
     * so make's path is shown to print what the README shows, and so does each line that is no plain
     * `make run`, or whose output shows a line of make's own (make: *** ... Error 5), except a failed run's
     * last line after the first (go). Every other line runs inside the test JVM (InProcess), unless the
     * runner runs every script as a process.
     */
    static final class Replay {
        /** What make prints last when the run recipe's command failed: where in the Makefile, and its exit code. */
        private static final java.util.regex.Pattern RUN_FAILED = java.util.regex.Pattern.compile(
                "(make: \\*\\*\\* \\[Makefile:[0-9]+: run] Error )[0-9]+");
        private final NatsServer server;
        private boolean madeOnce;
        /** make's own last line, up to the exit code, as the first run that failed through make printed it. */
        private String runFailed;

        /** A replay of lines that run against this server. */
        Replay(NatsServer server) {
            this.server = server;
        }

        /** A transcript's line (its output with stderr's, as `2>&1` gives): in the test JVM, or the shell's run of it. */
        Run transcriptLine(String line, List<String> shown, java.util.function.Function<String, Run> shell) {
            Run script = inside(line, shown);
            return script == null ? shell.apply(line) : script.server(server).stderrOnStdout().timeout(180);
        }

        /**
         * A transcript's line run to its end (its output with stderr's). A line whose output ends with make's line
         * for a failed run recipe, and shows no other line of make's, goes through make the first time; after that
         * it runs inside the test JVM and gets the line the first one printed, with its own exit code, as make would
         * add it (make exits 2 then). A run that does not fail gets no such line, and so no longer matches the README.
         */
        Run.Result go(String line, List<String> shown, java.util.function.Function<String, Run> shell) throws Exception {
            if (!runFailedAtTheEnd(shown).matches() || showsMakesOwnLine(shown.subList(0, shown.size() - 1))) {
                return transcriptLine(line, shown, shell).go();
            }
            Run script = script(line);
            if (script == null || runFailed == null || !madeOnce || !InProcess.available()) {
                madeOnce |= script != null;
                Run.Result made = shell.apply(line).go();
                java.util.regex.Matcher real = runFailedAtTheEnd(made.outLines());
                if (runFailed == null && real.matches()) {
                    runFailed = real.group(1);
                }
                return made;
            }
            Run.Result inside = script.server(server).stderrOnStdout().timeout(180).go();
            return inside.exit() == 0 ? inside : new Run.Result(2, inside.out() + runFailed + inside.exit() + "\n", "");
        }

        /** make's line for a failed run recipe, matched against the last of these lines (none: no match). */
        private static java.util.regex.Matcher runFailedAtTheEnd(List<String> lines) {
            return RUN_FAILED.matcher(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
        }

        private static boolean showsMakesOwnLine(List<String> lines) {
            return lines.stream().anyMatch(l -> l.startsWith("make: ") || l.startsWith("make["));
        }

        /** The run for this line, or null: run the line through bash as written. */
        Run inside(String line, List<String> shown) {
            Run script = showsMakesOwnLine(shown) ? null : script(line);
            if (script == null || !madeOnce || !InProcess.available()) {
                madeOnce |= script != null;
                return null;
            }
            return script;
        }
    }
}
