// One stored message as the stream's message API returns it ($JS.API.STREAM.MSG.GET): its header
// bytes raw, never parsed by jnats, so a message whose headers jnats cannot read can still be shown
// (escaped) and dealt with. js-pull's UnreadableMessages uses it.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java Exit.java Durations.java Unanswered.java

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.support.IncomingHeadersProcessor;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

record StoredMessage(long seq, String subject, byte[] headers, byte[] data) {
    static StoredMessage get(Connection nc, Duration wait, String stream, String request) throws Exception {
        Message reply = ask(nc, wait, stream, request);
        if (reply == null) {
            LabException unreadable = Unanswered.unreadable(null, null);
            throw unreadable != null ? unreadable : Exit.failed("the server did not answer a request for a stored message within %s",
                    Durations.seconds(wait));
        }
        JsonValue message = JsonParser.parse(reply.getData()).map.get("message");
        if (message == null || message.map == null) {
            return null; // deleted, or never stored (an error answer)
        }
        Map<String, JsonValue> fields = message.map;
        JsonValue seq = fields.get("seq");
        return new StoredMessage(seq == null || seq.number == null ? 0 : seq.number.longValue(), text(fields.get("subject")),
                base64(fields.get("hdrs")), base64(fields.get("data")));
    }

    /** The stream's own answer to a stored-message request (an error answer too); null when none came within `wait`. */
    static Message ask(Connection nc, Duration wait, String stream, String request) throws InterruptedException {
        return nc.request("$JS.API.STREAM.MSG.GET." + stream, request.getBytes(StandardCharsets.UTF_8), wait);
    }

    /** The request for the first message stored on `subject` (null: any) from stream seq `from` on. */
    static String nextOn(String subject, long from) {
        return "{\"seq\":" + from + ",\"next_by_subj\":" + new JsonValue(subject == null ? ">" : subject).toJson() + "}";
    }

    private static String text(JsonValue value) {
        return value == null || value.string == null ? "" : value.string;
    }

    private static byte[] base64(JsonValue value) {
        return value == null || value.string == null ? new byte[0] : Base64.getDecoder().decode(value.string);
    }

    /** Why jnats cannot read these headers (its own words, or a status line in them), or null when it can. */
    String problem() {
        if (headers.length == 0) {
            return null;
        }
        try {
            if (new IncomingHeadersProcessor(headers).getStatus() != null) {
                String first = new String(headers, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
                return "its headers begin with a status line, " + Output.quoted(bytes(first)) + ", which jnats takes for a "
                        + "status from the server, not a message";
            }
            return null;
        } catch (RuntimeException unreadable) {
            return Output.printableStart(String.valueOf(unreadable.getMessage()));
        }
    }

    /** Each header line as key="value" (both escaped; the key quoted too when jnats would refuse it). */
    String headersShown() {
        List<String> pairs = new ArrayList<>();
        String[] lines = new String(headers, StandardCharsets.ISO_8859_1).split("\r\n", -1);
        for (int i = 1; i < lines.length; i++) { // line 0 is NATS/1.0
            if (lines[i].isEmpty()) {
                continue;
            }
            int colon = lines[i].indexOf(':');
            String key = colon < 0 ? lines[i] : lines[i].substring(0, colon);
            String value = colon < 0 ? "" : lines[i].substring(colon + 1).stripLeading();
            String shownKey = key.chars().allMatch(c -> c > 32 && c < 127) && !key.isEmpty() ? key : Output.quoted(bytes(key));
            pairs.add(shownKey + "=" + Output.quoted(bytes(value)));
        }
        return pairs.isEmpty() ? "(none)" : String.join("; ", pairs);
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
