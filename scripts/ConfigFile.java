// Reads one TOML config file (config.toml, a lab's config.toml) into the settings' layers: each
// value checked for its type and remembered with file and line; unknown keys are a warning.
//DEPS org.tomlj:tomlj:1.1.1
//SOURCES Config.java SecretFiles.java TextFiles.java Exit.java

import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
            toml = Toml.parse(TextFiles.read(file)); // a FIFO or /dev/zero: refused, not read forever
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
