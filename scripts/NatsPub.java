///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: a core NATS publish is fire-and-forget. The server hands the message to whoever listens
// on the subject at that moment and keeps no copy; a flush only tells that the server has it.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/SettingFlags.java lab/Config.java lab/Subjects.java lab/Output.java lab/Exit.java lab/Durations.java lab/LogLines.java
//SOURCES lab/JetStreamErrors.java lab/StopSignal.java lab/PubMessages.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Publish messages with core NATS (no stream, no PubAck) and flush them to the server.

import io.nats.client.Connection;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

@Command(name = "nats-pub", version = CommandRunner.VERSION,
        description = NatsPub.DESCRIPTION, footer = NatsPub.FOOTER) // the help text: at the end of the file
public class NatsPub implements Callable<Integer>, Exit.Ranged {
    private static final Logger log = LogLines.logger(NatsPub.class);

    /** Sends the messages and waits for the server's answer to a PING sent after them: then it has all of them. */
    void publish(Connection nc, String subject, Iterable<byte[]> bodies, Duration timeout)
            throws InterruptedException, TimeoutException {
        for (byte[] body : bodies) {
            nc.publish(subject, body); // no reply, no PubAck: nothing says who (if anyone) got it
            handed++;
        }
        nc.flush(timeout);
    }

    /** How many messages jnats took to send so far: its queue may still hold some when the connection goes. */
    private long handed;
    /** The flush after them was answered: the server has every message handed. */
    private volatile boolean flushed;

    @Mixin ConnectionOptions connection;

    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.SUBJECT).described(Setting.SUBJECT, "Subject to publish to (default: the lab's).");

    @Option(names = "--count", paramLabel = "N", description = "Publish N messages: MESSAGE 1 ... MESSAGE N.")
    Long count;

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "The message body.")
    String message;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new NatsPub(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (count != null && (count < 1 || count > MOST)) {
            throw Exit.usage("flag --count: %d is not valid: %s", count, rule("--count"));
        }
        Config config = connection.load(); // checks --subject: no wildcards, not the server's own ($JS.API ...)
        java.util.List<byte[]> bodies = new java.util.ArrayList<>();
        for (long n = 1; n <= (count == null ? 1 : count); n++) {
            bodies.add((count == null ? message : message + " " + n).getBytes(StandardCharsets.UTF_8));
        }
        try (Connection nc = connection.openCore(config)) {
            PubMessages.withinMaxPayload(nc, bodies.get(bodies.size() - 1).length); // the last is the longest
            // Ctrl-C or SIGTERM: no more are handed to the connection, and the flush says whether the server has those that were
            StopSignal stop = StopSignal.watch(Duration.ofSeconds(2), () -> soFar(bodies.size()));
            try {
                publish(nc, config.subject, untilStopped(bodies, stop), config.timeout);
                flushed = true;
            } catch (IllegalStateException | TimeoutException e) { // jnats' queue fills while the server is gone, or it closed
                if (nc.getStatus() == Connection.Status.CONNECTED && JetStreamErrors.answers(nc)) {
                    if (e instanceof TimeoutException) {
                        throw Exit.unreachable("the server at %s did not answer the flush within %s: it may not have all "
                                + "the messages", config.shownUrl(), Durations.format(config.timeout));
                    }
                    throw e; // the server is there: not a lost connection
                }
                throw JetStreamErrors.connectionLost(config.shownUrl(), soFar(bodies.size()));
            } finally {
                stop.runEnded(); // after a signal the exit says what was sent (soFar)
            }
        }
        String what = count == null ? Output.quoted(message) : Output.messages(count);
        Output.summary(log, "published " + what + " to " + config.subject
                + " (flushed: the server has " + (count == null ? "it" : "them") + "; core NATS keeps no copy)");
        return 0;
    }

    /** The bodies, until a signal asks the run to stop: then the loop ends, and the flush confirms those handed. */
    private static Iterable<byte[]> untilStopped(java.util.List<byte[]> bodies, StopSignal stop) {
        return () -> new java.util.Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < bodies.size() && !stop.requested();
            }

            @Override
            public byte[] next() {
                return bodies.get(next++);
            }
        };
    }

    /** What a run that ends early did: how many messages the connection took, whether the server confirmed them, how many were never sent. */
    private String soFar(int total) {
        return handed + " of " + total + " messages" + (flushed ? " sent and flushed (the server has them; core NATS keeps no copy), "
                : " handed to the connection, none confirmed (core NATS confirms nothing: a flush after them would have), ")
                + (total - handed) + " never sent";
    }

    /** The most messages one run publishes: they are all built before the first is sent. */
    private static final long MOST = 1_000_000;

    @Override
    public String rule(String option) {
        return option.equals("--count") ? "it must be from 1 to " + MOST : null;
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Publishes MESSAGE to a subject with core NATS and flushes: once the flush returns,%n"
            + "the server has it and handed it to every subscriber listening right then. Nobody else ever gets it.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  nats-pub \"hello world\"%n"
            + "  nats-pub --subject lab1.bye \"see you\"%n"
            + "  nats-pub --count 3 task     # task 1, task 2, task 3";
}
