// Layered config: flags > environment > lab file > root file > built-in defaults,
// and one clear line (file, line, key) for every bad config.

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @TempDir
    Path dir;

    private static final String ROOT = """
            [runtime]
            mode = "local"

            [nats]
            url = "nats://root-host:4222"

            [recv]
            wait_secs = 7
            """;

    private static final String LAB = """
            [nats]
            subject = "lab.subject"
            stream  = "LAB_STREAM"
            consumer = "LAB_CONSUMER"
            url = "nats://lab-host:4222"
            """;

    /** The flags by name, as a script's command line gives them: here the two config files. */
    private Map<String, Object> files(String root, String lab) throws Exception {
        Map<String, Object> flags = new HashMap<>();
        flags.put("--config", Files.writeString(dir.resolve("config.toml"), root));
        flags.put("--lab-config", Files.writeString(dir.resolve("lab.toml"), lab));
        return flags;
    }

    /** Empty files, no env, and this one flag. */
    private Config withFlag(String flag, Object value) {
        Map<String, Object> options;
        try {
            options = files("", "");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        options.put(flag, value);
        return load(options, Map.of());
    }

    /**
     * Config.load with `env` as the whole environment, and an empty natscli config home unless `env` names
     * one: a context selected in the developer's own home must not change what these tests read.
     */
    private static Config load(Map<String, Object> flags, Map<String, String> env) {
        Map<String, String> isolated = new java.util.HashMap<>(env);
        isolated.putIfAbsent("XDG_CONFIG_HOME", Sandbox.emptyConfigHome().toString());
        return Config.load(isolated, flags::get);
    }

    @Test
    void builtInDefaultsApplyWhenFilesAreEmpty() throws Exception {
        Config config = load(files("", ""), Map.of());
        assertEquals("local", config.mode);
        assertEquals("nats://127.0.0.1:4222", config.url);
        assertEquals("lab4.stream", config.subject);
        assertEquals("LAB4_STREAM", config.stream);
        assertEquals("LAB4_CONSUMER", config.consumer);
        assertEquals(Duration.ofSeconds(5), config.wait);
        assertEquals(Duration.ofSeconds(30), config.ackWait);
    }

    @Test
    void labFileOverridesRootFile() throws Exception {
        Config config = load(files(ROOT, LAB), Map.of());
        assertEquals("nats://lab-host:4222", config.url);
        assertEquals("lab.subject", config.subject);
        assertEquals("LAB_STREAM", config.stream);
        assertEquals(Duration.ofSeconds(7), config.wait, "root value stays where the lab file is silent");
        assertTrue(config.sourceOf(Setting.URL).endsWith("lab.toml:5 [nats] url"), config.sourceOf(Setting.URL));
    }

    @Test
    void environmentOverridesFiles() throws Exception {
        Config config = load(files(ROOT, LAB), Map.of("NATS_URL", "nats://env-host:4222"));
        assertEquals("nats://env-host:4222", config.url);
        assertEquals("env NATS_URL", config.sourceOf(Setting.URL));
    }

    @Test
    void flagsOverrideEverything() throws Exception {
        Map<String, Object> options = files(ROOT, LAB);
        options.put("--server", "nats://flag-host:4222");
        options.put("--subject", "flag.subject");
        options.put("--stream", "FLAG_STREAM");
        options.put("--consumer", "FLAG_CONSUMER");
        options.put("--wait", 2L);
        Config config = load(options, Map.of("NATS_URL", "nats://env-host:4222"));
        assertEquals("nats://flag-host:4222", config.url);
        assertEquals("flag.subject", config.subject);
        assertEquals("FLAG_STREAM", config.stream);
        assertEquals("FLAG_CONSUMER", config.consumer);
        assertEquals(Duration.ofSeconds(2), config.wait);
    }

    @Test
    void ackWaitComesFromTheConsumerSection() throws Exception {
        Config config = load(files(ROOT, "[consumer]\nack_wait_secs = 4\n"), Map.of());
        assertEquals(Duration.ofSeconds(4), config.ackWait);
    }

    @Test
    void aTableWhereAValueBelongsSaysWhatWasFound() throws Exception {
        LabException table = assertThrows(LabException.class,
                () -> load(files("", "[nats.stream]\nname = \"x\"\n"), Map.of()));
        assertEquals(Exit.CONFIG, table.exitCode);
        assertEquals(dir.resolve("lab.toml") + ":1 [nats] stream: a table (a [section] or { ... }) is not valid: "
                + "it must be a string in quotes", table.getMessage());
        LabException array = assertThrows(LabException.class,
                () -> load(files("", "[consumer]\nmax_deliver = [5]\n"), Map.of()));
        assertEquals(dir.resolve("lab.toml") + ":2 [consumer] max_deliver: an array ([ ... ]) is not valid: "
                + "it must be a whole number, like 5", array.getMessage());
        LabException secret = assertThrows(LabException.class,
                () -> load(files("", "[nats.auth]\npassword = { value = \"s3cret\" }\n"), Map.of()));
        assertEquals(dir.resolve("lab.toml") + ":2 [nats.auth] password: a table (a [section] or { ... }) is not valid: "
                + "it must be a string in quotes", secret.getMessage());
        LabException section = assertThrows(LabException.class, () -> load(files("", "nats = 5\n"), Map.of()));
        assertEquals(dir.resolve("lab.toml") + ":1 nats: 5 is not valid: it must be a section ([nats])", section.getMessage());
        LabException auth = assertThrows(LabException.class,
                () -> load(files("", "[nats]\nauth = \"s3cret\"\n"), Map.of()));
        assertEquals(dir.resolve("lab.toml") + ":2 nats.auth: a string is not valid: it must be a section ([nats.auth])",
                auth.getMessage());
    }

    @Test
    void aWholeNumberTooLargeForTheServerIsRefusedNotCut() throws Exception {
        for (String key : new String[] {"[consumer]\nmax_deliver", "[stream]\nreplicas", "[recv]\nwait_secs"}) {
            LabException e = assertThrows(LabException.class,
                    () -> load(files("", key + " = 99999999999\n"), Map.of()));
            assertEquals(Exit.CONFIG, e.exitCode);
            String display = "[" + key.substring(1, key.indexOf(']')) + "] " + key.substring(key.indexOf('\n') + 1);
            assertTrue(e.getMessage().startsWith(dir.resolve("lab.toml") + ":2 " + display + ": 99999999999 is not valid: "),
                    e.getMessage()); // each setting's own range, one rule whether from a file or a flag
        }
    }

    /** 1e3 and 2500.0 are whole numbers written as floats: taken as 1000 and 2500, and shown so; a fraction is refused as written. */
    @Test
    void aWholeNumberWrittenAsAFloatIsThatNumber() throws Exception {
        Config config = load(files("", "[stream]\nmax_age_secs = 1e3\nmax_msgs = 2500.0\n"), Map.of());
        assertEquals(Duration.ofSeconds(1000), config.duration(Setting.MAX_AGE));
        assertEquals(2500, config.number(Setting.MAX_MSGS));
        assertTrue(config.effectiveConfig().contains("  stream.max_age_secs = 1000\n"), config.effectiveConfig()); // its file on the next line
        assertTrue(config.effectiveConfig().contains("  stream.max_msgs = 2500\n"), config.effectiveConfig());

        Map<String, String> refused = Map.of("max_msgs = 1.5e0", "1.5 is not valid: it must be a whole number, like 5",
                "max_msgs = 1e20", "100000000000000000000 is not valid: it must be a whole number, like 5",
                "max_age_secs = 2.5e-5", "0.000025 is not valid: a file counts whole seconds: write a whole number, like 1");
        refused.forEach((line, shown) -> {
            LabException e = assertThrows(LabException.class, () -> load(files("", "[stream]\n" + line + "\n"), Map.of()));
            assertEquals(Exit.CONFIG, e.exitCode, line);
            assertEquals(dir.resolve("lab.toml") + ":2 [stream] " + line.substring(0, line.indexOf(' ')) + ": " + shown,
                    e.getMessage(), line);
        });
    }

    @Test
    void invalidStreamNameSaysWhereItCameFrom() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("", "[nats]\nstream = \"LAB.4\"\n"), Map.of()));
        assertEquals(Exit.CONFIG, e.exitCode);
        assertEquals(dir.resolve("lab.toml") + ":2 [nats] stream: \"LAB.4\" is not valid: use letters, digits, - and _ only "
                + "(no spaces, '.', '*' or '>')", e.getMessage());
    }

    /** natscli's forms: host:port, a bare host, the four schemes, and comma-separated lists of them, each in full form. */
    @Test
    void serverUrlsAsNatscliTakesThem() throws Exception {
        Map<String, String> forms = new java.util.LinkedHashMap<>();
        forms.put("127.0.0.1:4333", "nats://127.0.0.1:4333");
        forms.put("localhost", "nats://localhost:4222");
        forms.put("tls://nats.example.com", "tls://nats.example.com:4222");
        forms.put("ws://127.0.0.1", "ws://127.0.0.1:80");
        forms.put("wss://nats.example.com/socket", "wss://nats.example.com:443/socket");
        forms.put("[::1]:4333", "nats://[::1]:4333");
        forms.put("nats://a:1, b:2 ,tls://c", "nats://a:1,nats://b:2,tls://c:4222");
        forms.put("NATS://Host.Example:7", "nats://Host.Example:7");
        forms.forEach((given, full) -> assertEquals(full, withFlag("--server", given).url, given));
    }

    @Test
    void serverUrlsThatCannotBeUsed() throws Exception {
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("opentls://127.0.0.1:4222", "opentls:// accepts any certificate");
        refused.put("nats://127.0.0.1:1/,opentls://h:2", "entry 2 of the list: opentls:// accepts any certificate");
        refused.put("http://127.0.0.1", "the scheme http:// is not one NATS speaks");
        refused.put("nats://a:1,,nats://b:2", "entry 2 of the list: it is empty");
        refused.put("", "it is empty");
        refused.put("nats://:4222", "no host in it");
        refused.put("nats://host:99999", "the port must be a number from 1 to 65535");
        refused.put("nats://host:42/path", "a nats:// URL has no path");
        refused.put("nats://host:42?x=1", "a server URL takes no ?query");
        refused.put("nats://my token@host:42", "its user or token part holds characters a URL cannot");
        refused.put("nats://u:my%ZZtoken@127.0.0.1:42", "its user or token part holds characters a URL cannot");
        refused.put("nats://ho st:42", "\"ho st\" is not a host name or IP address");
        refused.forEach((url, why) -> {
            LabException e = assertThrows(LabException.class, () -> withFlag("--server", url), url);
            assertEquals(Exit.USAGE, e.exitCode, url);
            assertTrue(e.getMessage().contains(": " + why), url + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("my token") || e.getMessage().contains("ZZtoken"), e.getMessage());
        });
    }

    /** Times as natscli takes them; a bare number is seconds, as the config files' *_secs keys are. */
    @Test
    void durationsWithUnits() throws Exception {
        Map<String, Duration> forms = Map.of("5", Duration.ofSeconds(5), "5s", Duration.ofSeconds(5),
                "1500ms", Duration.ofMillis(1500), "1m", Duration.ofMinutes(1), "1m30s", Duration.ofSeconds(90),
                "2.5", Duration.ofMillis(2500), "1h", Duration.ofHours(1));
        for (Map.Entry<String, Duration> form : forms.entrySet()) {
            Map<String, Object> options = files("", "");
            options.put("--wait", form.getKey());
            options.put("--timeout", form.getKey());
            Config config = load(options, Map.of());
            assertEquals(form.getValue(), config.wait, form.getKey());
            assertEquals(form.getValue(), config.timeout, form.getKey());
        }
        assertEquals(Duration.ofMillis(700), load(files("", ""), Map.of("NATS_TIMEOUT", "700ms")).timeout);
        assertEquals(Duration.ofSeconds(9), load(files("[nats]\ntimeout_secs = 9\n", ""), Map.of()).timeout);
    }

    /** Besides the README's bad-input rows (--wait 0, -3, five, 9223372036854). */
    @Test
    void durationsThatCannotBeUsed() throws Exception {
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("99999999999999999999999h", "flag --wait: \"99999999999999999999999h\" is not valid: it must be a duration from 1s to 8760h (a year): 5s, 1m30s, or a bare number of seconds (jnats sends no pull request shorter than 1s)");
        refused.put("1h1h", "flag --wait: \"1h1h\" is not valid: it must be a duration from 1s to 8760h (a year): 5s, 1m30s, or a bare number of seconds (jnats sends no pull request shorter than 1s)");
        refused.put("30m1h", "flag --wait: \"30m1h\" is not valid: it must be a duration from 1s to 8760h (a year): 5s, 1m30s, or a bare number of seconds (jnats sends no pull request shorter than 1s)");
        refused.put("1y", "flag --wait: \"1y\" is not valid: it must be a duration from 1s to 8760h (a year): 5s, 1m30s, or a bare number of seconds (jnats sends no pull request shorter than 1s)");
        refused.put("5 s", "flag --wait: \"5 s\" is not valid: it must be a duration from 1s to 8760h (a year): 5s, 1m30s, or a bare number of seconds (jnats sends no pull request shorter than 1s)");
        refused.put("500ms", "flag --wait: \"500ms\" is not valid: it must be a duration from 1s to 8760h (a year): 5s, 1m30s, or a bare number of seconds (jnats sends no pull request shorter than 1s)");
        refused.forEach((wait, line) -> {
            LabException e = assertThrows(LabException.class, () -> withFlag("--wait", wait), wait);
            assertEquals(Exit.USAGE, e.exitCode);
            assertEquals(line, e.getMessage());
        });
        LabException fromEnv = assertThrows(LabException.class, () -> load(files("", ""), Map.of("NATS_TIMEOUT", "0s")));
        assertEquals(Exit.CONFIG, fromEnv.exitCode);
        assertEquals("env NATS_TIMEOUT: \"0s\" is not valid: it must be a duration from 1ms to 8760h (a year): 5s, 1m30s, 500ms, or a bare number of seconds", fromEnv.getMessage());
    }

    /** The server refuses longer names (10052, 10102): said before connecting, with the limit. */
    @Test
    void overlongNamesAreRefusedWithTheLimit() throws Exception {
        Map<String, Object> options = files("", "");
        options.put("--stream", "S".repeat(256));
        LabException e = assertThrows(LabException.class, () -> load(options, Map.of()));
        assertEquals(Exit.USAGE, e.exitCode);
        assertTrue(e.getMessage().endsWith("is not valid: a name has at most 255 characters (the server's limit), this "
                + "one has 256"), e.getMessage());
        LabException fromFile = assertThrows(LabException.class,
                () -> load(files("", "[nats]\nconsumer = \"" + "C".repeat(300) + "\"\n"), Map.of()));
        assertEquals(Exit.CONFIG, fromFile.exitCode);
        assertTrue(fromFile.getMessage().startsWith(dir.resolve("lab.toml") + ":2 [nats] consumer: \"CCCC"),
                fromFile.getMessage());
        assertTrue(fromFile.getMessage().endsWith("at most 255 characters (the server's limit), this one has 300"));
        Map<String, Object> longest = files("", "");
        longest.put("--stream", "S".repeat(255));
        assertEquals(255, load(longest, Map.of()).stream.length());
    }

    /** Besides the README's bad-input rows (empty, a space, * and >): an empty token. */
    @Test
    void subjectWithAnEmptyTokenIsRejected() throws Exception {
        for (String subject : new String[] {"lab4..x", ".lab4", "lab4."}) {
            Map<String, Object> options = files("", "");
            options.put("--subject", subject);
            LabException e = assertThrows(LabException.class, () -> load(options, Map.of()), subject);
            assertTrue(e.getMessage().startsWith("flag --subject: "), e.getMessage());
        }
    }

    @Test
    void waitMustBeAtLeastOneSecond() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("[recv]\nwait_secs = 0\n", ""), Map.of()));
        assertEquals(dir.resolve("config.toml") + ":2 [recv] wait_secs: 0 is not valid: it must be whole seconds from 1 to 31536000 (a year), written as a bare number (jnats sends no pull request shorter than 1s)",
                e.getMessage());
    }

    /** Two keys like none: their lines in the file's order, and the hint where every key is listed once. */
    @Test
    void unknownKeysComeInFileOrderWithOneHint() throws Exception {
        String lab = dir.resolve("lab.toml").toString();
        assertEquals(List.of("WARN " + lab + ":2: unknown key nats.auth.zebra is ignored",
                        "  every key, with its value and where it came from: --show-config",
                        "WARN " + lab + ":3: unknown key nats.auth.quokka is ignored"),
                warningsOf(files("", "[nats.auth]\nzebra = 1\nquokka = 2\n")));
    }

    /** The lines loading these files prints on stderr. */
    private static List<String> warningsOf(Map<String, Object> files) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            load(files, Map.of());
        } finally {
            System.setErr(before);
        }
        return err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }

    /** A mistyped key: one short line naming the key meant; a key like none: two lines, each within 100 columns. */
    @Test
    void anUnknownKeyIsShortAndNamesTheNearest() throws Exception {
        List<String> lines = warningsOf(files("[nats.auth]\nuser_name = \"bob\"\n[nats]\nwait_secs = 3\n[recv]\nwiat_secs = 3\n",
                "[nats.auth]\nzebra = 1\n"));
        String root = dir.resolve("config.toml").toString();
        assertTrue(lines.contains("WARN " + root + ":2: unknown key nats.auth.user_name is ignored; did you mean nats.auth.user?"), lines.toString());
        assertTrue(lines.contains("WARN " + root + ":4: unknown key nats.wait_secs is ignored; did you mean recv.wait_secs?"), lines.toString());
        assertTrue(lines.contains("WARN " + root + ":6: unknown key recv.wiat_secs is ignored; did you mean recv.wait_secs?"), lines.toString());
        int zebra = lines.indexOf("WARN " + dir.resolve("lab.toml") + ":2: unknown key nats.auth.zebra is ignored");
        assertTrue(zebra >= 0, lines.toString());
        assertEquals("  every key, with its value and where it came from: --show-config", lines.get(zebra + 1));
        assertEquals(5, lines.size(), lines.toString());
        for (String line : lines) {
            assertTrue(line.replace(dir.toString(), "/tmp/x").length() <= 100, line);
        }
    }

    /**
     * Every *_secs key, given each kind of value a file refuses: what the line advises is taken, a whole
     * number by the file itself and a duration by the flag it names; no line offers a file a duration text.
     */
    @Test
    void aRefusedSecondsKeyAdvisesWhatTheFileTakes() throws Exception {
        Pattern like = Pattern.compile("like (-?[0-9]+)");
        Pattern flag = Pattern.compile("give the flag a duration: (--[a-z-]+) ([0-9a-z]+)");
        for (Setting key : Setting.values()) {
            if (!key.is(Setting.Kind.DURATION)) {
                continue;
            }
            String section = "[" + key.section() + "]\n" + key.leaf() + " = ";
            for (String value : List.of("0", "-1", "0.5", "0.0", "-0.5", "\"500ms\"", "\"0\"", "\"abc\"", "99999999999", "\"99999999999\"")) {
                String file = section + value + "\n";
                LabException refused;
                try {
                    load(files(file, ""), Map.of());
                    assertTrue(key == Setting.MAX_AGE && value.matches("0|0\\.0"), file + " was taken"); // 0.0 is 0: no limit
                    continue;
                } catch (LabException e) {
                    refused = e;
                }
                String line = refused.getMessage();
                assertEquals(Exit.CONFIG, refused.exitCode, line);
                assertFalse(line.contains("5s, 1m30s"), file + " -> " + line);
                Matcher number = like.matcher(line);
                Matcher duration = flag.matcher(line);
                assertTrue(number.find() || line.contains("whole seconds from 1 to 31536000"), file + " -> " + line);
                if (number.find(0)) {
                    load(files(section + number.group(1) + "\n", ""), Map.of()); // taken: no exception
                }
                if (duration.find()) {
                    assertEquals(key.flag(), duration.group(1), line);
                    Map<String, Object> options = files("", "");
                    options.put(duration.group(1), duration.group(2));
                    load(options, Map.of());
                }
            }
        }
    }

    /**
     * Env and a natscli context give text (or JSON): a value takes its row's type as a file's does, so a number or
     * a switch is one there too (--show-config shows it unquoted), and one that is not gets the file's one line, exit 3.
     */
    @Test
    void envAndContextValuesTakeTheirRowsType() throws Exception {
        Map<String, Object> options = files("", "");
        Path context = dir.resolve("ctx.json");
        options.put("--context", context.toString());
        Files.writeString(context, "{\"tls_first\": \"true\"}");
        Config typed = load(options, Map.of("NATS_TIMEOUT", "2s"));
        assertTrue(typed.isSet(Setting.HANDSHAKE_FIRST), typed.effectiveConfig());
        assertTrue(typed.effectiveConfig().contains("  nats.tls.handshake_first = true"), typed.effectiveConfig());
        assertEquals(Duration.ofSeconds(2), typed.timeout);

        Files.writeString(context, "{\"tls_first\": false, \"url\": \"\"}");
        Config off = load(options, Map.of());
        assertFalse(off.sourceOf(Setting.URL).startsWith("context"), "natscli's \"\" and false set nothing");
        assertFalse(off.isSet(Setting.HANDSHAKE_FIRST));

        Files.writeString(context, "{\"tls_first\": \"yes\"}");
        LabException yes = assertThrows(LabException.class, () -> load(options, Map.of()));
        assertEquals(Exit.CONFIG, yes.exitCode);
        assertEquals("context " + context + " tls_first: \"yes\" is not valid: it must be true or false", yes.getMessage());
        Files.writeString(context, "{\"url\": 4222}");
        LabException number = assertThrows(LabException.class, () -> load(options, Map.of()));
        assertEquals("context " + context + " url: 4222 is not valid: it must be a string in quotes", number.getMessage());

        // no row reads a whole number from env yet: the rule a future one gets, through a row of that type
        assertEquals(9L, ConfigFile.typed(Setting.MAX_MSGS, "9", "env LAB_MAX_MSGS"));
        assertEquals(-1L, ConfigFile.typed(Setting.MAX_MSGS, "-1", "env LAB_MAX_MSGS"));
        for (String bad : new String[] {"abc", "9.5", "99999999999999999999", " 9"}) {
            LabException e = assertThrows(LabException.class, () -> ConfigFile.typed(Setting.MAX_MSGS, bad, "env LAB_MAX_MSGS"));
            assertEquals(Exit.CONFIG, e.exitCode);
            assertEquals("env LAB_MAX_MSGS: \"" + bad + "\" is not valid: it must be a whole number, like 5", e.getMessage());
        }
        assertEquals("90s", ConfigFile.typed(Setting.TIMEOUT, "90s", "env NATS_TIMEOUT"), "a time stays a duration text");
        LabException time = assertThrows(LabException.class, () -> load(files("", ""), Map.of("NATS_TIMEOUT", "abc")));
        assertEquals(Exit.CONFIG, time.exitCode);
        assertTrue(time.getMessage().startsWith("env NATS_TIMEOUT: \"abc\" is not valid: "), time.getMessage());
    }
}
