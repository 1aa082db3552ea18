// `make export` gives one jar per script that runs with plain `java -jar`, from any folder, against
// a real server: a message published and pulled through the exported jars. JBang's own fat jar would not start
// (BouncyCastle's signature files come along from jnats), and its portable export works as it is.

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportTest extends WithServer {
    /**
     * Two of lab 4's scripts (js-pull also for its native call on Java 25): a fat jar costs a JBang run of
     * several CPU seconds, and every other script is exported by the same loop from the same list (make's
     * SCRIPTS, the catalog's aliases, which anUnknownScriptIsRefused reads back in full).
     */
    private static final List<String> SCRIPTS = List.of("js-pub", "js-pull");
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();

    @TempDir
    static Path dist;

    @TempDir
    Path elsewhere;

    @BeforeAll
    static void exportEveryScript() throws Exception {
        Run.Result export = ok(Run.command("make", "--no-print-directory", "export", "DIST=" + dist, "BIN=" + String.join(" ", SCRIPTS))
                .timeout(900).go());
        assertEquals(SCRIPTS.stream().map(script -> "make export: " + dist + "/" + script + ".jar (run it with: java -jar "
                + dist + "/" + script + ".jar --help)").toList(), export.outLines());
    }

    /**
     * A message published and pulled through the exported jars; the publish without a locale, as plain
     * `java -jar` in a Debian login shell: the jar reads its arguments' bytes again (LocaleTest: the other launchers).
     */
    @Test
    void theExportedJarsRunTheLabWithPlainJava() throws Exception {
        bootstrap();
        Run.Result pub = ok(LocaleTest.noLocale("java", "-jar", dist.resolve("js-pub.jar").toString(), LocaleTest.LETTERS)
                .in(elsewhere).server(server).go());
        assertEquals("INFO published " + Output.quoted(LocaleTest.LETTERS) + " to stream LAB4_STREAM (seq 1)\n", pub.out());
        assertEquals(List.of(LocaleTest.LETTERS), StoredMessages.in(server));
        Run.Result pull = ok(javaJar("js-pull", "--max", "1").go());
        assertEquals(List.of("INFO pulled message: " + Output.quoted(LocaleTest.LETTERS), "INFO acked"), pull.outLines().subList(0, 2));
        assertEquals(1, server.labConsumer().getAckFloor().getStreamSequence(), "acked on the server");
    }

    @Test
    void theExportedJarsHoldNoSignatureFiles() throws Exception {
        for (String script : SCRIPTS) {
            try (ZipFile jar = new ZipFile(dist.resolve(script + ".jar").toFile())) {
                List<String> signatures = jar.stream().map(entry -> entry.getName())
                        .filter(name -> name.matches("META-INF/[^/]*\\.(SF|DSA|RSA|EC)")).toList();
                assertEquals(List.of(), signatures, script);
            }
        }
    }

    /** js-pull calls Linux through JNA when its stdout is a pipe: on Java 24+ only the jar's manifest keeps that quiet. */
    @Test
    void onJava25AnExportedJsPullPrintsOnlyItsOwnLines() throws Exception {
        Path java25 = JavaHomeTest.JDK_25.resolve("bin/java");
        Assumptions.assumeTrue(Files.isExecutable(java25), "no Java 25 at " + java25);
        server.resetToLabStream();
        publish("one");
        Run.Result pull = ok(Run.command(java25.toString(), "-jar", dist.resolve("js-pull.jar").toString(), "--max", "1")
                .in(elsewhere).server(server).go());
        assertEquals(List.of("INFO pulled message: \"one\"", "INFO acked"), pull.outLines().subList(0, 2));
        assertEquals("", pull.err(), pull.toString());
    }

    @Test
    void jbangsOwnFatJarWouldNotStart() throws Exception {
        Path jar = elsewhere.resolve("js-info.jar");
        ok(Run.command(JBANG, "--quiet", "export", "fatjar", "--output", jar.toString(), "js-info").timeout(600).go());
        Run.Result run = Run.command("java", "-jar", jar.toString(), "--help").in(elsewhere).go();
        assertNotEquals(0, run.exit());
        assertTrue(run.err().contains("SecurityException: Invalid signature file digest"), run.err());
    }

    @Test
    void jbangsPortableExportRunsAsItIs() throws Exception {
        Path jar = elsewhere.resolve("portable/js-pub.jar");
        ok(Run.command(JBANG, "--quiet", "export", "portable", "--output", jar.toString(), "js-pub").timeout(600).go());
        server.resetToLabStream();
        Path other = java.nio.file.Files.createDirectories(elsewhere.resolve("other"));
        Run.Result pub = ok(Run.command("java", "-jar", jar.toString(), "portable").in(other).server(server).go());
        assertEquals("INFO published \"portable\" to stream LAB4_STREAM (seq 1)\n", pub.out());
    }

    @Test
    void anUnknownScriptIsRefused() throws Exception {
        Run.Result result = Run.command("make", "--no-print-directory", "export", "BIN=js-nope", "DIST=" + dist).go();
        assertEquals(2, result.exit());
        assertTrue(result.err().startsWith(Catalog.badBin("js-nope") + "')\n"),
                result.err());
    }

    /** An exported jar, run from a folder of its own the way its users would. */
    private Run javaJar(String script, String... args) {
        return Run.command("java", "-jar", dist.resolve(script + ".jar").toString()).args(args).in(elsewhere).server(server);
    }
}
