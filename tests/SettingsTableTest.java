// The table of settings (scripts/lab/Setting.java) is what the scripts read: each flag it names is a
// script's option, each env variable and context field sets the setting, each secret is masked;
// and every script's --help shows the connection options after the lesson's own, under "Connecting:"
// (then "Config:", "Login:", "TLS:" and "Diagnostics:").

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTableTest extends WithServer {
    /** Lab 4's scripts: the ones that take the table's flags. */
    private static final List<String> SCRIPTS = Catalog.lab4().stream().map(Catalog.Script::className).toList();

    /**
     * A row with a flag is an option of some script, made from the row (its names, its label, its help); a
     * script's option with a row's flag name is the row's; and no option is written by hand for a setting, so
     * one the table does not know (a flag that would set nothing) or one that drifts from its row cannot exist.
     */
    @Test
    void everyFlagOfTheTableIsAScriptsOptionMadeFromItsRow() throws Exception {
        Map<Setting, String> offered = new java.util.EnumMap<>(Setting.class);
        for (Catalog.Script script : Catalog.scripts()) {
            for (OptionSpec option : new CommandLine(script.command()).getCommandSpec().options()) {
                for (String name : option.names()) {
                    Setting setting = Setting.byFlag(name);
                    if (setting != null) {
                        assertEquals(Set.copyOf(setting.flags), Set.of(option.names()), setting + " in " + script);
                        assertEquals(setting.paramLabel == null ? 0 : 1, option.arity().max(), setting + " in " + script);
                        offered.put(setting, script.alias());
                    }
                }
            }
        }
        for (Setting setting : Setting.values()) {
            if (setting.flag() != null) {
                assertTrue(offered.containsKey(setting), setting.flag() + " is in the table but no script takes it: "
                        + "name " + setting + " in a script's SettingFlags list");
                assertNotNull(setting.help, setting + ": a flag's row needs its help(...)");
                assertTrue(setting.type == Boolean.class || setting.paramLabel != null && !setting.paramLabel.isEmpty(),
                        setting + ": a flag that takes a value needs its label, --flag=LABEL");
            } else {
                assertTrue(setting.help == null, setting + ": help for a flag the row does not have");
            }
        }
        // hand-written options: none names a row's flag, so every flag of a setting comes from its row
        java.util.regex.Pattern option = java.util.regex.Pattern.compile("@Option\\(names = (\\{[^}]*\\}|\"[^\"]*\")");
        for (Path file : Files.newDirectoryStream(Run.REPO.resolve("scripts"), "*.java")) {
            checkHandWritten(file, option);
        }
        for (Path file : Files.newDirectoryStream(Run.REPO.resolve("scripts/lab"), "*.java")) {
            checkHandWritten(file, option);
        }
    }

    private static void checkHandWritten(Path file, java.util.regex.Pattern option) throws Exception {
        var found = option.matcher(Files.readString(file));
        while (found.find()) {
            for (String name : found.group(1).replaceAll("[{}\"\\s]", "").split(",")) {
                assertTrue(Setting.byFlag(name) == null, file.getFileName() + " writes the option " + name + " by hand, "
                        + "which the row of " + Setting.byFlag(name) + " makes: name the row in a SettingFlags list instead");
            }
        }
    }

    /** A flag's help names its config key and default from the table's row, so the help cannot drift from it. */
    @Test
    void helpNamesTheTablesKeysAndDefaults() throws Exception {
        String help = Run.script("JsBootstrap", "--help").go().out().replaceAll("\\s+", " ");
        for (Setting setting : List.of(Setting.MAX_ACK_PENDING, Setting.REPLICAS, Setting.RETENTION)) {
            String shown = setting.display() + "; default " + setting.byDefault + ")";
            assertTrue(help.contains(shown), "js-bootstrap --help should say " + shown + ":\n" + help);
        }
        // a row's allowed values: the flag's label and its help, from the same row the checks read
        for (Setting setting : List.of(Setting.RETENTION, Setting.DISCARD)) {
            assertTrue(help.contains(setting.flag() + "=" + String.join("|", setting.allowed()) + " "), help);
            assertTrue(help.contains(setting.choices(false).replaceAll("\\s+", " ")), help);
        }
        assertEquals(List.of("limits", "workqueue", "interest"), Setting.RETENTION.allowed());
        String pull = Run.script("JsPull", "--help").go().out().replaceAll("\\s+", " ");
        assertTrue(pull.contains("max ack pending (" + Setting.MAX_ACK_PENDING.byDefault + ")"), pull);
        for (String script : SCRIPTS) {
            String text = Run.script(script, "--help").go().out();
            assertFalse(text.contains("${") || text.contains("null"), script + " --help leaves a variable unfilled:\n" + text);
        }
    }

    /** Each row's env variable and context field set its key, and --show-config masks every secret row. */
    @Test
    void envAndContextSetWhatTheTableSaysAndSecretsAreMasked() throws Exception {
        Path dir = Scratch.dir();
        StringBuilder context = new StringBuilder("{");
        List<String> fromEnv = new ArrayList<>();
        Run run = script("JsInfo", "--show-config", "--context", dir.resolve("lab.json").toString());
        for (Setting setting : Setting.values()) {
            // a server list, a login, a password: values that pass the checks, no files needed
            if (setting == Setting.URL || setting == Setting.USER || setting == Setting.PASSWORD) {
                String value = setting == Setting.URL ? "nats://127.0.0.1:4999" : "value-" + setting.name();
                if (setting.env != null) {
                    run = run.env(setting.env, value);
                    fromEnv.add(setting.key + " = .* \\(env " + setting.env + "\\)");
                }
            }
            if (setting == Setting.HANDSHAKE_FIRST) {
                context.append('"').append(setting.contextField).append("\": true,");
            }
        }
        Files.writeString(dir.resolve("lab.json"), context.append("\"unused\": 1}").toString());
        Run.Result shown = ok(run.go());
        List<String> lines = ShownConfig.joined(shown.out()).lines().map(String::trim).toList();
        for (String line : fromEnv) {
            assertTrue(lines.stream().anyMatch(out -> out.matches(line)), line + "\n" + shown.out());
        }
        assertTrue(lines.stream().anyMatch(out -> out.matches(Setting.HANDSHAKE_FIRST.key
                + " = true  \\(context .* " + Setting.HANDSHAKE_FIRST.contextField + "\\)")), shown.out());
        for (Setting setting : Setting.values()) {
            if (setting.is(Setting.Kind.SECRET)) {
                assertFalse(shown.out().contains("value-" + setting.name()), shown.out());
            }
        }
        assertTrue(shown.out().contains(Setting.PASSWORD.key + " "), shown.out());
    }


    @Test
    void connectingOptionsComeAfterTheLessonsOwnUnderTheirHeading() throws Exception {
        Set<String> connecting = new HashSet<>();
        for (List<Setting> settings : List.of(ConnectionOptions.CONNECTING_SETTINGS, ConnectionOptions.LOGIN_SETTINGS,
                ConnectionOptions.TLS_SETTINGS)) {
            settings.forEach(setting -> connecting.addAll(setting.flags));
        }
        for (Object group : List.of(new ConnectionOptions.ConfigFlags(), new ConnectionOptions.DiagnosticFlags(),
                new ConnectionOptions.GeneralFlags())) {
            for (OptionSpec option : CommandSpec.forAnnotatedObject(group).options()) {
                connecting.addAll(List.of(option.names()));
            }
        }
        for (String script : Catalog.classNames()) { // every script of the course, the labs 1-3 ones too
            List<String> help = ok(script(script, "--help").go()).outLines();
            int heading = help.indexOf("Connecting:");
            assertTrue(heading > 0, script + " --help has no Connecting: heading\n" + String.join("\n", help));
            // then the connection flags by what they are for, diagnostics, and --help and --version last
            List<Integer> subheadings = List.of("Config:", "Login:", "TLS:", "Diagnostics:", "General:").stream().map(help::indexOf).toList();
            assertTrue(subheadings.get(0) > heading && subheadings.equals(subheadings.stream().sorted().toList()),
                    script + " --help: " + subheadings + "\n" + String.join("\n", help));
            Set<String> after = new HashSet<>();
            for (int i = 0; i < help.size(); i++) {
                String name = optionOf(help.get(i));
                if (name != null) {
                    assertEquals(i > heading, connecting.contains(name), script + " --help: " + help.get(i));
                    if (i > heading) {
                        after.add(name);
                    }
                }
            }
            assertEquals(connecting.stream().filter(name -> name.startsWith("--")).collect(java.util.stream.Collectors.toSet()),
                    after, script);
        }
    }

    /** The long option a help line describes ("  -s, --server=URL  ..." gives --server), or null. */
    private static String optionOf(String line) {
        var option = java.util.regex.Pattern.compile("^  (?:-\\w, |    )(--[\\w-]+)").matcher(line);
        return option.find() ? option.group(1) : null;
    }

    /**
     * bin/lab-server reads the settings through --show-config-lines, but first moves a secret flag into
     * its variable (ps shows command lines): which flags those are, the scripts say from this table, so
     * each one is moved, in either form, also one just added. A stand-in for bin/lab-run answers as the
     * scripts do (and names one more secret, as a new auth method's row would) and records what it got.
     */
    @Test
    void labServerHidesEverySecretFlagTheScriptsName(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String[]> flags = new ArrayList<>();
        flags.add(new String[] {"--added-secret", "NATS_ADDED"});
        for (Setting setting : Setting.values()) {
            if (setting.is(Setting.Kind.SECRET) && setting.flag() != null) {
                assertNotNull(setting.env, setting.flag() + ": a secret flag needs a variable to travel in");
                flags.add(new String[] {setting.flag(), setting.env});
            }
        }
        assertTrue(flags.size() >= 3, "the table's secret rows with a flag: " + flags.size());
        StandInLabRun lab = StandInLabRun.in(dir, "secret NATS_ADDED --added-secret\n",
                flags.stream().map(flag -> flag[1]).toArray(String[]::new));
        for (String[] secret : flags) {
            for (List<String> given : List.of(List.of(secret[0], "s3cr=t 1"), List.of(secret[0] + "=s3cr=t 1"))) {
                List<String> command = new ArrayList<>(List.of("status", "js-info", "--stream", "S"));
                command.addAll(given);
                Run.Result status = lab.command(command.toArray(String[]::new)).go();
                assertFalse(status.out().contains("s3cr=t") || status.err().contains("s3cr=t"), status.toString());
                List<String> recorded = lab.recorded();
                assertEquals(List.of("arg js-info", "arg --show-config-lines", "arg --stream", "arg S"),
                        recorded.subList(0, 4), given.toString());
                assertTrue(recorded.contains("env " + secret[1] + "=s3cr=t 1"), given + ": " + recorded);
            }
        }
        // asked once: the answer is kept under a hash of the table, and asked again when the table changes
        assertEquals(1, lab.timesAsked());
        Path table = dir.resolve("scripts/lab/Setting.java");
        Files.writeString(table, Files.readString(table) + "\n");
        lab.command("status", "js-info").go();
        assertEquals(2, lab.timesAsked());
    }

    /** What the scripts answer bin/lab-server: every secret row with a flag, and the server list's flags (for a login in it). */
    @Test
    void theScriptsNameEverySecretFlagOfTheTable() throws Exception {
        Run.Result answer = ok(Run.script("JsInfo", "--show-config-lines", "--config", "/nonexistent")
                .env(ConnectionOptions.SHOW_SECRET_AND_SERVER_FLAGS, "1").go());
        assertEquals(ConnectionOptions.secretAndServerFlagLines(), answer.out());
        assertEquals("", answer.err(), "no setting is read for it: a missing or broken config file says nothing");
        for (Setting setting : Setting.values()) {
            if (setting.is(Setting.Kind.SECRET) && setting.flag() != null) {
                assertTrue(answer.outLines().contains("secret " + setting.env + " " + String.join(" ", setting.flags)), answer.out());
            }
        }
        assertTrue(answer.outLines().contains("login " + Setting.URL.env + " " + String.join(" ", Setting.URL.flags)), answer.out());
    }

    /**
     * README's "Connecting to a secured server" table names, per way to log in, config keys, variables
     * and flags: each of its rows says what the rows of Setting for those keys say, and each login and
     * TLS row of Setting is in it.
     */
    @Test
    void theReadmesLoginAndTlsTableSaysWhatTheTableOfSettingsSays() throws Exception {
        List<String> readme = Files.readAllLines(Run.REPO.resolve("README.md"));
        int head = readme.indexOf("| what | config file | environment | flag |");
        assertTrue(head > 0, "README.md has the table of logins");
        java.util.regex.Pattern code = java.util.regex.Pattern.compile("`([^`]*)`");
        Set<Setting> named = new HashSet<>();
        for (String row : readme.subList(head + 2, readme.size())) {
            if (!row.startsWith("|")) {
                break;
            }
            String[] cells = row.split("\\|", -1);
            Set<Setting> settings = new HashSet<>();
            String section = null;
            java.util.regex.Matcher keys = code.matcher(cells[2]);
            while (keys.find()) {
                java.util.regex.Matcher key = java.util.regex.Pattern.compile("(?:\\[([\\w.]+)\\] )?(\\w+)").matcher(keys.group(1));
                assertTrue(key.lookingAt(), row);
                section = key.group(1) != null ? key.group(1) : section;
                if (section != null) {
                    Setting setting = Setting.byKey(section + "." + key.group(2));
                    assertNotNull(setting, "README.md names " + section + "." + key.group(2) + ", which Setting does not have: " + row);
                    settings.add(setting);
                }
            }
            if (settings.isEmpty()) {
                continue; // no config key: not a setting (a natscli context)
            }
            named.addAll(settings);
            Set<String> env = new HashSet<>();
            Set<String> flags = new HashSet<>();
            settings.forEach(setting -> {
                if (setting.env != null) {
                    env.add(setting.env);
                }
                if (setting.flag() != null) {
                    flags.add(setting.flag());
                }
            });
            assertEquals(env, codes(code, cells[3]), "the variables of: " + row);
            assertEquals(flags, codes(code, cells[4]), "the flags of: " + row);
        }
        for (Setting setting : Setting.values()) {
            if (setting.is(Setting.Kind.LOGIN) || setting.is(Setting.Kind.SECRET) || setting.tls()
                    || setting.secretItGives() != null) {
                assertTrue(named.contains(setting), setting.key + " is missing from README.md's table of logins");
            }
        }
    }

    /** The words in backticks of a README cell, each cut at its first space (`--nkey FILE` is --nkey). */
    private static Set<String> codes(java.util.regex.Pattern code, String cell) {
        Set<String> words = new HashSet<>();
        java.util.regex.Matcher m = code.matcher(cell);
        while (m.find()) {
            words.add(m.group(1).split(" ")[0]);
        }
        return words;
    }

    @Test
    void theTableNamesEachKeyOnce() {
        Set<String> keys = new HashSet<>();
        for (Setting setting : Setting.values()) {
            assertTrue(keys.add(setting.key), setting.key);
            assertNotNull(Setting.byKey(setting.key));
        }
    }
}
