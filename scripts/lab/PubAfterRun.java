// What a PubAck does not say, from one look at the stream after a run: an interest stream without a
// consumer kept nothing; under discard new at max bytes older messages may have gone.
//DEPS io.nats:jnats:2.26.2
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES NoInterest.java DiscardNew.java Output.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StreamInfo;
import org.slf4j.Logger;

import java.io.IOException;

final class PubAfterRun {
    private PubAfterRun() {
    }

    /** A WARN line each, on stderr when stdout holds only JSON; nothing when the stream does not answer. */
    static void warn(Connection nc, String stream, long confirmed, boolean json, Logger log) {
        if (stream == null || confirmed == 0) {
            return;
        }
        StreamInfo info;
        try {
            info = nc.jetStreamManagement().getStreamInfo(stream);
        } catch (IOException | JetStreamApiException | IllegalArgumentException noAnswer) { // the last: a name jnats will not read
            return; // the PubAcks stand; only this extra look is missing
        }
        for (String line : new String[] {NoInterest.warning(info, confirmed), DiscardNew.warning(info)}) {
            if (line != null && json) {
                System.err.println(Output.line("WARN " + line, false));
            } else if (line != null) {
                log.warn(line);
            }
        }
    }
}
