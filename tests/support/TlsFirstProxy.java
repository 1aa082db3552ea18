// A TLS-first front for a real nats-server: it takes the TLS handshake before any byte of NATS
// (as a server with handshake_first does; nats-server 2.9.10 cannot), with a certificate the test
// picks, then relays the plain NATS protocol to the server behind it.

import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

final class TlsFirstProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final Thread acceptor;

    private TlsFirstProxy(Path keystore, int target) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            keys.load(in, "lab".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "lab".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        this.listener = context.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.target = target;
        this.acceptor = new Thread(this::serve, "tls-first-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** In front of the server on this port, showing the certificate in this keystore (Secured.keystore). */
    static TlsFirstProxy to(NatsServer server, Path keystore) throws Exception {
        return new TlsFirstProxy(keystore, server.port);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void serve() {
        while (!listener.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) listener.accept();
                Thread relay = new Thread(() -> relay(client), "tls-first-relay");
                relay.setDaemon(true);
                relay.start();
            } catch (Exception closed) {
                return;
            }
        }
    }

    private void relay(SSLSocket client) {
        try (client; Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
            client.startHandshake(); // before any byte of NATS: a failed handshake ends it here
            Thread back = new Thread(() -> copy(server, client), "tls-first-back");
            back.setDaemon(true);
            back.start();
            copy(client, server);
            back.join(1_000);
        } catch (Exception handshakeFailedOrGone) {
            // the client's problem to report
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16384];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (Exception closed) {
            // one side hung up
        } finally {
            try {
                to.close();
                from.close();
            } catch (Exception ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        acceptor.join(5_000);
    }
}
