// What js-pub sends around a body: the -H headers (as natscli takes them), the Nats-Msg-Id the
// server deduplicates on and the other headers it reads (each exactly spelt, once), {{Count}}
// numbering, generated and file bodies, and the check that a message with all its headers fits the
// server's max_payload before it is sent.
//DEPS io.nats:jnats:2.26.2
//SOURCES Exit.java Output.java

import io.nats.client.Connection;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

final class PubMessages {
    static final String COUNT_PLACEHOLDER = "{{Count}}";
    /** The one header name the server deduplicates on: exactly this spelling. */
    static final String MSG_ID = "Nats-Msg-Id";
    /**
     * The headers the server (2.9) reads on a publish, each with a value it takes: it finds them only in
     * exactly this spelling and reads only the first of each, so another spelling, an empty value or a
     * second one would silently be an ordinary header, and the guard or ID it was meant as, nothing.
     */
    static final Map<String, String> SERVER_READS = Map.of(MSG_ID, "order-7", "Nats-Expected-Stream", "LAB4_STREAM",
            "Nats-Expected-Last-Msg-Id", "order-6", "Nats-Expected-Last-Sequence", "41",
            "Nats-Expected-Last-Subject-Sequence", "41", "Nats-Rollup", "sub");

    private final Headers headers;       // -H: null when none
    private final boolean headersNumbered; // one of them has {{Count}} in its value

    /** -H KEY:VALUE, as natscli takes them; a Nats-Msg-Id among them is the same as --msg-id. */
    PubMessages(List<String> given, String msgId) {
        headers = parse(given, msgId);
        headersNumbered = given != null && given.stream().anyMatch(h -> h.contains(COUNT_PLACEHOLDER));
    }

    /** The -H headers of message n: {{Count}} in a value becomes its number, as in --msg-id (and in natscli). */
    Headers of(long n) {
        if (!headersNumbered) {
            return headers;
        }
        Headers numberedHeaders = new Headers();
        for (String key : headers.keySet()) {
            headers.get(key).forEach(value -> numberedHeaders.add(key, numbered(value, n)));
        }
        return numberedHeaders;
    }

    /** Message n's headers with the Nats-Msg-Id its options carry, as jnats' publish adds it (null: none at all). */
    Headers withId(long n, PublishOptions options) {
        Headers own = of(n);
        if (options == null || options.getMessageId() == null) {
            return own;
        }
        return (own == null ? new Headers() : new Headers(own)).put(MSG_ID, options.getMessageId());
    }

    boolean hasMsgIdHeader() {
        return headers != null && headers.containsKey(MSG_ID);
    }

    /** nats-server's own ceiling for max_payload (64 MiB): no server it is takes a larger message. */
    private static final long MAX_PAYLOAD_CEILING = 64L * 1024 * 1024;

    /**
     * The server's max_payload; a number no nats-server sends (0 or less, as jnats reads one past a long's
     * range, or over its ceiling) is no limit the user's message is over: nats-server's ceiling then.
     */
    static long maxPayload(Connection nc) {
        long said = nc.getServerInfo().getMaxPayload();
        return said > 0 && said <= MAX_PAYLOAD_CEILING ? said : MAX_PAYLOAD_CEILING;
    }

    /** One line when the message, with its headers (-H, and the Nats-Msg-Id its options add), is over the server's limit. */
    void withinMaxPayload(Connection nc, long bodyBytes, PublishOptions options, String before) {
        long limit = maxPayload(nc);
        Headers all = headers == null ? new Headers() : new Headers(headers);
        if (options != null && options.getMessageId() != null) {
            all.put(MSG_ID, options.getMessageId());
        }
        withinMaxPayload(limit, bodyBytes, all.isEmpty() ? 0 : all.serializedLength(), before);
    }

    /** The same for a message of core NATS (nats-pub, requester): a body and no headers. */
    static void withinMaxPayload(Connection nc, long bodyBytes) {
        withinMaxPayload(maxPayload(nc), bodyBytes, 0, "");
    }

    private static void withinMaxPayload(long limit, long bodyBytes, long headerBytes, String before) {
        if (bodyBytes + headerBytes > limit) {
            throw Exit.usage("the message is %d bytes%s, over the server's max_payload of %d bytes: send less (or "
                    + "raise max_payload in the server's config)%s", bodyBytes,
                    headerBytes == 0 ? "" : " and its headers " + headerBytes + " more", limit, before);
        }
    }

    static String numbered(String template, long n) {
        return template.replace(COUNT_PLACEHOLDER, Long.toString(n));
    }

    /**
     * Failing over without --msg-id: an ID for each message (this run's random prefix and the message's
     * number), so that one sent again after a failover is stored once. Another run gets other IDs.
     */
    static String ownIds() {
        return "js-pub-" + UUID.randomUUID().toString().substring(0, 8) + "-" + COUNT_PLACEHOLDER;
    }

    static byte[] generatedBody(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return body;
    }

