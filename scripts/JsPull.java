///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: pull from a durable consumer and ack each message. A message counts as processed only
// once the server has confirmed its ack; one never acked is delivered again (at-least-once).
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DEPS net.java.dev.jna:jna:5.17.0
//SOURCES CommandRunner.java ConnectionOptions.java StreamOptions.java ConsumerOptions.java WaitOptions.java
//SOURCES Config.java JetStreamErrors.java Subjects.java Output.java Stdout.java StopSignal.java Exit.java
//SOURCES PullCounts.java PullRequests.java StdoutPipe.java UnreadableMessages.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn16m
//DESCRIPTION Pull messages from the lab's durable consumer and ack each one.

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.JetStreamStatusException;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.StreamContext;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import org.slf4j.Logger;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

@Command(name = "js-pull", mixinStandardHelpOptions = true, version = CommandRunner.VERSION,
        description = {
                "Pulls messages from the durable consumer and acks each one. A message counts",
                "as processed only once the server confirms its ack; one that is never acked",
                "is delivered again after the consumer's ack wait (at-least-once delivery).",
                "A message is acked only after its line reached stdout: when stdout fails (a",
                "closed pipe, a full disk) the run stops and the rest stays for redelivery.",
                "Stops when no message arrives for [recv] wait_secs (or --wait)."},
        footer = {"", "Examples:",
                "  js-pull",
                "  js-pull --max 1",
                "  js-pull --count 100000 --batch 500 --quiet",
                "  js-pull --no-ack      # then, after the ack wait, js-pull again: (delivery 2)",
                "  js-pull --ephemeral   # read everything again; the durable consumer does not move",
                "  js-pull --work-ms 5000   # kill it while it works: the message comes back",
                "  js-pull --wait 1 --consumer OTHER_CONSUMER"})
public class JsPull implements Callable<Integer> {
    private static final Logger log = Output.logger(JsPull.class);
    private static final Duration ACK_CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    /** Pulls one message at a time, prints it, acks it, and says "acked" only once the server has the ack. */
    void pullEach(Connection nc, ConsumerContext consumer, Duration wait) throws Exception {
        Message msg;
        while (wantMore() && (msg = consumer.next(wait)) != null) { // null: none arrived within the wait
            if (cameBack(msg, nc)) {
                break; // --no-ack or --nak: this run has seen it already, so it has seen them all
            }
            print(msg); // INFO pulled message: "..." (with --raw: the body's bytes alone)
            handOn(); // --work-ms, then stdout must have taken the line: what nobody saw is never acked
            if (noAck()) {
                say("not acked: it comes back after the ack wait (" + ackWait.toSeconds() + "s)");
            } else if (nak()) {
                nakNow(msg, nc);
                say("nak'd: it comes back right away");
            } else {
                msg.ackSync(ACK_CONFIRM_TIMEOUT); // returns once the server confirmed; ack() would only queue it
                say("acked");
            }
            counts.done(msg);
        }
    }

    /**
     * Batches: ask for up to a batch (sub.pull), print each message as it arrives, then ack those whose
     * lines stdout took: ack() only queues, so the last one is ackSync, and once the server confirms it,
     * it has them all. Meanwhile the next batch may already be on its way (see PullRequests).
     */
    int pullAndAck(PullRequests requests) throws Exception {
        int want = requests.begin(counts.done()); // sends the pull request, unless it was sent ahead
        List<Message> batch = new ArrayList<>(want);
        long started = System.nanoTime();
        try {
            Message msg;
            while (stop.interruptible(true) && (msg = requests.next(batch)) != null) { // null: batch done, or expired
                if (batch.isEmpty()) {
                    requests.askAhead(want, counts.done()); // only if both batches' work fits in the ack wait
                }
                print(msg);
                requests.keepAlive(batch, msg); // work past half the ack wait: in-progress acks (+WPI)
                pretendToWork();
                if (!Stdout.written()) {
                    break; // it and the rest of the batch stay unacked
                }
                batch.add(msg);
            }
        } catch (InterruptedException signal) {
            // Ctrl-C or SIGTERM: what was printed and worked on is acked below, the rest comes back
        }
        stop.interruptible(false);
        batch = batchInHand = handedOn(batch); // on a pipe: only the lines its reader took
        for (int i = 0; i < batch.size() - 1; i++) {
            batch.get(i).ack(); // queued; the server takes one connection's acks in order
        }
        if (!batch.isEmpty() && !ackConfirmed(batch.get(batch.size() - 1))) {
            unconfirmed.addAll(batchInHand); // not counted yet: they come back, or the ack floor shows the server has them
            batchInHand = List.of();
            return 0;
        }
        confirmedInHand();
        requests.worked(batch.size(), System.nanoTime() - started);
        return batch.size();
    }

