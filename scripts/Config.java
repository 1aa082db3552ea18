// The lab's settings: every key with its type and default, and the layers that set them (highest
// wins: flag, env, natscli context, lab file, root file, built-in default), each value with where
// it came from. Finding the files, reading one, reading a context and checking the values each
// have a file of their own.
//SOURCES ConfigSources.java ConfigFile.java NatsContext.java ConfigRules.java ServerUrl.java Durations.java
//SOURCES Secrets.java Output.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

final class Config {
    static final String DEFAULT_LAB = "lab4_jetstream_basics";
    static final long DEFAULT_DUPLICATE_WINDOW_SECS = 120; // the server's own default

    // The effective settings, after all layers are applied.
    final String mode;
    /** The server list in full form (nats://host:port,...), as jnats gets it; may hold a login: show it with shownUrl(). */
    final String url;
    final List<ServerUrl> servers;
    /** How long connecting and each JetStream API call may take (--timeout, NATS_TIMEOUT). */
    final Duration timeout;
    final String subject;
    final String stream;
    final String consumer;
    final Duration wait;
    final Duration ackWait;
    final long maxDeliver;            // -1: no limit
    final Duration duplicateWindow;
    final String storage;             // "file" or "memory"
    /** How many servers of a cluster keep a copy of the stream (1 to 5). */
    final int replicas;
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
            new Key("nats.timeout_secs", Long.class),
            new Key("recv.wait_secs", Long.class),
            new Key("consumer.ack_wait_secs", Long.class),
            new Key("consumer.max_deliver", Long.class),
            new Key("stream.duplicate_window_secs", Long.class),
            new Key("stream.storage", String.class),
            new Key("stream.replicas", Long.class),
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

    /** Times: whole seconds in a file, a duration (5s, 500ms, 1m; a bare number is seconds) from a flag or env. */
    static final Set<String> DURATION_KEYS = Set.of("nats.timeout_secs", "recv.wait_secs", "consumer.ack_wait_secs",
            "stream.duplicate_window_secs");

    private static final Map<String, Object> DEFAULTS = Map.ofEntries(Map.entry("runtime.mode", "local"),
            Map.entry("nats.url", "nats://127.0.0.1:4222"), Map.entry("nats.subject", "lab4.stream"),
            Map.entry("nats.stream", "LAB4_STREAM"), Map.entry("nats.consumer", "LAB4_CONSUMER"),
            Map.entry("nats.timeout_secs", 5L), Map.entry("recv.wait_secs", 5L), Map.entry("consumer.ack_wait_secs", 30L),
            Map.entry("consumer.max_deliver", -1L),
            Map.entry("stream.duplicate_window_secs", DEFAULT_DUPLICATE_WINDOW_SECS), Map.entry("stream.storage", "file"),
            Map.entry("stream.replicas", 1L));

    /** natscli's environment variables, and the setting each one sets. */
    private static final Map<String, String> ENV = Map.of("NATS_URL", "nats.url", "NATS_TIMEOUT", "nats.timeout_secs",
            "NATS_USER", "nats.auth.user", "NATS_PASSWORD", "nats.auth.password", "NATS_TOKEN", "nats.auth.token",
            "NATS_NKEY", "nats.auth.nkey_seed_file", "NATS_CREDS", "nats.auth.creds_file", "NATS_CA", "nats.tls.ca_file",
            "NATS_CERT", "nats.tls.cert_file", "NATS_KEY", "nats.tls.key_file");

    /** The flags that set a setting (each script takes those it uses), and the setting each one sets. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("--server", "nats.url"), Map.entry("--subject", "nats.subject"), Map.entry("--stream", "nats.stream"),
            Map.entry("--consumer", "nats.consumer"), Map.entry("--wait", "recv.wait_secs"),
            Map.entry("--timeout", "nats.timeout_secs"),
            Map.entry("--user", "nats.auth.user"), Map.entry("--password", "nats.auth.password"),
            Map.entry("--token", "nats.auth.token"), Map.entry("--nkey", "nats.auth.nkey_seed_file"),
            Map.entry("--creds", "nats.auth.creds_file"), Map.entry("--tlsca", "nats.tls.ca_file"),
            Map.entry("--tlscert", "nats.tls.cert_file"), Map.entry("--tlskey", "nats.tls.key_file"),
            Map.entry("--tlsfirst", "nats.tls.handshake_first"), Map.entry("--replicas", "stream.replicas"));

    /** The command line: a flag's value by its name ("--stream"), null when it was not given or is not the script's. */
    interface Flags {
        Object value(String flag);
    }