    /** The file's bytes (- is stdin), exactly, or one line saying why not (missing, a folder, over max_payload). */
    static byte[] readFile(String file, long limit) throws IOException {
        boolean fromStdin = file.equals("-");
        checkFile(file); // again: it may have gone since the check before connecting
        try (InputStream in = fromStdin ? System.in : Files.newInputStream(Path.of(file))) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1)); // never more than one too many
            if (data.length > limit) {
                throw Exit.usage("--file %s is over the server's max_payload of %d bytes: send less (or raise "
                        + "max_payload in the server's config)", fromStdin ? "- (stdin)" : file, limit);
            }
            return data;
        }
    }

    /** --file names a file that is there and can be read (- is stdin): checked before connecting, as every flag is. */
    static void checkFile(String file) {
        Path path = file == null || file.equals("-") ? null : Path.of(file);
        String problem = path == null ? null : !Files.exists(path) ? "no such file"
                : Files.isDirectory(path) ? "it is a folder" : !Files.isReadable(path) ? "it cannot be read (permissions)" : null;
        if (problem != null) {
            throw Exit.usage("flag --file: %s is not valid: %s: give a file you can read, or - for stdin", Output.quoted(file),
                    problem);
        }
    }

    /** --msg-id travels as the Nats-Msg-Id header: one line of printable ASCII. */
    static void checkMsgId(String msgId) {
        if (msgId != null && msgId.isBlank()) {
            throw Exit.usage("flag --msg-id: %s is not valid: it must be an ID, like --msg-id order-7 (or leave the flag out)",
                    Output.quoted(msgId));
        }
        if (msgId != null && !headerValue(msgId)) {
            throw Exit.usage("flag --msg-id: %s is not valid: it must be printable ASCII on one line, as a header value "
                    + "(no accents, emoji or line breaks)", Output.quoted(msgId));
        }
        if (msgId != null && held(msgId) != null) {
            throw Exit.usage("flag --msg-id: %s is not valid: it must not hold %s, a header the server reads, as %s",
                    Output.quoted(msgId), held(msgId), HIDES);
        }
    }

    /**
     * The server looks a header up at the first place its name appears in the message's headers: a name
     * held inside another header's name or value, placed before it, hides it (an ID then deduplicates
     * nothing, a guard guards nothing).
     */
    private static final String HIDES = "the server looks a header up at the first place its name appears among the "
            + "headers, so this would hide it";

    /** The name of a header the server reads that this text holds, or null. */
    private static String held(String text) {
        return SERVER_READS.keySet().stream().filter(text::contains).findFirst().orElse(null);
    }

    /** What a NATS header value can carry: printable ASCII and tabs, on one line. */
    static boolean headerValue(String value) {
        return value.chars().allMatch(c -> c >= ' ' && c <= '~' || c == '\t');
    }

    /** Spaces and tabs around a key or value, as `Key: value` is written; not String.trim(), which also drops ESC and other controls. */
    private static String blanksOff(String text) {
        return text.replaceAll("^[ \t]+|[ \t]+$", "");
    }

    private static Headers parse(List<String> given, String msgId) {
        if (given == null || given.isEmpty()) {
            return null;
        }
        Headers parsed = new Headers();
        for (String header : given) {
            int colon = header.indexOf(':');
            String key = colon < 1 ? "" : blanksOff(header.substring(0, colon));
            if (!key.matches("[!-9;-~]+")) { // printable ASCII without ':' or spaces, as a header name must be
                throw Exit.usage("flag -H: %s is not valid: it must be KEY:VALUE, like -H Trace-Id:abc (a key of letters, "
                        + "digits and - _ .)", Output.quoted(header));
            }
            String value = blanksOff(header.substring(colon + 1));
            if (!headerValue(value)) {
                throw Exit.usage("-H %s: %s is not valid: a header value must be printable ASCII on one line (no "
                        + "accents, emoji or line breaks)", key, Output.quoted(value));
            }
            serverReads(key, value, parsed);
            parsed.add(key, value);
        }
        if (msgId != null && parsed.containsKey(MSG_ID)) {
            throw Exit.usage("--msg-id and -H Nats-Msg-Id set the same header: give it once");
        }
        return parsed;
    }

    /** A header the server reads: in its exact spelling, with a value, and once; else one line, exit 2. */
    private static void serverReads(String key, String value, Headers before) {
        String inName = SERVER_READS.containsKey(key) ? null : held(key);
        if (inName != null) {
            throw Exit.usage("-H %s: the name holds %s, a header the server reads, and %s: pick a name without it", key,
                    inName, HIDES);
        }
        if (held(value) != null) {
            throw Exit.usage("-H %s: %s is not valid: it must not hold %s, a header the server reads, as %s", key,
                    Output.quoted(value), held(value), HIDES);
        }
        String exact = SERVER_READS.keySet().stream().filter(key::equalsIgnoreCase).findFirst().orElse(null);
        if (exact == null) {
            return;
        }
        String orMsgId = exact.equals(MSG_ID) ? " (or --msg-id)" : "";
        if (!key.equals(exact)) {
            throw Exit.usage("-H %s: the server reads only the exact header name %s, so this would be an ordinary header: "
                    + "write -H %s:%s%s", key, exact, exact, value, orMsgId);
        }
        if (value.isEmpty()) {
            throw Exit.usage("-H %s: \"\" is not valid: it must be a value (the server takes an empty one for no header), "
                    + "like -H %s:%s (or leave the header out)", exact, exact, SERVER_READS.get(exact));
        }
        if (before.containsKey(exact)) {
            throw Exit.usage("-H %s is given twice (%s and %s): the server reads only the first, so give it once", exact,
                    Output.quoted(before.getFirst(exact)), Output.quoted(value));
        }
    }
}
