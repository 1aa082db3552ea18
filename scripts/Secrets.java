// The secrets of one run (passwords and tokens, from flags, env, config files, contexts or the
// URL) and the one function that masks them in anything a script prints.

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Secrets {
    /** What stands for a secret in output. */
    static final String MASK = "****";

    /** Known before any setting is read: a URL's user:password@ or token@ is always masked. */
    static final Secrets NONE = new Secrets(Set.of());

    /** nats://user:password@host or nats://token@host (a URL's user part without a password is a token). */
    private static final Pattern URL_LOGIN = Pattern.compile("://([^:/@\\s]+)(:[^@/\\s]*)?@");

    /** Shorter values are not masked in free text: replacing them would garble the rest of the line. */
    private static final int SHORTEST_MASKED = 4;

    private final Set<String> values;

    private Secrets(Set<String> values) {
        this.values = values;
    }

    /** The secrets among these values (null ones are skipped), plus the password or token inside the URL. */
    static Secrets of(String url, String... secretValues) {
        Set<String> found = new LinkedHashSet<>();
        for (String value : secretValues) {
            if (value != null && value.length() >= SHORTEST_MASKED) {
                found.add(value);
            }
        }
        Matcher login = URL_LOGIN.matcher(url == null ? "" : url);
        if (login.find()) {
            String secret = login.group(2) != null ? login.group(2).substring(1) : login.group(1);
            if (secret.length() >= SHORTEST_MASKED) {
                found.add(secret);
            }
        }
        return new Secrets(Set.copyOf(found));
    }

    /** The text with every secret replaced by ****: URL logins first, then each known value wherever it stands. */
    String mask(String text) {
        String out = URL_LOGIN.matcher(text).replaceAll(login -> login.group(2) != null
                ? Matcher.quoteReplacement("://" + login.group(1) + ":" + MASK + "@")
                : Matcher.quoteReplacement("://" + MASK + "@"));
        for (String secret : values) {
            out = out.replace(secret, MASK);
        }
        return out;
    }
}
