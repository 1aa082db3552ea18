///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: pull from a durable consumer and ack each message. A message counts as processed only
// once the server has confirmed its ack; one never acked is delivered again (at-least-once).
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DEPS org.tomlj:tomlj:1.1.1
//MAIN JsPull
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Pull messages from the lab's durable consumer and ack each one.
//
// One self-contained file, made by `make share` from scripts/JsPull.java and the shared code it uses
// (each part below the script starts with a "// ----- scripts/..." line): edit those, not this
// file. It runs alone under any file name: jbang ThisFile.java --help

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.StreamContext;
import io.nats.client.api.OrderedConsumerConfiguration;
import org.slf4j.Logger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

// for the shared code below the script
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.LoggerFactory;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "js-pull", mixinStandardHelpOptions = true, version = CommandRunner.VERSION,
        description = {
                "Pulls messages from the durable consumer and acks each one. A message counts",
                "as processed only once the server confirms its ack; one that is never acked",
                "is delivered again after the consumer's ack wait (at-least-once delivery).",
                "Stops when no message arrives for [recv] wait_secs (or --wait)."},
        footer = {"", "Examples:",
                "  js-pull",
                "  js-pull --max 1",
                "  js-pull --count 100000 --batch 500 --quiet",
                "  js-pull --no-ack      # then, after the ack wait, js-pull again: (delivery 2)",
                "  js-pull --ephemeral   # read everything again; the durable consumer does not move",
                "  js-pull --work-ms 5000   # kill it while it works: the message comes back",
                "  js-pull --wait 1 --consumer OTHER_CONSUMER"})
class JsPull implements Callable<Integer> {
    private static final Logger log = Output.logger(JsPull.class);
    private static final Duration ACK_CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    /** Pulls one message at a time, prints it, acks it, and says "acked" only once the server has the ack. */
    int pullEach(Connection nc, ConsumerContext consumer, Duration wait) throws Exception {
        Duration ackWait = consumer.getCachedConsumerInfo().getConsumerConfiguration().getAckWait();
        Set<Long> seen = new HashSet<>(); // without acks the same messages come back: one round is enough
        int handled = 0;
        Message msg;
        while ((max == null || handled < max) && (msg = consumer.next(wait)) != null) { // null: none within wait
            if (!seen.add(msg.metaData().streamSequence())) {
                cameBack = true;
                if (nak()) {
                    nakNow(msg, nc); // this run is done with it
                }
                break;
            }
            log.info("pulled message: {}{}", body(msg), deliveryNote(msg));
            pretendToWork();
            if (noAck()) {
                log.info("not acked: it comes back after the ack wait ({}s)", ackWait.toSeconds());
            } else if (nak()) {
                nakNow(msg, nc);
                log.info("nak'd: it comes back right away");
            } else {
                msg.ackSync(ACK_CONFIRM_TIMEOUT); // returns once the server confirmed; ack() would only queue it
                log.info("acked");
            }
            handled++;
        }
        return handled;
    }

    /**
     * Batches: fetch up to `want` messages and ack each (acks are only queued), then flush: once the
     * server answers the flush it has every ack of the batch, and only then do they count.
     */
    int fetchAndAck(Connection nc, ConsumerContext consumer, int want, Duration wait) throws Exception {
        int got = 0;
        FetchConsumeOptions options = FetchConsumeOptions.builder().maxMessages(want).expiresIn(wait.toMillis()).build();
        try (FetchConsumer fetch = consumer.fetch(options)) {
            Message msg;
            while ((msg = fetch.nextMessage()) != null) { // null: the batch is done, or expired
                if (!quiet) {
                    log.info("pulled message: {}{}", body(msg), deliveryNote(msg));
                }
                msg.ack();
                bytes += msg.getData() == null ? 0 : msg.getData().length;
                got++;
            }
        }
        if (got > 0) {
            nc.flush(ACK_CONFIRM_TIMEOUT);
        }
        return got;
    }

    /** Ephemeral: an ordered consumer reads the stream from its first message, without acks, and is then forgotten. */
    int readOrdered(StreamContext stream, String subject, Duration wait) throws Exception {
        OrderedConsumerContext reader = stream.createOrderedConsumer(new OrderedConsumerConfiguration().filterSubject(subject));
        int read = 0;
        Message msg;
        while ((max == null || read < max) && (msg = reader.next(wait)) != null) {
            log.info("pulled message: {} (stream seq {})", body(msg), msg.metaData().streamSequence());
            read++;
        }
        return read;
    }

    @Mixin ConnectionOptions connection;
    @Mixin StreamOptions streamOptions;
    @Mixin ConsumerOptions consumerOptions;
    @Mixin WaitOptions waitOptions;

