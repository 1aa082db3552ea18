// js-pub's bulk run on one server: each message published with its own reply subject under one
// subscription of the run's, `<inbox>.<number>`, instead of through jnats' publishAsync. Why it
// bypasses the API: publishAsync makes a future, a response token and a map entry per message and
// parses every PubAck's JSON into a map; at window 1000 that was about a fifth of the client's CPU
// per message, which on a 2-core machine the server does not get. What counts is unchanged: a
// message is published only once its PubAck names a stream and a sequence. A reply of any other
// shape (an error, a status such as 503, a PubAck with more fields) is read by jnats' own
// PublishAck, as publishAsync reads it, so a refusal is the same JetStreamApiException with its
// code. A message with no reply within jnats' request timeout fails the run as its future would.
// Failing over, js-pub keeps publishAsync (Republish sends again what got no PubAck).
//DEPS io.nats:jnats:2.26.2
//SOURCES PubAcks.java StopSignal.java JetStreamErrors.java

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.PrimitiveIterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

final class PubAckReplies {
    private static final byte[] STREAM = "\"stream\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = "\"seq\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DUPLICATE = "\"duplicate\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);

    private final Connection nc;
    private final PubAcks acks;
    private final StopSignal stop;
    private final Duration silence;
    private final long timeoutNanos;
    // Message n's place is (n - 1) % window; n is sent only once every message window or more before it
    // is answered, so no place is taken twice. owed: n while it waits, -n while its reply is counted, 0 free.
    private final long[] owed;
    private final long[] sentAt;
    private final int[] sizes;
    private final int[] weights;
    private long oldest = 1; // the lowest number not yet answered (or timed out)
    private long next = 1;   // the number the next message gets
    private final Semaphore bytes;
    private final int bytesInFlight;

    /** silence: how long without any answer ends the run's waits; jnats' request timeout bounds each message's own. */
    PubAckReplies(Connection nc, PubAcks acks, StopSignal stop, int window, int bytesInFlight, Duration silence) {
        this.nc = nc;
        this.acks = acks;
        this.stop = stop;
        this.silence = silence;
        this.timeoutNanos = nc.getOptions().getRequestCleanupInterval().toNanos();
        this.owed = new long[window];
        this.sentAt = new long[window];
        this.sizes = new int[window];
        this.weights = new int[window];
        this.bytesInFlight = bytesInFlight;
        this.bytes = new Semaphore(bytesInFlight);
    }

    /** Messages 1, 2, ... in order (one server: each is sent once), window and bytes in flight bounded, until a failure or a signal. */
    void publish(String subject, PrimitiveIterator.OfLong numbers, LongFunction<byte[]> body,
                 LongFunction<Headers> headers) throws InterruptedException {
        String inbox = nc.createInbox() + ".";
        Dispatcher replies = nc.createDispatcher(msg -> answered(msg, inbox.length()));
        replies.subscribe(inbox + "*");
        try {
            while (numbers.hasNext() && acks.failure.get() == null && !stop.requested()) {
                long n = numbers.nextLong();
                byte[] data = body.apply(n);
                int weight = Math.min(Math.max(data.length, 1), bytesInFlight);
                if (!roomFor(n)) {
                    break; // no answer for that long: n is not sent, the run's end says why
                }
                if (!acks.awaitRoom(bytes, weight, silence) || acks.failure.get() != null || stop.requested()) {
                    break; // a refusal that came while it waited is final: n is not sent
                }
                place(n, data.length, weight);
                acks.sending(n);
                try {
                    nc.publish(subject, inbox + n, headers.apply(n), data);
                } catch (IllegalStateException closed) { // closed, or jnats' reconnect buffer is full
                    free(n);
                    acks.notSent(); // that one never left
                    acks.failure.compareAndSet(null, closed);
                }
            }
        } finally {
            allAnswered(); // the last PubAcks, as long as they keep coming
            if (nc.getStatus() != Connection.Status.CLOSED) {
                try {
                    nc.closeDispatcher(replies);
                } catch (IllegalStateException closedMeanwhile) {
                    // its subscription went with the connection
                }
            }
        }
    }

    /** Waits until n's place is free: false once no answer came for `silence`, or the connection closed. */
    private synchronized boolean roomFor(long n) throws InterruptedException {
        long waitingSince = System.nanoTime();
        while (n - oldest >= owed.length) {
            if (!waitAnswer(waitingSince)) {
                return false;
            }
        }
        return true;
    }

    /** After the last send: every message answered, or no answer for `silence`, or the connection gone. */
    private synchronized void allAnswered() throws InterruptedException {
        long waitingSince = System.nanoTime();
        while (oldest < next && waitAnswer(waitingSince)) {
            // an answer came, or a message's own timeout passed
        }
    }

    /** One wait of at most 50 ms for an answer; messages past jnats' request timeout fail meanwhile. */
    private boolean waitAnswer(long waitingSince) throws InterruptedException {
        wait(50);
        timedOut();
        boolean answering = acks.answeredWithin(silence) || System.nanoTime() - waitingSince <= silence.toNanos();
        return answering && nc.getStatus() != Connection.Status.CLOSED; // closed: no answer can come any more
    }

