// What the server said in its last -ERR: nats-server sends one before it closes a connection
// ('Maximum Control Line Exceeded', 'Stale Connection', 'Slow Consumer', ...). jnats reports only a
// closed connection, so a run that lost its connection asks it for the server's last words and says
// them in its last line.
//SOURCES Output.java

import io.nats.client.Connection;
import java.util.Locale;

final class ServerWords {
    private static volatile Connection watched;

    private ServerWords() {
    }

    /** The connection whose words a lost connection's line says (a test runs several scripts in one JVM). */
    static void watching(Connection connection) {
        watched = connection;
    }

    /**
     * Why the connection went, for a lost connection's line: the server's last -ERR, quoted (it is the server's
     * text), with what it usually means; without one, the usual suspects.
     */
    static String whyClosed() {
        // jnats keeps the last -ERR as its reader thread reads it, before it reads the close; its error
        // listener hears of it later, on another thread, sometimes after the run has given up
        Connection connection = watched;
        String said = connection == null ? null : connection.getLastError();
        String text = said == null ? "" : said.toLowerCase(Locale.ROOT);
        if (said == null || text.contains("permissions violation")) { // a refused subject closes nothing
            return "it stopped, restarted or stopped answering, or the network dropped";
        }
        String means = text.contains("maximum control line") ? ": a protocol line, such as a message's with a long subject, "
                + "was longer than the server's max_control_line"
                : text.contains("stale connection") ? ": this client did not answer the server's pings in time (paused, "
                + "or too busy)"
                : text.contains("slow consumer") ? ": this client did not read what the server sent fast enough" : "";
        return "the server closed it, saying " + Output.quoted(said) + means;
    }
}