    @Option(names = {"--max", "--count"}, paramLabel = "N", description = "Stop after N messages (default: no limit).")
    Integer max;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "Fetch B messages per request, ack each, and confirm the acks once per batch "
                    + "(default: ${DEFAULT-VALUE}, one at a time). At most the consumer's max ack pending (1000).")
    int batch;

    @Option(names = "--quiet", description = "No line per message; just the summary with msgs/s and MB/s.")
    boolean quiet;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Redelivery redelivery;

    /** --no-ack and --nak: two ways to leave a message for redelivery, so at most one of them. */
    static final class Redelivery {
        @Option(names = "--no-ack", description = "Do not ack: the server delivers each message again after the ack wait.")
        boolean noAck;

        @Option(names = "--nak", description = "Negatively ack: the server delivers each message again right away.")
        boolean nak;
    }

    @Option(names = "--ephemeral",
            description = "Read through a throw-away consumer from the stream's first message, without acks; "
                    + "the durable consumer's position does not change.")
    boolean ephemeral;

    @Option(names = "--work-ms", paramLabel = "MS",
            description = "Pretend each message takes MS milliseconds of work before it is acked.")
    long workMillis;

    private boolean cameBack;
    private long bytes;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsPull(), args));
    }

    @Override
    public Integer call() throws Exception {
        checkFlags();
        Config config = connection.load();
        try (Connection nc = connection.open(config)) {
            if (ephemeral) {
                int read = readOrdered(JetStreamErrors.streamContext(nc, config.stream, config.shownUrl()),
                        config.subject, config.wait);
                log.info("done: {} read through a throw-away consumer, no acks needed; durable consumer {} did not move",
                        Output.messages(read), config.consumer);
                return 0;
            }
            ConsumerContext consumer = JetStreamErrors.consumerContext(nc, config.stream, config.consumer, config.shownUrl());
            if (batch > 1 || quiet) {
                pullInBatches(nc, consumer, config);
                return 0;
            }
            int handled;
            try {
                handled = pullEach(nc, consumer, config.wait);
            } catch (TimeoutException e) {
                throw Exit.failed("the server did not confirm the ack within %ds: the message will be delivered again "
                        + "after the ack wait (%ds)", ACK_CONFIRM_TIMEOUT.toSeconds(), ackWait(consumer).toSeconds());
            }
            log.info(summary(handled, config));
        }
        return 0;
    }

    private void checkFlags() {
        if (max != null && max < 1) {
            throw Exit.usage("--max must be at least 1, got %d", max);
        }
        if (ephemeral && (noAck() || nak())) {
            throw Exit.usage("--ephemeral reads without acks: leave out --no-ack and --nak");
        }
        if (batch < 1) {
            throw Exit.usage("--batch must be at least 1, got %d", batch);
        }
        if (batch > 1 && (noAck() || nak() || ephemeral)) {
            throw Exit.usage("--batch acks every message: leave out --no-ack, --nak and --ephemeral");
        }
        if (workMillis < 0) {
            throw Exit.usage("--work-ms must be 0 or more, got %d", workMillis);
        }
    }

    private boolean noAck() {
        return redelivery != null && redelivery.noAck;
    }

    private boolean nak() {
        return redelivery != null && redelivery.nak;
    }

    /** --batch/--quiet: fetchAndAck until --max or until a batch comes back empty, then the figures. */
    private void pullInBatches(Connection nc, ConsumerContext consumer, Config config) throws Exception {
        long maxAckPending = consumer.getCachedConsumerInfo().getConsumerConfiguration().getMaxAckPending();
        if (maxAckPending > 0 && batch > maxAckPending) {
            throw Exit.usage("--batch %d is over consumer %s's max ack pending (%d): the server would hold the rest "
                    + "back; use --batch %d or less", batch, config.consumer, maxAckPending, maxAckPending);
        }
        AtomicLong acked = new AtomicLong();
        long start = System.nanoTime();
        long end = 0;
        try (Output.Progress progress = Output.Progress.start("acked", max == null ? 0 : max, acked::get)) {
            while (max == null || acked.get() < max) {
                int got = fetchAndAck(nc, consumer, max == null ? batch : (int) Math.min(batch, max - acked.get()), config.wait);
                if (got == 0) {
                    break;
                }
                acked.addAndGet(got);
                end = System.nanoTime();
                if (!quiet) {
                    log.info("acked {}", Output.messages(got));
                }
            }
        }
        double seconds = Math.max(1e-9, (end - start) / 1e9);
        String why = max != null && acked.get() == max ? "--max " + max : "none arrived in the last " + config.wait.toSeconds() + "s";
        log.info("done: {} pulled and acked in batches of {} ({}): {} msgs/s, {} MB/s", Output.messages(acked.get()), batch,
                why, String.format("%,.0f", acked.get() / seconds), String.format("%.1f", bytes / seconds / 1e6));
    }

    private void pretendToWork() throws InterruptedException {
        if (workMillis > 0) {
            Thread.sleep(workMillis);
        }
    }

    private static Duration ackWait(ConsumerContext consumer) {
        return consumer.getCachedConsumerInfo().getConsumerConfiguration().getAckWait();
    }

    private static String body(Message msg) {
        return Output.quoted(new String(msg.getData(), StandardCharsets.UTF_8));
    }

    private static String deliveryNote(Message msg) {
        long delivery = msg.metaData().deliveredCount();
        return delivery > 1 ? " (delivery " + delivery + ")" : "";
    }

    /** Naks for immediate redelivery; the nak is only queued, so flush before the program may exit. */
    private static void nakNow(Message msg, Connection nc) throws Exception {
        msg.nak();
        try {
            nc.flush(ACK_CONFIRM_TIMEOUT);
        } catch (TimeoutException e) {
            throw Exit.failed("the server did not confirm the nak within %ds: the message comes back after the ack "
                    + "wait instead", ACK_CONFIRM_TIMEOUT.toSeconds());
        }
    }

    private String summary(int handled, Config config) {
        String count = Output.messages(handled) + " pulled and " + (noAck() ? "not acked" : nak() ? "nak'd" : "acked");
        if (max != null && handled == max) {
            return "done: " + count + " (--max " + max + ")";
        }
        if (cameBack) {
            return "done: " + count + "; stopped when they came back";
        }
        return "done: " + count + "; none arrived in the last " + config.wait.toSeconds() + "s";
    }
}

// ----- scripts/CommandRunner.java
// Runs a script's picocli command the lab's way: a bad flag or a failure is one line on stderr
// saying what was wrong and how to fix it (a stack trace only with --verbose), secrets masked,
// and an exit code from Exit.

final class CommandRunner {
    static final String VERSION = "lab4 scripts 0.1.0 (jnats 2.26.2)";

    private static final Pattern OPTION = Pattern.compile("-[-\\w]+");

    private CommandRunner() {
    }

    /** Parses the arguments, runs the command, and returns the exit code for System.exit. */
    static int run(Callable<Integer> command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            String line = ex instanceof CommandLine.MutuallyExclusiveArgsException
                    ? excludeEachOther(ex.getMessage())
                    : ex.getMessage() + " (see " + cmd.getCommandName() + " --help)";
            cmd.getErr().println(Secrets.NONE.mask("ERROR " + line));
            return Exit.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            ConnectionOptions run = thisRun(cmd.getCommandSpec());
            LabException known = run == null ? null : run.explainFailure();
            if (known == null) {
                known = ex instanceof LabException failure ? failure : unexpected(ex);
            }
            if (known.exitCode == Exit.OK) {
                return Exit.OK; // --show-config: done
            }
            UnaryOperator<String> mask = run != null ? run::mask : Secrets.NONE::mask;
            cmd.getErr().println(mask.apply("ERROR " + known.getMessage()));
            if (parsed.hasMatchedOption("--verbose")) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                cmd.getErr().print(mask.apply(trace.toString()));
                cmd.getErr().flush();
            }
            return known.exitCode;
        });
        return cli.execute(args);
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

    private static LabException unexpected(Exception ex) {
        if (ex instanceof JetStreamApiException api) {
            return Exit.failed("%s", JetStreamErrors.refused(api));
        }
        if (ex instanceof InterruptedException) {
            return Exit.failed("interrupted");
        }
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return Exit.failed("%s (rerun with --verbose for details)", message.lines().findFirst().orElse(""));
    }
}

// ----- scripts/ConnectionOptions.java
// The flags every script takes to find its settings and its server: config files, URL, natscli
// context, login, TLS, --show-config and --verbose. It also keeps this run's settings and
// connection, so that CommandRunner can explain a failure and mask its secrets afterwards.

final class ConnectionOptions implements Config.Flags {
    @Option(names = "--config", paramLabel = "FILE", description = "Root config file (default: ./config.toml, if present).")
    Path configFile;

    @Option(names = "--lab-config", paramLabel = "FILE",
            description = "Lab config file, over the root one (default: this lab's, if present).")
    Path labConfigFile;

    @Option(names = {"-s", "--server"}, paramLabel = "URL", description = "NATS server URL (or env NATS_URL).")
    String server;

    @Option(names = "--context", paramLabel = "NAME",
            description = "natscli context (~/.config/nats/context/NAME.json, or a path; env NATS_CONTEXT).")
    String context;

    @Option(names = "--user", paramLabel = "USER", description = "User name (env NATS_USER).")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Password (env NATS_PASSWORD; better: [nats.auth] password_env or password_file).")
    String password;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Auth token (env NATS_TOKEN).")
    String token;

    @Option(names = "--nkey", paramLabel = "FILE", description = "NKey seed file (env NATS_NKEY).")
    String nkey;

    @Option(names = "--creds", paramLabel = "FILE", description = "Credentials (.creds) file (env NATS_CREDS).")
    String creds;

    @Option(names = "--tlsca", paramLabel = "FILE", description = "CA certificate(s), PEM, to trust (env NATS_CA).")
    String tlsCa;

    @Option(names = "--tlscert", paramLabel = "FILE", description = "Client certificate, PEM (env NATS_CERT).")
    String tlsCert;

