// An interest stream keeps a message only while some consumer is interested in it. With no consumer
// at all, the server still answers the publish with a PubAck and a sequence number, and keeps nothing:
// a confirmed run asks the stream once, afterwards, so js-pub never says "published" and leaves that out.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java

import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamInfo;

import java.util.Locale;

final class NoInterest {
    private NoInterest() {
    }

    /** The WARN line's text when the confirmed messages were dropped at once (info: the stream after the run), or null. */
    static String warning(StreamInfo info, long confirmed) {
        if (info == null || confirmed == 0 || info.getConfiguration().getRetentionPolicy() != RetentionPolicy.Interest
                || info.getStreamState().getConsumerCount() > 0) {
            return null;
        }
        return String.format(Locale.ROOT, "stream %s has retention interest and no consumer, so it %s: an interest stream keeps a "
                + "message only while a consumer wants it: create a consumer first (js-bootstrap), or use a stream of "
                + "retention limits", Output.printable(info.getConfiguration().getName(), false), confirmed == 1
                ? "did not keep the message its PubAck confirmed"
                : "kept none of the " + Output.messages(confirmed) + " their PubAcks confirmed");
    }
}
