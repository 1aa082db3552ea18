// What nats-sub, worker and responder share once subscribed: take each message as it arrives, print
// it, and end after --count messages or --wait without one, or on Ctrl-C/SIGTERM; the last line says
// how many arrived, how many the client dropped because this subscriber fell behind, and how many
// reached the client but were never shown (core NATS keeps no copy of either).
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//SOURCES Output.java Stdout.java StdoutPipe.java StopSignal.java Exit.java Durations.java Subjects.java JetStreamErrors.java ReaderWatch.java ServerWords.java
//SOURCES Connector.java

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.slf4j.Logger;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.function.Supplier;

final class Listening {
    /** The longest --work-ms: an hour. */
    private static final long MAX_WORK_MILLIS = 3_600_000;
    /** How often a wait for the next message looks whether jnats still reads the connection. */
    private static final Duration READER_CHECK = Duration.ofMillis(250);

    /** The flags both listeners take. */
    static final class Flags implements Exit.Ranged {
        @Option(names = "--count", paramLabel = "N",
                description = "Stop once N messages reached this subscriber (those the client dropped count too).")
        Long count;

        @Option(names = "--work-ms", paramLabel = "MS",
                description = "Pretend each message takes MS milliseconds of work: a slow subscriber falls behind.")
        long workMillis;

        @Option(names = "--pending-limit", paramLabel = "N",
                description = "How many messages may wait in this client for it (jnats' default: 65536); past that the "
                        + "client drops them (a slow consumer).")
        Long pendingLimit;

        @Option(names = "--idle", paramLabel = "DURATION",
                description = "Stop once no message arrived for DURATION after the last one (5s, 500ms); before the "
                        + "first one, wait as --wait says.")
        String idle;

        Duration idleLimit() {
            return idle == null ? null : Durations.parse(idle);
        }

        @Override
        public String rule(String option) {
            return switch (option) {
                case "--count" -> Exit.wholeNumber(1, Long.MAX_VALUE);
                case "--pending-limit" -> Exit.wholeNumber(1, Integer.MAX_VALUE);
                case "--work-ms" -> Exit.wholeNumber(0, MAX_WORK_MILLIS) + " (an hour)";
                default -> null;
            };
        }

        void check() {
            if (idle != null && Durations.within(idle, Duration.ofMillis(1)) == null) {
                throw Exit.usage("%s", Durations.refused("--idle", idle, Duration.ofMillis(1)));
            }
            if (count != null && count < 1) {
                throw Exit.outOfRange("--count", count, 1, Long.MAX_VALUE);
            }
            if (workMillis < 0 || workMillis > MAX_WORK_MILLIS) {
                throw Exit.usage("flag --work-ms: %d is not valid: it must be from 0 to %d (an hour)", workMillis, MAX_WORK_MILLIS);
            }
            if (pendingLimit != null && (pendingLimit < 1 || pendingLimit > Integer.MAX_VALUE)) { // jnats keeps an int
                throw Exit.outOfRange("--pending-limit", pendingLimit, 1, Integer.MAX_VALUE);
            }
        }
    }

    /** What a listener does with each message once it has it; the default prints it. */
    interface Handler {
        void handle(Message msg) throws Exception;
    }

    private final Logger log;
    private final Connection nc;
    private final String url;
    private volatile long received;
    /** Of those, the messages whose lines stdout accepted; a pipe's reader that left may not have taken the last ones. */
    private long printed;
    /**
     * Where the last lines end on stdout, oldest first: those a pipe may still hold. A pipe holds at most a MiB
     * (Linux's limit for a user's pipe), so a line that ended further back was surely read.
     */
    private long[] lineEnds = new long[64];
    private int firstEnd;
    private int ends;
    private static final long PIPE_HOLDS_AT_MOST = 1 << 20;
    private Supplier<String> handled = () -> "";
    private Subscription sub;
    private String ended = "";
    /** Once the subscription is closed: whether the server confirmed it sends no more (so the count of what reached the client is final). */
    private volatile Boolean intakeConfirmed;

    /**
     * nc: a connection with this one subscription, so that every message it received is one for this
     * listener (jnats counts each as it arrives); url: the server's, as it may be shown.
     */
    Listening(Logger log, Connection nc, String url) {
        this.log = log;
        this.nc = nc;
        this.url = url;
    }

    /** What the handler did with the messages, after "N received" on the last line (", 2 replied"). */
    Listening handled(Supplier<String> what) {
        this.handled = what;
        return this;
    }

