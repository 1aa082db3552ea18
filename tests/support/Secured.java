// Credentials and certificates for secured nats-servers, made fresh for each test run:
// users with permissions, a token, an nkey, operator-mode creds (JWTs signed with jnats'
// NKey), and a CA with server and client certificates (openssl). Secrets are distinctive
// strings, so a test can check that no output ever contains them.

import io.nats.client.NKey;
import io.nats.client.support.Encoding;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;

final class Secured {
    static final String ALICE_PASSWORD = "alice-pw-Q7x9-secret";
    static final String BOB_PASSWORD = "bob-pw-K2m4-secret";
    static final String TOKEN = "token-Z8p3-secret";
    static final List<String> ALL_SECRETS = List.of(ALICE_PASSWORD, BOB_PASSWORD, TOKEN);

    /**
     * Every test server gives a client 10 s to log in instead of 2 (nats-server's default). A
     * script signs the server's nonce with an nkey only when it logs in, and on a loaded machine
     * the JVM's first signature (loading BouncyCastle) can take longer than 2 s.
     */
    static final String LOGIN_TIMEOUT = "timeout: 10";
    /**
     * And 10 s for the TLS handshake instead of 2: on a loaded machine a JVM's first handshake can take longer,
     * and the server then closes a connection the client counts as set up.
     */
    static final String TLS_TIMEOUT = "timeout: 10";

    final Path dir;
    /** The lab account and its user from the last operatorConfig: to write that user's creds again. */
    private NKey labAccount;
    private NKey labUser;

    Secured() throws Exception {
        dir = Files.createTempDirectory("lab-secured-");
    }

    /** alice may use the lab; bob may look (stream and consumer info) but not publish or create. */
    String usersConfig() {
        return """
                authorization {
                  %s
                  users = [
                    { user: alice, password: "%s",
                      permissions: { publish: { allow: ["lab4.>", "$JS.API.>", "$JS.ACK.>", "_INBOX.>"] },
                                     subscribe: { allow: ["_INBOX.>"] } } },
                    { user: carol, password: "%s",
                      permissions: { publish: { allow: [">"] }, subscribe: { deny: ["_INBOX.>"] } } },
                    { user: bob, password: "%s",
                      permissions: { publish: { allow: ["$JS.API.INFO", "$JS.API.STREAM.INFO.>", "$JS.API.CONSUMER.INFO.>"] },
                                     subscribe: { allow: ["_INBOX.>"] } } }
                  ]
                }
                """.formatted(LOGIN_TIMEOUT, ALICE_PASSWORD, BOB_PASSWORD, BOB_PASSWORD);
    }

    String tokenConfig() {
        return "authorization { token: \"" + TOKEN + "\", " + LOGIN_TIMEOUT + " }\n";
    }

    /** A server config admitting one nkey user, and the seed file that user logs in with. */
    String nkeyConfig(Path seedFile) throws Exception {
        NKey user = NKey.createUser(null);
        ownerOnly(Files.writeString(seedFile, new String(user.getSeed()) + "\n"));
        return "authorization { " + LOGIN_TIMEOUT + ", users = [ { nkey: " + new String(user.getPublicKey()) + " } ] }\n";
    }

    /**
     * Operator mode with a memory resolver: an operator, a system account, a lab account with
     * JetStream, and a .creds file for one user of it (expired, when asked).
     */
    String operatorConfig(Path credsFile, boolean expired) throws Exception {
        NKey operator = NKey.createOperator(null);
        NKey system = NKey.createAccount(null);
        NKey account = NKey.createAccount(null);
        NKey user = NKey.createUser(null);
        String operatorJwt = jwt(operator, pub(operator), "OP", "\"type\":\"operator\",\"version\":2", null);
        String systemJwt = jwt(operator, pub(system), "SYS", "\"type\":\"account\",\"version\":2", null);
        String limits = "\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
                + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1,\"mem_storage\":-1,\"disk_storage\":-1,\"streams\":-1,"
                + "\"consumer\":-1}";
        String accountJwt = jwt(operator, pub(account), "LAB", limits + ",\"type\":\"account\",\"version\":2", null);
        labAccount = account;
        labUser = user;
        writeCreds(credsFile, expired ? Instant.now().getEpochSecond() - 3600 : null);
        return """
                operator: "%s"
                system_account: %s
                resolver: MEMORY
                resolver_preload: {
                  %s: "%s"
                  %s: "%s"
                }
                authorization { %s }
                """.formatted(operatorJwt, pub(system), pub(system), systemJwt, pub(account), accountJwt, LOGIN_TIMEOUT);
    }

