// A bulk publish through a failover: when the stream's leader dies, the messages in flight get no
// PubAck (no answer at all, or 503 while no leader is elected, or the connection moved to another
// node). Stored or not, nobody can say; so each is published again with the SAME Nats-Msg-Id, and
// the stream's duplicate window drops the copy if the first attempt was stored after all. That is
// how at-least-once publishing avoids duplicates. Only on a server list or a cluster: on one server
// a lost answer ends the run, as it always did.
//DEPS io.nats:jnats:2.26.2
//SOURCES PubAcks.java JetStreamErrors.java Failover.java StopSignal.java Durations.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.PrimitiveIterator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

final class Republish {
    /** Between rounds: the cluster elects a new leader meanwhile (a few seconds on 2.9.10). */
    private static final Duration PAUSE = Duration.ofMillis(500);

    /** One round: publishes the messages with these numbers, and stops at its first failure. */
    interface Round {
        void publish(PrimitiveIterator.OfLong numbers) throws InterruptedException;
    }

    private final Connection nc;
    private final String subject;
    private final PubAcks acks;
    private final StopSignal stop;
    private final long started = System.nanoTime();
    /** The stream's, asked aside while the run starts: mid-failover no answer may come, and nothing waits for it. */
    private final CompletableFuture<Window> duplicateWindow;
    private boolean warned;
    private String lastWarning;
    private long[] lastOwed = new long[0];
    private final Failover.Waiting waiting = new Failover.Waiting("no PubAck has come");
    /** The cluster said a stream still captures the subject: a 503 then means one between leaders. */
    private boolean streamKnown;
    /** How long no PubAck came when the run gave up waiting; null while it did not. */
    private Duration gaveUpAfter;

    Republish(Connection nc, String subject, PubAcks acks, StopSignal stop) {
        this.nc = nc;
        this.subject = subject;
        this.acks = acks.mayRetry();
        this.stop = stop;
        this.duplicateWindow = CompletableFuture.supplyAsync(() -> duplicateWindow(null));
        // a retry within it cannot store a second copy
        duplicateWindow.thenAccept(window -> acks.duplicateWindow(window == null ? null : window.duplicates()));
    }

    /** A stream's duplicate window, and the stream's name. */
    private record Window(String stream, Duration duplicates) {
    }

    /**
     * The window of the stream that stores the run's messages: the one its PubAcks name, or before the
     * first, the one that captures the subject (not the config's stream: --subject may point elsewhere).
     */
    private Window duplicateWindow(Duration timeout) {
        try {
            JetStreamManagement jsm = timeout == null ? nc.jetStreamManagement()
                    : nc.jetStreamManagement(JetStreamOptions.builder().requestTimeout(timeout).build());
            List<String> streams = acks.streamName() != null ? List.of(acks.streamName()) : jsm.getStreamNames(subject);
            if (streams.size() != 1) {
                return null; // none (the run's first PubAck says so)
            }
            return new Window(streams.get(0), jsm.getStreamInfo(streams.get(0)).getConfiguration().getDuplicateWindow());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return null; // no such stream (the run's first PubAck says so), or no answer: no warning then
        }
    }

    /**
     * Before the last line, when it would have to say the duplicate window is not known (the ask as
     * the run began got no answer, mid-failover, or none yet): asked again, within `timeout`.
     */
    void settleWindow(Duration timeout) {
        if (acks.windowUnknown()) {
            Window window = duplicateWindow.isDone() && duplicateWindow.join() != null ? duplicateWindow.join()
                    : duplicateWindow(timeout);
            acks.duplicateWindow(window == null ? null : window.duplicates());
        }
    }