    /** The batch in hand is acked and confirmed (here, or acked again over a new connection): counted once. */
    private void confirmedInHand() {
        batchInHand.forEach(counts::done);
        batchInHand = List.of();
    }

    /**
     * The batch's last ack, answered: then the server has them all. On a cluster a failover can cut
     * it off: not counted then (they come back and are shown again); on one server that ends the run.
     */
    private boolean ackConfirmed(Message last) throws Exception {
        try {
            last.ackSync(ACK_CONFIRM_TIMEOUT);
            return true;
        } catch (TimeoutException | IllegalStateException lost) {
            if (!failsOver) {
                throw lost;
            }
            if (consumerGone(last.getConnection())) {
                return false; // deleted mid-run: the run's end says so
            }
            System.err.println("WARN the server did not confirm the last acks (failing over?): those messages come "
                    + "back and are counted once");
            return false;
        }
    }

    /**
     * How long a pull request waits for messages (plus the --work-ms of its batch). On a cluster at most
     * 2s, so one sent to a consumer leader that just died is not waited on for long.
     */
    private Duration requestExpiry(Duration wait) {
        return failsOver && wait.toMillis() > 2000 ? Duration.ofSeconds(2) : wait;
    }

    /** Ephemeral: an ordered consumer reads the stream from its first message, without acks, and is then forgotten. */
    void readOrdered(StreamContext stream, String subject, Duration wait) throws Exception {
        OrderedConsumerConfiguration from = new OrderedConsumerConfiguration().filterSubject(subject);
        if (unreadable.resumeAt() > 0) { // after a message jnats cannot read: on from the one after it
            from.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(unreadable.resumeAt());
        }
        OrderedConsumerContext reader = stream.createOrderedConsumer(from);
        Message msg;
        while (wantMore() && (msg = reader.next(wait)) != null) {
            print(msg);
            handOn();
            counts.done(msg);
            lastShown = msg.metaData().streamSequence();
        }
    }

    @Option(names = "--raw", description = "Print each body alone, byte for byte, one per line (other lines go to "
            + "stderr): for pipes. A message is acked only once its body was written.")
    boolean raw;

    @Mixin ConnectionOptions connection;
    @Mixin StreamOptions streamOptions;
    @Mixin ConsumerOptions consumerOptions;
    @Mixin WaitOptions waitOptions;
    @Mixin UnreadableMessages unreadable;

