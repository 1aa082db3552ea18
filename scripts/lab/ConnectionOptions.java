// The flags every script takes to find its settings and its server: config files, URL, natscli
// context, login, TLS (those three made from their rows of Setting.java by SettingFlags),
// --show-config, --verbose, --help and --version. It also keeps this run's settings and
// connection, so that CommandRunner can explain a failure and mask its secrets afterwards.
//DEPS info.picocli:picocli:4.7.7
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java Connector.java Secrets.java Exit.java Trace.java SettingFlags.java

import io.nats.client.Connection;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.Enumeration;
import java.util.ResourceBundle;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

final class ConnectionOptions implements Layers.Flags {
    private static final String CONNECTING = "Connecting:%n";
    private static final String GENERAL = "General:%n";
    /** The headings of this file's groups of flags: the Usage line names them all as [CONNECTION OPTIONS]. */
    private static final java.util.Set<String> HEADINGS = java.util.Set.of(CONNECTING, "Config:%n", "Login:%n",
            "TLS:%n", "Diagnostics:%n", GENERAL);

    /** The settings whose flags pick the server, the login and TLS, each list under its heading. */
    static final List<Setting> CONNECTING_SETTINGS = List.of(Setting.URL, Setting.TIMEOUT);
    static final List<Setting> LOGIN_SETTINGS = List.of(Setting.USER, Setting.PASSWORD, Setting.TOKEN,
            Setting.NKEY_SEED_FILE, Setting.CREDS_FILE);
    static final List<Setting> TLS_SETTINGS = List.of(Setting.CA_FILE, Setting.CERT_FILE, Setting.KEY_FILE,
            Setting.HANDSHAKE_FIRST);

    /** Shown after the script's own options, under their own heading: the lesson's flags come first. */
    @Mixin SettingFlags connecting = SettingFlags.under(CONNECTING, 100, CONNECTING_SETTINGS);
    /** Who the run logs in as. */
    @Mixin SettingFlags login = SettingFlags.under("Login:%n", 102, LOGIN_SETTINGS);
    /** TLS: what to trust, and the client certificate. */
    @Mixin SettingFlags tls = SettingFlags.under("TLS:%n", 103, TLS_SETTINGS);

    /** Which config files and natscli context a run reads, and the settings they add up to. */
    @ArgGroup(validate = false, heading = "Config:%n", order = 101)
    ConfigFlags configFlags = new ConfigFlags();

    private static final String SHOW_CONFIG = "--show-config";
    private static final String SHOW_CONFIG_LINES = "--show-config-lines";

    static final class ConfigFlags {
        @Option(names = "--context", paramLabel = "NAME",
                description = "natscli context: name or path (env NATS_CONTEXT).")
        String context;

        @Option(names = "--no-context", description = "Read no natscli context, not even the selected one.")
        boolean noContext;

        @Option(names = "--config", paramLabel = "FILE",
                description = "Root config file (default: the repo's config.toml).")
        Path configFile;

        @Option(names = "--lab-config", paramLabel = "FILE",
                description = "Lab config file, over the root one (env LAB_CONFIG).")
        Path labConfigFile;

        // help = true: like --help and --version, it ends the run before the lesson, so picocli
        // asks for none of the lesson's required words (nats-pub's MESSAGE) when it is given
        @Option(names = SHOW_CONFIG, help = true,
                description = "Print the settings and where each came from; exit.")
        boolean showConfig;

        @Option(names = SHOW_CONFIG_LINES, help = true,
                description = "The same as key=value lines, for scripts; exit.")
        boolean showConfigLines;
    }

    /** What the run shows besides its own lines. */
    @ArgGroup(validate = false, heading = "Diagnostics:%n", order = 104)
    DiagnosticFlags diagnostics = new DiagnosticFlags();

    static final class DiagnosticFlags {
        @Option(names = "--trace",
                description = "Show on stderr each API request and answer, PubAck, pull, ack and status (the "
                        + "first " + Trace.SAMPLE + " of each kind; -v: all of the JSON).")
        boolean trace;

        @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
        boolean verbose;
    }

    /** --help and --version: last, with the other flags every script has, not among the lesson's. */
    @ArgGroup(validate = false, heading = GENERAL, order = 105)
    GeneralFlags general = new GeneralFlags();

    static final class GeneralFlags {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
        boolean version;
    }

