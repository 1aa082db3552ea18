// The secrets of one run (passwords, tokens, the logins in server URLs, nkey seeds; from flags,
// env, config files, contexts or the URL) and the one function that masks them in anything a
// script prints: errors, warnings, --verbose traces, --show-config.
//SOURCES ServerUrl.java Setting.java Layers.java Output.java

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Secrets {
    /** What stands for a secret in output. */
    static final String MASK = "****";

    /** Known before any setting is read: a URL's login and an nkey seed are always masked. */
    static final Secrets NONE = new Secrets(Set.of());

    /**
     * A URL (or list) inside a line: from a scheme to the next space or quote; ServerUrl finds its logins. A match
     * starts only where a run of scheme characters starts, and never gives back what it took (possessive): tried
     * at every letter of a long run that holds no "://" (a server's 300,000-letter -ERR), it took quadratic time.
     * The run's characters before its first letter (digits, '+', '.', '-') are no part of the scheme.
     */
    private static final Pattern URL_IN_TEXT = Pattern.compile("(?<![A-Za-z0-9+.-])([0-9+.-]*+)([A-Za-z][A-Za-z0-9+.-]*+://[^\\s\"']*+)");

    /** An nkey seed (user, account, operator, server, cluster or curve key), wherever it stands. */
    private static final Pattern SEED = Pattern.compile("S[UAONCX][A-Z2-7]{56}");

    /** Shorter values are not masked in free text: replacing them would garble the rest of the line. */
    private static final int SHORTEST_MASKED = 4;

    private final List<String> values;

    private Secrets(Set<String> values) {
        Set<String> forms = new LinkedHashSet<>();
        for (String value : values) { // also as a line shows it escaped: a backslash in it is doubled there
            forms.add(value);
            forms.add(Output.printable(value));
            String quoted = Output.quoted(value);
            forms.add(quoted.substring(1, quoted.length() - 1));
            // as the login goes out, JSON-escaped: a server (or a proxy) may say its CONNECT line back
            String sent = ServerUrl.tokenForJnats(value);
            forms.add(sent);
            forms.add(Output.printable(sent));
        }
        List<String> longestFirst = new ArrayList<>(forms);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed()); // a secret inside another goes last
        this.values = List.copyOf(longestFirst);
    }

    /** The secrets among these values (null ones are skipped), plus every login written in the server list. */
    static Secrets of(String serverList, String... secretValues) {
        Set<String> found = new LinkedHashSet<>();
        for (String value : secretValues) {
            add(found, value);
        }
        addLogins(found, serverList);
        return new Secrets(found);
    }

    /**
     * What can be known before the settings are read (a flag's error comes first): the values of
     * secret settings' flags (--password, --token), the logins in any URL on the command line, and
     * what the secret settings' and the server list's environment variables hold.
     */
    static Secrets early(String[] args, Map<String, String> env) {
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : i + 1 < args.length ? args[i + 1] : null;
            Setting setting = Setting.byFlag(flag);
            if (setting != null && setting.is(Setting.Kind.SECRET)) {
                add(found, value);
            } else if (setting == Setting.URL) {
                addLogins(found, value);
            }
            addLogins(found, arg.contains("://") ? arg : null);
        }
        return new Secrets(found).and(fromEnv(env));
    }

    /** What the secret settings' flags and the server list's flag hold, once the command line is parsed. */
    static Secrets fromFlags(Layers.Flags flags) {
        Set<String> found = new LinkedHashSet<>();
        for (Setting setting : Setting.values()) {
            if (setting.is(Setting.Kind.SECRET) && setting.flag() != null) {
                add(found, (String) flags.value(setting.flag()));
            }
        }
        addLogins(found, (String) flags.value(Setting.URL.flag()));
        return new Secrets(found);
    }

    /** What natscli's variables hold that is secret: a password, a token, the logins in NATS_URL. */
    static Secrets fromEnv(Map<String, String> env) {
        Set<String> found = new LinkedHashSet<>();
        for (Setting setting : Setting.values()) {
            if (setting.is(Setting.Kind.SECRET) && setting.env != null) {
                add(found, env.get(setting.env));
            }
        }
        addLogins(found, env.get(Setting.URL.env));
        return new Secrets(found);
    }

    /** These secrets and those of the other run's view (say, what the settings added to what the flags said). */
    Secrets and(Secrets other) {
        Set<String> both = new LinkedHashSet<>(values);
        both.addAll(other.values);
        return new Secrets(both);
    }

    private static void add(Set<String> found, String value) {
        if (value != null && value.length() >= SHORTEST_MASKED) {
            found.add(value);
        }
    }

    /** A login, its password alone, and both as the server decodes them (percent-escapes). */
    private static void addLogins(Set<String> found, String serverList) {
        for (String login : ServerUrl.logins(serverList)) {
            ServerUrl decoded = new ServerUrl("nats", login, "", 0, "");
            for (String form : List.of(login, decoded.decodedLogin())) {
                add(found, form);
                add(found, form.contains(":") ? form.substring(form.indexOf(':') + 1) : null);
            }
        }
    }

    /** The text with every secret replaced by ****: URL logins and seeds by their shape, then each known value. */
    String mask(String text) {
        return mask(text, values);
    }

    /**
     * The same for bytes about to be shown cut (a body's first bytes): a secret cut in half would no
     * longer be found in the line. Each byte is one character here, so bytes that are not UTF-8 stay.
     */
    byte[] mask(byte[] raw) {
        List<String> asBytes = values.stream()
                .map(value -> new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)).toList();
        return mask(new String(raw, StandardCharsets.ISO_8859_1), asBytes).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A server list as it may be shown: its logins masked by where they stand, whatever they hold (free text
     * finds a URL only up to a blank, and masks no value too short), then every secret known.
     */
    String maskServerList(String list) {
        return mask(maskLogins(list));
    }

    /** Each login in the URL text as user:**** (the user stays: it says whose login failed), or **** for a token. */
    private static String maskLogins(String url) {
        StringBuilder out = new StringBuilder();
        int done = 0;
        for (int[] span : ServerUrl.loginSpans(url)) {
            String login = url.substring(span[0], span[1]);
            out.append(url, done, span[0]).append(login.contains(":") ? login.substring(0, login.indexOf(':') + 1) : "")
                    .append(MASK);
            done = span[1];
        }
        return out.append(url.substring(done)).toString();
    }

    private static String mask(String text, List<String> values) {
        if (text == null) {
            return null;
        }
        String out = URL_IN_TEXT.matcher(text).replaceAll(url -> Matcher.quoteReplacement(url.group(1) + maskLogins(url.group(2))));
        out = SEED.matcher(out).replaceAll(MASK);
        for (String secret : values) {
            out = out.replace(secret, MASK);
        }
        return out;
    }
}
