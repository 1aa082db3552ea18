// A real nats-server for one test class: free port, temp store, JetStream on.

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
    final int port;
    final Path storeDir;
    private final boolean jetStream;
    private final Path log;
    private Path configFile;
    private Process process;

    private NatsServer(boolean jetStream) throws IOException {
        this.port = freePort();
        this.jetStream = jetStream;
        this.storeDir = Files.createTempDirectory("nats-store-");
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

    /** Deletes every stream, so each test starts from an empty server. */
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

    /** A jnats connection for checking what the scripts did, straight from the server. */
    Connection connect() throws Exception {
        return Nats.connect(new io.nats.client.Options.Builder().server(url()).build());
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
        command.addAll(List.of("-a", "127.0.0.1", "-p", String.valueOf(port)));
        if (jetStream) {
            command.addAll(List.of("-js", "-sd", storeDir.toString()));
        }
        Run.countServer();
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server exited: " + Files.readString(log));
            }
            if (answers()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("nats-server did not answer on port " + port + ": " + Files.readString(log));
    }

    private boolean answers() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            InputStream in = socket.getInputStream();
            byte[] start = in.readNBytes(4);
            return new String(start, StandardCharsets.US_ASCII).equals("INFO");
        } catch (IOException e) {
            return false;
        }
    }

    static String binary() {
        for (String candidate : List.of("/usr/sbin/nats-server", "/usr/local/bin/nats-server", "/usr/bin/nats-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "nats-server"; // from PATH
    }

    /** A port nothing listens on right now. */
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
        Files.deleteIfExists(log);
        if (configFile != null) {
            Files.deleteIfExists(configFile);
        }
    }
}
