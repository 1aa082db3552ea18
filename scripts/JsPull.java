///usr/bin/env jbang "$0" "$@" ; exit $?
// Lesson: pull from a durable consumer and ack each message. A message counts as processed only
// once the server has confirmed its ack; one never acked is delivered again (at-least-once).
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-simple:2.0.17
//DEPS net.java.dev.jna:jna:5.17.0
//SOURCES lab/CommandRunner.java lab/ConnectionOptions.java lab/SettingFlags.java lab/LogLines.java
//SOURCES lab/Config.java lab/JetStreamErrors.java lab/Subjects.java lab/Output.java lab/Stdout.java lab/StopSignal.java lab/Exit.java lab/Durations.java
//SOURCES lab/PullCounts.java lab/PullRequests.java lab/OwnDeliveries.java lab/AckSubject.java lab/StdoutPipe.java lab/UnreadableMessages.java
//SOURCES lab/PullOptions.java lab/PullShown.java lab/PullEnding.java lab/PullFailover.java lab/WhyNothing.java lab/MaxDeliveries.java lab/PullWork.java lab/Progress.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.25 -XX:+UseSerialGC -XX:+DisplayVMOutputToStderr -Xmn16m
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -XDstringConcat=inline
//DESCRIPTION Pull messages from the lab's durable consumer and ack each one.

import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.ConsumerContext;
import io.nats.client.IterableConsumer;
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
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.SequenceInfo;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

@Command(name = "js-pull", version = CommandRunner.VERSION,
        description = PullOptions.DESCRIPTION, footer = PullOptions.FOOTER) // the help text: with js-pull's flags
public class JsPull implements Callable<Integer>, CommandRunner.Labelled {
    private static final Logger log = LogLines.logger(JsPull.class);

    /** Pulls one message at a time, prints it, acks it, and says "acked" only once the server has the ack. */
    void pullEach(Connection nc, ConsumerContext consumer, Duration wait) throws Exception {
        Message msg;
        while (wantMore() && (msg = consumer.next(wait)) != null) { // null: none arrived within the wait
            checkDelivery(nc, msg); // sent by a peer, or by a consumer made anew under its name? then never acked
            if (cameBack(msg, nc)) {
                break; // --no-ack or --nak: this run has seen it already, so it has seen them all
            }
            print(msg); // INFO pulled message: "..." (with --raw: the body's bytes alone)
            handOn(msg); // --work-ms, then stdout must have taken the line: what nobody saw is never acked
            if (noAck()) { // back after the ack wait or backoff, unless that was its last delivery
                say(flags.doneVerb() + ": " + PullWork.leftUnacked(msg, ackWait, backoff, counts.maxDeliver()));
            } else if (nak() || flags.term()) { // --nak, --nak-delay, --term
                say(flags.doneVerb() + ": " + PullWork.handBack(msg, nc, flags, counts.maxDeliver(), retention));
            } else {
                counts.acking(msg); // from here its ack may reach the server: a run ending now says "not confirmed"
                msg.ackSync(Connector.CONFIRM_WAIT); // returns once the server confirmed; ack() would only queue it
                say("acked");
            }
            counts.done(msg);
        }
    }

    /**
     * Batches: ask for up to a batch (a pull request: PullRequests), print each message as it arrives, then ack
     * those whose lines stdout took: ack() only queues, so the last one is ackSync, and once the server confirms it,
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
                pretendToWork(msg);
                if (!Stdout.written()) {
                    break; // it and the rest of the batch stay unacked
                }
                batch.add(msg);
            }
        } catch (InterruptedException signal) {
            // Ctrl-C or SIGTERM: what was printed and worked on is acked below, the rest comes back
        }
        stop.interruptible(false);
        batch = counts.batchInHand = shown.handedOn(batch); // on a pipe: only the lines its reader took; acks sent from here
        for (int i = 0; i < batch.size() - 1; i++) {
            batch.get(i).ack(); // queued; the server takes one connection's acks in order
        }
        if (!batch.isEmpty() && !ackConfirmed(batch.get(batch.size() - 1))) {
            counts.unconfirmed.addAll(counts.batchInHand); // not counted yet: they come back, or the ack floor shows the server has them
            counts.batchInHand = List.of();
            return 0;
        }
        confirmedInHand();
        requests.worked(batch.size(), System.nanoTime() - started);
        return batch.size();
    }

    /** The batch in hand is acked and confirmed (here, or acked again over a new connection): counted once. */
    private void confirmedInHand() {
        counts.done(counts.batchInHand);
        counts.batchInHand = List.of();
    }

