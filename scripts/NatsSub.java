///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: core NATS publish/subscribe. A subscriber gets the messages published while it listens,
// on every subject its filter takes in (* one token, > the rest); every subscriber gets its own
// copy, and nothing is kept for one that was not listening yet.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/Config.java lab/SettingFlags.java lab/Listening.java lab/LogLines.java
//SOURCES lab/Subjects.java lab/Output.java lab/Exit.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Subscribe to a subject (wildcards * and >) and print each message as it arrives.

import io.nats.client.Connection;
import io.nats.client.Subscription;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

@Command(name = "nats-sub", version = CommandRunner.VERSION,
        description = NatsSub.DESCRIPTION, footer = NatsSub.FOOTER) // the help text: at the end of the file
public class NatsSub implements Callable<Integer> {
    private static final Logger log = LogLines.logger(NatsSub.class);

    /** Subscribes; once the server answers the flush, it routes to us everything published on a matching subject. */
    static Subscription listen(Connection nc, String subject) throws InterruptedException, TimeoutException {
        Subscription sub = nc.subscribe(subject);
        nc.flush(Connector.CONFIRM_WAIT); // the server has our SUB when it answers the PING sent after it
        return sub;
    }

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.WAIT); // its flag from its row of Setting.java
    @Mixin Listening.Flags flags;

    @Parameters(arity = "0..1", paramLabel = "SUBJECT", description = "Subject to listen on, * and > allowed (default: the lab's).")
    String subject;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new NatsSub(), args));
    }

    @Override
    public Integer call() throws Exception {
        flags.check();
        Config config = connection.load();
        String filter = subject != null ? Listening.checkFilter(subject, config.subject) : config.subject;
        try (Connection nc = connection.openCore(config)) {
            Listening listening = new Listening(log, nc, config.shownUrl());
            listening.run(listening.subscribed(() -> listen(nc, filter)), flags, settingFlags.typed(Setting.WAIT) ? config.wait : null,
                    "listening on " + filter + " (Ctrl-C to stop)");
        }
        return 0;
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Subscribes to SUBJECT and prints each message published to it from now on.%n"
            + "Core NATS keeps nothing: what was published before this started never arrives.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  nats-sub                    # the lab's subject%n"
            + "  nats-sub 'lab1.*'           # one token in place of *: lab1.hello, lab1.bye%n"
            + "  nats-sub 'lab1.>' --count 3 # everything below lab1, three messages";
}
