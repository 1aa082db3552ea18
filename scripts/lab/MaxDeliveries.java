// A JetStream advisory: once a message has been delivered max_deliver times without an ack, the
// server stops handing it out and says so on $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>,
// as JSON naming the stream sequence and the number of deliveries. Any client may listen; js-pull
// and js-info --watch do, and each turn it into one line.
//DEPS io.nats:jnats:2.26.2

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.io.IOException;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

final class MaxDeliveries {
    static final String SUBJECT = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.";

    private MaxDeliveries() {
    }

    /**
     * Listens for the consumer's advisories on a dispatcher of the connection (closed with it), and
     * hands each one, as a line, to `say`. A user not allowed to subscribe there just sees none.
     * Anyone may publish on that subject, so what cannot be the server's is dropped: a stream seq
     * that is no positive whole number, or one beyond what the consumer has delivered (the server
     * gives up only on a message it delivered); no line is better than a WARN about nothing.
     */
    static Dispatcher listen(Connection nc, String stream, String consumer, Consumer<String> say) {
        Dispatcher dispatcher = nc.createDispatcher(advisory -> {
            String line = line(advisory.getData(), seq -> seq <= delivered(nc, stream, consumer));
            if (line != null) {
                say.accept(line);
            }
        });
        dispatcher.subscribe(SUBJECT + stream + "." + consumer);
        return dispatcher;
    }

    /**
     * The advisory as one line, or null when it names no message the consumer delivered (delivered: whether a
     * stream seq is among those); the server's JSON is data, so what it names is escaped.
     */
    static String line(byte[] json, LongPredicate delivered) {
        JsonValue advisory;
        try {
            advisory = JsonParser.parse(json);
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
        long seq = positive(advisory, "stream_seq");
        long deliveries = positive(advisory, "deliveries");
        if (seq == 0 || deliveries == 0 || !delivered.test(seq)) {
            return null;
        }
        return String.format(Locale.ROOT, "advisory: stream seq %d reached max deliver (%d %s, none acked): the server "
                + "hands it out no more; it stays in the stream", seq, deliveries, deliveries == 1 ? "delivery" : "deliveries");
    }

    /** The field as a positive whole number (as the server writes it: no fraction, no exponent), or 0. */
    private static long positive(JsonValue advisory, String name) {
        JsonValue value = advisory.map == null ? null : advisory.map.get(name);
        if (value == null || !(value.number instanceof Integer || value.number instanceof Long)) {
            return 0;
        }
        return Math.max(0, value.number.longValue());
    }

    /** The last stream seq the consumer delivered, as the server says now; when it does not answer, any is taken. */
    private static long delivered(Connection nc, String stream, String consumer) {
        try {
            return nc.jetStreamManagement().getConsumerInfo(stream, consumer).getDelivered().getStreamSequence();
        } catch (IOException | JetStreamApiException | RuntimeException noAnswer) {
            return Long.MAX_VALUE;
        }
    }
}
