// What the server said in its last -ERR: nats-server sends one before it closes a connection
// ('Maximum Control Line Exceeded', 'Stale Connection', 'Slow Consumer', ...). jnats reports only a
// closed connection, so a run that lost its connection asks it for the server's last words and says
// them in its last line.
//SOURCES Output.java

import io.nats.client.Connection;
import java.util.List;
import java.util.Locale;

final class ServerWords {
    private static volatile Connection watched;

    /**
     * The -ERRs nats-server closes a connection after. Others (a permissions violation, maximum subscriptions
     * exceeded, an invalid subject) close nothing: one of those, seen earlier, is no reason for a later loss.
     */
    private static final List<String> CLOSING = List.of("maximum control line", "stale connection", "slow consumer",
            "maximum payload", "maximum connections", "authorization violation", "authentication", "expired",
            "parser error", "unknown protocol", "tls required", "invalid client protocol", "requires headers");

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
        if (said == null || CLOSING.stream().noneMatch(text::contains)) { // one that closes nothing may be old news
            return "it stopped, restarted or stopped answering, or the network dropped";
        }
        String means = text.contains("maximum control line") ? ": a protocol line, such as a message's with a long subject, "
                + "was longer than the server's max_control_line"
                : text.contains("stale connection") ? ": this client did not answer the server's pings in time (paused, "
                + "or too busy)"
                : text.contains("slow consumer") ? ": this client did not read what the server sent fast enough" : "";
        return "the server closed it, saying " + Output.quotedStart(said) + means; // its first 200 bytes: a server chose its length
    }
}
