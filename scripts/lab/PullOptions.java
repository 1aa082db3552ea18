// js-pull's own flags, its help text, and the checks that take one line each: flags that cannot go together, and a
// --batch the consumer would not hand out in one go.
//DEPS info.picocli:picocli:4.7.7
//DEPS io.nats:jnats:2.26.2
//SOURCES Config.java Exit.java JetStreamErrors.java Subjects.java Durations.java Output.java RunLabel.java Limit.java WhyNothing.java

import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.List;

final class PullOptions implements Exit.Ranged {
    /** The longest --work-ms: an hour, far past any ack wait worth trying. */
    private static final long MAX_WORK_MILLIS = 3_600_000;

    @Option(names = "--raw", description = "Print each body alone, byte for byte, one per line (other lines go to "
            + "stderr): for pipes. A message is acked only once its body was written.")
    boolean raw;

    @Option(names = {"--max", "--count"}, paramLabel = "N", description = "Stop after N messages (default: no limit).")
    Long max;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command; // its arguments say which of the two names the user typed

    /** --max or --count, as typed: the lines that name the limit use the user's own word. */
    String maxFlag() {
        List<String> typed = command == null || command.commandLine() == null
                || command.commandLine().getParseResult() == null ? List.of()
                : command.commandLine().getParseResult().originalArgs();
        for (int i = typed.size() - 1; i >= 0; i--) {
            for (String name : new String[] {"--count", "--max"}) {
                if (typed.get(i).equals(name) || typed.get(i).startsWith(name + "=")) {
                    return name;
                }
            }
        }
        return "--max";
    }

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "Fetch B messages per request and ack them once per batch (default: ${DEFAULT-VALUE}). "
                    + "At most the consumer's max ack pending (${bundle:default.MAX_ACK_PENDING}); the next batch is "
                    + "asked for while one is worked on.")
    long batch;

    @Option(names = "--quiet", description = "No line per message; just the summary with msgs/s and MB/s.")
    boolean quiet;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Redelivery redelivery;

    /** --no-ack and --nak: two ways to leave a message for redelivery, so at most one of them. */
    static final class Redelivery {
        @Option(names = "--no-ack", description = "Leave each message unacked: it comes back after the ack wait (with a "
                + "backoff, after its delay for that delivery), unless that was its last delivery (max deliver). The run "
                + "stops when one comes back (with a backoff it follows each retry).")
        boolean noAck;

        @Option(names = "--nak", description = "Negatively ack: the server delivers each message again right away.")
        boolean nak;

        @Option(names = "--nak-delay", paramLabel = "DURATION",
                description = "Negatively ack with a delay: the server delivers each message again after DURATION (5s, 500ms).")
        String nakDelay;

        @Option(names = "--term", description = "Terminate each message: never delivered again (a poison message).")
        boolean term;
    }

    @Option(names = "--label", paramLabel = "NAME",
            description = "Start each line with [NAME]: tells apart several js-pull sharing one consumer.")
    String label;

    @Option(names = "--in-progress", description = "With --work-ms: an in-progress ack (+WPI) each half ack wait, so "
            + "a job longer than the ack wait is not delivered again.")
    boolean inProgress;

    @Option(names = "--ephemeral",
            description = "Read through a throw-away consumer from the stream's first message, without acks; "
                    + "the durable consumer's position does not change. --subject picks what it reads (without it, all of it).")
    boolean ephemeral;

    @Option(names = "--work-ms", paramLabel = "MS",
            description = "Pretend each message takes MS milliseconds of work before it is acked (in every mode).")
    long workMillis;

    boolean noAck() {
        return redelivery != null && redelivery.noAck;
    }

    /** --nak or --nak-delay: handed back, to come back (in this run too, which then stops). */
    boolean nak() {
        return redelivery != null && (redelivery.nak || redelivery.nakDelay != null);
    }

    boolean term() {
        return redelivery != null && redelivery.term;
    }

    /** What the run did with each message it was done with, for its last line: "acked", "nak'd" ... */
    String doneVerb() {
        return noAck() ? "not acked" : nak() ? "nak'd" : term() ? "terminated" : "acked";
    }

    /** --nak-delay's duration, or null. */
    Duration nakDelay() {
        return redelivery == null || redelivery.nakDelay == null ? null : Durations.parse(redelivery.nakDelay);
    }

    /** Batches (and --quiet, which pulls in them) rather than one message at a time. */
    boolean inBatches() {
        return batch > 1 || quiet;
    }

    @Override
    public String rule(String option) {
        return switch (option) {
            case "--count", "--max" -> Exit.wholeNumber(1, Long.MAX_VALUE);
            case "--batch" -> Exit.wholeNumber(1, Integer.MAX_VALUE) + " (and at most the consumer's max ack pending)";
            case "--work-ms" -> Exit.wholeNumber(0, MAX_WORK_MILLIS) + " (an hour)";
            default -> null;
        };
    }

    /** Flags that cannot go together, or are out of range; `subject` is --subject (null without it). */
    void check(String subject) {
        if (raw && quiet) {
            throw Exit.usage("--quiet prints no bodies and --raw prints only bodies: pick one");
        }
        if (max != null && max < 1) {
            throw Exit.outOfRange(maxFlag(), max, 1, Long.MAX_VALUE);
        }
        if (batch < 1) {
            throw Exit.usage("flag --batch: %d is not valid: it must be at least 1 (and at most the consumer's max ack pending)", batch);
        }
        if (batch > Integer.MAX_VALUE) { // jnats asks for an int
            throw Exit.outOfRange("--batch", batch, 1, Integer.MAX_VALUE);
        }
        if (workMillis < 0 || workMillis > MAX_WORK_MILLIS) {
            throw Exit.usage("flag --work-ms: %d is not valid: it must be from 0 to %d (an hour)", workMillis, MAX_WORK_MILLIS);
        }
        if (redelivery != null && redelivery.nakDelay != null && Durations.within(redelivery.nakDelay, Duration.ofMillis(1)) == null) {
            throw Exit.usage("%s", Durations.refused("--nak-delay", redelivery.nakDelay, Duration.ofMillis(1)));
        }
        RunLabel.check(label, "worker-1", null);
        String handBack = term() ? "--term" : redelivery != null && redelivery.nakDelay != null ? "--nak-delay" : null;
        if (handBack != null && (batch > 1 || quiet || ephemeral)) {
            throw Exit.usage("%s hands messages back one at a time: leave out --batch, --quiet and --ephemeral", handBack);
        }
        if (inProgress && workMillis == 0) {
            throw Exit.usage("--in-progress keeps a long job alive: give the job a length with --work-ms");
        }
        if (inProgress && noAck()) {
            throw Exit.usage("--in-progress keeps a job alive until its ack, and --no-ack never acks it: leave out one of them");
        }
        if (ephemeral && (noAck() || nak() || inProgress)) { // an ordered consumer takes no acks, in-progress ones neither
            throw Exit.usage("--ephemeral reads without acks: leave out --no-ack, --nak and --in-progress");
        }
        if (batch > 1 && (noAck() || nak() || ephemeral)) {
            throw Exit.usage("--batch acks every message: leave out --no-ack, --nak and --ephemeral");
        }
        if (quiet && (noAck() || nak())) {
            throw Exit.usage("--quiet pulls and acks in batches: leave out --no-ack and --nak (or --quiet)");
        }
        if (subject != null && !ephemeral) {
            throw Exit.usage("--subject goes with --ephemeral: the durable consumer gets what js-bootstrap set it up "
                    + "to get; leave out --subject, or add --ephemeral");
        }
    }

    /**
     * --ephemeral reads the whole stream, or with --subject (filter) one subject: one the stream captures (the
     * server refuses a reader on any other).
     */
    static void checkSubject(StreamContext stream, Config config, String filter) throws Exception {
        StreamConfiguration stored = JetStreamErrors.streamInfo(stream).getConfiguration();
        List<String> subjects = stored.getSubjects();
        if (filter != null && !Subjects.anyMatches(subjects, filter)) {
            throw Exit.notFound("stream %s does not capture subject %s (it captures %s), so there is nothing to read: "
                    + "use one of those with --subject", config.stream, filter, Subjects.printableListed(subjects));
        }
        // the server refuses it, and jnats' ordered consumer would only come back empty
        if (stored.getRetentionPolicy() == RetentionPolicy.WorkQueue) {
            throw Exit.failed("stream %s is a work queue: it takes only consumers that ack, and --ephemeral reads "
                    + "through one that does not (the server refuses it, error 10084): read it with js-pull without "
                    + "--ephemeral (an ack removes the message), or look with js-info", config.stream);
        }
    }

    private boolean warnedAckAll;
    private boolean warnedHeadersOnly;

    /**
     * What the durable consumer must be for js-pull: a pull consumer that takes acks, and a batch it
     * will hand out in one go. Ack policy all works, but one ack settles every message before it.
     */
    void checkConsumer(ConsumerConfiguration settings, Config config) {
        if (settings.getDeliverSubject() != null) {
            throw JetStreamErrors.pushConsumer(config.consumer, settings.getDeliverSubject());
        }
        if (settings.getAckPolicy() == AckPolicy.None) { // the server counts each message done once sent: nothing to ack
            throw Exit.failed("consumer %s does not take acks (ack policy none): js-pull needs a consumer with explicit "
                    + "acks; create one with js-bootstrap --consumer NAME", config.consumer);
        }
        if (settings.getAckPolicy() == AckPolicy.All && !warnedAckAll) { // once a run, also over a new connection
            warnedAckAll = true;
            System.err.println(Output.printable("WARN consumer " + config.consumer + " has ack policy all: each ack also acks "
                    + "every message delivered before it, to this run or another reader, so one left unacked or nak'd before "
                    + "a later ack does not come back"));
        }
        String headersOnly = WhyNothing.headersOnly(settings);
        if (headersOnly != null && !warnedHeadersOnly) {
            warnedHeadersOnly = true;
            System.err.println(Output.printable("WARN consumer " + config.consumer + " " + headersOnly));
        }
        long maxAckPending = settings.getMaxAckPending();
        if (!Limit.unlimited(maxAckPending) && batch > maxAckPending) {
            throw Exit.usage("--batch %d is over consumer %s's max ack pending (%d): the server would hold the rest "
                    + "back; use --batch %d or less", batch, config.consumer, maxAckPending, maxAckPending);
        }
    }

    // js-pull --help: the text above and below the flags

    static final String DESCRIPTION = "Pulls messages from the durable consumer and acks each one. A message counts%n"
            + "as processed only once the server confirms its ack; one that is never acked%n"
            + "is delivered again after the consumer's ack wait (at-least-once delivery).%n"
            + "A message is acked only after its line reached stdout: when stdout fails (a%n"
            + "closed pipe, a full disk) the run stops and the rest stays for redelivery.%n"
            + "Stops when no message arrives for [recv] wait_secs (or --wait).";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  js-pull%n"
            + "  js-pull --max 1%n"
            + "  js-pull --count 100000 --batch 500 --quiet%n"
            + "  js-pull --no-ack      # then, after the ack wait, js-pull again: (delivery 2)%n"
            + "  js-pull --ephemeral   # read it all again; the durable consumer stays put%n"
            + "  js-pull --work-ms 5000   # kill it while it works: the message comes back%n"
            + "  js-pull --wait 1 --consumer OTHER_CONSUMER";
}
