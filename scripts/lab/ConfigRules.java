// What makes a setting valid, checked once all layers are in: names, subject, server list, times,
// and one complete way to log in with files that exist and look right. A bad value from a flag is
// a usage error (2), from a file, env or context a config error (3); either way the line says
// where it came from. Settings that work but put a secret at risk get a warning.
//SOURCES Setting.java Layers.java SecretFiles.java CheckedFiles.java ServerUrl.java Durations.java Secrets.java Subjects.java
//SOURCES Exit.java Output.java FilePermissions.java Backoff.java Limit.java

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

final class ConfigRules {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** The server's limit for stream and consumer names (nats-server: "maximum allowed is 255"). */
    static final int LONGEST_NAME = 255;
    /** JetStream's limit for a stream's replicas. */
    static final int MOST_REPLICAS = 5;
    /** The limits, each -1 (none) or 1 up to the largest jnats and the server keep: an int for a consumer's, a long for a stream's. */
    private static final List<Map.Entry<Setting, Long>> MOST = List.of(Map.entry(Setting.MAX_DELIVER, (long) Integer.MAX_VALUE),
            Map.entry(Setting.MAX_ACK_PENDING, (long) Integer.MAX_VALUE), Map.entry(Setting.MAX_MSGS, Long.MAX_VALUE),
            Map.entry(Setting.MAX_BYTES, Long.MAX_VALUE));

    private ConfigRules() {
    }

    /** Whether -1 (no limit) is a limit's value here: jnats sends no -1 for max ack pending, so the server would keep its default. */
    private static boolean takesNone(Setting limit) {
        return limit != Setting.MAX_ACK_PENDING;
    }

    /** A numeric setting's whole range, for its flag's value that is no number (Exit.Ranged); null for others. */
    static String numberRule(Setting key) {
        if (key == Setting.REPLICAS) {
            return Exit.wholeNumber(1, MOST_REPLICAS);
        }
        return MOST.stream().filter(limit -> limit.getKey() == key).findFirst().map(limit -> Exit.wholeNumber(1, limit.getValue())
                + (takesNone(key) ? ", or " + Limit.TYPE_NONE : "")).orElse(null);
    }

    /** Checks every setting in force; returns the server list, parsed (the one parse of it). */
    static List<ServerUrl> validate(Layers layers, Secrets secrets) {
        for (Setting key : Setting.values()) { // a mode, a storage, a policy: one of the words its row allows
            String value = key.allowed().isEmpty() ? null : layers.string(key);
            if (value != null && !key.allowed().contains(value)) {
                throw invalid(layers, secrets, key, "use " + key.choices(true));
            }
        }
        String filter = layers.string(Setting.FILTER);
        if (filter != null && Subjects.filterProblem(filter, layers.labSubject) != null) {
            throw invalid(layers, secrets, Setting.FILTER, Subjects.filterProblem(filter, layers.labSubject));
        }
        String subject = layers.string(Setting.SUBJECT); // the stream js-bootstrap keeps captures only this one
        if (filter != null && !Subjects.overlap(subject, filter)) {
            throw invalid(layers, secrets, Setting.FILTER, "a consumer gets only what its stream stores, and the stream "
                    + "captures " + subject + ": use " + subject + (subject.contains("*") || subject.contains(">")
                    ? " or a subject under it" : "") + ", or leave the filter out to get all of it");
        }
        List<ServerUrl> servers;
        try {
            servers = ServerUrl.parseList(layers.string(Setting.URL));
        } catch (ServerUrl.Invalid e) {
            throw invalid(layers, secrets, Setting.URL, e.getMessage());
        }
        String subjectProblem = Subjects.problem(layers.string(Setting.SUBJECT), layers.labSubject); // every script's subject, before connecting
        if (subjectProblem != null) {
            throw invalid(layers, secrets, Setting.SUBJECT, subjectProblem);
        }
        for (Setting key : List.of(Setting.STREAM, Setting.CONSUMER)) {
            if (!NAME.matcher(layers.string(key)).matches()) {
                throw invalid(layers, secrets, key, "use letters, digits, - and _ only (no spaces, '.', '*' or '>')");
            }
            if (layers.string(key).length() > LONGEST_NAME) {
                throw invalid(layers, secrets, key, "a name has at most " + LONGEST_NAME + " characters (the server's "
                        + "limit), this one has " + layers.string(key).length());
            }
        }
        for (Map.Entry<Setting, Long> limit : MOST) { // one rule for every limit, from a flag or a file
            long max = layers.number(limit.getKey());
            boolean none = takesNone(limit.getKey());
            if (max == 0 || max < -1 || max == -1 && !none) {
                throw invalid(layers, secrets, limit.getKey(), none ? "use " + Limit.TYPE_NONE + ", or 1 or more" : "use 1 to "
                        + limit.getValue() + " (no " + Limit.TYPE_NONE + " here: jnats does not send it, so the server would keep "
                        + "its default, " + Setting.MAX_ACK_PENDING.byDefault + ")");
            }
            if (max > limit.getValue()) {
                throw invalid(layers, secrets, limit.getKey(), "it must be at most " + limit.getValue() + " (the largest "
                        + "the server keeps)" + (none ? ", or " + Limit.TYPE_NONE : ""));
            }
        }
        String backoff = layers.string(Setting.BACKOFF);
        if (backoff != null && Backoff.problem(backoff) != null) {
            throw invalid(layers, secrets, Setting.BACKOFF, Backoff.problem(backoff));
        }
        long replicas = layers.number(Setting.REPLICAS);
        if (replicas < 1 || replicas > MOST_REPLICAS) {
            throw invalid(layers, secrets, Setting.REPLICAS, "use 1 to " + MOST_REPLICAS + " (1: no copies; 3 on a "
                    + "three-node cluster survives the loss of one node)");
        }
        validateTimes(layers, secrets);
        validateTls(layers, secrets, servers);
        validateLogin(layers);
        warnAboutSecretsOnTheCommandLine(layers, servers);
        return servers;
    }

