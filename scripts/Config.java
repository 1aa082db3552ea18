// Shared by the lab scripts: layered settings, the NATS connection, and the
// one-line error reporting every script uses. Not a script of its own.

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.StreamContext;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

public final class Config {
    static final String VERSION = "lab4 scripts 0.1.0 (jnats 2.26.2)";

    // Exit codes, the same for every script.
    static final int EXIT_FAILED = 1;       // the server refused or did not confirm
    static final int EXIT_USAGE = 2;        // bad flags or arguments
    static final int EXIT_CONFIG = 3;       // a config file or value is wrong
    static final int EXIT_UNREACHABLE = 4;  // no (JetStream-enabled) server at the URL
    static final int EXIT_NOT_FOUND = 5;    // stream or consumer missing: run js-bootstrap

    static final String DEFAULT_LAB = "lab4_jetstream_basics";
    static final long DEFAULT_DUPLICATE_WINDOW_SECS = 120; // the server's own default

    // The effective settings, after all layers are applied.
    final String mode;
    final String url;
    final String subject;
    final String stream;
    final String consumer;
    final Duration wait;
    final Duration ackWait;
    final long maxDeliver;            // -1: no limit
    final Duration duplicateWindow;
    final String storage;             // "file" or "memory"
    // Login and TLS: each null when not set. Secrets (password, token) are never printed.
    final String user;
    final String password;
    final String token;
    final String nkeySeedFile;
    final String credsFile;
    final String caFile;
    final String certFile;
    final String keyFile;
    final boolean handshakeFirst;

    /** Every setting in force by its key, and where each came from ("flag --stream", "config.toml:4"). */
    private final Map<String, Object> values;
    private final Map<String, String> sources;

    /** Flags every script shares; the values override env and config files. */
    static final class Options {
        @Option(names = "--config", paramLabel = "FILE",
                description = "Root config file (default: ./config.toml, if present).")
        Path config;

        @Option(names = "--lab-config", paramLabel = "FILE",
                description = "Lab config file, over the root one (default: this lab's, if present).")
        Path labConfig;

        @Option(names = {"-s", "--server"}, paramLabel = "URL",
                description = "NATS server URL (or env NATS_URL).")
        String server;

        @Option(names = "--subject", paramLabel = "SUBJECT", description = "Subject the stream stores.")
        String subject;

        @Option(names = "--stream", paramLabel = "NAME", description = "Stream name.")
        String stream;

        @Option(names = "--consumer", paramLabel = "NAME", description = "Durable pull consumer name.")
        String consumer;

        @Option(names = "--wait", paramLabel = "SECS",
                description = "Seconds js-pull waits for a message before it stops.")
        Long waitSecs;

        @Option(names = "--context", paramLabel = "NAME",
                description = "natscli context (~/.config/nats/context/NAME.json, or a path; env NATS_CONTEXT).")
        String context;

        @Option(names = "--user", paramLabel = "USER", description = "User name (env NATS_USER).")
        String user;

        @Option(names = "--password", paramLabel = "PASSWORD",
                description = "Password (env NATS_PASSWORD; better: [nats.auth] password_env or password_file).")
        String password;

        @Option(names = "--token", paramLabel = "TOKEN", description = "Auth token (env NATS_TOKEN).")
        String token;

        @Option(names = "--nkey", paramLabel = "FILE", description = "NKey seed file (env NATS_NKEY).")
        String nkey;

        @Option(names = "--creds", paramLabel = "FILE", description = "Credentials (.creds) file (env NATS_CREDS).")
        String creds;

        @Option(names = "--tlsca", paramLabel = "FILE", description = "CA certificate(s), PEM, to trust (env NATS_CA).")
        String tlsCa;

        @Option(names = "--tlscert", paramLabel = "FILE", description = "Client certificate, PEM (env NATS_CERT).")
        String tlsCert;

        @Option(names = "--tlskey", paramLabel = "FILE", description = "Client private key, PEM/PKCS#8 (env NATS_KEY).")
        String tlsKey;

        @Option(names = "--tlsfirst", description = "TLS handshake before the server's INFO (servers with handshake_first).")
        Boolean tlsFirst;

        @Option(names = "--show-config",
                description = "Print the effective config, where each value came from, secrets masked; then exit.")
        boolean showConfig;

        @Option(names = {"-v", "--verbose"}, description = "Show stack traces on errors.")
        boolean verbose;

        Config load() {
            Config config = Config.load(this, System.getenv());
            if (showConfig) {
                System.out.print(config.effectiveConfig());
                throw new LabException(0, "");
            }
            return config;
        }
    }

    /** A failure the user can act on: one line, and the exit code that says what kind. */
    static final class LabException extends RuntimeException {
        final int exitCode;

        LabException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    static LabException fail(int exitCode, String format, Object... args) {
        return new LabException(exitCode, String.format(format, args));
    }

    // ---------------------------------------------------------------- running

