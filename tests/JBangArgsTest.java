// Arguments reach the script exactly as given, whichever way it is started: bin/jbang, a
// catalog alias (js-pub@jslab once `make catalog` registered it), `make run` with MSG (on make's
// command line or in the environment) or ARGS, and `make run RUN=bin/jbang`. The proof is what the
// server stored. (The command `jbang app install` writes is InstallTest's.) Through bin/jbang and
// `make run RUN=bin/jbang` the argument with letters outside ASCII goes without a locale, as from a
// Debian login shell (the alias's goes in a UTF-8 locale: bin/jbang reads the locale before JBang
// looks up the alias).
// Every awkward argument goes through each layer that handles it in its own way (bin/jbang and JBang's
// launcher, make's command line, the environment, shell words): all of them in one argument, which a
// layer that quotes or expands any of them wrongly changes, and alone those a layer may treat apart
// (the empty one, a lone space, a lone `*`); a path that only hands the words on gets the one argument
// (RUN=bin/jbang) and the empty one too (the alias). The one argument goes all the way to the server on
// each path but MSG in the environment, where the empty one does (what bin/lab-run does with a word
// does not depend on which of make's variables it came from); the other words go to a script that
// prints its arguments (through bin/jbang) or, for make run, to a stand-in for bin/lab-run that prints
// what make handed it.

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JBangArgsTest extends WithServer {
    /** An empty argument, a lone space, quotes, `$`, `*`, a newline and unicode. */
    static final List<String> AWKWARD = List.of("", " ", "it's \"quoted\"", "$HOME $(id) `id` \\ $",
            "*", "line one\nline two", "ünïcødé ✓ 日本語");
    /** Every awkward argument but the blank ones, in one: a layer that quotes or expands any of them wrongly changes it. */
    static final String ALL_IN_ONE = String.join(" ", AWKWARD.stream().filter(word -> !word.isBlank()).toList());
    /** For a path that only hands its words on: all of them in one argument, and the empty one (JBang drops an empty word). */
    static final List<String> HANDED_ON = List.of(ALL_IN_ONE, "");
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();

    @TempDir
    Path elsewhere;

    @BeforeEach
    void labStream() throws Exception {
        server.resetToLabStream();
    }

    /**
     * The alias with every awkward word in one argument, typed without a locale; the blank words and `*` each alone
     * go with the next test's, in one run of a script that prints what it got.
     */
    @Test
    void throughBinJbang() throws Exception {
        ok(withLettersWithoutALocale(ALL_IN_ONE, JBANG, "js-pub", ALL_IN_ONE).server(server).go());
        assertEquals(List.of(ALL_IN_ONE), StoredMessages.in(server));
    }

    /**
     * JBang reads an argument that starts with @ as a file of more arguments; through bin/jbang the script gets it
     * as written. After a JBang option that takes a value (`--java 17`, `--deps x`) the script is the next word, a
     * message named like a lab alias stays a message, and the script's arguments are numbered from its name on.
     * js-pub stores @team (the README's path of a script by its path, from another folder, after `run --java 17`);
     * a script that prints its arguments gets, after `--quiet`, a message named like a lab alias, each word with an
     * @, the blank ones and `*`, in one run.
     */
    @Test
    void aJbangOptionsValueIsNotTheScriptAndAnArgumentStartingWithAtIsAMessage() throws Exception {
        Files.writeString(elsewhere.resolve("team"), "--server\nnats://127.0.0.1:1\n"); // expanded, it would point elsewhere
        String pub = Run.REPO.resolve("scripts/JsPub.java").toString();
        ok(Run.command(JBANG, "run", "--java", "17", pub, "@team").in(elsewhere).server(server).go());
        assertEquals(List.of("@team"), StoredMessages.in(server));
        List<String> words = List.of("js-info", "@team", "@@team", "@", "", " ", "*"); // `*` would match the file team
        Run.Result printed = ok(Run.command(JBANG, "--quiet", Run.REPO.resolve("tests/jbang/PrintArgs.java").toString())
                .args(words.toArray(String[]::new)).in(elsewhere).go());
        assertEquals(words.stream().map(word -> "arg " + java.util.HexFormat.of().formatHex(word.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).toList(), printed.outLines(), printed.toString());
        for (List<String> options : List.of(List.of("--java", "17"), List.of("-j", "17", "--quiet"), List.of("-R", "-Xmx256m"),
                List.of("--deps", "info.picocli:picocli:4.7.7", "-D", "x=y"), List.of("run", "--quiet"), List.of("-Dx=y", "--"))) {
            List<String> line = new java.util.ArrayList<>(List.of("bash", "-c", "exec \"$@\" ok $'caf\\xe9'", "bash", JBANG));
            line.addAll(options);
            line.add("js-pub");
            Run.Result run = LocaleTest.noLocale(line.toArray(String[]::new)).server(server).go();
            assertEquals(2, run.exit(), options + ": " + run);
            assertEquals("ERROR argument 2 " + LocaleTest.NOT_UTF8_IN_UTF8 + "\n", run.err(), options + ": " + run);
        }
        assertEquals(List.of("@team"), StoredMessages.in(server));
    }

    /** The README's `make catalog`, then an alias of it from a folder outside the repo. */
    @Test
    void throughACatalogAliasFromAnotherFolder() throws Exception {
        String jbangHome = elsewhere.resolve("jbang-home").toString();
        ok(Run.command("make", "catalog").env("JBANG_DIR", jbangHome).env("JBANG_REPO", System.getenv("HOME") + "/.m2/repository").go());
        Path somewhere = Files.createDirectories(elsewhere.resolve("somewhere"));
        Run.Result last = null;
        for (String message : HANDED_ON) {
            last = ok(Run.command(JBANG, "js-pub@jslab", message).in(somewhere).env("JBANG_DIR", jbangHome).server(server).go());
        }
        assertEquals("INFO published \"\" to stream LAB4_STREAM (seq 2)\n", last.out());
        assertEquals(HANDED_ON, StoredMessages.in(server));
    }

    @Test
    void throughMakeRunMsg() throws Exception {
        ok(makeRun("MSG=" + ALL_IN_ONE).go());
        assertEquals(List.of(ALL_IN_ONE), StoredMessages.in(server));
        // make drops leading blanks from a variable on its command line: a lone space arrives
        // as "" (the README says so), and goes through the environment instead (next test).
        for (String message : List.of("", "*")) {
            assertEquals(message, handedOn(makeRunPrinting("MSG=" + message).go()));
        }
    }

    @Test
    void throughMakeRunMsgInTheEnvironment() throws Exception {
        ok(makeRun().env("MSG", "").go());
        assertEquals(List.of(""), StoredMessages.in(server));
        for (String message : List.of(ALL_IN_ONE, " ", "  leading blanks")) {
            assertEquals(message, handedOn(makeRunPrinting().env("MSG", message).go()));
        }
    }

    @Test
    void throughMakeRunArgsAsShellWords() throws Exception {
        ok(makeRun("ARGS=-- " + shellQuoted(ALL_IN_ONE)).go());
        assertEquals(List.of(ALL_IN_ONE), StoredMessages.in(server));
        for (String message : List.of("", " ", "*")) {
            assertEquals(message, handedOn(makeRunPrinting("ARGS=-- " + shellQuoted(message)).go()));
        }
    }

    @Test
    void throughMakeRunWithJbangEveryTime() throws Exception {
        ok(LocaleTest.noLocale("make", "--no-print-directory", "run", "BIN=js-pub", "RUN=bin/jbang").env("MSG", ALL_IN_ONE)
                .server(server).go());
        assertEquals(List.of(ALL_IN_ONE), StoredMessages.in(server));
    }

    private static Run makeRun(String... variables) {
        return Run.command("make", "--no-print-directory", "run", "BIN=js-pub").args(variables).server(server);
    }

    /** make run with a stand-in for bin/lab-run that prints the words make hands it (each path's real run: above). */
    private static Run makeRunPrinting(String... variables) {
        return makeRun(variables).args("RUN=tests/jbang/print-args");
    }

    /** The message make handed on: the last word the stand-in printed, after a `--`. */
    private static String handedOn(Run.Result printed) {
        List<String> words = wordsPrinted(printed);
        assertEquals("--", words.size() < 2 ? null : words.get(words.size() - 2), printed.toString());
        return words.get(words.size() - 1);
    }

    /** Each word tests/jbang/print-args got, as make handed it on; the run must have ended well. */
    static List<String> wordsPrinted(Run.Result printed) {
        ok(printed);
        return printed.outLines().stream().map(line -> {
            assertEquals("arg ", line.substring(0, Math.min(4, line.length())), printed.toString());
            return new String(java.util.HexFormat.of().parseHex(line.substring(4)), java.nio.charset.StandardCharsets.UTF_8);
        }).toList();
    }

    /**
     * The command; when the message is ALL_IN_ONE (the one with letters outside ASCII) without a locale, as from a
     * Debian login shell, where they must arrive as typed too (LocaleTest): one run shows both, the others keep one.
     */
    private static Run withLettersWithoutALocale(String message, String... command) {
        return message.equals(ALL_IN_ONE) ? LocaleTest.noLocale(command) : Run.command(command);
    }

    private static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
