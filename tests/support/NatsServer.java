// A real nats-server for one test class: temp store, JetStream on, on a port the server picked
// itself (and reported in its ports file), under a name of this run's own. Every connection the
// tests make checks that name, so a test never talks to, or empties, a server it did not start.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

public final class NatsServer implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger STARTED = new java.util.concurrent.atomic.AtomicInteger();

    /** The client port: chosen by the server at the first start, kept across restart(). */
    int port;
    /** The server's name, unique to this run (the store dir's name): what INFO must say for a server to be ours. */
    final String name;
    final Path storeDir;
    private final boolean jetStream;
    private final Path log;
    private Path configFile;
    private Process process;

    private NatsServer(boolean jetStream) throws IOException {
        this.jetStream = jetStream;
        this.storeDir = Files.createTempDirectory("nats-store-");
        this.name = "lab-test-" + ProcessHandle.current().pid() + "-" + STARTED.incrementAndGet();
        this.log = storeDir.resolveSibling(storeDir.getFileName() + ".log");
    }

    /** What the server logged so far (its reasons for refusing a client, say). */
    String log() throws IOException {
        return Files.readString(log);
    }

    static NatsServer startWithJetStream() throws Exception {
        return start(true);
    }

    static NatsServer startWithoutJetStream() throws Exception {
        return start(false);
    }

    /** JetStream on, plus a server config (users, TLS, operator): the text may use {{store}} for the store dir. */
    static NatsServer startWithConfig(String config) throws Exception {
        NatsServer server = new NatsServer(true);
        try {
            server.configFile = Files.createTempFile("nats-server-", ".conf");
            Files.writeString(server.configFile, config.replace("{{store}}", server.storeDir.toString()));
            server.launch();
        } catch (Exception e) {
            server.close(); // no store, log or process left when it did not come up
            throw e;
        }
        return server;
    }

    private static NatsServer start(boolean jetStream) throws Exception {
        NatsServer server = new NatsServer(jetStream);
        try {
            server.launch();
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Deletes every stream, so each test starts from an empty server (this class's own: connect() checks). */
    void reset() throws Exception {
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            for (String stream : jsm.getStreamNames()) {
                jsm.deleteStream(stream);
            }
        }
    }

    /** Empties the server, then sets up what js-bootstrap makes, straight through jnats: quicker than the script. */
    void resetToLabStream() throws Exception {
        reset();
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("LAB4_STREAM").subjects("lab4.stream")
                    .storageType(StorageType.File).build());
            jsm.addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder().durable("LAB4_CONSUMER")
                    .ackPolicy(AckPolicy.Explicit).build());
        }
    }

    /** The lab's durable consumer as the server sees it. */
    ConsumerInfo labConsumer() throws Exception {
        try (Connection nc = connect()) {
            return nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER");
        }
    }

    /** A jnats connection for checking what the scripts did, straight from the server; fails when another server answers. */
    Connection connect() throws Exception {
        Connection nc = Nats.connect(new io.nats.client.Options.Builder().server(url()).build());
        String answered = nc.getServerInfo().getServerName();
        if (!name.equals(answered)) {
            nc.close();
            throw new IllegalStateException("port " + port + " is answered by server " + answered + ", not this test's " + name);
        }
        return nc;
    }

    /** SIGKILL, as a crash or the OOM killer would: the store stays as it was on disk. */
    void kill9() throws Exception {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Starts again on the same port and store, as after a crash or a reboot. */
    void restart() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
        launch();
    }

    private void launch() throws Exception {
        List<String> command = new ArrayList<>(List.of(binary()));
        if (configFile != null) {
            command.addAll(List.of("-c", configFile.toString()));
        }
        // the first start lets the server pick a free port and report it; a restart takes the same one again
        Path portsDir = storeDir.resolveSibling(storeDir.getFileName() + ".ports");
        command.addAll(List.of("-a", "127.0.0.1", "-n", name, "-p", port == 0 ? "-1" : String.valueOf(port)));
        if (port == 0) {
            Files.createDirectories(portsDir);
            command.addAll(List.of("--ports_file_dir", portsDir.toString()));
        }
        if (jetStream) {
            command.addAll(List.of("-js", "-sd", storeDir.toString()));
        }
        Run.countServer();
        // its working directory is its store: what nats-server writes to a relative path (raft's meta.inf,
        // meta.sum) stays out of whatever folder started it, the repository under make bench
        process = new ProcessBuilder(command).directory(storeDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nats-server exited: " + Files.readString(log));
                }
                if (port == 0) {
                    port = reportedPort(portsDir.resolve("nats-server_" + process.pid() + ".ports"));
                }
                if (port != 0 && answersAs(port, name)) {
                    return;
                }
                Thread.sleep(20);
            }
        } finally {
            Run.deleteTree(portsDir);
        }
        throw new IllegalStateException("nats-server " + name + " did not answer on port " + port + ": " + Files.readString(log));
    }

    /** The client port from a ports file ({"nats":["nats://127.0.0.1:PORT"]}); 0 while it is not written yet. */
    static int reportedPort(Path portsFile) throws IOException {
        if (!Files.exists(portsFile)) {
            return 0;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"nats\":\\[\"[a-z]+://[^\"]*:(\\d+)\"").matcher(Files.readString(portsFile));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** Whether the server on this port says INFO with this server_name (INFO comes in clear, also before TLS). */
    static boolean answersAs(int port, String name) {
        return answersWith(port, "\"server_name\":\"" + name + "\"");
    }

    /** The server ID a nats-server wrote at its start into its log, from this offset on (a restart appends); null before. */
    static String loggedId(Path log, long from) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        String text = new String(bytes, (int) Math.min(from, bytes.length), bytes.length - (int) Math.min(from, bytes.length), StandardCharsets.UTF_8);
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\[INF\\] +ID: +(N[A-Z0-9]+)").matcher(text);
        return id.find() ? id.group(1) : null;
    }

    /** Whether the server on this port says INFO holding this text. */
    static boolean answersWith(int port, String text) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            StringBuilder info = new StringBuilder();
            for (int c; info.length() < 8192 && (c = in.read()) >= 0 && c != '\n'; ) {
                info.append((char) c);
            }
            return info.toString().startsWith("INFO") && info.toString().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The nats-server the lab's launchers start (bin/lab-common.sh's find_binary: the one on PATH first,
     * then apt's), so that every server of a run is the same program.
     */
    static String binary() {
        List<String> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (dir.startsWith("/")) { // as `command -v` finds it from any working folder
                candidates.add(dir + "/nats-server");
            }
        }
        candidates.addAll(List.of("/usr/sbin/nats-server", "/usr/local/bin/nats-server"));
        for (String candidate : candidates) {
            if (Files.isRegularFile(Path.of(candidate)) && Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "nats-server";
    }

    private static final List<Socket> HELD = new ArrayList<>();

    /**
     * A port where nothing listens and nothing can start listening while this JVM runs: a socket
     * of ours is bound to it without listening, so a connection there is refused. For tests that
     * need "no server answers" (a port that was merely free could get someone's server meanwhile).
     */
    static synchronized int deadPort() throws IOException {
        Socket socket = new Socket();
        socket.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        HELD.add(socket);
        return socket.getLocalPort();
    }

    /**
     * A free port outside the kernel's ephemeral range (ip_local_port_range): no outgoing connection and no
     * server started on port 0 is ever given it, so a cluster node killed and started again finds its ports
     * still free (one that picked its own port from that range lost it once to another test's connection).
     */
    static int steadyPort() throws IOException {
        int low = 32768;
        int high = 60999;
        try {
            // in one read: a sysctl file answers only a read from its start (Files.readString reads its first byte alone, and got "3")
            String[] range;
            try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
            }
            int first = Integer.parseInt(range[0]);
            high = Integer.parseInt(range[1]);
            low = first;
        } catch (IOException | RuntimeException noProc) {
            // the usual Linux range
        }
        int from = low > 12_000 ? 10_000 : high + 1;
        int to = low > 12_000 ? low - 1 : 65_535;
        if (to - from < 1_000) {
            throw new IOException("the kernel's ephemeral ports (" + low + "-" + high + ") leave no range for a cluster "
                    + "node's steady ports: narrow net.ipv4.ip_local_port_range");
        }
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = from + random.nextInt(to - from + 1);
            if (!STEADY.add(port)) {
                continue; // given to another node of this JVM already
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port from " + from + " to " + to);
    }

    /** The steady ports handed out in this JVM: each once. */
    private static final java.util.Set<Integer> STEADY = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A port nothing listens on right now: for a server the test starts itself and then checks is its own. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        Run.deleteTree(storeDir);
        Run.deleteTree(storeDir.resolveSibling(storeDir.getFileName() + ".ports"));
        Files.deleteIfExists(log);
        if (configFile != null) {
            Files.deleteIfExists(configFile);
        }
    }
}