    /**
     * The batch's last ack, answered: then the server has them all. On a cluster a failover can cut
     * it off: not counted then (they come back and are shown again); on one server that ends the run.
     */
    private boolean ackConfirmed(Message last) throws Exception {
        try {
            last.ackSync(Connector.CONFIRM_WAIT);
            return true;
        } catch (TimeoutException | IllegalStateException lost) {
            if (!failsOver) {
                throw lost;
            }
            if (failover.consumerGone(last.getConnection())) {
                return false; // deleted mid-run: the run's end says so
            }
            System.err.println("WARN the server did not confirm the last acks (failing over?): those messages come "
                    + "back and are counted once");
            return false;
        }
    }

    /**
     * Ephemeral: an ordered consumer reads the stream from its first message, without acks, and is then
     * forgotten. One server consumer for the whole read: iterate() keeps pull requests coming to it,
     * where each reader.next() would create a new consumer on the server.
     */
    void readOrdered(StreamContext stream, String subject, Duration wait, boolean afterAFailover) throws Exception {
        OrderedConsumerConfiguration from = new OrderedConsumerConfiguration().filterSubject(subject);
        long start = Math.max(counts.lastShown + 1, unreadable.resumeAt()); // after a failover, or a message jnats cannot read
        if (start > 1) {
            from.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(start);
        }
        // bounded in bytes as js-pull's batches are: what is on its way to this run stays well under 64 MB. On a cluster a
        // request lasts 2 s, so the server's heartbeat comes every second: missing three, jnats makes a throw-away consumer
        // that died with its server again within seconds, where its default (30 s requests) takes 45 s
        ConsumeOptions requests = ConsumeOptions.builder().batchBytes(PullRequests.REQUEST_BYTES)
                .expiresIn(failover.requestExpiry(Duration.ofMillis(ConsumeOptions.DEFAULT_EXPIRES_IN_MILLIS)).toMillis()).build();
        OrderedConsumerContext[] reader = new OrderedConsumerContext[1];
        Unanswered.ApiCall<IterableConsumer> begin = () -> {
            reader[0] = stream.createOrderedConsumer(from);
            return reader[0].iterate(requests); // the consumer is made on the server here
        };
        // at the start asked again while a leader is elected; after a failover the bound since the last message covers it
        try (IterableConsumer messages = afterAFailover ? begin.call() : Unanswered.throughElection(failsOver, begin)) {
            Message msg;
            while (wantMore() && (msg = nextWithin(messages, stream, reader[0], wait)) != null) { // null: none arrived within the wait
                if (AckSubject.of(msg).streamSeq() <= counts.lastShown) {
                    continue; // the consumer jnats makes again after a missed heartbeat can race one already shown
                }
                orderedArrivedAt = System.nanoTime();
                print(msg);
                handOn(msg);
                counts.done(msg);
                counts.lastShown = AckSubject.of(msg).streamSeq();
            }
        }
    }

