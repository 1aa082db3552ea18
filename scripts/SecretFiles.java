// Files that hold secrets or credentials: a password or token file, an nkey seed, a .creds file
// (checked before connecting: the right kind of file, and not expired), a TLS key.
//SOURCES TextFiles.java Exit.java

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class SecretFiles {
    private static final Pattern USER_JWT = Pattern.compile("-----BEGIN NATS USER JWT-----\\s+([A-Za-z0-9_.-]+)");
    private static final Pattern EXPIRES = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

    private SecretFiles() {
    }

    /** ~/x means x in the home folder, as in a shell. */
    static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    /** A password or token kept in a file (password_file, token_file): its one line, trimmed. */
    static String secret(String file, String source) {
        try {
            String secret = TextFiles.read(Path.of(file)).trim();
            if (secret.isEmpty()) {
                throw Exit.config("%s: %s is empty", source, file);
            }
            return secret;
        } catch (IOException e) {
            throw Exit.config("%s: cannot read %s (%s)", source, file, e.getClass().getSimpleName());
        }
    }

    /** A file read when connecting (an nkey seed, a TLS key), trimmed. */
    static String read(String file, String what) {
        try {
            return TextFiles.read(Path.of(file)).trim();
        } catch (IOException e) {
            throw Exit.config("cannot read the %s file %s: %s", what, file, e.getMessage());
        }
    }

    /** An nkey seed file must hold a user seed (a line starting with SU). */
    static void checkNkeySeed(String file, String source) {
        if (text(file, source).lines().noneMatch(line -> line.trim().startsWith("SU"))) {
            throw Exit.config("%s: %s: no user nkey seed (a line starting with SU) in it: use the seed file nsc or "
                    + "`nk -gen user` wrote", source, file);
        }
    }

    /** A .creds file must hold a user JWT, and its "exp" (if any) must lie ahead: better said here than as a refused login. */
    static void checkCreds(String file, String source) {
        String creds = text(file, source);
        Matcher jwt = USER_JWT.matcher(creds);
        if (!creds.contains("-----BEGIN NATS USER JWT-----")) {
            throw Exit.config("%s: %s: it is not a .creds file (no NATS USER JWT block): download it again, or make "
                    + "one with nsc", source, file);
        }
        if (!jwt.find() || jwt.group(1).split("\\.").length < 2) {
            return;
        }
        String claims = new String(Base64.getUrlDecoder().decode(jwt.group(1).split("\\.")[1]), StandardCharsets.UTF_8);
        Matcher exp = EXPIRES.matcher(claims);
        if (exp.find() && Long.parseLong(exp.group(1)) < System.currentTimeMillis() / 1000) {
            throw Exit.config("%s: the user JWT in %s expired at %s: get fresh credentials", source, file,
                    Instant.ofEpochSecond(Long.parseLong(exp.group(1))));
        }
    }

    private static String text(String file, String source) {
        try {
            return TextFiles.read(Path.of(file));
        } catch (IOException e) {
            throw Exit.config("%s: cannot read %s", source, file);
        }
    }
}
