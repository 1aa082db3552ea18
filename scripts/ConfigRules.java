// What makes a setting valid, checked once all layers are in: names, subject, server list, times,
// and one complete way to log in with files that exist and look right. A bad value from a flag is
// a usage error (2), from a file, env or context a config error (3); either way the line says
// where it came from. Settings that work but put a secret at risk get a warning.
//SOURCES Config.java ConfigFile.java SecretFiles.java CheckedFiles.java ServerUrl.java Durations.java Secrets.java Subjects.java
//SOURCES Exit.java Output.java

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

final class ConfigRules {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** The server's limit for stream and consumer names (nats-server: "maximum allowed is 255"). */
    static final int LONGEST_NAME = 255;
    /** JetStream's limit for a stream's replicas. */
    static final int MOST_REPLICAS = 5;
    private static final List<String> LOGINS = List.of("nats.auth.user", "nats.auth.token", "nats.auth.nkey_seed_file",
            "nats.auth.creds_file");
    private static final List<String> FILES = List.of("nats.auth.nkey_seed_file", "nats.auth.creds_file",
            "nats.tls.ca_file", "nats.tls.cert_file", "nats.tls.key_file");
    private static final List<String> TLS_SETTINGS = List.of("nats.tls.ca_file", "nats.tls.cert_file",
            "nats.tls.key_file", "nats.tls.handshake_first");

    private ConfigRules() {
    }

    static void validate(Config.Layers layers, Secrets secrets) {
        String mode = layers.string("runtime.mode");
        if (!mode.equals("local") && !mode.equals("remote") && !mode.equals("cluster")) {
            throw invalid(layers, secrets, "runtime.mode", "use \"local\", \"remote\" or \"cluster\"");
        }
        String storage = layers.string("stream.storage");
        if (!storage.equals("file") && !storage.equals("memory")) {
            throw invalid(layers, secrets, "stream.storage", "use \"file\" (kept on disk) or \"memory\"");
        }
        List<ServerUrl> servers;
        try {
            servers = ServerUrl.parseList(layers.string("nats.url"));
        } catch (ServerUrl.Invalid e) {
            throw invalid(layers, secrets, "nats.url", e.getMessage());
        }
        String subjectProblem = Subjects.problem(layers.string("nats.subject"), layers.labSubject); // every script's subject, before connecting
        if (subjectProblem != null) {
            throw invalid(layers, secrets, "nats.subject", subjectProblem);
        }
        for (String key : List.of("nats.stream", "nats.consumer")) {
            if (!NAME.matcher(layers.string(key)).matches()) {
                throw invalid(layers, secrets, key, "use letters, digits, - and _ only (no spaces, '.', '*' or '>')");
            }
            if (layers.string(key).length() > LONGEST_NAME) {
                throw invalid(layers, secrets, key, "a name has at most " + LONGEST_NAME + " characters (the server's "
                        + "limit), this one has " + layers.string(key).length());
            }
        }
        long maxDeliver = layers.number("consumer.max_deliver");
        if (maxDeliver == 0 || maxDeliver < -1) {
            throw invalid(layers, secrets, "consumer.max_deliver", "use -1 for no limit, or 1 or more");
        }
        long replicas = layers.number("stream.replicas");
        if (replicas < 1 || replicas > MOST_REPLICAS) {
            throw invalid(layers, secrets, "stream.replicas", "use 1 to " + MOST_REPLICAS + " (1: no copies; 3 on a "
                    + "three-node cluster survives the loss of one node)");
        }
        validateTimes(layers, secrets);
        validateTls(layers, secrets, servers);
        validateLogin(layers);
        warnAboutSecretsOnTheCommandLine(layers, servers);
    }

    private static void validateTimes(Config.Layers layers, Secrets secrets) {
        for (String key : Config.DURATION_KEYS) {
            Duration duration = layers.duration(key);
            boolean timeout = key.equals("nats.timeout_secs");
            if (duration == null) {
                throw invalid(layers, secrets, key, "use a number of seconds (5) or a duration like 5s, "
                        + (timeout ? "500ms" : "1.5s") + " or 1m");
            }
            if (duration.compareTo(timeout ? Duration.ofMillis(1) : Duration.ofSeconds(1)) < 0) {
                throw invalid(layers, secrets, key, timeout ? "it must be at least 1ms" : "it must be at least 1 second"
                        + (key.equals("recv.wait_secs") ? " (jnats sends no pull request shorter than that)" : ""));
            }
            if (duration.compareTo(Durations.LONGEST) > 0) {
                throw invalid(layers, secrets, key, "it must be at most " + Durations.format(Durations.LONGEST)
                        + " (a year)");
            }
        }
    }

