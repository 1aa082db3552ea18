// What each --trace line means, in one plain line under it: a pull request, an ack, a delivery
// (read from its ack subject), a PubAck, a status the server answers with.
//SOURCES Output.java Durations.java TraceJson.java AckSubject.java

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

final class TraceMeanings {
    private TraceMeanings() {
    }

    /** A pull request: how many it asks for, and how long the server holds it open. */
    static String pull(byte[] body) {
        Map<String, Object> request = TraceJson.object(body);
        if (request == null) {
            return "a pull request";
        }
        Object batch = request.get("batch");
        Object expires = request.get("expires");
        String n = batch == null ? "1" : batch.toString();
        String wait = expires == null ? (request.containsKey("no_wait") ? "answering at once" : "until it has them")
                : "the server holds it open " + Durations.format(Duration.ofNanos(Long.parseLong(expires.toString())));
        return "a pull request for up to " + n + (n.equals("1") ? " message" : " messages") + ", " + wait
                + "; what it brings comes to its reply subject";
    }

    /** An ack, by its first word as the protocol writes it. */
    static String ack(String ack) {
        return switch (ack.split(" ")[0]) {
            case "+ACK" -> "ack: done with it, the consumer moves on";
            case "-NAK" -> "nak: not done, deliver it again now (or after the delay given)";
            case "+WPI" -> "in progress: still working on it, restart its ack wait";
            case "+TERM" -> "terminate: never deliver it again (it stays in the stream)";
            case "+NXT" -> "ack, and send the next message";
            default -> "an ack the server may not know";
        };
    }

    /** From the ack subject: which delivery of which message it is (AckSubject reads it). */
    static String delivery(String ackSubject) {
        AckSubject delivery = AckSubject.parse(ackSubject);
        if (delivery == null || delivery.pending() < 0) {
            return "a message from a consumer: its ack goes to the reply subject";
        }
        return Output.printable(String.format(Locale.ROOT, "delivery %d of stream seq %d (consumer seq %d, %d more pending): its ack goes to %s",
                delivery.delivered(), delivery.streamSeq(), delivery.consumerSeq(), delivery.pending(),
                "$JS.ACK." + delivery.stream() + "." + delivery.consumer() + "..."));
    }

    /** A status the server answers with (api: the answer to a JetStream API request). */
    static String status(String code, String text, boolean api) {
        String lower = text.toLowerCase(Locale.ROOT);
        return switch (code) {
            case "100" -> "a heartbeat: the server is still there (or asks to confirm flow control)";
            case "404" -> "no messages: nothing to deliver right now, and the pull asked not to wait";
            case "408" -> lower.contains("pending") ? "a pull request that asks not to wait while others wait: it ended"
                    : "the pull request expired: its wait ended with less than it asked for (maybe nothing); "
                    + "a consumer at max ack pending delivers nothing until acks come";
            case "409" -> lower.contains("leadership") ? "the consumer's leader changed: the pull request is gone, pull again"
                    : lower.contains("deleted") ? "the consumer was deleted: nothing more comes from it"
                    : lower.contains("maxackpending") ? "max ack pending reached: the consumer delivers no more until "
                    + "messages it delivered are acked (or their ack wait passes)"
                    : lower.contains("maxwaiting") ? "too many pull requests wait on this consumer (max_waiting): this one was refused"
                    : "the server ended this pull request: " + Output.printableStart(text);
            case "503" -> api
                    ? "no responders: nothing answers the JetStream API here; JetStream is off on this server or account"
                    : "no responders: nothing subscribes to this subject; for a JetStream publish, no stream captures it";
            default -> "status " + Output.printable(code) + " from the server";
        };
    }

    /** A PubAck: stored, a duplicate, or refused. */
    static String pubAck(Map<String, Object> ack) {
        return ack.containsKey("error") ? "PubAck with an error: the stream refused it, it is not stored"
                : (ack.containsKey("duplicate") ? "PubAck: a duplicate, stream " + shown(ack.get("stream"))
                + " has it already as seq " : "PubAck: stream " + shown(ack.get("stream")) + " stored it as seq ")
                + shown(ack.get("seq"));
    }

    /** "NATS/1.0 404 No Messages": the code and its words, or null for a message without a status. */
    static String[] status(byte[] headers) {
        String first = new String(headers, StandardCharsets.UTF_8).split("\r\n", 2)[0];
        String[] parts = first.split(" ", 3);
        return parts.length >= 2 && parts[1].matches("\\d{3}") ? new String[] {parts[1], parts.length > 2 ? parts[2] : ""} : null;
    }

    /** A value from a server's JSON, as one line shows text from a server. */
    private static String shown(Object value) {
        return Output.printable(String.valueOf(value));
    }
}
