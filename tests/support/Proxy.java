// A TCP relay between a script and a nats-server, for tests that must act at an exact point of a
// connection instead of guessing with sleeps: before the client meets the server (to change what
// it will log in with), or while PubAcks are on their way back (to hold them, or to let them come late).

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

final class Proxy implements AutoCloseable {
    interface Step {
        void run() throws Exception;
    }

    private final ServerSocket listener;
    private final int serverPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private volatile Step beforeConnecting = () -> { };
    private volatile byte[] holdTrigger;
    private volatile int holdAfter;
    private volatile byte[] releaseTrigger;
    /** Opened once the server has sent the text holdOnceServerSent names. */
    private final CountDownLatch serverSaid = new CountDownLatch(1);
    private volatile byte[] serverText;
    private volatile boolean clientCountReached;
    private volatile long firstRequestDelayMillis;
    private volatile long clientBytesPerSecond;
    private volatile long serverLatencyMillis;
    private volatile Exception problem;

    private Proxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        start(this::accept);
    }

    static Proxy to(NatsServer server) throws IOException {
        return new Proxy(server.port);
    }

    static Proxy toPort(int serverPort) throws IOException {
        return new Proxy(serverPort);
    }

    String url() {
        return "nats://127.0.0.1:" + listener.getLocalPort();
    }

    /** Runs once a client has connected to the proxy, before the proxy connects it on to the server. */
    Proxy beforeConnecting(Step step) {
        this.beforeConnecting = step;
        return this;
    }

    /**
     * Once the client has sent `text` `times` times, nothing more from the server reaches it until
     * release(): the server still gets and stores everything, but its replies wait here.
     */
    Proxy holdRepliesAfter(String text, int times) {
        this.holdTrigger = text.getBytes(StandardCharsets.US_ASCII);
        this.holdAfter = times;
        return this;
    }

    /**
     * With holdRepliesAfter: the hold begins only once the server has also sent `text` to the client
     * (that chunk goes through): an answer the client asked for aside, while it publishes, is not held
     * by a race between the two.
     */
    Proxy holdOnceServerSent(String text) {
        this.serverText = text.getBytes(StandardCharsets.US_ASCII);
        return this;
    }

    /**
     * With holdRepliesAfter: the held replies go on once the client sends `text` (before that reaches the
     * server): a reply the client gave up on comes late, after what it asks next.
     */
    Proxy releaseWhenClientSends(String text) {
        this.releaseTrigger = text.getBytes(StandardCharsets.US_ASCII);
        return this;
    }

    /** The client's first bytes (its CONNECT) reach the server this much later: a client slow to log in. */
    Proxy delayFirstRequest(long millis) {
        this.firstRequestDelayMillis = millis;
        return this;
    }

    /** The client's bytes reach the server at this rate at most: a slow link, where PubAcks come slowly but steadily. */
    Proxy throttle(long bytesPerSecond) {
        this.clientBytesPerSecond = bytesPerSecond;
        return this;
    }

    /**
     * Every byte from the server reaches the client this much later (order kept, nothing compounds):
     * a far-away server, whose messages for a pull request are still on their way when the request
     * has ended on the client's clock.
     */
    Proxy latency(long millis) {
        this.serverLatencyMillis = millis;
        return this;
    }

    /** Waits until the hold set up by holdRepliesAfter began. */
    void awaitHolding(long seconds) throws InterruptedException {
        if (!holding.await(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("the client never sent what the proxy waits for");
        }
    }

    /**
     * Closes every connection so far, and the held replies go with them: to the client, as if its
     * server had gone away. New connections are still relayed.
     */
    void cut() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        released.countDown(); // after the close: a held reply has nowhere to go
    }

    /** Lets the held replies through, and everything after them. */
    void release() {
        released.countDown();
    }

    private void accept() throws Exception {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(client);
            start(() -> connect(client));
        }
    }

    private void connect(Socket client) throws Exception {
        try {
            beforeConnecting.run();
        } catch (Exception e) {
            problem = e;
            client.close();
            return;
        }
        Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        sockets.add(server);
        start(() -> relay(client, server, true));
        start(() -> {
            if (serverLatencyMillis > 0) {
                delayed(server, client);
            } else {
                relay(server, client, false);
            }
        });
    }

    /** Copies one direction of a connection until either side goes away, then closes both. */
    private void relay(Socket from, Socket to, boolean fromClient) throws Exception {
        byte[] trigger = holdTrigger;
        int seen = 0;
        int matched = 0; // bytes of the trigger matched so far, across reads
        int releaseMatched = 0;
        int serverMatched = 0;
        byte[] buffer = new byte[65536];
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            long relayed = 0;
            long startedAt = System.nanoTime();
            for (int n, reads = 0; (n = in.read(buffer, 0, fromClient && clientBytesPerSecond > 0 ? 8192 : buffer.length))
                    >= 0; reads++) {
                relayed += n;
                long rate = fromClient ? clientBytesPerSecond : 0;
                long due = rate == 0 ? 0 : startedAt + relayed * 1_000_000_000L / rate - System.nanoTime();
                if (due > 0) {
                    Thread.sleep(due / 1_000_000, (int) (due % 1_000_000));
                }
                if (fromClient && reads == 0) {
                    Thread.sleep(firstRequestDelayMillis);
                }
                for (int i = 0; fromClient && trigger != null && i < n && seen < holdAfter; i++) {
                    matched = matchedAfter(trigger, matched, buffer[i]);
                    if (matched == trigger.length) {
                        matched = 0;
                        if (++seen == holdAfter) {
                            clientCountReached = true;
                            if (serverText == null || serverSaid.getCount() == 0) {
                                holding.countDown(); // before these bytes go on: no reply to them can slip through
                            }
                        }
                    }
                }
                byte[] release = releaseTrigger;
                boolean held = holding.getCount() == 0;
                for (int i = 0; fromClient && held && release != null && i < n && released.getCount() > 0; i++) {
                    releaseMatched = matchedAfter(release, releaseMatched, buffer[i]);
                    if (releaseMatched == release.length) {
                        released.countDown();
                    }
                }
                if (!fromClient && holding.getCount() == 0) {
                    released.await();
                }
                out.write(buffer, 0, n);
                out.flush();
                byte[] said = serverText;
                for (int i = 0; !fromClient && said != null && i < n && serverSaid.getCount() > 0; i++) {
                    serverMatched = matchedAfter(said, serverMatched, buffer[i]);
                    if (serverMatched == said.length) {
                        serverSaid.countDown();
                        if (clientCountReached) {
                            holding.countDown(); // the client's count came first: what the server sends next is held
                        }
                    }
                }
            }
        }
    }

    /** How many bytes of `text` are matched once `next` follows the `matched` before it (a match goes on across reads). */
    private static int matchedAfter(byte[] text, int matched, byte next) {
        return next == text[matched] ? matched + 1 : next == text[0] ? 1 : 0;
    }

    /** Server to client, each read passed on serverLatencyMillis after it arrived. */
    private void delayed(Socket from, Socket to) throws Exception {
        java.util.concurrent.BlockingQueue<Object[]> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        start(() -> {
            try (to) {
                OutputStream out = to.getOutputStream();
                for (Object[] item = queue.take(); item.length > 0; item = queue.take()) {
                    long due = (long) item[0] + serverLatencyMillis * 1_000_000 - System.nanoTime();
                    if (due > 0) {
                        Thread.sleep(due / 1_000_000, (int) (due % 1_000_000));
                    }
                    out.write((byte[]) item[1]);
                    out.flush();
                }
            }
        });
        byte[] buffer = new byte[65536];
        try (from) {
            InputStream in = from.getInputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                queue.add(new Object[] {System.nanoTime(), java.util.Arrays.copyOf(buffer, n)});
            }
        } finally {
            queue.add(new Object[0]);
        }
    }

    private void start(Step step) {
        Thread thread = new Thread(() -> {
            try {
                step.run();
            } catch (Exception e) {
                // a side went away: that connection is over
            }
        }, "proxy");
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    @Override
    public void close() throws Exception {
        released.countDown();
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        if (problem != null) {
            throw new AssertionError("the proxy's step before connecting failed", problem);
        }
    }
}
