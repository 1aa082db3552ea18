// Without a locale (no LANG or LC_*, as in a Debian login shell) Java reads its command line as
// ASCII: every letter outside it would reach a script as U+FFFD. A message, a subject and a file
// name in any letters still arrive byte for byte, through every launcher the lab ships (which
// start their JVMs in C.UTF-8) and through plain `java -cp` (the script reads the bytes again);
// where a launcher outside the lab already lost them, the run stops with one line and stores
// nothing. The proof is what the server stored. (The exported jar: ExportTest; the installed
// command: InstallTest; a catalog alias from another folder: JBangArgsTest; a shared file: ShareTest.)

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StorageType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocaleTest extends WithServer {
    static final String LETTERS = "ünïcode ✓ 日本語";
    /** `env` without any locale variable: the environment of a Debian login shell. */
    static final List<String> NO_LOCALE = List.of("env", "-u", "LANG", "-u", "LC_ALL", "-u", "LC_CTYPE", "-u", "LC_MESSAGES",
            "-u", "LANGUAGE");
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();
    private static final String FIX = "run it in a UTF-8 locale, e.g. `export LANG=C.UTF-8`";
    /** Bytes that are not UTF-8 where the locale is: the terminal sent them so. */
    static final String NOT_UTF8_IN_UTF8 = "is not UTF-8 text: set your terminal to UTF-8 and type it again";

    @TempDir
    Path elsewhere;

    @BeforeEach
    void labStream() throws Exception {
        server.resetToLabStream();
    }

    /** What the check below relies on: Java itself, run without a locale, turns the letters into U+FFFD. */
    @Test
    void javaWithoutALocaleReadsLettersAsReplacementCharacters() throws Exception {
        Run.Result run = ok(noLocale(plainJava(Echo.class.getName(), "ünï")).go());
        assertEquals("##n##", run.out());
    }

    /** Prints its first argument as the JVM read it, each U+FFFD as '#'. Compiled with the tests: its JVM compiles nothing. */
    static final class Echo {
        public static void main(String[] args) {
            System.out.print(args[0].replace('\uFFFD', '#'));
        }
    }

    /**
     * bin/jbang and `make run RUN=bin/jbang` each send letters typed without a locale in JBangArgsTest; bin/lab-run
     * sends them in bytesThatAreNotUtf8AreRefusedInAUtf8Locale, with a U+FFFD typed as such.
     */
    @Test
    void throughMakeRun() throws Exception {
        ok(noLocale("make", "--no-print-directory", "run", "BIN=js-pub", "MSG=" + LETTERS).server(server).go());
        assertEquals(List.of(LETTERS), StoredMessages.in(server));
    }

    /**
     * `java -cp`: nothing of the lab's sets the locale, so the script reads its arguments' bytes again: every awkward
     * one in one argument, and the empty one, which a reader of the bytes that lost count would skip or take for another.
     */
    @Test
    void plainJavaReadsTheArgumentsAgain() throws Exception {
        for (String message : JBangArgsTest.HANDED_ON) {
            ok(noLocale(plainJava("JsPub", message)).server(server).go());
        }
        assertEquals(JBangArgsTest.HANDED_ON, StoredMessages.in(server));
    }

    /** A subject, and a file's name, in other letters: through plain java the subject; through bin/jbang both at once. */
    @Test
    void aSubjectInAnyLettersIsTheSubjectSent() throws Exception {
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("LETTERS").subjects("letters.>")
                    .storageType(StorageType.Memory).build());
        }
        Path file = Files.writeString(elsewhere.resolve("ünï.txt"), "from a file");
        ok(noLocale(plainJava("JsPub", "--subject", "letters.ünï", "plain java")).server(server).go());
        ok(noLocale(JBANG, "js-pub", "--subject", "letters.日本", "--file", file.toString()).server(server).go());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(List.of("letters.ünï", "letters.日本"),
                    List.of(jsm.getMessage("LETTERS", 1).getSubject(), jsm.getMessage("LETTERS", 2).getSubject()));
            assertEquals("from a file", new String(jsm.getMessage("LETTERS", 2).getData(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** A line about a subject in other letters shows them, not '?'. */
    @Test
    void stderrPrintsTheLetters() throws Exception {
        Run.Result run = noLocale(plainJava("JsPub", "--subject", "nowhere.ünï", "x")).server(server).go();
        assertEquals(5, run.exit(), run.toString());
        assertTrue(run.err().contains("no stream captures subject nowhere.ünï"), run.err());
    }

    /** A file name outside ASCII cannot be opened by a JVM without a locale: one line, exit 2 (bin/jbang opens it: above). */
    @Test
    void aFileNameInOtherLetters() throws Exception {
        Path file = Files.writeString(elsewhere.resolve("ünï.txt"), "from a file");
        Run.Result plain = noLocale(plainJava("JsPub", "--file", file.toString())).server(server).go();
        assertEquals(2, plain.exit(), plain.toString());
        assertEquals("ERROR cannot open \"" + file + "\": this Java runs without a UTF-8 locale and can open no file whose"
                + " name is not ASCII: " + FIX + "\n", plain.err());
        Run.Result config = noLocale(plainJava("JsPub", "--config", elsewhere.resolve("ünï.toml").toString(), "x"))
                .server(server).go();
        assertEquals(2, config.exit(), config.toString());
        assertTrue(config.err().endsWith(FIX + "\n"), config.err());
        assertEquals(List.of(), StoredMessages.in(server));
    }

    /**
     * A JBang started without a locale (not the lab's bin/jbang) reads the letters as U+FFFD and hands
     * the script '?' for each: nothing can bring them back, so nothing is published.
     */
    @Test
    void lettersAnotherLauncherLostAreRefused() throws Exception {
        String lib = ok(Run.command(JBANG).env("JBANG_FETCH_ONLY", "lib").go()).out().strip();
        String jbangAsIs = "out=$(java -cp \"$1/*\" dev.jbang.Main \"$2\" \"$3\"); [ $? = 255 ] && eval \"exec $out\"";
        Run.Result run = noLocale("bash", "-c", jbangAsIs, "bash", lib, Run.REPO.resolve("scripts/JsPub.java").toString(), "ünï")
                .env("JBANG_RUNTIME_SHELL", "bash").env("JBANG_NO_VERSION_CHECK", "1").server(server).go();
        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().contains("ERROR this Java runs without a UTF-8 locale, so JBang may have turned letters of \"??n??\""
                + " into '?': " + FIX), run.err());
        assertEquals(List.of(), StoredMessages.in(server));
    }

    /**
     * In a Latin-1 locale every byte is a letter: Java and JBang lose nothing, so a '?' is a question
     * mark, and a byte such as 0xFC is the letter ü it means there.
     */
    @Test
    void aLatin1LocaleLosesNothing() throws Exception {
        Path locales = Files.createDirectories(elsewhere.resolve("locales"));
        Run.Result made = Run.command("localedef", "-i", "de_DE", "-f", "ISO-8859-1",
                locales.resolve("de_DE.ISO-8859-1").toString()).go();
        Assumptions.assumeTrue(made.exit() == 0, "no Latin-1 locale can be made here: " + made);
        for (String launcher : List.of(JBANG, Run.REPO.resolve("bin/lab-run").toString())) {
            ok(Run.command("env", "-u", "LC_ALL", "-u", "LC_CTYPE", "-u", "LANGUAGE", "LANG=de_DE.ISO-8859-1",
                    "LOCPATH=" + locales, "bash", "-c", "exec \"$0\" js-pub $'gr\\xfc\\xdf, ok?'",
                    launcher).server(server).go());
        }
        assertEquals(List.of("grüß, ok?", "grüß, ok?"), StoredMessages.in(server));
    }

    /** Bytes that are not UTF-8 cannot be a message typed in a UTF-8 terminal: refused, not replaced. */
    @Test
    void bytesThatAreNotUtf8AreRefused() throws Exception {
        Run.Result run = noLocale("bash", "-c", "exec \"$@\" $'caf\\xe9'", "bash")
                .args(plainJava("JsPub").toArray(String[]::new)).in(elsewhere).server(server).go();
        assertEquals(2, run.exit(), run.toString());
        assertEquals("ERROR argument 1 is not UTF-8 text: " + FIX + ", and type it in UTF-8\n", run.err());
        assertEquals(List.of(), StoredMessages.in(server));
    }

    /**
     * In a UTF-8 locale (the launchers' own, without one) Java reads such bytes as U+FFFD without a
     * word: refused there too, through each launcher; a U+FFFD typed as such is published (through
     * bin/lab-run, whose check of the bytes is bin/jbang's too, with letters outside ASCII beside it, and plain java).
     */
    @Test
    void bytesThatAreNotUtf8AreRefusedInAUtf8Locale() throws Exception {
        String labRun = Run.REPO.resolve("bin/lab-run").toString();
        for (String launcher : List.of(JBANG, labRun)) {
            Run.Result run = noLocale("bash", "-c", "exec \"$0\" js-pub $'caf\\xe9'", launcher)
                    .server(server).go();
            assertEquals(2, run.exit(), run.toString());
            assertEquals("ERROR argument 1 " + NOT_UTF8_IN_UTF8 + "\n", run.err(), launcher);
        }
        ok(noLocale(labRun, "js-pub", LETTERS + " typed \uFFFD").server(server).go());
        List<String> inUtf8 = new ArrayList<>(List.of("env", "LANG=C.UTF-8"));
        inUtf8.addAll(plainJava("JsPub", "typed \uFFFD"));
        ok(noLocale(inUtf8).server(server).go());
        assertEquals(List.of(LETTERS + " typed \uFFFD", "typed \uFFFD"), StoredMessages.in(server));
    }

    /**
     * make run names the value as the user typed it (MSG, or ARGS word N), not its place among the
     * arguments make adds; in the same words as every other launcher, exit 2, nothing sent.
     */
    @Test
    void makeRunNamesTheValueThatIsNotUtf8() throws Exception {
        Run.Result msg = noLocale("bash", "-c", "exec make --no-print-directory run BIN=js-pub MSG=$'\\xff\\xfe bad'")
                .in(Run.REPO).server(server).go();
        assertEquals(2, msg.exit(), msg.toString());
        assertTrue(msg.err().startsWith("ERROR MSG " + NOT_UTF8_IN_UTF8 + "\n"), msg.err());
        Run.Result args = noLocale("bash", "-c", "exec make --no-print-directory run BIN=js-pub MSG=ok "
                + "ARGS=\"--msg-id \"$'caf\\xe9'").in(Run.REPO).server(server).go();
        assertEquals(2, args.exit(), args.toString());
        assertTrue(args.err().startsWith("ERROR ARGS word 2 " + NOT_UTF8_IN_UTF8 + "\n"),
                args.err());
        assertEquals(List.of(), StoredMessages.in(server));
    }

    static Run noLocale(String... command) {
        return Run.command(Stream.concat(NO_LOCALE.stream(), Stream.of(command)).toArray(String[]::new));
    }

    /** Run in a folder of its own: no config file of the repo's is near. */
    private Run noLocale(List<String> command) {
        return noLocale(command.toArray(String[]::new)).in(elsewhere);
    }

    /** A script's main class as plain `java -cp`, the way a user might run the built classes. */
    private static List<String> plainJava(String mainClass, String... args) {
        List<String> line = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), mainClass));
        line.addAll(List.of(args));
        return line;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
