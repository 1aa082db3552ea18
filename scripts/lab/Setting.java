// The lab's settings, one row each: the key in a config file, the type its value has there, the
// built-in default, the flag, natscli's environment variable and context field that also set it,
// the values it allows when they are a few words (oneOf: each word, and in brackets what it means),
// and what kind of value it is. The config readers, --show-config, masking, completion and
// bin/lab-server (through --show-config-lines, which with LAB_SHOW_SECRET_FLAGS set prints
// secretFlagLines() and ConnectionOptions' server flags instead) all read this table; it reads nothing itself.
// Adding a setting is one row here (plus the option declaration when it has a flag).

import java.util.List;
import java.util.Locale;
import java.util.Set;

enum Setting {
    //    key                              type           default                   flags             env              context      allowed, kinds
    MODE("runtime.mode",                   String.class,  "local",                  null,             null,            null,        oneOf("local", "remote", "cluster")),
    URL("nats.url",                        String.class,  "nats://127.0.0.1:4222",  "-s --server",    "NATS_URL",      "url"),
    SUBJECT("nats.subject",                String.class,  "lab4.stream",            "--subject",      null,            null),
    STREAM("nats.stream",                  String.class,  "LAB4_STREAM",            "--stream",       null,            null),
    CONSUMER("nats.consumer",              String.class,  "LAB4_CONSUMER",          "--consumer",     null,            null),
    TIMEOUT("nats.timeout_secs",           Long.class,    5L,                       "--timeout",      "NATS_TIMEOUT",  null,        Kind.DURATION),
    WAIT("recv.wait_secs",                 Long.class,    5L,                       "--wait",         null,            null,        Kind.DURATION),
    ACK_WAIT("consumer.ack_wait_secs",     Long.class,    30L,                      "--ack-wait",     null,            null,        Kind.DURATION),
    MAX_DELIVER("consumer.max_deliver",    Long.class,    -1L,                      "--max-deliver",  null,            null),
    MAX_ACK_PENDING("consumer.max_ack_pending", Long.class, 1000L,                  "--max-ack-pending", null,         null),
    FILTER("consumer.filter_subject",      String.class,  null,                     "--filter",       null,            null),
    BACKOFF("consumer.backoff",            String.class,  null,                     "--backoff",      null,            null),
    DUPLICATE_WINDOW("stream.duplicate_window_secs", Long.class, 120L,              null,             null,            null,        Kind.DURATION),
    STORAGE("stream.storage",              String.class,  "file",                   null,             null,            null,        oneOf("file (kept on disk)", "memory")),
    REPLICAS("stream.replicas",            Long.class,    1L,                       "--replicas",     null,            null),
    RETENTION("stream.retention",          String.class,  "limits",                 "--retention",    null,            null,        oneOf("limits (kept until a limit)", "workqueue (gone once acked)", "interest (gone once every consumer acked it)")),
    MAX_MSGS("stream.max_msgs",            Long.class,    -1L,                      "--max-msgs",     null,            null),
    DISCARD("stream.discard",              String.class,  "old",                    "--discard",      null,            null,        oneOf("old (a full stream drops its oldest message)", "new (it refuses the new one)")),
    MAX_BYTES("stream.max_bytes",          Long.class,    -1L,                      "--max-bytes",    null,            null),
    MAX_AGE("stream.max_age_secs",         Long.class,    0L,                       "--max-age",      null,            null,        Kind.DURATION),
    USER("nats.auth.user",                 String.class,  null,                     "--user",         "NATS_USER",     "user",      Kind.LOGIN),
    PASSWORD("nats.auth.password",         String.class,  null,                     "--password",     "NATS_PASSWORD", "password",  Kind.SECRET),
    PASSWORD_FILE("nats.auth.password_file", String.class, null,                    null,             null,            null,        Kind.FILE, Kind.NAMED_ONLY),
    PASSWORD_ENV("nats.auth.password_env", String.class,  null,                     null,             null,            null,        Kind.NAMED_ONLY),
    TOKEN("nats.auth.token",               String.class,  null,                     "--token",        "NATS_TOKEN",    "token",     Kind.SECRET, Kind.LOGIN),
    TOKEN_FILE("nats.auth.token_file",     String.class,  null,                     null,             null,            null,        Kind.FILE, Kind.NAMED_ONLY),
    TOKEN_ENV("nats.auth.token_env",       String.class,  null,                     null,             null,            null,        Kind.NAMED_ONLY),
    NKEY_SEED_FILE("nats.auth.nkey_seed_file", String.class, null,                  "--nkey",         "NATS_NKEY",     "nkey",      Kind.FILE, Kind.NAMED_ONLY, Kind.LOGIN, Kind.HOLDS_SECRET),
    CREDS_FILE("nats.auth.creds_file",     String.class,  null,                     "--creds",        "NATS_CREDS",    "creds",     Kind.FILE, Kind.NAMED_ONLY, Kind.LOGIN, Kind.HOLDS_SECRET),
    CA_FILE("nats.tls.ca_file",            String.class,  null,                     "--tlsca",        "NATS_CA",       "ca",        Kind.FILE),
    CERT_FILE("nats.tls.cert_file",        String.class,  null,                     "--tlscert",      "NATS_CERT",     "cert",      Kind.FILE, Kind.NAMED_ONLY),
    KEY_FILE("nats.tls.key_file",          String.class,  null,                     "--tlskey",       "NATS_KEY",      "key",       Kind.FILE, Kind.NAMED_ONLY, Kind.HOLDS_SECRET),
    HANDSHAKE_FIRST("nats.tls.handshake_first", Boolean.class, null,                "--tlsfirst",     null,            "tls_first"),
    ; // a new setting: one row above this line