    /** A subject to listen on may hold wildcards: * for one token, > for all the rest; the hint builds on the lab's subject. */
    static String checkFilter(String subject, String labSubject) {
        String problem = Subjects.filterProblem(subject, labSubject);
        if (problem != null) {
            throw Exit.usage("subject %s cannot be subscribed to: %s", Output.quotedStart(subject), problem);
        }
        return subject;
    }

    /** The lesson's own subscribe, which flushes so the server has the SUB before the run says it listens. */
    interface Subscribing {
        Subscription subscribe() throws Exception;
    }

    /**
     * The subscription `subscribing` made. A message whose headers jnats cannot read that comes before
     * the server answers the flush stops jnats' reader, so that answer never arrives: the run ends at
     * once with the line the same message gets once it listens, not with the flush's timeout.
     */
    Subscription subscribed(Subscribing subscribing) throws Exception {
        try {
            return ReaderWatch.interruptedOnStop(nc, subscribing::subscribe);
        } catch (java.util.concurrent.TimeoutException | InterruptedException unanswered) {
            readerGoesOn();
            throw unanswered;
        }
    }

    /**
     * Prints each message as it arrives until --count, --wait (null: no limit, as a listener in another
     * terminal waits for you) or a signal ends the run; then the last line.
     */
    void run(Subscription subscription, Flags flags, Duration wait, String listeningLine) throws Exception {
        run(subscription, flags, wait, listeningLine, msg -> {
            if (msg.isStatusMessage()) { // the line says what jnats kept of it
                log.warn("received on {}: {}", Output.printable(msg.getSubject(), false), ReaderWatch.bodyShown(msg));
            } else {
                log.info("received on {}: {}", Output.printable(msg.getSubject(), false), ReaderWatch.bodyShown(msg));
            }
        });
    }

    void run(Subscription subscription, Flags flags, Duration wait, String listeningLine, Handler handler) throws Exception {
        sub = subscription;
        if (flags.pendingLimit != null) {
            sub.setPendingLimits(flags.pendingLimit, -1);
        }
        log.info(listeningLine);
        checkWritten();
        StopSignal stop = StopSignal.watch(Duration.ofSeconds(2), this::soFar);
        try {
            while (flags.count == null || received + sub.getDroppedCount() < flags.count) {
                Message msg;
                if (!stop.interruptible(true)) {
                    break;
                }
                try {
                    Duration limit = received > 0 && flags.idleLimit() != null ? flags.idleLimit() : wait;
                    msg = next(limit);
                } catch (InterruptedException signalled) {
                    if (!stop.requested()) { // no signal: the connection's error listener, which knows why (a refused subscription)
                        throw signalled;
                    }
                    break;
                } finally {
                    stop.interruptible(false);
                }
                if (msg == null) {
                    if (nc.getStatus() != Connection.Status.CONNECTED) { // with a server list, jnats was still trying them
                        throw JetStreamErrors.connectionLost(url, soFar());
                    }
                    ended = "; none arrived in the last " + Durations.format(received > 0 && flags.idleLimit() != null
                            ? flags.idleLimit() : wait);
                    break;
                }
                if (flags.workMillis > 0) {
                    Thread.sleep(flags.workMillis); // while this sleeps, new messages wait in the client
                }
                received++;
                handler.handle(msg);
                checkWritten();
                printed++;
                lineEnded(Stdout.position());
            }
        } catch (IllegalStateException | java.util.concurrent.TimeoutException gone) {
            if (nc.getStatus() == Connection.Status.CONNECTED) {
                throw gone;
            }
            throw JetStreamErrors.connectionLost(url, soFar()); // jnats says only "subscription became inactive"
        } finally {
            closeIntake(stop.left(Connector.CONFIRM_WAIT));
            stop.runEnded();
        }
        String refused = nc.getLastError(); // jnats' reader kept it; its listener may not have run yet
        if (ServerWords.refusedSubject(refused)) {
            throw new IllegalStateException(refused); // the permission line (Connector.explainFailure)
        }
        if (flags.count != null && received + sub.getDroppedCount() >= flags.count) {
            ended = " (--count " + flags.count + ")";
        }
        Output.summary(log, "done: " + counts("") + ended);
    }