    /**
     * What `${bundle:env.URL}`, `${bundle:key.REPLICAS}` and `${bundle:default.TIMEOUT}` in a flag's help stand
     * for: the setting's environment variable, its place in a config file ([stream] replicas) and its built-in
     * default, from its row of Setting (CommandRunner hands this to picocli), so the help says what the run reads.
     */
    static ResourceBundle helpVariables() {
        // Each value is made when the help asks for it: a run that shows no help makes none.
        return new ResourceBundle() {
            @Override
            protected Object handleGetObject(String key) {
                int dot = key.indexOf('.');
                String kind = dot < 0 ? "" : key.substring(0, dot);
                Setting setting = Arrays.stream(Setting.values()).filter(row -> row.name().equals(key.substring(dot + 1)))
                        .findFirst().orElse(null);
                if (setting == null || !has(kind, setting)) {
                    return null;
                }
                return switch (kind) {
                    case "env" -> setting.env;
                    case "key" -> setting.display();
                    case "values" -> setting.allowedLabel();
                    case "choices" -> setting.choices(false);
                    default -> setting.is(Setting.Kind.DURATION)
                            ? Durations.format(Duration.ofSeconds((Long) setting.byDefault)) : String.valueOf(setting.byDefault);
                };
            }

            @Override
            public Enumeration<String> getKeys() {
                List<String> keys = new ArrayList<>();
                for (Setting setting : Setting.values()) {
                    for (String kind : List.of("env", "key", "values", "choices", "default")) {
                        if (has(kind, setting)) {
                            keys.add(kind + "." + setting.name());
                        }
                    }
                }
                return Collections.enumeration(keys);
            }
        };
    }

    /** Whether a setting's row has what `${bundle:KIND.NAME}` names: an env variable, words to choose from, a default. */
    private static boolean has(String kind, Setting setting) {
        return switch (kind) {
            case "env" -> setting.env != null;
            case "key" -> true;
            case "values", "choices" -> !setting.allowed().isEmpty();
            case "default" -> setting.byDefault != null;
            default -> false;
        };
    }

    /**
     * The help's `Usage:` line names the script's own flags and then `[CONNECTION OPTIONS]` for all of
     * the flags above (listed under "Connecting:", "Config:", "Login:", "TLS:", "Diagnostics:" and "General:" further down), so the lesson's few are not lost among them.
     */
    static void shortSynopsis(CommandLine cli) {
        cli.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_SYNOPSIS, help -> {
            CommandSpec shown = CommandSpec.create().name(help.commandSpec().name());
            shown.resourceBundle(help.commandSpec().resourceBundle()); // a label like ${bundle:values.RETENTION}
            help.commandSpec().options().stream()
                    .filter(option -> option.group() == null || option.usageHelp() || option.versionHelp()) // [-hV] as ever
                    .forEach(option -> shown.addOption(OptionSpec.builder(option).build()));
            // a group of flags that exclude each other stays one group, so each shows as optional: [--seq=N | --keep=N]
            help.commandSpec().argGroups().stream().filter(group -> !HEADINGS.contains(String.valueOf(group.heading()))).forEach(group -> {
                ArgGroupSpec.Builder copy = ArgGroupSpec.builder().exclusive(group.exclusive()).multiplicity(group.multiplicity());
                group.options().forEach(option -> copy.addArg(OptionSpec.builder(option).build()));
                shown.addArgGroup(copy.build());
            });
            shown.addPositional(PositionalParamSpec.builder().paramLabel("CONNECTION OPTIONS").arity("0..1").build());
            help.commandSpec().positionalParameters().forEach(word -> shown.addPositional(PositionalParamSpec.builder(word).build()));
            return new CommandLine.Help(shown, help.colorScheme()).synopsis(help.synopsisHeadingLength());
        });
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec script;

    private Config loaded;
    private Connector connector;
    /** The flags the settings were read from: the others cannot change them. */
    private final Set<OptionSpec> read = new HashSet<>();

    /** A flag's value, wherever the script declares it: here, or in its other groups of flags. */
    @Override
    public Object value(String flag) {
        OptionSpec option = script.findOption(flag);
        if (option != null) {
            read.add(option);
        }
        return option == null ? null : option.getValue();
    }

    @Override
    public String lab() {
        return ConfigSources.labOf(script.name());
    }

