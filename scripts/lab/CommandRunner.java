// Runs a script's picocli command the lab's way: a bad flag or a failure is one line on stderr
// saying what was wrong and how to fix it (a stack trace only with --verbose), secrets masked,
// and an exit code from Exit.
//DEPS info.picocli:picocli:4.7.7
//DEPS io.nats:jnats:2.26.2
//SOURCES ConnectionOptions.java JetStreamErrors.java Secrets.java Exit.java ServerSeen.java Stdout.java Output.java Argv.java
//SOURCES StopSignal.java NatscliHabits.java ConfigSources.java RunLabel.java Unanswered.java

import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class CommandRunner {
    static final String VERSION = "0.1.0";

    private static final Pattern OPTION = Pattern.compile("-[-\\w]+");

    private CommandRunner() {
    }

    /** A command that only reads: when its reader closes the pipe early (`js-info | head -1`) it ends quietly, exit 0. */
    interface ReadOnly {
    }

    /** A command whose --label NAME marks each of its lines (RunLabel): from the first, a bad flag's line too. */
    interface Labelled {
    }

    /** Parses the arguments, runs the command, and returns the exit code for System.exit. */
    static int run(Callable<Integer> command, String... typed) {
        // A line must read the same in any language: in the user's locale Java would write 1.500 or
        // Arabic-Indic digits, lower-case a Turkish I to a dotless i (and a host would no longer
        // match its certificate), and picocli's and jnats' own formatting would follow it too.
        Locale.setDefault(Locale.ROOT);
        Stdout.install(); // before picocli wraps System.out for --help: its failures are seen too
        StopSignal.fromTheStart();
        String[] args = asTyped(typed);
        if (args == null) {
            StopSignal.handOver(); // its one line said why: no line about a signal on top at the exit
            return Exit.USAGE;
        }
        if (command instanceof Labelled) {
            RunLabel.label(RunLabel.typed(args));
        }
        // No flag takes a java.sql or java.time type: picocli's converters for them load those classes at every start.
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
        CommandLine cli = new CommandLine(command);
        CommandSpec spec = cli.getCommandSpec();
        spec.resourceBundle(ConnectionOptions.helpVariables()); // the variables a flag's help names
        ConnectionOptions.shortSynopsis(cli);
        // --version names the script itself, the client library and Java it runs on, and the server
        // last seen. picocli reads version lines as format strings (%n, @|markup|@): what a server
        // said is printed as plain text by the lab instead.
        spec.version(spec.name() + " " + VERSION + " (" + ConfigSources.labOf(spec.name()).replaceAll("_.*", "") + " scripts)", "jnats " + Nats.CLIENT_VERSION + ", Java " + Runtime.version().feature());
        boolean[] helpOnly = {false}; // --help and --version only print: any script's is read-only
        cli.setExecutionStrategy(parsed -> {
            helpOnly[0] = parsed.isVersionHelpRequested() || parsed.isUsageHelpRequested();
            if (parsed.isVersionHelpRequested() && !parsed.isUsageHelpRequested()) {
                for (String line : spec.version()) {
                    cli.getOut().println(line);
                }
                cli.getOut().println(Output.printable(ServerSeen.describe()));
                cli.getOut().flush();
                return Exit.OK;
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        // picocli would read `@FILE` as more arguments: a message starting with @ is a message, and
        // `js-pub @/dev/zero` (or a FIFO) must not hang or fill the memory before any check runs.
        cli.setExpandAtFiles(false);
        cli.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            LabException fileName = Argv.unusableFileName(ex);
            String line = fileName != null ? fileName.getMessage()
                    : ex instanceof CommandLine.MutuallyExclusiveArgsException
                    ? excludeEachOther(ex.getMessage())
                    : notOfItsType(ex, argv) != null ? notOfItsType(ex, argv)
                    : givenTwice(ex, argv) != null ? givenTwice(ex, argv)
                    : NatscliHabits.hint(ex) != null ? NatscliHabits.hint(ex)
                    : unknownOptions(ex) + " (see " + cmd.getCommandName() + " --help)";
            cmd.getErr().println(Output.line(Secrets.early(argv, System.getenv()).mask("ERROR " + line), false));
            return Exit.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            ConnectionOptions run = thisRun(cmd.getCommandSpec());
            UnaryOperator<String> mask = run != null ? run::mask : Secrets.NONE::mask;
            LabException known = run == null ? null : run.explainFailure(ex);
            if (known == null) {
                known = ex instanceof LabException failure ? failure : unexpected(ex, mask);
            }
            if (known.exitCode == Exit.OK || known.exitCode == Exit.OUTPUT && readerLeft(command instanceof ReadOnly)) {
                return Exit.OK; // --show-config, a no to a [y/N] question (Exit.DECLINED), or a reader that has seen enough: done
            }
            report(cmd.getErr(), known.getMessage(), ex, parsed.hasMatchedOption("--verbose"), mask);
            return known.exitCode;
        });
        try {
            int exitCode = runOrReport(cli, args);
            if (exitCode == Exit.OK && !Stdout.written() && !readerLeft(command instanceof ReadOnly || helpOnly[0])) {
                System.err.println("ERROR " + Stdout.lost(": the output above is incomplete" + Stdout.unprinted()).getMessage());
                return Exit.OUTPUT;
            }
            return exitCode;
        } finally {
            StopSignal.handOver(); // the run has said how it ended
            RunLabel.label(null); // --label's: its lines are over
        }
    }

    /** Whether a run that only reads ended because its reader had seen enough (`| head -1`): no failure then. */
    private static boolean readerLeft(boolean readOnly) {
        return readOnly && Stdout.readerLeft();
    }

    private static int runOrReport(CommandLine cli, String... args) {
        try {
            return cli.execute(args);
        } catch (VirtualMachineError ex) { // picocli hands Errors on: still one line, masked, the trace with --verbose
            ConnectionOptions run = thisRun(cli.getCommandSpec());
            UnaryOperator<String> mask = run != null ? run::mask : Secrets.early(args, System.getenv())::mask;
            report(cli.getErr(), "this run ran out of " + (ex instanceof StackOverflowError ? "stack" : "memory") + " ("
                    + ex.getClass().getSimpleName() + "): rerun with --verbose for details", ex,
                    List.of(args).contains("--verbose") || List.of(args).contains("-v"), mask);
            return Exit.FAILED;
        }
    }

    /** The arguments as typed, also without a locale (Argv); null after saying why they are lost. */
    private static String[] asTyped(String[] args) {
        Argv.utf8Stderr();
        try {
            return Argv.asTyped(args);
        } catch (LabException lost) {
            System.err.println(Output.line("ERROR " + lost.getMessage(), false));
            return null;
        }
    }

    /** The one ERROR line, and with --verbose the stack trace, both masked and printable. */
    private static void report(PrintWriter err, String line, Throwable ex, boolean verbose, UnaryOperator<String> mask) {
        err.println(Output.line(mask.apply("ERROR " + line), false));
        if (verbose) {
            err.print(Output.line(trace(ex, mask), true));
        }
        err.flush();
    }

    /**
     * The stack trace, each exception's line masked and then shown as one line (its message may hold a
     * server's words, line breaks included: none starts a line of its own), and the frames under it.
     */
    private static String trace(Throwable ex, UnaryOperator<String> mask) {
        StringBuilder out = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = ex; t != null && seen.add(t); t = t.getCause()) {
            String said = mask.apply(t.toString());
            out.append(t == ex ? "" : "Caused by: ")
                    .append(t instanceof LabException ? Output.line(said, false) : Output.printable(said)).append('\n');
            for (StackTraceElement frame : t.getStackTrace()) {
                out.append("\tat ").append(frame).append('\n');
            }
        }
        return out.toString();
    }

    /** The command's connection flags, which also hold what this run loaded and connected to. */
    private static ConnectionOptions thisRun(CommandSpec spec) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof ConnectionOptions options) {
                return options;
            }
        }
        return null;
    }

    /**
     * A flag typed twice, as "flag --x given twice: give it once". picocli says that in its own words for a
     * plain flag, and for a flag of a group that takes one of several (--nak, --term) prints the group's
     * internals; two different flags of such a group typed, one of them twice, exclude each other.
     */
    private static String givenTwice(CommandLine.ParameterException ex, String[] argv) {
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        List<List<OptionSpec>> candidates = new ArrayList<>();
        if (ex instanceof CommandLine.OverwrittenOptionException overwritten
                && overwritten.getOverwritten() instanceof OptionSpec option) {
            candidates.add(List.of(option));
        } else if (ex instanceof CommandLine.MaxValuesExceededException) {
            spec.argGroups().stream().filter(ArgGroupSpec::exclusive).forEach(group -> candidates.add(group.options()));
        }
        List<Map.Entry<OptionSpec, String>> typed = typedOptions(spec, argv);
        for (List<OptionSpec> options : candidates) {
            List<String> names = typed.stream().filter(word -> options.contains(word.getKey())).map(Map.Entry::getValue).toList();
            List<String> distinct = names.stream().distinct().toList();
            if (names.size() < 2) {
                continue;
            }
            if (options.size() > 1 && typed.stream().filter(word -> options.contains(word.getKey()))
                    .map(Map.Entry::getKey).distinct().count() > 1) {
                return String.join(", ", distinct.subList(0, distinct.size() - 1)) + " and "
                        + distinct.get(distinct.size() - 1) + " exclude each other: pick one";
            }
            return "flag " + distinct.get(0) + " given twice" + (distinct.size() > 1 ? " (as " + String.join(" and ", distinct)
                    + ")" : "") + ": give it once";
        }
        return null;
    }

    /**
     * A flag's value that is no number of its type, or none of its words, in the lab's form (not picocli's),
     * under the name the user typed (--max, not its other name --count).
     */
    private static String notOfItsType(CommandLine.ParameterException ex, String[] argv) {
        if (!(ex.getArgSpec() instanceof OptionSpec option) || ex.getValue() == null
                || !String.valueOf(ex.getMessage()).startsWith("Invalid value for option")) {
            return null;
        }
        Class<?> type = option.type();
        String name = typedOptions(ex.getCommandLine().getCommandSpec(), argv).stream().filter(word -> word.getKey() == option)
                .map(Map.Entry::getValue).reduce((first, last) -> last).orElse(option.longestName());
        String given = "flag " + name + ": " + Output.quoted(ex.getValue()) + " is not valid: ";
        if (type.isEnum()) {
            List<String> words = Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
            return given + "use " + String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1)
                    + " (see " + ex.getCommandLine().getCommandName() + " --help)";
        }
        boolean whole = type == Long.class || type == long.class || type == Integer.class || type == int.class;
        String rule = whole ? ruleOf(ex.getCommandLine().getCommandSpec(), option.longestName()) : null;
        return rule == null ? null : given + rule;
    }

    /** The rule a numeric flag keeps, from its command or the mixin that holds it. */
    static String ruleOf(CommandSpec spec, String option) {
        List<Object> owners = new ArrayList<>(List.of(spec.userObject()));
        spec.mixins().values().forEach(mixin -> owners.add(mixin.userObject()));
        return owners.stream().filter(owner -> owner instanceof Exit.Ranged).map(owner -> ((Exit.Ranged) owner).rule(option))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** Each option word in argv, as typed (without its =value), with the option it names; values and what follows -- are skipped. */
    private static List<Map.Entry<OptionSpec, String>> typedOptions(CommandSpec spec, String[] argv) {
        List<Map.Entry<OptionSpec, String>> typed = new ArrayList<>();
        for (int i = 0; i < argv.length && !argv[i].equals("--"); i++) {
            int equals = argv[i].startsWith("--") ? argv[i].indexOf('=') : -1;
            String name = equals > 0 ? argv[i].substring(0, equals) : argv[i];
            OptionSpec option = name.startsWith("-") ? spec.findOption(name) : null;
            if (option == null) {
                continue;
            }
            typed.add(Map.entry(option, name));
            if (equals < 0 && option.arity().min() > 0) {
                i++; // its value
            }
        }
        return typed;
    }

    /** picocli's "Error: --a, --b are mutually exclusive (specify only one)" as "--a and --b exclude each other: pick one". */
    private static String excludeEachOther(String message) {
        List<String> options = new ArrayList<>();
        Matcher m = OPTION.matcher(message.substring(0, Math.max(0, message.indexOf(" are mutually exclusive"))));
        while (m.find()) {
            options.add(m.group());
        }
        if (options.size() < 2) {
            return message;
        }
        String last = options.remove(options.size() - 1);
        return String.join(", ", options) + " and " + last + " exclude each other: pick one";
    }

    /**
     * picocli names every word it could not place ("Unknown options: '--tokn', 'SECRET'"), so a
     * mistyped secret flag would print its secret: name only the words that look like options.
     */
    private static String unknownOptions(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched)) {
            return ex.getMessage();
        }
        List<String> options = unmatched.getUnmatched().stream().filter(word -> word.startsWith("-")).toList();
        if (options.isEmpty()) {
            return ex.getMessage();
        }
        return (options.size() == 1 ? "Unknown option: " : "Unknown options: ")
                + String.join(", ", options.stream().map(option -> "'" + option.replaceAll("=.*", "=...") + "'").toList());
    }

    /**
     * A failure no room explains: its message may hold a server's words (a name jnats refused, say), so it is
     * shown as printable() shows outside text, masked first (a secret with a backslash would no longer be
     * found once escaped), and in one line however many it had.
     */
    private static LabException unexpected(Exception ex, UnaryOperator<String> mask) {
        if (ex instanceof JetStreamApiException api) {
            return JetStreamErrors.refusalLine(null, api, "");
        }
        if (JetStreamErrors.unreadAnswer(ex) != null) {
            return Exit.failed("%s: check that the server is a NATS server with JetStream", JetStreamErrors.unreadAnswer(ex));
        }
        if (Argv.unusableFileName(ex) != null) {
            return Argv.unusableFileName(ex);
        }
        if (Unanswered.is(ex)) {
            return Unanswered.line(null, false, null);
        }
        if (ex instanceof InterruptedException) {
            return Exit.failed("interrupted");
        }
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return Exit.failed("%s (rerun with --verbose for details)", Output.printableStart(mask.apply(message)));
    }
}
