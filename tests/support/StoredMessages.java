// What the lab's stream holds, read straight from the server: tests that pass a message
// through a launcher compare these bodies with the arguments they gave.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamState;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class StoredMessages {
    private StoredMessages() {
    }

    /** Every body in LAB4_STREAM, oldest first, as UTF-8 text (an empty body is ""). */
    static List<String> in(NatsServer server) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (byte[] data : bytesIn(server)) {
            bodies.add(new String(data, StandardCharsets.UTF_8));
        }
        return bodies;
    }

    /** Every body in LAB4_STREAM, oldest first, exactly as stored. */
    static List<byte[]> bytesIn(NatsServer server) throws Exception {
        try (Connection nc = server.connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamState state = jsm.getStreamInfo("LAB4_STREAM").getStreamState();
            List<byte[]> bodies = new ArrayList<>();
            for (long seq = state.getFirstSequence(); state.getMsgCount() > 0 && seq <= state.getLastSequence(); seq++) {
                byte[] data = jsm.getMessage("LAB4_STREAM", seq).getData();
                bodies.add(data == null ? new byte[0] : data);
            }
            return bodies;
        }
    }
}