    /** A .creds file for the lab user of the last operatorConfig, its JWT expiring at `expires` (epoch seconds) if given. */
    void writeCreds(Path credsFile, Long expires) throws Exception {
        writeCreds(credsFile, expires == null ? "" : ",\"exp\":" + expires, "");
    }

    /**
     * The same, signed as the server wants it, with these extra top-level claims (",\"exp\":..." say) and
     * these extra claims inside "nats" (which the server ignores when it does not know them).
     */
    void writeCreds(Path credsFile, String claims, String natsClaims) throws Exception {
        String userJwt = jwt(labAccount, pub(labUser), "lab-user", "\"pub\":{},\"sub\":{},\"subs\":-1,\"data\":-1,"
                + "\"payload\":-1,\"type\":\"user\",\"version\":2" + natsClaims, claims);
        ownerOnly(Files.writeString(credsFile, creds(userJwt, new String(labUser.getSeed()))));
    }

    /** The text of a .creds file, as nsc writes it. */
    static String creds(String jwt, String seed) {
        return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + seed + "\n------END USER NKEY SEED------\n";
    }

    /** rw------- : how a seed, .creds or key file should be kept (the scripts warn about anything looser). */
    static Path ownerOnly(Path file) throws Exception {
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String pub(NKey key) throws Exception {
        return new String(key.getPublicKey());
    }

    /** A NATS JWT: base64url header and claims, signed with the issuer's nkey (ed25519). */
    private static String jwt(NKey issuer, String subject, String name, String nats, String claims) throws Exception {
        long issued = Instant.now().getEpochSecond() - 7200;
        String body = "{\"iat\":" + issued + (claims == null ? "" : claims) + ",\"iss\":\"" + pub(issuer)
                + "\",\"name\":\"" + name + "\",\"sub\":\"" + subject + "\",\"nats\":{" + nats + "}}";
        String jti = new String(Encoding.base32Encode(MessageDigest.getInstance("SHA-256")
                .digest(body.getBytes(StandardCharsets.UTF_8))));
        String all = "{\"jti\":\"" + jti + "\"," + body.substring(1);
        String header = Encoding.toBase64Url("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}");
        String signed = header + "." + Encoding.toBase64Url(all);
        return signed + "." + Encoding.toBase64Url(issuer.sign(signed.getBytes(StandardCharsets.UTF_8)));
    }

    // -------------------------------------------------------------- TLS

    /** ca.pem signing server.pem (127.0.0.1 and localhost) and client.pem; other-ca.pem signs nothing we use. */
    void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=lab test CA",
                "-keyout", "ca-key.pem", "-out", "ca.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=some other CA",
                "-keyout", "other-ca-key.pem", "-out", "other-ca.pem");
        signed("server", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        signed("wrong-host", "subjectAltName=DNS:elsewhere.invalid");
        signed("localhost-only", "subjectAltName=DNS:localhost");
        signed("ip-only", "subjectAltName=IP:127.0.0.1");
        signed("client", "extendedKeyUsage=clientAuth");
    }

    /** A PKCS#12 keystore (password "lab") of one of the certificates above, for a TLS server of the test's own. */
    Path keystore(String certName) throws Exception {
        openssl("pkcs12", "-export", "-in", certName + ".pem", "-inkey", certName + "-key.pem", "-name", certName,
                "-passout", "pass:lab", "-out", certName + ".p12");
        return dir.resolve(certName + ".p12");
    }

    private void signed(String name, String extension) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", name + "-key.pem",
                "-out", name + ".csr");
        Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Run.Result result = Run.command(command.toArray(String[]::new)).in(dir).go();
        if (result.exit() != 0) {
            throw new IllegalStateException("openssl failed: " + command + "\n" + result);
        }
    }

    /** TLS required on the client port, with the given certificate ("server" or "wrong-host"). */
    String tlsConfig(String certName, boolean verifyClients) {
        return """
                tls {
                  cert_file: "%s"
                  key_file: "%s"
                  ca_file: "%s"
                  verify: %s
                  %s
                }
                """.formatted(file(certName + ".pem"), file(certName + "-key.pem"), file("ca.pem"), verifyClients, TLS_TIMEOUT);
    }

    String file(String name) {
        return dir.resolve(name).toString();
    }

    void delete() throws Exception {
        Run.deleteTree(dir);
    }
}