    /** The oldest unanswered message, waiting longer than jnats waits for a reply, fails as its future would. */
    private void timedOut() {
        long now = System.nanoTime();
        while (oldest < next) {
            int i = place(oldest);
            if (owed[i] != oldest || now - sentAt[i] < timeoutNanos) {
                return;
            }
            long n = oldest;
            bytes.release(weights[i]);
            free(n);
            acks.record(n, null, new TimeoutException("no PubAck for message " + n + " within jnats' request timeout"), 0, 0);
        }
    }

    private int place(long n) {
        return (int) ((n - 1) % owed.length);
    }

    private synchronized void place(long n, int size, int weight) {
        int i = place(n);
        owed[i] = n;
        sentAt[i] = System.nanoTime();
        sizes[i] = size;
        weights[i] = weight;
        next = n + 1;
    }

    /** n is answered (or will never be): its place is free, and the oldest moves on past what is answered. */
    private synchronized void free(long n) {
        owed[place(n)] = 0;
        while (oldest < next && owed[place(oldest)] == 0) {
            oldest++;
        }
        notifyAll();
    }

    /** A reply on the run's subject: counted once, as a PubAck or as the failure jnats would have made of it. */
    private void answered(Message msg, int numberAt) {
        long n;
        try {
            n = Long.parseLong(msg.getSubject().substring(numberAt));
        } catch (NumberFormatException | IndexOutOfBoundsException notOurs) {
            return;
        }
        long sent;
        int i = place(n);
        synchronized (this) {
            if (n < 1 || owed[i] != n) {
                return; // timed out already (jnats too drops a reply that comes after its future gave up)
            }
            owed[i] = -n;
            sent = sentAt[i];
        }
        long nanos = System.nanoTime() - sent;
        Plain plain = msg.hasHeaders() ? null : plain(msg.getData());
        if (plain != null && JetStreamErrors.unlikePubAck(plain.stream(), plain.seq()) == null) {
            acks.stored(n, plain.stream(), plain.seq(), plain.duplicate(), nanos, sizes[i]);
        } else {
            PublishAck ack = null;
            Exception error = null;
            try {
                ack = read(msg);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                error = e;
            }
            acks.record(n, ack, error, nanos, sizes[i]);
        }
        bytes.release(weights[i]);
        free(n);
    }

    /** What publishAsync makes of a reply: a status (503: no stream takes the subject) fails; an error reply is a refusal. */
    private static PublishAck read(Message reply) throws IOException, JetStreamApiException {
        if (reply.isStatusMessage()) {
            throw new IOException("Error Publishing: " + reply.getStatus().getMessageWithCode());
        }
        return new PublishAck(reply); // JetStreamApiException for {"error":...}, with its code and description
    }

    record Plain(String stream, long seq, boolean duplicate) {
    }

    /**
     * {"stream":"NAME","seq":N} or {"stream":"NAME","seq":N,"duplicate":true}, with JSON's spaces anywhere
     * between the parts (nats-server 2.9 writes `{"stream":"S", "seq":1,"duplicate": true}`): the PubAck of
     * a plain publish. Null for anything else (an escape in the name, other fields): jnats reads those.
     */
    static Plain plain(byte[] data) {
        if (data == null) {
            return null;
        }
        int name = expect(data, expect(data, expect(data, expect(data, 0, '{'), STREAM), ':'), '"');
        if (name < 0) {
            return null;
        }
        int quote = name;
        while (quote < data.length && data[quote] != '"' && data[quote] != '\\') {
            quote++;
        }
        if (quote == name || quote >= data.length || data[quote] != '"') {
            return null;
        }
        int at = spaces(data, expect(data, expect(data, expect(data, quote + 1, ','), SEQ), ':'));
        if (at < 0) {
            return null;
        }
        long seq = 0;
        int digits = 0;
        while (at < data.length && data[at] >= '0' && data[at] <= '9' && digits < 18) {
            seq = seq * 10 + (data[at++] - '0');
            digits++;
        }
        if (digits == 0 || seq == 0 || (at < data.length && data[at] >= '0' && data[at] <= '9')) {
            return null;
        }
        int comma = expect(data, at, ',');
        boolean duplicate = comma >= 0;
        if (duplicate) {
            at = expect(data, expect(data, expect(data, comma, DUPLICATE), ':'), TRUE);
        }
        at = expect(data, at, '}');
        if (at < 0 || spaces(data, at) != data.length) {
            return null;
        }
        return new Plain(new String(data, name, quote - name, StandardCharsets.UTF_8), seq, duplicate);
    }

    /** Past JSON's spaces from `at`; -1 stays -1. */
    private static int spaces(byte[] data, int at) {
        while (at >= 0 && at < data.length && (data[at] == ' ' || data[at] == '\t' || data[at] == '\n' || data[at] == '\r')) {
            at++;
        }
        return at;
    }

    /** Past `c` (after any spaces) from `at`, or -1 when something else is there. */
    private static int expect(byte[] data, int at, char c) {
        at = spaces(data, at);
        return at >= 0 && at < data.length && data[at] == c ? at + 1 : -1;
    }

    /** Past `token` (after any spaces) from `at`, or -1 when something else is there. */
    private static int expect(byte[] data, int at, byte[] token) {
        at = spaces(data, at);
        if (at < 0 || data.length - at < token.length) {
            return -1;
        }
        for (int k = 0; k < token.length; k++) {
            if (data[at + k] != token[k]) {
                return -1;
            }
        }
        return at + token.length;
    }
}