    /** Runs a picocli command: errors become one line on stderr (stack trace with --verbose). */
    static int run(Callable<Integer> command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setParameterExceptionHandler((ex, argv) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("ERROR " + ex.getMessage() + " (see " + cmd.getCommandName() + " --help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            LabException known = permissionDenied();
            if (known == null) {
                known = ex instanceof LabException l ? l : unexpected(ex);
            }
            if (known.exitCode == 0) {
                return 0; // --show-config: done
            }
            cmd.getErr().println(redact("ERROR " + known.getMessage()));
            if (parsed.hasMatchedOption("--verbose")) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                cmd.getErr().print(redact(trace.toString()));
                cmd.getErr().flush();
            }
            return known.exitCode;
        });
        return cli.execute(args);
    }

    /** Secrets of this run (password, token), replaced by **** in anything printed. */
    private static final Set<String> SECRETS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static String redact(String text) {
        String out = text;
        for (String secret : SECRETS) {
            out = out.replace(secret, "****");
        }
        return out;
    }

    /** The server's last "Permissions Violation", which explains a timeout better than the timeout does. */
    private static final AtomicReference<String> PERMISSION_VIOLATION = new AtomicReference<>();

    private static LabException permissionDenied() {
        String violation = PERMISSION_VIOLATION.get();
        if (violation == null) {
            return null;
        }
        java.util.regex.Matcher m = Pattern.compile("(?i)permissions violation for (publish|subscription) to \"?([^\"\\s]+)").matcher(violation);
        String what = m.find() ? (m.group(1).equalsIgnoreCase("publish") ? "publish to " : "subscribe to ") + m.group(2) : violation;
        return fail(EXIT_FAILED, "permission denied: the server does not let %s %s%s", LOGIN.get(), what,
                what.contains("$JS.API") ? " (the JetStream API)" : "");
    }

    /** The first exception jnats reported while connecting: why a TLS handshake failed, say. */
    private static final AtomicReference<Exception> CONNECT_PROBLEM = new AtomicReference<>();

    /** How this run logs in, for error messages: never the secret itself. */
    private static final AtomicReference<String> LOGIN = new AtomicReference<>("this connection");

    private static LabException unexpected(Exception ex) {
        if (ex instanceof JetStreamApiException api) {
            return fail(EXIT_FAILED, "the server refused: %s (error %d)", api.getErrorDescription(), api.getApiErrorCode());
        }
        if (ex instanceof InterruptedException) {
            return fail(EXIT_FAILED, "interrupted");
        }
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        return fail(EXIT_FAILED, "%s (rerun with --verbose for details)", message.lines().findFirst().orElse(""));
    }

