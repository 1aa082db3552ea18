// Opens one run's connection with its login (Login.java) and TLS, and explains what went wrong with it: nothing
// answers, something that is not a NATS server answers, the login or TLS was refused (and which
// check of TLS failed), JetStream is off, or the server denied a permission later on (which jnats
// reports to a listener, not to the call that then times out).
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java Login.java Tls.java ServerUrl.java Durations.java Exit.java Output.java ServerSeen.java Failover.java
//SOURCES StopSignal.java ReaderWatch.java Trace.java MaxDeliveries.java Unanswered.java ServerWords.java

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Connector {
    /**
     * How long a run waits for the server to confirm what it already sent (an ack's reply, a flush's PONG) before it
     * calls the outcome unknown: fixed, not --timeout, which a learner shortens to find a dead server fast.
     */
    static final Duration CONFIRM_WAIT = Duration.ofSeconds(5);
    /** A server with handshake_first says nothing until the client starts TLS: silence is what it looks like. */
    private static final String TLS_FIRST_HINT = "; a server with handshake_first waits for the TLS handshake: for one, "
            + "add --tlsfirst";
    /** Tls' words for a certificate that does not name the host dialled. */
    private static final Pattern MISMATCH = Pattern.compile("No subject alternative names matching (\\S+)");
    /** jnats' words (lower case) for an INFO greeting it could not read: not JSON, or not a JSON object. */
    private static final String INFO_NOT_JSON = "invalid server info";
    /** jnats' words when what answered sent something other than NATS's INFO greeting. */
    private static final Pattern NOT_NATS = Pattern.compile("non-info initial message|missed lf after cr|read past initial"
            + "|failed to read initial info|" + Pattern.quote(INFO_NOT_JSON));
    private static final Pattern VIOLATION =
            Pattern.compile("(?i)permissions violation for (publish|subscription) to \"?([^\"\\s]+)");

    private final Config config;
    /** --trace: what goes over the connection, on stderr; null without it. */
    private final Trace trace;
    /** This run's TLS, when it uses TLS: it knows whether a server got as far as showing a certificate. */
    private Tls tls;
    /** The server's "Permissions Violation", which explains a timeout better than the timeout does. */
    private final AtomicReference<String> permissionViolation = new AtomicReference<>();
    /** What jnats reported while connecting, server by server of the list: why a TLS handshake failed, say. */
    private final List<Exception> connectProblems = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> refusedLogin = new AtomicReference<>();
    /** Any other -ERR the server sent: while connecting, its reason for closing ("maximum connections exceeded"). */
    private final AtomicReference<String> serverError = new AtomicReference<>();
    /** Reconnects when a list or a cluster is used; null with a single server. */
    private Failover failover;

    Connector(Config config, Trace trace) {
        this.config = config;
        this.trace = trace;
    }

    /**
     * Connects, or fails with one line naming the URL and what to do. Only a script that uses
     * JetStream needs it on: core NATS (labs 1-3) works with any server.
     */
    Connection open(boolean needsJetStream) {
        Connection nc = connect(config.failsOver());
        if (failover == null && inACluster(nc)) { // one URL, but the server has peers: reconnect to them if it goes
            closeQuietly(nc);
            nc = connect(true);
        }
        if (!needsJetStream) {
            StopSignal.connectedWithoutJetStream();
        } else if (!nc.getServerInfo().isJetStreamAvailable()) {
            closeQuietly(nc);
            throw Exit.unreachable("the NATS server at %s has JetStream disabled%s", config.shownUrl(), Login.isSet(config)
                    ? " (or not for this account): ask for JetStream on it" : ": start it with -js (`make server` does)");
        }
        return nc;
    }

    /** Whether this run's connection moves to another server when it drops: a URL list, or a cluster. */
    boolean failsOver() {
        return failover != null;
    }

    /** The server's INFO names a cluster, or other servers to reconnect to. */
    private static boolean inACluster(Connection nc) {
        List<String> others = nc.getServerInfo().getConnectURLs();
        return nc.getServerInfo().getCluster() != null || others != null && !others.isEmpty();
    }

    /**
     * The longest protocol line jnats reads or writes. A delivery's line holds the message's subject and
     * its ack subject ($JS.ACK.<stream>.<consumer>...): a subject the server took near its own limit (4 KiB
     * by default) makes a line jnats' default 4 KiB cannot read, and jnats then drops the connection
     * instead, again at each redelivery (and a line longer still than its buffer it can misread). A server set
     * to take lines longer than a MiB (max_control_line) is beyond what the lab reads.
     */
    private static final int CONTROL_LINE_BYTES = 1024 * 1024;

    private Connection connect(boolean failingOver) {
        ServerWords.watching(null, config.secrets);
        Options.Builder builder = new Options.Builder()
                .servers(ServerUrl.forJnats(config.servers))
                .connectionName("jetstream-lab")
                .connectionTimeout(config.timeout) // also each JetStream API call's timeout (jnats' default for them)
                // a request (each PubAck, each ack confirmation) need not flush the socket itself: jnats'
                // writer flushes as soon as its queue is empty, so bulk runs send full buffers (make bench: +30%)
                .dontForceFlushOnRequest()
                // jnats checks every subject it sends, also the API subjects it makes of names a server or a peer
                // sent (a PubAck's stream name): off, a name holding a line break wrote a second command on the
                // wire. It costs a bulk run about a tenth of its rate (bench/PROFILE.md); it stays on.
                .supportUTF8Subjects() // a subject is UTF-8 on the wire in every locale (else jnats uses the locale's charset)
                .maxControlLine(CONTROL_LINE_BYTES)
                .errorListener(listener(Thread.currentThread())); // other errors reach the user as exceptions, once
        if (failingOver) {
            failover = new Failover(config.secrets);
            failover.applyTo(builder); // another server of the cluster takes over, within a bound
        } else {
            // One server: a lost connection ends the run, with what it did so far. Its peers from the INFO are not
            // tried either: once the named server failed (a refused login, say) jnats drops it and would go on
            // trying those, without the URL's login, for good. open() connects again, failing over, once it is in.
            builder.noReconnect().ignoreDiscoveredServers();
        }
        Login.applyTo(builder, config);
        applyTls(builder);
        ReaderWatch reader = ReaderWatch.applyTo(builder);
        if (trace != null) { // jnats reads and writes through the trace's port, which finds the trace as the listener
            builder.readListener(trace).dataPortType(TraceWire.Port.class.getName());
        }
        try {
            Connection nc = Nats.connect(builder.build());
            reader.watching(nc);
            ServerWords.watching(nc, config.secrets);
            ServerSeen.record(nc.getServerInfo());
            StopSignal.connected();
            return nc;
        } catch (IOException e) {
            throw connectFailure(e);
        } catch (InterruptedException e) {
            if (refusedLogin.get() != null) {
                Thread.interrupted(); // we interrupted the wait ourselves, to fail fast
                throw connectFailure(new IOException(refusedLogin.get()));
            }
            Thread.currentThread().interrupt();
            throw Exit.failed("interrupted while connecting to %s", config.shownUrl());
        }
    }

    /**
     * What explains the run's failure better than its exception does, as one line; null when nothing does.
     * A denied permission; or a connection that never came back, added to the script's own line (which
     * says what it did so far).
     */
    LabException explainFailure(Exception failure) {
        String gaveUp = failover == null ? null : failover.gaveUp();
        String violation = permissionViolation.get();
        if (violation == null && !(failure instanceof LabException) && ServerWords.refusedSubject(failure.getMessage())) {
            violation = failure.getMessage(); // the server's words, read before its listener heard them
        }
        if (violation == null && gaveUp == null && !(failure instanceof LabException) && cutOff(failure)) {
            return JetStreamErrors.connectionLost(config.shownUrl(), "nothing more could be sent or confirmed");
        }
        if (violation == null && gaveUp != null) {
            return failure instanceof LabException known
                    ? Exit.with(known.exitCode, "%s (%s)", known.getMessage(), gaveUp)
                    : Exit.unreachable("%s", gaveUp);
        }
        if (violation == null) {
            return Unanswered.is(failure) ? Unanswered.line(config.shownUrl(), Unanswered.askedAgain(failure), null)
                    : null;
        }
        Matcher m = VIOLATION.matcher(violation);
        String what = m.find() ? (m.group(1).equalsIgnoreCase("publish") ? "publish to " : "subscribe to ")
                + Output.printableStart(m.group(2)) : Output.printableStart(violation);
        return Exit.failed("permission denied: the server does not let %s %s%s", Login.description(config), what,
                what.contains("$JS.API") ? " (the JetStream API)" : "");
    }

    /**
     * jnats cancels what waits for the server (a flush, a request) when the connection closes under it; a flush
     * says so only in its TimeoutException's text.
     */
    private static boolean cutOff(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.CancellationException || t instanceof java.util.concurrent.TimeoutException
                    && String.valueOf(t.getMessage()).startsWith(java.util.concurrent.CancellationException.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The -ERR a server sent right after its INFO, read from a connection of our own: jnats takes the two as one
     * read it does not expect ("read past initial info message") and never says what the server said. Null when
     * no server of the list greets that way (or does not answer within the timeout).
     */
    private static String greetingError(List<ServerUrl> servers, Duration timeout) {
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), GREETING_WAIT.toNanos()); // for all of them
        for (ServerUrl server : servers) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(server.host(), server.port()), millisLeft(deadline));
                java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
                byte[] chunk = new byte[4_096];
                try {
                    for (int n; read.size() < 8_192 && !GREETING_ERROR.matcher(read.toString(StandardCharsets.UTF_8)).find(); ) {
                        socket.setSoTimeout(millisLeft(deadline));
                        if ((n = socket.getInputStream().read(chunk)) <= 0) {
                            break;
                        }
                        read.write(chunk, 0, n);
                    }
                } catch (java.net.SocketTimeoutException quiet) {
                    // a server that keeps the connection open, or trickles: what it sent so far is its greeting
                }
                String greeting = read.toString(StandardCharsets.UTF_8);
                Matcher error = GREETING_ERROR.matcher(greeting);
                if (greeting.startsWith("INFO ") && error.find()) {
                    return error.group(1) != null ? error.group(1) : error.group(2);
                }
            } catch (IOException | RuntimeException noGreeting) {
                // this server tells nothing more: the next one may
            }
        }
        return null;
    }

    /** At most this long for all the servers' greetings together: the run already failed, this only says why. */
    private static final Duration GREETING_WAIT = Duration.ofSeconds(2);
    private static final Pattern GREETING_ERROR = Pattern.compile("\r\n-ERR (?:'([^'\r\n]{1,200})'|([^'\r\n]{1,200}))\r\n");

    /** The milliseconds left until the deadline, at least 1 (0 would mean no limit to a socket). */
    private static int millisLeft(long deadline) throws java.net.SocketTimeoutException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left < 1) {
            throw new java.net.SocketTimeoutException("no time left");
        }
        return (int) left;
    }

    private ErrorListener listener(Thread connecting) {
        return new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                String text = String.valueOf(error).toLowerCase(Locale.ROOT);
                if (ServerWords.refusedSubject(error) && !text.contains(MaxDeliveries.SUBJECT.toLowerCase(Locale.ROOT))) { // an advisory is optional
                    if (permissionViolation.compareAndSet(null, error)) {
                        connecting.interrupt(); // what it waits for will not come; explainFailure() says why
                    }
                } else if ((text.contains("authorization") || text.contains("authentication"))
                        && refusedLogin.compareAndSet(null, error)) {
                    connecting.interrupt(); // jnats would otherwise wait out the connect timeout
                } else {
                    serverError.compareAndSet(null, error);
                }
            }

            @Override
            public void exceptionOccurred(Connection conn, Exception exp) {
                connectProblems.add(exp); // the TLS details are here, not in connect()'s exception
            }
        };
    }

    private void applyTls(Options.Builder builder) {
        if (usesTls()) {
            tls = Tls.fromFiles(Tls.PemFile.of(config.caFile, config.sourceOf(Setting.CA_FILE)),
                    Tls.PemFile.of(config.certFile, config.sourceOf(Setting.CERT_FILE)),
                    Tls.PemFile.of(config.keyFile, config.sourceOf(Setting.KEY_FILE)));
            // jnats would swap a host name for its IP addresses before TLS; kept, the check sees the name dialled
            builder.sslContext(tls.context).hostnameResolveMode(Options.HostnameResolveMode.HappyEyeballs);
        }
        if (config.handshakeFirst) {
            builder.tlsFirst();
        }
    }

    /** TLS when a URL of the list asks for it, or a CA, a client certificate or handshake-first is configured. */
    private boolean usesTls() {
        return config.caFile != null || config.certFile != null || config.handshakeFirst
                || config.servers.stream().anyMatch(ServerUrl::asksForTls);
    }

    /**
     * One line for each way connecting fails: login refused, which TLS check failed (named before
     * anything about handshake-first, which only explains a server that did not speak TLS at all),
     * TLS on one side only, something that is not a NATS server, nothing there at all.
     */
    private LabException connectFailure(IOException e) {
        StringBuilder seen = new StringBuilder(chain(e));
        connectProblems.forEach(problem -> seen.append(chain(problem)));
        seen.append(refusedLogin.get() == null ? "" : refusedLogin.get()); // the server's -ERR, whichever way jnats failed
        String all = seen.toString().toLowerCase(Locale.ROOT);
        String url = config.shownUrl();
        boolean timedOut = all.contains("timeoutexception");
        boolean sawCertificate = tls != null && tls.certificateSeen();
        if (all.contains("authorization violation") || all.contains("user authentication")) {
            String expired = all.contains("expired") ? " (the credentials have expired: get fresh ones)" : "";
            return Exit.unreachable("the server at %s refused the login with %s: authorization violation%s; check the "
                    + "credentials (--show-config shows where each came from)", url, Login.description(config), expired);
        }
        if (all.contains("authentication timeout")) {
            return Exit.unreachable("the server at %s ended the login: it took longer than the server's authorization "
                    + "timeout (2s by default; a busy machine can take longer to sign an nkey login): try again, or raise "
                    + "`authorization { timeout: 10 }` on the server", url);
        }
        Matcher mismatch = MISMATCH.matcher(seen);
        if (mismatch.find()) {
            return Exit.unreachable("the server's certificate does not name %s (hostname mismatch): connect with the "
                    + "host name in its certificate", mismatch.group(1));
        }
        if (all.contains("extended key usage does not permit")) {
            return Exit.unreachable("the server at %s shows a certificate that is not meant for a server (its extended "
                    + "key usage allows client authentication only): the server needs a certificate made for "
                    + "serverAuth", url);
        }
        if (all.contains("certificateexpiredexception") || all.contains("certificatenotyetvalidexception")) {
            return Exit.unreachable("the server at %s shows a certificate that is %s: the server needs a current one",
                    url, all.contains("expired") ? "expired" : "not valid yet (check this machine's clock)");
        }
        if (all.contains("fatal alert: protocol_version") || all.contains("no appropriate protocol")) {
            return Exit.unreachable("the server at %s offers only an old TLS version (TLS 1.1 or older), which Java "
                    + "refuses as insecure: the server needs TLS 1.2 or later", url);
        }
        if (all.contains("pkix") || all.contains("certification path")) {
            return Exit.unreachable("the TLS handshake with %s failed: the certificate is not trusted%s; give the CA "
                    + "that signed it with [nats.tls] ca_file (or --tlsca)", url,
                    config.caFile != null ? " (CA file " + config.caFile + ")" : "");
        }
        if (all.contains("fatal alert: bad_certificate") || all.contains("fatal alert: certificate_unknown")
                || all.contains("fatal alert: unknown_ca") || all.contains("fatal alert: certificate_required")) {
            return Exit.unreachable("the server at %s refused %s: it wants a client certificate signed by a CA it "
                    + "trusts and made for clientAuth: set [nats.tls] cert_file and key_file (or --tlscert and "
                    + "--tlskey)", url, config.certFile != null ? "this client's certificate (" + config.certFile + ")"
                    : "a connection without a client certificate");
        }
        if (config.handshakeFirst && !sawCertificate && (all.contains("unrecognized ssl message") || timedOut)) {
            return Exit.unreachable("the server at %s did not take a TLS handshake first: leave out handshake_first / "
                    + "--tlsfirst unless the server sets handshake_first (nats-server 2.10.3 or later)", url);
        }
        if (all.contains("ssl required by server") || all.contains("tls required")) {
            return Exit.unreachable("the server at %s requires TLS: use a tls:// URL and trust its CA with "
                    + "[nats.tls] ca_file (or --tlsca)", url);
        }
        if (all.contains("ssl connection wanted by client") || all.contains("unrecognized ssl message")
                || all.contains("plaintext connection")) {
            return Exit.unreachable("TLS is configured but the server at %s does not speak TLS: use a nats:// URL "
                    + "without [nats.tls] settings, or enable TLS on the server", url);
        }
        if (sawCertificate && config.certFile == null && timedOut) {
            return Exit.unreachable("the server at %s accepted the TLS handshake but then went silent: it probably "
                    + "wants a client certificate: set [nats.tls] cert_file and key_file (or --tlscert and --tlskey)", url);
        }
        String refused = serverError.get();
        if (refused == null && all.contains("read past initial info")) { // jnats read the INFO and more with it
            refused = greetingError(config.servers, config.timeout);
        }
        if (refused != null) { // a NATS server that sent INFO, then said why it closes: not "no NATS server"
            return Exit.unreachable("the server at %s refused the connection: %s%s", url, Output.quotedStart(config.secrets.mask(refused)),
                    refused.toLowerCase(Locale.ROOT).contains("maximum connections") ? " (it has as many clients as its "
                            + "max_connections allows: try again once one has left, or raise max_connections)" : "");
        }
        LabException down;
        if (timedOut || NOT_NATS.matcher(all).find()) {
            down = Exit.unreachable("no NATS server answered at %s: something accepts connections there but %s: check "
                    + "the host and port (a NATS server's client port, 4222 by default)%s", url, timedOut
                    ? "sent nothing within " + Durations.format(config.timeout) + tooShortToConnect()
                    : all.contains(INFO_NOT_JSON) ? "its greeting is no NATS server's (an INFO line without the JSON object one sends)"
                    : "it does not speak NATS (no INFO greeting)",
                    timedOut ? TLS_FIRST_HINT : "");
        } else {
            down = Exit.unreachable("no NATS server answers at %s (%s): start one with `make server`, or point "
                    + "--server / NATS_URL at yours", url, e.getCause() != null && e.getCause().getMessage() != null
                    ? Output.printableStart(e.getCause().getMessage()) : "connection refused");
        }
        if (!connectProblems.isEmpty()) {
            down.initCause(connectProblems.get(0)); // --verbose shows what jnats saw
        }
        return down;
    }

    /** A timeout under a second (--timeout also bounds a request's wait) may be what failed, not the server. */
    private String tooShortToConnect() {
        return config.timeout.compareTo(java.time.Duration.ofSeconds(1)) >= 0 ? "" : " (" + config.sourceOf(Setting.TIMEOUT)
                + " " + Durations.format(config.timeout) + " may be too short to connect at all: give it 1s or more)";
    }

    private static String chain(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" | ");
        }
        return text.toString();
    }

    private static void closeQuietly(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
