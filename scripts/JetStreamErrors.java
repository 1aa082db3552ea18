// The JetStream API's error codes the scripts act on, named once, and the one line each becomes:
// a missing stream or consumer says to run js-bootstrap, any other refusal quotes the server.
//DEPS io.nats:jnats:2.26.2
//SOURCES Exit.java

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.StreamContext;

import java.io.IOException;

final class JetStreamErrors {
    static final int CONSUMER_NOT_FOUND = 10014;
    static final int STREAM_NOT_FOUND = 10059;
    /** Another stream already captures the subject. */
    static final int SUBJECT_OVERLAP = 10065;

    private JetStreamErrors() {
    }

    /** A JetStream API call, for orNull. */
    interface ApiCall<T> {
        T call() throws IOException, JetStreamApiException;
    }

    /** The call's answer, or null when the server answers with this error code (STREAM_NOT_FOUND, say). */
    static <T> T orNull(int code, ApiCall<T> call) throws IOException, JetStreamApiException {
        try {
            return call.call();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == code) {
                return null;
            }
            throw e;
        }
    }

    /** The lab's stream, or one line saying to run js-bootstrap. */
    static StreamContext streamContext(Connection nc, String stream, String shownUrl) throws IOException {
        try {
            return nc.getStreamContext(stream);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == STREAM_NOT_FOUND ? streamNotFound(stream, shownUrl)
                    : Exit.failed("cannot read stream %s: %s", stream, e.getErrorDescription());
        }
    }

    /** The lab's durable consumer, or one line saying to run js-bootstrap. */
    static ConsumerContext consumerContext(Connection nc, String stream, String consumer, String shownUrl)
            throws IOException {
        StreamContext streamContext = streamContext(nc, stream, shownUrl);
        try {
            return streamContext.getConsumerContext(consumer);
        } catch (JetStreamApiException e) {
            throw e.getApiErrorCode() == CONSUMER_NOT_FOUND ? consumerNotFound(consumer, stream)
                    : Exit.failed("cannot read consumer %s: %s", consumer, e.getErrorDescription());
        }
    }

    static LabException streamNotFound(String stream, String shownUrl) {
        return Exit.notFound("stream %s not found at %s: run js-bootstrap first", stream, shownUrl);
    }

    static LabException consumerNotFound(String consumer, String stream) {
        return Exit.notFound("consumer %s not found on stream %s: run js-bootstrap first", consumer, stream);
    }

    /** A publish nobody answered: jnats says "503 No Responders", which for JetStream means no stream has the subject. */
    static boolean isNoResponders(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("503")) {
                return true;
            }
        }
        return false;
    }

    static LabException noStreamCaptures(String subject, String sofar) {
        return Exit.notFound("no stream captures subject %s: run js-bootstrap first%s", subject, sofar);
    }

    /** Any other refusal, in the server's own words. */
    static String refused(String description, int code) {
        return String.format("the server refused: %s (error %d)", description, code);
    }

    static String refused(JetStreamApiException e) {
        return refused(e.getErrorDescription(), e.getApiErrorCode());
    }
}
