// A folder you do not control cannot take over the lab's scripts. JBang reads every
// jbang-catalog.json from the working folder upwards before the catalogs you registered (an alias,
// or a catalog name, defined there wins), and every jbang.properties there (JVM options for the
// script). Here both are planted two folders above the working folder, with code that writes a
// marker file; every documented way to run a script runs the lab's own script instead.

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlantedCatalogTest extends WithServer {
    private static final String JBANG = Run.REPO.resolve("bin/jbang").toString();
    private static final String CATALOG = Run.REPO.resolve("jbang-catalog.json").toString();

    /** The user's own JBang folder, where `make catalog` registers jslab: registered once for the class. */
    @TempDir
    static Path jbangDir;

    @TempDir
    Path plant;

    private Path work;
    private Path marker;
    private Path optionMarker;
    private String jbangHome;

    @BeforeAll
    static void registerTheLabsCatalog() throws Exception {
        ok(Run.command(JBANG, "catalog", "add", "--global", "--name", "jslab", CATALOG).env("JBANG_DIR", jbangDir.toString()).go());
    }

    @BeforeEach
    void plantACatalogAboveTheWorkingFolder() throws Exception {
        server.resetToLabStream();
        marker = plant.resolve("planted-code-ran");
        optionMarker = plant.resolve("planted-jvm-option-took-effect");
        Path evil = Files.createDirectories(plant.resolve("evil"));
        Files.writeString(evil.resolve("Evil.java"), "import java.nio.file.*;\nclass Evil { public static void main(String[] a)"
                + " throws Exception { Files.writeString(Path.of(\"" + marker + "\"), \"ran\"); } }\n");
        String aliases = "\"aliases\": {" + String.join(",", List.of("js-pub", "js-info", "js-bootstrap", "js-pull", "js-purge")
                .stream().map(name -> "\"" + name + "\": {\"script-ref\": \"" + evil.resolve("Evil.java") + "\"}").toList()) + "}";
        Files.writeString(evil.resolve("jbang-catalog.json"), "{" + aliases + "}");
        String takeOver = "{\"catalog-ref\": \"" + evil.resolve("jbang-catalog.json") + "\"}";
        Files.writeString(plant.resolve("jbang-catalog.json"), "{\"catalogs\": {\"jslab\": " + takeOver + ", \"" + CATALOG + "\": "
                + takeOver + ", \"" + Run.REPO + "\": " + takeOver + "}, " + aliases + "}");
        Files.writeString(plant.resolve("jbang.properties"), "runtimeoption=-Xlog:gc:file=" + optionMarker + "\n");
        work = Files.createDirectories(plant.resolve("work/deep"));
        jbangHome = jbangDir.toString();
    }

    /** The plant works: JBang run as it comes runs its code, for an alias and for a catalog name. */
    @Test
    void jbangAsItComesRunsThePlantedCode() throws Exception {
        String lib = ok(Run.command(JBANG).env("JBANG_FETCH_ONLY", "lib").go()).out().strip();
        String jbangAsIs = "out=$(java -cp \"$1/*\" dev.jbang.Main \"$2\"); [ $? = 255 ] && eval \"exec $out\"";
        for (String alias : List.of("js-info", "js-info@jslab", "js-info@" + CATALOG)) {
            Files.deleteIfExists(marker);
            Run.command("bash", "-c", jbangAsIs, "bash", lib, alias).in(work).env("JBANG_DIR", jbangHome)
                    .env("JBANG_RUNTIME_SHELL", "bash").env("JBANG_NO_VERSION_CHECK", "1").go();
            assertTrue(Files.exists(marker), alias);
        }
    }

    /**
     * Every way to name a lab script through bin/jbang, one of them the command `jbang app install js-pub@jslab` writes
     * (`jbang run js-pub@jslab`: the lab's jbang, as make install puts it). The same files are planted in the working
     * folder itself too, with a `jbang` there: a PATH with an empty entry (a trailing `:`, a common slip) finds that
     * `jbang`, which bin/jbang must not take for an installed one. Each planted file alone would run the planted code.
     */
    @Test
    void binJbangAndTheInstalledCommandRunTheLabsScripts() throws Exception {
        for (String file : List.of("jbang-catalog.json", "jbang.properties")) {
            Files.copy(plant.resolve(file), work.resolve(file));
        }
        Path planted = Files.writeString(work.resolve("jbang"), "#!/bin/sh\necho ran > '" + marker + "'\n");
        assertTrue(planted.toFile().setExecutable(true));
        String pathWithEmptyEntry = System.getenv("PATH") + ":";
        ok(inWork(JBANG, "app", "install", "js-pub@jslab").go());
        Path command = Path.of(jbangHome, "bin/js-pub");
        assertEquals("#!/bin/sh\nexec jbang run js-pub@jslab \"$@\"\n", Files.readString(command));
        ok(inWork(command.toString(), "installed").env("PATH", Run.REPO.resolve("bin") + ":" + pathWithEmptyEntry).go());
        for (String script : List.of("js-pub", "js-pub@" + CATALOG, "js-pub@" + Run.REPO,
                Run.REPO.resolve("scripts/JsPub.java").toString())) {
            ok(inWork(JBANG, script, "via " + script).env("PATH", pathWithEmptyEntry).go());
        }
        assertEquals(List.of("installed", "via js-pub", "via js-pub@" + CATALOG, "via js-pub@" + Run.REPO,
                "via " + Run.REPO.resolve("scripts/JsPub.java")), StoredMessages.in(server));
        assertNothingPlantedRan();
    }

    @Test
    void binLabRunBuildsAndRunsTheLabsScript() throws Exception {
        ok(inWork(Run.REPO.resolve("bin/lab-run").toString(), "js-pub", "lab-run")
                .env("LAB_STATE_DIR", plant.resolve("lab-state").toString()).timeout(600).go()); // a first build, from the planted folder
        assertEquals(List.of("lab-run"), StoredMessages.in(server));
        assertNothingPlantedRan();
    }

    private Run inWork(String... command) {
        return Run.command(command).in(work).env("JBANG_DIR", jbangHome).server(server);
    }

    private void assertNothingPlantedRan() {
        assertFalse(Files.exists(marker), "the planted catalog's code ran");
        assertFalse(Files.exists(optionMarker), "the planted jbang.properties gave the script's JVM an option");
    }
}
