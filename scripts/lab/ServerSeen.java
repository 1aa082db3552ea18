// Remembers which server version a script last talked to, so --version can name it without
// connecting (a --version that dialled out could send a login somewhere). One small file under
// XDG_STATE_HOME; if it cannot be written or read, nothing is remembered and nothing fails.
//SOURCES UserHome.java

import io.nats.client.api.ServerInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

final class ServerSeen {
    private static final String STATE_HOME = "XDG_STATE_HOME";

    private ServerSeen() {
    }

    /** After a connect: keeps "nats-server 2.9.10 (n1)"; never a URL or anything that could hold a login. */
    static void record(ServerInfo info) {
        String name = info.getServerName();
        // a server given no name reports its 56-character ID: only a chosen name says something
        String seen = "nats-server " + info.getVersion() + (name != null && name.length() < 40 ? " (" + name + ")" : "");
        if (seen.length() > 200) { // a server's words, kept short
            seen = seen.substring(0, 200) + "...";
        }
        try {
            Path file = file();
            if (!UserHome.mayMake(System.getenv(), STATE_HOME)) {
                return;
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    || !seen.equals(Files.readString(file, StandardCharsets.UTF_8))) {
                Files.createDirectories(file.getParent());
                // a new file renamed over the old name: a link planted there is replaced, never written through
                Path fresh = Files.createTempFile(file.getParent(), "last-server", ".new");
                try {
                    Files.writeString(fresh, seen, StandardCharsets.UTF_8);
                    Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(fresh);
                }
            }
        } catch (Exception ignored) {
            // a read-only home is no reason to fail a run
        }
    }

    /**
     * "server last seen: nats-server 2.9.10 (n1)", or a hint where nothing was recorded yet. The
     * version and name are the server's words (and the file anyone's who can write it): --version
     * prints them through Output.printable.
     */
    static String describe() {
        try {
            Path file = file();
            String seen = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) // a link could show any file's start
                    ? Files.readString(file, StandardCharsets.UTF_8).strip() : ""; // all of it: a line break shows as \n
            if (!seen.isBlank() && seen.length() < 300) {
                return "server last seen: " + seen;
            }
        } catch (Exception ignored) {
            // nothing recorded yet
        }
        return "server last seen: none yet (js-info connects and shows the stream)";
    }

    private static Path file() {
        return UserHome.xdg(System.getenv(), STATE_HOME, ".local/state").resolve("jetstream-lab/last-server");
    }
}
