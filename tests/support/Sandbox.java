// What a test run owns, and the environment every process it starts begins with.
//
// The run gets a temp root of its own (the test JVM's java.io.tmpdir, and TMPDIR for everything
// else), so checking it for leftovers cannot be fooled by other runs on the same machine. Children
// get only the caller's variables that say where programs and tool caches live: never NATS_*
// settings, a natscli context, make's flags or JVM option variables, which would make a run
// depend on who started it.

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

final class Sandbox {
    /** Set on the test JVM by the runner: the run's temp root. */
    static final String ROOT_PROPERTY = "lab.tests.root";

    /** Passed through: programs, the user's home (JBang and Maven caches), locale, proxies for Maven Central. */
    private static final Set<String> KEPT = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE",
            "JAVA_HOME", "JBANG_DIR", "JBANG_CACHE_DIR", "JBANG_REPO",
            "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY");

    private Sandbox() {
    }

    /** Set on the test JVM by the runner: a file that appears once JBang has built every script (see RunTests). */
    static final String BUILT_PROPERTY = "lab.tests.built";

    /**
     * Waits until the runner has built the scripts into JBang's cache (it builds them while the
     * first classes run): a command may start JBang or bin/lab-run, and two builds of one script
     * at once can leave a broken jar in the cache. Outside the runner there is nothing to wait for.
     */
    static void awaitScriptBuilds() throws InterruptedException {
        String built = System.getProperty(BUILT_PROPERTY);
        while (built != null && !java.nio.file.Files.exists(Path.of(built))) {
            Thread.sleep(100);
        }
    }

    /** The run's temp root; outside the runner (an IDE, say), the JVM's temp dir. */
    static Path root() {
        String root = System.getProperty(ROOT_PROPERTY);
        return Path.of(root != null ? root : System.getProperty("java.io.tmpdir"));
    }

    /** bin/lab-run's build cache and bin/lab-server's state for this run: never the repo's own .lab/. */
    static Path labState() {
        return root().resolve("lab-state");
    }

    /**
     * A state folder of the test's own (what make run keeps there is the test's to count) that still
     * starts the scripts the runner built: their build files are linked in, not built again. Hard links
     * where the file system allows (bin/lab-run replaces those files by renaming, never writes into them):
     * JUnit warns twice for each symbolic link it finds in a temp dir it deletes, and a full run would
     * print hundreds of such lines.
     */
    static Path labStateOfItsOwn(Path dir) throws java.io.IOException, InterruptedException {
        awaitScriptBuilds();
        Path run = java.nio.file.Files.createDirectories(dir.resolve("run"));
        try (var built = java.nio.file.Files.list(labState().resolve("run"))) {
            // the .sources lists too: without them bin/lab-run cannot name the build by its key, and builds again
            for (Path file : built.filter(f -> f.getFileName().toString().matches("[A-Za-z]+(-[0-9a-f]+\\.(classpath|jsa)|\\.sources)")).toList()) {
                Path link = run.resolve(file.getFileName());
                try {
                    java.nio.file.Files.createLink(link, file);
                } catch (java.io.IOException | UnsupportedOperationException otherFileSystem) {
                    java.nio.file.Files.createSymbolicLink(link, file);
                }
            }
        }
        return dir;
    }

    /** An XDG config home with nothing in it: no natscli context of the developer's is found. */
    static Path emptyConfigHome() {
        return root().resolve("xdg-config");
    }

    /**
     * PATH without the folders of another JBang (JBang's installer's ~/.jbang/bin, SDKMAN's
     * candidates/jbang/...): bin/jbang would hand over to it, and the tests would run on the
     * developer's JBang instead of the lab's pinned one.
     */
    static String withoutOtherJbang(String path) {
        return String.join(":", java.util.Arrays.stream(path.split(":", -1)).filter(dir -> {
            java.nio.file.Path jbang = Path.of(dir.isEmpty() ? "." : dir, "jbang");
            return !(dir.contains("jbang") && java.nio.file.Files.isExecutable(jbang) && !labLauncher(jbang));
        }).toList());
    }

    private static boolean labLauncher(java.nio.file.Path jbang) {
        try (var lines = java.nio.file.Files.lines(jbang)) {
            return lines.limit(3).anyMatch(line -> line.startsWith("# jetstream-lab: JBang launcher"));
        } catch (Exception notText) {
            return false;
        }
    }

    /** The environment a child starts with: the kept variables of `from`, plus the run's own places. */
    static Map<String, String> environment(Map<String, String> from, Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        from.forEach((name, value) -> {
            if (KEPT.contains(name)) {
                env.put(name, value);
            }
        });
        if (env.containsKey("PATH")) {
            env.put("PATH", withoutOtherJbang(env.get("PATH")));
        }
        // JBang's build cache stays the one the runner filled, also for a test that moves JBANG_DIR (to
        // register a catalog of its own): that folder's catalog is the test's point, and with the cache
        // under it JBang would compile each script again there.
        if (!env.containsKey("JBANG_CACHE_DIR") && env.containsKey("HOME")) {
            env.put("JBANG_CACHE_DIR", env.getOrDefault("JBANG_DIR", env.get("HOME") + "/.jbang") + "/cache");
        }
        env.put("LAB_JBANG", "pinned"); // bin/jbang runs the lab's pinned JBang, never one the developer installed
        env.put("TMPDIR", root.toString());
        env.put("LAB_STATE_DIR", root.resolve("lab-state").toString());
        env.put("XDG_CONFIG_HOME", root.resolve("xdg-config").toString());
        env.put("XDG_STATE_HOME", root.resolve("xdg-state").toString());
        env.put("XDG_CACHE_HOME", root.resolve("xdg-cache").toString()); // JNA unpacks its library there, not in the real home
        return env;
    }
}