    /** A logger that prints like the lab's expected output: `INFO pulled message: "..."`. */
    static Logger logger(Class<?> owner) {
        setDefault("org.slf4j.simpleLogger.logFile", "System.out");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showLogName", "false");
        setDefault("org.slf4j.simpleLogger.showDateTime", "false");
        return LoggerFactory.getLogger(owner);
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** "1 message", "2 messages": the count every script's summary line starts with. */
    static String messages(long n) {
        return n == 1 ? "1 message" : n + " messages";
    }

    /** A message body as the lab prints it: in double quotes, with escapes. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(Character.isISOControl(c) ? String.format("\\u{%x}", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    /**
     * A progress line on stderr for runs longer than about 2 s: count, rate and ETA. Only when
     * stderr is a terminal, so piped or logged output stays clean.
     */
    static final class Progress implements AutoCloseable {
        private final Thread ticker;

        private Progress(String verb, long total, java.util.function.LongSupplier done) {
            long start = System.nanoTime();
            ticker = new Thread(() -> {
                try {
                    Thread.sleep(2_000);
                    while (true) {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        long count = done.getAsLong();
                        double rate = count / seconds;
                        String eta = rate > 0 && total > 0 ? String.format(", ETA %.0fs", (total - count) / rate) : "";
                        System.err.printf("\r%,d of %,d %s, %,.0f msgs/s%s   ", count, total, verb, rate, eta);
                        Thread.sleep(500);
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }, "progress");
            ticker.setDaemon(true);
        }

        static Progress start(String verb, long total, java.util.function.LongSupplier done) {
            Progress progress = new Progress(verb, total, done);
            if (stderrIsTerminal()) {
                progress.ticker.start();
            }
            return progress;
        }

        @Override
        public void close() {
            if (ticker.isAlive()) {
                ticker.interrupt();
                try {
                    ticker.join(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.err.print("\r\033[K"); // clear the progress line
            }
        }

        private static boolean stderrIsTerminal() {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return System.console() != null;
            }
        }
    }

    // ------------------------------------------------------------- connection

    /** Connects, or fails with one line naming the URL and what to do. */
    Connection connect() {
        LOGIN.set(loginDescription());
        Thread connecting = Thread.currentThread();
        AtomicReference<String> refused = new AtomicReference<>();
        io.nats.client.Options.Builder builder = new io.nats.client.Options.Builder()
                .server(url)
                .connectionName("jetstream-lab")
                .connectionTimeout(Duration.ofSeconds(5))
                .noReconnect()
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        String text = String.valueOf(error).toLowerCase();
                        if (text.contains("permissions violation")) {
                            if (PERMISSION_VIOLATION.compareAndSet(null, error)) {
                                connecting.interrupt(); // what it waits for will not come; the handler explains
                            }
                        } else if ((text.contains("authorization") || text.contains("authentication"))
                                && refused.compareAndSet(null, error)) {
                            connecting.interrupt(); // jnats would otherwise wait out the connect timeout
                        }
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        CONNECT_PROBLEM.compareAndSet(null, exp); // the TLS details are here, not in connect()'s exception
                    }
                }); // other errors reach the user as exceptions, once
        applyLogin(builder);
        Connection nc;
        try {
            nc = Nats.connect(builder.build());
        } catch (IOException e) {
            throw connectFailure(e);
        } catch (InterruptedException e) {
            if (refused.get() != null) {
                Thread.interrupted(); // we interrupted the wait ourselves, to fail fast
                throw connectFailure(new IOException(refused.get()));
            }
            Thread.currentThread().interrupt();
            throw fail(EXIT_FAILED, "interrupted while connecting to %s", displayUrl());
        }
        if (!nc.getServerInfo().isJetStreamAvailable()) {
            closeQuietly(nc);
            throw fail(EXIT_UNREACHABLE, "the NATS server at %s has JetStream disabled%s", displayUrl(),
                    loginIsSet() ? " (or not for this account): ask for JetStream on it" : ": start it with -js (`make server` does)");
        }
        return nc;
    }

    private void applyLogin(io.nats.client.Options.Builder builder) {
        if (user != null) {
            builder.userInfo(user, password);
        }
        if (token != null) {
            builder.token(token.toCharArray());
        }
        if (nkeySeedFile != null) {
            builder.authHandler(Nats.staticCredentials(null, readSecretFile(nkeySeedFile, "nkey seed").toCharArray()));
        }
        if (credsFile != null) {
            builder.authHandler(Nats.credentials(credsFile));
        }
        if (usesTls()) {
            builder.sslContext(sslContext());
        }
        if (handshakeFirst) {
            builder.tlsFirst();
        }
    }

    /** TLS when the URL asks for it or a CA or client certificate is configured. */
    private boolean usesTls() {
        return caFile != null || certFile != null || url.startsWith("tls://") || url.startsWith("wss://");
    }

    private boolean loginIsSet() {
        return user != null || token != null || nkeySeedFile != null || credsFile != null;
    }

    /** "user alice with a password", "a token", "nkey file x", ...: what was tried, no secrets. */
    String loginDescription() {
        if (user != null) {
            return "user " + quoted(user) + " (with a password)";
        }
        if (token != null) {
            return "this token";
        }
        if (nkeySeedFile != null) {
            return "the nkey in " + nkeySeedFile;
        }
        if (credsFile != null) {
            return "the user in " + credsFile;
        }
        return "a connection without credentials";
    }

    /** One line for each way connecting fails: down, login refused, TLS on one side only, untrusted certificate. */
    private LabException connectFailure(IOException e) {
        String all = (chain(e) + chain(CONNECT_PROBLEM.get())).toLowerCase();
        String tls = caFile != null ? " (CA file " + caFile + ")" : "";
        if (all.contains("authorization violation") || all.contains("authentication")) {
            String expired = all.contains("expired") ? " (the credentials have expired: get fresh ones)" : "";
            return fail(EXIT_UNREACHABLE, "the server at %s refused the login with %s: authorization violation%s; "
                    + "check the credentials (--show-config shows where each came from)", displayUrl(), loginDescription(), expired);
        }
        if (all.contains("ssl required by server") || all.contains("tls required")) {
            return fail(EXIT_UNREACHABLE, "the server at %s requires TLS: use a tls:// URL and trust its CA with "
                    + "[nats.tls] ca_file (or --tlsca)", displayUrl());
        }
        if (handshakeFirst && (all.contains("unrecognized ssl message") || all.contains("ssl")
                || all.contains("timeoutexception"))) {
            return fail(EXIT_UNREACHABLE, "the server at %s did not take a TLS handshake first: leave out "
                    + "handshake_first / --tlsfirst unless the server sets handshake_first (nats-server 2.10.3 or later)",
                    displayUrl());
        }
        if (all.contains("ssl connection wanted by client") || all.contains("unrecognized ssl message")
                || all.contains("plaintext connection")) {
            return fail(EXIT_UNREACHABLE, "TLS is configured but the server at %s does not speak TLS: use a nats:// "
                    + "URL without [nats.tls] settings, or enable TLS on the server", displayUrl());
        }
        if (all.contains("no subject alternative") || all.contains("no name matching")) {
            return fail(EXIT_UNREACHABLE, "the server's certificate does not name %s (hostname mismatch): connect with "
                    + "the host name in its certificate", hostOf(url));
        }
        if (all.contains("pkix") || all.contains("certification path") || all.contains("unknown_ca")
                || all.contains("certificate_unknown") || all.contains("bad_certificate")) {
            return fail(EXIT_UNREACHABLE, "the TLS handshake with %s failed: the certificate is not trusted%s; give the "
                    + "CA that signed it with [nats.tls] ca_file (or --tlsca)", displayUrl(), tls);
        }
        if (usesTls() && certFile == null && all.contains("timeoutexception")) {
            return fail(EXIT_UNREACHABLE, "the server at %s accepted the TLS handshake but then went silent: it probably "
                    + "wants a client certificate: set [nats.tls] cert_file and key_file (or --tlscert and --tlskey)", displayUrl());
        }
        LabException down = fail(EXIT_UNREACHABLE, "no NATS server answers at %s (%s): start one with `make server`, "
                + "or point --server / NATS_URL at yours", displayUrl(), describe(e));
        if (CONNECT_PROBLEM.get() != null) {
            down.initCause(CONNECT_PROBLEM.get()); // --verbose shows what jnats saw
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

    private static String describe(IOException e) {
        return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "connection refused";
    }

    /** The URL as it may be shown: a password in it is masked. */
    String displayUrl() {
        return maskUrl(url);
    }

    private static String maskUrl(String url) {
        return url.replaceAll("(://[^:/@]+):[^@/]*@", "$1:****@");
    }

    private static String hostOf(String url) {
        try {
            return new URI(url).getHost();
        } catch (URISyntaxException e) {
            return url;
        }
    }

    // ---------------------------------------------------------------------- TLS

    /** An SSLContext from PEM files: the CA to trust, and the client's own certificate and key when given. */
    private SSLContext sslContext() {
        try {
            KeyStore roots = null;
            if (caFile != null) {
                roots = KeyStore.getInstance(KeyStore.getDefaultType());
                roots.load(null, null);
                int n = 0;
                for (Certificate cert : certificates(caFile, "[nats.tls] ca_file")) {
                    roots.setCertificateEntry("ca-" + n++, cert);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(roots); // null: the JDK's own CAs
            X509TrustManager checked = hostChecking((X509TrustManager) trust.getTrustManagers()[0], hostOf(url));
            KeyManagerFactory keys = null;
            if (certFile != null) {
                KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
                own.load(null, null);
                char[] none = new char[0];
                own.setKeyEntry("client", privateKey(keyFile), none,
                        certificates(certFile, "[nats.tls] cert_file").toArray(Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[]{checked}, null);
            return context;
        } catch (LabException e) {
            throw e;
        } catch (Exception e) {
            throw fail(EXIT_CONFIG, "cannot set up TLS from the configured files: %s", e.getMessage());
        }
    }

    /** Trusts what the CA check trusts, and only for certificates that name the host we dialled (jnats leaves that out). */
    private static X509TrustManager hostChecking(X509TrustManager base, String host) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                base.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                base.checkServerTrusted(chain, authType);
                if (!names(chain[0], host)) {
                    throw new CertificateException("No subject alternative names matching " + host);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return base.getAcceptedIssuers();
            }
        };
    }

    private static boolean names(X509Certificate cert, String host) throws CertificateException {
        if (cert.getSubjectAlternativeNames() == null) {
            return false;
        }
        boolean isIp = host.matches("[0-9.]+") || host.contains(":");
        for (List<?> entry : cert.getSubjectAlternativeNames()) {
            int type = (Integer) entry.get(0);
            String name = String.valueOf(entry.get(1));
            if (isIp && type == 7 && sameAddress(name, host)) {
                return true;
            }
            if (!isIp && type == 2 && (name.equalsIgnoreCase(host) || name.startsWith("*.")
                    && host.toLowerCase().endsWith(name.substring(1).toLowerCase())
                    && host.indexOf('.') == host.length() - name.length() + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b.replaceAll("[\\[\\]]", "")));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<? extends Certificate> certificates(String file, String what) {
        try {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(Files.readAllBytes(Path.of(file))));
            if (certs.isEmpty()) {
                throw fail(EXIT_CONFIG, "%s %s holds no PEM certificate", what, file);
            }
            return new ArrayList<>(certs);
        } catch (LabException e) {
            throw e;
        } catch (Exception e) {
            throw fail(EXIT_CONFIG, "%s %s is not a PEM certificate file: %s", what, file, e.getMessage());
        }
    }

    private static PrivateKey privateKey(String file) {
        String pem = readSecretFile(file, "[nats.tls] key_file");
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw fail(EXIT_CONFIG, "[nats.tls] key_file %s is not an unencrypted PKCS#8 PEM key: convert it with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in %s -out key.pem`", file, file);
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception notThisOne) {
                // try the next algorithm
            }
        }
        throw fail(EXIT_CONFIG, "[nats.tls] key_file %s holds no RSA, EC or Ed25519 key", file);
    }

    private static String readSecretFile(String file, String what) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw fail(EXIT_CONFIG, "cannot read the %s file %s: %s", what, file, e.getMessage());
        }
    }

    private static void closeQuietly(Connection nc) {
        try {
            nc.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The lab's stream, or a one-line error saying to run js-bootstrap. */
    StreamContext streamContext(Connection nc) throws IOException {
        try {
            return nc.getStreamContext(stream);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == 10059
                    ? fail(EXIT_NOT_FOUND, "stream %s not found at %s: run js-bootstrap first", stream, displayUrl())
                    : fail(EXIT_FAILED, "cannot read stream %s: %s", stream, e.getErrorDescription());
        }
    }

    /** The lab's durable consumer, or a one-line error saying to run js-bootstrap. */
    ConsumerContext consumerContext(Connection nc) throws IOException {
        StreamContext streamContext = streamContext(nc);
        try {
            return streamContext.getConsumerContext(consumer);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == 10014
                    ? fail(EXIT_NOT_FOUND, "consumer %s not found on stream %s: run js-bootstrap first", consumer, stream)
                    : fail(EXIT_FAILED, "cannot read consumer %s: %s", consumer, e.getErrorDescription());
        }
    }

    // ----------------------------------------------------------------- layers

    private record Key(String name, Class<?> type) {
        String section() {
            return name.substring(0, name.lastIndexOf('.'));
        }

        String leaf() {
            return name.substring(name.lastIndexOf('.') + 1);
        }

        String display() {
            return "[" + section() + "] " + leaf();
        }
    }

    private static final List<Key> KEYS = List.of(
            new Key("runtime.mode", String.class),
            new Key("nats.url", String.class),
            new Key("nats.subject", String.class),
            new Key("nats.stream", String.class),
            new Key("nats.consumer", String.class),
            new Key("recv.wait_secs", Long.class),
            new Key("consumer.ack_wait_secs", Long.class),
            new Key("consumer.max_deliver", Long.class),
            new Key("stream.duplicate_window_secs", Long.class),
            new Key("stream.storage", String.class),
            new Key("nats.auth.user", String.class),
            new Key("nats.auth.password", String.class),
            new Key("nats.auth.password_file", String.class),
            new Key("nats.auth.password_env", String.class),
            new Key("nats.auth.token", String.class),
            new Key("nats.auth.token_file", String.class),
            new Key("nats.auth.token_env", String.class),
            new Key("nats.auth.nkey_seed_file", String.class),
            new Key("nats.auth.creds_file", String.class),
            new Key("nats.tls.ca_file", String.class),
            new Key("nats.tls.cert_file", String.class),
            new Key("nats.tls.key_file", String.class),
            new Key("nats.tls.handshake_first", Boolean.class));

    /** Values never printed; *_file and *_env are other ways to give the same value. */
    private static final Set<String> SECRET_KEYS = Set.of("nats.auth.password", "nats.auth.token");

    private static final Map<String, Object> DEFAULTS = Map.of(
            "runtime.mode", "local",
            "nats.url", "nats://127.0.0.1:4222",
            "nats.subject", "lab4.stream",
            "nats.stream", "LAB4_STREAM",
            "nats.consumer", "LAB4_CONSUMER",
            "recv.wait_secs", 5L,
            "consumer.ack_wait_secs", 30L,
            "consumer.max_deliver", -1L,
            "stream.duplicate_window_secs", DEFAULT_DUPLICATE_WINDOW_SECS,
            "stream.storage", "file");

    private Config(Map<String, Object> values, Map<String, String> sources) {
        this.values = values;
        this.sources = sources;
        this.mode = (String) values.get("runtime.mode");
        this.url = (String) values.get("nats.url");
        this.subject = (String) values.get("nats.subject");
        this.stream = (String) values.get("nats.stream");
        this.consumer = (String) values.get("nats.consumer");
        this.wait = Duration.ofSeconds((Long) values.get("recv.wait_secs"));
        this.ackWait = Duration.ofSeconds((Long) values.get("consumer.ack_wait_secs"));
        this.maxDeliver = (Long) values.get("consumer.max_deliver");
        this.duplicateWindow = Duration.ofSeconds((Long) values.get("stream.duplicate_window_secs"));
        this.storage = (String) values.get("stream.storage");
        this.user = (String) values.get("nats.auth.user");
        this.password = (String) values.get("nats.auth.password");
        this.token = (String) values.get("nats.auth.token");
        this.nkeySeedFile = (String) values.get("nats.auth.nkey_seed_file");
        this.credsFile = (String) values.get("nats.auth.creds_file");
        this.caFile = (String) values.get("nats.tls.ca_file");
        this.certFile = (String) values.get("nats.tls.cert_file");
        this.keyFile = (String) values.get("nats.tls.key_file");
        this.handshakeFirst = Boolean.TRUE.equals(values.get("nats.tls.handshake_first"));
    }

    /** Applies the layers lowest first: defaults, root file, lab file, natscli context, environment, flags. */
    static Config load(Options flags, Map<String, String> env) {
        Map<String, Object> values = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> sources = new LinkedHashMap<>();
        DEFAULTS.keySet().forEach(key -> sources.put(key, "built-in default"));

        readFile(configFile(flags.config, Path.of("config.toml")), values, sources, env);
        readFile(configFile(flags.labConfig, Path.of("labs", DEFAULT_LAB, "config.toml")), values, sources, env);

        String context = flags.context != null ? flags.context : env.get("NATS_CONTEXT");
        if (context != null && !context.isEmpty()) {
            readContext(context, flags.context != null ? "flag --context" : "env NATS_CONTEXT", values, sources, env);
        }

        put(values, sources, "nats.url", env.get("NATS_URL"), "env NATS_URL");
        for (String[] pair : new String[][]{{"NATS_USER", "nats.auth.user"}, {"NATS_PASSWORD", "nats.auth.password"},
                {"NATS_TOKEN", "nats.auth.token"}, {"NATS_NKEY", "nats.auth.nkey_seed_file"},
                {"NATS_CREDS", "nats.auth.creds_file"}, {"NATS_CA", "nats.tls.ca_file"},
                {"NATS_CERT", "nats.tls.cert_file"}, {"NATS_KEY", "nats.tls.key_file"}}) {
            String value = env.get(pair[0]);
            put(values, sources, pair[1], value == null || value.isEmpty() ? null : value, "env " + pair[0]);
        }

        put(values, sources, "nats.url", flags.server, "flag --server");
        put(values, sources, "nats.subject", flags.subject, "flag --subject");
        put(values, sources, "nats.stream", flags.stream, "flag --stream");
        put(values, sources, "nats.consumer", flags.consumer, "flag --consumer");
        put(values, sources, "recv.wait_secs", flags.waitSecs, "flag --wait");
        put(values, sources, "nats.auth.user", flags.user, "flag --user");
        put(values, sources, "nats.auth.password", flags.password, "flag --password");
        put(values, sources, "nats.auth.token", flags.token, "flag --token");
        put(values, sources, "nats.auth.nkey_seed_file", flags.nkey, "flag --nkey");
        put(values, sources, "nats.auth.creds_file", flags.creds, "flag --creds");
        put(values, sources, "nats.tls.ca_file", flags.tlsCa, "flag --tlsca");
        put(values, sources, "nats.tls.cert_file", flags.tlsCert, "flag --tlscert");
        put(values, sources, "nats.tls.key_file", flags.tlsKey, "flag --tlskey");
        put(values, sources, "nats.tls.handshake_first", flags.tlsFirst, "flag --tlsfirst");

        for (String key : SECRET_KEYS) {
            if (values.get(key) instanceof String secret && secret.length() >= 4) { // shorter: masking would garble text
                SECRETS.add(secret);
            }
        }
        String url = (String) values.get("nats.url");
        java.util.regex.Matcher inUrl = Pattern.compile("://[^:/@]+:([^@/]+)@").matcher(url);
        if (inUrl.find() && inUrl.group(1).length() >= 4) {
            SECRETS.add(inUrl.group(1));
        }
        validate(values, sources);
        return new Config(values, sources);
    }

    /** A named file must exist; an unnamed default is used only when present. */
    private static Path configFile(Path named, Path fallback) {
        if (named != null) {
            return named;
        }
        return Files.isRegularFile(fallback) ? fallback : null;
    }

    private static void put(Map<String, Object> values, Map<String, String> sources, String key, Object value, String source) {
        if (value != null) {
            values.put(key, value);
            sources.put(key, source);
        }
    }

    private static void readFile(Path file, Map<String, Object> values, Map<String, String> sources, Map<String, String> env) {
        if (file == null) {
            return;
        }
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (NoSuchFileException e) {
            throw fail(EXIT_CONFIG, "config file %s not found: check the path, or leave the flag out to use defaults", file);
        } catch (IOException e) {
            throw fail(EXIT_CONFIG, "cannot read config file %s: %s", file, e.getMessage());
        }
        if (toml.hasErrors()) {
            var error = toml.errors().get(0);
            throw fail(EXIT_CONFIG, "%s:%d: not valid TOML: %s", file, error.position().line(), error.getMessage());
        }
        for (Key key : KEYS) {
            Object value = toml.get(key.name());
            if (value == null) {
                continue;
            }
            String where = file + ":" + line(toml.inputPositionOf(key.name()));
            if (!key.type().isInstance(value)) {
                String expected = key.type() == Long.class ? "a whole number, like 5"
                        : key.type() == Boolean.class ? "true or false" : "a string in quotes";
                String shown = SECRET_KEYS.contains(key.name()) ? "a " + value.getClass().getSimpleName().toLowerCase() : String.valueOf(value);
                throw fail(EXIT_CONFIG, "%s: %s must be %s, got %s", where, key.display(), expected, shown);
            }
            String source = where + " " + key.display();
            if (key.leaf().endsWith("_file") && SECRET_KEYS.contains(key.section() + "." + key.leaf().replace("_file", ""))) {
                String target = key.section() + "." + key.leaf().replace("_file", "");
                put(values, sources, target, secretFromFile(expandHome((String) value), source), source);
            } else if (key.leaf().endsWith("_env")) {
                String target = key.section() + "." + key.leaf().replace("_env", "");
                String secret = env.get((String) value);
                if (secret == null || secret.isEmpty()) {
                    throw fail(EXIT_CONFIG, "%s names the environment variable %s, which is not set: export it, or "
                            + "remove the key", source, value);
                }
                put(values, sources, target, secret, source + " (" + value + ")");
            } else {
                put(values, sources, key.name(), key.type() == String.class && key.leaf().endsWith("_file")
                        ? expandHome((String) value) : value, source);
            }
        }
        warnAboutUnknownKeys(file, toml);
    }

    private static String secretFromFile(String file, String source) {
        try {
            String secret = Files.readString(Path.of(file)).trim();
            if (secret.isEmpty()) {
                throw fail(EXIT_CONFIG, "%s: %s is empty", source, file);
            }
            return secret;
        } catch (IOException e) {
            throw fail(EXIT_CONFIG, "%s: cannot read %s (%s)", source, file, e.getClass().getSimpleName());
        }
    }

    private static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    /** natscli's context file: url, user, password, token, creds, nkey and TLS files, as `nats` uses them. */
    private static void readContext(String name, String how, Map<String, Object> values, Map<String, String> sources,
                                    Map<String, String> env) {
        Path file;
        if (name.contains("/") || name.endsWith(".json")) {
            file = Path.of(expandHome(name));
        } else {
            String configHome = env.getOrDefault("XDG_CONFIG_HOME", System.getProperty("user.home") + "/.config");
            file = Path.of(configHome, "nats", "context", name + ".json");
        }
        JsonValue json;
        try {
            json = JsonParser.parse(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw fail(EXIT_CONFIG, "%s: natscli context %s not found (no file %s); `nats context ls` lists yours",
                    how, name, file);
        } catch (Exception e) {
            throw fail(EXIT_CONFIG, "%s: natscli context file %s is not valid JSON: %s", how, file, e.getMessage());
        }
        String source = "context " + name + " (" + file + ")";
        String[][] fields = {{"url", "nats.url"}, {"user", "nats.auth.user"}, {"password", "nats.auth.password"},
                {"token", "nats.auth.token"}, {"creds", "nats.auth.creds_file"}, {"nkey", "nats.auth.nkey_seed_file"},
                {"ca", "nats.tls.ca_file"}, {"cert", "nats.tls.cert_file"}, {"key", "nats.tls.key_file"}};
        for (String[] field : fields) {
            JsonValue value = json.map == null ? null : json.map.get(field[0]);
            if (value != null && value.string != null && !value.string.isEmpty()) {
                put(values, sources, field[1], field[1].endsWith("_file") ? expandHome(value.string) : value.string,
                        source + " " + field[0]);
            }
        }
        JsonValue tlsFirst = json.map == null ? null : json.map.get("tls_first");
        if (tlsFirst != null && Boolean.TRUE.equals(tlsFirst.bool)) {
            put(values, sources, "nats.tls.handshake_first", true, source + " tls_first");
        }
    }

    private static void warnAboutUnknownKeys(Path file, TomlParseResult toml) {
        Set<String> known = new java.util.HashSet<>();
        KEYS.forEach(key -> known.add(key.name()));
        for (String dotted : toml.dottedKeySet()) {
            if (!known.contains(dotted)) {
                System.err.printf("WARN %s:%d: unknown key %s is ignored (known: %s)%n",
                        file, line(toml.inputPositionOf(dotted)), dotted, String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static int line(TomlPosition position) {
        return position == null ? 0 : position.line();
    }

    /** --show-config: every setting in force, where it came from, secrets masked. */
    String effectiveConfig() {
        StringBuilder out = new StringBuilder("effective config (highest wins: flag, env, context, lab file, root file, "
                + "built-in default)\n");
        for (Key known : KEYS) {
            String key = known.name();
            if (!sources.containsKey(key)) {
                continue;
            }
            Object value = values.get(key);
            String shown = SECRET_KEYS.contains(key) ? "****"
                    : key.equals("nats.url") ? quoted(displayUrl())
                    : value instanceof String text ? quoted(text) : String.valueOf(value);
            out.append(String.format("  %-30s = %-32s  %s%n", key, shown, sources.get(key)));
        }
        return out.toString();
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SUBJECT = Pattern.compile("[^\\s*>.]+(\\.[^\\s*>.]+)*");

    private static void validate(Map<String, Object> values, Map<String, String> sources) {
        String mode = (String) values.get("runtime.mode");
        if (!mode.equals("local") && !mode.equals("remote")) {
            throw invalid(sources, "runtime.mode", mode, "use \"local\" or \"remote\"");
        }
        String storage = (String) values.get("stream.storage");
        if (!storage.equals("file") && !storage.equals("memory")) {
            throw invalid(sources, "stream.storage", storage, "use \"file\" (kept on disk) or \"memory\"");
        }
        String url = (String) values.get("nats.url");
        if (!validUrl(url)) {
            throw invalid(sources, "nats.url", url, "expected a URL like nats://127.0.0.1:4222");
        }
        String subject = (String) values.get("nats.subject");
        if (!SUBJECT.matcher(subject).matches()) {
            throw invalid(sources, "nats.subject", subject, "use dot-separated tokens without spaces or wildcards, like lab4.stream");
        }
        for (String key : List.of("nats.stream", "nats.consumer")) {
            String name = (String) values.get(key);
            if (!NAME.matcher(name).matches()) {
                throw invalid(sources, key, name, "use letters, digits, - and _ only (no spaces, '.', '*' or '>')");
            }
        }
        long maxDeliver = (Long) values.get("consumer.max_deliver");
        if (maxDeliver == 0 || maxDeliver < -1) {
            throw invalid(sources, "consumer.max_deliver", maxDeliver, "use -1 for no limit, or 1 or more");
        }
        for (String key : List.of("recv.wait_secs", "consumer.ack_wait_secs", "stream.duplicate_window_secs")) {
            long seconds = (Long) values.get(key);
            if (seconds < 1) {
                throw invalid(sources, key, seconds, "it must be at least 1 second");
            }
        }
        validateLogin(values, sources);
    }

    /** One way to log in at a time, complete, with files that exist and look right. */
    private static void validateLogin(Map<String, Object> values, Map<String, String> sources) {
        boolean hasUser = values.get("nats.auth.user") != null;
        boolean hasPassword = values.get("nats.auth.password") != null;
        if (hasUser != hasPassword) {
            String missing = hasUser ? "a password" : "a user";
            String given = hasUser ? "nats.auth.user" : "nats.auth.password";
            throw fail(sources.get(given).startsWith("flag") ? EXIT_USAGE : EXIT_CONFIG, "%s: a login needs %s too: "
                    + "set [nats.auth] %s (or %s)", sources.get(given), missing, hasUser ? "password_env or password_file"
                    : "user", hasUser ? "NATS_PASSWORD, --password" : "NATS_USER, --user");
        }
        List<String> methods = new ArrayList<>();
        for (String key : List.of("nats.auth.user", "nats.auth.token", "nats.auth.nkey_seed_file", "nats.auth.creds_file")) {
            if (values.get(key) != null) {
                methods.add(key.substring(key.lastIndexOf('.') + 1) + " (" + sources.get(key) + ")");
            }
        }
        if (methods.size() > 1) {
            throw fail(EXIT_CONFIG, "more than one way to log in is set: %s; keep one", String.join(" and ", methods));
        }
        for (String key : List.of("nats.auth.nkey_seed_file", "nats.auth.creds_file", "nats.tls.ca_file",
                "nats.tls.cert_file", "nats.tls.key_file")) {
            String file = (String) values.get(key);
            if (file != null && !Files.isReadable(Path.of(file))) {
                throw fail(sources.get(key).startsWith("flag") ? EXIT_USAGE : EXIT_CONFIG,
                        "%s: file %s not found (or not readable)", sources.get(key), file);
            }
        }
        checkCredentialFile(values, sources, "nats.auth.nkey_seed_file", "SU",
                "no user nkey seed (a line starting with SU) in it: use the seed file nsc or `nk -gen user` wrote");
        checkCredentialFile(values, sources, "nats.auth.creds_file", "-----BEGIN NATS USER JWT-----",
                "it is not a .creds file (no NATS USER JWT block): download it again, or make one with nsc");
        if ((values.get("nats.tls.cert_file") == null) != (values.get("nats.tls.key_file") == null)) {
            String given = values.get("nats.tls.cert_file") != null ? "nats.tls.cert_file" : "nats.tls.key_file";
            throw fail(EXIT_CONFIG, "%s: a client certificate needs both cert_file and key_file", sources.get(given));
        }
    }

    private static void checkCredentialFile(Map<String, Object> values, Map<String, String> sources, String key,
                                            String marker, String problem) {
        String file = (String) values.get(key);
        if (file == null) {
            return;
        }
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException e) {
            throw fail(EXIT_CONFIG, "%s: cannot read %s", sources.get(key), file);
        }
        boolean ok = key.endsWith("nkey_seed_file")
                ? text.lines().anyMatch(line -> line.trim().startsWith(marker)) : text.contains(marker);
        if (!ok) {
            throw fail(EXIT_CONFIG, "%s: %s: %s", sources.get(key), file, problem);
        }
        if (key.endsWith("creds_file")) {
            checkNotExpired(text, file, sources.get(key));
        }
    }

    /** A creds file's JWT says when it expires ("exp", seconds): better said here than as a refused login. */
    private static void checkNotExpired(String creds, String file, String source) {
        java.util.regex.Matcher jwt = Pattern.compile("-----BEGIN NATS USER JWT-----\\s+([A-Za-z0-9_.-]+)").matcher(creds);
        if (!jwt.find() || jwt.group(1).split("\\.").length < 2) {
            return;
        }
        String claims = new String(Base64.getUrlDecoder().decode(jwt.group(1).split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher exp = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)").matcher(claims);
        if (exp.find() && Long.parseLong(exp.group(1)) < System.currentTimeMillis() / 1000) {
            throw fail(EXIT_CONFIG, "%s: the user JWT in %s expired at %s: get fresh credentials", source, file,
                    java.time.Instant.ofEpochSecond(Long.parseLong(exp.group(1))));
        }
    }

    private static boolean validUrl(String url) {
        try {
            URI uri = new URI(url);
            return Set.of("nats", "tls", "ws", "wss").contains(String.valueOf(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static LabException invalid(Map<String, String> sources, String key, Object value, String hint) {
        String shown = value instanceof String text ? quoted(key.equals("nats.url") ? maskUrl(text) : text) : String.valueOf(value);
        int exitCode = sources.get(key).startsWith("flag") ? EXIT_USAGE : EXIT_CONFIG;
        return fail(exitCode, "%s: %s is not valid: %s", sources.get(key), shown, hint);
    }

    /** Where a setting came from, e.g. "env NATS_URL" or "config.toml:7 [nats] url". */
    String sourceOf(String key) {
        return sources.get(key);
    }
}
