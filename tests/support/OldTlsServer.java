// A server that offers only TLS 1.1 (as an old or misconfigured one would): it greets like a NATS
// server that requires TLS, then takes the handshake with TLS 1.1 alone. It runs in a JVM of its
// own (start()), whose security settings allow TLS 1.1 again; the test JVM keeps the JDK's defaults.

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

final class OldTlsServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private OldTlsServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts one on a free loopback port, showing the certificate in this keystore (Secured.keystore). */
    static OldTlsServer start(Path keystore) throws Exception {
        Path security = Files.createTempFile("old-tls-", ".security");
        Files.writeString(security, "jdk.tls.disabledAlgorithms=SSLv3, RC4, NULL\n");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + security, "-cp", System.getProperty("java.class.path"),
                OldTlsServer.class.getName(), keystore.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            byte[] line = process.getInputStream().readNBytes(6); // its port, as 5 digits and a newline
            return new OldTlsServer(process, Integer.parseInt(new String(line, StandardCharsets.US_ASCII).trim()));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the TLS 1.1 server did not start", e);
        } finally {
            Files.deleteIfExists(security);
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The server's own JVM: listens, prints its port, and serves until killed. */
    public static void main(String... args) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(args[0])) {
            keys.load(in, "lab".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "lab".toCharArray());
        SSLContext context = SSLContext.getInstance("TLSv1.1");
        context.init(factory.getKeyManagers(), null, null);
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            System.out.printf(java.util.Locale.ROOT, "%05d%n", listener.getLocalPort());
            System.out.flush();
            while (true) {
                Socket plain = listener.accept();
                Thread serving = new Thread(() -> greet(context, plain));
                serving.setDaemon(true);
                serving.start();
            }
        }
    }

    private static void greet(SSLContext context, Socket plain) {
        try (plain) {
            plain.getOutputStream().write(("INFO {\"server_id\":\"NOLDTLS\",\"version\":\"2.9.10\",\"proto\":1,"
                    + "\"tls_required\":true,\"max_payload\":1048576}\r\n").getBytes(StandardCharsets.UTF_8));
            plain.getOutputStream().flush();
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), false);
            tls.setUseClientMode(false);
            tls.setEnabledProtocols(List.of("TLSv1.1").toArray(new String[0]));
            tls.startHandshake();
            tls.getInputStream().read();
        } catch (Exception handshakeFailed) {
            // the client would not take TLS 1.1: what it reports is the test's subject
        }
    }
}
