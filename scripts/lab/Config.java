// The lab's settings in force for one run: the layers that set them (highest wins: flag, env,
// natscli context, lab file, root file, built-in default), each value with where it came from.
// Which settings there are is the table in Setting.java; finding the files, reading one, reading
// a context and checking the values each have a file of their own.
//SOURCES ConfigSources.java ConfigFile.java NatsContext.java ConfigRules.java ServerUrl.java
//SOURCES Secrets.java Output.java Setting.java Layers.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class Config {
    /** The server's own default, which the lab's default follows. */
    static final long DEFAULT_DUPLICATE_WINDOW_SECS = (Long) Setting.DUPLICATE_WINDOW.byDefault;

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

    /** For --show-config: why the checks refused these settings (shown after them), or null when they passed. */
    final LabException refused;

    private final Layers layers;

    private Config(Layers layers, Secrets secrets, List<ServerUrl> servers, LabException refused) {
        this.layers = layers;
        this.secrets = secrets;
        this.refused = refused;
        this.mode = layers.string(Setting.MODE);
        this.servers = servers;
        this.url = refused != null ? layers.string(Setting.URL) : ServerUrl.joined(servers);
        this.timeout = layers.duration(Setting.TIMEOUT);
        this.subject = layers.string(Setting.SUBJECT);
        this.stream = layers.string(Setting.STREAM);
        this.consumer = layers.string(Setting.CONSUMER);
        this.wait = layers.duration(Setting.WAIT);
        this.ackWait = layers.duration(Setting.ACK_WAIT);
        this.maxDeliver = layers.number(Setting.MAX_DELIVER);
        this.duplicateWindow = layers.duration(Setting.DUPLICATE_WINDOW);
        this.storage = layers.string(Setting.STORAGE);
        this.replicas = (int) layers.number(Setting.REPLICAS);
        this.user = layers.string(Setting.USER);
        this.password = layers.string(Setting.PASSWORD);
        this.token = layers.string(Setting.TOKEN);
        this.nkeySeedFile = layers.string(Setting.NKEY_SEED_FILE);
        this.credsFile = layers.string(Setting.CREDS_FILE);
        this.caFile = layers.string(Setting.CA_FILE);
        this.certFile = layers.string(Setting.CERT_FILE);
        this.keyFile = layers.string(Setting.KEY_FILE);
        this.handshakeFirst = isSet(Setting.HANDSHAKE_FIRST);
    }

    /** Applies the layers lowest first: defaults, root file, lab file, natscli context, environment, flags. */
    static Config load(Map<String, String> env, Layers.Flags flags) {
        return load(env, flags, false);
    }

    /**
     * The same; for showing (--show-config), settings the checks refuse are kept, with why in `refused`: a person
     * asking where each value came from is most often one whose values do not go together.
     */
    static Config load(Map<String, String> env, Layers.Flags flags, boolean showing) {
        Layers layers = new Layers();
        for (Setting setting : Setting.values()) {
            layers.putDefault(setting);
        }

        ConfigSources files = ConfigSources.find(env, flags);
        files.report.forEach(read -> layers.report(read.what(), read.why()));
        files.notice.forEach(layers::warn);
        ConfigFile.read(files.root, layers, env);
        ConfigFile.read(files.lab, layers, env);
        layers.labSubject = layers.string(Setting.SUBJECT);
        NatsContext.apply((String) flags.value("--context"), Boolean.TRUE.equals(flags.value("--no-context")), env, layers);

        for (Setting setting : Setting.values()) {
            String text = setting.env == null ? null : env.get(setting.env);
            if (text != null && !text.isEmpty()) { // empty: not set, as in natscli
                layers.putEnv(setting, ConfigFile.typed(setting, text, "env " + setting.env));
            }
        }
        for (Setting setting : Setting.values()) {
            if (setting.flag() != null) {
                layers.putFlag(setting, flags.value(setting.flag()));
            }
        }

        List<String> secretValues = new ArrayList<>(); // every secret row of the table, wherever its value came from
        for (Setting setting : Setting.values()) {
            if (setting.is(Setting.Kind.SECRET)) {
                secretValues.add(layers.string(setting));
            }
        }
        Secrets secrets = Secrets.of(layers.string(Setting.URL), secretValues.toArray(String[]::new));
        List<ServerUrl> servers;
        try {
            servers = ConfigRules.validate(layers, secrets);
        } catch (LabException refused) {
            if (!showing) {
                throw refused;
            }
            return new Config(layers, secrets, List.of(), refused);
        }
        layers.warnings().forEach(line -> System.err.println(Output.line(secrets.mask(line), false)));
        return new Config(layers, secrets, servers, null);
    }

    /** Several servers to fail over between: a list, or [runtime] mode = "cluster" (jnats learns the others). */
    boolean failsOver() {
        return servers.size() > 1 || mode.equals("cluster");
    }

    /** The URL as it may be shown: a password or token in it is masked. */
    String shownUrl() {
        return secrets.maskServerList(url);
    }

    /** Where a setting came from, e.g. "env NATS_URL" or "config.toml:7 [nats] url". */
    String sourceOf(Setting key) {
        return layers.source(key);
    }

    /** Whether the run names this setting (a file, a context, env, a flag) rather than leaving it to its default. */
    boolean given(Setting key) {
        return layers.given(key);
    }

    /** Any setting's value in force, checked (a setting without a field above is read this way); null when not set. */
    String string(Setting key) {
        return layers.string(key);
    }

    long number(Setting key) {
        return layers.number(key);
    }

    Duration duration(Setting key) {
        return layers.duration(key);
    }

    boolean isSet(Setting key) {
        return Boolean.TRUE.equals(layers.get(key));
    }

    /** --show-config: the files read and left alone, then every setting in force, where it came from, secrets masked. */
    String effectiveConfig() {
        StringBuilder out = new StringBuilder("config files and contexts\n");
        for (Layers.Report read : layers.report()) { // why a file was read or left goes below it: paths are long
            fit(out, "  ", "           ", read.what());
            fit(out, "           ", "           ", "(" + read.why() + ")");
        }
        if (layers.report().isEmpty()) {
            out.append("  none: built-in defaults, env and flags only\n");
        }
        out.append("effective config (highest wins: flag, env, context, lab, root, default)\n");
        for (Setting key : Setting.values()) {
            if (layers.source(key) != null) {
                String shown = layers.get(key) instanceof String && !key.is(Setting.Kind.SECRET)
                        && !key.is(Setting.Kind.DURATION) ? Output.quoted(shown(key)) : shown(key);
                String setting = "  " + key.key + " = " + shown;
                String from = "(" + layers.source(key) + ")";
                if (setting.length() + 2 + from.length() <= COLUMNS) {
                    out.append(setting).append("  ").append(from).append('\n');
                } else { // where it came from goes on lines of its own
                    fit(out, "  " + key.key + " = ", "      ", shown);
                    fit(out, "      ", "      ", from);
                }
            }
        }
        return out.toString();
    }

    /** --show-config fits a terminal of the usual width. */
    static final int COLUMNS = 80;

    /**
     * Text after a lead, in lines of at most COLUMNS, the later ones after an indent: broken between
     * words, and a word too long for a line (a path, a server list) after a '/' or ',' where one fits.
     */
    private static void fit(StringBuilder out, String lead, String indent, String text) {
        StringBuilder line = new StringBuilder(lead);
        int start = lead.length();
        for (String word : text.split(" ", -1)) {
            boolean fitsALine = indent.length() + word.length() <= COLUMNS;
            if (line.length() > start && line.length() + 1 + word.length() > COLUMNS && fitsALine) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(indent);
                start = indent.length();
            }
            line.append(line.length() > start ? " " : "").append(word);
            while (line.length() > COLUMNS) {
                int cut = Math.max(line.lastIndexOf("/", COLUMNS - 1), line.lastIndexOf(",", COLUMNS - 1)) + 1;
                cut = cut > start ? cut : COLUMNS;
                out.append(line, 0, cut).append('\n');
                line.replace(0, cut, indent);
                start = indent.length();
            }
        }
        out.append(line).append('\n');
    }

    /**
     * --show-config-lines: the same settings as key=value lines, for scripts. bin/lab-server reads the mode and
     * the server list, parsed here so that it parses no URL: nats.url.servers (each in full form, masked),
     * nats.url.hosts and nats.url.ports (the same order, space-separated) and nats.url.source.
     */
    String effectiveConfigLines() {
        StringBuilder out = new StringBuilder();
        for (Setting key : Setting.values()) {
            if (layers.source(key) != null) {
                line(out, key.key, shown(key));
            }
            if (key == Setting.URL) {
                line(out, key.key + ".servers", String.join(" ", servers.stream().map(server -> secrets.maskServerList(server.forClient())).toList()));
                line(out, key.key + ".hosts", String.join(" ", servers.stream().map(ServerUrl::host).toList()));
                line(out, key.key + ".ports", String.join(" ", servers.stream().map(server -> String.valueOf(server.port())).toList()));
                line(out, key.key + ".source", layers.source(key));
            }
        }
        return out.toString();
    }

    /** One line each, whatever a value holds: a reader of these lines takes one key per line. */
    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append('=').append(Output.printable(value, false)).append('\n');
    }

    private String shown(Setting key) {
        if (key == Setting.URL) {
            return shownUrl();
        }
        return key.is(Setting.Kind.SECRET) ? Secrets.MASK : secrets.mask(String.valueOf(layers.get(key)));
    }
}
