// `make install` in a fresh HOME puts the JBang bin/jbang fetched where JBang's own installer
// would ($HOME/.jbang/bin/jbang, or $JBANG_DIR/bin) and prints the one line that puts it on
// PATH. Then `jbang app install js-pub@<catalog>` gives a command that works in a new login
// shell whose PATH is the system's plus that line, run from another folder. No shell profile
// is edited on the way: not by make install, not by JBang's app install.
// Each step runs under `env -i` with a temp HOME (JBANG_REPO points at this machine's Maven
// cache, so nothing is downloaded again, and JBANG_CACHE_DIR at the run's JBang builds, so nothing
// is compiled again); the real home is checked untouched at the end.

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstallTest extends WithServer {
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();
    private static final String PATH_LINE = "export PATH=\"$HOME/.jbang/bin:$PATH\"";
    /** Where shells (and JBang's `app setup`) keep their start-up lines. */
    private static final List<String> PROFILES = List.of(".bashrc", ".zshrc", ".bash_profile", ".bash_login",
            ".profile", ".config/fish/conf.d/jbang.fish");
    /** The home the tests were started with: $HOME, what the shells, JBang (through bin/jbang) and make install use. */
    private static final Path REAL_HOME = Path.of(System.getenv("HOME") != null ? System.getenv("HOME") : System.getProperty("user.home"));
    private static Map<String, String> realHomeBefore;
    /** How make catalog's hint starts when jbang is not on PATH: the repo's bin/jbang, then why. */
    private static final String HELLO = "registered: from any directory, try  " + Run.REPO + "/bin/jbang js-pub@jslab \"hello\" (";

    @TempDir
    Path home;

    @BeforeAll
    static void rememberTheRealHome() throws Exception {
        realHomeBefore = snapshot(REAL_HOME);
    }

    @AfterAll
    static void theRealHomeIsUntouched() throws Exception {
        assertEquals(realHomeBefore, snapshot(REAL_HOME));
    }

    /**
     * `make install` (twice: again over the first) puts JBang where its installer would and prints the PATH line.
     * First with JBang's bin folder not on PATH: `jbang app install` edits no profile and says what to do. Then
     * with the line make install printed in ~/.profile: from a new login shell the installed command runs, through
     * the installed jbang.
     */
    @Test
    void makeInstallThenTheInstalledCommandRunsInANewLoginShellFromAnotherFolder() throws Exception {
        for (int round = 1; round <= 2; round++) { // and again, over the first
            Run.Result install = ok(clean("make", "--no-print-directory", "install").go());
            assertEquals("make install: installed JBang " + jbangVersion() + " as " + home + "/.jbang/bin/jbang;"
                    + " to run it and the commands `jbang app install` writes from any new shell, add this line"
                    + " to ~/.profile (or your shell's startup file): " + PATH_LINE + "\n", install.out());
            assertEquals("", install.err());
        }
        assertTrue(Files.isExecutable(home.resolve(".jbang/bin/jbang")));
        assertTrue(Files.exists(home.resolve(".jbang/.tools/jbang-" + jbangVersion() + "/lib/.complete")));
        assertEquals(List.of(), profiles());
        // what make catalog says of a jbang that make install put in ~/.jbang/bin, with that folder not on PATH yet
        Run.Result catalog = ok(clean("make", "--no-print-directory", "catalog").go());
        assertEquals(HELLO + "jbang is in ~/.jbang/bin, which is not on your PATH: add the line make install prints to ~/.profile)\n",
                catalog.out());
        Run.Result notOnPath = ok(clean(safetyNet(), JBANG, "app", "install", "js-pub@jslab").go());
        assertEquals(List.of(), profiles(), "JBang would have added its bin folder to ~/.bashrc and ~/.zshrc");
        assertEquals("#!/bin/sh\nexec jbang run js-pub@jslab \"$@\"\n", Files.readString(home.resolve(".jbang/bin/js-pub")));
        assertTrue(notOnPath.err().contains("jbang: for installed commands to run in a new shell, JBang must be in "
                + home + "/.jbang/bin and that folder on PATH: run `make install` in the lab and follow the line it prints"),
                notOnPath.err());

        Files.writeString(home.resolve(".profile"), PATH_LINE + "\n");
        Files.createDirectories(home.resolve("elsewhere"));
        Run.Result app = ok(loginShell("cd ~/elsewhere && " + safetyNet() + " jbang app install --force js-pub@jslab").go());
        assertFalse(app.err().contains("jbang: for installed commands"), app.err());
        server.resetToLabStream();

        // the awkward words in one argument, letters outside ASCII among them, from a login shell as Debian starts one
        // (no locale at all); each alone, the empty one too: JBangArgsTest, through bin/jbang (the alias js-pub@jslab,
        // which the installed command runs, gets the empty one there)
        Run.Result first = ok(clean(List.of(), "bash", "-lc", "cd ~/elsewhere && command -v jbang js-pub && js-pub \"$1\"", "bash",
                JBangArgsTest.ALL_IN_ONE).go());
        assertEquals(List.of(home + "/.jbang/bin/jbang", home + "/.jbang/bin/js-pub",
                "INFO published " + Output.quoted(JBangArgsTest.ALL_IN_ONE) + " to stream LAB4_STREAM (seq 1)"), first.outLines());
        assertEquals(List.of(JBangArgsTest.ALL_IN_ONE), StoredMessages.in(server));
        assertEquals(List.of(".profile"), profiles());
        assertEquals(PATH_LINE + "\n", Files.readString(home.resolve(".profile")));
    }

    /**
     * What `make catalog` says of a jbang not on PATH is what make install then does, step by step (the step
     * between, installed and not on PATH yet: makeInstallThenTheInstalledCommandRunsInANewLoginShellFromAnotherFolder).
     */
    @Test
    void makeCatalogsHintIsWhatMakeInstallDoes() throws Exception {
        Run.Result before = ok(clean("make", "--no-print-directory", "-C", Run.REPO.toString(), "catalog").go());
        // no catalog of the user's yet: nothing to read, and no shell's word on it
        assertFalse(before.err().contains("cannot open") || before.err().contains("jbang-catalog.json: "), before.err());
        assertTrue(before.out().endsWith(HELLO + "jbang is not on your PATH: make install puts it in ~/.jbang/bin and prints"
                + " the line that adds that folder to PATH)\n"), before.out());
        Files.writeString(home.resolve(".profile"), install() + "\n"); // in ~/.jbang/bin, and the line printed
        // the name registered again for the same folder: no line on what it named before
        Run.Result after = ok(loginShell("cd \"$1\" && make --no-print-directory catalog", Run.REPO.toString()).go());
        assertEquals("registered: from any directory, try  jbang js-pub@jslab \"hello\"\n", after.out());
    }

    /** bin/jbang linked onto PATH finds its tools/ and jars through the link, from any folder. */
    @Test
    void aLinkToBinJbangRuns() throws Exception {
        Path link = Files.createSymbolicLink(Files.createDirectories(home.resolve("bin")).resolve("jbang"), Path.of(JBANG));
        Files.createDirectories(home.resolve("elsewhere"));
        Run.Result version = ok(clean("bash", "-c", "cd ~/elsewhere && PATH=~/bin:$PATH && command -v jbang && jbang version").go());
        assertEquals(List.of(link.toString(), jbangVersion()), version.outLines());
    }

    @Test
    void makeSetupPrintsNothingWhenAllIsThere() throws Exception {
        Files.writeString(home.resolve(".profile"), install() + "\n");
        for (Run setup : List.of(Run.command("make", "--no-print-directory", "setup"),
                clean("make", "--no-print-directory", "setup"),
                loginShell("cd \"$1\" && make --no-print-directory setup", Run.REPO.toString()))) {
            Run.Result result = ok(setup.go());
            assertEquals("", result.out() + result.err());
        }
    }

    @Test
    void jbangDirIsRespected() throws Exception {
        Path jbangDir = home.resolve("tools/jbang home");
        Run.Result install = ok(clean("JBANG_DIR=" + jbangDir, "make", "--no-print-directory", "install").go());
        String line = "export JBANG_DIR=" + home + "/tools/jbang\\ home PATH=" + home + "/tools/jbang\\ home/bin:\"$PATH\"";
        assertTrue(install.out().endsWith(": " + line + "\n"), install.out());
        assertTrue(Files.isExecutable(jbangDir.resolve("bin/jbang")));
        assertFalse(Files.exists(home.resolve(".jbang")));

        Files.writeString(home.resolve(".profile"), line + "\n");
        ok(loginShell("cd \"$1\" && make --no-print-directory catalog", Run.REPO.toString()).go());
        assertTrue(Files.exists(jbangDir.resolve("jbang-catalog.json")));
        Run.Result version = ok(loginShell("command -v jbang && jbang version").go());
        assertEquals(List.of(jbangDir + "/bin/jbang", jbangVersion()), version.outLines());
    }

    /**
     * A name another folder registered is taken over with a line that says so (its path is data: escaped); the same
     * folder registered again says nothing of it (makeCatalogsHintIsWhatMakeInstallDoes). Then JBang on its own
     * would edit the profile: why bin/jbang puts JBang's bin folder on PATH for JBang's JVM (without it, JBang's app
     * install appends to ~/.bashrc). Here with user.home at the temp home.
     */
    @Test
    void makeCatalogSaysWhichRegistrationItReplacesAndJbangOnItsOwnWouldEditTheProfile() throws Exception {
        Files.createDirectories(home.resolve(".jbang"));
        Files.writeString(home.resolve(".jbang/jbang-catalog.json"), "{\"catalogs\": {\"jslab\": {\"catalog-ref\":"
                + " \"/elsewhere/\u001b[31mx/jbang-catalog.json\"}}}\n");
        Run.Result first = ok(clean("make", "--no-print-directory", "-C", Run.REPO.toString(), "catalog").go());
        assertTrue(first.out().startsWith("catalog: the name jslab named /elsewhere/\\u{1b}[31mx/jbang-catalog.json; it now names"
                + " this folder's (CATALOG_NAME=... picks another name)\n"), first.out());

        String lib = ok(clean("JBANG_FETCH_ONLY=lib", JBANG).go()).out().strip();
        ok(clean("JBANG_NO_VERSION_CHECK=1", "java", "-Duser.home=" + home, "-cp", lib + "/*", "dev.jbang.Main",
                "app", "install", "js-pub@jslab").go());
        assertTrue(Files.readString(home.resolve(".bashrc")).contains("export PATH=\"$HOME/.jbang/bin:$PATH\""));
    }

    /** `make install`, checked; the PATH line it printed. */
    private String install() throws Exception {
        String out = ok(clean("make", "--no-print-directory", "install").go()).out();
        assertTrue(out.endsWith(": " + PATH_LINE + "\n"), out);
        return PATH_LINE;
    }

    /** A command with nothing of this session's environment: the temp HOME, the system PATH, a UTF-8 locale. */
    private Run clean(String... command) {
        return clean(List.of("LANG=C.UTF-8"), command);
    }

    /** The same with these locale variables (none: Java reads arguments as ASCII). */
    private Run clean(List<String> locale, String... command) {
        List<String> line = new ArrayList<>(List.of("env", "-i", "HOME=" + home, "PATH=" + SYSTEM_PATH,
                "JBANG_REPO=" + REAL_HOME.resolve(".m2/repository"), "NATS_URL=" + server.url()));
        if (System.getenv("JBANG_CACHE_DIR") != null) { // the runner's builds: the installed command would compile js-pub anew
            line.add("JBANG_CACHE_DIR=" + System.getenv("JBANG_CACHE_DIR"));
        }
        line.addAll(locale);
        line.addAll(List.of(command));
        return Run.command(line.toArray(String[]::new));
    }

    /** A new login shell: /etc/profile sets the system PATH, then ~/.profile what the user added. */
    private Run loginShell(String script, String... args) {
        return clean(Stream.concat(Stream.of("bash", "-lc", script, "bash"), Stream.of(args)).toArray(String[]::new));
    }

    /** Should JBang set up a profile after all, let it be in the temp home (JVMs then say "Picked up ..."). */
    private String safetyNet() {
        return "JAVA_TOOL_OPTIONS=-Duser.home=" + home;
    }

    /** The shell start-up files that exist in the temp home. */
    private List<String> profiles() {
        return PROFILES.stream().filter(name -> Files.exists(home.resolve(name))).toList();
    }

    private static String jbangVersion() throws Exception {
        Matcher version = Pattern.compile("<jbang.version>(.*)</jbang.version>")
                .matcher(Files.readString(Run.REPO.resolve("tools/jbang/pom.xml")));
        assertTrue(version.find());
        return version.group(1);
    }

    /** Size and time of each profile, and JBang's own files, in a home. */
    private static Map<String, String> snapshot(Path someHome) throws Exception {
        Map<String, String> state = new LinkedHashMap<>();
        for (String name : Stream.concat(PROFILES.stream(), Stream.of(".jbang/jbang-catalog.json", ".jbang/bin")).toList()) {
            Path file = someHome.resolve(name);
            state.put(name, Files.exists(file) ? Files.size(file) + " bytes, " + Files.getLastModifiedTime(file) : "absent");
        }
        return state;
    }
}
