// Server URLs: which ones the scripts accept, and the host in one (the name a TLS certificate
// must carry). Masking a URL's password or token is Secrets.mask, like every other secret.

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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

    /**
     * True when something at the URL's host and port accepts a TCP connection: after a failed
     * connect, that tells "nothing listens there" from "a listener that is not a NATS server".
     */
    static boolean accepts(String url) {
        try (Socket socket = new Socket()) {
            URI uri = new URI(url);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 4222 : uri.getPort()), 2000);
            return true;
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return false;
        }
    }

    static String host(String url) {
        try {
            return new URI(url).getHost();
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
