// The user's home folder as the shell and natscli see it. Java's user.home comes from the password
// database and ignores $HOME, so `HOME=/tmp/x js-pub` would still read root's natscli contexts.

final class UserHome {
    private UserHome() {
    }

    /** $HOME when set, else Java's user.home. */
    static String dir() {
        String home = System.getenv("HOME");
        return home != null && !home.isBlank() ? home : System.getProperty("user.home");
    }
}
