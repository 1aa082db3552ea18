///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: queue groups. Subscribers that join the same queue group share the work: the server gives
// each message to one member only. Another group gets its own copy; with no member listening the
// message is gone, as any core NATS message: a queue group stores nothing.
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/Config.java lab/SettingFlags.java lab/Listening.java lab/LogLines.java
//SOURCES lab/Subjects.java lab/Output.java lab/Exit.java lab/RunLabel.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Join a queue group on a subject and take the messages the server gives this member.

import io.nats.client.Connection;
import io.nats.client.Subscription;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

@Command(name = "worker", version = CommandRunner.VERSION,
        description = Worker.DESCRIPTION, footer = Worker.FOOTER) // the help text: at the end of the file
public class Worker implements Callable<Integer>, CommandRunner.Labelled {
    private static final Logger log = LogLines.logger(Worker.class);

    /** Joins the queue group: among its members listening now, the server picks one for each message. */
    static Subscription join(Connection nc, String subject, String queue) throws InterruptedException, TimeoutException {
        Subscription sub = nc.subscribe(subject, queue);
        nc.flush(Connector.CONFIRM_WAIT); // the server has counted us in once it answers the PING sent after our SUB
        return sub;
    }

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.WAIT); // its flag from its row of Setting.java
    @Mixin Listening.Flags flags;

    @Option(names = "--queue", paramLabel = "GROUP", description = "Queue group to join (default: workers).")
    String queue = "workers";

    @Option(names = "--label", paramLabel = "NAME", description = "This worker's name on its lines (default: the process id).")
    String label;

    @Parameters(arity = "0..1", paramLabel = "SUBJECT", description = "Subject to take work from, * and > allowed (default: the lab's).")
    String subject;

    public static void main(String... args) {
        System.exit(CommandRunner.run(new Worker(), args));
    }

    @Override
    public Integer call() throws Exception {
        flags.check();
        boolean tooLongAlone = Subjects.lengthProblem("workers", queue) != null; // said below, with the subject
        if (Subjects.filterProblem(queue, null) != null && !tooLongAlone || queue.contains("*") || queue.contains(">")) {
            throw Exit.usage("flag --queue: %s is not valid: it must be a name without spaces or wildcards, like workers",
                    Output.quoted(queue));
        }
        RunLabel.check(label, "worker-1", "to use the process id");
        String name = label != null ? label : String.valueOf(ProcessHandle.current().pid());
        Config config = connection.load();
        String filter = subject != null ? Listening.checkFilter(subject, config.subject) : config.subject;
        String tooLong = Subjects.lengthProblem("workers", filter, queue); // the two go in one SUB line
        if (tooLong != null) {
            throw Exit.usage("flag --queue: %s is not valid: %s", Output.quotedStart(queue), tooLong);
        }
        LogLines.label(name); // each line of the run starts [NAME] after its level word, as a js-pull worker's
        try (Connection nc = connection.openCore(config)) {
            Listening listening = new Listening(log, nc, config.shownUrl());
            listening.run(listening.subscribed(() -> join(nc, filter, queue)), flags,
                    settingFlags.typed(Setting.WAIT) ? config.wait : null, "listening on " + filter + " in queue group " + queue
                            + " (Ctrl-C to stop)");
        }
        return 0;
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Joins queue group --queue on SUBJECT and prints the messages the server gives this member.%n"
            + "Start several with the same --queue: each message goes to one of them.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  worker --label A             # in one terminal%n"
            + "  worker --label B             # in another: A and B share the messages%n"
            + "  worker --label C --queue audit   # another group: a copy of each message";
}