    /**
     * On a cluster a throw-away consumer dies with the server that led it: a wait that passed empty, or a
     * read cut off, goes on with a new one from the message after the last shown, while the stream holds
     * more and the failover bound since the last message has not passed (PullFailover.ahead).
     */
    private void readOrderedThroughFailovers(Connection nc, StreamContext stream, String subject, Duration wait) throws Exception {
        orderedArrivedAt = System.nanoTime();
        boolean again = false;
        while (true) {
            long began = System.nanoTime();
            Exception cutOff = null;
            try {
                // after a failover no longer than the bound has left, so the run ends within it
                long left = Failover.NO_LEADER_FOR.toNanos() - (began - orderedArrivedAt);
                readOrdered(stream, subject, again ? Duration.ofNanos(Math.min(wait.toNanos(), Math.max(left, 1_000_000_000L)))
                        : wait, again);
            } catch (IOException | JetStreamApiException | JetStreamStatusCheckedException | IllegalStateException e) {
                if (!failsOver) { // IllegalStateException: jnats' JetStreamStatusException too
                    if ((e instanceof JetStreamStatusCheckedException || e instanceof JetStreamStatusException)
                            && ReaderWatch.stopped(nc) == null) { // the status may have been a stored message (400, 409)
                        unreadable.skipLookalikeInOrder(nc, settings.stream, subject, counts.lastShown, flags.raw, ending::soFar);
                    }
                    throw e;
                }
                cutOff = e;
            }
            if (stop.requested() || !Stdout.written() || (flags.max != null && counts.done() >= flags.max)) {
                return;
            }
            if (!failsOver) {
                if (cutOff == null && ReaderWatch.stopped(nc) == null) { // a wait that passed empty: a message jnats took for a status?
                    unreadable.skipLookalikeInOrder(nc, settings.stream, subject, counts.lastShown, flags.raw, ending::soFar);
                }
                return;
            }
            if (ReaderWatch.stopped(nc) != null) { // a message jnats cannot read stopped its reader: the run's end shows it
                if (cutOff != null) {
                    throw cutOff;
                }
                return;
            }
            long after = Math.max(counts.lastShown, unreadable.resumeAt() - 1);
            switch (failover.ahead(nc, subject, after, orderedArrivedAt)) {
                case MORE -> {
                    // the next may be one jnats takes for a status, which every new consumer would meet again
                    unreadable.skipLookalikeInOrder(nc, settings.stream, subject, after, flags.raw, ending::soFar);
                    again = true;
                    if (System.nanoTime() - began < 250_000_000L) {
                        Thread.sleep(250); // no connection yet, or no leader: the read gave up at once
                    }
                }
                case NOTHING -> {
                    return; // everything stored on the subject was shown
                }
                case REFUSED -> {
                    if (cutOff != null) {
                        throw cutOff; // the stream is gone, or refuses: the run's end names what cut the read off
                    }
                    return;
                }
                case UNREAD -> throw failover.unread(ending.soFar());
            }
        }
    }

    /**
     * messages.nextMessage(wait), asked again for the rest of the wait when a status on the run's inbox
     * (a leadership change, or a peer posing as the server) ended it early; at most every 250 ms.
     */
    private Message nextWithin(IterableConsumer messages, StreamContext stream, OrderedConsumerContext reader, Duration wait)
            throws Exception {
        long start = System.nanoTime();
        while (true) {
            long asked = System.nanoTime();
            long left = wait.toNanos() - (asked - start);
            if (left < 50_000_000L) {
                return null; // and never a wait of 0 or less: jnats would wait forever
            }
            try {
                Message msg = messages.nextMessage(Duration.ofNanos(left));
                if (msg != null) {
                    orderedName = reader.getConsumerName();
                    orderedSeen = AckSubject.of(msg).consumerSeq();
                    return msg;
                }
            } catch (JetStreamStatusCheckedException | JetStreamStatusException status) {
                String name = reader.getConsumerName(); // jnats makes a new one, with a new name, when it starts again
                long seen = name.equals(orderedName) ? orderedSeen : 0;
                counts.disproved(JetStreamErrors.disproved(status, name, null, seen, () -> stream.getConsumerInfo(name)));
            }
            if (System.nanoTime() - asked < 250_000_000L) {
                Thread.sleep(250);
            }
        }
    }

    @Mixin ConnectionOptions connection;
    @Mixin SettingFlags settingFlags = SettingFlags.of(Setting.STREAM, Setting.SUBJECT, Setting.CONSUMER, Setting.WAIT);
    @Mixin UnreadableMessages unreadable;
    @Mixin PullOptions flags;