    /** ws:// is plain text: with TLS settings in force (or a tls:// or wss:// beside it) it would send the login unencrypted. */
    private static void validateTls(Config.Layers layers, Secrets secrets, List<ServerUrl> servers) {
        String tlsSetting = TLS_SETTINGS.stream().filter(key -> layers.get(key) != null).findFirst().orElse(null);
        boolean tlsUrl = servers.stream().anyMatch(ServerUrl::asksForTls);
        if ((tlsSetting != null || tlsUrl) && servers.stream().anyMatch(ServerUrl::isPlainWebsocket)) {
            String why = tlsSetting != null ? "TLS is configured (" + layers.source(tlsSetting) + ")"
                    : "the list also asks for TLS";
            throw invalid(layers, secrets, "nats.url", "ws:// is a plain-text websocket, but " + why + ": use wss:// "
                    + "so the connection is encrypted");
        }
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
            String problem = file == null ? null : CheckedFiles.problem(Path.of(file));
            if (problem != null) {
                throw SecretFiles.unfit(exitCode(layers, key), layers.source(key), file, problem);
            }
        }
        if ((layers.get("nats.tls.cert_file") == null) != (layers.get("nats.tls.key_file") == null)) {
            String given = layers.get("nats.tls.cert_file") != null ? "nats.tls.cert_file" : "nats.tls.key_file";
            throw Exit.config("%s: a client certificate needs both cert_file and key_file", layers.source(given));
        }
        if (layers.get("nats.auth.nkey_seed_file") != null) {
            SecretFiles.nkeySeed(layers.string("nats.auth.nkey_seed_file"), layers.source("nats.auth.nkey_seed_file"),
                    exitCode(layers, "nats.auth.nkey_seed_file"));
        }
        if (layers.get("nats.auth.creds_file") != null) {
            SecretFiles.creds(layers.string("nats.auth.creds_file"), layers.source("nats.auth.creds_file"),
                    exitCode(layers, "nats.auth.creds_file"));
        }
        for (String key : SecretFiles.SECRET_FILE_KEYS) {
            if (layers.get(key) != null) {
                layers.warn(CheckedFiles.othersCanRead(Path.of(layers.string(key)), layers.source(key)));
            }
        }
    }

    /** ps shows every process's command line to every user of the machine: say so when a secret came that way. */
    private static void warnAboutSecretsOnTheCommandLine(Config.Layers layers, List<ServerUrl> servers) {
        List<String> shown = new ArrayList<>();
        for (String key : Config.SECRET_KEYS) {
            if (layers.fromFlag(key)) {
                shown.add(layers.source(key).substring("flag ".length()));
            }
        }
        if (layers.fromFlag("nats.url") && servers.stream().anyMatch(url -> url.login() != null)) {
            shown.add("the login in " + layers.source("nats.url").substring("flag ".length()));
        }
        if (!shown.isEmpty()) {
            layers.warn("WARN " + String.join(" and ", shown) + (shown.size() == 1 ? " is" : " are") + " visible to "
                    + "every user of this machine (ps shows command lines): use NATS_PASSWORD or NATS_TOKEN, [nats.auth] "
                    + "password_file/token_file or *_env in a config file you name, or a natscli context instead");
        }
    }

    private static LabException invalid(Config.Layers layers, Secrets secrets, String key, String hint) {
        Object value = layers.get(key);
        String text = secrets.mask(String.valueOf(value)); // masked before it is cut: a cut secret would not be found
        if (text.length() > 100) {
            text = text.substring(0, 60) + "...";
        }
        boolean number = Config.DURATION_KEYS.contains(key) && text.matches("-?[0-9]+");
        String shown = value instanceof String && !number ? Output.quoted(text) : text;
        return Exit.with(exitCode(layers, key), "%s: %s is not valid: %s", layers.source(key), shown, hint);
    }

    private static int exitCode(Config.Layers layers, String key) {
        return layers.fromFlag(key) ? Exit.USAGE : Exit.CONFIG;
    }
}
