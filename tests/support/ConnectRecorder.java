// A fake NATS server of the test's own: it greets every client with an INFO line that asks for a
// login, keeps the CONNECT line the client answers with (where a client sends its password, token
// or JWT), refuses it, and hangs up. What a script would hand to a server someone else chose.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

final class ConnectRecorder implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<String> connects = new CopyOnWriteArrayList<>();
    private volatile int accepted;
    private volatile List<String> peers = List.of(); // host:port of each, in the INFO's connect_urls

    private ConnectRecorder() throws Exception {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::serve, "connect-recorder");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static ConnectRecorder start() throws Exception {
        return new ConnectRecorder();
    }

    /** From now on its INFO names these as its cluster's other servers (connect_urls), as a cluster node's does. */
    void peers(ConnectRecorder... others) {
        peers = java.util.Arrays.stream(others).map(other -> "\"127.0.0.1:" + other.socket.getLocalPort() + "\"").toList();
    }

    String url() {
        return "nats://127.0.0.1:" + socket.getLocalPort();
    }

    /** The CONNECT lines received so far, one per client that got that far. */
    List<String> connects() {
        return List.copyOf(connects);
    }

    /** How many clients connected at all. */
    int accepted() {
        return accepted;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                accepted++;
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                out.write(("INFO {\"server_id\":\"FAKE\",\"server_name\":\"recorder\",\"version\":\"2.9.10\",\"proto\":1,"
                        + "\"host\":\"127.0.0.1\",\"port\":" + socket.getLocalPort() + ",\"headers\":true,"
                        + "\"auth_required\":true,\"max_payload\":1048576,\"jetstream\":true"
                        + (peers.isEmpty() ? "" : ",\"connect_urls\":[" + String.join(",", peers) + "]") + "}\r\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                String line = in.readLine();
                if (line != null && line.startsWith("CONNECT")) {
                    connects.add(line);
                }
                out.write("-ERR 'Authorization Violation'\r\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (Exception closedOrGone) {
                // the next client, or the end
            }
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        acceptor.join(5_000);
    }
}
