// The user's home folder as the shell and natscli see it. Java's user.home comes from the password
// database and ignores $HOME, so `HOME=/tmp/x js-pub` would still read root's natscli contexts.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

final class UserHome {
    private UserHome() {
    }

    /** $HOME when set to an absolute path, else Java's user.home. */
    static String dir() {
        return dir(System.getenv());
    }

    /**
     * HOME of the environment `env` when set to an absolute path, else Java's user.home: a relative HOME
     * would mean whatever folder a script runs in, and natscli's contexts are never read from there.
     */
    static String dir(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && home.startsWith("/") ? home : System.getProperty("user.home");
    }

    /**
     * An XDG base folder (`variable`: XDG_CONFIG_HOME, XDG_STATE_HOME) of the environment `env` when set
     * to an absolute path, else the default under that environment's home folder: the XDG spec says a
     * relative one is to be ignored, and it would mean whatever folder a script runs in.
     */
    static Path xdg(Map<String, String> env, String variable, String defaultUnderHome) {
        String value = env.get(variable);
        return value != null && value.startsWith("/") ? Path.of(value) : Path.of(dir(env), defaultUnderHome);
    }

    /**
     * Whether xdg()'s folder may be made where it is missing: one the user named, or one under a home folder
     * that exists. The home itself is never made: HOME=/nonexistent is how a system account says it has none.
     */
    static boolean mayMake(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value != null && value.startsWith("/") || Files.isDirectory(Path.of(dir(env)));
    }
}
