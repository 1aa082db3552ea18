// Files that hold secrets or credentials: a password or token file, an nkey seed, a .creds file.
// Each is read through CheckedFiles and checked before connecting, parsed the way jnats parses it
// (so a file that passes here is what the server gets): the right kind of file, a valid seed, a
// JWT whose claims are JSON and whose "exp" lies ahead. A problem is one line naming the file.
//DEPS io.nats:jnats:2.26.2
//SOURCES CheckedFiles.java Exit.java

import io.nats.client.AuthHandler;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class SecretFiles {
    /** A clock this far ahead of the server's does not make fresh credentials look expired. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    private static final Pattern USER_SEED = Pattern.compile("SU[A-Z2-7]{56}");
    private static final Pattern SEED_BLOCK =
            Pattern.compile("-----BEGIN USER NKEY SEED-----\\s*(\\S*)\\s*-+END USER NKEY SEED-+");

    private SecretFiles() {
    }

    /** A password or token kept in a file (password_file, token_file): its one line, trimmed. */
    static String secret(String file, String source) {
        String secret = read(file, source, Exit.CONFIG).trim();
        if (secret.isEmpty()) {
            throw Exit.config("%s: %s is empty", source, file);
        }
        if (secret.contains("\n")) {
            throw Exit.config("%s: %s holds more than one line: keep only the secret in it", source, file);
        }
        return secret;
    }

    /** A file's text, through CheckedFiles; a path that names no small regular file fails with pathExitCode. */
    static String read(String file, String source, int pathExitCode) {
        return CheckedFiles.text(Path.of(file), problem -> unfit(pathExitCode, source, file, problem));
    }

    /** The line for a setting's file that cannot be read ("is a FIFO", "not found", ...), e.g. "flag --creds: file x ...". */
    static LabException unfit(int exitCode, String source, String file, String problem) {
        return Exit.with(exitCode, "%s: file %s %s", source, file,
                problem.equals("not found") ? "not found (or not readable)" : problem);
    }

    /**
     * The user seed in an nkey file: the file holds that one seed (what `nk -gen user` and nsc
     * write), or a USER NKEY SEED block as in a .creds file, and nothing else.
     */
    static char[] nkeySeed(String file, String source, int pathExitCode) {
        String text = read(file, source, pathExitCode);
        Matcher block = SEED_BLOCK.matcher(text);
        String seed = block.find() ? block.group(1) : text.trim();
        String rest = block.find(0) ? text.replace(block.group(), "").trim() : "";
        if (!USER_SEED.matcher(seed).matches() || !rest.isEmpty()) {
            throw Exit.config("%s: %s: it must hold one user nkey seed (a line of 58 characters starting with SU) "
                    + "and nothing else: use the seed file nsc or `nk -gen user` wrote", source, file);
        }
        try {
            NKey.fromSeed(seed.toCharArray()).getPublicKey(); // checks the seed's checksum
        } catch (Exception e) {
            throw Exit.config("%s: %s: the nkey seed in it is damaged (its checksum does not match): copy it again",
                    source, file);
        }
        return seed.toCharArray();
    }

    /**
     * A .creds file's bytes, as jnats will read them: a user JWT whose claims parse and have not
     * expired (allowing CLOCK_SKEW), and a valid user seed. Better said here than as a refused login.
     */
    static byte[] creds(String file, String source, int pathExitCode) {
        String text = read(file, source, pathExitCode);
        if (!text.contains("-----BEGIN NATS USER JWT-----")) {
            throw Exit.config("%s: %s: it is not a .creds file (no NATS USER JWT block): download it again, or make "
                    + "one with nsc", source, file);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AuthHandler parsed = Nats.staticCredentials(bytes); // jnats' own reading of the file
        checkJwt(new String(parsed.getJWT()), file, source);
        try {
            if (parsed.getID()[0] != 'U') {
                throw new IllegalArgumentException("not a user seed");
            }
        } catch (Exception e) {
            throw Exit.config("%s: %s: its USER NKEY SEED block holds no valid user seed: download the .creds file "
                    + "again", source, file);
        }
        return bytes;
    }

    private static void checkJwt(String jwt, String file, String source) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw badJwt(file, source, "is not a JWT (three parts separated by dots)");
        }
        JsonValue claims;
        try {
            claims = json(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw badJwt(file, source, "is not valid base64url");
        }
        if (claims == null || claims.map == null) {
            throw badJwt(file, source, "has claims that are not a JSON object");
        }
        JsonValue exp = claims.map.get("exp");
        if (exp == null || exp.type == JsonValue.Type.NULL) {
            return; // it never expires
        }
        BigDecimal expires;
        try {
            expires = new BigDecimal(String.valueOf(exp.number));
        } catch (NumberFormatException e) {
            throw badJwt(file, source, "has an \"exp\" claim that is not a number of seconds");
        }
        BigDecimal deadline = BigDecimal.valueOf(Instant.now().minus(CLOCK_SKEW).getEpochSecond());
        if (expires.compareTo(deadline) < 0) {
            String when = expires.compareTo(BigDecimal.valueOf(Instant.MIN.getEpochSecond())) > 0
                    ? Instant.ofEpochSecond(expires.longValue()).toString() : "long ago";
            throw Exit.config("%s: the user JWT in %s expired at %s: get fresh credentials", source, file, when);
        }
    }

    private static LabException badJwt(String file, String source, String problem) {
        return Exit.config("%s: %s: the user JWT in it %s: download the .creds file again", source, file, problem);
    }

    /** JSON from a file the user names (a context, a JWT's claims): null when it is not JSON, however it is broken. */
    static JsonValue json(String text) {
        try {
            return JsonParser.parse(text);
        } catch (Exception | StackOverflowError notJson) { // a hostile file can nest deeper than the stack
            return null;
        }
    }
}