    /** Every setting given so far, with where it came from; a higher layer puts over a lower one. */
    static final class Layers {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        /** Lines for stderr once the settings are known to be good (a failed run prints only its error). */
        private final List<String> warnings = new ArrayList<>();
        /** For --show-config: which files and context were read, and which were left alone. */
        private final List<String> report = new ArrayList<>();
        /** The subject the lab's files (or the default) set, before env, context and flags: the example hints show. */
        String labSubject;

        void warn(String line) {
            if (line != null) {
                warnings.add(line);
            }
        }

        void report(String line) {
            report.add(line);
        }

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

        /** A time setting: whole seconds from a file or default, a duration text from a flag or env (checked by ConfigRules). */
        Duration duration(String key) {
            Object value = values.get(key);
            return value instanceof Long seconds ? Duration.ofSeconds(seconds) : Durations.parse(String.valueOf(value));
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
        this.servers = ServerUrl.parseList(layers.string("nats.url"));
        this.url = ServerUrl.joined(servers);
        this.timeout = layers.duration("nats.timeout_secs");
        this.subject = layers.string("nats.subject");
        this.stream = layers.string("nats.stream");
        this.consumer = layers.string("nats.consumer");
        this.wait = layers.duration("recv.wait_secs");
        this.ackWait = layers.duration("consumer.ack_wait_secs");
        this.maxDeliver = layers.number("consumer.max_deliver");
        this.duplicateWindow = layers.duration("stream.duplicate_window_secs");
        this.storage = layers.string("stream.storage");
        this.replicas = (int) layers.number("stream.replicas");
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

        ConfigSources files = ConfigSources.find(env, flags);
        files.report.forEach(layers::report);
        layers.warn(files.notice);
        ConfigFile.read(files.root, layers, env);
        ConfigFile.read(files.lab, layers, env);
        layers.labSubject = layers.string("nats.subject");
        NatsContext.apply((String) flags.value("--context"), Boolean.TRUE.equals(flags.value("--no-context")), env, layers);

        ENV.forEach((variable, key) -> {
            String value = env.get(variable);
            layers.put(key, value == null || value.isEmpty() ? null : value, "env " + variable);
        });
        FLAGS.forEach((flag, key) -> layers.put(key, flags.value(flag), "flag " + flag));

        Secrets secrets = Secrets.of(layers.string("nats.url"), layers.string("nats.auth.password"),
                layers.string("nats.auth.token"));
        ConfigRules.validate(layers, secrets);
        layers.warnings.forEach(line -> System.err.println(Output.printable(secrets.mask(line))));
        return new Config(layers, secrets);
    }

    /** Several servers to fail over between: a list, or [runtime] mode = "cluster" (jnats learns the others). */
    boolean failsOver() {
        return servers.size() > 1 || mode.equals("cluster");
    }

    /** The URL as it may be shown: a password or token in it is masked. */
    String shownUrl() {
        return secrets.mask(url);
    }

    /** Where a setting came from, e.g. "env NATS_URL" or "config.toml:7 [nats] url". */
    String sourceOf(String key) {
        return layers.source(key);
    }

    /** --show-config: the files read and left alone, then every setting in force, where it came from, secrets masked. */
    String effectiveConfig() {
        StringBuilder out = new StringBuilder("config files and contexts\n");
        layers.report.forEach(line -> out.append("  ").append(line).append('\n'));
        if (layers.report.isEmpty()) {
            out.append("  none: built-in defaults, env and flags only\n");
        }
        out.append("effective config (highest wins: flag, env, context, lab file, root file, built-in default)\n");
        for (Key known : KEYS) {
            String key = known.name();
            if (layers.source(key) != null) {
                String shown = layers.get(key) instanceof String && !SECRET_KEYS.contains(key) && !DURATION_KEYS.contains(key)
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
                // one line each, whatever a value holds: a reader of these lines takes one key per line
                out.append(known.name()).append('=').append(Output.printable(shown(known.name()), false)).append('\n');
            }
        }
        return out.toString();
    }

    private String shown(String key) {
        Object value = key.equals("nats.url") ? url : layers.get(key);
        return SECRET_KEYS.contains(key) ? Secrets.MASK : secrets.mask(String.valueOf(value));
    }
}
