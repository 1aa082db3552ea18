// A JetStream advisory: once a message has been delivered max_deliver times without an ack, the
// server stops handing it out and says so on $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<stream>.<consumer>,
// as JSON naming the stream sequence and the number of deliveries. Any client may listen; js-pull
// and js-info --watch do, and each turn it into one line.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;

import java.io.IOException;
import java.util.Locale;
import java.util.function.Consumer;

final class MaxDeliveries {
    static final String SUBJECT = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.";

    private MaxDeliveries() {
    }

    /**
     * Listens for the consumer's advisories on a dispatcher of the connection (closed with it), and
     * hands each one, as a line, to `say`. A user not allowed to subscribe there just sees none.
     */
    static Dispatcher listen(Connection nc, String stream, String consumer, Consumer<String> say) {
        Dispatcher dispatcher = nc.createDispatcher(advisory -> say.accept(line(advisory.getData())));
        dispatcher.subscribe(SUBJECT + stream + "." + consumer);
        return dispatcher;
    }

    /** The advisory as one line; the server's JSON is data, so what it names is escaped. */
    static String line(byte[] json) {
        try {
            JsonValue advisory = JsonParser.parse(json);
            String deliveries = field(advisory, "deliveries");
            return Output.printable(String.format(Locale.ROOT, "advisory: stream seq %s reached max deliver (%s %s, none acked): the "
                    + "server hands it out no more; it stays in the stream", field(advisory, "stream_seq"), deliveries,
                    deliveries.equals("1") ? "delivery" : "deliveries"));
        } catch (IOException | RuntimeException unreadable) {
            return "advisory: a message reached max deliver (the server's advisory could not be read)";
        }
    }

    private static String field(JsonValue advisory, String name) {
        JsonValue value = advisory.map == null ? null : advisory.map.get(name);
        return value == null ? "?" : value.number != null ? value.number.toString() : String.valueOf(value.string);
    }
}