    private static void validateTimes(Layers layers, Secrets secrets) {
        for (Setting key : Setting.values()) {
            if (!key.is(Setting.Kind.DURATION)) {
                continue;
            }
            Duration duration = layers.duration(key);
            if (key == Setting.MAX_AGE && Duration.ZERO.equals(duration)) {
                continue; // the server's own "no limit"
            }
            Duration shortest = shortest(key);
            if (duration == null || duration.compareTo(shortest) < 0 || duration.compareTo(Durations.LONGEST) > 0) {
                // whole seconds come from a file (a flag or env gives text): its advice is what a file takes
                boolean inFile = layers.get(key) instanceof Long;
                throw invalid(layers, secrets, key, (inFile ? Durations.fileRule() : Durations.rule(shortest))
                        + (key == Setting.WAIT ? " (jnats sends no pull request shorter than 1s)" : "")
                        + (key == Setting.MAX_AGE ? ", or " + Limit.AGE_NONE : "")
                        + (inFile && Duration.ZERO.equals(duration) && key.flag() != null && shortest.compareTo(Duration.ofSeconds(1)) < 0
                        ? "; under a second, give the flag a duration: " + key.flag() + " 500ms" : ""));
            }
        }
    }

    /** The shortest a time setting may be: a timeout may be a few milliseconds, a wait or an age a second. */
    private static Duration shortest(Setting key) {
        return key == Setting.TIMEOUT ? Duration.ofMillis(1) : Duration.ofSeconds(1);
    }

    /**
     * A config file's time key given a fraction (0.5) or a duration text ("500ms"): the file counts whole seconds,
     * a flag takes a duration. The line's text after the file's place, or null when the value is neither.
     */
    static String notWholeSeconds(Setting key, Object value) {
        Duration duration = !key.is(Setting.Kind.DURATION) ? null : value instanceof Double number
                ? Durations.parse(Output.number(number)) : value instanceof String text ? Durations.parse(text) : null;
        if (duration == null || duration.isNegative()) {
            return null;
        }
        long up = duration.toSeconds() + (duration.getNano() > 0 ? 1 : 0);
        long like = Math.min(Durations.LONGEST.toSeconds(), key == Setting.MAX_AGE && up == 0 ? 0 : Math.max(1, up));
        boolean flagged = key.flag() != null && duration.getNano() > 0 && duration.compareTo(shortest(key)) >= 0;
        return String.format(Locale.ROOT, "%s is not valid: a file counts whole seconds: write a whole number%s, like %d%s",
                value instanceof String text ? Output.quoted(text) : Output.number(value), value instanceof String ? " without quotes" : "",
                like, flagged ? ", or give the flag a duration: " + key.flag() + " " + Durations.format(duration) : "");
    }

    /** ws:// is plain text: with TLS settings in force (or a tls:// or wss:// beside it) it would send the login unencrypted. */
    private static void validateTls(Layers layers, Secrets secrets, List<ServerUrl> servers) {
        Setting tlsSetting = Arrays.stream(Setting.values()).filter(key -> key.tls() && layers.get(key) != null)
                .findFirst().orElse(null);
        boolean tlsUrl = servers.stream().anyMatch(ServerUrl::asksForTls);
        if ((tlsSetting != null || tlsUrl) && servers.stream().anyMatch(ServerUrl::isPlainWebsocket)) {
            String why = tlsSetting != null ? "TLS is configured (" + layers.source(tlsSetting) + ")"
                    : "the list also asks for TLS";
            throw invalid(layers, secrets, Setting.URL, "ws:// is a plain-text websocket, but " + why + ": use wss:// "
                    + "so the connection is encrypted");
        }
    }

