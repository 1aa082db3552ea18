// Shared by the lab scripts: layered settings, the NATS connection, and the
// one-line error reporting every script uses. Not a script of its own.

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

public final class Config {
    static final String VERSION = "lab4 scripts 0.1.0 (jnats 2.26.2)";

    // Exit codes, the same for every script.
    static final int EXIT_FAILED = 1;       // the server refused or did not confirm
    static final int EXIT_USAGE = 2;        // bad flags or arguments
    static final int EXIT_CONFIG = 3;       // a config file or value is wrong
    static final int EXIT_UNREACHABLE = 4;  // no (JetStream-enabled) server at the URL
    static final int EXIT_NOT_FOUND = 5;    // stream or consumer missing: run js-bootstrap

    static final String DEFAULT_LAB = "lab4_jetstream_basics";
    static final long DEFAULT_DUPLICATE_WINDOW_SECS = 120; // the server's own default

    // The effective settings, after all layers are applied.
    final String mode;
    final String url;
    final String subject;
    final String stream;
    final String consumer;
    final Duration wait;
    final Duration ackWait;
    final long maxDeliver;            // -1: no limit
    final Duration duplicateWindow;
    final String storage;             // "file" or "memory"

    /** Where each setting came from, for error messages ("flag --stream", "config.toml:4"). */
    private final Map<String, String> sources;

    /** Flags every script shares; the values override env and config files. */
    static final class Options {
        @Option(names = "--config", paramLabel = "FILE",
                description = "Root config file (default: ./config.toml, if present).")
        Path config;

        @Option(names = "--lab-config", paramLabel = "FILE",
                description = "Lab config file, over the root one (default: this lab's, if present).")
        Path labConfig;

        @Option(names = {"-s", "--server"}, paramLabel = "URL",
                description = "NATS server URL (or env NATS_URL).")
        String server;

        @Option(names = "--subject", paramLabel = "SUBJECT", description = "Subject the stream stores.")
        String subject;

        @Option(names = "--stream", paramLabel = "NAME", description = "Stream name.")
        String stream;

        @Option(names = "--consumer", paramLabel = "NAME", description = "Durable pull consumer name.")
        String consumer;

        @Option(names = "--wait", paramLabel = "SECS",
                description = "Seconds js-pull waits for a message before it stops.")
        Long waitSecs;

        @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
        boolean verbose;

        Config load() {
            return Config.load(this, System.getenv());
        }
    }

    /** A failure the user can act on: one line, and the exit code that says what kind. */
    static final class LabException extends RuntimeException {
        final int exitCode;

        LabException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    static LabException fail(int exitCode, String format, Object... args) {
        return new LabException(exitCode, String.format(format, args));
    }

    // ---------------------------------------------------------------- running

    /** Runs a picocli command: errors become one line on stderr (stack trace with --verbose). */
    static int run(Callable<Integer> command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("ERROR " + ex.getMessage() + " (see " + cmd.getCommandName() + " --help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            LabException known = ex instanceof LabException l ? l : unexpected(ex);
            cmd.getErr().println("ERROR " + known.getMessage());
            if (parsed.hasMatchedOption("--verbose")) {
                ex.printStackTrace(cmd.getErr());
            }
            return known.exitCode;
        });
        return cli.execute(args);
    }

    private static LabException unexpected(Exception ex) {
        if (ex instanceof JetStreamApiException api) {
            return fail(EXIT_FAILED, "the server refused: %s (error %d)", api.getErrorDescription(), api.getApiErrorCode());
        }
        if (ex instanceof InterruptedException) {
            return fail(EXIT_FAILED, "interrupted");
        }
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return fail(EXIT_FAILED, "%s (rerun with --verbose for details)", message.lines().findFirst().orElse(""));
    }

