///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: request/reply, the requester's side. The client listens on a fresh inbox subject, sends
// the request naming that inbox as its reply subject, and waits for the first answer or a timeout.
// With nobody subscribed, the server says "no responders" at once instead of letting it time out.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/SettingFlags.java lab/Config.java lab/Subjects.java lab/Output.java lab/Exit.java lab/Durations.java lab/LogLines.java
//SOURCES lab/JetStreamErrors.java lab/ReaderWatch.java lab/PubMessages.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Send a request and print the first reply (or say no responder, or the timeout).

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.support.NatsRequestCompletableFuture;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

@Command(name = "requester", version = CommandRunner.VERSION,
        description = Requester.DESCRIPTION, footer = Requester.FOOTER) // the help text: at the end of the file
public class Requester implements Callable<Integer> {
    private static final Logger log = LogLines.logger(Requester.class);

    /** Sends the request; jnats listens on an inbox of its own and completes the future with the first reply there, or gives up after timeout. */
    static CompletableFuture<Message> request(Connection nc, String subject, byte[] body, Duration timeout) {
        return nc.requestWithTimeout(subject, body, timeout);
    }

    @Mixin ConnectionOptions connection;

    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.SUBJECT)
            .described(Setting.SUBJECT, "Subject to send the request to (default: the lab's).");

    @Parameters(index = "0", paramLabel = "MESSAGE", description = "The request's body.")
    String message;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new Requester(), args));
    }

    @Override
    public Integer call() throws Exception {
        Config config = connection.load();
        Message reply = null;
        try (Connection nc = connection.openCore(config)) {
            byte[] body = message.getBytes(StandardCharsets.UTF_8);
            PubMessages.withinMaxPayload(nc, body.length);
            CompletableFuture<Message> answer = request(nc, config.subject, body, config.timeout);
            boolean timedOut;
            try {
                reply = answer.get(config.timeout.toNanos(), TimeUnit.NANOSECONDS);
                timedOut = false;
            } catch (TimeoutException e) {
                timedOut = true;
            } catch (CancellationException cancelled) {
                // jnats cancels on the server's 503, when the connection closes, and once the timeout passed
                if (!(answer instanceof NatsRequestCompletableFuture future && future.wasCancelledTimedOut())) {
                    throw cancelled(nc, config);
                }
                timedOut = true;
            }
            if (timedOut) {
                answer.cancel(true);
                Throwable unreadable = ReaderWatch.stopped(nc);
                if (unreadable != null) { // a reply came, and stopped jnats' reader: not the silence below
                    throw Exit.failed("a reply came on %s with headers jnats cannot read (%s), so it is not shown: "
                            + "jnats stopped reading the connection at it", config.subject,
                            Output.printableStart(String.valueOf(unreadable.getMessage())));
                }
                throw Exit.failed("no reply on %s within %s: a responder may have got the request and be slow, or its "
                        + "answer was lost; nothing tells which (give it longer with --timeout)", config.subject,
                        Durations.format(config.timeout));
            }
        }
        // a reply whose headers begin with a status line is named (jnats cancels a 503, no responders, itself: above)
        Output.summary(log, "reply on " + Output.printable(reply.getSubject(), false) + " (this run's inbox): "
                + ReaderWatch.bodyShown(reply));
        return 0;
    }

    /** A request jnats cancelled before the timeout: the server answered 503, or the connection closed. */
    private static RuntimeException cancelled(Connection nc, Config config) {
        if (nc.getStatus() != Connection.Status.CONNECTED) {
            return JetStreamErrors.connectionLost(config.shownUrl(), "no reply came, so the request may or may "
                    + "not have reached a responder and been handled");
        }
        return Exit.notFound("no responders on %s: nobody subscribes to it, and the server said so at once "
                + "(start one: make LAB=lab3_request_reply run BIN=responder)", config.subject);
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Sends MESSAGE as a request to --subject and prints the first reply.%n"
            + "--timeout (default 5s) bounds connecting, and then again the wait for the reply.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  requester \"hello\"%n"
            + "  requester --timeout 1s \"are you there?\"";
}