    @Option(names = "--tlskey", paramLabel = "FILE", description = "Client private key, PEM/PKCS#8 (env NATS_KEY).")
    String tlsKey;

    @Option(names = "--tlsfirst", description = "TLS handshake before the server's INFO (servers with handshake_first).")
    Boolean tlsFirst;

    @Option(names = "--show-config",
            description = "Print the effective config, where each value came from, secrets masked; then exit.")
    boolean showConfig;

    @Option(names = "--show-config-lines",
            description = "Print the effective config as key=value lines for scripts, secrets masked; then exit.")
    boolean showConfigLines;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
    boolean verbose;

    @Spec(Spec.Target.MIXEE)
    CommandSpec script;

    private Config loaded;
    private Connector connector;

    /** A flag's value, wherever the script declares it: here, or in its other groups of flags. */
    @Override
    public Object value(String flag) {
        OptionSpec option = script.findOption(flag);
        return option == null ? null : option.getValue();
    }

    /** This run's settings: every layer, with the script's flags on top; --show-config ends the run here. */
    Config load() {
        loaded = Config.load(System.getenv(), this);
        if (showConfig || showConfigLines) {
            System.out.print(showConfig ? loaded.effectiveConfig() : loaded.effectiveConfigLines());
            throw new LabException(Exit.OK, "");
        }
        return loaded;
    }

    /** Connects with the settings' login and TLS, or fails with one line naming the URL and what to do. */
    Connection open(Config config) {
        connector = new Connector(config);
        return connector.open();
    }

    /** What the server denied this run, which explains a failure better than the failure does; or null. */
    LabException explainFailure() {
        return connector == null ? null : connector.explainFailure();
    }

    /** The text with this run's secrets masked (before the settings are read: the passwords in URLs). */
    String mask(String text) {
        return (loaded == null ? Secrets.NONE : loaded.secrets).mask(text);
    }
}

// ----- scripts/Config.java
// The lab's settings: every key with its type and default, and the layers that set them (highest
// wins: flag, env, natscli context, lab file, root file, built-in default), each value with where
// it came from. Reading a file, a context and checking the values each have a file of their own.

final class Config {
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
    // Login and TLS: each null when not set. Secrets (password, token) are never printed.
    final String user;
    final String password;
    final String token;
    final String nkeySeedFile;
    final String credsFile;
    final String caFile;
    final String certFile;
    final String keyFile;
    final boolean handshakeFirst;
    /** This run's secrets, and the one way to mask them in anything printed. */
    final Secrets secrets;

    private final Layers layers;

    /** A key as it is written in a config file: section.leaf, and the type its value must have. */
    record Key(String name, Class<?> type) {
        String section() {
            return name.substring(0, name.lastIndexOf('.'));
        }

        String leaf() {
            return name.substring(name.lastIndexOf('.') + 1);
        }

        String display() {
            return "[" + section() + "] " + leaf();
        }
    }

    static final List<Key> KEYS = List.of(
            new Key("runtime.mode", String.class),
            new Key("nats.url", String.class),
            new Key("nats.subject", String.class),
            new Key("nats.stream", String.class),
            new Key("nats.consumer", String.class),
            new Key("recv.wait_secs", Long.class),
            new Key("consumer.ack_wait_secs", Long.class),
            new Key("consumer.max_deliver", Long.class),
            new Key("stream.duplicate_window_secs", Long.class),
            new Key("stream.storage", String.class),
            new Key("nats.auth.user", String.class),
            new Key("nats.auth.password", String.class),
            new Key("nats.auth.password_file", String.class),
            new Key("nats.auth.password_env", String.class),
            new Key("nats.auth.token", String.class),
            new Key("nats.auth.token_file", String.class),
            new Key("nats.auth.token_env", String.class),
            new Key("nats.auth.nkey_seed_file", String.class),
            new Key("nats.auth.creds_file", String.class),
            new Key("nats.tls.ca_file", String.class),
            new Key("nats.tls.cert_file", String.class),
            new Key("nats.tls.key_file", String.class),
            new Key("nats.tls.handshake_first", Boolean.class));

    /** Values never printed; KEY_file and KEY_env are other ways to give the same value. */
    static final Set<String> SECRET_KEYS = Set.of("nats.auth.password", "nats.auth.token");

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

    /** natscli's environment variables, and the setting each one sets. */
    private static final Map<String, String> ENV = Map.of(
            "NATS_USER", "nats.auth.user", "NATS_PASSWORD", "nats.auth.password", "NATS_TOKEN", "nats.auth.token",
            "NATS_NKEY", "nats.auth.nkey_seed_file", "NATS_CREDS", "nats.auth.creds_file", "NATS_CA", "nats.tls.ca_file",
            "NATS_CERT", "nats.tls.cert_file", "NATS_KEY", "nats.tls.key_file");

    /** The flags that set a setting (each script takes those it uses), and the setting each one sets. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("--server", "nats.url"), Map.entry("--subject", "nats.subject"), Map.entry("--stream", "nats.stream"),
            Map.entry("--consumer", "nats.consumer"), Map.entry("--wait", "recv.wait_secs"),
            Map.entry("--user", "nats.auth.user"), Map.entry("--password", "nats.auth.password"),
            Map.entry("--token", "nats.auth.token"), Map.entry("--nkey", "nats.auth.nkey_seed_file"),
            Map.entry("--creds", "nats.auth.creds_file"), Map.entry("--tlsca", "nats.tls.ca_file"),
            Map.entry("--tlscert", "nats.tls.cert_file"), Map.entry("--tlskey", "nats.tls.key_file"),
            Map.entry("--tlsfirst", "nats.tls.handshake_first"));

    /** The command line: a flag's value by its name ("--stream"), null when it was not given or is not the script's. */
    interface Flags {
        Object value(String flag);
    }

    /** Every setting given so far, with where it came from; a higher layer puts over a lower one. */
    static final class Layers {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();

        void put(String key, Object value, String source) {
            if (value != null) {
                values.put(key, value);
                sources.put(key, source);
            }
        }

        Object get(String key) {
            return values.get(key);
        }

        String string(String key) {
            return (String) values.get(key);
        }

        long number(String key) {
            return (Long) values.get(key);
        }

        /** Where the key's value came from, e.g. "env NATS_URL" or "config.toml:7 [nats] url". */
        String source(String key) {
            return sources.get(key);
        }

        boolean fromFlag(String key) {
            return String.valueOf(sources.get(key)).startsWith("flag");
        }
    }

    private Config(Layers layers, Secrets secrets) {
        this.layers = layers;
        this.secrets = secrets;
        this.mode = layers.string("runtime.mode");
        this.url = layers.string("nats.url");
        this.subject = layers.string("nats.subject");
        this.stream = layers.string("nats.stream");
        this.consumer = layers.string("nats.consumer");
        this.wait = Duration.ofSeconds(layers.number("recv.wait_secs"));
        this.ackWait = Duration.ofSeconds(layers.number("consumer.ack_wait_secs"));
        this.maxDeliver = layers.number("consumer.max_deliver");
        this.duplicateWindow = Duration.ofSeconds(layers.number("stream.duplicate_window_secs"));
        this.storage = layers.string("stream.storage");
        this.user = layers.string("nats.auth.user");
        this.password = layers.string("nats.auth.password");
        this.token = layers.string("nats.auth.token");
        this.nkeySeedFile = layers.string("nats.auth.nkey_seed_file");
        this.credsFile = layers.string("nats.auth.creds_file");
        this.caFile = layers.string("nats.tls.ca_file");
        this.certFile = layers.string("nats.tls.cert_file");
        this.keyFile = layers.string("nats.tls.key_file");
        this.handshakeFirst = Boolean.TRUE.equals(layers.get("nats.tls.handshake_first"));
    }

