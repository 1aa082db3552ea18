// An interest stream keeps a message only while some consumer is interested in it. With no consumer
// at all, the server still answers the publish with a PubAck and a sequence number, and keeps nothing:
// a confirmed run asks the stream once, afterwards, so js-pub never says "published" and leaves that out.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamInfo;
import org.slf4j.Logger;

import java.io.IOException;
import java.util.Locale;

final class NoInterest {
    private NoInterest() {
    }

    /** Says so (a WARN line, on stderr when stdout holds only JSON) when the confirmed messages were dropped at once. */
    static void check(Connection nc, String stream, long confirmed, Logger log, boolean json) {
        String line = warning(nc, stream, confirmed);
        if (line != null && json) {
            System.err.println("WARN " + line);
        } else if (line != null) {
            log.warn(line);
        }
    }

    private static String warning(Connection nc, String stream, long confirmed) {
        if (stream == null || confirmed == 0) {
            return null;
        }
        StreamInfo info;
        try {
            info = nc.jetStreamManagement().getStreamInfo(stream);
        } catch (IOException | JetStreamApiException noAnswer) {
            return null; // the PubAcks stand; only this extra look is missing
        }
        if (info.getConfiguration().getRetentionPolicy() != RetentionPolicy.Interest
                || info.getStreamState().getConsumerCount() > 0) {
            return null;
        }
        return String.format(Locale.ROOT, "stream %s has retention interest and no consumer, so it %s: an interest stream keeps a "
                + "message only while a consumer wants it: create a consumer first (js-bootstrap), or use a stream of "
                + "retention limits", Output.printable(stream, false), confirmed == 1
                ? "did not keep the message its PubAck confirmed"
                : "kept none of the " + Output.messages(confirmed) + " their PubAcks confirmed");
    }
}
