// How js-pull shows a message: the lab's INFO line (its delivery number and headers too), or with
// --raw the body's bytes alone; and which of a batch's lines a pipe's reader really took.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java Stdout.java StdoutPipe.java LogLines.java AckSubject.java

import io.nats.client.Message;
import org.slf4j.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

final class PullShown {
    private static final Logger log = LogLines.logger(PullShown.class);

    private final boolean raw;
    private final boolean ephemeral;
    private final Map<Message, Long> lineEnds = new IdentityHashMap<>(); // where each printed line of a batch ends on stdout
    private Map<Long, Long> lastArrived; // following a backoff's retries: when each stream seq last arrived (System.nanoTime)

    PullShown(boolean raw, boolean ephemeral) {
        this.raw = raw;
        this.ephemeral = ephemeral;
    }

    /** --no-ack on a consumer with a backoff: each retry's line says how long after the delivery before it it came. */
    void followRetries(boolean follow) {
        lastArrived = follow ? new HashMap<>() : null;
    }

    /** One message on stdout: the lab's INFO line with its delivery count and headers, or with --raw its bytes alone. */
    void show(Message msg) throws IOException {
        if (raw) {
            byte[] body = msg.getData() == null ? new byte[0] : msg.getData();
            System.out.write(body);
            System.out.write('\n');
            System.out.flush();
        } else {
            String note = ephemeral ? " (stream seq " + AckSubject.of(msg).streamSeq() + ")" : deliveryNote(msg);
            log.info("pulled message: {}{}{}", Output.quoted(msg.getData()), note, headersNote(msg));
        }
        lineEnds.put(msg, Stdout.position());
    }

    /**
     * What became of a message or a batch (acked, nak'd). With --raw none, as natscli's --raw: stdout
     * holds the bodies only, and stderr just the run's last line and warnings.
     */
    void say(String line) {
        if (!raw) {
            log.info(line);
        }
    }

    /** The batch's first messages whose lines the reader took (on a pipe this waits for it); the rest stay unacked. */
    List<Message> handedOn(List<Message> batch) {
        if (lineEnds.isEmpty()) {
            return batch; // no line printed (--quiet): nothing for a reader to take, so no wait for one
        }
        long taken = StdoutPipe.taken();
        int n = 0;
        while (n < batch.size() && lineEnds.getOrDefault(batch.get(n), 0L) <= taken) {
            n++;
        }
        lineEnds.clear();
        return batch.subList(0, n);
    }

    /** " (delivery 3)"; following retries " (delivery 3, 2.0s after delivery 2)", timed as they arrived here. */
    private String deliveryNote(Message msg) {
        long delivery = AckSubject.of(msg).delivered();
        long now = System.nanoTime();
        Long before = lastArrived == null ? null : lastArrived.put(AckSubject.of(msg).streamSeq(), now);
        if (delivery <= 1) {
            return "";
        }
        return " (delivery " + delivery + (before == null ? "" : String.format(Locale.ROOT, ", %.1fs after delivery %d",
                (now - before) / 1e9, delivery - 1)) + ")";
    }

    /** " headers: Trace-Id="abc"; Nats-Msg-Id="7"": what the publisher set besides the body, each value quoted. */
    private static String headersNote(Message msg) {
        if (!msg.hasHeaders() || msg.getHeaders().isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        msg.getHeaders().entrySet().forEach(header -> header.getValue()
                .forEach(value -> pairs.add(Output.header(header.getKey(), value))));
        return " headers: " + String.join("; ", pairs);
    }
}
