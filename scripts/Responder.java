///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: request/reply, the responder's side. A request is an ordinary message that names a reply
// subject (an inbox only its requester listens on); answering is publishing to that subject.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/Config.java lab/SettingFlags.java lab/Listening.java lab/LogLines.java
//SOURCES lab/Subjects.java lab/Output.java lab/Exit.java lab/Durations.java lab/RunLabel.java lab/ReaderWatch.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Answer requests on a subject with "ack: <body>" (--delay to be too slow for a requester).

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "responder", version = CommandRunner.VERSION,
        description = Responder.DESCRIPTION, footer = Responder.FOOTER) // the help text: at the end of the file
public class Responder implements Callable<Integer>, CommandRunner.Labelled {
    private static final Logger log = LogLines.logger(Responder.class);

    /** Answers a request: the reply goes to the subject the requester named, where only it listens. */
    static void reply(Connection nc, Message request, byte[] answer) {
        nc.publish(request.getReplyTo(), answer);
    }

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.WAIT); // its flag from its row of Setting.java
    @Mixin Listening.Flags flags;

    @Option(names = "--delay", paramLabel = "DURATION", description = "Wait this long before answering each request: 2s, 500ms.")
    String delay;

    @Option(names = "--label", paramLabel = "NAME", description = "Answer \"ack from NAME: <body>\", to tell responders apart.")
    String label;

    @Parameters(arity = "0..1", paramLabel = "SUBJECT", description = "Subject to answer on, * and > allowed (default: the lab's).")
    String subject;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new Responder(), args));
    }

    @Override
    public Integer call() throws Exception {
        flags.check();
        Duration pause = delay == null ? Duration.ZERO : Durations.within(delay, Duration.ZERO);
        if (pause == null) {
            throw Exit.usage("%s", Durations.refused("--delay", delay, Duration.ZERO));
        }
        RunLabel.check(label, "responder-1", "to answer \"ack: <body>\"");
        Config config = connection.load();
        String filter = subject != null ? Listening.checkFilter(subject, config.subject) : config.subject;
        if (label != null) {
            LogLines.label(label); // each line of the run starts [NAME] after its level word
        }
        String ack = label == null ? "ack: " : "ack from " + label + ": ";
        try (Connection nc = connection.openCore(config)) {
            java.util.concurrent.atomic.AtomicLong replied = new java.util.concurrent.atomic.AtomicLong();
            Listening listening = new Listening(log, nc, config.shownUrl()).handled(() -> ", " + replied.get() + " replied");
            Subscription sub = listening.subscribed(() -> {
                Subscription subscribed = nc.subscribe(filter);
                nc.flush(Connector.CONFIRM_WAIT); // subscribed for sure before we say we listen
                return subscribed;
            });
            listening.run(sub, flags, settingFlags.typed(Setting.WAIT) ? config.wait : null,
                    "listening for requests on " + filter + " (Ctrl-C to stop)", request -> {
                        String shown = ReaderWatch.bodyShown(request);
                        if (request.isStatusMessage()) { // shown says what jnats kept of it
                            log.warn("request on {}: {}; not answered: its body is not known",
                                    Output.printable(request.getSubject(), false), shown);
                            return;
                        }
                        if (request.getReplyTo() == null) {
                            log.info("got {} on {} with no reply subject: a plain publish, nothing to answer", shown,
                                    Output.printable(request.getSubject(), false));
                            return;
                        }
                        log.info("request {} on {}, reply to {}", shown,
                                Output.printable(request.getSubject(), false), Output.printable(request.getReplyTo(), false));
                        if (!Stdout.written()) {
                            return; // a request whose line was not shown gets no answer: the run ends here, and says so
                        }
                        Thread.sleep(pause.toMillis());
                        byte[] body = concat(ack.getBytes(StandardCharsets.UTF_8), request.getData()); // the body's bytes as they came
                        reply(nc, request, body);
                        nc.flush(config.timeout); // the server has the answer before we say so
                        replied.incrementAndGet();
                        log.info("replied {}", Output.quoted(body));
                    });
        }
        return 0;
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Listens for requests on SUBJECT and answers each with \"ack: <body>\",%n"
            + "published to the reply subject the request names.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  responder%n"
            + "  responder --delay 3s          # answer late: a shorter --timeout gives up%n"
            + "  responder --label B --count 1 # answers \"ack from B: <body>\"";
}