    /** A logger that prints like the lab's expected output: `INFO pulled message: "..."`. */
    static Logger logger(Class<?> owner) {
        setDefault("org.slf4j.simpleLogger.logFile", "System.out");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showLogName", "false");
        setDefault("org.slf4j.simpleLogger.showDateTime", "false");
        return LoggerFactory.getLogger(owner);
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** A message body as the lab prints it: in double quotes, with escapes. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(Character.isISOControl(c) ? String.format("\\u{%x}", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    /**
     * A progress line on stderr for runs longer than about 2 s: count, rate and ETA. Only when
     * stderr is a terminal, so piped or logged output stays clean.
     */
    static final class Progress implements AutoCloseable {
        private final Thread ticker;

        private Progress(String verb, long total, java.util.function.LongSupplier done) {
            long start = System.nanoTime();
            ticker = new Thread(() -> {
                try {
                    Thread.sleep(2_000);
                    while (true) {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        long count = done.getAsLong();
                        double rate = count / seconds;
                        String eta = rate > 0 && total > 0 ? String.format(", ETA %.0fs", (total - count) / rate) : "";
                        System.err.printf("\r%,d of %,d %s, %,.0f msgs/s%s   ", count, total, verb, rate, eta);
                        Thread.sleep(500);
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }, "progress");
            ticker.setDaemon(true);
        }

        static Progress start(String verb, long total, java.util.function.LongSupplier done) {
            Progress progress = new Progress(verb, total, done);
            if (stderrIsTerminal()) {
                progress.ticker.start();
            }
            return progress;
        }

        @Override
        public void close() {
            if (ticker.isAlive()) {
                ticker.interrupt();
                try {
                    ticker.join(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.err.print("\r\033[K"); // clear the progress line
            }
        }

        private static boolean stderrIsTerminal() {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return System.console() != null;
            }
        }
    }

    // ------------------------------------------------------------- connection

    /** Connects, or fails with one line naming the URL and what to do. */
    Connection connect() {
        io.nats.client.Options options = new io.nats.client.Options.Builder()
                .server(url)
                .connectionName("jetstream-lab")
                .connectionTimeout(Duration.ofSeconds(5))
                .noReconnect()
                .errorListener(new ErrorListener() { }) // errors reach the user as exceptions, once
                .build();
        Connection nc;
        try {
            nc = Nats.connect(options);
        } catch (IOException e) {
            throw fail(EXIT_UNREACHABLE, "no NATS server answers at %s (%s): start one with `make server`, "
                    + "or point --server / NATS_URL at yours", url, describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(EXIT_FAILED, "interrupted while connecting to %s", url);
        }
        if (!nc.getServerInfo().isJetStreamAvailable()) {
            closeQuietly(nc);
            throw fail(EXIT_UNREACHABLE, "the NATS server at %s has JetStream disabled: start it with -js "
                    + "(`make server` does)", url);
        }
        return nc;
    }

    private static String describe(IOException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase();
        if (text.contains("authorization")) {
            return "authorization violation";
        }
        return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "connection refused";
    }

    private static void closeQuietly(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lab's stream, or a one-line error saying to run js-bootstrap. */
    StreamContext streamContext(Connection nc) throws IOException {
        try {
            return nc.getStreamContext(stream);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == 10059
                    ? fail(EXIT_NOT_FOUND, "stream %s not found at %s: run js-bootstrap first", stream, url)
                    : fail(EXIT_FAILED, "cannot read stream %s: %s", stream, e.getErrorDescription());
        }
    }

    /** The lab's durable consumer, or a one-line error saying to run js-bootstrap. */
    ConsumerContext consumerContext(Connection nc) throws IOException {
        StreamContext streamContext = streamContext(nc);
        try {
            return streamContext.getConsumerContext(consumer);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == 10014
                    ? fail(EXIT_NOT_FOUND, "consumer %s not found on stream %s: run js-bootstrap first", consumer, stream)
                    : fail(EXIT_FAILED, "cannot read consumer %s: %s", consumer, e.getErrorDescription());
        }
    }

    // ----------------------------------------------------------------- layers

    private record Key(String name, Class<?> type) {
        String section() {
            return name.substring(0, name.indexOf('.'));
        }

        String leaf() {
            return name.substring(name.indexOf('.') + 1);
        }

        String display() {
            return "[" + section() + "] " + leaf();
        }
    }

    private static final List<Key> KEYS = List.of(
            new Key("runtime.mode", String.class),
            new Key("nats.url", String.class),
            new Key("nats.subject", String.class),
            new Key("nats.stream", String.class),
            new Key("nats.consumer", String.class),
            new Key("recv.wait_secs", Long.class),
            new Key("consumer.ack_wait_secs", Long.class),
            new Key("consumer.max_deliver", Long.class),
            new Key("stream.duplicate_window_secs", Long.class),
            new Key("stream.storage", String.class));

    private static final Map<String, Object> DEFAULTS = Map.of(
            "runtime.mode", "local",
            "nats.url", "nats://127.0.0.1:4222",
            "nats.subject", "lab4.stream",
            "nats.stream", "LAB4_STREAM",
            "nats.consumer", "LAB4_CONSUMER",
            "recv.wait_secs", 5L,
            "consumer.ack_wait_secs", 30L,
            "consumer.max_deliver", -1L,
            "stream.duplicate_window_secs", DEFAULT_DUPLICATE_WINDOW_SECS,
            "stream.storage", "file");

    private Config(Map<String, Object> values, Map<String, String> sources) {
        this.sources = sources;
        this.mode = (String) values.get("runtime.mode");
        this.url = (String) values.get("nats.url");
        this.subject = (String) values.get("nats.subject");
        this.stream = (String) values.get("nats.stream");
        this.consumer = (String) values.get("nats.consumer");
        this.wait = Duration.ofSeconds((Long) values.get("recv.wait_secs"));
        this.ackWait = Duration.ofSeconds((Long) values.get("consumer.ack_wait_secs"));
        this.maxDeliver = (Long) values.get("consumer.max_deliver");
        this.duplicateWindow = Duration.ofSeconds((Long) values.get("stream.duplicate_window_secs"));
        this.storage = (String) values.get("stream.storage");
    }

    /** Applies the layers lowest first: defaults, root file, lab file, environment, flags. */
    static Config load(Options flags, Map<String, String> env) {
        Map<String, Object> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> sources = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(key -> sources.put(key, "built-in default"));

        readFile(configFile(flags.config, Path.of("config.toml")), values, sources);
        readFile(configFile(flags.labConfig, Path.of("labs", DEFAULT_LAB, "config.toml")), values, sources);

        put(values, sources, "nats.url", env.get("NATS_URL"), "env NATS_URL");

        put(values, sources, "nats.url", flags.server, "flag --server");
        put(values, sources, "nats.subject", flags.subject, "flag --subject");
        put(values, sources, "nats.stream", flags.stream, "flag --stream");
        put(values, sources, "nats.consumer", flags.consumer, "flag --consumer");
        put(values, sources, "recv.wait_secs", flags.waitSecs, "flag --wait");

        validate(values, sources);
        return new Config(values, sources);
    }

    /** A named file must exist; an unnamed default is used only when present. */
    private static Path configFile(Path named, Path fallback) {
        if (named != null) {
            return named;
        }
        return Files.isRegularFile(fallback) ? fallback : null;
    }

    private static void put(Map<String, Object> values, Map<String, String> sources, String key, Object value, String source) {
        if (value != null) {
            values.put(key, value);
            sources.put(key, source);
        }
    }

    private static void readFile(Path file, Map<String, Object> values, Map<String, String> sources) {
        if (file == null) {
            return;
        }
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (NoSuchFileException e) {
            throw fail(EXIT_CONFIG, "config file %s not found: check the path, or leave the flag out to use defaults", file);
        } catch (IOException e) {
            throw fail(EXIT_CONFIG, "cannot read config file %s: %s", file, e.getMessage());
        }
        if (toml.hasErrors()) {
            var error = toml.errors().get(0);
            throw fail(EXIT_CONFIG, "%s:%d: not valid TOML: %s", file, error.position().line(), error.getMessage());
        }
        for (Key key : KEYS) {
            Object value = toml.get(List.of(key.section(), key.leaf()));
            if (value == null) {
                continue;
            }
            String where = file + ":" + line(toml.inputPositionOf(List.of(key.section(), key.leaf())));
            if (!key.type().isInstance(value)) {
                String expected = key.type() == Long.class ? "a whole number, like 5" : "a string in quotes";
                throw fail(EXIT_CONFIG, "%s: %s must be %s, got %s", where, key.display(), expected, value);
            }
            put(values, sources, key.name(), value, where + " " + key.display());
        }
        warnAboutUnknownKeys(file, toml);
    }

    private static void warnAboutUnknownKeys(Path file, TomlParseResult toml) {
        Set<String> known = new java.util.HashSet<>();
        KEYS.forEach(key -> known.add(key.name()));
        for (String dotted : toml.dottedKeySet()) {
            if (!known.contains(dotted)) {
                System.err.printf("WARN %s:%d: unknown key %s is ignored (known: %s)%n",
                        file, line(toml.inputPositionOf(dotted)), dotted, String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static int line(TomlPosition position) {
        return position == null ? 0 : position.line();
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SUBJECT = Pattern.compile("[^\\s*>.]+(\\.[^\\s*>.]+)*");

    private static void validate(Map<String, Object> values, Map<String, String> sources) {
        String mode = (String) values.get("runtime.mode");
        if (!mode.equals("local") && !mode.equals("remote")) {
            throw invalid(sources, "runtime.mode", mode, "use \"local\" or \"remote\"");
        }
        String storage = (String) values.get("stream.storage");
        if (!storage.equals("file") && !storage.equals("memory")) {
            throw invalid(sources, "stream.storage", storage, "use \"file\" (kept on disk) or \"memory\"");
        }
        String url = (String) values.get("nats.url");
        if (!validUrl(url)) {
            throw invalid(sources, "nats.url", url, "expected a URL like nats://127.0.0.1:4222");
        }
        String subject = (String) values.get("nats.subject");
        if (!SUBJECT.matcher(subject).matches()) {
            throw invalid(sources, "nats.subject", subject, "use dot-separated tokens without spaces or wildcards, like lab4.stream");
        }
        for (String key : List.of("nats.stream", "nats.consumer")) {
            String name = (String) values.get(key);
            if (!NAME.matcher(name).matches()) {
                throw invalid(sources, key, name, "use letters, digits, - and _ only (no spaces, '.', '*' or '>')");
            }
        }
        long maxDeliver = (Long) values.get("consumer.max_deliver");
        if (maxDeliver == 0 || maxDeliver < -1) {
            throw invalid(sources, "consumer.max_deliver", maxDeliver, "use -1 for no limit, or 1 or more");
        }
        for (String key : List.of("recv.wait_secs", "consumer.ack_wait_secs", "stream.duplicate_window_secs")) {
            long seconds = (Long) values.get(key);
            if (seconds < 1) {
                throw invalid(sources, key, seconds, "it must be at least 1 second");
            }
        }
    }

    private static boolean validUrl(String url) {
        try {
            URI uri = new URI(url);
            return Set.of("nats", "tls", "ws", "wss").contains(String.valueOf(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static LabException invalid(Map<String, String> sources, String key, Object value, String hint) {
        String shown = value instanceof String text ? quoted(text) : String.valueOf(value);
        int exitCode = sources.get(key).startsWith("flag") ? EXIT_USAGE : EXIT_CONFIG;
        return fail(exitCode, "%s: %s is not valid: %s", sources.get(key), shown, hint);
    }

    /** Where a setting came from, e.g. "env NATS_URL" or "config.toml:7 [nats] url". */
    String sourceOf(String key) {
        return sources.get(key);
    }
}
