// TLS from PEM files: the CA to trust (or the JDK's own), the client's certificate and key when
// given, and a check that the server's certificate names the host each connection dials: every
// server of a list, on every connect and reconnect (jnats checks no host names itself).
//SOURCES CheckedFiles.java Exit.java

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

final class Tls {
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    /** The context jnats uses for every connection of this run. */
    final SSLContext context;
    /** Whether a server got as far as showing its certificate: tells "no TLS at all" from "TLS, then silence". */
    private final AtomicBoolean certificateSeen = new AtomicBoolean();

    /** A PEM file and where it was named ("flag --tlscert", "config.toml:9 [nats.tls] cert_file"): a problem with it names both. */
    record PemFile(String path, String source) {
        /** Null when no path is set. */
        static PemFile of(String path, String source) {
            return path == null ? null : new PemFile(path, source);
        }
    }

    private Tls(PemFile caFile, PemFile certFile, PemFile keyFile) {
        this.context = context(caFile, certFile, keyFile);
    }

    /** TLS from these files: caFile null trusts the JDK's CAs; certFile and keyFile null: no client certificate. */
    static Tls fromFiles(PemFile caFile, PemFile certFile, PemFile keyFile) {
        return new Tls(caFile, certFile, keyFile);
    }

    boolean certificateSeen() {
        return certificateSeen.get();
    }

    private SSLContext context(PemFile caFile, PemFile certFile, PemFile keyFile) {
        try {
            KeyStore roots = null;
            if (caFile != null) {
                roots = KeyStore.getInstance(KeyStore.getDefaultType());
                roots.load(null, null);
                int n = 0;
                for (Certificate cert : certificates(caFile)) {
                    roots.setCertificateEntry("ca-" + n++, cert);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(roots); // null: the JDK's own CAs
            X509ExtendedTrustManager checked = hostChecking((X509ExtendedTrustManager) trust.getTrustManagers()[0]);
            KeyManagerFactory keys = null;
            if (certFile != null) {
                KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
                own.load(null, null);
                char[] none = new char[0];
                own.setKeyEntry("client", privateKey(keyFile), none,
                        certificates(certFile).toArray(Certificate[]::new));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), new TrustManager[]{checked}, null);
            return context;
        } catch (LabException e) {
            throw e;
        } catch (Exception e) {
            throw Exit.config("cannot set up TLS from the configured files: %s", e.getMessage());
        }
    }

    /**
     * Trusts what the CA check trusts, and only a certificate that names the host this connection
     * dialled: the TLS session knows it (jnats opens each socket with the URL's host), so each
     * server of a list, and each reconnect, is checked against its own name. No host, no trust.
     */
    private X509ExtendedTrustManager hostChecking(X509ExtendedTrustManager base) {
        return new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                certificateSeen.set(true);
                base.checkServerTrusted(chain, authType, socket);
                SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
                checkNames(chain[0], session == null ? null : session.getPeerHost());
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                certificateSeen.set(true);
                base.checkServerTrusted(chain, authType, engine);
                checkNames(chain[0], engine == null ? null : engine.getPeerHost());
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                certificateSeen.set(true);
                base.checkServerTrusted(chain, authType);
                checkNames(chain[0], null);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                base.checkClientTrusted(chain, authType, socket);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                base.checkClientTrusted(chain, authType, engine);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                base.checkClientTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return base.getAcceptedIssuers();
            }
        };
    }

    private static void checkNames(X509Certificate cert, String host) throws CertificateException {
        if (host == null || host.isEmpty()) {
            throw new CertificateException("No host name to check the server's certificate against");
        }
        if (!names(cert, host)) {
            throw new CertificateException("No subject alternative names matching " + host);
        }
    }

    private static boolean names(X509Certificate cert, String host) throws CertificateException {
        if (cert.getSubjectAlternativeNames() == null) {
            return false;
        }
        boolean isIp = host.matches("[0-9.]+") || host.contains(":");
        for (List<?> entry : cert.getSubjectAlternativeNames()) {
            int type = (Integer) entry.get(0);
            String name = String.valueOf(entry.get(1));
            if (isIp && type == SAN_IP && sameAddress(name, host)) {
                return true;
            }
            if (!isIp && type == SAN_DNS && (name.equalsIgnoreCase(host) || name.startsWith("*.")
                    && host.toLowerCase(Locale.ROOT).endsWith(name.substring(1).toLowerCase(Locale.ROOT))
                    && host.indexOf('.') == host.length() - name.length() + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b.replaceAll("[\\[\\]]", "")));
        } catch (IOException e) {
            return false;
        }
    }

    private static List<? extends Certificate> certificates(PemFile file) {
        byte[] pem = pem(file).getBytes(StandardCharsets.UTF_8);
        try {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
            if (certs.isEmpty()) {
                throw Exit.config("%s: %s holds no PEM certificate", file.source(), file.path());
            }
            return new ArrayList<>(certs);
        } catch (LabException e) {
            throw e;
        } catch (Exception e) {
            throw Exit.config("%s: %s is not a PEM certificate file: %s", file.source(), file.path(), e.getMessage());
        }
    }

    private static PrivateKey privateKey(PemFile file) {
        String pem = pem(file).trim();
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw Exit.config("%s: %s is not an unencrypted PKCS#8 PEM key: convert it with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in %s -out key.pem`", file.source(), file.path(), file.path());
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception notThisOne) {
                // try the next algorithm
            }
        }
        throw Exit.config("%s: %s holds no RSA, EC or Ed25519 key", file.source(), file.path());
    }

    private static String pem(PemFile file) {
        return CheckedFiles.text(Path.of(file.path()), problem -> Exit.config("%s: %s %s", file.source(), file.path(), problem));
    }
}
