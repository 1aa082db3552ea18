// bin/lab-server takes the URL and mode from the scripts' own settings (--show-config-lines), so
// a flag, a natscli context or an env variable picks the server it starts, as it would for the
// scripts; a password in the URL is never printed.

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabServerTest {
    private static final String LAB_SERVER = Run.REPO.resolve("bin/lab-server").toString();
    private static final String PASSWORD = "s3cret-pw";

    @TempDir
    static Path state; // the servers' stores and lab-run's cache: never the repo's own .lab/

    @TempDir
    Path dir;

    @BeforeAll
    static void withTheRunnersBuilds() throws Exception {
        Sandbox.labStateOfItsOwn(state);
    }

    @Test
    void showConfigLinesAreKeyValueWithSecretsMasked() throws Exception {
        Run.Result shown = WithServer.ok(Run.script("JsInfo", "--show-config-lines", "--user", "alice",
                "--server", "nats://alice:" + PASSWORD + "@127.0.0.1:4222").env("NATS_PASSWORD", PASSWORD).go());
        assertTrue(shown.outLines().contains("nats.url=nats://alice:****@127.0.0.1:4222"), shown.out());
        assertTrue(shown.outLines().contains("nats.auth.password=****"), shown.out());
        assertTrue(shown.outLines().contains("runtime.mode=local"), shown.out());
        assertFalse(shown.out().contains(PASSWORD), shown.out());
        // the server list as the script parsed it, so that bin/lab-server parses no URL
        Run.Result list = WithServer.ok(Run.script("JsInfo", "--show-config-lines",
                "--server", "alice:" + PASSWORD + "@localhost,tls://127.0.0.1:4333").go());
        assertTrue(list.outLines().containsAll(List.of("nats.url.servers=nats://alice:****@localhost:4222 tls://127.0.0.1:4333",
                "nats.url.hosts=localhost 127.0.0.1", "nats.url.ports=4222 4333", "nats.url.source=flag --server")), list.out());
        assertFalse(list.out().contains(PASSWORD), list.out());
    }

    /**
     * A flag picks the server bin/lab-server starts; that server listens on 127.0.0.1 only, not to other machines.
     * A server the lab started is no server of others, whatever streams it holds: starting it again only says it
     * answers. A PID file that then names another process does not hide it: stop finds the server by what it is, and
     * leaves the process the file named alone.
     */
    @Test
    void aFlagPicksTheServerItStartsAndStopFindsItWhateverThePidFileSays() throws Exception {
        int port = NatsServer.freePort();
        String url = "nats://127.0.0.1:" + port;
        Path pidFile = state.resolve("nats-" + port + "/pid");
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            Collections.list(nic.getInetAddresses()).stream().filter(a -> !a.isLoopbackAddress()).forEach(others::add);
        }
        Process bystander = new ProcessBuilder("tail", "-f", "/dev/null").start();
        long[] serverPid = {-1};
        try {
            startAndStop(url, lab("start", "js-pub", "--server", url, "hello"), lab("stop", "js-info", "--server", url), () -> {
                try (Socket local = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    assertTrue(local.isConnected());
                }
                for (InetAddress other : others) {
                    try (Socket outside = new Socket()) {
                        outside.connect(new InetSocketAddress(other, port), 2_000);
                        throw new AssertionError("the lab's server answers on " + other + ":" + port);
                    } catch (IOException refused) {
                        // as it should be
                    }
                }
                try (io.nats.client.Connection nc = io.nats.client.Nats.connect(url)) {
                    nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("MINE")
                            .subjects("mine").build());
                }
                Run.Result again = lab("start", "js-pub", "--server", url, "hello").go();
                assertEquals(0, again.exit(), again.toString());
                assertEquals("lab-server: a NATS server with JetStream already answers at " + url + "; using it\n", again.out());
                assertEquals("", again.err(), "the lab started this one: " + again);
                serverPid[0] = Long.parseLong(Files.readString(pidFile).strip());
                // its working directory is its store: nothing it writes to a relative path lands where make ran
                assertEquals(state.resolve("nats-" + port + "/store").toRealPath(),
                        Path.of("/proc/" + serverPid[0] + "/cwd").toRealPath());
                Files.writeString(pidFile, bystander.pid() + "\n");
            });
            assertTrue(bystander.isAlive(), "stop killed the process the PID file named");
            assertEquals("lab-server: nothing answers at " + url + "\n", lab("status", "js-info", "--server", url).go().out());
        } finally {
            bystander.destroyForcibly();
            ProcessHandle.of(serverPid[0]).ifPresent(ProcessHandle::destroy);
        }
    }


    /**
     * A leftover NATS_URL that holds a login still gets its warning in cluster mode (the settings show
     * its password masked, so the two are compared without their logins), and the password is not printed.
     */
    @Test
    void aLeftoverNatsUrlWithALoginIsNamedInClusterMode() throws Exception {
        int port = NatsServer.freePort();
        Path config = Files.writeString(dir.resolve("cluster.toml"), "[runtime]\nmode = \"cluster\"\n");
        Run.Result status = lab("status").env("LAB_CONFIG", config.toString())
                .env("NATS_URL", "nats://alice:" + PASSWORD + "@127.0.0.1:" + port).go();
        assertTrue(status.err().startsWith("lab-server: WARN NATS_URL=nats://alice:****@127.0.0.1:" + port
                + " (from your environment) replaces the URL list of "), status.toString());
        assertFalse(status.toString().contains(PASSWORD), status.toString());
    }

    /**
     * A natscli context picks the server bin/lab-server starts. A config broken while that server runs (a typo, say)
     * must not keep it running: stop still stops it.
     */
    @Test
    void aNatsContextPicksTheServerItStartsAndStopWorksWhenTheSettingsNoLongerLoad() throws Exception {
        String url = "nats://127.0.0.1:" + NatsServer.freePort();
        Path context = Files.writeString(dir.resolve("lab.json"), "{\"url\": \"" + url + "\"}");
        try {
            Run.Result started = lab("start").env("NATS_CONTEXT", context.toString()).go();
            assertEquals(0, started.exit(), started.toString());
            assertTrue(started.out().startsWith("lab-server: started nats-server with JetStream at " + url + " "),
                    started.toString());
        } finally {
            Run.Result stopped = lab("stop").env("NATS_CONTEXT", context.toString())
                    .env("LAB_CONFIG", Run.REPO.resolve("tests/bad-input/not-toml.toml").toString()).go();
            assertEquals(0, stopped.exit(), stopped.toString());
            assertEquals("lab-server: stopped 1 nats-server(s) the lab had started\n", stopped.out());
            assertTrue(stopped.err().startsWith("lab-server: the settings do not load"), stopped.toString());
        }
    }

    /**
     * Neither way the lab starts a server opens it to other machines (a learner's server must not be an open door):
     * docker-compose.yml publishes its ports (cluster profile too) on 127.0.0.1 unless NATS_BIND says otherwise (no
     * Docker engine here: its file is checked instead); the binary's server is aFlagPicksTheServerItStartsAndStopFindsItWhateverThePidFileSays'.
     */
    @Test
    void theServerTheLabStartsListensOnThisMachineOnly() throws Exception {
        List<String> published = Files.readAllLines(Run.REPO.resolve("docker-compose.yml")).stream()
                .filter(line -> line.trim().matches("- \"[^\"]*:[0-9]+\".*")).toList();
        assertEquals(5, published.size(), "the server's client and monitoring ports, the cluster's three client ports: "
                + published);
        for (String line : published) {
            assertTrue(line.trim().startsWith("- \"${NATS_BIND:-127.0.0.1}:"), line);
        }
    }

    /**
     * A PID file outlives its server, and the PID may then be anyone's: stop kills only a nats-server
     * started with the lab's port and store, by this user: never a `tail -f` of its log, a program merely
     * named so, or another user's process.
     */
    @Test
    void stopKillsOnlyTheServerTheLabStarted() throws Exception {
        int port = NatsServer.freePort();
        String url = "nats://127.0.0.1:" + port;
        Path serverState = state.resolve("nats-" + port);
        Run.Result started = lab("start", "js-info", "--server", url).go();
        assertEquals(0, started.exit(), started.toString());
        long serverPid = Long.parseLong(Files.readString(serverState.resolve("pid")).strip());
        ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly); // the server dies; its PID file stays
        Process tail = new ProcessBuilder("tail", "-f", serverState.resolve("nats-server.log").toString()).start();
        Process namedSo = new ProcessBuilder("bash", "-c", "exec -a nats-server sleep 60").start();
        // Another user's process with the lab's very program name and flags (as root, kill would reach it).
        Process othersUser = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c",
                "exec -a nats-server bash -c 'read -t 60 || :' x -p \"$1\" -sd \"$2\"", "bash", String.valueOf(port),
                serverState.resolve("store").toString()).start();
        try {
            Path othersLine = Path.of("/proc/" + othersUser.pid() + "/cmdline");
            for (int i = 0; i < 200 && othersUser.isAlive() && !Files.readString(othersLine).startsWith("nats-server\0"); i++) {
                Thread.sleep(50);
            }
            assertTrue(othersUser.isAlive(), "could not start a process as user 65534");
            for (Process bystander : List.of(tail, namedSo, othersUser)) {
                Files.writeString(serverState.resolve("pid"), bystander.pid() + "\n");
                Run.Result stopped = lab("stop", "js-info", "--server", url).go();
                assertEquals(0, stopped.exit(), stopped.toString());
                assertEquals("lab-server: no server started by the lab on port " + port + "; nothing to stop\n", stopped.out());
                Files.writeString(serverState.resolve("started-by"), "binary\n");
                Path cluster = Files.createDirectories(state.resolve("cluster/n1"));
                Files.writeString(cluster.resolve("pid"), bystander.pid() + "\n");
                Run.Result clusterStop = Run.command(Run.REPO.resolve("bin/lab-cluster").toString(), "stop", String.valueOf(port))
                        .env("LAB_STATE_DIR", state.toString()).go();
                assertEquals("lab-cluster: no node started by the lab is running on ports " + port + "; nothing to stop\n",
                        clusterStop.out());
                assertTrue(bystander.isAlive(), "stop killed " + bystander.info().commandLine().orElse("?"));
            }
        } finally {
            tail.destroyForcibly();
            namedSo.destroyForcibly();
            othersUser.destroyForcibly();
            Files.deleteIfExists(serverState.resolve("started-by"));
        }
    }

    /**
     * Someone else's server answers at the URL (this test's own, outside the lab): `make server` uses it,
     * but says in one WARN line, naming their streams, that the lab did not start it, and `make server-stop`
     * says the lab started nothing there and leaves it running; the lab's own
     * streams (any lab config's, lab 5's too) are no reason to warn, and neither is a server the lab started
     * (aFlagPicksTheServerItStartsAndStopFindsItWhateverThePidFileSays).
     */
    @Test
    void aServerTheLabDidNotStartThatHoldsStreamsOfOthersIsNamedInOneWarning() throws Exception {
        try (NatsServer theirs = NatsServer.startWithJetStream()) {
            theirs.resetToLabStream();
            try (io.nats.client.Connection nc = theirs.connect()) {
                for (String name : List.of("LAB5_JOBS", "LAB5_QUEUE")) {
                    nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name(name)
                            .subjects(name.toLowerCase(java.util.Locale.ROOT) + ".>").build());
                }
            }
            Run.Result labsOnly = make("server").env("NATS_URL", theirs.url()).go();
            assertEquals(0, labsOnly.exit(), labsOnly.toString());
            assertEquals("lab-server: a NATS server with JetStream already answers at " + theirs.url() + "; using it\n",
                    labsOnly.out());
            assertEquals("", labsOnly.err());

            try (io.nats.client.Connection nc = theirs.connect()) {
                for (String name : List.of("ORDERS", "PAYMENTS", "AUDIT", "KV_settings")) {
                    nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name(name)
                            .subjects(name.toLowerCase(java.util.Locale.ROOT) + ".>").build());
                }
            }
            Run.Result shared;
            try (ServerSocket busy = holding(4333)) { // held here, or by someone else: either way not free
                shared = make("server").env("NATS_URL", theirs.url()).go();
            }
            assertEquals(0, shared.exit(), shared.toString());
            assertEquals("lab-server: a NATS server with JetStream already answers at " + theirs.url() + "; using it\n",
                    shared.out());
            Matcher advice = Pattern.compile("lab-server: WARN the server at " + Pattern.quote(theirs.url()) + " was not started by"
                    + " the lab and holds 4 stream\\(s\\) of others \\(AUDIT, KV_settings, ORDERS, \\.\\.\\.\\): the lab's runs would"
                    + " share it; for a server of your own, pick a free port: NATS_URL=nats://127\\.0\\.0\\.1:(\\d+) make demo\n")
                    .matcher(shared.err());
            assertTrue(advice.matches(), shared.err());
            int port = Integer.parseInt(advice.group(1));
            assertTrue(port > 4333 && port < 4400, "a port after the busy 4333: " + port);

            Run.Result stop = make("server-stop").env("NATS_URL", theirs.url()).go();
            assertEquals(0, stop.exit(), stop.toString());
            assertEquals("lab-server: no server started by the lab on port " + theirs.port + "; nothing to stop\n", stop.out());
            try (io.nats.client.Connection nc = theirs.connect()) { // still up, and still theirs: its streams are there
                assertEquals(io.nats.client.Connection.Status.CONNECTED, nc.getStatus());
                assertTrue(nc.jetStreamManagement().getStreamNames().contains("ORDERS"), "their server, still up");
            }
        }
    }

    /**
     * The lesson's own path is make run, not make server: the first make run on someone else's server that
     * holds streams of others says so in the same WARN line; the runs after it on that server stay quiet
     * (said once), and the run goes on. The server make run asks is the one the run's own flags name,
     * not the one the environment or the config would: a server of others named in ARGS is warned about, an
     * empty one named there is not, whatever NATS_URL says; and the server recorded as asked is the one asked.
     * The run after the read is a stand-in that prints what make hands it: the script's own run through make is
     * CourseLessonTest's and JBangArgsTest's.
     */
    @Test
    void makeRunAsksTheServerItsFlagsNameAndWarnsOnce() throws Exception {
        Path own = Sandbox.labStateOfItsOwn(dir.resolve("state"));
        try (NatsServer theirs = NatsServer.startWithJetStream(); NatsServer empty = NatsServer.startWithJetStream()) {
            theirs.resetToLabStream();
            empty.resetToLabStream();
            try (io.nats.client.Connection nc = theirs.connect()) {
                nc.jetStreamManagement().addStream(io.nats.client.api.StreamConfiguration.builder().name("ORDERS")
                        .subjects("orders.>").build());
            }
            Run.Result quiet = make("run").args("BIN=js-info", "ARGS=-s " + empty.url(), PRINT_ARGS)
                    .env("NATS_URL", theirs.url()).env("LAB_STATE_DIR", own.toString()).go();
            assertEquals(0, quiet.exit(), quiet.toString());
            assertEquals(List.of("-s", empty.url()), tail(JBangArgsTest.wordsPrinted(quiet), 2), quiet.toString());
            assertFalse(quiet.err().contains("WARN"), "the empty server was asked: " + quiet);
            assertEquals(List.of(serverId(empty)), Files.readAllLines(own.resolve("servers-asked")));

            String warning = "lab-server: WARN the server at " + theirs.url() + " was not started by the lab and holds 1 stream(s)"
                    + " of others (ORDERS): the lab's runs would share it; for a server of your own,"
                    + " pick a free port: NATS_URL=nats://127.0.0.1:PORT make run ...\n";
            Run warnedRun = make("run").args("BIN=js-info", "ARGS=--server=" + theirs.url(), PRINT_ARGS)
                    .env("NATS_URL", empty.url()).env("LAB_STATE_DIR", own.toString());
            Run.Result warned = warnedRun.go();
            assertEquals(0, warned.exit(), warned.toString());
            assertTrue(warned.err().replaceFirst("127\\.0\\.0\\.1:\\d+ make", "127.0.0.1:PORT make").startsWith(warning),
                    warned.toString());
            assertEquals(List.of("--server=" + theirs.url()), tail(JBangArgsTest.wordsPrinted(warned), 1), warned.toString());
            assertEquals(List.of(serverId(empty), serverId(theirs)), Files.readAllLines(own.resolve("servers-asked")));

            Run.Result again = warnedRun.go();
            assertEquals(0, again.exit(), again.toString());
            assertFalse(again.err().contains("WARN"), "said once: " + again);
            assertEquals(List.of("--server=" + theirs.url()), tail(JBangArgsTest.wordsPrinted(again), 1), again.toString());

            // the usual way to name it, NATS_URL alone, once the lab state has forgotten the servers it asked
            Files.delete(own.resolve("servers-asked"));
            Run.Result byEnvironment = make("run").args("BIN=js-info", PRINT_ARGS).env("NATS_URL", theirs.url())
                    .env("LAB_STATE_DIR", own.toString()).go();
            assertEquals(0, byEnvironment.exit(), byEnvironment.toString());
            assertTrue(byEnvironment.err().replaceFirst("127\\.0\\.0\\.1:\\d+ make", "127.0.0.1:PORT make").startsWith(warning),
                    byEnvironment.toString());
        }
    }

    /** The port bound here while it is free; null when someone else holds it already. */
    private static ServerSocket holding(int port) {
        try {
            return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (java.io.IOException taken) {
            return null;
        }
    }

    /** A server as bin/lab-server records it among the servers asked: the server_id field of its INFO. */
    private static String serverId(NatsServer server) throws Exception {
        try (io.nats.client.Connection nc = server.connect()) {
            return "\"server_id\":\"" + nc.getServerInfo().getServerId() + "\"";
        }
    }

    /**
     * make run keeps the settings it read (a repeat starts one JVM, not two) only while nothing they come
     * from changed: another message reuses them; an edited lab config or another environment is read again.
     * The run after the read is a stand-in that prints what make hands it: the read is bin/lab-server's, and
     * the script's own run through make is CourseLessonTest's and JBangArgsTest's.
     */
    @Test
    void makeRunReadsItsSettingsAgainWhenTheirSourcesChange() throws Exception {
        Path cache = Sandbox.labStateOfItsOwn(dir.resolve("state"));
        try (NatsServer ours = NatsServer.startWithJetStream()) {
            ours.resetToLabStream();
            Path config = Files.writeString(dir.resolve("lab.toml"), "[runtime]\nmode = \"local\"\n");
            String remote = "lab-server: [runtime] mode = \"remote\": using the server at %s; nothing is started here\n";
            java.util.function.BiFunction<String, String, Run> run = (message, url) -> makeRunPub(cache, config, url, message, PRINT_ARGS);

            Run.Result first = run.apply("one", ours.url()).go();
            assertEquals(List.of("js-pub", "--", "one"), aliasAndMessage(first), first.toString());
            assertEquals("", first.err());
            List<Path> kept = settingsKept(cache);
            assertEquals(1, kept.size(), kept.toString());
            Run.Result second = run.apply("two", ours.url()).go();
            assertEquals(List.of("js-pub", "--", "two"), aliasAndMessage(second), second.toString());
            assertEquals("", second.err());
            assertEquals(kept, settingsKept(cache), "another message is no other setting");

            Files.writeString(config, "[runtime]\nmode = \"remote\"\n");
            Run.Result edited = run.apply("three", ours.url()).go();
            assertEquals(List.of("js-pub", "--", "three"), aliasAndMessage(edited), edited.toString());
            assertEquals(String.format(remote, ours.url()), edited.err(), "the edited config was read again");
            String sameServer = ours.url().replace("127.0.0.1", "localhost");
            Run.Result otherEnv = run.apply("four", sameServer).go();
            assertEquals(List.of("js-pub", "--", "four"), aliasAndMessage(otherEnv), otherEnv.toString());
            assertEquals(String.format(remote, sameServer), otherEnv.err(), "the new NATS_URL was read");
            Files.writeString(config, "[runtime]\nmode = \"local\"\n");
            Run.Result asAtFirst = run.apply("five", ours.url()).go();
            assertEquals(List.of("js-pub", "--", "five"), aliasAndMessage(asAtFirst), asAtFirst.toString());
            assertEquals("", asAtFirst.err(), "the config as it was at first");
        }
    }

    /**
     * The read is named by the arguments that can change a setting: another --count, --sync or message finds
     * the read of the first run (the same file, not read again), while another --server, --user or --config,
     * and a word the script's list of lesson flags does not name, is read again. make run's runs after the
     * read are a stand-in that prints what make hands it, as in makeRunReadsItsSettingsAgainWhenTheirSourcesChange.
     */
    @Test
    void makeRunReadsItsSettingsAgainOnlyForFlagsThatBearSettings() throws Exception {
        Path cache = Sandbox.labStateOfItsOwn(dir.resolve("state"));
        try (NatsServer ours = NatsServer.startWithJetStream()) {
            ours.resetToLabStream();
            Path config = Run.REPO.resolve("labs/lab4_jetstream_basics/config.toml");
            java.util.function.BiFunction<String, String, Run> run = (message, args) -> makeRunPub(cache, config, ours.url(), message,
                    "ARGS=" + args, PRINT_ARGS);

            Run.Result a = run.apply("a{{Count}}", "--count 2").go();
            assertEquals("", a.err());
            assertEquals(List.of("--count", "2", "--", "a{{Count}}"), tail(JBangArgsTest.wordsPrinted(a), 4), a.toString());
            List<Path> kept = settingsKept(cache);
            assertEquals(1, kept.size(), kept.toString());
            Object first = Files.readAttributes(kept.get(0), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            Run.Result b = run.apply("b{{Count}}", "--count=3 --sync").go();
            assertEquals("", b.err());
            assertEquals(List.of("--count=3", "--sync", "--", "b{{Count}}"), tail(JBangArgsTest.wordsPrinted(b), 4), b.toString());
            assertEquals(kept, settingsKept(cache), "other lesson flags bear no setting");
            assertEquals(first, Files.readAttributes(kept.get(0), java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                    "the first read, not read again");

            String sameServer = ours.url().replace("127.0.0.1", "localhost");
            Run.Result c = run.apply("c{{Count}}", "--count 2 --server " + sameServer).go();
            assertEquals("", c.err());
            assertEquals(List.of("--server", sameServer, "--", "c{{Count}}"), tail(JBangArgsTest.wordsPrinted(c), 4), c.toString());
            assertEquals(2, settingsKept(cache).size(), "another --server is read");
            java.util.function.Function<String[], Run> status = args -> lab("status", "js-pub").args(args)
                    .env("LAB_STATE_DIR", cache.toString()).env("NATS_URL", ours.url());
            Path other = Files.writeString(dir.resolve("other.toml"), "[nats]\nsubject = \"lab4.stream\"\n");
            WithServer.ok(status.apply(new String[] {"--count", "2", "--config", other.toString()}).go());
            assertEquals(3, settingsKept(cache).size(), "another --config is read");
            WithServer.ok(status.apply(new String[] {"--count", "2", "--user", "bob"}).env("NATS_PASSWORD", PASSWORD).go());
            assertEquals(4, settingsKept(cache).size(), "another --user and NATS_PASSWORD are read");
            Run.Result user = WithServer.ok(status.apply(new String[] {"--count", "2", "--user", "alice"}).env("NATS_PASSWORD", PASSWORD).go());
            assertEquals(5, settingsKept(cache).size(), "another --user is read: " + user);
            WithServer.ok(status.apply(new String[] {"--count", "4", "-j", "--user", "alice"}).env("NATS_PASSWORD", PASSWORD).go());
            assertEquals(5, settingsKept(cache).size(), "the same --user with another --count is not");
            WithServer.ok(status.apply(new String[] {"--count", "2", "--user", "alice", "a-message"}).env("NATS_PASSWORD", PASSWORD).go());
            assertEquals(6, settingsKept(cache).size(), "a word the script does not list as a lesson flag's is read");
        }
    }

    /** make's RUN for a run that only shows what make hands it: tests/jbang/print-args prints each word. */
    private static final String PRINT_ARGS = "RUN=tests/jbang/print-args";

    /** The first and the last two words print-args got: the alias, then the `--` and the message after it. */
    private static List<String> aliasAndMessage(Run.Result printed) {
        List<String> words = JBangArgsTest.wordsPrinted(printed);
        return List.of(words.get(0), words.get(words.size() - 2), words.get(words.size() - 1));
    }

    private static List<String> tail(List<String> words, int n) {
        return words.subList(Math.max(0, words.size() - n), words.size());
    }

    /** `make run BIN=js-pub` with this message and lab config, its own lab state, NATS_URL=url and more make variables. */
    private static Run makeRunPub(Path stateDir, Path config, String url, String message, String... variables) {
        return Run.command("make", "-s", "--no-print-directory", "run", "BIN=js-pub", "MSG=" + message, "LAB_CONFIG=" + config)
                .args(variables).env("LAB_STATE_DIR", stateDir.toString()).env("NATS_URL", url);
    }

    private static List<Path> settingsKept(Path stateDir) throws IOException {
        try (var files = Files.list(stateDir.resolve("run"))) {
            return files.filter(f -> f.getFileName().toString().matches("settings-[0-9a-f]{32}")).sorted().toList();
        }
    }

    private static Run make(String target) {
        return Run.command("make", "-s", "--no-print-directory", target).env("LAB_STATE_DIR", state.toString());
    }

    interface WhileRunning {
        void check() throws Exception;
    }

    private static void startAndStop(String url, Run start, Run stop) throws Exception {
        startAndStop(url, start, stop, () -> { });
    }

    private static void startAndStop(String url, Run start, Run stop, WhileRunning check) throws Exception {
        try {
            Run.Result started = start.go();
            assertEquals(0, started.exit(), started.toString());
            assertTrue(started.out().startsWith("lab-server: started nats-server with JetStream at " + url + " "),
                    started.toString());
            check.check();
        } finally {
            Run.Result stopped = stop.go();
            assertTrue(stopped.out().startsWith("lab-server: stopped the lab's nats-server on port "), stopped.toString());
        }
    }

    /**
     * A server's INFO is JSON, where a blank may follow the colon (`"jetstream": true`): make server and bin/lab-server
     * ensure and status take it for the JetStream server it is, not one with JetStream off.
     */
    @Test
    void aJetStreamServerWhoseInfoHasABlankAfterTheColonIsUsed() throws Exception {
        try (FakeNatsServer spaced = new FakeNatsServer("spaced", "2.9.10", subject -> "{\"error\":{\"code\":503,"
                + "\"err_code\":10039,\"description\":\"not here\"}}").infoAs(info -> info.replace("\"jetstream\":true", "\"jetstream\": true"))) {
            Run.Result server = make("server").env("NATS_URL", spaced.url()).go();
            assertEquals(0, server.exit(), server.toString());
            assertEquals("lab-server: a NATS server with JetStream already answers at " + spaced.url() + "; using it\n", server.out());
            Run.Result ensure = lab("ensure", "js-info").env("NATS_URL", spaced.url()).go();
            assertEquals(0, ensure.exit(), ensure.toString());
            assertEquals("", ensure.out() + ensure.err());
            Run.Result status = lab("status").env("NATS_URL", spaced.url()).go();
            assertEquals("lab-server: a NATS server with JetStream answers at " + spaced.url() + "\n", status.out(), status.toString());
        }
    }

    /**
     * A port held by something that is not a NATS server (a web server, say) is one line at once, with a free
     * port to use instead: when it takes connections, before any server is started; when it only holds the
     * port (so nothing answers there), as soon as the nats-server started there ends.
     */
    @Test
    void aPortHeldByNoNatsServerIsOneLineAtOnce() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket listens = new ServerSocket(0, 50, loopback); Socket bound = new Socket()) {
            bound.bind(new InetSocketAddress(loopback, 0));
            for (int port : new int[] {listens.getLocalPort(), bound.getLocalPort()}) {
                Run.Result started = lab("start").env("NATS_URL", "nats://127.0.0.1:" + port).go();
                assertEquals(1, started.exit(), started.toString());
                assertEquals("", started.out(), started.toString());
                assertTrue(started.err().matches("lab-server: port " + port + " is taken by something that is not a NATS"
                        + " server the lab can use \\([^\n]*\\); for a server of your own, pick a free port:"
                        + " NATS_URL=nats://127\\.0\\.0\\.1:4[34][0-9][0-9] make demo\n"), started.toString());
                assertFalse(Files.exists(state.resolve("nats-" + port + "/started-by")), "a started server is left recorded");
            }
        }
    }

    private static Run lab(String... args) {
        return Run.command(LAB_SERVER).args(args).env("LAB_STATE_DIR", state.toString());
    }
}