    /**
     * Messages 1..total: the first round sends them all; each later round first sends again the ones
     * still owed a PubAck, then the ones not sent yet. It ends when all are confirmed, at a refusal or
     * a signal, or when no PubAck came for Failover.NO_LEADER_FOR: then the run's shortfall line says what is missing.
     */
    void publish(long total, Round round) throws InterruptedException {
        round.publish(LongStream.rangeClosed(1, total).iterator());
        long confirmed = acks.confirmed.get();
        long progressAt = System.nanoTime();
        while (!stop.requested()) {
            long[] again = acks.owed();
            long next = acks.highestSent() + 1;
            Throwable why = acks.failure.get();
            if (again.length == 0 && next > total || !worthRetrying(why)) {
                return; // all confirmed; or a refusal, no stream, a connection given up: not a failover
            }
            if (acks.confirmed.get() > confirmed) {
                confirmed = acks.confirmed.get();
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > Failover.NO_LEADER_FOR.toNanos()) {
                gaveUpAfter = Failover.NO_LEADER_FOR;
                return; // no PubAck for that long: the shortfall line says what is missing
            } else {
                waiting.goesOn(progressAt);
            }
            String warning = again.length == 0 ? null : String.format(Locale.ROOT, "WARN %s got no PubAck (%s); publishing %s again "
                    + "with %s Nats-Msg-Id, so the stream keeps one copy of each", Output.messages(again.length), reason(why),
                    again.length == 1 ? "it" : "them", again.length == 1 ? "its" : "their");
            // while no leader is elected, rounds repeat with the same messages owed: said once; a new set, even one of the
            // same size (a window's worth), is said again
            if (warning != null && (!warning.equals(lastWarning) || !java.util.Arrays.equals(again, lastOwed))) {
                System.err.println(Output.printable(warning));
                warnPastDuplicateWindow();
            }
            lastWarning = warning;
            lastOwed = again;
            pause();
            acks.failure.compareAndSet(why, null);
            round.publish(LongStream.concat(LongStream.of(again), LongStream.rangeClosed(next, total)).iterator());
        }
    }

    /** How long no PubAck came before the run gave up waiting for one; null when it ended otherwise. */
    Duration gaveUpAfter() {
        return gaveUpAfter;
    }

    /** No answer, which a failover explains; not the server's refusal, and not a stream that is not there. */
    private boolean worthRetrying(Throwable why) {
        if (nc.getStatus() == Connection.Status.CLOSED || JetStreamErrors.refusedForGood(why)) {
            return false; // Failover gave up on the connection, or the server said no: both are final
        }
        if (JetStreamErrors.notAPubAck(why) != null) {
            return false; // something answered, and not with a PubAck: no leader change explains that
        }
        if (JetStreamErrors.isNoResponders(why)) { // no stream (never there, or deleted mid-run), or one between leaders: ask
            try {
                streamKnown = !nc.jetStreamManagement().getStreamNames(subject).isEmpty();
                return streamKnown;
            } catch (JetStreamApiException e) {
                streamKnown = false;
                // no JetStream for this login's account: nothing will ever store them, whatever the cluster elects
                return e.getApiErrorCode() != JetStreamErrors.NOT_FOR_THIS_ACCOUNT;
            } catch (IOException | RuntimeException noAnswerEither) {
                streamKnown = false;
                return true; // the cluster is busy (electing, or just deleting it): try again
            }
        }
        return true;
    }

    private String reason(Throwable why) {
        if (why == null) {
            return "none within the wait";
        }
        if (JetStreamErrors.isNoResponders(why)) {
            return streamKnown ? "no stream leader answered: one is being elected"
                    : "no stream answered, and the cluster did not say yet whether it still has one for the subject";
        }
        if (JetStreamErrors.refusal(why) != null) {
            return "the cluster has no leader for the stream right now";
        }
        return why instanceof IllegalStateException ? "the connection is moving to another node" : "no answer in time";
    }

    /**
     * A message ID is remembered only for the stream's duplicate window (2 minutes by default): a
     * retry later than that, of a message that was stored, stores a second copy. Said once, when it may apply.
     */
    private void warnPastDuplicateWindow() {
        Window window = duplicateWindow.getNow(null);
        if (warned || window == null) {
            return;
        }
        Duration running = Duration.ofSeconds((System.nanoTime() - started) / 1_000_000_000L);
        if (running.compareTo(window.duplicates()) > 0) {
            warned = true;
            System.err.printf(Locale.ROOT, "WARN this run started %s ago, more than stream %s's duplicate window of %s: a message "
                    + "sent that long ago, if it was stored, is stored again by its retry%n", Durations.format(running),
                    Output.printable(window.stream()), Durations.format(window.duplicates())); // the name is the server's text
        }
    }

    private void pause() throws InterruptedException {
        long until = System.nanoTime() + PAUSE.toNanos();
        while (System.nanoTime() < until && !stop.requested()) {
            Thread.sleep(20); // a signal ends the run without waiting out the pause
        }
    }
}
