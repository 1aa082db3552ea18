// A JetStream request nobody answered in time. On a cluster that is mostly a leader being elected
// (6-8 s after one dies, more under load): a run's first requests are asked again through it, as
// long as a failover is waited for. Past that, or on one server, the run ends with one line saying
// what it means and what to do; jnats' own words ("Timeout or no response ...") never reach the user.
//DEPS io.nats:jnats:2.26.2
//SOURCES Exit.java Failover.java Durations.java Output.java ReaderWatch.java

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.ApiResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

final class Unanswered {
    /** "JetStream system temporarily unavailable": on a cluster, no leader (no quorum) for what was asked. */
    static final int NO_LEADER = 10008;

    private Unanswered() {
    }

    /** A JetStream API call, for throughElection and JetStreamErrors.orNull. */
    interface ApiCall<T> {
        T call() throws IOException, JetStreamApiException;
    }

    /**
     * 10008; or "raft: not leader" with no code, which a stream's leader answers while it steps down
     * (it did as its stream was deleted): whether the message is stored, that answer does not say.
     */
    static boolean noLeaderNow(JetStreamApiException api) {
        return noLeaderNow(api.getApiErrorCode(), api.getErrorDescription());
    }

    /** The same, from an API error's code and description (a reply kept as the server's JSON). */
    static boolean noLeaderNow(int code, String description) {
        return code == NO_LEADER || String.valueOf(description).contains("not leader");
    }

    /**
     * A run's first JetStream request, asked again on a cluster while its leader is being elected
     * (unanswered, or refused with "no leader"), for as long as a failover is waited for.
     */
    static <T> T throughElection(Connection nc, ApiCall<T> call) throws IOException, JetStreamApiException {
        return throughElection(Failover.on(nc), call);
    }

    static <T> T throughElection(boolean failsOver, ApiCall<T> call) throws IOException, JetStreamApiException {
        return throughElection(failsOver, null, call);
    }

    /**
     * A change (a purge, a delete, a create or an update), asked again the same way: asked twice, each of
     * these leaves what the first left. Past the bound, or unanswered on one server, whether it was done
     * is not known, and the line says so (unknown): a leader that got it without a majority of its
     * servers up does it once they are back. `change` names it for that line: "the purge of stream X".
     */
    static <T> T change(boolean failsOver, String change, ApiCall<T> call) throws IOException, JetStreamApiException {
        try {
            return throughElection(failsOver, change, call);
        } catch (IOException e) {
            if (is(e)) {
                throw unknown(change, e);
            }
            throw e;
        }
    }

    /**
     * throughElection, for a read (change null) or for a change its caller asks after when unanswered
     * (doneLate): refused "no leader" to the end, a change ends with unknown(change).
     */
    static <T> T throughElection(boolean failsOver, String change, ApiCall<T> call) throws IOException, JetStreamApiException {
        return throughElection(failsOver, change, null, call);
    }

