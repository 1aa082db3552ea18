// Opens one run's connection with its login and TLS, and explains what went wrong with it: nothing
// answers, the login or TLS was refused, JetStream is off, or the server denied a permission later
// on (which jnats reports to a listener, not to the call that then times out).
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java Tls.java SecretFiles.java ServerUrl.java Exit.java Output.java

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Connector {
    private static final Pattern VIOLATION =
            Pattern.compile("(?i)permissions violation for (publish|subscription) to \"?([^\"\\s]+)");

    private final Config config;
    /** The server's "Permissions Violation", which explains a timeout better than the timeout does. */
    private final AtomicReference<String> permissionViolation = new AtomicReference<>();
    /** The first exception jnats reported while connecting: why a TLS handshake failed, say. */
    private final AtomicReference<Exception> connectProblem = new AtomicReference<>();
    private final AtomicReference<String> refusedLogin = new AtomicReference<>();
    /** The server sent an -ERR: whatever failed, a NATS server is there. */
    private volatile boolean serverSpoke;

    Connector(Config config) {
        this.config = config;
    }

    /** Connects, or fails with one line naming the URL and what to do. */
    Connection open() {
        Options.Builder builder = new Options.Builder()
                .server(config.url)
                .connectionName("jetstream-lab")
                .connectionTimeout(Duration.ofSeconds(5))
                .noReconnect()
                .errorListener(listener(Thread.currentThread())); // other errors reach the user as exceptions, once
        applyLogin(builder);
        Connection nc;
        try {
            nc = Nats.connect(builder.build());
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
        if (!nc.getServerInfo().isJetStreamAvailable()) {
            closeQuietly(nc);
            throw Exit.unreachable("the NATS server at %s has JetStream disabled%s", config.shownUrl(), loginIsSet()
                    ? " (or not for this account): ask for JetStream on it" : ": start it with -js (`make server` does)");
        }
        return nc;
    }

    /** What the server denied this run, as one line; null when it denied nothing. */
    LabException explainFailure() {
        String violation = permissionViolation.get();
        if (violation == null) {
            return null;
        }
        Matcher m = VIOLATION.matcher(violation);
        String what = m.find() ? (m.group(1).equalsIgnoreCase("publish") ? "publish to " : "subscribe to ") + m.group(2)
                : violation;
        return Exit.failed("permission denied: the server does not let %s %s%s", loginDescription(), what,
                what.contains("$JS.API") ? " (the JetStream API)" : "");
    }

    private ErrorListener listener(Thread connecting) {
        return new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                serverSpoke = true;
                String text = String.valueOf(error).toLowerCase();
                if (text.contains("permissions violation")) {
                    if (permissionViolation.compareAndSet(null, error)) {
                        connecting.interrupt(); // what it waits for will not come; explainFailure() says why
                    }
                } else if ((text.contains("authorization") || text.contains("authentication"))
                        && refusedLogin.compareAndSet(null, error)) {
                    connecting.interrupt(); // jnats would otherwise wait out the connect timeout
                }
            }

            @Override
            public void exceptionOccurred(Connection conn, Exception exp) {
                connectProblem.compareAndSet(null, exp); // the TLS details are here, not in connect()'s exception
            }
        };
    }

    private void applyLogin(Options.Builder builder) {
        if (config.user != null) {
            builder.userInfo(config.user, config.password);
        }
        if (config.token != null) {
            builder.token(config.token.toCharArray());
        }
        if (config.nkeySeedFile != null) {
            char[] seed = SecretFiles.read(config.nkeySeedFile, "nkey seed").toCharArray();
            builder.authHandler(Nats.staticCredentials(null, seed));
        }
        if (config.credsFile != null) {
            builder.authHandler(Nats.credentials(config.credsFile));
        }
        if (usesTls()) {
            builder.sslContext(Tls.context(ServerUrl.host(config.url), config.caFile, config.certFile, config.keyFile));
        }
        if (config.handshakeFirst) {
            builder.tlsFirst();
        }
    }

    /** TLS when the URL asks for it or a CA or client certificate is configured. */
    private boolean usesTls() {
        return config.caFile != null || config.certFile != null || ServerUrl.asksForTls(config.url);
    }

    private boolean loginIsSet() {
        return config.user != null || config.token != null || config.nkeySeedFile != null || config.credsFile != null;
    }

    /** "user "alice" (with a password)", "this token", ...: what was tried, never the secret itself. */
    private String loginDescription() {
        if (config.user != null) {
            return "user " + Output.quoted(config.user) + " (with a password)";
        }
        if (config.token != null) {
            return "this token";
        }
        if (config.nkeySeedFile != null) {
            return "the nkey in " + config.nkeySeedFile;
        }
        if (config.credsFile != null) {
            return "the user in " + config.credsFile;
        }
        return "a connection without credentials";
    }

    /** One line for each way connecting fails: down, login refused, TLS on one side only, untrusted certificate. */
    private LabException connectFailure(IOException e) {
        String all = (chain(e) + chain(connectProblem.get())).toLowerCase();
        String url = config.shownUrl();
        if (all.contains("authorization violation") || all.contains("authentication")) {
            String expired = all.contains("expired") ? " (the credentials have expired: get fresh ones)" : "";
            return Exit.unreachable("the server at %s refused the login with %s: authorization violation%s; check the "
                    + "credentials (--show-config shows where each came from)", url, loginDescription(), expired);
        }
        if (all.contains("ssl required by server") || all.contains("tls required")) {
            return Exit.unreachable("the server at %s requires TLS: use a tls:// URL and trust its CA with "
                    + "[nats.tls] ca_file (or --tlsca)", url);
        }
        if (config.handshakeFirst && (all.contains("unrecognized ssl message") || all.contains("ssl")
                || all.contains("timeoutexception"))) {
            return Exit.unreachable("the server at %s did not take a TLS handshake first: leave out handshake_first / "
                    + "--tlsfirst unless the server sets handshake_first (nats-server 2.10.3 or later)", url);
        }
        if (all.contains("ssl connection wanted by client") || all.contains("unrecognized ssl message")
                || all.contains("plaintext connection")) {
            return Exit.unreachable("TLS is configured but the server at %s does not speak TLS: use a nats:// URL "
                    + "without [nats.tls] settings, or enable TLS on the server", url);
        }
        if (all.contains("no subject alternative") || all.contains("no name matching")) {
            return Exit.unreachable("the server's certificate does not name %s (hostname mismatch): connect with the "
                    + "host name in its certificate", ServerUrl.host(config.url));
        }
        if (all.contains("pkix") || all.contains("certification path") || all.contains("unknown_ca")
                || all.contains("certificate_unknown") || all.contains("bad_certificate")) {
            return Exit.unreachable("the TLS handshake with %s failed: the certificate is not trusted%s; give the CA "
                    + "that signed it with [nats.tls] ca_file (or --tlsca)", url,
                    config.caFile != null ? " (CA file " + config.caFile + ")" : "");
        }
        if (usesTls() && config.certFile == null && all.contains("timeoutexception")) {
            return Exit.unreachable("the server at %s accepted the TLS handshake but then went silent: it probably "
                    + "wants a client certificate: set [nats.tls] cert_file and key_file (or --tlscert and --tlskey)", url);
        }
        LabException down = !serverSpoke && ServerUrl.accepts(config.url)
                ? Exit.unreachable("no NATS server answered at %s: something there accepts connections but does not "
                + "speak NATS (a NATS server greets each client at once); check the port (a server's client port, "
                + "4222 by default, not its monitoring or cluster port), or point --server / NATS_URL at yours", url)
                : Exit.unreachable("no NATS server answers at %s (%s): start one with `make server`, or point "
                + "--server / NATS_URL at yours", url, e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage() : "connection refused");
        if (connectProblem.get() != null) {
            down.initCause(connectProblem.get()); // --verbose shows what jnats saw
        }
        return down;
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
