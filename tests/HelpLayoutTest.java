// Help a learner can read in a plain 80-column terminal: each script's --help and `make help` fit
// in 80 columns, the examples stay indented under "Examples:" (none wraps to the left edge), no
// file name or URL in a flag's help is cut in two, and the Usage line leads with the lesson's flags
// (the connection flags are one [CONNECTION OPTIONS] there).
// natscli's word order (`nats pub SUBJECT MSG`, `nats consumer next STREAM CONSUMER`) gets one line
// naming the flags to use, exit 2, and the words are not echoed (one may be a misplaced secret).

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpLayoutTest {
    private static final int COLUMNS = 80;
    private static final List<String> SCRIPTS = Catalog.classNames();

    @TestFactory
    Stream<DynamicTest> everyScriptsHelpFitsAndKeepsItsExamplesIndented() {
        return SCRIPTS.stream().map(script -> DynamicTest.dynamicTest(script, () -> {
                    Run.Result help = Run.script(script, "--help").go();
                    assertEquals(0, help.exit(), help.toString());
                    List<String> lines = help.outLines();
                    assertFits(script + " --help", lines);
                    assertNoWordSplit(script, help.out());
                    int examples = lines.indexOf("Examples:");
                    assertTrue(examples > 0 && examples < lines.size() - 1, script + " --help has examples:\n" + help.out());
                    String alias = script.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
                    for (String line : lines.subList(examples + 1, lines.size())) {
                        assertTrue(line.equals("  " + alias) || line.startsWith("  " + alias + " ")
                                        || line.startsWith("  printf ") && line.contains("| " + alias),
                                script + " --help: an example that is not indented (or wrapped): " + line);
                    }
                }));
    }

    /**
     * The lesson's flags are what a learner reads: the connection flags below them take about a line
     * each (their details are in the README), so the biggest help stays under 100 lines.
     */
    @TestFactory
    Stream<DynamicTest> theConnectionFlagsTakeAboutALineEach() {
        return SCRIPTS.stream().map(script -> DynamicTest.dynamicTest(script, () -> {
            List<String> lines = Run.script(script, "--help").go().outLines();
            int connecting = lines.indexOf("Connecting:");
            int general = lines.indexOf("General:");
            long flags = lines.subList(connecting, general).stream().filter(line -> line.matches(" {2}(-\\w, | {4})--.*")).count();
            assertTrue(connecting > 0 && general - connecting <= flags + flags / 2 + 5,
                    script + ": " + (general - connecting) + " lines for " + flags + " connection flags:\n" + String.join("\n", lines));
            assertTrue(lines.size() < 100, script + " --help: " + lines.size() + " lines");
        }));
    }

    /**
     * Each group of connection flags stands apart the same way: its heading right under the group
     * above, no blank line for one and not for another (blank lines for all would take the biggest
     * help past 100 lines).
     */
    @TestFactory
    Stream<DynamicTest> everyGroupOfFlagsStandsApartTheSameWay() {
        return SCRIPTS.stream().map(script -> DynamicTest.dynamicTest(script, () -> {
            List<String> lines = Run.script(script, "--help").go().outLines();
            for (String heading : List.of("Connecting:", "Config:", "Login:", "TLS:", "Diagnostics:", "General:")) {
                int at = lines.indexOf(heading);
                assertTrue(at > 0 && !lines.get(at - 1).isEmpty(), script + " --help: " + heading + "\n" + String.join("\n", lines));
            }
        }));
    }

    @Test
    void makeHelpFits() throws Exception {
        Run.Result help = Run.command("make", "--no-print-directory", "help").go();
        assertEquals(0, help.exit(), help.toString());
        assertFits("make help", help.outLines());
        String lab4 = String.join(" ", Catalog.lab4().stream().map(Catalog.Script::alias).toList());
        assertTrue(help.out().contains(lab4), help.out());
        assertTrue(help.out().contains("labs 1-3: " + String.join(" ", Catalog.scripts().stream().filter(script -> !script.lab4())
                .map(Catalog.Script::alias).toList())), help.out());
    }

    /** --show-config too, with a password from env and a user flag; a folder's own path is as long as it is, so it stands for a short one. */
    @Test
    void showConfigFits() throws Exception {
        Run.Result shown = Run.script("JsInfo", "--show-config", "--user", "alice").env("NATS_PASSWORD", "s3cret").go();
        assertEquals(0, shown.exit(), shown.toString());
        assertFits("js-info --show-config", shown.out().replace(Run.REPO.toString(), "/path/to/the/lab").lines().toList());
        assertTrue(shown.out().contains("  nats.auth.password = ****  (env NATS_PASSWORD)\n"), shown.out());
    }

    /**
     * A config file and a context at 100-character paths, and a lab config file left alone in the
     * working folder: each path breaks after a '/', each reason between words, and joined again they are whole.
     */
    @Test
    void showConfigFitsWithLongPaths(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("x".repeat(Math.max(1, 100 - dir.toString().length() - "/.toml".length())) + ".toml");
        Path context = dir.resolve("y".repeat(Math.max(1, 100 - dir.toString().length() - "/.json".length())) + ".json");
        assertTrue(config.toString().length() >= 100 && context.toString().length() >= 100, config + ", " + context);
        Files.writeString(config, "[nats]\nsubject = \"long.path\"\n\n[recv]\nwait_secs = 2\n");
        Files.writeString(context, "{\"user\": \"alice\", \"password\": \"s3cret\"}");
        Path work = Files.createDirectories(dir.resolve("work"));
        Path labFile = Files.createDirectories(work.resolve("labs/lab4_jetstream_basics")).resolve("config.toml");
        Files.writeString(labFile, "[nats]\nstream = \"LEFT_ALONE\"\n");

        Run.Result shown = Run.script("JsInfo", "--show-config", "--config", config.toString(), "--context",
                context.toString()).in(work).go();
        assertEquals(0, shown.exit(), shown.toString());
        assertFits("js-info --show-config", shown.outLines());
        String joined = ShownConfig.joined(shown.out());
        for (String whole : List.of("  read     " + config + " (named by flag --config)\n",
                "  read     context " + context + " (named by flag --context)\n",
                "  not read ./labs/lab4_jetstream_basics/config.toml (in the working folder, not named: a config file there is read only with "
                        + "--config or --lab-config)\n",
                "  nats.subject = \"long.path\"  (" + config + ":2 [nats] subject)\n",
                "  recv.wait_secs = 2  (" + config + ":5 [recv] wait_secs)\n",
                "  nats.auth.user = \"alice\"  (context " + context + " user)\n",
                "  nats.auth.password = ****  (context " + context + " password)\n")) {
            assertTrue(joined.contains(whole), whole + "in:\n" + shown.out());
        }
    }

    @Test
    void natscliWordOrderNamesTheFlagsToUse() throws Exception {
        Run.Result pub = Run.script("JsPub", "orders.new", "s3cret-looking").go();
        assertEquals(Exit.USAGE, pub.exit(), pub.toString());
        assertEquals("ERROR js-pub takes one MSG (quote one with spaces): js-pub --subject SUBJECT MSG (natscli's "
                + "`nats pub SUBJECT MSG` order does not work here; see js-pub --help)\n", pub.err());
        assertEquals("", pub.out());

        Run.Result pull = Run.script("JsPull", "ORDERS", "ORDERS_WORKER").go();
        assertEquals(Exit.USAGE, pull.exit(), pull.toString());
        assertEquals("ERROR js-pull takes no words, only flags: js-pull --stream STREAM --consumer CONSUMER (natscli's "
                + "`nats consumer next STREAM CONSUMER` order does not work here; see js-pull --help)\n", pull.err());
        assertFalse(pull.err().contains("ORDERS_WORKER"), pull.err());

        Run.Result info = Run.script("JsInfo", "ORDERS").go();
        assertEquals(Exit.USAGE, info.exit(), info.toString());
        assertTrue(info.err().startsWith("ERROR js-info takes no words, only flags: js-info --stream STREAM --consumer "
                + "CONSUMER"), info.err());

        // an unknown option among the words keeps its own line
        Run.Result unknown = Run.script("JsPull", "ORDERS", "--bogus").go();
        assertEquals("ERROR Unknown option: '--bogus' (see js-pull --help)\n", unknown.err());
    }

    /**
     * picocli wraps a flag's help where a line may break, and a file name or URL has such places
     * (config.toml, host:port): each word of each flag's help is whole on one line of the output.
     */
    private static void assertNoWordSplit(String script, String help) throws Exception {
        Object command = Class.forName(script).getDeclaredConstructor().newInstance();
        for (OptionSpec option : new CommandLine(command).getCommandSpec().options()) {
            for (String text : option.description()) {
                for (String word : text.split("\\s+")) {
                    String bare = word.replaceAll("^[(\\[`\"']+|[)\\],.;:`\"']+$", "");
                    if (bare.matches(".*\\w[.:/]+\\w.*") && !bare.contains("${")) {
                        assertTrue(help.contains(bare), script + " --help splits \"" + bare + "\" across lines:\n" + help);
                    }
                }
            }
        }
    }

    /** The Usage line names the lesson's flags and [CONNECTION OPTIONS], not each connection flag. */
    @Test
    void theUsageLineNamesTheConnectionOptionsOnce() throws Exception {
        Run.Result help = Run.script("JsPub", "--help").go();
        String usage = help.out().substring(0, help.out().indexOf("\n", help.out().indexOf("[CONNECTION OPTIONS]")));
        assertTrue(usage.startsWith("Usage: js-pub [-hjV] "), help.out());
        assertTrue(usage.contains("--count=N") && usage.endsWith("[CONNECTION OPTIONS] [MSG]"), usage);
        for (String connecting : List.of("--server", "-s=", "--tlsca", "--creds", "--config", "--show-config", "-v")) {
            assertFalse(usage.contains(connecting), connecting + " in the Usage line:\n" + usage);
        }
        assertTrue(usage.lines().count() <= 3, usage);
        assertTrue(help.out().contains("\n  -s, --server=URL "), "still listed under Connecting:\n" + help.out());
    }

    /** -h and -V are no lesson flags: they come last, under General:, while the Usage line still names them. */
    @TestFactory
    Stream<DynamicTest> helpAndVersionSitUnderGeneralNotAmongTheLessonsFlags() {
        return SCRIPTS.stream().map(script -> DynamicTest.dynamicTest(script, () -> {
            List<String> lines = Run.script(script, "--help").go().outLines();
            int connecting = lines.indexOf("Connecting:");
            int general = lines.indexOf("General:");
            assertTrue(connecting > 0 && general > connecting, script + " --help:\n" + String.join("\n", lines));
            assertTrue(lines.get(general + 1).matches(" {2}-h, --help +Show this help message and exit\\.")
                    && lines.get(general + 2).matches(" {2}-V, --version +Print version information and exit\\."),
                    script + " --help:\n" + String.join("\n", lines));
            assertTrue(lines.get(0).matches("Usage: [a-z-]+ \\[-[a-zA-Z]*h[a-zA-Z]*V\\] .*"), lines.get(0));
        }));
    }

    /**
     * Flags that exclude each other (js-pull's --no-ack | --nak | --nak-delay | --term, js-purge's
     * --seq | --keep) are each optional: the Usage line shows each of them inside brackets, never bare
     * as if it were required.
     */
    @TestFactory
    Stream<DynamicTest> theUsageLineShowsNoOptionalFlagAsRequired() {
        return SCRIPTS.stream().map(script -> DynamicTest.dynamicTest(script, () -> {
            Run.Result help = Run.script(script, "--help").go();
            StringBuilder usage = new StringBuilder(); // the Usage line and the lines it wraps onto
            for (String line : help.outLines()) {
                if (usage.length() > 0 && !line.startsWith(" ")) {
                    break;
                }
                usage.append(line).append('\n');
            }
            Object command = Class.forName(script).getDeclaredConstructor().newInstance();
            for (CommandLine.Model.ArgGroupSpec group : new CommandLine(command).getCommandSpec().argGroups()) {
                if (group.multiplicity().min() > 0 || !group.validate()) {
                    continue;
                }
                for (OptionSpec option : group.options()) {
                    String name = option.longestName();
                    int at = usage.indexOf(name);
                    assertTrue(at > 0, script + ": " + name + " missing from the Usage line:\n" + usage);
                    String before = usage.substring(0, at);
                    long open = before.chars().filter(c -> c == '[').count() - before.chars().filter(c -> c == ']').count();
                    assertTrue(open > 0, script + ": " + name + " shown as required in the Usage line:\n" + usage);
                }
            }
        }));
    }

    private static void assertFits(String what, List<String> lines) {
        for (String line : lines) {
            assertTrue(line.length() <= COLUMNS, what + ": a line of " + line.length() + " columns (at most " + COLUMNS
                    + "): " + line);
        }
    }
}
