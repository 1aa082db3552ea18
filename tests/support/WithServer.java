// Base for tests that need a nats-server: one per test class, emptied before each test.

import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Scratch.class)
abstract class WithServer {
    static NatsServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = NatsServer.startWithJetStream();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void emptyServer() throws Exception {
        server.reset();
    }

    /** A lab script run against this class's server, in an empty folder (no config files). */
    static Run script(String mainClass, String... args) {
        return Run.script(mainClass, args).server(server);
    }

    static Run.Result bootstrap(String... args) throws Exception {
        return ok(script("JsBootstrap", args).go());
    }

    static Run.Result publish(String... messages) throws Exception {
        Run.Result last = null;
        for (String message : messages) {
            last = ok(script("JsPub", message).go());
        }
        return last;
    }

    static Run.Result ok(Run.Result result) {
        if (result.exit() != 0) {
            throw new AssertionError("expected success, got " + result);
        }
        return result;
    }

    /** A TOML file with this text, removed when the test class is done (see Scratch). */
    static String tomlFile(String text) throws Exception {
        return Scratch.toml(text).toString();
    }

    static Connection connect() throws Exception {
        return server.connect();
    }
}