    enum Kind {
        /** Never printed, masked wherever it appears; KEY_file and KEY_env are other ways to give it. */
        SECRET,
        /** A path to a file (~ is your home): checked before connecting. */
        FILE,
        /** A file that holds a secret: one that others can read is worth a warning. */
        HOLDS_SECRET,
        /** Chooses a secret file or variable, or a client identity: honoured only in a config file you named. */
        NAMED_ONLY,
        /** One way to log in: only one may be set. */
        LOGIN,
        /** A time: whole seconds in a file, a duration (5s, 500ms, 1m; a bare number is seconds) from a flag or env. */
        DURATION
    }

    /** The key as a config file writes it: section.leaf, e.g. nats.auth.creds_file. */
    final String key;
    /** The type a config file's value must have: String, Long or Boolean. */
    final Class<?> type;
    /** The built-in default; null: not set unless given. */
    final Object byDefault;
    /** The flag's names, the long one last (each script takes those it uses); empty: no flag. */
    final List<String> flags;
    /** natscli's environment variable for it, or null. */
    final String env;
    /** The field of a natscli context (~/.config/nats/context/NAME.json) for it, or null. */
    final String contextField;
    private final Set<Kind> kinds;
    /** The values it allows, each "word (what it means)" or a bare word; empty: any the checks let through. */
    private final List<String> choices;

    Setting(String key, Class<?> type, Object byDefault, String flags, String env, String contextField, Kind... kinds) {
        this(key, type, byDefault, flags, env, contextField, List.of(), kinds);
    }

    Setting(String key, Class<?> type, Object byDefault, String flags, String env, String contextField, List<String> choices,
            Kind... kinds) {
        this.choices = choices;
        this.key = key;
        this.type = type;
        this.byDefault = byDefault;
        this.flags = flags == null ? List.of() : List.of(flags.split(" "));
        this.env = env;
        this.contextField = contextField;
        this.kinds = Set.of(kinds);
    }

    /** A row's allowed values: each word, optionally followed by what it means in brackets ("file (kept on disk)"). */
    private static List<String> oneOf(String... choices) {
        return List.of(choices);
    }

    /** The words it allows (limits, workqueue, interest); empty when it takes any value its checks let through. */
    List<String> allowed() {
        return choices.stream().map(choice -> choice.replaceAll(" \\(.*", "")).toList();
    }

    /** The allowed words as a flag's help label shows them: limits|workqueue|interest. */
    String allowedLabel() {
        return String.join("|", allowed());
    }

    /** Each allowed word with what it means: limits (kept until a limit), workqueue (gone once acked) or interest (...). */
    String choices(boolean quoted) {
        List<String> shown = choices.stream().map(choice -> quoted ? choice.replaceAll("^(\\S+)", "\"$1\"") : choice).toList();
        return shown.size() < 2 ? String.join("", shown)
                : String.join(", ", shown.subList(0, shown.size() - 1)) + " or " + shown.get(shown.size() - 1);
    }

    boolean is(Kind kind) {
        return kinds.contains(kind);
    }

    /** The long flag (--server), or null. */
    String flag() {
        return flags.isEmpty() ? null : flags.get(flags.size() - 1);
    }

    String section() {
        return key.substring(0, key.lastIndexOf('.'));
    }

    String leaf() {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /** How a config file shows it: [section] leaf. */
    String display() {
        return "[" + section() + "] " + leaf();
    }

    boolean tls() {
        return section().equals("nats.tls");
    }

    /** The secret a KEY_file or KEY_env row gives another way (password_file: the password), or null. */
    Setting secretItGives() {
        String target = key.replaceAll("_(file|env)$", "");
        Setting given = target.equals(key) ? null : byKey(target);
        return given != null && given.is(Kind.SECRET) ? given : null;
    }

    /**
     * For bin/lab-server, which moves a secret given as a flag into its variable before it runs a script (ps shows
     * command lines): one line per secret row with a flag, "secret VARIABLE FLAG...", and "login NATS_URL -s --server"
     * for the server list, a secret only when it holds a login (an @).
     */
    static String secretFlagLines() {
        StringBuilder out = new StringBuilder();
        for (Setting setting : values()) {
            if (setting.env != null && !setting.flags.isEmpty() && (setting.is(Kind.SECRET) || setting == URL)) {
                out.append(setting == URL ? "login " : "secret ").append(setting.env).append(' ')
                        .append(String.join(" ", setting.flags)).append('\n');
            }
        }
        return out.toString();
    }

    /** A stream's policy or storage as the settings spell it (limits, workqueue, file, old ...), in any locale. */
    static String spelled(Enum<?> value) {
        return value.toString().toLowerCase(Locale.ROOT);
    }

    /** The row for a config file's key, or null when the lab has no such setting. */
    static Setting byKey(String key) {
        for (Setting setting : values()) {
            if (setting.key.equals(key)) {
                return setting;
            }
        }
        return null;
    }

    /** The row a flag sets, by any of its names, or null. */
    static Setting byFlag(String flag) {
        for (Setting setting : values()) {
            if (setting.flags.contains(flag)) {
                return setting;
            }
        }
        return null;
    }
}