    /** One way to log in at a time, complete, with files that exist and look right. */
    private static void validateLogin(Layers layers) {
        // first: with a token given too, a user without its password is not the mistake to name
        List<String> methods = new ArrayList<>();
        boolean typed = true;
        for (Setting key : Setting.values()) {
            // a password is the user's half of one way; alone, it stands for that way
            Setting way = key == Setting.PASSWORD && layers.get(Setting.USER) == null ? Setting.USER : key;
            if (way.is(Setting.Kind.LOGIN) && layers.get(key) != null) {
                methods.add(key.leaf() + " (" + layers.source(key) + ")");
                typed &= layers.fromFlag(key);
            }
        }
        if (methods.size() > 1) {
            throw Exit.with(typed ? Exit.USAGE : Exit.CONFIG, "more than one way to log in is set: %s; keep one",
                    String.join(" and ", methods));
        }
        boolean hasUser = layers.get(Setting.USER) != null;
        if (hasUser != (layers.get(Setting.PASSWORD) != null)) {
            Setting given = hasUser ? Setting.USER : Setting.PASSWORD;
            Setting missing = hasUser ? Setting.PASSWORD : Setting.USER;
            throw Exit.with(exitCode(layers, given), "%s: a login needs %s too: set [nats.auth] %s (or %s, %s)",
                    layers.source(given), hasUser ? "a password" : "a user",
                    hasUser ? "password_env or password_file" : "user", missing.env, missing.flag());
        }
        for (Setting key : Setting.values()) {
            String file = key.is(Setting.Kind.FILE) ? layers.string(key) : null;
            String problem = file == null ? null : CheckedFiles.problem(Path.of(file));
            if (problem != null) {
                throw SecretFiles.unfit(exitCode(layers, key), layers.source(key), file, problem);
            }
        }
        if ((layers.get(Setting.CERT_FILE) == null) != (layers.get(Setting.KEY_FILE) == null)) {
            Setting given = layers.get(Setting.CERT_FILE) != null ? Setting.CERT_FILE : Setting.KEY_FILE;
            throw Exit.config("%s: a client certificate needs both cert_file and key_file", layers.source(given));
        }
        if (layers.get(Setting.NKEY_SEED_FILE) != null) {
            SecretFiles.nkeySeed(layers.string(Setting.NKEY_SEED_FILE), layers.source(Setting.NKEY_SEED_FILE),
                    exitCode(layers, Setting.NKEY_SEED_FILE));
        }
        if (layers.get(Setting.CREDS_FILE) != null) {
            SecretFiles.creds(layers.string(Setting.CREDS_FILE), layers.source(Setting.CREDS_FILE),
                    exitCode(layers, Setting.CREDS_FILE));
        }
        for (Setting key : Setting.values()) {
            if (key.is(Setting.Kind.HOLDS_SECRET) && layers.get(key) != null) {
                layers.warn(FilePermissions.othersCanRead(Path.of(layers.string(key)), layers.source(key)));
            }
        }
    }

    /** ps shows every process's command line to every user of the machine: say so when a secret came that way. */
    private static void warnAboutSecretsOnTheCommandLine(Layers layers, List<ServerUrl> servers) {
        List<String> shown = new ArrayList<>();
        List<String> instead = new ArrayList<>();
        for (Setting key : Setting.values()) {
            if (key.is(Setting.Kind.SECRET) && layers.fromFlag(key)) {
                shown.add(key.flag());
                instead.add(key.env);
            }
        }
        if (layers.fromFlag(Setting.URL) && servers.stream().anyMatch(url -> url.login() != null)) {
            shown.add("the login in " + Setting.URL.flag());
        }
        if (!shown.isEmpty()) {
            layers.warn("WARN " + String.join(" and ", shown) + (shown.size() == 1 ? " is" : " are") + " visible to "
                    + "every user of this machine (ps shows command lines): use " + (instead.isEmpty()
                    ? Setting.PASSWORD.env + " or " + Setting.TOKEN.env : String.join(" or ", instead)) + ", [nats.auth] "
                    + "password_file/token_file or *_env in a config file you name, or a natscli context instead");
        }
    }

    private static LabException invalid(Layers layers, Secrets secrets, Setting key, String hint) {
        Object value = layers.get(key);
        // masked before it is cut: a cut secret would not be found
        String text = key == Setting.URL ? secrets.maskServerList(String.valueOf(value)) : secrets.mask(String.valueOf(value));
        if (text.length() > 100) {
            text = text.substring(0, 60) + "...";
        }
        String shown = value instanceof String ? shown(text, key.is(Setting.Kind.DURATION)) : text;
        return Exit.with(exitCode(layers, key), "%s: %s is not valid: %s", layers.source(key), shown, hint);
    }

    /** A value that is not valid, as its error line shows it: in quotes, but a whole number typed for a duration as it is. */
    static String shown(String typed, boolean duration) {
        return duration && typed.matches("-?[0-9]+") ? typed : Output.quoted(typed);
    }

    private static int exitCode(Layers layers, Setting key) {
        return layers.fromFlag(key) ? Exit.USAGE : Exit.CONFIG;
    }
}
