// Which Java runs, through bin/jbang and make run: JAVA_HOME when it holds a JDK, else the
// java on PATH, as with JBang's own launcher; for JBang's own JVM and for the script's.
// Each java launcher shows its java.home on stderr (JDK_JAVA_OPTIONS=-XshowSettings:properties),
// so every JVM a run starts is checked, not only the last one.

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JavaHomeTest extends WithServer {
    static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();
    private static final String PRINT_JAVA = Run.REPO.resolve("tests/jbang/PrintJava.java").toString();

    // Scripts built by JDK 25 stay out of the JBang cache and lab-run state the other tests use.
    @TempDir
    static Path jbangCache;
    @TempDir
    static Path labState;

    @BeforeAll
    static void jdk25IsThere() {
        assumeTrue(Files.isExecutable(JDK_25.resolve("bin/javac")), "no JDK 25 at " + JDK_25);
    }

    @Test
    void javaHomeRunsJbangAndTheScript() throws Exception {
        Run.Result result = ok(withJava(Run.command(JBANG, PRINT_JAVA)).env("JAVA_HOME", JDK_25.toString()).go());
        assertTrue(result.out().matches("25[.0-9]* " + JDK_25 + "\n"), result.out());
        assertEquals(List.of(JDK_25.toString(), JDK_25.toString()), javaHomes(result), "JBang's JVM, then the script's");
    }

    /**
     * A JAVA_HOME without a JDK: the launcher says so, and the java on PATH runs both JVMs, as without JAVA_HOME
     * (the runs of every other test, which start with none). JBANG_JAVA_OPTIONS reach both as well: JBang's
     * launcher gives them to JBang's JVM, and JBang 0.132.1 itself adds JBANG_<DIRECTIVE> to each //DIRECTIVE, so
     * also to the script's //JAVA_OPTIONS (0.135 moved that to JBANG_APP_JAVA_OPTIONS).
     */
    @Test
    void aJavaHomeWithoutAJdkFallsBackToThePathJavaAndSaysSoAndJbangJavaOptionsReachBothJvms() throws Exception {
        String pathJava = ok(Run.command("bash", "-c", "readlink -f \"$(command -v java)\"").go()).out().strip();
        String home = Path.of(pathJava).getParent().getParent().toString();
        Run.Result result = ok(withJava(Run.command(JBANG, PRINT_JAVA)).env("JAVA_HOME", "/nonexistent")
                .env("JBANG_JAVA_OPTIONS", "-Dlab.test=1").env("TMPDIR", "/nonexistent").go());
        assertTrue(result.out().endsWith(" " + home + "\n"), result.out());
        assertEquals(List.of(home, home), javaHomes(result));
        assertTrue(settingsOf("dev.jbang.Main", result).contains("lab.test = 1"), result.err());
        assertTrue(settingsOf("PrintJava", result).contains("lab.test = 1"), result.err());
        // the launcher's lines come before any JVM's (each says first that it picked up JDK_JAVA_OPTIONS), and are its only ones;
        // a TMPDIR that is no folder is dropped, not handed to JBang and the script
        String launcherSaid = "jbang: TMPDIR=/nonexistent is not a folder you can write to; using /tmp (set TMPDIR to one that is, or unset it)\n"
                + "jbang: JAVA_HOME=/nonexistent holds no JDK (no bin/javac); using the java on PATH\n";
        assertEquals(launcherSaid, result.err().substring(0, Math.max(0, result.err().indexOf("NOTE: Picked up JDK_JAVA_OPTIONS"))),
                result.err());
        assertEquals(launcherSaid.lines().toList(), result.err().lines().filter(line -> line.startsWith("jbang")).toList(), result.err());
    }

    /**
     * No java at all (none on PATH, JAVA_HOME unset or without one): each launcher, and make run through it, ends
     * with one line saying what to set (and what was wrong with JAVA_HOME, shown escaped), exit 1, before anything else starts.
     */
    @Test
    void withoutAnyJavaEachLauncherSaysSoInOneLine() throws Exception {
        Path noJava = Files.createTempDirectory(labState, "path-");
        for (String dir : System.getenv("PATH").split(":")) {
            try (var commands = Files.list(Path.of(dir))) {
                for (Path command : commands.toList()) {
                    String name = command.getFileName().toString();
                    if (!name.matches("java|javac|jbang") && !Files.exists(noJava.resolve(name))) {
                        Files.createSymbolicLink(noJava.resolve(name), command);
                    }
                }
            } catch (java.io.IOException notAFolder) {
                // a PATH entry that is gone holds no command
            }
        }
        try {
            eachLauncherWithout(noJava);
        } finally { // links out of the temp folder: JUnit would warn about each one
            try (var links = Files.list(noJava)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
        }
    }

    private static void eachLauncherWithout(Path noJava) throws Exception {
        for (String javaHome : new String[] {null, "/nonexistent\u001b[2J x"}) {
            String why = javaHome == null ? " (set JAVA_HOME, or put a JDK 17+ on PATH)\n" : ": JAVA_HOME=/nonexistent\\u{1b}[2J x holds no %s "
                    + "and PATH has none; set JAVA_HOME to a JDK 17+, or put one on PATH\n";
            String jbangLine = "jbang: no java found" + why.formatted("JDK (no bin/javac)");
            String labRunLine = "lab-run: no java found" + why.formatted("bin/java");
            List<Run> runs = List.of(Run.command(JBANG, Run.REPO.resolve("scripts/JsInfo.java").toString(), "--version"),
                    Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-info", "--version"),
                    Run.command("make", "--no-print-directory", "-s", "run", "BIN=js-info", "ARGS=--version"));
            for (Run run : runs) {
                run.env("PATH", noJava.toString());
                if (javaHome != null) {
                    run.env("JAVA_HOME", javaHome);
                }
                Run.Result result = run.go();
                String said = result.err();
                assertTrue(said.equals(jbangLine) || said.equals(labRunLine) || said.startsWith(labRunLine + "make: ***"), result.toString());
                assertTrue(result.exit() == 1 || result.exit() == 2 && said.contains("make: ***"), result.toString()); // make's own code is 2
                assertEquals("", result.out(), result.toString());
            }
        }
    }

    /**
     * make run with a JAVA_HOME that holds no java: the line saying the java on PATH runs instead comes once, though
     * bin/lab-server first asks js-info (through bin/lab-run) which flags hold secrets.
     */
    @Test
    void makeRunSaysOnceThatItPassesOverJavaHome() throws Exception {
        Path runs = Sandbox.labState().resolve("run");
        if (Files.isDirectory(runs)) {
            try (var kept = Files.list(runs)) { // its answer is kept: asked again only without it
                for (Path file : kept.filter(file -> file.getFileName().toString().startsWith("known-flags-")).toList()) {
                    Files.delete(file);
                }
            }
        }
        Run.Result run = ok(Run.command("make", "--no-print-directory", "-s", "run", "BIN=js-info", "ARGS=--version").server(server)
                .env("JAVA_HOME", "/nonexistent").timeout(600).go());
        assertEquals(List.of("lab-run: JAVA_HOME=/nonexistent holds no bin/java; using the java on PATH"), run.err().lines().toList(),
                run.toString());
    }

    /** A JAVA_HOME whose bin/java is a folder holds no java: passed over for the one on PATH, and said once. */
    @Test
    void aJavaHomeWhoseJavaIsAFolderIsPassedOver() throws Exception {
        Path javaHome = Files.createDirectories(labState.resolve("folder-jdk/bin/java")).getParent().getParent();
        Run.Result run = ok(Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-info", "--version")
                .env("JAVA_HOME", javaHome.toString()).go());
        assertEquals(List.of("lab-run: JAVA_HOME=" + javaHome + " holds no bin/java; using the java on PATH"), run.err().lines().toList(),
                run.toString());
    }

    /** js-info, whose build make run needs anyway (bin/lab-server asks it): one build on Java 25, one AOT cache. */
    @Test
    void onJava25LabRunAndMakeRunKeepAnAotCacheInTheStateFolderAndPrintOnlyTheScriptsOutput() throws Exception {
        server.resetToLabStream();
        Path state = Files.createTempDirectory(labState, "aot-");
        Path cache = state.resolve("run");
        String labRun = Run.REPO.resolve("bin/lab-run").toString();
        // the first run records; nothing of that reaches stdout or stderr
        Run.Result first = ok(Run.command(labRun, "js-info").server(server).env("JAVA_HOME", JDK_25.toString())
                .env("JBANG_CACHE_DIR", jbangCache.toString()).env("LAB_STATE_DIR", state.toString()).timeout(900).go()); // builds
        assertTrue(first.out().contains("LAB4_STREAM"), first.out());
        assertTrue(first.err().lines().allMatch(line -> line.startsWith("[jbang] ")), first.err()); // JBang building, at most
        List<String> files = names(cache);
        String key = files.stream().filter(name -> name.endsWith(".classpath")).findFirst().orElseThrow()
                .replaceAll("^JsInfo-|\\.classpath$", "");
        assertEquals(3, files.size(), files.toString());
        assertTrue(files.get(0).matches("JsInfo-" + key + "\\.aot\\.[0-9]+\\.record"), files.toString());

        // the next run creates the cache from that record, then runs with it, as quietly
        Run.Result second = ok(Run.command(labRun, "js-info").server(server).env("JAVA_HOME", JDK_25.toString())
                .env("JBANG_CACHE_DIR", jbangCache.toString()).env("LAB_STATE_DIR", state.toString()).timeout(600).go());
        assertEquals(first.out(), second.out());
        assertEquals("", second.err());
        files = names(cache);
        assertEquals(List.of("JsInfo-" + key + ".aot", "JsInfo-" + key + ".classpath", "JsInfo.sources"),
                files.stream().filter(name -> !name.contains(".aot-jar.")).toList(),
                "the cache is named by the same key as the build (the script's sources and the java)");
        long made = Files.getLastModifiedTime(cache.resolve("JsInfo-" + key + ".aot")).toMillis();

        // make run on the same java and state, with a listed source that is gone: the sources are found again, the cache
        // used, and the run goes on. make hands JAVA_HOME on to every JVM it starts (those bin/lab-server asks too), and
        // bin/lab-run hands JBANG_JAVA_OPTIONS to the script's JVM as JBang 0.132.1 does, as they are
        Files.writeString(cache.resolve("JsInfo.sources"), state.resolve("gone.java") + "\n");
        Run.Result viaMake = ok(withJava(Run.command("make", "--no-print-directory", "run", "BIN=js-info"))
                .server(server).env("JAVA_HOME", JDK_25.toString()).env("LAB_STATE_DIR", state.toString())
                .env("JBANG_JAVA_OPTIONS", "-Dlab.test=1").timeout(900).go());
        assertEquals(first.out(), viaMake.out());
        assertTrue(Files.readString(cache.resolve("JsInfo.sources")).startsWith(Run.REPO.resolve("scripts/JsInfo.java") + "\n"));
        List<String> homes = javaHomes(viaMake);
        assertTrue(!homes.isEmpty() && homes.stream().allMatch(JDK_25.toString()::equals), homes.toString());
        assertTrue(settingsOf("JsInfo", viaMake).contains("lab.test = 1"), viaMake.err());
        assertEquals(made, Files.getLastModifiedTime(cache.resolve("JsInfo-" + key + ".aot")).toMillis(), "used, not made again");

        // the script's jar put back with an older time (this class's own JBang cache): Java 25 would refuse that cache
        // with three [error][aot] lines at every start, so the next run drops it and records anew (LabRunCacheTest:
        // Java 17's archive, a later time too)
        String classpath = Files.readString(cache.resolve("JsInfo-" + key + ".classpath")).strip();
        Path jar = Path.of(classpath.substring(0, classpath.indexOf(':')));
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(made - 86_400_000L));
        Run.Result afterRebuild = ok(Run.command(labRun, "js-info").server(server).env("JAVA_HOME", JDK_25.toString())
                .env("JBANG_CACHE_DIR", jbangCache.toString()).env("LAB_STATE_DIR", state.toString()).timeout(600).go());
        assertEquals(first.out(), afterRebuild.out());
        assertEquals("", afterRebuild.err());
        files = names(cache).stream().filter(name -> name.startsWith("JsInfo")).toList();
        assertEquals(3, files.size(), "the cache of the jar that was is gone: " + files);
        assertTrue(files.get(0).matches("JsInfo-" + key + "\\.aot\\.[0-9]+\\.record"), "recorded anew: " + files);
    }

    /**
     * A stop while Java 25 makes its AOT cache from what the run before recorded (the second run after a build):
     * a JDK 25 making a cache crashes at a SIGTERM, writes hs_err_pid*.log into the folder the script runs in, and
     * bash then said "Aborted" or "Terminated" before the early line. That step runs with the stop signals
     * ignored and the launcher ends it itself: the early line alone, and the next run clears what the step left
     * and makes the cache.
     */
    @Test
    void aStopWhileJava25MakesItsCacheSaysTheEarlyLineAlone() throws Exception {
        Path state = Files.createTempDirectory(labState, "aot-stop-");
        Path folder = Files.createTempDirectory(labState, "aot-stop-folder-");
        ok(java25Version(state, folder).go()); // builds at most, and records
        try (Run.Started run = java25Version(state, folder).start()) {
            run.await("the AOT cache being made", () -> run.pidHandle().descendants().anyMatch(process -> process.info().arguments()
                    .map(words -> String.join(" ", words)).orElse("").contains("-XX:AOTMode=create")));
            new ProcessBuilder("kill", "-TERM", "--", "-" + run.pid()).redirectError(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            Run.Result stopped = run.finish();
            assertEquals(143, stopped.exit(), stopped.toString());
            assertTrue(stopped.err().matches("ERROR stopped \\(Ctrl-C or SIGTERM\\) [^\n]*\n"), "the early line alone: " + stopped);
        }
        assertEquals(List.of(), names(folder), "no crash report where the script ran");
        Run.Result next = ok(java25Version(state, folder).go());
        assertEquals("", next.err());
        List<String> files = names(state.resolve("run")).stream().filter(name -> name.startsWith("JsInfo-")).toList();
        assertTrue(files.size() > 3 && files.get(0).endsWith(".aot") && files.stream().skip(1).limit(files.size() - 2)
                .allMatch(name -> name.contains(".aot-jar.")) && files.get(files.size() - 1).endsWith(".classpath"),
                "the cache, its jars' marks and the class path; nothing the stopped step left: " + files);
    }

    /**
     * JBang keeps one jar for every JDK, and one built by Java 25 does not load on Java 17 (class file version 69):
     * bin/lab-run on Java 17 has JBang build it again, as JBang's own run does ("Switching between JDKs", README),
     * instead of ending every run with an UnsupportedClassVersionError. Here from a state that ran on Java 17
     * before, with the jar then built on Java 25 and no note of which Java built it beside it (as `jbang cache
     * clear` and a JBang run on Java 25 leave it).
     */
    @Test
    void aScriptBuiltByJava25IsBuiltAgainForJava17() throws Exception {
        assumeTrue(Runtime.version().feature() < 25, "the java on PATH is older than 25");
        Path on17 = Files.createTempDirectory(labState, "on17-");
        java.util.function.Supplier<Run> labRun = () -> Run.command(Run.REPO.resolve("bin/lab-run").toString(), "js-info", "--version")
                .env("JBANG_CACHE_DIR", jbangCache.toString()).env("LAB_STATE_DIR", on17.toString()).timeout(900);
        ok(labRun.get().go());
        ok(Run.command(JBANG, "--quiet", "build", "--fresh", Run.REPO.resolve("scripts/JsInfo.java").toString())
                .env("JAVA_HOME", JDK_25.toString()).env("JBANG_CACHE_DIR", jbangCache.toString()).timeout(900).go());
        Path run = on17.resolve("run");
        String classpath = Files.readString(run.resolve(names(run).stream().filter(name -> name.endsWith(".classpath")).findFirst().orElseThrow())).strip();
        Files.deleteIfExists(Path.of(classpath.substring(0, classpath.indexOf(':'))).resolveSibling("lab-run-java"));
        Run.Result again = ok(labRun.get().go());
        assertTrue(again.out().contains(", Java " + Runtime.version().feature() + "\n"), again.toString()); // the PATH's java, this JVM's
        assertTrue(again.err().lines().allMatch(line -> line.startsWith("[jbang] ")), "JBang building, at most: " + again);
    }

    /** bin/lab-run js-info --version on Java 25, as a job of its own (its own process group), in that folder. */
    private static Run java25Version(Path state, Path folder) {
        return Run.command("setsid", Run.REPO.resolve("bin/lab-run").toString(), "js-info", "--version").in(folder)
                .env("JAVA_HOME", JDK_25.toString()).env("JBANG_CACHE_DIR", jbangCache.toString())
                .env("LAB_STATE_DIR", state.toString()).timeout(900);
    }

    private static List<String> names(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** The settings one JVM showed: the block that names its main class. */
    private static String settingsOf(String mainClass, Run.Result result) {
        return java.util.Arrays.stream(result.err().split("Property settings:"))
                .filter(block -> block.contains("sun.java.command = " + mainClass))
                .reduce((first, last) -> last).orElse("");
    }

    /** Shows each JVM's settings on stderr, and keeps its builds apart. */
    private static Run withJava(Run run) {
        return run.env("JDK_JAVA_OPTIONS", "-XshowSettings:properties").env("JBANG_CACHE_DIR", jbangCache.toString());
    }

    private static List<String> javaHomes(Run.Result result) {
        Matcher homes = Pattern.compile("(?m)^\\s*java\\.home = (.*)$").matcher(result.err());
        return homes.results().map(match -> match.group(1)).toList();
    }
}