    /** The same; `read` names what a read asks for ("consumer C of stream S"), for its line past the bound (null: not known). */
    private static <T> T throughElection(boolean failsOver, String change, String read, ApiCall<T> call)
            throws IOException, JetStreamApiException {
        long asked = System.nanoTime();
        long giveUp = asked + Failover.NO_LEADER_FOR.toNanos();
        boolean again = false;
        while (true) {
            try {
                T answer = call.call();
                if (again) {
                    saidWaited(Duration.ofNanos(System.nanoTime() - asked));
                }
                return answer;
            } catch (IOException | JetStreamApiException e) {
                boolean electing = e instanceof JetStreamApiException api ? noLeaderNow(api) : is(e);
                if (!failsOver || !electing) {
                    throw e;
                }
                if (System.nanoTime() > giveUp) {
                    endPastTheBound(e, change, read, again);
                }
                if (System.nanoTime() - asked >= Failover.SAY_WAITING_AFTER.toNanos() && saidWaitingOn != System.err) {
                    saidWaitingOn = System.err;
                    System.err.println(Failover.waitingLine("no leader has answered", asked));
                }
            }
            again = true;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a leader", e);
            }
        }
    }

    /**
     * Ends a request still unanswered, or refused "no leader", past the bound: for a change,
     * unknown; for a read asked again, the conclusion that no leader was elected (AskedAgain marks an
     * unanswered one for Connector's line); a first asking that outlasted the bound (a long --timeout)
     * was not asked again, and stays what it was.
     */
    private static void endPastTheBound(Exception last, String change, String read, boolean again) throws IOException, JetStreamApiException {
        if (last instanceof JetStreamApiException api) {
            if (change != null || again) {
                throw change != null ? unknown(change, api, again) : noLeaderElected(api, read);
            }
            throw api;
        }
        throw again ? new AskedAgain((IOException) last) : (IOException) last;
    }

    /** The stderr the run said it waited on: one line a run (a run inside a test JVM gets a stderr of its own). */
    private static volatile java.io.PrintStream saidOn;
    /** The stderr the run said it was still waiting on, the same way. */
    private static volatile java.io.PrintStream saidWaitingOn;

    /** One line, once a run, when its requests had to be asked again until a leader answered. */
    private static void saidWaited(Duration waited) {
        if (saidOn != System.err) {
            saidOn = System.err;
            System.err.println("WARN no leader answered at first: asked again for "
                    + Durations.format(waited) + " until an answer came");
        }
    }

    /**
     * A request whose reply is kept as the server's JSON (js-info), asked again as above, also (unless
     * throughNoLeader is false) while the reply is the server's "no leader": a consumer's election can
     * outlast its stream's. Null when no answer came; on one server a refusal is the reply, and on a
     * cluster so is any refusal but "no leader", which past the bound ends the run (noLeaderElected).
     */
    static Message request(Connection nc, String subject, Duration timeout, boolean throughNoLeader) throws IOException {
        Message[] last = new Message[1];
        try {
            return throughElection(Failover.on(nc), null, readOf(subject), () -> {
                try {
                    last[0] = Optional.ofNullable(nc.request(subject, null, timeout)).orElseThrow(() -> new IOException(NO_ANSWER));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while asking " + subject);
                }
                if (throughNoLeader && !last[0].isStatusMessage() && last[0].getData() != null && last[0].getData().length > 0) {
                    new ApiResponse<Void>(last[0]) { }.throwOnHasError(); // a refusal: asked again if it says "no leader"
                }
                return last[0];
            });
        } catch (JetStreamApiException refused) {
            return last[0];
        } catch (IOException e) {
            if (is(e)) {
                return null;
            }
            throw e;
        }
    }

    /**
     * A delete or purge went unanswered, and the server may still have done it (a big stream's delete
     * can outlast the timeout): asked once whether it did. True when it did (its answer came late);
     * otherwise, or when that goes unanswered too, the unknown stays unknown: its line is thrown.
     */
    static boolean doneLate(IOException e, String change, ApiCall<Boolean> done) throws IOException {
        if (!is(e)) {
            throw e;
        }
        try {
            if (done.call()) {
                return true;
            }
        } catch (IOException | JetStreamApiException stillUnknown) {
            // no answer again, or no word on it: what the delete did is still unknown
        }
        throw unknown(change, e);
    }

    /** A request asked again through the whole failover bound, and still unanswered. */
    static final class AskedAgain extends IOException {
        AskedAgain(IOException last) {
            super(last.getMessage(), last);
        }
    }

    /** Whether the run asked again for the whole bound (on a cluster) before the request went unanswered. */
    static boolean askedAgain(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AskedAgain) {
                return true;
            }
        }
        return false;
    }

    /**
     * The line for a change no server confirmed: `last` is the last asking's failure (no answer, or
     * "no leader" to the end of the bound). Not a refusal: a leader may have it and do it later.
     */
    static LabException unknown(String change, Exception last) {
        return unknown(change, last, askedAgain(last));
    }

    private static LabException unknown(String change, Exception last, boolean askedAgain) {
        String unreadable = ReaderWatch.unreadableAnswer();
        if (unreadable != null) {
            return Exit.failed("the server did not confirm %s in words jnats can read: %s; so whether it was done is not known "
                    + "(js-info shows what is there; running it again is safe)", change, unreadable);
        }
        if (askedAgain) {
            String answered = last instanceof JetStreamApiException api ? String.format(Locale.ROOT, " (the last answer: %s, "
                    + "error %d)", Output.printableStart(api.getErrorDescription()), api.getApiErrorCode()) : "";
            return Exit.failed("no leader confirmed %s within %s of asking again%s, so whether it was done is not known: a "
                    + "leader that got it without a majority of its servers up does it once they are back (or the server this "
                    + "run is connected to stopped answering); js-info on another server shows what is there, and running it "
                    + "again is safe once a majority is up", change, Durations.format(Failover.NO_LEADER_FOR), answered);
        }
        String answered = last instanceof JetStreamApiException api ? String.format(Locale.ROOT, " (it answered: %s, error %d)",
                Output.printableStart(api.getErrorDescription()), api.getApiErrorCode()) : " within the timeout";
        return Exit.failed("the server did not confirm %s%s, so whether it was done is not known (js-info shows what is "
                + "there; running it again is safe): %s", change, answered, ON_ONE_SERVER);
    }

    /**
     * The line's note for a change asked again while a leader was elected: every server of the group
     * answers for itself and the first answer wins, so one not yet told of the new leader refuses a
     * change the leader makes all the same. What the last asking says is true; an earlier one may have
     * done part of it.
     */
    static final String ASKED_AGAIN = "; asked again while a leader was elected (an earlier asking, unanswered or refused "
            + "by a server not yet told of the new leader, may have done part of it)";

    /** The line's note for it: the change was made, though the server's answer came after the timeout. */
    static final String LATE = "; the server's answer came after the timeout (--timeout), and asked again it shows it done";

    /** The -j field that says the same as a change's note (LATE or ASKED_AGAIN), after a comma; "" for none. */
    static String jsonField(String note) {
        return note.equals(ASKED_AGAIN) ? ",\"asked_again\":true" : note.equals(LATE) ? ",\"answered_late\":true" : "";
    }

    /** jnats' words for a JetStream request nobody answered within the timeout: only its text tells it apart. */
    private static final String NO_ANSWER = "Timeout or no response waiting for NATS JetStream server";

    /** A JetStream request went unanswered: a cluster without a leader for it yet, or a server too busy to answer in time. */
    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && String.valueOf(t.getMessage()).startsWith(NO_ANSWER)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The one line for it: what went unanswered, why it may be, what to do, and (unless null) what the run
     * did so far. "Within 1m of asking again" only for a request that was asked again through the bound.
     */
    static LabException line(String shownUrl, boolean askedAgain, String sofar) {
        return line(shownUrl, askedAgain, sofar, null);
    }

    /** The same, for a request whose subject names what it asked for (an info request's, readOf). */
    static LabException line(String shownUrl, boolean askedAgain, String sofar, String subject) {
        LabException unreadable = unreadable(shownUrl, sofar);
        if (unreadable != null) {
            return unreadable;
        }
        String read = subject == null ? null : readOf(subject);
        return Exit.failed("%s did not answer a JetStream request%s%s", shownUrl == null ? "the server"
                : "the server at " + shownUrl, askedAgain
                ? " within " + Durations.format(Failover.NO_LEADER_FOR) + " of asking again: no leader was elected for "
                + named(read) + " in that time, or the server this run "
                + "is connected to stopped answering (a majority of its servers must be up: js-info on another server shows "
                + "which are); try again once they are"
                : ": " + ON_ONE_SERVER, sofar == null ? "" : ": " + sofar);
    }

    /**
     * No answer could be read because one came that jnats cannot read and it stopped reading the connection:
     * the line for that, or null when its reader reads on (then silence is silence).
     */
    static LabException unreadable(String shownUrl, String sofar) {
        String why = ReaderWatch.unreadableAnswer();
        return why == null ? null : Exit.failed("no answer to a JetStream request could be read from %s: %s%s", shownUrl == null
                ? "the server" : "the server at " + shownUrl, why, sofar == null ? "" : ": " + sofar);
    }

    /** Past the bound, still refused with "no leader": the line says so, what was asked for (null: not known), and the server's words. */
    static LabException noLeaderElected(JetStreamApiException api, String read) {
        return Exit.failed("no leader was elected for %s within %s of asking again (the server answered: %s, error %d): a "
                + "majority of its servers must be up (js-info on another server shows which are); try again once they are",
                named(read), Durations.format(Failover.NO_LEADER_FOR),
                Output.printableStart(api.getErrorDescription()), api.getApiErrorCode());
    }

    /** What a line waiting for a leader names: what was read (readOf), shown escaped; or, not known, either. */
    private static String named(String read) {
        return read == null ? "the stream or consumer" : Output.printable(read);
    }

    /** What an info request's subject asks for: "stream S" or "consumer C of stream S"; null for any other subject. */
    static String readOf(String subject) {
        String[] parts = subject.split("\\.");
        if (subject.startsWith("$JS.API.STREAM.INFO.") && parts.length == 5) {
            return "stream " + parts[4];
        }
        if (subject.startsWith("$JS.API.CONSUMER.INFO.") && parts.length == 6) {
            return "consumer " + parts[5] + " of stream " + parts[4];
        }
        return null;
    }

    /** Why one server (or a cluster's request not asked again) leaves a JetStream request unanswered, and what to do. */
    static final String ON_ONE_SERVER = "the server may be overloaded, or its JetStream stuck (on a cluster: a leader may "
            + "be being elected): try again, or give it more time with --timeout";
}