    /** Applies the layers lowest first: defaults, root file, lab file, natscli context, environment, flags. */
    static Config load(Map<String, String> env, Flags flags) {
        Layers layers = new Layers();
        DEFAULTS.forEach((key, value) -> layers.put(key, value, "built-in default"));

        ConfigFile.read(fileToRead((Path) flags.value("--config"), Path.of("config.toml")), layers, env);
        ConfigFile.read(fileToRead((Path) flags.value("--lab-config"), Path.of("labs", DEFAULT_LAB, "config.toml")),
                layers, env);

        String context = (String) flags.value("--context");
        if (context != null) {
            NatsContext.read(context, "flag --context", layers, env);
        } else if (env.get("NATS_CONTEXT") != null && !env.get("NATS_CONTEXT").isEmpty()) {
            NatsContext.read(env.get("NATS_CONTEXT"), "env NATS_CONTEXT", layers, env);
        }

        layers.put("nats.url", env.get("NATS_URL"), "env NATS_URL");
        ENV.forEach((variable, key) -> {
            String value = env.get(variable);
            layers.put(key, value == null || value.isEmpty() ? null : value, "env " + variable);
        });
        FLAGS.forEach((flag, key) -> layers.put(key, flags.value(flag), "flag " + flag));

        Secrets secrets = Secrets.of(layers.string("nats.url"), layers.string("nats.auth.password"),
                layers.string("nats.auth.token"));
        ConfigRules.validate(layers, secrets);
        return new Config(layers, secrets);
    }

    /** A named file must exist; an unnamed default is used only when present. */
    private static Path fileToRead(Path named, Path fallback) {
        if (named != null) {
            return named;
        }
        return Files.isRegularFile(fallback) ? fallback : null;
    }

    /** The URL as it may be shown: a password or token in it is masked. */
    String shownUrl() {
        return secrets.mask(url);
    }

    /** Where a setting came from, e.g. "env NATS_URL" or "config.toml:7 [nats] url". */
    String sourceOf(String key) {
        return layers.source(key);
    }

    /** --show-config: every setting in force, where it came from, secrets masked. */
    String effectiveConfig() {
        StringBuilder out = new StringBuilder("effective config (highest wins: flag, env, context, lab file, root file, "
                + "built-in default)\n");
        for (Key known : KEYS) {
            String key = known.name();
            if (layers.source(key) != null) {
                String shown = layers.get(key) instanceof String && !SECRET_KEYS.contains(key)
                        ? Output.quoted(shown(key)) : shown(key);
                out.append(String.format("  %-30s = %-32s  %s%n", key, shown, layers.source(key)));
            }
        }
        return out.toString();
    }

    /** --show-config-lines: the same settings as key=value lines, for scripts (bin/lab-server reads the URL and mode). */
    String effectiveConfigLines() {
        StringBuilder out = new StringBuilder();
        for (Key known : KEYS) {
            if (layers.source(known.name()) != null) {
                out.append(known.name()).append('=').append(shown(known.name())).append('\n');
            }
        }
        return out.toString();
    }

    private String shown(String key) {
        return SECRET_KEYS.contains(key) ? Secrets.MASK : secrets.mask(String.valueOf(layers.get(key)));
    }
}

// ----- scripts/ConfigFile.java
// Reads one TOML config file (config.toml, a lab's config.toml) into the settings' layers: each
// value checked for its type and remembered with file and line; unknown keys are a warning.

final class ConfigFile {
    private ConfigFile() {
    }

    /** Puts the file's values over the layers below it; a null file (none there, none named) adds nothing. */
    static void read(Path file, Config.Layers layers, Map<String, String> env) {
        if (file == null) {
            return;
        }
        TomlParseResult toml = parse(file);
        for (Config.Key key : Config.KEYS) {
            Object value = toml.get(key.name());
            if (value != null) {
                String where = file + ":" + line(toml.inputPositionOf(key.name()));
                checkType(key, value, where);
                put(key, value, where + " " + key.display(), layers, env);
            }
        }
        warnAboutUnknownKeys(file, toml);
    }

    private static TomlParseResult parse(Path file) {
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (NoSuchFileException e) {
            throw Exit.config("config file %s not found: check the path, or leave the flag out to use defaults", file);
        } catch (IOException e) {
            throw Exit.config("cannot read config file %s: %s", file, e.getMessage());
        }
        if (toml.hasErrors()) {
            var error = toml.errors().get(0);
            throw Exit.config("%s:%d: not valid TOML: %s", file, error.position().line(), error.getMessage());
        }
        return toml;
    }

    private static void checkType(Config.Key key, Object value, String where) {
        if (!key.type().isInstance(value)) {
            String expected = key.type() == Long.class ? "a whole number, like 5"
                    : key.type() == Boolean.class ? "true or false" : "a string in quotes";
            String shown = Config.SECRET_KEYS.contains(key.name())
                    ? "a " + value.getClass().getSimpleName().toLowerCase() : String.valueOf(value);
            throw Exit.config("%s: %s must be %s, got %s", where, key.display(), expected, shown);
        }
    }

    /** password_file and token_file read the secret from a file, password_env and token_env from a variable. */
    private static void put(Config.Key key, Object value, String source, Config.Layers layers, Map<String, String> env) {
        String target = key.section() + "." + key.leaf().replaceAll("_(file|env)$", "");
        if (key.leaf().endsWith("_file") && Config.SECRET_KEYS.contains(target)) {
            layers.put(target, SecretFiles.secret(SecretFiles.expandHome((String) value), source), source);
        } else if (key.leaf().endsWith("_env")) {
            String secret = env.get((String) value);
            if (secret == null || secret.isEmpty()) {
                throw Exit.config("%s names the environment variable %s, which is not set: export it, or remove the key",
                        source, value);
            }
            layers.put(target, secret, source + " (" + value + ")");
        } else {
            boolean path = key.type() == String.class && key.leaf().endsWith("_file");
            layers.put(key.name(), path ? SecretFiles.expandHome((String) value) : value, source);
        }
    }

    private static void warnAboutUnknownKeys(Path file, TomlParseResult toml) {
        Set<String> known = new TreeSet<>();
        Config.KEYS.forEach(key -> known.add(key.name()));
        for (String dotted : toml.dottedKeySet()) {
            if (!known.contains(dotted)) {
                System.err.printf("WARN %s:%d: unknown key %s is ignored (known: %s)%n",
                        file, line(toml.inputPositionOf(dotted)), dotted, String.join(", ", known));
            }
        }
    }

    private static int line(TomlPosition position) {
        return position == null ? 0 : position.line();
    }
}

// ----- scripts/SecretFiles.java
// Files that hold secrets or credentials: a password or token file, an nkey seed, a .creds file
// (checked before connecting: the right kind of file, and not expired), a TLS key.

final class SecretFiles {
    private static final Pattern USER_JWT = Pattern.compile("-----BEGIN NATS USER JWT-----\\s+([A-Za-z0-9_.-]+)");
    private static final Pattern EXPIRES = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

