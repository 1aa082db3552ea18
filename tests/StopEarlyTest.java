// SIGTERM or Ctrl-C before a run watches for signals itself (while it reads its config, connects,
// or waits for its first answer) still ends with one line saying how far it got, and exit 143.

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StopEarlyTest {
    private static final int SIGTERM_EXIT = 143;

    @Test
    void sigtermWhileConnectingSaysNothingWasSent() throws Exception {
        // a server that accepts the connection and never says a word: the script is stuck connecting
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout(120_000); // a script that never gets as far as connecting fails the test, not hangs it
            for (String script : new String[] {"JsPub", "JsInfo", "JsPull", "JsBootstrap", "JsPurge"}) {
                try (Run.Started run = Run.script(script, script.equals("JsPub") ? new String[] {"x"} : new String[0])
                        .env("NATS_URL", "nats://127.0.0.1:" + silent.getLocalPort()).env("NATS_TIMEOUT", "60s").start();
                     Socket connected = silent.accept()) {
                    run.signal("TERM");
                    Run.Result result = run.finish();
                    assertEquals(SIGTERM_EXIT, result.exit(), result.toString());
                    // js-pub and js-pull watch for signals before they connect, so they say their own count
                    String expected = switch (script) {
                        case "JsPub" -> "ERROR interrupted: 0 messages confirmed by a PubAck\n";
                        case "JsPull" -> "ERROR interrupted: 0 messages printed and acked\n";
                        default -> "ERROR stopped (Ctrl-C or SIGTERM) before it connected: nothing was sent or changed\n";
                    };
                    assertEquals(expected, result.err(), script + ": " + result);
                }
            }
        }
    }

    @Test
    void sigtermWhileWaitingForTheFirstAnswerSaysItConnected() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        try (FakeNatsServer mute = new FakeNatsServer("mute", "2.9.10", subject -> {
            asked.countDown();
            return null; // no answer: js-info waits for it
        }); Run.Started run = Run.script("JsInfo").env("NATS_URL", mute.url()).env("NATS_TIMEOUT", "60s").start()) {
            assertTrue(asked.await(60, TimeUnit.SECONDS), "js-info never asked");
            run.signal("TERM");
            Run.Result result = run.finish();
            assertEquals(SIGTERM_EXIT, result.exit(), result.toString());
            assertEquals("ERROR stopped (Ctrl-C or SIGTERM) after it connected, before it finished: js-info shows what "
                    + "the server has now\n", result.err(), result.toString());
        }
    }
}
