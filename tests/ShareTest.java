// Sharing a script: `make share` makes one self-contained file per script from scripts/ as they are
// now, and each of those files, copied alone under another name into an empty folder, runs the lab
// against a real nats-server with the script's own output and exit codes; a table of parts at the
// top says where the lesson is, the lesson comes first, then a list of the shared parts. A script
// shared by URL fetches the shared files its //SOURCES name from beside it, and the pasted form
// (the script alone, its //SOURCES at the URL of a published tag) fetches them from there.

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShareTest extends WithServer {
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();
    private static final String LIST_TITLE = "// ----- The shared code below the lesson, part by part (line: part):";
    /** Where the local HTTP server publishes this repo's scripts/, as a tag's URL would. */
    private static final String PREFIX = "/jetstream-lab/v0.1.0/";
    @TempDir
    static Path generated; // what `make share SHARE_URL=...` writes to share/ (generated, not kept in git)
    private static HttpServer http;
    /** The URL of the published scripts/ folder. */
    private static String base;

    @TempDir
    Path temp;

    /** One run of the share tool makes both forms: the self-contained files, and with --url the pasted ones. */
    @BeforeAll
    static void makeShare() throws Exception {
        http = servingScripts(PREFIX);
        base = "http://127.0.0.1:" + http.getAddress().getPort() + PREFIX + "scripts/";
        ok(Run.command(JBANG, "--quiet", "tools/Share.java", "--url", base, generated.toString()).go());
    }

    @AfterAll
    static void stopHttp() {
        if (http != null) {
            http.stop(0);
        }
    }

    @Test
    void makeShareWritesOneFilePerScript() throws Exception {
        assertEquals(Catalog.classNames().stream().map(name -> name + ".java").sorted().toList(), javaFiles(generated));
    }

    /**
     * Each file, copied alone under another name, runs the lab: compiled alone against the scripts' dependencies
     * (no class of scripts/ to lean on), then run by plain java in its folder. The copied publish runs as the README
     * says, through bin/jbang, without a locale, and its message arrives as typed (LocaleTest: the other launchers).
     * A refusal gives the script's own lines and exit code (two of them, one through bin/jbang: each further one
     * runs the same merged code).
     */
    @Test
    void eachSharedFileRunsAloneUnderAnotherName() throws Exception {
        Path setUp = alone("JsBootstrap.java", "SetUp.java");
        Path publish = alone("JsPub.java", "Publish.java");
        Path pull = alone("JsPull.java", "pull_and_ack.java");
        Path inspect = alone("JsInfo.java", "Inspect.java");
        Path purge = alone("JsPurge.java", "Purge.java");

        assertEquals(List.of("INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file)",
                "INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s)"),
                ok(plainJava(setUp, "JsBootstrap")).outLines());
        Run.Result published = ok(LocaleTest.noLocale(JBANG, "--quiet", publish.getFileName().toString(), LocaleTest.LETTERS)
                .in(publish.getParent()).server(server).go());
        assertEquals("INFO published " + Output.quoted(LocaleTest.LETTERS) + " to stream LAB4_STREAM (seq 1)\n", published.out());
        assertEquals(List.of(LocaleTest.LETTERS), StoredMessages.in(server));
        assertEquals(List.of("INFO pulled message: " + Output.quoted(LocaleTest.LETTERS), "INFO acked",
                "INFO done: 1 message pulled and acked (--max 1)"), ok(plainJava(pull, "JsPull", "--max", "1")).outLines());
        assertSame(plainJava(inspect, "JsInfo"), script("JsInfo").go());
        assertEquals("INFO purged 1 message from stream LAB4_STREAM\n", ok(plainJava(purge, "JsPurge")).out());

        assertSame(run(publish, "--subject", "nowhere.at.all", "hi"), script("JsPub", "--subject", "nowhere.at.all", "hi").go());
        assertSame(plainJava(pull, "JsPull", "--no-ack", "--nak"), script("JsPull", "--no-ack", "--nak").go());
    }

    /**
     * Copied into a project that logs through another slf4j binding (here slf4j-nop, fetched as a project
     * would), a script runs without a word from slf4j: it names slf4j-simple as the provider only when
     * slf4j-simple is there.
     */
    @Test
    void aCopyInAProjectWithAnotherLoggerGetsNoLineFromSlf4j() throws Exception {
        Path project = Files.createTempDirectory(temp, "project-");
        Files.writeString(project.resolve("Deps.java"), "//DEPS org.slf4j:slf4j-nop:2.0.17\nclass Deps {}\n");
        String nop = ok(Run.command(JBANG, "--quiet", "info", "classpath", "Deps.java").in(project).go()).out().strip().split(":", -1)[1];
        assertTrue(nop.endsWith("slf4j-nop-2.0.17.jar"), nop);
        Path publish = alone("JsPub.java", "Publish.java");
        server.resetToLabStream();
        String withoutSimple = String.join(java.io.File.pathSeparator, java.util.Arrays.stream(dependencies().split(java.io.File.pathSeparator))
                .filter(entry -> !entry.contains("slf4j-simple")).toList());
        Run.Result published = ok(plainJavaWith(withoutSimple + java.io.File.pathSeparator + nop, publish, "JsPub", "in a project"));
        assertEquals("", published.err(), published.toString());
        assertEquals(List.of("in a project"), StoredMessages.in(server));
    }

    @Test
    void aScriptSharedByUrlFetchesItsSharedFiles() throws Exception {
        Path empty = Files.createDirectories(temp.resolve("by-url"));
        bootstrap(); // each fetch by URL compiles anew: one script shows the path
        Run.Result pub = ok(Run.command(JBANG, base + "JsPub.java", "by url").in(empty).server(server).go());
        assertEquals("INFO published \"by url\" to stream LAB4_STREAM (seq 1)\n", pub.out());
    }

    /** The README's size of a self-contained file holds for each one. */
    @Test
    void eachFileIsAsLongAsTheReadmeSays() throws Exception {
        java.util.regex.Matcher said = java.util.regex.Pattern.compile("merged \\(([\\d,]+)-([\\d,]+) lines each\\)")
                .matcher(Files.readString(Run.REPO.resolve("README.md")).replaceAll("\\s+", " "));
        assertTrue(said.find(), "README.md's Sharing a script names the files' size");
        int least = Integer.parseInt(said.group(1).replace(",", ""));
        int most = Integer.parseInt(said.group(2).replace(",", ""));
        for (String script : javaFiles(generated)) {
            int lines = Files.readAllLines(generated.resolve(script)).size();
            assertTrue(lines >= least && lines <= most, script + ": " + lines + " lines, README.md says " + said.group());
        }
    }

    /**
     * A learner who pastes one big file sees the lesson first: the script's class is about as near
     * the top as in the script itself, in every shared file; below the lesson a list names the
     * shared parts, and each line number there is where that part starts.
     */
    @Test
    void theLessonComesFirstThenATableOfTheSharedParts() throws Exception {
        for (String script : javaFiles(generated)) {
            List<String> original = Files.readAllLines(Run.REPO.resolve("scripts").resolve(script));
            List<String> lines = Files.readAllLines(generated.resolve(script));
            String name = script.replace(".java", "");
            int lessonInScript = indexOfClass(original, name);
            int lesson = indexOfClass(lines, name);
            assertTrue(lessonInScript > 0 && lesson > 0 && lesson <= lessonInScript + 55,
                    script + ": the lesson at line " + (lesson + 1) + ", in the script at " + (lessonInScript + 1));
            for (String line : lines.subList(0, lesson)) {
                assertTrue(!line.startsWith("import ") || line.length() <= 100, script + ": an import line of "
                        + line.length() + " columns: " + line);
            }
            int table = lines.indexOf(LIST_TITLE);
            assertTrue(table > lesson, script + ": the list of parts comes after the lesson: " + table);
            java.util.regex.Pattern row = java.util.regex.Pattern.compile("//\\s+(\\d+)  (scripts/[\\w/]+\\.java)( - .*)?");
            int rows = 0;
            for (String line : lines.subList(table + 1, lines.size())) {
                java.util.regex.Matcher m = row.matcher(line);
                if (!m.matches()) {
                    break;
                }
                assertEquals("// ----- " + m.group(2), lines.get(Integer.parseInt(m.group(1)) - 1), script);
                rows++;
            }
            assertTrue(rows > 5, script + ": a row per part: " + rows);
        }
    }

    /**
     * Whoever pastes a big file sees at its top, within 40 lines, where each kind of part starts:
     * the lesson method, the script's flags, the list of shared parts, the shared code the script
     * uses, then the code every script runs through (connecting, login, TLS and the rest), and each
     * line number there is right.
     */
    @Test
    void aTableOfPartsAtTheTopSaysWhereTheLessonIs() throws Exception {
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("//\\s+(\\d+)  (.*)");
        for (String script : javaFiles(generated)) {
            List<String> lines = Files.readAllLines(generated.resolve(script));
            String name = script.replace(".java", "");
            java.util.Map<String, Integer> at = new java.util.LinkedHashMap<>();
            for (String line : lines.subList(0, 40)) {
                java.util.regex.Matcher m = row.matcher(line);
                if (m.matches()) {
                    at.put(m.group(2), Integer.parseInt(m.group(1)) - 1);
                }
            }
            assertEquals(5, at.size(), script + ": the table of parts in the first 40 lines: " + at);
            List<Integer> starts = List.copyOf(at.values());
            List<String> what = List.copyOf(at.keySet());
            for (int i = 1; i < starts.size(); i++) {
                assertTrue(starts.get(i - 1) < starts.get(i), script + ": the parts in the order of the file: " + at);
            }
            java.util.regex.Matcher lesson = java.util.regex.Pattern.compile("the lesson: (\\w+), .*").matcher(what.get(0));
            assertTrue(lesson.matches(), script + ": " + what.get(0));
            int classAt = indexOfClass(lines, name);
            int firstMethod = classAt;
            while (!lines.get(firstMethod).matches("    [\\w<>\\[\\], ?]+\\s\\w+\\(.*") || lines.get(firstMethod).contains("=")) {
                firstMethod++;
            }
            assertEquals(firstMethod, (int) starts.get(0), script + ": the lesson's line: " + lines.get(starts.get(0)));
            assertTrue(lines.get(firstMethod).contains(" " + lesson.group(1) + "("), script + ": " + lines.get(firstMethod));
            assertTrue(lines.get(starts.get(1)).matches("\\s+@(Option|Mixin|Parameters)\\b.*"),
                    script + ": " + what.get(1) + ": " + lines.get(starts.get(1)));
            assertEquals(LIST_TITLE, lines.get(starts.get(2)), script);
            assertTrue(lines.get(starts.get(3)).startsWith("// ----- scripts/lab/"), script + ": " + lines.get(starts.get(3)));
            assertTrue(what.get(4).startsWith("shared code every script runs through"), script + ": " + what.get(4));
            assertTrue(lines.get(starts.get(4)).startsWith("// ----- scripts/lab/"), script + ": " + lines.get(starts.get(4)));
            for (String connecting : List.of("Connector.java", "Tls.java", "Login.java", "Secrets.java", "ServerUrl.java")) {
                int part = lines.indexOf("// ----- scripts/lab/" + connecting);
                assertTrue(part > starts.get(4), script + ": " + connecting + " among the code every script runs through: " + part);
            }
        }
    }

    /**
     * The files of labs 1-3's scripts compile alone (lab 4's run above): the shared code's imports name a JDK
     * package at a time, and no name there may mean two classes.
     */
    @Test
    void everySharedFileCompiles() throws Exception {
        for (Catalog.Script script : Catalog.scripts()) {
            if (!script.lab4()) {
                compiled(generated.resolve(script.className() + ".java"));
            }
        }
    }

    private static int indexOfClass(List<String> lines, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("(public )?class " + name + "\\b.*")) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The form to paste: the script alone, whose //SOURCES name the lab's files published at a URL of
     * one tag (here a local HTTP server serving this repo under PREFIX); copied alone
     * into an empty folder, JBang fetches them and it publishes.
     */
    @Test
    void thePastedFormFetchesTheLabsFilesOfATag() throws Exception {
        server.resetToLabStream();
        Path pasted = generated.resolve("url/JsPub.java");
        List<String> lines = Files.readAllLines(pasted);
        assertTrue(lines.size() < Files.readAllLines(Run.REPO.resolve("scripts/JsPub.java")).size() + 20,
                "the script alone: " + lines.size() + " lines");
        assertTrue(lines.stream().filter(l -> l.startsWith("//SOURCES ")).allMatch(l -> l.startsWith("//SOURCES " + base)),
                String.join("\n", lines));
        // saved under a name of the user's: the class is not public, //MAIN names it
        Path alone = Files.copy(pasted, Files.createDirectories(temp.resolve("pasted")).resolve("Publish.java"));
        Run.Result pub = ok(Run.command(JBANG, "--quiet", "Publish.java", "pasted").in(alone.getParent()).server(server)
                .timeout(300).go());
        assertEquals("INFO published \"pasted\" to stream LAB4_STREAM (seq 1)\n", pub.out());
    }

    /** An HTTP server on a port of its own serving the repo's scripts/ folder (and nothing else) below PREFIX. */
    private static HttpServer servingScripts(String prefix) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Path file = path.startsWith(prefix) ? Run.REPO.resolve(path.substring(prefix.length())).normalize() : null;
            boolean found = file != null && file.startsWith(Run.REPO.resolve("scripts")) && Files.isRegularFile(file);
            byte[] body = found ? Files.readAllBytes(file) : new byte[0];
            exchange.sendResponseHeaders(found ? 200 : 404, found ? body.length : -1);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        return http;
    }

    /** The generated FILE copied as NAME into a folder of its own: the path of the copy. */
    private Path alone(String file, String name) throws IOException {
        return Files.copy(generated.resolve(file), Files.createTempDirectory(temp, "alone-").resolve(name));
    }

    /** The copy run with bin/jbang in its folder, against this class's server (--quiet: no "Building jar" line). */
    private static Run.Result run(Path copy, String... args) throws Exception {
        return Run.command(JBANG, "--quiet", copy.getFileName().toString()).args(args).in(copy.getParent())
                .server(server).go();
    }

    /**
     * The copy compiled by javac in this JVM against the scripts' dependencies alone, then run with plain java in its
     * folder, against this class's server: what bin/jbang does with it, less JBang's own JVM and javac's start.
     */
    private Run.Result plainJava(Path copy, String mainClass, String... args) throws Exception {
        return plainJavaWith(dependencies(), copy, mainClass, args);
    }

    /** The same, with these libraries beside the copy's classes. */
    private Run.Result plainJavaWith(String libraries, Path copy, String mainClass, String... args) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Djava.io.tmpdir=" + Sandbox.root(),
                "-cp", compiled(copy) + java.io.File.pathSeparator + libraries, mainClass));
        line.addAll(List.of(args));
        return Run.command(line.toArray(String[]::new)).in(copy.getParent()).server(server).go();
    }

    /** The folder of the file's classes, compiled once alone: what javac said fails the test. */
    private Path compiled(Path file) throws Exception {
        Path classes = temp.resolve("classes-of-" + file.getParent().getFileName() + "-" + file.getFileName());
        if (Files.isDirectory(classes)) {
            return classes;
        }
        Files.createDirectories(classes);
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        int exit = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, new java.io.PrintStream(errors, true),
                "-proc:none", "-nowarn", "-encoding", "UTF-8", "-d", classes.toString(), "-cp", dependencies(), file.toString());
        assertEquals(0, exit, file.getFileName() + ": " + errors);
        return classes;
    }

    /** The test JVM's class path without the tests' own classes, which hold the scripts' too: their dependencies (and JUnit's). */
    private static String dependencies() throws Exception {
        Path own = Path.of(ShareTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        return String.join(java.io.File.pathSeparator, java.util.Arrays.stream(System.getProperty("java.class.path")
                .split(java.io.File.pathSeparator)).filter(entry -> !Path.of(entry).toAbsolutePath().equals(own)).toList());
    }

    /** The same exit code, stdout and stderr as the script run from scripts/. */
    private static void assertSame(Run.Result shared, Run.Result script) {
        assertEquals(script.exit(), shared.exit(), shared.toString());
        assertEquals(script.out(), shared.out());
        assertEquals(script.err(), shared.err());
    }

    private static List<String> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".java")).sorted().toList();
        }
    }
}