    private SecretFiles() {
    }

    /** ~/x means x in the home folder, as in a shell. */
    static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    /** A password or token kept in a file (password_file, token_file): its one line, trimmed. */
    static String secret(String file, String source) {
        try {
            String secret = Files.readString(Path.of(file)).trim();
            if (secret.isEmpty()) {
                throw Exit.config("%s: %s is empty", source, file);
            }
            return secret;
        } catch (IOException e) {
            throw Exit.config("%s: cannot read %s (%s)", source, file, e.getClass().getSimpleName());
        }
    }

    /** A file read when connecting (an nkey seed, a TLS key), trimmed. */
    static String read(String file, String what) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw Exit.config("cannot read the %s file %s: %s", what, file, e.getMessage());
        }
    }

    /** An nkey seed file must hold a user seed (a line starting with SU). */
    static void checkNkeySeed(String file, String source) {
        if (text(file, source).lines().noneMatch(line -> line.trim().startsWith("SU"))) {
            throw Exit.config("%s: %s: no user nkey seed (a line starting with SU) in it: use the seed file nsc or "
                    + "`nk -gen user` wrote", source, file);
        }
    }

    /** A .creds file must hold a user JWT, and its "exp" (if any) must lie ahead: better said here than as a refused login. */
    static void checkCreds(String file, String source) {
        String creds = text(file, source);
        Matcher jwt = USER_JWT.matcher(creds);
        if (!creds.contains("-----BEGIN NATS USER JWT-----")) {
            throw Exit.config("%s: %s: it is not a .creds file (no NATS USER JWT block): download it again, or make "
                    + "one with nsc", source, file);
        }
        if (!jwt.find() || jwt.group(1).split("\\.").length < 2) {
            return;
        }
        String claims = new String(Base64.getUrlDecoder().decode(jwt.group(1).split("\\.")[1]), StandardCharsets.UTF_8);
        Matcher exp = EXPIRES.matcher(claims);
        if (exp.find() && Long.parseLong(exp.group(1)) < System.currentTimeMillis() / 1000) {
            throw Exit.config("%s: the user JWT in %s expired at %s: get fresh credentials", source, file,
                    Instant.ofEpochSecond(Long.parseLong(exp.group(1))));
        }
    }

    private static String text(String file, String source) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw Exit.config("%s: cannot read %s", source, file);
        }
    }
}

// ----- scripts/Exit.java
// The exit codes every script uses (the README's table), and the failure that carries one.

/** Exit codes, the same for every script: a shell script can tell what kind of failure it was. */
final class Exit {
    static final int OK = 0;
    static final int FAILED = 1;       // the server refused or did not confirm
    static final int USAGE = 2;        // bad flags or arguments
    static final int CONFIG = 3;       // a config file or value is wrong
    static final int UNREACHABLE = 4;  // no (JetStream-enabled) server at the URL, or the login was refused
    static final int NOT_FOUND = 5;    // stream or consumer missing: run js-bootstrap

    private Exit() {
    }

    /** A one-line failure with this exit code; the format is String.format's. */
    static LabException with(int exitCode, String format, Object... args) {
        return new LabException(exitCode, String.format(format, args));
    }

    static LabException failed(String format, Object... args) {
        return with(FAILED, format, args);
    }

    static LabException usage(String format, Object... args) {
        return with(USAGE, format, args);
    }

    static LabException config(String format, Object... args) {
        return with(CONFIG, format, args);
    }

    static LabException unreachable(String format, Object... args) {
        return with(UNREACHABLE, format, args);
    }

    static LabException notFound(String format, Object... args) {
        return with(NOT_FOUND, format, args);
    }
}

/** A failure the user can act on: one line saying what was wrong and how to fix it, and its exit code. */
final class LabException extends RuntimeException {
    final int exitCode;

    LabException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }
}

// ----- scripts/NatsContext.java
// Reads a natscli context (~/.config/nats/context/NAME.json, or a path) into the settings' layers:
// its URL, login and TLS files, as `nats --context NAME` would use them.

final class NatsContext {
    /** The context's JSON fields, and the setting each one sets. */
    private static final String[][] FIELDS = {{"url", "nats.url"}, {"user", "nats.auth.user"},
            {"password", "nats.auth.password"}, {"token", "nats.auth.token"}, {"creds", "nats.auth.creds_file"},
            {"nkey", "nats.auth.nkey_seed_file"}, {"ca", "nats.tls.ca_file"}, {"cert", "nats.tls.cert_file"},
            {"key", "nats.tls.key_file"}};

    private NatsContext() {
    }

    /** @param how where the name came from ("flag --context", "env NATS_CONTEXT"), for error messages */
    static void read(String name, String how, Config.Layers layers, Map<String, String> env) {
        Path file = file(name, env);
        JsonValue json;
        try {
            json = JsonParser.parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw Exit.config("%s: natscli context %s not found (no file %s); `nats context ls` lists yours",
                    how, name, file);
        } catch (Exception e) {
            throw Exit.config("%s: natscli context file %s is not valid JSON: %s", how, file, e.getMessage());
        }
        String source = "context " + name + " (" + file + ")";
        for (String[] field : FIELDS) {
            JsonValue value = json.map == null ? null : json.map.get(field[0]);
            if (value != null && value.string != null && !value.string.isEmpty()) {
                layers.put(field[1], field[1].endsWith("_file") ? SecretFiles.expandHome(value.string) : value.string,
                        source + " " + field[0]);
            }
        }
        JsonValue tlsFirst = json.map == null ? null : json.map.get("tls_first");
        if (tlsFirst != null && Boolean.TRUE.equals(tlsFirst.bool)) {
            layers.put("nats.tls.handshake_first", true, source + " tls_first");
        }
    }

    /** A name with a / or ending in .json is a path; otherwise natscli's own place for contexts. */
    private static Path file(String name, Map<String, String> env) {
        if (name.contains("/") || name.endsWith(".json")) {
            return Path.of(SecretFiles.expandHome(name));
        }
        String configHome = env.getOrDefault("XDG_CONFIG_HOME", System.getProperty("user.home") + "/.config");
        return Path.of(configHome, "nats", "context", name + ".json");
    }
}

// ----- scripts/ConfigRules.java
// What makes a setting valid, checked once all layers are in: names, subject, URL, numbers, and
// one complete way to log in with files that exist. A bad value from a flag is a usage error (2),
// from a file, env or context a config error (3); either way the line says where it came from.

final class ConfigRules {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SUBJECT = Pattern.compile("[^\\s*>.]+(\\.[^\\s*>.]+)*");
    private static final List<String> LOGINS = List.of("nats.auth.user", "nats.auth.token", "nats.auth.nkey_seed_file",
            "nats.auth.creds_file");
    private static final List<String> FILES = List.of("nats.auth.nkey_seed_file", "nats.auth.creds_file",
            "nats.tls.ca_file", "nats.tls.cert_file", "nats.tls.key_file");

    private ConfigRules() {
    }

