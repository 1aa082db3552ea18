// Failover for a server list or a cluster: when the connection drops, jnats reconnects to another
// server (from the list, or one the cluster told it about) and the run goes on. Each reconnect is
// one line on stderr; the waiting is bounded, and a run whose connection never comes back ends
// with the script's own line saying what it did, plus why.
//DEPS io.nats:jnats:2.26.2
//SOURCES Secrets.java Durations.java Output.java

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Options;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

final class Failover implements ConnectionListener {
    /** How long the servers are tried, in turn, before the run gives up. */
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(20);
    /**
     * How long a run connected to a cluster waits for a stream's or consumer's new leader (no PubAck,
     * no message, no answer) before it gives up. One election round takes 4-9 s, and it can take
     * several: a server before 2.10 that refuses its vote to a candidate further behind than itself
     * still waits out a whole new round before it stands itself. Twenty seconds was seen to pass on
     * a healthy cluster.
     */
    static final Duration NO_LEADER_FOR = Duration.ofSeconds(60);
    /** Silence past this while a run waits for a leader looks like a hang: the run says what it waits for, and how long it may. */
    static final Duration SAY_WAITING_AFTER = Duration.ofSeconds(10);
    /**
     * How long a request sent without its own timeout (publishAsync) waits for its answer; jnats checks
     * as often. One sent to a leader that just died gets none at all, and a bulk js-pub sends it again
     * with its Nats-Msg-Id (Republish): a short wait shortens the pause, and a retry that was not needed is
     * dropped by the stream as a duplicate. (jnats' default is 5s, so up to 10s.)
     */
    static final Duration NO_ANSWER_AFTER = Duration.ofSeconds(2);
    /**
     * A server that stops answering but keeps its connection open (a stalled machine, a cut link) closes
     * no socket: only PINGs left unanswered show it. jnats pings when nothing came in for this long, and
     * leaves the server once two PINGs are still unanswered at the next one: within about three of these,
     * well inside GIVE_UP_AFTER (its default, 2 minutes, would outlast the run). A server that answers
     * later than twice this is taken for a stalled one: the run moves on and sends again what had no answer.
     */
    private static final Duration PING_EVERY = Duration.ofSeconds(2);
    /** The pause before trying a server again that was just tried. */
    private static final Duration RETRY_WAIT = Duration.ofMillis(250);

    private final Secrets secrets;
    /** Counts disconnects and connections: a give-up timer only acts if no connection came since it started. */
    private final AtomicLong outages = new AtomicLong();
    private final AtomicReference<String> server = new AtomicReference<>("?");
    private final AtomicReference<String> gaveUp = new AtomicReference<>();
    private volatile long lostAt;
    private final Duration giveUpAfter;

    Failover(Secrets secrets) {
        this(secrets, GIVE_UP_AFTER);
    }

    /** With another bound than GIVE_UP_AFTER: a test's, so that it need not wait 20 s to see what happens past it. */
    Failover(Secrets secrets, Duration giveUpAfter) {
        this.secrets = secrets;
        this.giveUpAfter = giveUpAfter;
    }

    void applyTo(Options.Builder builder) {
        builder.maxReconnects(-1)              // jnats' own count is per server; the bound is GIVE_UP_AFTER
                .reconnectWait(RETRY_WAIT)
                .requestCleanupInterval(NO_ANSWER_AFTER)
                .pingInterval(PING_EVERY)
                .connectionListener(this);
    }

    /**
     * The line a run prints once when `what` (no leader has answered, no PubAck has come...) has lasted
     * SAY_WAITING_AFTER: for how long (whole seconds, since `since`), why that happens on a cluster, and how
     * long the run waits in all.
     */
    static String waitingLine(String what, long since) {
        Duration waited = Duration.ofSeconds(Duration.ofNanos(System.nanoTime() - since).toSeconds());
        return Output.line("WARN " + what + " for " + Durations.format(waited) + ": a new leader is being elected "
                + "(a round of voting takes 4-9 s, and it can take several), or a majority of the servers is down; waiting "
                + "up to " + Durations.format(NO_LEADER_FOR) + " in all", false);
    }

    /** A run's stretches without an answer from a leader, each said once (waitingLine) when it lasts SAY_WAITING_AFTER. */
    static final class Waiting {
        private final String what;
        private long saidFor;

        Waiting(String what) {
            this.what = what;
        }

        /** The stretch that began at `since` (System.nanoTime) goes on: said once, when it has lasted long enough. */
        void goesOn(long since) {
            if (System.nanoTime() - since >= SAY_WAITING_AFTER.toNanos() && saidFor != since) {
                saidFor = since;
                System.err.println(waitingLine(what, since));
            }
        }
    }

    /** Whether this connection was opened with applyTo: it reconnects, where one server's never does. */
    static boolean on(Connection nc) {
        return nc.getOptions().getMaxReconnect() != 0;
    }

    /** Why the run ended without a connection, or null while it has one (or never lost it). */
    String gaveUp() {
        return gaveUp.get();
    }

    @Override
    @SuppressWarnings("deprecation") // jnats' older form, still abstract: it calls the one below
    public void connectionEvent(Connection conn, Events event) {
        connectionEvent(conn, event, System.currentTimeMillis(), conn.getConnectedUrl());
    }

    @Override
    public void connectionEvent(Connection conn, Events event, Long time, String uri) {
        switch (event) {
            case CONNECTED -> { // also after a first server that could not be reached (jnats says DISCONNECTED for it)
                outages.incrementAndGet();
                server.set(describe(conn));
            }
            case DISCONNECTED -> {
                long outage = outages.incrementAndGet();
                lostAt = System.nanoTime();
                CompletableFuture.runAsync(() -> giveUpUnlessBack(conn, outage),
                        CompletableFuture.delayedExecutor(giveUpAfter.toMillis(), TimeUnit.MILLISECONDS));
            }
            case RECONNECTED -> {
                outages.incrementAndGet();
                String from = server.getAndSet(describe(conn));
                System.err.println(Output.line(secrets.mask(String.format(Locale.ROOT, "WARN lost the connection to %s; "
                        + "reconnected to %s after %.1fs", from, server.get(), (System.nanoTime() - lostAt) / 1e9)), false));
            }
            default -> {
            }
        }
    }

    /** Still no connection after the bound: close it, so that what waits on it fails now, not later. */
    private void giveUpUnlessBack(Connection conn, long outage) {
        if (outages.get() != outage || conn.getStatus() == Connection.Status.CLOSED || conn.getStatus() == Connection.Status.CONNECTED) {
            return;
        }
        gaveUp.set(String.format(Locale.ROOT, "lost the connection to %s and no server answered within %s (tried %s)",
                server.get(), Durations.format(giveUpAfter), Output.printable(secrets.mask(String.join(", ",
                        conn.getServers())))));
        try {
            conn.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The URL and the name the server gave itself, shown escaped: both are the server's words. */
    private static String describe(Connection conn) {
        String name = conn.getServerInfo() == null ? null : conn.getServerInfo().getServerName();
        return Output.printable(conn.getConnectedUrl() + (name == null ? "" : " (" + name + ")"));
    }
}
