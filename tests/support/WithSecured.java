// Base for tests against secured nats-servers they configure themselves: credentials (and, for the
// classes that ask, certificates) made fresh for the class, and each test's own server stopped
// after it, also when the test failed.

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Scratch.class) // files a test writes for a script go when the class is done
abstract class WithSecured {
    static Secured secured;
    /** The server a test starts for itself, if any. */
    NatsServer server;

    @BeforeAll
    static void makeSecrets() throws Exception {
        secured = new Secured();
    }

    @AfterAll
    static void dropSecrets() throws Exception {
        secured.delete();
    }

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** For the classes that need TLS: a CA with server and client certificates (openssl), in their @BeforeAll. */
    static void makeCertificates() throws Exception {
        secured.makeCertificates();
    }
}