    static void validate(Config.Layers layers, Secrets secrets) {
        String mode = layers.string("runtime.mode");
        if (!mode.equals("local") && !mode.equals("remote")) {
            throw invalid(layers, secrets, "runtime.mode", "use \"local\" or \"remote\"");
        }
        String storage = layers.string("stream.storage");
        if (!storage.equals("file") && !storage.equals("memory")) {
            throw invalid(layers, secrets, "stream.storage", "use \"file\" (kept on disk) or \"memory\"");
        }
        if (!ServerUrl.valid(layers.string("nats.url"))) {
            throw invalid(layers, secrets, "nats.url", "expected a URL like nats://127.0.0.1:4222");
        }
        if (!SUBJECT.matcher(layers.string("nats.subject")).matches()) {
            throw invalid(layers, secrets, "nats.subject",
                    "use dot-separated tokens without spaces or wildcards, like lab4.stream");
        }
        for (String key : List.of("nats.stream", "nats.consumer")) {
            if (!NAME.matcher(layers.string(key)).matches()) {
                throw invalid(layers, secrets, key, "use letters, digits, - and _ only (no spaces, '.', '*' or '>')");
            }
        }
        long maxDeliver = layers.number("consumer.max_deliver");
        if (maxDeliver == 0 || maxDeliver < -1) {
            throw invalid(layers, secrets, "consumer.max_deliver", "use -1 for no limit, or 1 or more");
        }
        for (String key : List.of("recv.wait_secs", "consumer.ack_wait_secs", "stream.duplicate_window_secs")) {
            if (layers.number(key) < 1) {
                throw invalid(layers, secrets, key, "it must be at least 1 second");
            }
        }
        validateLogin(layers);
    }

    /** One way to log in at a time, complete, with files that exist and look right. */
    private static void validateLogin(Config.Layers layers) {
        boolean hasUser = layers.get("nats.auth.user") != null;
        if (hasUser != (layers.get("nats.auth.password") != null)) {
            String given = hasUser ? "nats.auth.user" : "nats.auth.password";
            throw Exit.with(exitCode(layers, given), "%s: a login needs %s too: set [nats.auth] %s (or %s)",
                    layers.source(given), hasUser ? "a password" : "a user",
                    hasUser ? "password_env or password_file" : "user",
                    hasUser ? "NATS_PASSWORD, --password" : "NATS_USER, --user");
        }
        List<String> methods = new ArrayList<>();
        for (String key : LOGINS) {
            if (layers.get(key) != null) {
                methods.add(key.substring(key.lastIndexOf('.') + 1) + " (" + layers.source(key) + ")");
            }
        }
        if (methods.size() > 1) {
            throw Exit.config("more than one way to log in is set: %s; keep one", String.join(" and ", methods));
        }
        for (String key : FILES) {
            String file = layers.string(key);
            if (file != null && !Files.isReadable(Path.of(file))) {
                throw Exit.with(exitCode(layers, key), "%s: file %s not found (or not readable)", layers.source(key), file);
            }
        }
        if (layers.get("nats.auth.nkey_seed_file") != null) {
            SecretFiles.checkNkeySeed(layers.string("nats.auth.nkey_seed_file"), layers.source("nats.auth.nkey_seed_file"));
        }
        if (layers.get("nats.auth.creds_file") != null) {
            SecretFiles.checkCreds(layers.string("nats.auth.creds_file"), layers.source("nats.auth.creds_file"));
        }
        if ((layers.get("nats.tls.cert_file") == null) != (layers.get("nats.tls.key_file") == null)) {
            String given = layers.get("nats.tls.cert_file") != null ? "nats.tls.cert_file" : "nats.tls.key_file";
            throw Exit.config("%s: a client certificate needs both cert_file and key_file", layers.source(given));
        }
    }

    private static LabException invalid(Config.Layers layers, Secrets secrets, String key, String hint) {
        Object value = layers.get(key);
        String shown = value instanceof String text ? Output.quoted(secrets.mask(text)) : String.valueOf(value);
        return Exit.with(exitCode(layers, key), "%s: %s is not valid: %s", layers.source(key), shown, hint);
    }

    private static int exitCode(Config.Layers layers, String key) {
        return layers.fromFlag(key) ? Exit.USAGE : Exit.CONFIG;
    }
}

// ----- scripts/ServerUrl.java
// Server URLs: which ones the scripts accept, and the host in one (the name a TLS certificate
// must carry). Masking a URL's password or token is Secrets.mask, like every other secret.

final class ServerUrl {
    private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss");

    private ServerUrl() {
    }