    /** What became of each message delivered to this run, and where the run is: one object, so every last line adds up. */
    private final PullCounts counts = new PullCounts();
    private StopSignal stop;
    private PullShown shown;
    private PullEnding ending;
    private PullFailover failover;
    private Duration ackWait = Duration.ZERO; // the consumer's
    private List<Duration> backoff = List.of(); // the consumer's: its delays take the ack wait's place
    private RetentionPolicy retention = RetentionPolicy.Limits; // the stream's: whether a --term removes the message
    private boolean failsOver; // a server list or a cluster: connections may move to another node
    private PullRequests.Caps requestCaps = PullRequests.Caps.NONE; // the consumer's limits on one pull request
    private Config settings;
    private String orderedName; // --ephemeral: the throw-away consumer of the last message shown,
    private long orderedSeen; // and that message's consumer sequence: one made again under its name starts from none
    private long orderedArrivedAt; // --ephemeral: when the last message arrived (System.nanoTime), for the failover bound

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
        LogLines.label(RunLabel.valid(flags.label) ? flags.label : null); // --label A: each line starts [A], a bad flag's too
        flags.check((String) settingFlags.value(Setting.SUBJECT));
        Config config = settings = settings != null ? settings : connection.load(); // read once: its warnings too
        shown = new PullShown(flags.raw, flags.ephemeral);
        ending = new PullEnding(flags, counts, unreadable, connection, this::confirmedInHand);
        stop = StopSignal.watch(Duration.ofSeconds(7), ending::soFar); // a signal while connecting gets its last line too
        try {
            return pull(config);
        } finally {
            stop.runEnded(); // the label stays on until CommandRunner has printed how the run ended
        }
    }

    private int pull(Config config) throws Exception {
        try (Connection nc = connection.open(config)) {
            failsOver = connection.failsOver(); // a URL list, or one URL of a server in a cluster
            StreamContext stream = JetStreamErrors.streamContext(nc, config.stream, config.shownUrl());
            String filter = settingFlags.typed(Setting.SUBJECT) ? config.subject : null; // --ephemeral without --subject: all of it
            if (flags.ephemeral) {
                PullOptions.checkSubject(stream, config, filter);
            }
            if (flags.term()) {
                retention = JetStreamErrors.streamInfo(stream).getConfiguration().getRetentionPolicy();
            }
            ConsumerContext consumer = flags.ephemeral ? null
                    : JetStreamErrors.consumerContext(nc, config.stream, config.consumer, config.shownUrl());
            if (consumer != null) {
                ConsumerConfiguration given = consumer.getCachedConsumerInfo().getConsumerConfiguration();
                flags.checkConsumer(given, config);
                ackWait = given.getAckWait();
                backoff = Backoff.given(given.getBackoff()) ? given.getBackoff() : List.of();
                counts.followsRetries = noAck() && !backoff.isEmpty();
                shown.followRetries(counts.followsRetries); // each retry's line says how long after the one before
                counts.consumer(given.getMaxAckPending(), given.getMaxDeliver(), ackWait, backoff);
                requestCaps = new PullRequests.Caps(given.getMaxBatch(), given.getMaxBytes(),
                        given.getMaxExpires() == null ? Duration.ZERO : given.getMaxExpires());
                counts.consumerCreated = consumer.getCachedConsumerInfo().getCreationTime();
                SequenceInfo before = consumer.getCachedConsumerInfo().getDelivered();
                counts.deliveredBefore(before.getConsumerSequence(), before.getStreamSequence());
                MaxDeliveries.listen(nc, config.stream, config.consumer, line -> System.err.println("WARN " + line));
            }
            failover = new PullFailover(failsOver, config, counts, ackWait);
            counts.start = counts.start == 0 ? System.nanoTime() : counts.start; // on over a new connection: from the run's start
            Duration wait = requestCaps.within(config.wait); // a pull request waits no longer than the consumer allows
            if (!wait.equals(config.wait)) {
                System.err.println("WARN consumer " + Output.printable(config.consumer) + " lets a pull request wait at most "
                        + Durations.format(wait) + " (max_expires): waiting that long for messages, not " + Durations.format(config.wait));
            }
            try {
                if (flags.ephemeral) {
                    readOrderedThroughFailovers(nc, stream, filter, config.wait);
                } else if (flags.inBatches()) {
                    pullInBatches(nc, config, wait);
                } else if (failsOver) {
                    pullEachThroughFailovers(nc, consumer, config, wait);
                } else {
                    pullEachForAWholeWait(nc, config, consumer, wait);
                }
            } catch (InterruptedException e) {
                if (!stop.requested()) {
                    throw e;
                }
            } catch (JetStreamStatusCheckedException | IllegalStateException | IOException
                     | TimeoutException e) { // IOException: a JetStream request without an answer
                throw ending.failure(e, nc, config, Connector.CONFIRM_WAIT);
            } catch (OwnDeliveries.NotOurs | NullPointerException | IllegalArgumentException e) { // jnats' own: see OwnDeliveries
                throw Exit.failed("%s: %s", OwnDeliveries.why(e), ending.soFar());
            } finally {
                stop.runEnded(); // after Ctrl-C or SIGTERM: the exit prints what this run did, and this never returns
            }
            ending.print(log, ending.summary(nc, config, (System.nanoTime() - counts.start) / 1e9));
        }
        return 0;
    }

    // ------------------------------------------------------------ the loop's steps

    /** A delivery of the consumer this run began with, or the run ends in one line (OwnDeliveries, sameConsumer). */
    private void checkDelivery(Connection nc, Message msg) {
        OwnDeliveries.check(msg, settings.stream, settings.consumer);
        ending.sameConsumer(nc, settings, msg);
    }

    private boolean noAck() {
        return flags.noAck();
    }

    private boolean nak() {
        return flags.nak();
    }

    /** Before each wait for a message: stdout still works, --max not reached, no Ctrl-C; the wait may be cut short by one. */
    private boolean wantMore() {
        if (!Stdout.written()) {
            throw ending.stdoutFailed();
        }
        counts.waitStarted = System.nanoTime();
        return (flags.max == null || counts.done() < flags.max) && stop.interruptible(true);
    }

    /** A message is in hand: --work-ms, then its line must have reached stdout before anything acks it. */
    private void handOn(Message msg) throws InterruptedException {
        pretendToWork(msg); // Ctrl-C during the work: it stays unacked
        stop.interruptible(false); // from here to its ack nothing interrupts: the ack is confirmed or not, never cut off
        StdoutPipe.taken(); // on a pipe, its reader must have taken the line (or stdout counts as failed)
        if (!Stdout.written()) {
            throw ending.stdoutFailed();
        }
    }

    /**
     * --no-ack and --nak: a message seen before has come back; a nak'd one is handed back at once. With
     * --no-ack on a consumer with a backoff the run goes on instead, to show the retries spaced out.
     */
    private boolean cameBack(Message msg, Connection nc) throws Exception {
        if (!(noAck() || nak()) || counts.seen.add(AckSubject.of(msg).streamSeq())) {
            return false;
        }
        if (counts.followsRetries) {
            return false; // a backoff needs a max deliver: the run follows each retry until the last one
        }
        counts.cameBack = true;
        stop.interruptible(false);
        // Not shown again, but this delivery counts against max deliver as any other: the last line says what became of it.
        String fate = nak() ? PullWork.handBack(msg, nc, flags, counts.maxDeliver(), retention)
                : PullWork.leftUnacked(msg, ackWait, backoff, counts.maxDeliver());
        counts.comeback = String.format(Locale.ROOT, "(stream seq %d, delivery %d, not shown) and was %s again: %s",
                AckSubject.of(msg).streamSeq(), AckSubject.of(msg).delivered(), flags.doneVerb(), fate);
        return true;
    }

    private void pretendToWork(Message msg) throws InterruptedException {
        PullWork.work(msg, flags.workMillis, flags.inProgress, ackWait, backoff); // --in-progress: +WPI each half ack wait
    }

    /** One message on stdout (none with --quiet); once stdout took it, it counts as shown. */
    private void print(Message msg) throws IOException {
        if (!flags.ephemeral && !flags.inBatches()) { // a batch's messages are counted as they reach the run (PullRequests)
            counts.delivered(msg); // ack-pending on the server from now on
            counts.lastPrinted = msg;
        }
        if (!flags.quiet) {
            shown.show(msg);
        }
        if (Stdout.written()) {
            counts.shown(msg);
        }
    }

    private void say(String line) {
        shown.say(line);
    }

    /**
     * One at a time on a cluster: pullEach with short waits, again and again, until a whole wait passes
     * with nothing and the consumer truly has nothing for this run. While a consumer leader is elected,
     * next() comes back empty (or with a leadership change), and an ack may go unanswered: that message
     * is counted once the consumer's ack floor shows the server has it, or it comes back.
     */
    private void pullEachThroughFailovers(Connection nc, ConsumerContext consumer, Config config, Duration wait) throws Exception {
        long quietSince = System.nanoTime();
        while (true) {
            long doneBefore = counts.done();
            long asked = System.nanoTime();
            try {
                pullEach(nc, consumer, failover.requestExpiry(wait));
            } catch (JetStreamStatusCheckedException | TimeoutException | IllegalStateException | IOException cutOff) {
                if (counts.lastPrinted != null && counts.inHand() > 0 && !counts.unconfirmed.contains(counts.lastPrinted)) {
                    counts.unconfirmed.add(counts.lastPrinted); // its ack may have reached the server: the ack floor tells
                }
                counts.batchInHand = List.of();
            }
            if (counts.done() > doneBefore) {
                quietSince = System.nanoTime();
            }
            if (counts.cameBack || stop.requested() || !Stdout.written() || (flags.max != null && counts.done() >= flags.max)) {
                return;
            }
            if (counts.done() == doneBefore) { // a delivery jnats took for a status would look like a consumer without a leader
                takenForAStatus(consumer, config);
            }
            if (System.nanoTime() - asked < 250_000_000L) {
                Thread.sleep(250); // no leader, or no connection yet: next() gave up at once
            }
            if (System.nanoTime() - quietSince < config.wait.toNanos() || failover.electing(nc, quietSince, this::wantMore)) {
                continue;
            }
            counts.waitStarted = quietSince; // "none arrived in the last Ns" counts from the last message
            if (counts.leaderless != null) {
                throw failover.leaderless(ending.soFar());
            }
            return;
        }
    }

    /**
     * One at a time on one server: pullEach until a whole wait passes with no message. A status can end a
     * wait early (a 408, 409 or 503 on the run's inbox: a leadership change, or a peer posing as the
     * server); then the run asks again for the rest of the wait, at most every 250 ms, and only while the
     * consumer is there: "none arrived in the last 5s" is said once 5s really passed.
     */
    private void pullEachForAWholeWait(Connection nc, Config config, ConsumerContext consumer, Duration wait) throws Exception {
        Duration each = wait;
        long quietSince = counts.waitStarted;
        for (boolean first = true; ; first = false) {
            long doneBefore = counts.done();
            long asked = System.nanoTime();
            try {
                pullEach(nc, consumer, each);
            } catch (JetStreamStatusCheckedException | JetStreamStatusException status) { // one the consumer's info disproves: on
                String disproved = JetStreamErrors.disproved(status, config.consumer, counts.consumerCreated, counts.lastDelivery(),
                        consumer::getConsumerInfo);
                ending.lookalikePending(config); // or a stored message whose headers begin "NATS/1.0 409 ..."
                counts.disproved(disproved);
            }
            if (counts.cameBack || stop.requested() || !Stdout.written() || (flags.max != null && counts.done() >= flags.max)) {
                deliveredToEndedRequests(consumer, config);
                return;
            }
            if (first || counts.done() > doneBefore) {
                quietSince = counts.waitStarted; // the empty wait's start: nothing came since
            }
            if (System.nanoTime() - quietSince + 50_000_000L >= wait.toNanos()) {
                counts.waitStarted = quietSince; // the last line counts the quiet from here
                deliveredToEndedRequests(consumer, config);
                return;
            }
            counts.endedEarly++;
            // a consumer that is gone ends the run now, saying so; a delivery jnats took for a status is dealt with
            ending.takenForAStatus(ending.stillThere(nc, config), config);
            if (System.nanoTime() - asked < 250_000_000L) {
                Thread.sleep(250);
            }
            Duration left = wait.minusNanos(System.nanoTime() - quietSince);
            each = left.toMillis() < 1000 ? Duration.ofSeconds(1) : left; // jnats asks for no less
        }
    }

    /** PullEnding.takenForAStatus with the consumer's info asked now; nothing when no answer comes (an election, say). */
    private void takenForAStatus(ConsumerContext consumer, Config config) throws Exception {
        ConsumerInfo info;
        try {
            info = consumer.getConsumerInfo();
        } catch (IOException | JetStreamApiException | IllegalStateException noAnswer) {
            return;
        }
        ending.takenForAStatus(info, config);
    }

    /**
     * A pull request a status ended early stays open on the server until it expires, and what the server
     * delivers to it never reaches the run (jnats closed its inbox): it waits out its ack wait and comes back.
     * The consumer's ack pending, less what this run holds, bounds how many; the last line names them.
     */
    private void deliveredToEndedRequests(ConsumerContext consumer, Config config) throws Exception {
        if (counts.endedEarly == 0 || stop.requested()) {
            return;
        }
        try {
            ConsumerInfo info = consumer.getConsumerInfo();
            ending.takenForAStatus(info, config); // what a status ended early may have been a stored message: dealt with first
            long theirs = info.getNumAckPending() - counts.heldUnacked();
            if (theirs > 0) {
                counts.unreachedUnknown(Math.min(counts.endedEarly, theirs), "pull requests a status ended early stay open "
                        + "on the server until they expire, and what it sends them never reaches this run");
            }
        } catch (IOException | JetStreamApiException unanswered) {
            // the run's end asks the server again, and says what it finds
        }
    }

    /** --batch/--quiet: pullAndAck until --max, a signal, or a batch that comes back empty. */
    private void pullInBatches(Connection nc, Config config, Duration wait) throws Exception {
        PullRequests.Limits limits = new PullRequests.Limits(flags.batch, flags.max, counts.maxAckPending(),
                counts.maxDeliver(), Backoff.shortestWait(backoff, ackWait), flags.workMillis, failover.requestExpiry(wait), config.timeout,
                requestCaps);
        try (Progress progress = Progress.start("acked", flags.max == null ? 0 : flags.max, counts::done);
             PullRequests requests = new PullRequests(nc, config.stream, config.consumer, limits, counts, stop,
                     msg -> checkDelivery(nc, msg))) {
            long lastArrived = System.nanoTime();
            while (Stdout.written() && wantMore()) { // stdout failed: its line comes once the requests are closed
                long waitBegan = System.nanoTime(); // not counts.waitStarted: electing() asks wantMore(), which moves it
                long waitUntil = waitBegan + wait.toNanos();
                int got;
                // A batch that ends empty before the wait is up: on a cluster the consumer may have no leader
                // right now (one is being elected), so ask again until the wait has really passed.
                while ((got = pullAndAck(requests)) == 0 && Stdout.written() && !stop.requested()
                        && System.nanoTime() < waitUntil) {
                    Thread.sleep(250);
                }
                if (got == 0 && Stdout.written() && !stop.requested() && failover.electing(nc, lastArrived, this::wantMore)) {
                    continue; // the consumer has messages, but no leader hands them out yet
                }
                if (counts.leaderless != null) {
                    break;
                }
                if (got > 0) {
                    lastArrived = System.nanoTime();
                }
                if (got == 0 && Stdout.written() && !stop.requested()) {
                    counts.waitStarted = Math.min(waitBegan, requests.batchSentAt()); // "none arrived in the last Ns"
                    break;
                }
                if (!flags.quiet && got > 0) {
                    say("acked " + Output.messages(got));
                }
            }
        }
        // Only now, with the requests closed, is every message delivered to this run counted for the last line.
        if (!Stdout.written()) {
            throw ending.stdoutFailed();
        }
        if (counts.leaderless != null) {
            throw failover.leaderless(ending.soFar());
        }
    }
}
