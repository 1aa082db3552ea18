// Every setting given so far for one run, each with where it came from ("env NATS_URL",
// "config.toml:7 [nats] url"): the config readers put their values here, lowest layer first.
//SOURCES Setting.java Durations.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

final class Layers {
    /** The command line: a flag's value by its name ("--stream"), null when it was not given or is not the script's. */
    interface Flags {
        Object value(String flag);

        /**
         * The lab whose own config file a run reads when none is named: the lab the script is taught
         * in; null when the flags do not say (the config sources then take the course's first JetStream lab).
         */
        default String lab() {
            return null;
        }
    }

    private final Map<Setting, Object> values = new EnumMap<>(Setting.class);
    private final Map<Setting, String> sources = new EnumMap<>(Setting.class);
    private final Map<Setting, Origin> origins = new EnumMap<>(Setting.class);

    /** The kind of layer a value came from: code asks this, never the shown source text. */
    enum Origin { DEFAULT, FILE, ENV, FLAG }
    /** Lines for stderr once the settings are known to be good (a failed run prints only its error). */
    private final List<String> warnings = new ArrayList<>();
    /** For --show-config: which files and context were read, and which were left alone. */
    private final List<Report> report = new ArrayList<>();

    /** A file or context read or left alone ("read     config.toml"), and why. */
    record Report(String what, String why) {}
    /** The subject the lab's files (or the default) set, before env, context and flags: the example hints show. */
    String labSubject;

    void warn(String line) {
        if (line != null) {
            warnings.add(line);
        }
    }

    void report(String what, String why) {
        report.add(new Report(what, why));
    }

    List<String> warnings() {
        return warnings;
    }

    List<Report> report() {
        return report;
    }

    /** A value from a config file or a natscli context, with its place there ("config.toml:7 [nats] url"). */
    void put(Setting key, Object value, String source) {
        put(key, value, Origin.FILE, source);
    }

    void putDefault(Setting key) {
        put(key, key.byDefault, Origin.DEFAULT, "built-in default");
    }

    /** A value from the key's variable, of the key's type (ConfigFile.typed). */
    void putEnv(Setting key, Object value) {
        put(key, value, Origin.ENV, "env " + key.env);
    }

    void putFlag(Setting key, Object value) {
        put(key, value, Origin.FLAG, "flag " + key.flag());
    }

    /** A higher layer puts over a lower one; a null value (not given there) changes nothing. */
    private void put(Setting key, Object value, Origin origin, String source) {
        if (value != null) {
            values.put(key, value);
            sources.put(key, source);
            origins.put(key, origin);
        }
    }

    Object get(Setting key) {
        return values.get(key);
    }

    String string(Setting key) {
        return (String) values.get(key);
    }

    long number(Setting key) {
        return (Long) values.get(key);
    }

    /** A time setting: whole seconds from a file or default, a duration text from a flag or env (checked by ConfigRules). */
    Duration duration(Setting key) {
        Object value = values.get(key);
        return value instanceof Long seconds ? Duration.ofSeconds(seconds) : Durations.parse(String.valueOf(value));
    }

    /** Where the key's value came from, e.g. "env NATS_URL" or "config.toml:7 [nats] url". */
    String source(Setting key) {
        return sources.get(key);
    }

    boolean fromFlag(Setting key) {
        return origins.get(key) == Origin.FLAG;
    }

    /** Whether something the run was given (a file, a context, env, a flag) set the key, not its default. */
    boolean given(Setting key) {
        Origin origin = origins.get(key);
        return origin != null && origin != Origin.DEFAULT;
    }
}
