// What the server said in its last -ERR: nats-server sends one before it closes a connection
// ('Maximum Control Line Exceeded', 'Stale Connection', 'Slow Consumer', ...). jnats reports only a
// closed connection, so a run that lost its connection asks it for the server's last words and says
// them in its last line.
//SOURCES Output.java Secrets.java

import io.nats.client.Connection;
import java.util.List;
import java.util.Locale;

final class ServerWords {
    private static volatile Connection watched;
    private static volatile Secrets secrets = Secrets.NONE;

    /**
     * How the -ERRs nats-server closes a connection after begin. Others (a permissions violation, maximum
     * subscriptions exceeded, an invalid subject) close nothing: one of those, seen earlier, is no reason for a
     * later loss, whatever subject it quotes.
     */
    private static final List<String> CLOSING = List.of("maximum control line", "stale connection", "slow consumer",
            "maximum payload", "maximum connections", "maximum account connections", "authorization violation",
            "user authentication", "account authentication", "authentication timeout", "parser error",
            "unknown protocol", "secure connection", "invalid client protocol", "no responders requires headers");

    private ServerWords() {
    }

    /** A permissions violation: the server refused one subject, and the connection stays open. */
    static boolean refusedSubject(String error) {
        return error != null && error.strip().toLowerCase(Locale.ROOT).startsWith("permissions violation");
    }

    /**
     * The connection whose words a lost connection's line says (a test runs several scripts in one JVM), and the
     * run's secrets: the words are masked before they are cut, so no cut leaves part of a secret unmasked.
     */
    static void watching(Connection connection, Secrets runSecrets) {
        watched = connection;
        secrets = runSecrets;
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
        if (said == null || CLOSING.stream().noneMatch(text::startsWith)) { // one that closes nothing may be old news
            return "it stopped, restarted or stopped answering, or the network dropped";
        }
        String means = text.contains("maximum control line") ? ": a protocol line, such as a message's with a long subject, "
                + "was longer than the server's max_control_line"
                : text.contains("stale connection") ? ": this client did not answer the server's pings in time (paused, "
                + "or too busy)"
                : text.contains("slow consumer") ? ": this client did not read what the server sent fast enough" : "";
        // its first 200 bytes (a server chose its length), masked before it is cut
        return "the server closed it, saying " + Output.quotedStart(secrets.mask(said)) + means;
    }
}
