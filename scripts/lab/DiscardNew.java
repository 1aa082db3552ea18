// Discard new, as nats-server 2.9.10 applies it. At max messages the stream refuses the next publish,
// exactly. Max bytes is weighed against the new message's payload alone, while the stream counts each
// message as stored (payload, subject, headers and the server's own bytes): near that limit a publish is
// taken, PubAck and all, and the oldest messages are dropped to make room, before the refusals start.
// js-info says so on its storage row, js-pub after a run to such a stream, the refusal's line too.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java Limit.java

import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamState;

import java.util.Locale;

final class DiscardNew {
    /** What max bytes does under discard new, where a refusal would be expected. */
    static final String AT_MAX_BYTES = "nats-server 2.9.10 weighs only a new message's payload against max bytes, "
            + "not all it stores for it, so near that limit it may take a message and drop the stream's oldest to make "
            + "room instead of refusing";

    private DiscardNew() {
    }

    /** For js-info's storage row: ", discard new (what it refuses, and what it may drop)", or "" under discard old. */
    static String shown(StreamConfiguration config) {
        if (config.getDiscardPolicy() != DiscardPolicy.New) {
            return "";
        }
        boolean msgs = !Limit.unlimited(config.getMaxMsgs());
        boolean bytes = !Limit.unlimited(config.getMaxBytes());
        if (!msgs && !bytes) {
            return ", discard new (no max messages or max bytes is set, so nothing is refused for being full)";
        }
        return ", discard new (" + (msgs ? "refuses a message over max messages" : "") + (msgs && bytes ? "; " : "")
                + (bytes ? AT_MAX_BYTES : "") + ")";
    }

    /**
     * After a run's PubAcks (info: the stream then): the WARN line's text when the stream has discard new with
     * max bytes, naming what it holds now, so that a dropped message can be seen; null otherwise.
     */
    static String warning(StreamInfo info) {
        StreamConfiguration config = info == null ? null : info.getConfiguration();
        if (config == null || config.getDiscardPolicy() != DiscardPolicy.New || Limit.unlimited(config.getMaxBytes())) {
            return null;
        }
        StreamState state = info.getStreamState();
        return String.format(Locale.ROOT, "stream %s has discard new with max bytes %d: %s (it holds %s now%s): for a stream that "
                + "refuses when full, set --max-msgs", Output.printable(config.getName(), false), config.getMaxBytes(),
                AT_MAX_BYTES, Output.messages(state.getMsgCount()), state.getMsgCount() == 0 ? ""
                        : ", stream seq " + state.getFirstSequence() + "-" + state.getLastSequence());
    }
}