    @Option(names = {"--max", "--count"}, paramLabel = "N", description = "Stop after N messages (default: no limit).")
    Long max;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1",
            description = "Fetch B messages per request, and ack those printed once per batch "
                    + "(default: ${DEFAULT-VALUE}, one at a time). At most the consumer's max ack pending (1000); "
                    + "the next batch is asked for while one is worked on, as far as both fit in it.")
    long batch;

    @Option(names = "--quiet", description = "No line per message; just the summary with msgs/s and MB/s.")
    boolean quiet;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Redelivery redelivery;

    /** --no-ack and --nak: two ways to leave a message for redelivery, so at most one of them. */
    static final class Redelivery {
        @Option(names = "--no-ack", description = "Do not ack: the server delivers each message again after the ack wait.")
        boolean noAck;

        @Option(names = "--nak", description = "Negatively ack: the server delivers each message again right away.")
        boolean nak;
    }

    @Option(names = "--ephemeral",
            description = "Read through a throw-away consumer from the stream's first message, without acks; "
                    + "the durable consumer's position does not change. --subject picks what it reads.")
    boolean ephemeral;

    @Option(names = "--work-ms", paramLabel = "MS",
            description = "Pretend each message takes MS milliseconds of work before it is acked (in every mode).")
    long workMillis;

    /** The longest --work-ms: an hour, far past any ack wait worth trying. */
    private static final long MAX_WORK_MILLIS = 3_600_000;

    private final Set<Long> seen = new HashSet<>(); // --no-ack/--nak: the same messages come back; one round is enough
    private StopSignal stop;
    private Duration ackWait = Duration.ZERO;
    private long maxAckPending; // the consumer's; 0 or less: no limit
    private long maxDeliver = -1; // the consumer's; -1: no limit
    private boolean cameBack;
    /** What became of each message delivered to this run: done, printed but not acked, never shown. */
    private final PullCounts counts = new PullCounts();
    private long waitStarted = System.nanoTime();
    private final Map<Message, Long> lineEnds = new IdentityHashMap<>(); // where each printed line of a batch ends on stdout
    private boolean failsOver; // a server list or a cluster: connections may move to another node
    private String leaderless; // set when a cluster gave no message past the failover bound: what the consumer said
    private long start;
    private Config settings;
    private long lastShown; // --ephemeral: the stream seq of the last message shown
    private List<Message> batchInHand = List.of(); // --batch: printed and handed on, acks sent but not yet confirmed
    private final List<Message> unconfirmed = new ArrayList<>(); // acks sent, their confirmation lost in a failover

    public static void main(String... args) {
        System.exit(CommandRunner.run(new JsPull(), args));
    }

    @Override
    public Integer call() throws Exception {
        while (true) {
            try {
                return pullRun();
            } catch (UnreadableMessages.GoOn handled) {
                // a stored message jnats cannot read was shown and dealt with: on, over a new connection
            }
        }
    }

    private Integer pullRun() throws Exception {
        checkFlags();
        Config config = settings = settings != null ? settings : connection.load(); // read once: its warnings too
        stop = StopSignal.watch(Duration.ofSeconds(7), this::soFar); // a signal while connecting gets its last line too
        try {
            return pull(config);
        } finally {
            stop.runEnded();
        }
    }

    private int pull(Config config) throws Exception {
        try (Connection nc = connection.open(config)) {
            failsOver = connection.failsOver(); // a URL list, or one URL of a server in a cluster
            StreamContext stream = JetStreamErrors.streamContext(nc, config.stream, config.shownUrl());
            if (ephemeral) {
                checkSubject(stream, config);
            }
            ConsumerContext consumer = ephemeral ? null
                    : JetStreamErrors.consumerContext(nc, config.stream, config.consumer, config.shownUrl());
            if (consumer != null) {
                checkConsumer(consumer.getCachedConsumerInfo().getConsumerConfiguration(), config);
            }
            start = start == 0 ? System.nanoTime() : start; // a run that went on over a new connection: from its start
            try {
                if (ephemeral) {
                    readOrdered(stream, config.subject, config.wait);
                } else if (batch > 1 || quiet) {
                    pullInBatches(nc, config, config.wait);
                } else {
                    pullEach(nc, consumer, config.wait);
                }
            } catch (InterruptedException e) {
                if (!stop.requested()) {
                    throw e;
                }
            } catch (JetStreamStatusCheckedException | IllegalStateException | IOException
                     | TimeoutException e) { // IOException: a JetStream request without an answer
                throw failure(e, nc, config);
            } finally {
                stop.runEnded(); // after Ctrl-C or SIGTERM: the exit prints what this run did, and this never returns
            }
            String last = summary(nc, config, (System.nanoTime() - start) / 1e9);
            if (raw) {
                System.err.println(Output.printable("INFO " + last)); // stdout holds only the bodies
            } else {
                Output.summary(log, last);
            }
        }
        return 0;
    }

    private void checkFlags() {
        if (raw && quiet) {
            throw Exit.usage("--quiet prints no bodies and --raw prints only bodies: pick one");
        }
        if (max != null && max < 1) {
            throw Exit.usage("--max must be at least 1, got %d", max);
        }
        if (batch < 1 || batch > Integer.MAX_VALUE) {
            throw Exit.usage("--batch must be at least 1 (and at most the consumer's max ack pending), got %d", batch);
        }
        if (workMillis < 0 || workMillis > MAX_WORK_MILLIS) {
            throw Exit.usage("--work-ms must be from 0 to %d (an hour), got %d", MAX_WORK_MILLIS, workMillis);
        }
        if (ephemeral && (noAck() || nak())) {
            throw Exit.usage("--ephemeral reads without acks: leave out --no-ack and --nak");
        }
        if (batch > 1 && (noAck() || nak() || ephemeral)) {
            throw Exit.usage("--batch acks every message: leave out --no-ack, --nak and --ephemeral");
        }
        if (quiet && (noAck() || nak())) {
            throw Exit.usage("--quiet pulls and acks in batches: leave out --no-ack and --nak (or --quiet)");
        }
        if (streamOptions.subject.subject != null && !ephemeral) {
            throw Exit.usage("--subject goes with --ephemeral: the durable consumer gets what js-bootstrap set it up "
                    + "to get; leave out --subject, or add --ephemeral");
        }
    }

    private boolean noAck() {
        return redelivery != null && redelivery.noAck;
    }

    private boolean nak() {
        return redelivery != null && redelivery.nak;
    }

    /** --ephemeral reads one subject: one the stream captures (the server refuses a reader on any other). */
    private static void checkSubject(StreamContext stream, Config config) throws Exception {
        List<String> subjects = stream.getStreamInfo().getConfiguration().getSubjects();
        if (!Subjects.anyMatches(subjects, config.subject)) {
            throw Exit.notFound("stream %s does not capture subject %s (it captures %s), so there is nothing to read: "
                    + "use one of those with --subject", config.stream, config.subject, String.join(", ", subjects));
        }
    }

    /** What the durable consumer must be for js-pull: a pull consumer, and a batch it will hand out in one go. */
    private void checkConsumer(ConsumerConfiguration settings, Config config) {
        if (settings.getDeliverSubject() != null) {
            throw JetStreamErrors.pushConsumer(config.consumer, settings.getDeliverSubject());
        }
        maxAckPending = settings.getMaxAckPending();
        if (maxAckPending > 0 && batch > maxAckPending) {
            throw Exit.usage("--batch %d is over consumer %s's max ack pending (%d): the server would hold the rest "
                    + "back; use --batch %d or less", batch, config.consumer, maxAckPending, maxAckPending);
        }
        ackWait = settings.getAckWait();
        maxDeliver = settings.getMaxDeliver();
        counts.consumer(maxDeliver, ackWait.toSeconds());
    }

    // ------------------------------------------------------------ the loop's steps

    /** Before each wait for a message: stdout still works, --max not reached, no Ctrl-C; the wait may be cut short by one. */
    private boolean wantMore() {
        if (!Stdout.written()) {
            throw stdoutFailed();
        }
        waitStarted = System.nanoTime();
        return (max == null || counts.done() < max) && stop.interruptible(true);
    }

    /** A message is in hand: --work-ms, then its line must have reached stdout before anything acks it. */
    private void handOn() throws InterruptedException {
        pretendToWork(); // Ctrl-C during the work: it stays unacked
        stop.interruptible(false); // from here to its ack nothing interrupts: the ack is confirmed or not, never cut off
        StdoutPipe.taken(); // on a pipe, its reader must have taken the line (or stdout counts as failed)
        if (!Stdout.written()) {
            throw stdoutFailed();
        }
    }

    /** --no-ack and --nak: a message seen before has come back; a nak'd one is handed back at once. */
    private boolean cameBack(Message msg, Connection nc) throws Exception {
        if (!(noAck() || nak()) || seen.add(msg.metaData().streamSequence())) {
            return false;
        }
        cameBack = true;
        stop.interruptible(false);
        if (nak()) {
            nakNow(msg, nc); // this run is done with it
        }
        return true;
    }

    /** --batch/--quiet: pullAndAck until --max, a signal, or a batch that comes back empty. */
    private void pullInBatches(Connection nc, Config config, Duration wait) throws Exception {
        PullRequests.Limits limits = new PullRequests.Limits(batch, max, maxAckPending, maxDeliver, ackWait, workMillis,
                requestExpiry(wait));
        try (Output.Progress progress = Output.Progress.start("acked", max == null ? 0 : max, counts::done);
             PullRequests requests = new PullRequests(nc, config.stream, config.consumer, limits, counts)) {
            long lastArrived = System.nanoTime();
            while (Stdout.written() && wantMore()) { // stdout failed: its line comes once the requests are closed
                long waitUntil = System.nanoTime() + wait.toNanos();
                int got;
                // A batch that ends empty before the wait is up: on a cluster the consumer may have no leader
                // right now (one is being elected), so ask again until the wait has really passed.
                while ((got = pullAndAck(requests)) == 0 && Stdout.written() && !stop.requested()
                        && System.nanoTime() < waitUntil) {
                    Thread.sleep(250);
                }
                if (got == 0 && Stdout.written() && !stop.requested() && electing(nc, config, lastArrived)) {
                    continue; // the consumer has messages, but no leader hands them out yet
                }
                if (leaderless != null) {
                    break;
                }
                if (got > 0) {
                    lastArrived = System.nanoTime();
                }
                if (got == 0 && Stdout.written() && !stop.requested()) {
                    waitStarted = Math.min(waitStarted, requests.batchSentAt()); // "none arrived in the last Ns"
                    break;
                }
                if (!quiet && got > 0) {
                    say("acked " + Output.messages(got));
                }
            }
        }
        // Only now, with the requests closed, is every message delivered to this run counted for the last line.
        if (!Stdout.written()) {
            throw stdoutFailed();
        }
        if (leaderless != null) {
            throw Exit.failed("no message arrived for %s although consumer %s %s (no leader elected?): %s",
                    Durations.format(Failover.GIVE_UP_AFTER), config.consumer, leaderless, soFar());
        }
    }

    /**
     * On a cluster, a wait that passed empty while the consumer still has messages for this run: its
     * leader is being elected (6-8 s, more under load), or acks a failover lost left messages ack
     * pending, which come back after the ack wait. Pulling goes on, up to the failover bound since
     * the last message arrived (plus the ack wait for those); past it the run ends (leaderless says
     * why), saying what is left.
     */
    private boolean electing(Connection nc, Config config, long lastArrived) {
        if (!failsOver) {
            return false;
        }
        settleUnconfirmed(nc, config);
        if (!wantMore()) {
            return false; // --max reached with acks the server had after all
        }
        long pending;
        long comingBack = 0;
        try {
            ConsumerInfo info = nc.jetStreamManagement().getConsumerInfo(config.stream, config.consumer);
            pending = info.getNumPending();
            comingBack = Math.max(0, info.getNumAckPending() - counts.inHand()); // not this run's: redelivered later
        } catch (JetStreamApiException e) {
            if (deleted(e)) {
                return false; // not electing: the run's end names which one is gone
            }
            pending = -1; // a refusal while electing: as good as pending
        } catch (Exception noAnswerYet) {
            pending = -1; // no leader to answer: as good as pending
        }
        if (pending == 0 && comingBack == 0) {
            return false;
        }
        Duration bound = comingBack > 0 ? Failover.GIVE_UP_AFTER.plus(ackWait) : Failover.GIVE_UP_AFTER;
        if (System.nanoTime() - lastArrived < bound.toNanos()) {
            return true;
        }
        leaderless = pending < 0 ? "did not answer either"
                : "still has " + pending + " undelivered and " + comingBack + " delivered but not acked";
        return false; // the run ends saying so, once its requests are closed
    }

    /**
     * Batches whose ack confirmation a failover cut off: the server may have their acks after all, and
     * then they never come back. Counted once the consumer's ack floor is past them; the others still
     * come back and are shown again.
     */
    private void settleUnconfirmed(Connection nc, Config config) {
        if (unconfirmed.isEmpty()) {
            return;
        }
        try {
            long floor = nc.jetStreamManagement().getConsumerInfo(config.stream, config.consumer).getAckFloor()
                    .getStreamSequence();
            unconfirmed.removeIf(msg -> {
                if (msg.metaData().streamSequence() > floor) {
                    return false;
                }
                counts.done(msg);
                return true;
            });
        } catch (Exception noAnswerYet) {
            // no leader to answer yet: asked again at the next empty wait
        }
    }

    private static boolean deleted(JetStreamApiException e) {
        return e.getApiErrorCode() == JetStreamErrors.CONSUMER_NOT_FOUND
                || e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND;
    }

    /** The consumer (or its stream) is gone: acks to it are never answered, and nothing comes back. */
    private boolean consumerGone(Connection nc) {
        try {
            nc.jetStreamManagement().getConsumerInfo(settings.stream, settings.consumer);
            return false;
        } catch (JetStreamApiException e) {
            return deleted(e);
        } catch (Exception noAnswer) {
            return false;
        }
    }

    private void pretendToWork() throws InterruptedException {
        if (workMillis > 0) {
            Thread.sleep(workMillis);
        }
    }

    /** One message on stdout (none with --quiet); once stdout took it, it counts as shown. */
    private void print(Message msg) throws IOException {
        if (!ephemeral) {
            counts.delivered(msg); // ack-pending on the server from now on
        }
        if (!quiet) {
            show(msg);
            lineEnds.put(msg, Stdout.position());
        }
        if (Stdout.written()) {
            counts.shown(msg);
        }
    }

    /** The batch's first messages whose lines the reader took (on a pipe this waits for it); the rest stay unacked. */
    private List<Message> handedOn(List<Message> batch) {
        long taken = StdoutPipe.taken();
        int n = 0;
        while (n < batch.size() && lineEnds.getOrDefault(batch.get(n), 0L) <= taken) {
            n++;
        }
        lineEnds.clear();
        return batch.subList(0, n);
    }

    /** One message on stdout: the lab's INFO line with its delivery count and headers, or with --raw its bytes alone. */
    private void show(Message msg) throws IOException {
        if (raw) {
            byte[] body = msg.getData() == null ? new byte[0] : msg.getData();
            System.out.write(body);
            System.out.write('\n');
            System.out.flush();
            return;
        }
        String note = ephemeral ? " (stream seq " + msg.metaData().streamSequence() + ")" : deliveryNote(msg);
        log.info("pulled message: {}{}{}", Output.quoted(msg.getData()), note, headersNote(msg));
    }

    /**
     * What became of a message or a batch (acked, nak'd). With --raw none, as natscli's --raw: stdout
     * holds the bodies only, and stderr just the run's last line and warnings.
     */
    private void say(String line) {
        if (!raw) {
            log.info(line);
        }
    }

    private static String deliveryNote(Message msg) {
        long delivery = msg.metaData().deliveredCount();
        return delivery > 1 ? " (delivery " + delivery + ")" : "";
    }

    /** " headers: Trace-Id="abc"; Nats-Msg-Id="7"": what the publisher set besides the body, each value quoted. */
    private static String headersNote(Message msg) {
        if (!msg.hasHeaders() || msg.getHeaders().isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        msg.getHeaders().entrySet().forEach(header -> header.getValue()
                .forEach(value -> pairs.add(header.getKey() + "=" + Output.quoted(value))));
        return " headers: " + String.join("; ", pairs);
    }

    /** Naks for immediate redelivery; the nak is only queued, so flush before the program may exit. */
    private static void nakNow(Message msg, Connection nc) throws Exception {
        msg.nak();
        try {
            nc.flush(ACK_CONFIRM_TIMEOUT);
        } catch (TimeoutException e) {
            throw Exit.failed("the server did not confirm the nak within %ds: the message comes back after the ack "
                    + "wait instead", ACK_CONFIRM_TIMEOUT.toSeconds());
        }
    }

    // ------------------------------------------------------------ how the run ended

    /** The last line of a run that ended by itself: --max, messages coming back, or a quiet wait. */
    private String summary(Connection nc, Config config, double seconds) throws Exception {
        String why;
        if (max != null && counts.done() == max) {
            why = "--max " + max;
        } else if (cameBack) {
            why = "stopped when they came back";
        } else {
            why = quietWait(nc, config);
        }
        if (ephemeral) {
            return "done: " + Output.messages(counts.done()) + " read through a throw-away consumer" + unreadable.note()
                    + ", no acks needed; durable "
                    + "consumer " + config.consumer + " did not move";
        }
        String count = Output.messages(counts.done()) + " pulled and " + (noAck() ? "not acked" : nak() ? "nak'd" : "acked")
                + unreadable.note();
        if (batch > 1 || quiet) {
            if (counts.again() > 0) {
                why += "; " + Output.messages(counts.again()) + " delivered again after a lost ack, not counted twice";
            }
            return String.format("done: %s in batches of %d (%s): %,.0f msgs/s, %.1f MB/s", count, batch, why,
                    counts.done() / Math.max(seconds, 1e-9), counts.bytes() / Math.max(seconds, 1e-9) / 1e6);
        }
        return "done: " + count + (why.startsWith("--max") ? " (" + why + ")" : "; " + why);
    }

    /**
     * No message came: "none arrived" only when the wait really passed with the connection up and
     * the consumer and stream still there; otherwise the run failed, and says how.
     */
    private String quietWait(Connection nc, Config config) throws Exception {
        double waited = (System.nanoTime() - waitStarted) / 1e9;
        stillThere(nc, config);
        if (waited + 0.05 >= config.wait.toMillis() / 1000.0) {
            return "none arrived in the last " + Durations.format(config.wait);
        }
        return String.format("the server ended the wait after %.1fs without a message", waited);
    }

    /** A failure mid-run, in the lab's words, with what the run did before it. */
    private LabException failure(Exception e, Connection nc, Config config) throws Exception {
        stillThere(nc, config); // gone: says which
        if (e instanceof JetStreamStatusCheckedException || e instanceof JetStreamStatusException) {
            return JetStreamErrors.pullEnded(e, config.consumer, soFar(false));
        }
        if (e instanceof TimeoutException) {
            return Exit.failed("the server did not confirm the ack within %ds: %s", ACK_CONFIRM_TIMEOUT.toSeconds(),
                    soFar());
        }
        return Exit.failed("%s: %s", e.getMessage(), soFar());
    }

    /** The connection, the stream and the consumer are all still there, or one line says which one is gone. */
    private void stillThere(Connection nc, Config config) throws Exception {
        try {
            if (JetStreamErrors.answers(nc)) {
                JetStreamErrors.stillThere(nc, config.stream, ephemeral ? null : config.consumer, soFar(false));
                return;
            }
        } catch (IOException noAnswer) { // the connection went while asking, or JetStream did not answer
            if (JetStreamErrors.answers(nc)) {
                throw Exit.failed("the server did not answer a JetStream request (%s): %s", noAnswer.getMessage(),
                        soFar());
            }
        }
        // the connection may be up with jnats' reader stopped by a message it cannot read
        if (ephemeral) {
            unreadable.explainOrdered(nc, () -> connection.open(config), config.stream, config.subject, lastShown, raw,
                    this::soFar);
        } else {
            unreadable.explain(nc, () -> connection.open(config), config.stream, config.consumer,
                    batchInHand, this::confirmedInHand, raw, this::soFar);
        }
        throw JetStreamErrors.connectionLost(config.shownUrl(), soFar());
    }

    private LabException stdoutFailed() {
        return Stdout.lost(", so the run stopped: " + soFar());
    }

    private String soFar() {
        return soFar(true);
    }

    /** What this run did so far, for a line that ends it early: counts, and (while the consumer is there) what comes back. */
    private String soFar(boolean comesBack) {
        String count = Output.messages(counts.done()) + (quiet ? " pulled" : " printed");
        String done = ephemeral ? count + unreadable.note() + " (no acks: the durable consumer did not move)"
                : count + (noAck() ? " and not acked" : nak() ? " and nak'd" : " and acked") + unreadable.note();
        return ephemeral ? done : done + counts.held(quiet ? "pulled" : "printed", comesBack);
    }
}
