// Layered config: flags > environment > lab file > root file > built-in defaults,
// and one clear line (file, line, key) for every bad config.

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @TempDir
    Path dir;

    private static final String ROOT = """
            [runtime]
            mode = "local"

            [nats]
            url = "nats://root-host:4222"

            [recv]
            wait_secs = 7
            """;

    private static final String LAB = """
            [nats]
            subject = "lab.subject"
            stream  = "LAB_STREAM"
            consumer = "LAB_CONSUMER"
            url = "nats://lab-host:4222"
            """;

    /** The flags by name, as a script's command line gives them: here the two config files. */
    private Map<String, Object> files(String root, String lab) throws Exception {
        Map<String, Object> flags = new HashMap<>();
        flags.put("--config", Files.writeString(dir.resolve("config.toml"), root));
        flags.put("--lab-config", Files.writeString(dir.resolve("lab.toml"), lab));
        return flags;
    }

    private static Config load(Map<String, Object> flags, Map<String, String> env) {
        return Config.load(env, flags::get);
    }

    @Test
    void builtInDefaultsApplyWhenFilesAreEmpty() throws Exception {
        Config config = load(files("", ""), Map.of());
        assertEquals("local", config.mode);
        assertEquals("nats://127.0.0.1:4222", config.url);
        assertEquals("lab4.stream", config.subject);
        assertEquals("LAB4_STREAM", config.stream);
        assertEquals("LAB4_CONSUMER", config.consumer);
        assertEquals(Duration.ofSeconds(5), config.wait);
        assertEquals(Duration.ofSeconds(30), config.ackWait);
    }

    @Test
    void labFileOverridesRootFile() throws Exception {
        Config config = load(files(ROOT, LAB), Map.of());
        assertEquals("nats://lab-host:4222", config.url);
        assertEquals("lab.subject", config.subject);
        assertEquals("LAB_STREAM", config.stream);
        assertEquals(Duration.ofSeconds(7), config.wait, "root value stays where the lab file is silent");
        assertTrue(config.sourceOf("nats.url").endsWith("lab.toml:5 [nats] url"), config.sourceOf("nats.url"));
    }

    @Test
    void environmentOverridesFiles() throws Exception {
        Config config = load(files(ROOT, LAB), Map.of("NATS_URL", "nats://env-host:4222"));
        assertEquals("nats://env-host:4222", config.url);
        assertEquals("env NATS_URL", config.sourceOf("nats.url"));
    }

    @Test
    void flagsOverrideEverything() throws Exception {
        Map<String, Object> options = files(ROOT, LAB);
        options.put("--server", "nats://flag-host:4222");
        options.put("--subject", "flag.subject");
        options.put("--stream", "FLAG_STREAM");
        options.put("--consumer", "FLAG_CONSUMER");
        options.put("--wait", 2L);
        Config config = load(options, Map.of("NATS_URL", "nats://env-host:4222"));
        assertEquals("nats://flag-host:4222", config.url);
        assertEquals("flag.subject", config.subject);
        assertEquals("FLAG_STREAM", config.stream);
        assertEquals("FLAG_CONSUMER", config.consumer);
        assertEquals(Duration.ofSeconds(2), config.wait);
    }

    @Test
    void ackWaitComesFromTheConsumerSection() throws Exception {
        Config config = load(files(ROOT, "[consumer]\nack_wait_secs = 4\n"), Map.of());
        assertEquals(Duration.ofSeconds(4), config.ackWait);
    }

    @Test
    void namedFileThatIsMissingIsAnError() {
        Map<String, Object> options = new HashMap<>();
        options.put("--config", dir.resolve("nope.toml"));
        LabException e = assertThrows(LabException.class, () -> load(options, Map.of()));
        assertEquals(Exit.CONFIG, e.exitCode);
        assertEquals("config file " + options.get("--config") + " not found: check the path, or leave the flag out to use defaults",
                e.getMessage());
    }

    @Test
    void invalidTomlNamesFileAndLine() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files(ROOT, "[nats]\nstream = \"unterminated\n"), Map.of()));
        assertEquals(Exit.CONFIG, e.exitCode);
        assertTrue(e.getMessage().startsWith(dir.resolve("lab.toml") + ":2: not valid TOML: "), e.getMessage());
    }

    @Test
    void wrongTypeNamesFileLineAndKey() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("[recv]\nwait_secs = \"five\"\n", ""), Map.of()));
        assertEquals(Exit.CONFIG, e.exitCode);
        assertEquals(dir.resolve("config.toml") + ":2: [recv] wait_secs must be a whole number, like 5, got five",
                e.getMessage());
    }

    @Test
    void numberWhereAStringBelongsIsAnError() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("", "[nats]\n\nstream = 42\n"), Map.of()));
        assertEquals(dir.resolve("lab.toml") + ":3: [nats] stream must be a string in quotes, got 42", e.getMessage());
    }

    @Test
    void invalidStreamNameSaysWhereItCameFrom() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("", "[nats]\nstream = \"LAB.4\"\n"), Map.of()));
        assertEquals(Exit.CONFIG, e.exitCode);
        assertEquals(dir.resolve("lab.toml") + ":2 [nats] stream: \"LAB.4\" is not valid: use letters, digits, - and _ only "
                + "(no spaces, '.', '*' or '>')", e.getMessage());
    }

    @Test
    void invalidValueFromAFlagIsAUsageError() throws Exception {
        Map<String, Object> options = files("", "");
        options.put("--consumer", "my consumer");
        LabException e = assertThrows(LabException.class, () -> load(options, Map.of()));
        assertEquals(Exit.USAGE, e.exitCode);
        assertTrue(e.getMessage().startsWith("flag --consumer: \"my consumer\" is not valid"), e.getMessage());
    }

    @Test
    void malformedUrlFromEnvironmentIsAConfigError() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("", ""), Map.of("NATS_URL", "127.0.0.1:4222")));
        assertEquals(Exit.CONFIG, e.exitCode);
        assertEquals("env NATS_URL: \"127.0.0.1:4222\" is not valid: expected a URL like nats://127.0.0.1:4222",
                e.getMessage());
    }

    @Test
    void subjectWithWildcardOrSpaceIsRejected() throws Exception {
        for (String subject : new String[] {"lab4.*", "lab4.>", "lab 4", "", "lab4..x"}) {
            Map<String, Object> options = files("", "");
            options.put("--subject", subject);
            LabException e = assertThrows(LabException.class, () -> load(options, Map.of()), subject);
            assertTrue(e.getMessage().startsWith("flag --subject: "), e.getMessage());
        }
    }

    @Test
    void waitMustBeAtLeastOneSecond() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("[recv]\nwait_secs = 0\n", ""), Map.of()));
        assertEquals(dir.resolve("config.toml") + ":2 [recv] wait_secs: 0 is not valid: it must be at least 1 second",
                e.getMessage());
    }

    @Test
    void modeMustBeLocalOrRemote() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("[runtime]\nmode = \"cloud\"\n", ""), Map.of()));
        assertTrue(e.getMessage().endsWith("\"cloud\" is not valid: use \"local\" or \"remote\""), e.getMessage());
    }

    @Test
    void maxDeliverMustBeUnlimitedOrPositive() throws Exception {
        LabException e = assertThrows(LabException.class,
                () -> load(files("", "[consumer]\nmax_deliver = 0\n"), Map.of()));
        assertEquals(dir.resolve("lab.toml") + ":2 [consumer] max_deliver: 0 is not valid: use -1 for no limit, or 1 or more",
                e.getMessage());
    }
}
