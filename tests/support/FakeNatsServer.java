// A hostile NATS server on loopback that speaks just enough of the protocol for a script to
// connect and send requests: its INFO says what the test wants (a server name with escape codes,
// say), it answers PING, and each request's reply is whatever the test's function returns for
// its subject. It shows what a script prints when a server's words are hostile.

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

final class FakeNatsServer implements AutoCloseable {
    private final ServerSocket listener;
    private volatile String info;
    private final Function<String, String> replies;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile BiFunction<String, String, byte[]> afterSub;

    /**
     * @param serverName the INFO's server_name, @param version its version (both sent as given,
     * JSON-escaped), @param replies the reply body for a request's subject (null: no reply; one that starts
     * with NATS/1.0 is headers, then after a blank line the body)
     */
    FakeNatsServer(String serverName, String version, Function<String, String> replies) throws IOException {
        this(serverName, version, List.of(), replies);
    }

    /** @param clusterPeers the INFO's connect_urls besides its own: a fake that says it has routes to these */
    FakeNatsServer(String serverName, String version, List<String> clusterPeers, Function<String, String> replies) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        String urls = clusterPeers.isEmpty() ? "" : ",\"connect_urls\":[\"127.0.0.1:" + listener.getLocalPort() + "\""
                + clusterPeers.stream().map(peer -> "," + json(peer)).collect(Collectors.joining()) + "]";
        this.info = "INFO {\"server_id\":\"NFAKE\",\"server_name\":" + json(serverName) + ",\"version\":" + json(version)
                + ",\"proto\":1,\"go\":\"go1.19\",\"host\":\"127.0.0.1\",\"port\":" + listener.getLocalPort()
                + ",\"headers\":true,\"max_payload\":1048576,\"jetstream\":true" + urls + "}\r\n";
        this.replies = replies;
        this.acceptor = new Thread(this::accept, "fake-nats");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * What it sends a client right after each SUB, given the subject and sid (null: nothing): a message
     * that arrives before the answer to the flush that follows a subscribe.
     */
    FakeNatsServer afterSub(BiFunction<String, String, byte[]> send) {
        this.afterSub = send;
        return this;
    }

    String url() {
        return "nats://127.0.0.1:" + listener.getLocalPort();
    }

    /** The INFO the clients that connect from now on get: this edit of it (another spacing of its JSON, say). */
    FakeNatsServer infoAs(java.util.function.UnaryOperator<String> edit) {
        info = edit.apply(info);
        return this;
    }

    /** Whether a client connected to it (jnats picks a server of a list at random). */
    boolean hadClients() {
        return !clients.isEmpty();
    }

    /** Drops every client connection, as a server that died would (the listener stays). */
    void dropClients() {
        clients.forEach(FakeNatsServer::closeQuietly);
        clients.clear();
    }

    /** A JSON string for the text: quotes, backslashes and controls escaped, everything else as is. */
    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                clients.add(client);
                Thread serving = new Thread(() -> serve(client), "fake-nats-client");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        Map<String, String> subscriptions = new ConcurrentHashMap<>(); // sid -> subject
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            out.write(info.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line;
            while ((line = readLine(in)) != null) {
                String[] words = line.split(" ");
                switch (words[0].toUpperCase(java.util.Locale.ROOT)) {
                    case "PING" -> send(out, "PONG\r\n".getBytes(StandardCharsets.UTF_8));
                    case "SUB" -> {
                        subscriptions.put(words[words.length - 1], words[1]);
                        byte[] sent = afterSub == null ? null : afterSub.apply(words[1], words[words.length - 1]);
                        if (sent != null) {
                            send(out, sent);
                        }
                    }
                    case "PUB", "HPUB" -> {
                        int size = Integer.parseInt(words[words.length - 1]);
                        in.readNBytes(size + 2);
                        String reply = words.length >= (words[0].equalsIgnoreCase("PUB") ? 4 : 5) ? words[2] : null;
                        String body = replies.apply(words[1]);
                        if (reply != null && body != null) {
                            answer(out, subscriptions, reply, body);
                        }
                    }
                    default -> {
                        // CONNECT, UNSUB, PONG: nothing to say
                    }
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the client left, or dropClients() closed it
        }
    }

    private static void answer(OutputStream out, Map<String, String> subscriptions, String reply, String body)
            throws IOException {
        for (Map.Entry<String, String> sub : subscriptions.entrySet()) {
            String subject = sub.getValue();
            boolean matches = subject.endsWith(".*") ? reply.startsWith(subject.substring(0, subject.length() - 1))
                    : subject.equals(reply);
            if (matches) {
                byte[] data = body.getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream message = new ByteArrayOutputStream();
                if (body.startsWith("NATS/1.0")) { // headers: a status alone (a server's no-responders reply), or lines and a body
                    int end = body.indexOf("\r\n\r\n");
                    int headers = (end < 0 ? body + "\r\n\r\n" : body.substring(0, end + 4)).getBytes(StandardCharsets.UTF_8).length;
                    data = (end < 0 ? body + "\r\n\r\n" : body).getBytes(StandardCharsets.UTF_8);
                    message.write(("HMSG " + reply + " " + sub.getKey() + " " + headers + " " + data.length + "\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                } else {
                    message.write(("MSG " + reply + " " + sub.getKey() + " " + data.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
                message.write(data);
                message.write("\r\n".getBytes(StandardCharsets.UTF_8));
                send(out, message.toByteArray());
                return;
            }
        }
    }

    private static synchronized void send(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return null;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        dropClients();
        acceptor.interrupt();
    }
}
