// Server URLs as natscli takes them, parsed once, here: one URL or a comma-separated list, each
// nats://, tls://, ws://, wss://, host:port or a bare host. Each entry keeps its scheme, login,
// host (the name a TLS certificate must carry) and port; schemes that switch TLS checks off
// (opentls://) and unknown ones are refused. Masking a URL's login is Secrets' job.
//DEPS io.nats:jnats:2.26.2

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

record ServerUrl(String scheme, String login, String host, int port, String path) {
    /** natscli's (nats.go's) ports for a URL that names none. */
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("nats", 4222, "tls", 4222, "ws", 80, "wss", 443);
    /** What RFC 3986 allows in a URL's user part (a % only as an escape: two hex digits follow it). */
    private static final Pattern LOGIN = Pattern.compile("(?:[A-Za-z0-9._~!$&'()*+;=:-]|%[0-9A-Fa-f]{2})*");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^\\[\\]:]+)(?::([^:]*))?");
    /** Where an entry with a scheme begins: the text's start, or a comma (the login starts after ://). */
    private static final Pattern ENTRY_WITH_SCHEME = Pattern.compile("(?:^|,)\\s*[A-Za-z][A-Za-z0-9+.-]*://");
    private static final String BAD_LOGIN = "its user or token part holds characters a URL cannot: percent-encode them "
            + "(a comma as %2C, a slash as %2F), or use --user and --password, or --token";

    /** Why a server list cannot be used, in words that follow "is not valid: ". */
    static final class Invalid extends IllegalArgumentException {
        Invalid(String why) {
            super(why);
        }
    }

    /** Every entry of the list, in order; throws Invalid naming the entry (by position) and the problem. */
    static List<ServerUrl> parseList(String text) {
        for (String login : logins(text)) { // read as the mask reads it: a comma or slash in a login is refused whole
            if (!LOGIN.matcher(login).matches()) {
                throw new Invalid(BAD_LOGIN);
            }
        }
        String[] entries = text.split(",", -1);
        List<ServerUrl> urls = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            try {
                urls.add(parse(entries[i].trim()));
            } catch (Invalid e) {
                throw entries.length == 1 ? e : new Invalid("entry " + (i + 1) + " of the list: " + e.getMessage());
            }
        }
        return List.copyOf(urls);
    }

    private static ServerUrl parse(String entry) {
        if (entry.isEmpty()) {
            throw new Invalid("it is empty: give a URL like nats://127.0.0.1:4222, or host:port");
        }
        int schemeEnd = entry.indexOf("://");
        String scheme = schemeEnd < 0 ? "nats" : entry.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = schemeEnd < 0 ? entry : entry.substring(schemeEnd + 3);
        if (scheme.equals("opentls")) {
            throw new Invalid("opentls:// accepts any certificate, so TLS would check nothing: use tls:// and trust the "
                    + "server's CA with --tlsca (or [nats.tls] ca_file)");
        }
        if (!DEFAULT_PORTS.containsKey(scheme)) {
            throw new Invalid("the scheme " + scheme + ":// is not one NATS speaks: use nats://, tls://, ws:// or wss:// "
                    + "(or host:port)");
        }
        int authorityEnd = firstOf(rest, "/?#");
        String authority = rest.substring(0, authorityEnd);
        String path = rest.substring(authorityEnd);
        if (path.contains("?") || path.contains("#")) {
            throw new Invalid("a server URL takes no ?query or #fragment");
        }
        boolean websocket = scheme.startsWith("ws");
        if (!websocket && !path.isEmpty() && !path.equals("/")) {
            throw new Invalid("a " + scheme + ":// URL has no path: give only host and port");
        }
        int at = authority.lastIndexOf('@');
        String login = at < 0 ? null : authority.substring(0, at);
        Matcher hostPort = HOST_PORT.matcher(authority.substring(at + 1));
        if (!hostPort.matches() || hostPort.group(1).isBlank()) {
            throw new Invalid("no host in it: give a URL like nats://127.0.0.1:4222, or host:port");
        }
        String host = hostPort.group(1);
        int port = hostPort.group(2) == null ? DEFAULT_PORTS.get(scheme) : port(hostPort.group(2));
        if (login != null && !LOGIN.matcher(login).matches()) {
            throw new Invalid(BAD_LOGIN);
        }
        ServerUrl url = new ServerUrl(scheme, login, host, port, websocket ? path : "");
        try {
            if (new URI(url.forClient()).getHost() != null) {
                return url;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw new Invalid("\"" + host + "\" is not a host name or IP address");
    }

    private static int port(String digits) {
        if (!digits.matches("[0-9]{1,5}") || Integer.parseInt(digits) < 1 || Integer.parseInt(digits) > 65535) {
            throw new Invalid("the port must be a number from 1 to 65535, got " + (digits.length() > 12
                    ? digits.substring(0, 12) + "..." : digits));
        }
        return Integer.parseInt(digits);
    }

    private static int firstOf(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }

    /** The logins written in a server list, even one that does not parse: "token", or "user:password". */
    static List<String> logins(String text) {
        List<String> found = new ArrayList<>();
        for (int[] span : loginSpans(text)) {
            found.add(text.substring(span[0], span[1]).trim());
        }
        return found;
    }

    /**
     * Where the logins stand in a server list, or in a URL cut from a line: [start, end) each. A login
     * runs from its entry's start (after scheme://) to the last @ before the next entry that names a
     * scheme, whatever it holds between (commas, colons, slashes): the host part holds no @, and a
     * password is never cut short, at the cost of masking too much of a list written without schemes.
     */
    static List<int[]> loginSpans(String text) {
        List<int[]> spans = new ArrayList<>();
        if (text == null) {
            return spans;
        }
        List<int[]> entries = new ArrayList<>(); // [where the entry starts, where its login would start]
        Matcher scheme = ENTRY_WITH_SCHEME.matcher(text);
        while (scheme.find()) {
            entries.add(new int[] {scheme.start(), scheme.end()});
        }
        if (entries.isEmpty() || entries.get(0)[0] > 0) {
            entries.add(0, new int[] {0, 0});
        }
        for (int i = 0; i < entries.size(); i++) {
            int start = entries.get(i)[1];
            int end = i + 1 < entries.size() ? entries.get(i + 1)[0] : text.length();
            int at = end - 1;
            while (at >= start && text.charAt(at) != '@') { // within the entry only: a search past its start made a long list quadratic
                at--;
            }
            if (at >= start && !text.substring(start, at).isBlank()) {
                spans.add(new int[] {start, at});
            }
        }
        return spans;
    }

    /** The URL written in full: scheme, login (if any), host, port and a websocket path. */
    String forClient() {
        return scheme + "://" + (login == null ? "" : login + "@") + host + ":" + port + path;
    }

    /**
     * The URL as jnats is handed it to connect: as forClient() shows it, but a token in it escaped as
     * tokenForJnats() says, then percent-encoded, since jnats decodes a URL's login before it writes it.
     */
    String forJnats() {
        String token = login == null || login.contains(":") ? null : decodedLogin(); // user:password: jnats escapes both
        String escaped = token == null ? null : tokenForJnats(token);
        if (token == null || escaped.equals(token)) {
            return forClient();
        }
        StringBuilder encoded = new StringBuilder();
        for (byte b : escaped.getBytes(StandardCharsets.UTF_8)) {
            encoded.append(String.format(Locale.ROOT, "%%%02X", b & 0xFF));
        }
        return scheme + "://" + encoded + "@" + host + ":" + port + path;
    }

    /**
     * A token as jnats must be handed it: jnats writes a token into its CONNECT line's JSON as it is (a user
     * and a password it escapes), so a quote or a backslash would end the string early and the rest be read
     * as more fields, another user's login say, and a line break would end the line. JSON-escaped, the server
     * reads back the token itself.
     */
    static String tokenForJnats(String token) {
        return io.nats.client.support.Encoding.jsonEncode(token);
    }

    /** tls:// and wss:// ask for TLS by themselves. */
    boolean asksForTls() {
        return scheme.equals("tls") || scheme.equals("wss");
    }

    boolean isPlainWebsocket() {
        return scheme.equals("ws");
    }

    /** The login as the server gets it: percent-escapes decoded (nats://us%40er:p%40ss@host). */
    String decodedLogin() {
        try {
            return login == null ? null : URLDecoder.decode(login.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return login;
        }
    }

    /** The list as written back, one URL each. */
    static String[] forClient(List<ServerUrl> urls) {
        return urls.stream().map(ServerUrl::forClient).toArray(String[]::new);
    }

    /** The list as jnats is handed it to connect (forJnats), one URL each. */
    static String[] forJnats(List<ServerUrl> urls) {
        return urls.stream().map(ServerUrl::forJnats).toArray(String[]::new);
    }

    /** The list written back in full form (nats://host:port,...), e.g. for --show-config and messages. */
    static String joined(List<ServerUrl> urls) {
        return String.join(",", forClient(urls));
    }
}
