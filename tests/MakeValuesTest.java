// What you set on make's command line (LAB_CONFIG, BIN, CATALOG_NAME, ARGS) is a value, never a
// piece of a recipe: a path with a space stays one path, and a `;` starts no command.

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MakeValuesTest extends WithServer {
    @TempDir
    Path dir;

    private Path marker;

    @BeforeEach
    void labStream() throws Exception {
        server.resetToLabStream();
        marker = dir.resolve("marker");
    }

    @Test
    void aBinOrCatalogNameWithACommandInIt() throws Exception {
        Run.Result bin = makeRun("BIN=js-pub;touch " + marker).go();
        assertEquals(2, bin.exit(), bin.toString());
        assertTrue(bin.err().startsWith(Catalog.badBin("js-pub;touch ")
                + marker + "')\n"), bin.err());
        Run.Result catalog = Run.command("make", "--no-print-directory", "catalog", "CATALOG_NAME=x;touch " + marker)
                .env("JBANG_DIR", dir.resolve("jbang-home").toString()).go();
        assertFalse(Files.exists(marker), "a command in CATALOG_NAME ran: " + catalog);
    }

    /**
     * make expands a `$(...)` in a value each time it reads or exports it: a `$(shell ...)` would run. A LAB_CONFIG
     * path with a space, in a folder called `x;touch /tmp/.../marker;y` (and one called the function), is still one path.
     */
    @Test
    void aMakeFunctionInAValueStaysTextAndALabConfigPathWithASpaceAndACommandInItIsOnePath() throws Exception {
        String function = "$(shell touch " + marker + ")";
        Path config = labConfigAt(Path.of(dir + "/my lab/x;touch " + marker + ";y/" + function + "/config.toml"));
        List<String> words = handedOn("LAB_CONFIG=" + config, "MSG=" + function, "ARGS=--msg-id '" + function + "'");
        assertEquals(config.toString(), words.get(words.indexOf("--lab-config") + 1), words.toString());
        assertEquals(List.of("--msg-id", function, "--", function), tail(words, 4));
        assertFalse(Files.exists(marker), "a command or a $(shell ...) in LAB_CONFIG ran");
        Run.Result help = Run.command("make", "--no-print-directory", "help", "LAB=" + function, "DIST=" + function).go();
        assertTrue(help.out().contains("LAB=" + function + " (labs/" + function + "/config.toml)"), help.toString());
        assertFalse(Files.exists(marker), "a $(shell ...) in a make value ran");
    }

    /** ARGS are shell words: an open quote is one line saying so, not the shell's syntax error. */
    @Test
    void argsWithAQuoteLeftOpen() throws Exception {
        Run.Result run = makeRun("ARGS=it's").go();
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("make: ARGS=it's is not a list of shell words (a quote left open?): quote them as"
                + " after the script's name, e.g. ARGS=\"--msg-id 'it'\\''s'\"\n"), run.err());
        assertEquals(List.of(), StoredMessages.in(server));
    }

    /**
     * ARGS are words, quoted as in a shell (a `$NAME` reads a variable), but nothing in them runs: a
     * `;`, a `$(...)` or backticks outside quotes is one line, exit 2; inside single quotes it is text.
     */
    @Test
    void argsThatWouldRunACommand() throws Exception {
        for (String args : List.of("; touch " + marker, "--msg-id $(touch " + marker + ")", "--msg-id \"`touch " + marker + "`\"",
                "--msg-id x | touch " + marker, "--msg-id 'a' # x")) {
            Run.Result run = makeRun("ARGS=" + args, "MSG=never").go();
            assertEquals(2, run.exit(), run.toString());
            assertTrue(run.err().startsWith("make: ARGS=" + args + " would run a command or cut the line short"), run.err());
        }
        assertFalse(Files.exists(marker), "a command in ARGS ran");
        // in one run: single quotes, and a variable in double quotes
        assertEquals(List.of("--msg-id", "$(touch " + marker + ");`x`", "--count", "1", "-H", "k:" + Sandbox.labState() + "$(x)",
                "--", "quoted"), tail(handedOn("ARGS=--msg-id '$(touch " + marker + ");`x`' --count 1 -H \"k:$LAB_STATE_DIR\\$(x)\"",
                "MSG=quoted"), 8));
        assertFalse(Files.exists(marker), "a command in quoted ARGS ran");
    }

    /** Typed text with an OSC title sequence, a BEL, a newline and a backslash: what a line must show, not act on. */
    private static final String TYPED = "x\u001b]0;PWN\u0007\n\\y";
    /** TYPED as the launchers and make show it (tools/jbang/shown.bash), as the scripts do (Output.java). */
    private static final String SHOWN = "x\\u{1b}]0;PWN\\u{7}\\n\\\\y";

    /**
     * make's and the launchers' own lines about what the user typed (LAB, LAB_CONFIG, BIN, ARGS, a script's alias, a
     * cluster's port) show it escaped, in one line: a newline or an ESC in it starts no line and moves no cursor, and a
     * backslash typed reads differently from an escape.
     */
    @Test
    void aTypedValueWithANewlineAndAnEscapeIsShownEscapedInOneLine() throws Exception {
        assertRefused("make: LAB_CONFIG=" + dir + "/" + SHOWN + "/nope.toml does not exist",
                makeRun("LAB_CONFIG=" + dir + "/" + TYPED + "/nope.toml").go());
        assertRefused(Catalog.badBin(SHOWN) + "')", Run.command("make", "--no-print-directory", "run", "BIN=" + TYPED).server(server).go());
        assertRefused("make: no lab '" + SHOWN + "': labs/" + SHOWN + "/config.toml is missing (labs: ",
                makeRun("LAB=" + TYPED).go());
        assertRefused("make: ARGS='" + SHOWN + " is not a list of shell words", makeRun("ARGS='" + TYPED).go());
        assertRefused("make: ARGS=" + SHOWN + ";x would run a command", makeRun("ARGS=" + TYPED + ";x").go());
        assertRefused("lab-run: no alias " + SHOWN + " in jbang-catalog.json", Run.command(Run.REPO.resolve("bin/lab-run").toString(), TYPED).go());
        assertRefused("lab-cluster: '" + SHOWN + "' is not a client port", Run.command(Run.REPO.resolve("bin/lab-cluster").toString(), "status", TYPED).go());
        Run.Result help = Run.command("make", "-s", "--no-print-directory", "help", "LAB=" + TYPED).go();
        assertTrue(help.out().endsWith("\nCLUSTER_CONFIG=labs/" + SHOWN + "/config.cluster.toml\nLAB=" + SHOWN + " (labs/" + SHOWN
                + "/config.toml)\n"), help.out());
        assertShowsOnly(help.out());
    }

    /** Failed, its first line on stderr starts so, and nothing it printed moves the cursor or recolours. */
    /** A port past bash's numbers, or with a leading 0 (octal to bash's arithmetic), is one line of lab-cluster's own. */
    @Test
    void aClusterPortBashCannotCountWithIsRefusedInOneLine() throws Exception {
        for (String port : List.of("99999999999999999999", "025300")) {
            Run.Result result = Run.command(Run.REPO.resolve("bin/lab-cluster").toString(), "status", port).go();
            assertEquals("lab-cluster: '" + port + "' is not a client port (1-61535: the route port is 2000 above it, "
                    + "monitoring 4000 above)\n", result.err());
            assertEquals(1, result.exit());
        }
    }

    private static void assertRefused(String start, Run.Result result) {
        assertTrue(result.exit() != 0, result.toString());
        assertTrue(result.err().lines().findFirst().orElse("").startsWith(start), result.err());
        assertShowsOnly(result.out() + result.err());
    }

    /** Only printable ASCII and line ends. */
    private static void assertShowsOnly(String text) {
        assertTrue(text.chars().allMatch(c -> c == '\n' || c >= 0x20 && c < 0x7f), "raw controls in: " + text);
    }

    /** `make catalog` names the jbang you can run: bin/jbang when none is on PATH. */
    @Test
    void makeCatalogNamesAJbangThatRuns() throws Exception {
        Run.Result catalog = ok(Run.command("make", "--no-print-directory", "catalog")
                .env("JBANG_DIR", dir.resolve("jbang-home").toString()).env("PATH", "/usr/local/bin:/usr/bin:/bin").go());
        assertTrue(catalog.out().endsWith("registered: from any directory, try  " + Run.REPO + "/bin/jbang js-pub@jslab \"hello\""
                + " (jbang is not on your PATH: make install puts it in " + dir.resolve("jbang-home") + "/bin and prints the"
                + " line that adds that folder to PATH)\n"), catalog.out());
    }

    private static Path labConfigAt(Path path) throws Exception {
        Files.createDirectories(path.getParent());
        return Files.copy(Run.REPO.resolve("labs/lab4_jetstream_basics/config.toml"), path);
    }

    private static Run makeRun(String... variables) {
        return Run.command("make", "--no-print-directory", "run", "BIN=js-pub").args(variables).server(server);
    }

    /**
     * The words make run hands the script's launcher, after bin/lab-server read the settings with them: RUN is
     * tests/jbang/print-args, which prints each one (make run's js-pub publishing: JBangArgsTest).
     */
    private static List<String> handedOn(String... variables) throws Exception {
        return JBangArgsTest.wordsPrinted(makeRun(variables).args("RUN=tests/jbang/print-args").go());
    }

    private static List<String> tail(List<String> words, int n) {
        return words.subList(Math.max(0, words.size() - n), words.size());
    }
}