    /**
     * The next message within the limit (null: no limit), or null. A message whose headers jnats
     * cannot read (any publisher may send one) stops jnats' reader for good while the connection
     * stays up: then nothing more can arrive, and the run says so instead of waiting on.
     */
    private Message next(Duration limit) throws InterruptedException {
        long end = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        while (true) {
            long left = Math.max(end - System.nanoTime(), 1_000_000);
            Message msg = sub.nextMessage(Duration.ofNanos(Math.min(left, READER_CHECK.toNanos())));
            if (msg != null) {
                return msg;
            }
            readerGoesOn();
            if (System.nanoTime() >= end) {
                return null;
            }
        }
    }

    /** Returns while jnats still reads the connection; once a message it cannot read stopped it, the run's line. */
    private void readerGoesOn() {
        Throwable stopped = ReaderWatch.stopped(nc);
        if (stopped != null) {
            synchronized (this) {
                intakeConfirmed = intakeConfirmed == null || intakeConfirmed; // jnats reads nothing more: no message can still arrive
            }
            throw Exit.failed("a message came with headers jnats cannot read (%s): jnats stopped reading this "
                    + "connection, so nothing published after it can arrive; core NATS keeps no copy of it: %s",
                    Output.printableStart(String.valueOf(stopped.getMessage())), soFar());
        }
    }

    private void checkWritten() {
        if (!Stdout.written()) {
            closeIntake(Connector.CONFIRM_WAIT);
            throw Stdout.lost(": " + counts(" (" + taken() + " printed)"));
        }
    }

    /**
     * Ends the subscription: once the server answers the flush after the UNSUB it sends nothing more,
     * so the count of what reached this client is final (a queue group's other members get the rest).
     * Once, from whichever ends the run first: the run itself, or a signal's exit after the grace period.
     */
    private synchronized void closeIntake(Duration within) {
        if (sub == null || intakeConfirmed != null) {
            return;
        }
        intakeConfirmed = false;
        try {
            if (sub.isActive()) {
                sub.unsubscribe();
            }
            if (nc.getStatus() == Connection.Status.CONNECTED && within.toMillis() > 0) {
                nc.flush(within);
                intakeConfirmed = true;
            }
        } catch (InterruptedException signal) {
            Thread.currentThread().interrupt();
        } catch (Exception noAnswer) {
            // the server did not confirm: more may have reached the client since, and the last line says so
        }
    }

    private void lineEnded(long end) {
        while (ends > 0 && lineEnds[firstEnd] <= end - PIPE_HOLDS_AT_MOST) {
            firstEnd = (firstEnd + 1) % lineEnds.length;
            ends--;
        }
        if (ends == lineEnds.length) {
            long[] more = new long[ends * 2];
            for (int i = 0; i < ends; i++) {
                more[i] = lineEnds[(firstEnd + i) % ends];
            }
            lineEnds = more;
            firstEnd = 0;
        }
        lineEnds[(firstEnd + ends++) % lineEnds.length] = end;
    }

    /** The printed lines the reader took: on a pipe it left, those it left unread in it do not count. */
    private long taken() {
        long taken = StdoutPipe.taken();
        long unread = 0;
        for (int i = ends - 1; i >= 0 && lineEnds[(firstEnd + i) % lineEnds.length] > taken; i--) {
            unread++;
        }
        return printed - unread;
    }

    private String soFar() {
        closeIntake(Duration.ofMillis(500)); // a signal's exit after the grace period, while the run is still busy
        return counts("");
    }

    /**
     * "2 messages received", what the client dropped, and what reached it but was never shown (waiting
     * in the client when the run ended): together, all that reached this subscriber.
     */
    private String counts(String shown) {
        String line = Output.messages(received) + " received" + shown + handled.get();
        long dropped = sub == null ? 0 : sub.getDroppedCount();
        if (dropped > 0) {
            line += ", " + Output.messages(dropped) + " dropped: this subscriber fell behind (a slow consumer), and core NATS keeps no "
                    + "copy to resend";
        }
        long unshown = nc.getStatistics().getInMsgs() - received - dropped;
        // unconfirmed (no answer to the flush after the UNSUB, or no connection): the server may have had more on their way
        boolean complete = intakeConfirmed == null || intakeConfirmed;
        String noCopy = " (core NATS keeps no copy" + (dropped > 0 ? " either" : "") + ")";
        if (unshown > 0) {
            line += ", " + (complete ? "" : "at least ") + Output.messages(unshown).replaceFirst(" ", " more ")
                    + (unshown == 1 ? " reached this client but was never shown: it is lost" : " reached this client but were never "
                    + "shown: they are lost") + noCopy;
        } else if (!complete) {
            line += ", and any on their way to this client when it stopped are lost" + noCopy;
        }
        return line;
    }
}