    /** nats://, tls://, ws:// or wss:// with a host. */
    static boolean valid(String url) {
        try {
            URI uri = new URI(url);
            return SCHEMES.contains(String.valueOf(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** tls:// and wss:// ask for TLS by themselves. */
    static boolean asksForTls(String url) {
        return url.startsWith("tls://") || url.startsWith("wss://");
    }

    static String host(String url) {
        try {
            return new URI(url).getHost();
        } catch (URISyntaxException e) {
            return url;
        }
    }
}

// ----- scripts/Secrets.java
// The secrets of one run (passwords and tokens, from flags, env, config files, contexts or the
// URL) and the one function that masks them in anything a script prints.

final class Secrets {
    /** What stands for a secret in output. */
    static final String MASK = "****";

    /** Known before any setting is read: a URL's user:password@ or token@ is always masked. */
    static final Secrets NONE = new Secrets(Set.of());

    /** nats://user:password@host or nats://token@host (a URL's user part without a password is a token). */
    private static final Pattern URL_LOGIN = Pattern.compile("://([^:/@\\s]+)(:[^@/\\s]*)?@");

    /** Shorter values are not masked in free text: replacing them would garble the rest of the line. */
    private static final int SHORTEST_MASKED = 4;

    private final Set<String> values;

    private Secrets(Set<String> values) {
        this.values = values;
    }

    /** The secrets among these values (null ones are skipped), plus the password or token inside the URL. */
    static Secrets of(String url, String... secretValues) {
        Set<String> found = new LinkedHashSet<>();
        for (String value : secretValues) {
            if (value != null && value.length() >= SHORTEST_MASKED) {
                found.add(value);
            }
        }
        Matcher login = URL_LOGIN.matcher(url == null ? "" : url);
        if (login.find()) {
            String secret = login.group(2) != null ? login.group(2).substring(1) : login.group(1);
            if (secret.length() >= SHORTEST_MASKED) {
                found.add(secret);
            }
        }
        return new Secrets(Set.copyOf(found));
    }

    /** The text with every secret replaced by ****: URL logins first, then each known value wherever it stands. */
    String mask(String text) {
        String out = URL_LOGIN.matcher(text).replaceAll(login -> login.group(2) != null
                ? Matcher.quoteReplacement("://" + login.group(1) + ":" + MASK + "@")
                : Matcher.quoteReplacement("://" + MASK + "@"));
        for (String secret : values) {
            out = out.replace(secret, MASK);
        }
        return out;
    }
}

// ----- scripts/Output.java
// What the scripts print on the terminal: INFO lines like the lab's expected output, message
// bodies in quotes, counts, and a progress line for long runs.

final class Output {
    private Output() {
    }

    /** A logger that prints like the lab's expected output: `INFO pulled message: "..."`, on stdout. */
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

    /** "1 message", "2 messages": the count every script's summary line starts with. */
    static String messages(long n) {
        return n == 1 ? "1 message" : n + " messages";
    }

    /** A message body (or any value) as the lab prints it: in double quotes, with escapes. */
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

        private Progress(String verb, long total, LongSupplier done) {
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

        static Progress start(String verb, long total, LongSupplier done) {
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
}

// ----- scripts/Connector.java
// Opens one run's connection with its login and TLS, and explains what went wrong with it: nothing
// answers, the login or TLS was refused, JetStream is off, or the server denied a permission later
// on (which jnats reports to a listener, not to the call that then times out).

final class Connector {
    private static final Pattern VIOLATION =
            Pattern.compile("(?i)permissions violation for (publish|subscription) to \"?([^\"\\s]+)");

    private final Config config;
    /** The server's "Permissions Violation", which explains a timeout better than the timeout does. */
    private final AtomicReference<String> permissionViolation = new AtomicReference<>();
    /** The first exception jnats reported while connecting: why a TLS handshake failed, say. */
    private final AtomicReference<Exception> connectProblem = new AtomicReference<>();
    private final AtomicReference<String> refusedLogin = new AtomicReference<>();

    Connector(Config config) {
        this.config = config;
    }

    /** Connects, or fails with one line naming the URL and what to do. */
    Connection open() {
        Options.Builder builder = new Options.Builder()
                .server(config.url)
                .connectionName("jetstream-lab")
                .connectionTimeout(Duration.ofSeconds(5))
                .noReconnect()
                .errorListener(listener(Thread.currentThread())); // other errors reach the user as exceptions, once
        applyLogin(builder);
        Connection nc;
        try {
            nc = Nats.connect(builder.build());
        } catch (IOException e) {
            throw connectFailure(e);
        } catch (InterruptedException e) {
            if (refusedLogin.get() != null) {
                Thread.interrupted(); // we interrupted the wait ourselves, to fail fast
                throw connectFailure(new IOException(refusedLogin.get()));
            }
            Thread.currentThread().interrupt();
            throw Exit.failed("interrupted while connecting to %s", config.shownUrl());
        }
        if (!nc.getServerInfo().isJetStreamAvailable()) {
            closeQuietly(nc);
            throw Exit.unreachable("the NATS server at %s has JetStream disabled%s", config.shownUrl(), loginIsSet()
                    ? " (or not for this account): ask for JetStream on it" : ": start it with -js (`make server` does)");
        }
        return nc;
    }

    /** What the server denied this run, as one line; null when it denied nothing. */
    LabException explainFailure() {
        String violation = permissionViolation.get();
        if (violation == null) {
            return null;
        }
        Matcher m = VIOLATION.matcher(violation);
        String what = m.find() ? (m.group(1).equalsIgnoreCase("publish") ? "publish to " : "subscribe to ") + m.group(2)
                : violation;
        return Exit.failed("permission denied: the server does not let %s %s%s", loginDescription(), what,
                what.contains("$JS.API") ? " (the JetStream API)" : "");
    }

    private ErrorListener listener(Thread connecting) {
        return new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                String text = String.valueOf(error).toLowerCase();
                if (text.contains("permissions violation")) {
                    if (permissionViolation.compareAndSet(null, error)) {
                        connecting.interrupt(); // what it waits for will not come; explainFailure() says why
                    }
                } else if ((text.contains("authorization") || text.contains("authentication"))
                        && refusedLogin.compareAndSet(null, error)) {
                    connecting.interrupt(); // jnats would otherwise wait out the connect timeout
                }
            }

            @Override
            public void exceptionOccurred(Connection conn, Exception exp) {
                connectProblem.compareAndSet(null, exp); // the TLS details are here, not in connect()'s exception
            }
        };
    }

    private void applyLogin(Options.Builder builder) {
        if (config.user != null) {
            builder.userInfo(config.user, config.password);
        }
        if (config.token != null) {
            builder.token(config.token.toCharArray());
        }
        if (config.nkeySeedFile != null) {
            char[] seed = SecretFiles.read(config.nkeySeedFile, "nkey seed").toCharArray();
            builder.authHandler(Nats.staticCredentials(null, seed));
        }
        if (config.credsFile != null) {
            builder.authHandler(Nats.credentials(config.credsFile));
        }
        if (usesTls()) {
            builder.sslContext(Tls.context(ServerUrl.host(config.url), config.caFile, config.certFile, config.keyFile));
        }
        if (config.handshakeFirst) {
            builder.tlsFirst();
        }
    }

    /** TLS when the URL asks for it or a CA or client certificate is configured. */
    private boolean usesTls() {
        return config.caFile != null || config.certFile != null || ServerUrl.asksForTls(config.url);
    }

    private boolean loginIsSet() {
        return config.user != null || config.token != null || config.nkeySeedFile != null || config.credsFile != null;
    }

    /** "user "alice" (with a password)", "this token", ...: what was tried, never the secret itself. */
    private String loginDescription() {
        if (config.user != null) {
            return "user " + Output.quoted(config.user) + " (with a password)";
        }
        if (config.token != null) {
            return "this token";
        }
        if (config.nkeySeedFile != null) {
            return "the nkey in " + config.nkeySeedFile;
        }
        if (config.credsFile != null) {
            return "the user in " + config.credsFile;
        }
        return "a connection without credentials";
    }

    /** One line for each way connecting fails: down, login refused, TLS on one side only, untrusted certificate. */
    private LabException connectFailure(IOException e) {
        String all = (chain(e) + chain(connectProblem.get())).toLowerCase();
        String url = config.shownUrl();
        if (all.contains("authorization violation") || all.contains("authentication")) {
            String expired = all.contains("expired") ? " (the credentials have expired: get fresh ones)" : "";
            return Exit.unreachable("the server at %s refused the login with %s: authorization violation%s; check the "
                    + "credentials (--show-config shows where each came from)", url, loginDescription(), expired);
        }
        if (all.contains("ssl required by server") || all.contains("tls required")) {
            return Exit.unreachable("the server at %s requires TLS: use a tls:// URL and trust its CA with "
                    + "[nats.tls] ca_file (or --tlsca)", url);
        }
        if (config.handshakeFirst && (all.contains("unrecognized ssl message") || all.contains("ssl")
                || all.contains("timeoutexception"))) {
            return Exit.unreachable("the server at %s did not take a TLS handshake first: leave out handshake_first / "
                    + "--tlsfirst unless the server sets handshake_first (nats-server 2.10.3 or later)", url);
        }
        if (all.contains("ssl connection wanted by client") || all.contains("unrecognized ssl message")
                || all.contains("plaintext connection")) {
            return Exit.unreachable("TLS is configured but the server at %s does not speak TLS: use a nats:// URL "
                    + "without [nats.tls] settings, or enable TLS on the server", url);
        }
        if (all.contains("no subject alternative") || all.contains("no name matching")) {
            return Exit.unreachable("the server's certificate does not name %s (hostname mismatch): connect with the "
                    + "host name in its certificate", ServerUrl.host(config.url));
        }
        if (all.contains("pkix") || all.contains("certification path") || all.contains("unknown_ca")
                || all.contains("certificate_unknown") || all.contains("bad_certificate")) {
            return Exit.unreachable("the TLS handshake with %s failed: the certificate is not trusted%s; give the CA "
                    + "that signed it with [nats.tls] ca_file (or --tlsca)", url,
                    config.caFile != null ? " (CA file " + config.caFile + ")" : "");
        }
        if (usesTls() && config.certFile == null && all.contains("timeoutexception")) {
            return Exit.unreachable("the server at %s accepted the TLS handshake but then went silent: it probably "
                    + "wants a client certificate: set [nats.tls] cert_file and key_file (or --tlscert and --tlskey)", url);
        }
        LabException down = Exit.unreachable("no NATS server answers at %s (%s): start one with `make server`, or point "
                + "--server / NATS_URL at yours", url, e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage() : "connection refused");
        if (connectProblem.get() != null) {
            down.initCause(connectProblem.get()); // --verbose shows what jnats saw
        }
        return down;
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
        }
        return text.toString();
    }

    private static void closeQuietly(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

// ----- scripts/Tls.java
// TLS from PEM files: the CA to trust (or the JDK's own), the client's certificate and key when
// given, and a check that the server's certificate names the host we dialled.

final class Tls {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private Tls() {
    }

    /** An SSLContext for a server at host: caFile null trusts the JDK's CAs; certFile and keyFile null: no client certificate. */
    static SSLContext context(String host, String caFile, String certFile, String keyFile) {
        try {
            KeyStore roots = null;
            if (caFile != null) {
                roots = KeyStore.getInstance(KeyStore.getDefaultType());
                roots.load(null, null);
                int n = 0;
                for (Certificate cert : certificates(caFile, "[nats.tls] ca_file")) {
                    roots.setCertificateEntry("ca-" + n++, cert);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(roots); // null: the JDK's own CAs
            X509TrustManager checked = hostChecking((X509TrustManager) trust.getTrustManagers()[0], host);
            KeyManagerFactory keys = null;
            if (certFile != null) {
                KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
                own.load(null, null);
                char[] none = new char[0];
                own.setKeyEntry("client", privateKey(keyFile), none,
                        certificates(certFile, "[nats.tls] cert_file").toArray(Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[]{checked}, null);
            return context;
        } catch (LabException e) {
            throw e;
        } catch (Exception e) {
            throw Exit.config("cannot set up TLS from the configured files: %s", e.getMessage());
        }
    }

    /** Trusts what the CA check trusts, and only for certificates that name the host we dialled (jnats leaves that out). */
    private static X509TrustManager hostChecking(X509TrustManager base, String host) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                base.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                base.checkServerTrusted(chain, authType);
                if (!names(chain[0], host)) {
                    throw new CertificateException("No subject alternative names matching " + host);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return base.getAcceptedIssuers();
            }
        };
    }

    private static boolean names(X509Certificate cert, String host) throws CertificateException {
        if (cert.getSubjectAlternativeNames() == null) {
            return false;
        }
        boolean isIp = host.matches("[0-9.]+") || host.contains(":");
        for (List<?> entry : cert.getSubjectAlternativeNames()) {
            int type = (Integer) entry.get(0);
            String name = String.valueOf(entry.get(1));
            if (isIp && type == SAN_IP && sameAddress(name, host)) {
                return true;
            }
            if (!isIp && type == SAN_DNS && (name.equalsIgnoreCase(host) || name.startsWith("*.")
                    && host.toLowerCase().endsWith(name.substring(1).toLowerCase())
                    && host.indexOf('.') == host.length() - name.length() + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b.replaceAll("[\\[\\]]", "")));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<? extends Certificate> certificates(String file, String what) {
        try {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(Files.readAllBytes(Path.of(file))));
            if (certs.isEmpty()) {
                throw Exit.config("%s %s holds no PEM certificate", what, file);
            }
            return new ArrayList<>(certs);
        } catch (LabException e) {
            throw e;
        } catch (Exception e) {
            throw Exit.config("%s %s is not a PEM certificate file: %s", what, file, e.getMessage());
        }
    }

    private static PrivateKey privateKey(String file) {
        String pem = SecretFiles.read(file, "[nats.tls] key_file");
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw Exit.config("[nats.tls] key_file %s is not an unencrypted PKCS#8 PEM key: convert it with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in %s -out key.pem`", file, file);
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception notThisOne) {
                // try the next algorithm
            }
        }
        throw Exit.config("[nats.tls] key_file %s holds no RSA, EC or Ed25519 key", file);
    }
}

// ----- scripts/JetStreamErrors.java
// The JetStream API's error codes the scripts act on, named once, and the one line each becomes:
// a missing stream or consumer says to run js-bootstrap, any other refusal quotes the server.

final class JetStreamErrors {
    static final int CONSUMER_NOT_FOUND = 10014;
    static final int STREAM_NOT_FOUND = 10059;
    /** Another stream already captures the subject. */
    static final int SUBJECT_OVERLAP = 10065;

    private JetStreamErrors() {
    }

    /** A JetStream API call, for orNull. */
    interface ApiCall<T> {
        T call() throws IOException, JetStreamApiException;
    }

    /** The call's answer, or null when the server answers with this error code (STREAM_NOT_FOUND, say). */
    static <T> T orNull(int code, ApiCall<T> call) throws IOException, JetStreamApiException {
        try {
            return call.call();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == code) {
                return null;
            }
            throw e;
        }
    }

    /** The lab's stream, or one line saying to run js-bootstrap. */
    static StreamContext streamContext(Connection nc, String stream, String shownUrl) throws IOException {
        try {
            return nc.getStreamContext(stream);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == STREAM_NOT_FOUND ? streamNotFound(stream, shownUrl)
                    : Exit.failed("cannot read stream %s: %s", stream, e.getErrorDescription());
        }
    }

    /** The lab's durable consumer, or one line saying to run js-bootstrap. */
    static ConsumerContext consumerContext(Connection nc, String stream, String consumer, String shownUrl)
            throws IOException {
        StreamContext streamContext = streamContext(nc, stream, shownUrl);
        try {
            return streamContext.getConsumerContext(consumer);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == CONSUMER_NOT_FOUND ? consumerNotFound(consumer, stream)
                    : Exit.failed("cannot read consumer %s: %s", consumer, e.getErrorDescription());
        }
    }

    static LabException streamNotFound(String stream, String shownUrl) {
        return Exit.notFound("stream %s not found at %s: run js-bootstrap first", stream, shownUrl);
    }

    static LabException consumerNotFound(String consumer, String stream) {
        return Exit.notFound("consumer %s not found on stream %s: run js-bootstrap first", consumer, stream);
    }

    /** A publish nobody answered: jnats says "503 No Responders", which for JetStream means no stream has the subject. */
    static boolean isNoResponders(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("503")) {
                return true;
            }
        }
        return false;
    }

    static LabException noStreamCaptures(String subject, String sofar) {
        return Exit.notFound("no stream captures subject %s: run js-bootstrap first%s", subject, sofar);
    }

    /** Any other refusal, in the server's own words. */
    static String refused(String description, int code) {
        return String.format("the server refused: %s (error %d)", description, code);
    }

    static String refused(JetStreamApiException e) {
        return refused(e.getErrorDescription(), e.getApiErrorCode());
    }
}

// ----- scripts/StreamOptions.java
// The flags that name the stream and its subject (js-purge reads --subject as "only this subject").

final class StreamOptions {
    @Option(names = "--stream", paramLabel = "NAME", description = "Stream name.")
    String stream;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Subject the stream stores.")
    String subject;
}

// ----- scripts/ConsumerOptions.java
// The flag that names the durable pull consumer.

final class ConsumerOptions {
    @Option(names = "--consumer", paramLabel = "NAME", description = "Durable pull consumer name.")
    String consumer;
}

// ----- scripts/WaitOptions.java
// The flag that says how long js-pull waits for a message before it stops.

final class WaitOptions {
    @Option(names = "--wait", paramLabel = "SECS", description = "Seconds to wait for a message before stopping.")
    Long waitSecs;
}
