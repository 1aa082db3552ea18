// Reads a natscli context (~/.config/nats/context/NAME.json, or a path) into the settings' layers:
// its URL, login and TLS files, as `nats --context NAME` would use them.
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java SecretFiles.java TextFiles.java Exit.java

import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

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
            json = JsonParser.parse(TextFiles.read(file));
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
