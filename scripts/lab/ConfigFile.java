// Reads one TOML config file (config.toml, a lab's config.toml) into the settings' layers: each
// value checked for its type and remembered with file and line; unknown keys are a warning. A
// file that was not named (the lab's own, found by where it lies) may not point at secret files
// or variables: those keys are left out, with a warning. Env and natscli context values, which come
// as text, take their row's type through the same check (typed).
//DEPS org.tomlj:tomlj:1.1.1
//SOURCES Setting.java Layers.java CheckedFiles.java SecretFiles.java Exit.java FilePermissions.java Output.java ConfigRules.java
//SOURCES UnknownKeys.java

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class ConfigFile {
    /**
     * One config file to read. Only a named file may point at secret files or variables (the
     * settings of kind NAMED_ONLY): a file read because of where it lies may not send your secrets
     * anywhere.
     */
    record Source(Path path, String shown, boolean named, String why) {
    }


    /** `key =` at the start of a line (bare, dotted or quoted key), and the keys whose value is a secret. */
    private static final Pattern ASSIGNMENT = Pattern.compile("\\s*([A-Za-z0-9_.\"' -]+?)\\s*=");
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)password|token|seed|secret");
    private static final Pattern NUMBER_ASSIGNMENT = Pattern.compile("\\s*([a-z_]+)\\s*=\\s*([+-]?[0-9_]+)\\s*(#.*)?");
    private static final Pattern SECTION = Pattern.compile("\\s*\\[\\s*([a-z_.]+)\\s*\\]\\s*(#.*)?");

    private ConfigFile() {
    }

    /** Puts the file's values over the layers below it; a null source (none there, none named) adds nothing. */
    static void read(Source file, Layers layers, Map<String, String> env) {
        if (file == null) {
            return;
        }
        TomlParseResult toml = parse(file.path(), file.shown(), file.why());
        checkSections(toml, file.shown());
        List<String> leftOut = new ArrayList<>();
        for (Setting key : Setting.values()) {
            Object value = toml.get(key.key) instanceof Double number ? whole(key, number) : toml.get(key.key); // "10" stays text
            if (value != null) {
                String where = file.shown() + ":" + line(toml.inputPositionOf(key.key));
                checkType(key, value, where);
                if (!file.named() && key.is(Setting.Kind.NAMED_ONLY)) {
                    leftOut.add(where + " " + key.display());
                } else {
                    put(key, value, where + " " + key.display(), layers, env);
                    if (key.is(Setting.Kind.SECRET)) { // a password in the file itself
                        layers.warn(FilePermissions.othersCanRead(file.path(), where + " " + key.display()));
                    }
                }
            }
        }
        if (!leftOut.isEmpty()) {
            layers.warn("WARN left out " + String.join(", ", leftOut) + ": a config file read without being named may "
                    + "not point at secret files or variables; name it (--config " + file.shown() + ") to use them");
        }
        warnAboutUnknownKeys(file.shown(), toml, layers);
    }

    /** Whether a file holds any of the lab's keys (to say it was left alone); false when it is not TOML at all. */
    static boolean holdsLabSettings(Path file) {
        try {
            TomlParseResult toml = parse(file, file.toString(), "");
            return Arrays.stream(Setting.values()).anyMatch(key -> toml.get(key.key) != null);
        } catch (LabException notTomlOrNotReadable) {
            return false;
        }
    }

    /** @param why how the file came to be read ("named by env LAB_CONFIG"): a missing file says where its path came from */
    private static TomlParseResult parse(Path file, String shown, String why) {
        String env = why.startsWith("named by env ") ? why.substring("named by env ".length()) : null;
        String text = CheckedFiles.text(file, problem -> problem.equals("not found")
                ? Exit.config("config file %s not found (%s): check the path, or %s to use defaults", shown, why,
                        env != null ? "unset " + env : "leave the flag out")
                : Exit.config("config file %s %s%s", shown, problem, problem.contains("not a") ? ": name the config "
                        + "file itself" : ""));
        TomlParseResult toml;
        try {
            toml = Toml.parse(text);
        } catch (StackOverflowError nestedTooDeeply) {
            throw Exit.config("%s: not valid TOML: it nests deeper than a config file does", shown);
        }
        if (toml.hasErrors()) {
            var error = toml.errors().get(0);
            int line = error.position().line();
            String message = error.getMessage();
            if (inSecretValue(text, line)) { // tomlj quotes what it could not read: there, part of a password
                message = message.startsWith("Unexpected ") // then a list of what it expected, quotes quoted: no help
                        ? "Unexpected (text not shown: a secret): a secret is one quoted string after its key, e.g. password = \"...\""
                        : message.replaceAll("'[^']*'", "(text not shown: a secret)");
            }
            String pastALong = message.startsWith("Integer is too large") ? pastALong(text, line) : null;
            if (pastALong != null) {
                throw Exit.config("%s:%d %s", shown, line, pastALong);
            }
            throw Exit.config("%s:%d: not valid TOML: %s", shown, line, message);
        }
        return toml;
    }

    /**
     * A whole number past a long on the 1-based line (tomlj refuses it): "[consumer] max_deliver: 99999999999999999999
     * is not valid: " and the setting's range, as its flag's says; null when the line is no numeric setting of a
     * section (a table written inline, say), and then tomlj's own words stand.
     */
    private static String pastALong(String text, int line) {
        List<String> lines = text.lines().toList();
        Matcher assignment = line <= lines.size() ? NUMBER_ASSIGNMENT.matcher(lines.get(line - 1)) : null;
        if (assignment == null || !assignment.matches()) {
            return null;
        }
        String section = null;
        for (int i = line - 2; i >= 0 && section == null; i--) {
            Matcher header = SECTION.matcher(lines.get(i));
            section = header.matches() ? header.group(1) : null;
        }
        Setting key = section == null ? null : Setting.byKey(section + "." + assignment.group(1));
        String rule = key == null ? null : ConfigRules.numberRule(key);
        return rule == null ? null : key.display() + ": " + assignment.group(2) + " is not valid: " + rule;
    }

    /**
     * Whether the 1-based line may be in the value of a password or token: a secret's key appears
     * anywhere from the assignment the line belongs to down to it (inline tables included:
     * auth = { password = 8f3a... }).
     */
    private static boolean inSecretValue(String text, int line) {
        List<String> lines = text.lines().toList();
        for (int i = Math.min(line, lines.size()) - 1; i >= 0; i--) {
            if (SECRET_KEY.matcher(lines.get(i)).find()) {
                return true;
            }
            if (ASSIGNMENT.matcher(lines.get(i)).lookingAt()) {
                return false;
            }
        }
        return false;
    }

    private static void checkType(Setting key, Object value, String where) {
        String seconds = key.type.isInstance(value) ? null : ConfigRules.notWholeSeconds(key, value);
        if (seconds != null) {
            throw Exit.config("%s %s: %s", where, key.display(), seconds);
        }
        mustBeOfType(key, value, where + " " + key.display());
    }

    /**
     * A value from env or a natscli context, where numbers and true/false come as text: made the row's type and
     * checked as a file's value is. A time stays text, a duration as a flag gives it, checked with the other times.
     * @param where the variable or the context's field, as an error line names it ("env NATS_TIMEOUT")
     */
    static Object typed(Setting key, Object value, String where) {
        if (value instanceof String text && key.is(Setting.Kind.DURATION)) {
            return text;
        }
        Object typed = !(value instanceof String text) ? whole(key, value)
                : key.type == Long.class ? whole(key, text)
                : key.type == Boolean.class && text.matches("true|false") ? Boolean.valueOf(text) : text;
        mustBeOfType(key, typed, where);
        return typed;
    }

    /**
     * A whole-number setting's value written as a float, in exponent form or as numeric text (1e3, 1000.0, "1000"):
     * that whole number, as a Long; anything else as it was, for the type check to refuse.
     */
    private static Object whole(Setting key, Object value) {
        if (key.type != Long.class || !(value instanceof Double || value instanceof String)) {
            return value;
        }
        try {
            String text = value instanceof String typed ? typed : Output.number(value);
            return text.length() > 40 || !text.matches("[-+0-9.eE]+") ? value : new java.math.BigDecimal(text).longValueExact();
        } catch (NumberFormatException | ArithmeticException notAWholeNumber) {
            return value;
        }
    }

    private static void mustBeOfType(Setting key, Object value, String what) {
        if (!key.type.isInstance(value)) {
            String expected = key.type == Long.class ? "a whole number, like 5"
                    : key.type == Boolean.class ? "true or false" : "a string in quotes";
            throw Exit.config("%s: %s is not valid: it must be %s", what, found(value, key.is(Setting.Kind.SECRET)), expected);
        }
    }

    /** `nats = 5` would hide every [nats] key (they are read as nats.url, ...): a section must be a table. */
    private static void checkSections(TomlParseResult toml, String shown) {
        for (String section : new TreeSet<>(Arrays.stream(Setting.values()).map(Setting::section).toList())) {
            Object value = toml.get(List.of(section.split("\\.")));
            if (value != null && !(value instanceof TomlTable)) {
                throw Exit.config("%s:%d %s: %s is not valid: it must be a section ([%s])", shown,
                        line(toml.inputPositionOf(List.of(section.split("\\.")))), section,
                        found(value, section.equals("nats.auth")), section);
            }
        }
    }

    /** What was found instead: the value itself, or what it is when it is a table, an array or a secret. */
    private static String found(Object value, boolean secret) {
        if (value instanceof TomlTable) {
            return "a table (a [section] or { ... })";
        }
        if (value instanceof TomlArray) {
            return "an array ([ ... ])";
        }
        if (!secret) {
            return value instanceof String text ? Output.quoted(text) : Output.number(value); // "10" is text, 10 a number
        }
        return value instanceof String ? "a string" : value instanceof Number ? "a number"
                : value instanceof Boolean ? "true or false" : "a date or time";
    }

    /** password_file and token_file read the secret from a file, password_env and token_env from a variable. */
    private static void put(Setting key, Object value, String source, Layers layers, Map<String, String> env) {
        Setting target = key.secretItGives();
        if (target != null && key.is(Setting.Kind.FILE)) {
            String file = CheckedFiles.expandHome((String) value);
            layers.put(target, SecretFiles.secret(file, source), source);
            layers.warn(FilePermissions.othersCanRead(Path.of(file), source));
        } else if (target != null) {
            String secret = env.get((String) value);
            if (secret == null || secret.isEmpty()) {
                throw Exit.config("%s names the environment variable %s, which is not set: export it, or remove the key",
                        source, value);
            }
            layers.put(target, secret, source + " (" + value + ")");
        } else {
            layers.put(key, key.is(Setting.Kind.FILE) ? CheckedFiles.expandHome((String) value) : value, source);
        }
    }

    /**
     * A key no row has: one line, with the nearest known key when one is close (a typo, or a word added
     * to a key: user_name for user); else a second line with the keys of its section, or where all are listed.
     */
    private static void warnAboutUnknownKeys(String file, TomlParseResult toml, Layers layers) {
        Set<String> known = new TreeSet<>();
        for (Setting key : Setting.values()) {
            known.add(key.key);
        }
        Set<String> hinted = new java.util.HashSet<>(); // the same hint after each of two unknown keys says nothing new
        for (String dotted : toml.dottedKeySet().stream().filter(key -> !known.contains(key))
                .sorted(java.util.Comparator.comparingInt(key -> line(toml.inputPositionOf(key)))).toList()) {
            String nearest = UnknownKeys.nearest(dotted, known);
            layers.warn(UnknownKeys.line(file + ":" + line(toml.inputPositionOf(dotted)), "key", dotted, nearest));
            String hint = nearest == null ? UnknownKeys.sectionKeys(dotted, known) : null;
            if (hint != null && hinted.add(hint)) {
                layers.warn(hint);
            }
        }
    }

    private static int line(TomlPosition position) {
        return position == null ? 0 : position.line();
    }
}
