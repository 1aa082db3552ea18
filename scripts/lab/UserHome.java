// The user's home folder as the shell and natscli see it. Java's user.home comes from the password
// database and ignores $HOME, so `HOME=/tmp/x js-pub` would still read root's natscli contexts.

import java.nio.file.Path;

final class UserHome {
    private UserHome() {
    }

    /** $HOME when set, else Java's user.home. */
    static String dir() {
        String home = System.getenv("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }

    /**
     * An XDG base folder ($XDG_CONFIG_HOME, $XDG_STATE_HOME) when set to an absolute path, else the
     * default under the home folder: the XDG spec says a relative one is to be ignored, and it would
     * mean whatever folder a script runs in.
     */
    static Path xdg(String value, String defaultUnderHome) {
        return value != null && value.startsWith("/") ? Path.of(value)
                : Path.of(dir(), defaultUnderHome);
    }
}
