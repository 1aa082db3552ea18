// bin/jbang runs only the JBang jars pinned by SHA-256 in tools/jbang/jars.sha256: a jar that
// differs (a mirror's, or one changed in ~/.m2: Maven only warns about a checksum that does not
// match) or one more than pinned is refused in one line and removed, after a fetch and on
// `make install`. Each case runs a copy of the launcher in a folder of its own, with a `mvn` that
// hands over the real jars, one of them changed.

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JBangPinsTest {
    private static final String VERSION = "0.132.1";
    private static final String REFUSED = "jbang: the JBang " + VERSION + " jars do not match tools/jbang/jars.sha256 (%s): removed"
            + " them; check your Maven repository (~/.m2) or mirror, then run again\n";

    @TempDir
    Path copy;

    private Path lib;
    private Path realLib;
    private Path fakeMvnDir;

    @BeforeEach
    void aCopyOfTheLauncher() throws Exception {
        realLib = Path.of(Run.command(Run.REPO.resolve("bin/jbang").toString()).env("JBANG_FETCH_ONLY", "lib").go().out().strip());
        List<String> files = new ArrayList<>(List.of("bin/jbang", "bin/lab-install", "tools/jbang/pom.xml", "tools/jbang/jars.sha256"));
        try (Stream<Path> launcherParts = Files.list(Run.REPO.resolve("tools/jbang"))) {
            launcherParts.map(path -> "tools/jbang/" + path.getFileName()).filter(name -> name.endsWith(".bash")).forEach(files::add);
        }
        for (String file : files) {
            Files.createDirectories(copy.resolve(file).getParent());
            Files.copy(Run.REPO.resolve(file), copy.resolve(file));
        }
        lib = copy.resolve(".tools/jbang-" + VERSION + "/lib");
        fakeMvnDir = Files.createDirectories(copy.resolve("fake-mvn"));
    }

    @Test
    void theJarsAsPinnedRun() throws Exception {
        fakeMvn("");
        Run.Result version = jbang("version").go();
        assertEquals(VERSION + "\n", version.out(), version.toString());
        assertTrue(Files.readString(fakeMvnDir.resolve("args")).contains("--strict-checksums"), "Maven must fail on a bad checksum");
    }

    @Test
    void aChangedJarIsRefusedAndRemoved() throws Exception {
        fakeMvn("printf x >> \"$out/commons-io-2.16.1.jar\"");
        Run.Result run = jbang("version").go();
        assertEquals(1, run.exit(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().endsWith(String.format(REFUSED, "commons-io-2.16.1.jar differs")), run.err());
        assertFalse(Files.exists(lib), "the changed jars must go");
    }

    @Test
    void aJarMoreThanPinnedIsRefused() throws Exception {
        fakeMvn("cp \"$out/gson-2.13.1.jar\" \"$out/gson-2.10.1.jar\"");
        Run.Result run = jbang("version").go();
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().endsWith(String.format(REFUSED, "other jars than pinned: gson-2.10.1.jar")), run.err());
        assertFalse(Files.exists(lib));
    }

    /**
     * A jar changed after the fetch and its check (in .tools/) is checked again before it runs. The fetch, and a
     * start with the jars as checked, stop before JBang's JVM (JBANG_FETCH_ONLY=1, make setup's way: the same
     * checks); theJarsAsPinnedRun shows JBang's JVM starting on such jars.
     */
    @Test
    void aJarChangedAfterTheFetchIsRefused() throws Exception {
        fakeMvn("");
        assertEquals(0, fetchOnly().go().exit());
        assertEquals(0, fetchOnly().go().exit());
        Files.writeString(lib.resolve("picocli-4.7.7.jar"), "x", StandardOpenOption.APPEND);
        Run.Result run = jbang("version").go();
        assertEquals(1, run.exit(), run.toString());
        assertEquals("", run.out());
        assertEquals(String.format(REFUSED, "picocli-4.7.7.jar differs"), run.err());
        assertFalse(Files.exists(lib), "the changed jars must go");
    }

    /** A jar changed after the fetch (in .tools/) is not copied on by make install. */
    @Test
    void makeInstallChecksTheJarsBeforeCopyingThem() throws Exception {
        fakeMvn("");
        assertEquals(0, fetchOnly().go().exit());
        Files.writeString(lib.resolve("picocli-4.7.7.jar"), "x", StandardOpenOption.APPEND);
        Path home = Files.createDirectories(copy.resolve("home"));
        Run.Result install = Run.command(copy.resolve("bin/lab-install").toString()).env("HOME", home.toString())
                .env("PATH", fakeMvnDir + ":" + System.getenv("PATH")).go();
        assertEquals(1, install.exit(), install.toString());
        assertEquals(String.format(REFUSED, "picocli-4.7.7.jar differs"), install.err());
        assertFalse(Files.exists(home.resolve(".jbang/bin/jbang")));
    }

    /**
     * A jbang of the developer's own on PATH (in a folder whose name says nothing of JBang) is what bin/jbang
     * hands over to, except where the tests and make test run: LAB_JBANG=pinned, which every test process gets.
     */
    @Test
    void aJbangOnPathRunsExceptWhereThePinnedOneIsAsked(@TempDir Path devBin) throws Exception {
        Path own = devBin.resolve("jbang");
        Files.writeString(own, "#!/bin/sh\necho \"the developer's jbang\"\nexit 3\n");
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = devBin + ":" + System.getenv("PATH");
        Run.Result handedOver = Run.command(Run.REPO.resolve("bin/jbang").toString(), "version").env("PATH", path).env("LAB_JBANG", "").go();
        assertEquals(3, handedOver.exit(), handedOver.toString());
        assertEquals("the developer's jbang\n", handedOver.out());
        Run.Result pinned = Run.command(Run.REPO.resolve("bin/jbang").toString(), "version").env("PATH", path).go();
        assertEquals(0, pinned.exit(), pinned.toString());
        assertEquals(VERSION + "\n", pinned.out());
    }

    /** A `mvn` that copies the real jars where it is told, runs CHANGE on them ($out), and keeps its arguments. */
    private void fakeMvn(String change) throws Exception {
        Path mvn = fakeMvnDir.resolve("mvn");
        Files.writeString(mvn, "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"" + fakeMvnDir.resolve("args") + "\"\n"
                + "for arg; do case $arg in -DoutputDirectory=*) out=${arg#*=} ;; esac; done\n"
                + "mkdir -p \"$out\" && cp \"" + realLib + "\"/*.jar \"$out/\"\n" + change + "\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The copy's fetch and checks, then no JVM: make setup's way (JBANG_FETCH_ONLY=1). */
    private Run fetchOnly() {
        return jbang().env("JBANG_FETCH_ONLY", "1");
    }

    private Run jbang(String... args) {
        return Run.command(Stream.concat(Stream.of(copy.resolve("bin/jbang").toString()), Stream.of(args)).toArray(String[]::new))
                .env("PATH", fakeMvnDir + ":" + System.getenv("PATH")).in(copy);
    }
}
