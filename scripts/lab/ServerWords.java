// What the server said in its last -ERR: nats-server sends one before it closes a connection
// ('Maximum Control Line Exceeded', 'Stale Connection', 'Slow Consumer', ...). jnats passes it to
// the error listener and then reports only a closed connection, so a run that lost its connection
// keeps the server's own reason here and says it in its last line.
//SOURCES Output.java

import java.util.Locale;

final class ServerWords {
    private static volatile String last;

    private ServerWords() {
    }

    /** A new connection: nothing said yet (a test runs several scripts in one JVM, one after another). */
    static void forget() {
        last = null;
    }

    /** An -ERR's text, as jnats handed it to the error listener. */
    static void said(String error) {
        last = error;
    }

    /**
     * Why the connection went, for a lost connection's line: the server's last -ERR, quoted (it is the server's
     * text), with what it usually means; without one, the usual suspects.
     */
    static String whyClosed() {
        String said = last;
        if (said == null) {
            return "it stopped, restarted or stopped answering, or the network dropped";
        }
        String text = said.toLowerCase(Locale.ROOT);
        String means = text.contains("maximum control line") ? ": a protocol line, such as a message's with a long subject, "
                + "was longer than the server's max_control_line"
                : text.contains("stale connection") ? ": this client did not answer the server's pings in time (paused, "
                + "or too busy)"
                : text.contains("slow consumer") ? ": this client did not read what the server sent fast enough" : "";
        return "the server closed it, saying " + Output.quoted(said) + means;
    }
}
