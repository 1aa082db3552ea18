// The lab's settings, one row each: the key in a config file, the type its value has there, the
// built-in default, the flag (with the label its help shows), natscli's environment variable and
// context field that also set it, the values it allows when they are a few words (oneOf: each word,
// and in brackets what it means), what kind of value it is, and the flag's help line. The config
// readers, --show-config, masking, completion, the scripts' flags (SettingFlags makes each script's
// from its rows) and bin/lab-server (through ConnectionOptions.secretAndServerFlagLines()) all read
// this table; it reads nothing itself. Adding a setting is one row here; a script that takes its flag
// names the row in its SettingFlags list.
//SOURCES Limit.java

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

enum Setting {
    //    key                              type           default                   flag (=LABEL)              env              context      allowed, kinds
    //        the flag's help: ${bundle:env.X}, key.X, default.X, values.X, choices.X name this row's env, [section] key, default, words
    MODE("runtime.mode",                   String.class,  "local",                  null,                      null,            null,        oneOf("local", "remote", "cluster")),
    URL("nats.url",                        String.class,  "nats://127.0.0.1:4222",  "-s --server=URL",         "NATS_URL",      "url",
            help("host:port or URL (nats://, tls://, ws://, wss://); for a cluster, a comma-separated list (env ${bundle:env.URL}).")),
    SUBJECT("nats.subject",                String.class,  "lab4.stream",            "--subject=SUBJECT",       null,            null,
            help("Subject the stream stores.")),
    STREAM("nats.stream",                  String.class,  "LAB4_STREAM",            "--stream=NAME",           null,            null,
            help("Stream name.")),
    CONSUMER("nats.consumer",              String.class,  "LAB4_CONSUMER",          "--consumer=NAME",         null,            null,
            help("Durable pull consumer name.")),
    TIMEOUT("nats.timeout_secs",           Long.class,    5L,                       "--timeout=DURATION",      "NATS_TIMEOUT",  null,        Kind.DURATION,
            help("Longest wait to connect and per API call (env ${bundle:env.TIMEOUT}; default ${bundle:default.TIMEOUT}).")),
    WAIT("recv.wait_secs",                 Long.class,    5L,                       "--wait=DURATION",         null,            null,        Kind.DURATION,
            help("How long to wait for a message before stopping: 5s, 1m, or seconds (5).")),
    ACK_WAIT("consumer.ack_wait_secs",     Long.class,    30L,                      "--ack-wait=DURATION",     null,            null,        Kind.DURATION,
            help("How long the consumer waits for an ack before it delivers again: 30s, 1m (${bundle:key.ACK_WAIT}).")),
    MAX_DELIVER("consumer.max_deliver",    Long.class,    -1L,                      "--max-deliver=N",         null,            null,
            help("How often the consumer delivers a message, " + Limit.TYPE_NONE + " (${bundle:key.MAX_DELIVER}).")),
    MAX_ACK_PENDING("consumer.max_ack_pending", Long.class, 1000L,                  "--max-ack-pending=N",     null,            null,
            help("The most messages delivered and not yet acked; then delivery waits (${bundle:key.MAX_ACK_PENDING}; default "
                    + "${bundle:default.MAX_ACK_PENDING}).")),
    FILTER("consumer.filter_subject",      String.class,  null,                     "--filter=SUBJECT",        null,            null,
            help("The consumer gets only the stream's messages on SUBJECT (${bundle:key.FILTER}; default: all).")),
    BACKOFF("consumer.backoff",            String.class,  null,                     "--backoff=DELAYS",        null,            null,
            help("The waits before each redelivery, like 1s,5s,30s (the last one for every later try), in place of the ack "
                    + "wait; needs a --max-deliver above their number; none removes it (${bundle:key.BACKOFF}).")),
    DUPLICATE_WINDOW("stream.duplicate_window_secs", Long.class, 120L,              null,                      null,            null,        Kind.DURATION),
    STORAGE("stream.storage",              String.class,  "file",                   null,                      null,            null,        oneOf("file (kept on disk)", "memory")),
    REPLICAS("stream.replicas",            Long.class,    1L,                       "--replicas=N",            null,            null,
            help("Servers of the cluster that keep a copy of the stream, 1 to 5 (${bundle:key.REPLICAS}; default "
                    + "${bundle:default.REPLICAS}). A rerun with another N changes it in place.")),
    RETENTION("stream.retention",          String.class,  "limits",                 "--retention",             null,            null,
            oneOf("limits (kept until a limit)", "workqueue (gone once acked)", "interest (gone once every consumer acked it)"),
            help("How long a message stays: ${bundle:choices.RETENTION}; a workqueue stream takes one consumer per subject, an "
                    + "interest stream keeps nothing without one; fixed once created: --recreate changes it "
                    + "(${bundle:key.RETENTION}; default ${bundle:default.RETENTION}).")),
    MAX_MSGS("stream.max_msgs",            Long.class,    -1L,                      "--max-msgs=N",            null,            null,
            help("The most messages the stream keeps, " + Limit.TYPE_NONE + " (${bundle:key.MAX_MSGS}).")),
    DISCARD("stream.discard",              String.class,  "old",                    "--discard",               null,            null,
            oneOf("old (a full stream drops its oldest message)", "new (it refuses the new one)"),
            help("What a full stream does: ${bundle:choices.DISCARD} (${bundle:key.DISCARD}).")),
    MAX_BYTES("stream.max_bytes",          Long.class,    -1L,                      "--max-bytes=N",           null,            null,
            help("The most bytes the stream keeps, " + Limit.TYPE_NONE + " (${bundle:key.MAX_BYTES}).")),
    MAX_AGE("stream.max_age_secs",         Long.class,    0L,                       "--max-age=DURATION",      null,            null,        Kind.DURATION,
            help("How long the stream keeps a message: 1h, 30s; " + Limit.AGE_NONE + " (${bundle:key.MAX_AGE}).")),
    USER("nats.auth.user",                 String.class,  null,                     "--user=USER",             "NATS_USER",     "user",      Kind.LOGIN,
            help("User name (env ${bundle:env.USER}).")),
    PASSWORD("nats.auth.password",         String.class,  null,                     "--password=PASSWORD",     "NATS_PASSWORD", "password",  Kind.SECRET,
            help("Password, seen by every user here in ps: prefer env ${bundle:env.PASSWORD} or password_file.")),
    PASSWORD_FILE("nats.auth.password_file", String.class, null,                    null,                      null,            null,        Kind.FILE, Kind.NAMED_ONLY),
    PASSWORD_ENV("nats.auth.password_env", String.class,  null,                     null,                      null,            null,        Kind.NAMED_ONLY),
    TOKEN("nats.auth.token",               String.class,  null,                     "--token=TOKEN",           "NATS_TOKEN",    "token",     Kind.SECRET, Kind.LOGIN,
            help("Auth token, seen by every user here in ps: prefer env ${bundle:env.TOKEN} or token_file.")),
    TOKEN_FILE("nats.auth.token_file",     String.class,  null,                     null,                      null,            null,        Kind.FILE, Kind.NAMED_ONLY),
    TOKEN_ENV("nats.auth.token_env",       String.class,  null,                     null,                      null,            null,        Kind.NAMED_ONLY),
    NKEY_SEED_FILE("nats.auth.nkey_seed_file", String.class, null,                  "--nkey=FILE",             "NATS_NKEY",     "nkey",      Kind.FILE, Kind.NAMED_ONLY, Kind.LOGIN, Kind.HOLDS_SECRET,
            help("NKey seed file (env ${bundle:env.NKEY_SEED_FILE}).")),
    CREDS_FILE("nats.auth.creds_file",     String.class,  null,                     "--creds=FILE",            "NATS_CREDS",    "creds",     Kind.FILE, Kind.NAMED_ONLY, Kind.LOGIN, Kind.HOLDS_SECRET,
            help("Credentials (.creds) file (env ${bundle:env.CREDS_FILE}).")),
    CA_FILE("nats.tls.ca_file",            String.class,  null,                     "--tlsca=FILE",            "NATS_CA",       "ca",        Kind.FILE,
            help("CA certificate(s), PEM, to trust (env ${bundle:env.CA_FILE}).")),
    CERT_FILE("nats.tls.cert_file",        String.class,  null,                     "--tlscert=FILE",          "NATS_CERT",     "cert",      Kind.FILE, Kind.NAMED_ONLY,
            help("Client certificate, PEM (env ${bundle:env.CERT_FILE}).")),
    KEY_FILE("nats.tls.key_file",          String.class,  null,                     "--tlskey=FILE",           "NATS_KEY",      "key",       Kind.FILE, Kind.NAMED_ONLY, Kind.HOLDS_SECRET,
            help("Client private key, PEM/PKCS#8 (env ${bundle:env.KEY_FILE}).")),
    HANDSHAKE_FIRST("nats.tls.handshake_first", Boolean.class, null,                "--tlsfirst",              null,            "tls_first",
            help("TLS before the server's INFO (handshake_first).")),
    ; // a new setting: one row above this line