    /** This run's settings: every layer, with the script's flags on top; --show-config ends the run here. */
    Config load() {
        if (configFlags.showConfigLines && System.getenv(SHOW_SECRET_AND_SERVER_FLAGS) != null) {
            // before any setting is read: a broken config does not hide them
            System.out.print(secretAndServerFlagLines());
            throw new LabException(Exit.OK, "");
        }
        loaded = Config.load(System.getenv(), this, configFlags.showConfig && !configFlags.showConfigLines);
        if (configFlags.showConfig || configFlags.showConfigLines) {
            String lines = configFlags.showConfig ? loaded.effectiveConfig() : loaded.effectiveConfigLines();
            if (configFlags.showConfigLines && System.getenv("LAB_SHOW_LESSON_FLAGS") != null) {
                lines += lessonFlags();
            }
            System.out.print(Output.line(lines, true));
            // settings that do not go together: shown all the same, then why a run with them would stop, and its exit code
            throw loaded.refused != null ? loaded.refused : new LabException(Exit.OK, "");
        }
        return loaded;
    }

    /**
     * For bin/lab-server, which keeps a read of the settings for the next `make run`: the flags this read did not
     * look at, each with how many words it takes (0 or 1; --help, --version and a flag that takes more are left
     * out, so they count as settings). Another --count or --label then finds the same read: no second JVM.
     */
    private String lessonFlags() {
        return script.options().stream()
                .filter(option -> !read.contains(option) && !option.usageHelp() && !option.versionHelp())
                .filter(option -> option.arity().min() == option.arity().max() && option.arity().max() <= 1)
                .flatMap(option -> Arrays.stream(option.names()).map(name -> name + "=" + option.arity().max()))
                .collect(Collectors.joining(" ", "lesson.flags=", "\n"));
    }

    /** Set in the environment of a run with --show-config-lines, it prints secretAndServerFlagLines() instead. */
    static final String SHOW_SECRET_AND_SERVER_FLAGS = "LAB_SHOW_SECRET_AND_SERVER_FLAGS";

    /**
     * For bin/lab-server: which flags may carry a secret (Setting.secretFlagLines(): "secret|login VARIABLE FLAG..."),
     * which it moves into their variables before it runs a script (ps shows command lines); and which flags pick the
     * server, the login and the config files (the settings of this file's lists, and its Config: flags but the two
     * that print the settings and end the run), which it passes on to the script that lists a server's streams:
     * "server-flag NAME value" or "server-flag NAME switch".
     */
    static String secretAndServerFlagLines() {
        StringBuilder out = new StringBuilder(Setting.secretFlagLines());
        for (List<Setting> settings : List.of(CONNECTING_SETTINGS, LOGIN_SETTINGS, TLS_SETTINGS)) {
            for (Setting setting : settings) {
                setting.flags.forEach(name -> out.append("server-flag ").append(name)
                        .append(setting.paramLabel == null ? " switch\n" : " value\n"));
            }
        }
        for (OptionSpec option : CommandSpec.forAnnotatedObject(new ConfigFlags()).options()) {
            if (!Set.of(SHOW_CONFIG, SHOW_CONFIG_LINES).contains(option.longestName())) {
                for (String name : option.names()) {
                    out.append("server-flag ").append(name).append(option.arity().max() == 0 ? " switch\n" : " value\n");
                }
            }
        }
        return out.toString();
    }

    /** Connects with the settings' login and TLS to a server with JetStream, or fails with one line naming the URL and what to do. */
    Connection open(Config config) {
        connector = new Connector(config, trace(config));
        return connector.open(true);
    }

    /** The same for core NATS (publish, subscribe, request): any server will do, with or without JetStream. */
    Connection openCore(Config config) {
        connector = new Connector(config, trace(config));
        return connector.open(false);
    }

    private Trace trace(Config config) {
        return diagnostics.trace ? new Trace(config.secrets, diagnostics.verbose) : null;
    }

    /** Whether the open connection moves to another server when it drops: a URL list, or a server in a cluster. */
    boolean failsOver() {
        return connector != null && connector.failsOver();
    }

    /** What the server denied this run, or a connection that never came back: it explains the failure better; or null. */
    LabException explainFailure(Exception failure) {
        return connector == null ? null : connector.explainFailure(failure);
    }

    /** The text with this run's secrets masked: what the flags and env hold, and once read, what the settings hold. */
    String mask(String text) {
        Secrets early = Secrets.fromFlags(this).and(Secrets.fromEnv(System.getenv()));
        return (loaded == null ? early : early.and(loaded.secrets)).mask(text);
    }
}
