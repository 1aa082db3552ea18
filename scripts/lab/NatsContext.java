// Reads a natscli context (~/.config/nats/context/NAME.json, or a path) into the settings' layers:
// its URL, login and TLS files, as `nats --context NAME` would use them. With no --context and no
// NATS_CONTEXT, the context chosen with `nats context select` (context.txt) applies, as in natscli.
//DEPS io.nats:jnats:2.26.2
//SOURCES Setting.java Layers.java CheckedFiles.java SecretFiles.java Exit.java UserHome.java FilePermissions.java ConfigFile.java
//SOURCES UnknownKeys.java

import io.nats.client.support.JsonValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

final class NatsContext {
    /** The fields natscli writes into a context that no setting of the lab reads: known, so no warning. */
    private static final List<String> OTHER_NATSCLI_FIELDS = List.of("name", "description", "socks_proxy", "nsc",
            "jetstream_domain", "jetstream_api_prefix", "jetstream_event_prefix", "inbox_prefix", "user_jwt",
            "color_scheme", "windows_cert_store", "windows_cert_match_by", "windows_cert_match", "windows_ca_certs_match");

    private NatsContext() {
    }

    /** The context named by --context, NATS_CONTEXT or natscli's selection, in that order; none (or --no-context): nothing added. */
    static void apply(String flag, boolean none, Map<String, String> env, Layers layers) {
        if (none) {
            if (flag != null) {
                throw Exit.usage("--context %s and --no-context contradict each other: give one", flag);
            }
            layers.report("not read natscli contexts", "--no-context");
        } else if (flag != null) {
            read(file(flag, "flag --context", env), flag, "flag --context", layers);
        } else if (env.get("NATS_CONTEXT") != null && !env.get("NATS_CONTEXT").isEmpty()) {
            read(file(env.get("NATS_CONTEXT"), "env NATS_CONTEXT", env), env.get("NATS_CONTEXT"), "env NATS_CONTEXT", layers);
        } else {
            Path selection = natsConfigHome(env).resolve("context.txt");
            if (Files.isRegularFile(selection)) {
                String name = CheckedFiles.text(selection, problem -> Exit.config("natscli's selected context (%s) %s",
                        selection, problem)).trim();
                if (!name.isEmpty()) {
                    if (!name.matches("[A-Za-z0-9_.-]+") || name.startsWith(".")) {
                        throw Exit.config("natscli's selected context in %s is not a context name: select one with "
                                + "`nats context select`", selection);
                    }
                    read(natsConfigHome(env).resolve("context").resolve(name + ".json"), name,
                            "selected with `nats context select`", layers);
                }
            }
        }
    }

    /** @param how where the name came from ("flag --context", "env NATS_CONTEXT"), for error messages */
    private static void read(Path file, String name, String how, Layers layers) {
        String text = CheckedFiles.text(file, problem -> !problem.equals("not found")
                ? Exit.config("%s: natscli context file %s %s", how, file, problem)
                : how.startsWith("selected") ? Exit.config("natscli's selected context %s has no file %s: select another "
                        + "with `nats context select`, or add --no-context", name, file)
                : Exit.config("%s: natscli context %s not found (no file %s); `nats context ls` lists yours", how, name, file));
        JsonValue json = SecretFiles.json(text);
        if (json == null || json.map == null) {
            throw Exit.config("%s: natscli context file %s is not a JSON object: %s", how, file,
                    name.equals(file.toString()) ? "fix its JSON" : "`nats context edit " + name + "` fixes it");
        }
        String source = "context " + name + (name.equals(file.toString()) ? "" : " (" + file + ")");
        layers.report("read     " + source, how.startsWith("selected") ? how : "named by " + how);
        for (Setting setting : Setting.values()) {
            JsonValue value = setting.contextField == null ? null : json.map.get(setting.contextField);
            if (value != null && setting.is(Setting.Kind.SECRET) && value.string != null && !value.string.isEmpty()) {
                layers.warn(FilePermissions.othersCanRead(file, source + " " + setting.contextField));
                break;
            }
        }
        for (Setting setting : Setting.values()) {
            JsonValue value = setting.contextField == null ? null : json.map.get(setting.contextField);
            Object plain = value == null ? null : plain(value);
            if (plain == null || plain.equals("")) { // natscli writes "" for a field not set, and false for a switch off
                continue;
            }
            String field = source + " " + setting.contextField;
            Object typed = ConfigFile.typed(setting, plain, field);
            if (!Boolean.FALSE.equals(typed)) {
                layers.put(setting, typed instanceof String path && setting.is(Setting.Kind.FILE)
                        ? CheckedFiles.expandHome(path) : typed, field);
            }
        }
        warnAboutUnknownFields(json, source, layers);
    }

    /** A field natscli does not know either (a typo: urls, tls_frist) would be ignored without a word. */
    private static void warnAboutUnknownFields(JsonValue json, String source, Layers layers) {
        Set<String> known = new TreeSet<>(OTHER_NATSCLI_FIELDS);
        Arrays.stream(Setting.values()).map(setting -> setting.contextField).filter(Objects::nonNull).forEach(known::add);
        json.map.keySet().stream().filter(field -> !known.contains(field)).sorted().forEach(field ->
                layers.warn(UnknownKeys.line(source, "field", field, UnknownKeys.nearest(field, known))));
    }

    /** A JSON value as a config file's reader has it: text, a number, true or false; anything else as its JSON. */
    private static Object plain(JsonValue value) {
        return switch (value.type) {
            case STRING -> value.string;
            case BOOL -> value.bool;
            case INTEGER, LONG -> value.l != null ? value.l : Long.valueOf(value.i);
            case DOUBLE, FLOAT -> value.number;
            case NULL -> null;
            default -> value.toJson();
        };
    }

    /**
     * Where natscli finds a context you name: a file you point at, when it ends in .json and is there
     * (from the working folder when relative, as you typed it); otherwise a name in natscli's own
     * folder for contexts, which may not climb out of it.
     */
    private static Path file(String name, String how, Map<String, String> env) {
        Path given = Path.of(CheckedFiles.expandHome(name));
        if (name.endsWith(".json") && Files.exists(given)) {
            return given;
        }
        if (name.contains("/") || name.contains("..")) {
            throw Exit.config("%s: %s is neither a context name nor a .json file that exists: `nats context ls` lists "
                    + "your contexts", how, name);
        }
        return natsConfigHome(env).resolve("context").resolve(name + ".json");
    }

    private static Path natsConfigHome(Map<String, String> env) {
        return UserHome.xdg(env, "XDG_CONFIG_HOME", ".config").resolve("nats");
    }
}
