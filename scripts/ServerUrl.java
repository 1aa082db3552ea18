// Server URLs: which ones the scripts accept, and the host in one (the name a TLS certificate
// must carry). Masking a URL's password or token is Secrets.mask, like every other secret.

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;

final class ServerUrl {
    private static final Set<String> SCHEMES = Set.of("nats", "tls", "ws", "wss");

    private ServerUrl() {
    }

    /** nats://, tls://, ws:// or wss:// with a host. */
    static boolean valid(String url) {
        try {
            URI uri = new URI(url);
            return SCHEMES.contains(String.valueOf(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** tls:// and wss:// ask for TLS by themselves. */
    static boolean asksForTls(String url) {
        return url.startsWith("tls://") || url.startsWith("wss://");
    }

    static String host(String url) {
        try {
            return new URI(url).getHost();
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
