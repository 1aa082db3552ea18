// jnats reads every message of a connection on one reader task. A message it cannot read (a header
// value that is not ASCII) ends that task with an exception while the socket stays open: the
// connection looks up, and nothing more arrives. This watch runs the reader and notes how it ended,
// so a script can tell a stopped reader at once instead of waiting out a ping that cannot come back.
//DEPS io.nats:jnats:2.26.2
//SOURCES Output.java

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Options;
import io.nats.client.support.Status;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

final class ReaderWatch extends ThreadPoolExecutor {
    private static final Map<Connection, ReaderWatch> WATCHES = Collections.synchronizedMap(new WeakHashMap<>());
    /** The watch made last: the run's own connection's (the tests' in-process runs take turns), for a line made without it. */
    private static volatile ReaderWatch latest;

    private volatile Throwable stopped;
    /** A thread waiting for an answer that a stopped reader could never read: interrupted when it stops. */
    private Thread waiting;

    private ReaderWatch() {
        super(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "jnats-reader");
            thread.setDaemon(true); // as jnats' own: it never keeps a script from ending
            return thread;
        });
    }

    /** A watch for the connection these options will make; call watching() once it is made. */
    static ReaderWatch applyTo(Options.Builder builder) {
        ReaderWatch watch = new ReaderWatch();
        builder.readerExecutor(watch);
        latest = watch;
        return watch;
    }

    void watching(Connection nc) {
        WATCHES.put(nc, this);
    }

    /** Why jnats' reader of this connection stopped while its socket stayed open; null while it reads on. */
    static Throwable stopped(Connection nc) {
        ReaderWatch watch = WATCHES.get(nc);
        return watch == null ? null : watch.stopped;
    }

    /**
     * What a line says instead of "no answer" when the connection's reader stopped at a message it cannot
     * read: an answer may well have come. Null while it reads on.
     */
    static String unreadableAnswer(Connection nc) {
        return words(stopped(nc));
    }

    /** The same for the connection made last, for a line made where the connection is not at hand. */
    static String unreadableAnswer() {
        ReaderWatch watch = latest;
        return watch == null ? null : words(watch.stopped);
    }

    /**
     * A message's body as a line shows it: quoted and escaped; or, for a message jnats made a status of (its headers
     * began with a status line, "NATS/1.0 404 ..."; any publisher can send one), what jnats kept: only that line,
     * neither the body nor the other headers.
     */
    static String bodyShown(Message msg) {
        Status status = msg.isStatusMessage() ? msg.getStatus() : null;
        return status == null ? Output.quoted(msg.getData()) : "a message jnats cannot read: its headers begin with a status line (jnats reads status "
                + status.getCode() + ", " + Output.quoted(String.valueOf(status.getMessage())) + "), which jnats takes for a status "
                + "from the server, not a message, and keeps neither its body nor its other headers";
    }

    private static String words(Throwable stopped) {
        return stopped == null ? null : "an answer came with headers jnats cannot read (" + Output.printableStart(
                String.valueOf(stopped.getMessage())) + "), and jnats stopped reading the connection at it";
    }

    /**
     * What `call` returns, made on this thread; a stop of the reader meanwhile interrupts it, so a wait for the
     * server's answer (a flush's PONG) ends at once instead of at its timeout. Its caller asks stopped() why.
     */
    static <T> T interruptedOnStop(Connection nc, Callable<T> call) throws Exception {
        ReaderWatch watch = WATCHES.get(nc);
        if (watch == null) {
            return call.call();
        }
        synchronized (watch) {
            watch.waiting = Thread.currentThread();
            if (watch.stopped != null) {
                watch.waiting.interrupt(); // stopped already: no answer can come
            }
        }
        try {
            return call.call();
        } finally {
            synchronized (watch) {
                watch.waiting = null;
                if (watch.stopped != null) {
                    Thread.interrupted(); // this watch's interrupt, if the call returned before it saw it: the caller asks stopped()
                }
            }
        }
    }

    @Override
    protected void afterExecute(Runnable task, Throwable thrown) {
        super.afterExecute(task, thrown);
        Throwable why = thrown;
        if (why == null && task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
            try {
                future.get();
            } catch (ExecutionException e) {
                why = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (why != null && !(why instanceof IOException)) { // a lost socket is jnats' to report; this is a message
            synchronized (this) {
                stopped = why;
                if (waiting != null) {
                    waiting.interrupt();
                }
            }
        }
    }
}