    /** What a row says besides its first six columns: its allowed words, its kinds, its flag's help. */
    interface Trait {
    }

    enum Kind implements Trait {
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
    /** What the flag's help shows after its names (N, FILE, limits|workqueue|interest); null for a switch or no flag. */
    final String paramLabel;
    /** The flag's help line, or null when it has no flag. */
    final String help;
    /** natscli's environment variable for it, or null. */
    final String env;
    /** The field of a natscli context (~/.config/nats/context/NAME.json) for it, or null. */
    final String contextField;
    private final Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    /** The values it allows, each "word (what it means)" or a bare word; empty: any the checks let through. */
    private final List<String> choices;

    /** The flag's help line, as a row writes it. */
    private record Help(String line) implements Trait {
    }

    /** The words a row allows, as it writes them. */
    private record Choices(List<String> words) implements Trait {
    }

    Setting(String key, Class<?> type, Object byDefault, String flag, String env, String contextField, Trait... traits) {
        this.key = key;
        this.type = type;
        this.byDefault = byDefault;
        this.env = env;
        this.contextField = contextField;
        List<String> words = List.of();
        String line = null;
        for (Trait trait : traits) {
            if (trait instanceof Kind kind) {
                kinds.add(kind);
            } else if (trait instanceof Choices allowed) {
                words = allowed.words();
            } else if (trait instanceof Help given) {
                line = given.line();
            }
        }
        this.choices = words;
        this.help = line;
        String[] names = flag == null ? new String[0] : flag.split("=", 2);
        this.flags = flag == null ? List.of() : List.of(names[0].split(" "));
        // a switch shows no label, and a row that allows a few words shows them: --retention=limits|workqueue|interest
        this.paramLabel = names.length > 1 ? names[1] : type == Boolean.class || flag == null ? null : allowedLabel();
    }

    private static Help help(String line) {
        return new Help(line);
    }

    /** A row's allowed values: each word, optionally followed by what it means in brackets ("file (kept on disk)"). */
    private static Choices oneOf(String... choices) {
        return new Choices(List.of(choices));
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
