// What makes a setting valid, checked once all layers are in: names, subject, URL, numbers, and
// one complete way to log in with files that exist. A bad value from a flag is a usage error (2),
// from a file, env or context a config error (3); either way the line says where it came from.
//SOURCES Config.java SecretFiles.java ServerUrl.java Secrets.java Subjects.java Exit.java Output.java

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

final class ConfigRules {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final long MAX_SECONDS = 86_400;
    private static final int MAX_NAME = 255; // the server's limit for stream and consumer names (10052, 10102)
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
        String subjectProblem = Subjects.problem(layers.string("nats.subject")); // every script's subject, before connecting
        if (subjectProblem != null) {
            throw invalid(layers, secrets, "nats.subject", subjectProblem);
        }
        for (String key : List.of("nats.stream", "nats.consumer")) {
            if (!NAME.matcher(layers.string(key)).matches()) {
                throw invalid(layers, secrets, key, "use letters, digits, - and _ only (no spaces, '.', '*' or '>')");
            }
            if (layers.string(key).length() > MAX_NAME) {
                throw invalid(layers, secrets, key, "it is " + layers.string(key).length() + " characters long, and the "
                        + "server takes names of at most " + MAX_NAME);
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
            if (layers.number(key) > MAX_SECONDS) { // a far larger one overflows the milliseconds jnats counts in
                throw invalid(layers, secrets, key, "it must be at most " + MAX_SECONDS + " seconds (a day)");
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
