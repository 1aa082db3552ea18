// "Why nothing arrives": when a pull gets nothing, js-pull says why in one line if the server's state
// tells, and js-info shows the same on its "next pull" row, next to the waiting pulls. Each cause is
// made here on a real server and named.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WhyNothingTest extends WithServer {
    @Test
    void allProcessedSaysNothingIsPastTheAckFloor() throws Exception {
        bootstrap();
        publish("one", "two");
        ok(script("JsPull", "--wait", "1").go());

        Run.Result again = ok(script("JsPull", "--wait", "1").go());

        assertEquals(List.of("INFO why none arrived: no messages past the ack floor (stream seq 2): everything stored for "
                + "this consumer was handled: acked, terminated or given up on after max deliver",
                "INFO done: 0 messages pulled and acked; none arrived in the last 1s"), again.outLines());
        List<String> info = ok(script("JsInfo").go()).outLines();
        assertEquals("  waiting pulls:  0 (pull requests the server holds until messages come)", info.get(12));
        assertEquals("  next pull:      gets nothing: no messages past the ack floor (stream seq 2): everything stored "
                + "for this consumer was handled: acked, terminated or given up on after max deliver", info.get(14));
    }

    @Test
    void anEmptyStreamSaysSo() throws Exception {
        bootstrap();
        Run.Result pulled = ok(script("JsPull", "--wait", "1", "--raw").go());
        assertEquals("INFO why none arrived: the stream is empty: nothing is stored to deliver (js-pub stores a message)\n"
                + "INFO done: 0 messages pulled and acked; none arrived in the last 1s\n", pulled.err());
    }

    /** Delivered to another client and not acked: ack pending, and by when they come again (the ack wait from the last delivery). */
    @Test
    void ackPendingWithAnotherClientSaysUntilWhen() throws Exception {
        bootstrap();
        publish("held");
        ok(script("JsPull", "--no-ack", "--max", "1").go());

        Run.Result pulled = ok(script("JsPull", "--wait", "1").go());

        assertTrue(pulled.outLines().get(0).matches("INFO why none arrived: 1 message is ack pending past the ack floor "
                + "\\(stream seq 0\\): delivered to a client \\(another js-pull, say\\) that has not acked it; it comes again "
                + "once the ack wait \\(30s\\) has passed, by \\d\\d:\\d\\d:\\d\\d, unless it was nak'd \\(then at once, or after "
                + "the nak's delay\\) or kept in progress \\(later\\)"), pulled.toString());
        List<String> info = ok(script("JsInfo").go()).outLines();
        assertTrue(info.get(14).startsWith("  next pull:      may get nothing: 1 message is ack pending past the ack floor"),
                String.join("\n", info));
    }

    /**
     * A nak'd message is ack pending, as one waiting out its ack wait is: the server's numbers cannot
     * tell them apart, so js-info says the next pull may get nothing, and names the nak; the next pull gets it at once.
     */
    @Test
    void afterANakTheNextPullIsNotSaidToGetNothing() throws Exception {
        bootstrap();
        publish("naked");
        ok(script("JsPull", "--nak", "--max", "1").go());

        List<String> info = ok(script("JsInfo").go()).outLines();
        String next = info.get(14);
        assertTrue(next.startsWith("  next pull:      may get nothing: 1 message is ack pending past the ack floor"), String.join("\n", info));
        assertTrue(next.contains("unless it was nak'd (then at once, or after the nak's delay)"), next);
        Run.Result again = ok(script("JsPull", "--max", "1", "--wait", "2").go());
        assertEquals("INFO pulled message: \"naked\" (delivery 2)", again.outLines().get(0));
    }

    @Test
    void maxAckPendingReachedSaysSo() throws Exception {
        bootstrap();
        addConsumer(ConsumerConfiguration.builder().durable("SLOW").maxAckPending(1).ackWait(Duration.ofSeconds(30)));
        publish("first", "second");
        ok(script("JsPull", "--consumer", "SLOW", "--no-ack", "--max", "1").go());

        Run.Result pulled = script("JsPull", "--consumer", "SLOW", "--wait", "1").go();

        assertTrue(pulled.out().matches("(?s).*max ack pending reached: 1 message delivered and not acked \\(max_ack_pending "
                + "1\\), so the server hands out none of the 1 pending until some are acked or their ack wait \\(30s\\) passes, "
                + "by \\d\\d:\\d\\d:\\d\\d at the latest \\(unless it was nak'd with a delay or kept in progress\\): then a "
                + "pull may get it again\n.*"), pulled.toString());
        List<String> info = ok(script("JsInfo", "--consumer", "SLOW").go()).outLines();
        assertTrue(info.get(14).startsWith("  next pull:      may get nothing: max ack pending reached"), String.join("\n", info));
    }

    /**
     * At max ack pending, once the ack wait has ended the server hands the unacked message out again: js-info
     * does not say the next pull gets nothing, and the next pull does get it.
     */
    @Test
    void maxAckPendingPastTheAckWaitSaysAPullMayGetItAgain() throws Exception {
        bootstrap();
        addConsumer(ConsumerConfiguration.builder().durable("SLOW").maxAckPending(1).ackWait(Duration.ofSeconds(1)));
        publish("first", "second");
        ok(script("JsPull", "--consumer", "SLOW", "--no-ack", "--max", "1").go());
        Thread.sleep(1_500); // past the ack wait

        List<String> info = ok(script("JsInfo", "--consumer", "SLOW").go()).outLines();
        Run.Result next = ok(script("JsPull", "--consumer", "SLOW", "--max", "1", "--wait", "3").go());

        assertTrue(info.get(14).matches("  next pull:      may get nothing: max ack pending reached: .* their ack wait "
                + "\\(1s\\) passes; that passed by \\d\\d:\\d\\d:\\d\\d, so a pull may get it again now \\(unless it was "
                + "nak'd with a delay or kept in progress\\)"), String.join("\n", info));
        assertEquals("INFO pulled message: \"first\" (delivery 2)", next.outLines().get(0));
    }

    /** Under a backoff the wait depends on each message's delivery, which the consumer's state does not give: its delays are named. */
    @Test
    void maxAckPendingUnderABackoffNamesItsDelays() throws Exception {
        bootstrap();
        addConsumer(ConsumerConfiguration.builder().durable("SPACED").maxAckPending(1).maxDeliver(3)
                .backoff(Duration.ofSeconds(30), Duration.ofSeconds(60)));
        publish("first", "second");
        ok(script("JsPull", "--consumer", "SPACED", "--no-ack", "--max", "1").go());

        Run.Result pulled = script("JsPull", "--consumer", "SPACED", "--wait", "1").go();

        assertTrue(pulled.toString().contains("max ack pending reached: 1 message delivered and not acked (max_ack_pending 1), "
                + "so the server hands out none of the 1 pending until some are acked or the backoff's delay for each one's "
                + "delivery (30s, then 1m) passes, by "), pulled.toString());
    }

    @Test
    void aFilterThatMatchesNothingStoredSaysSo() throws Exception {
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("LAB4_STREAM")
                    .subjects("lab4.stream", "lab4.other").storageType(StorageType.File).build());
        }
        addConsumer(ConsumerConfiguration.builder().durable("OTHERS").filterSubject("lab4.other"));
        publish("not for OTHERS");

        Run.Result pulled = ok(script("JsPull", "--consumer", "OTHERS", "--wait", "1").go());

        assertEquals("INFO why none arrived: filter subject lab4.other matches none of the 1 message stored in the stream "
                + "(its subjects: lab4.stream, lab4.other)", pulled.outLines().get(0));
    }

    @Test
    void aDeliverPolicyThatSkippedWhatIsStoredSaysSo() throws Exception {
        bootstrap();
        publish("old 1", "old 2");
        addConsumer(ConsumerConfiguration.builder().durable("NEW_ONLY").deliverPolicy(DeliverPolicy.New));
        addConsumer(ConsumerConfiguration.builder().durable("LATER").deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(10));

        Run.Result fresh = ok(script("JsPull", "--consumer", "NEW_ONLY", "--wait", "1").go());
        Run.Result later = ok(script("JsPull", "--consumer", "LATER", "--wait", "1").go());

        assertEquals("INFO why none arrived: deliver policy new skipped the 2 messages stored before it (stream seqs 1-2): "
                + "only later ones arrive", fresh.outLines().get(0));
        assertEquals("INFO why none arrived: deliver policy by_start_sequence starts at stream seq 10, past the last stored "
                + "(2): only messages stored from there on arrive", later.outLines().get(0));
    }

    /**
     * A start time still to come: the server sets the consumer's start once, past what is stored then,
     * so it skipped those, and a message stored later arrives at once, long before that time.
     */
    @Test
    void aStartTimeStillToComeSkipsOnlyWhatWasStored() throws Exception {
        bootstrap();
        publish("stored now");
        java.time.ZonedDateTime start = java.time.ZonedDateTime.of(2030, 1, 1, 0, 0, 0, 0, java.time.ZoneOffset.UTC);
        addConsumer(ConsumerConfiguration.builder().durable("FUTURE").deliverPolicy(DeliverPolicy.ByStartTime).startTime(start));

        Run.Result pulled = ok(script("JsPull", "--consumer", "FUTURE", "--wait", "1").go());
        publish("published after");
        Run.Result later = ok(script("JsPull", "--consumer", "FUTURE", "--wait", "1").go());

        assertEquals("INFO why none arrived: deliver policy by_start_time names a time still to come ("
                + start.withZoneSameInstant(java.time.ZoneId.systemDefault()).toOffsetDateTime() + "), so the server "
                + "started this consumer past the last message stored when it was made: it skipped the 1 message stored "
                + "(stream seqs 1-1), and every message stored from now on arrives, without waiting for that time",
                pulled.outLines().get(0));
        assertEquals("INFO pulled message: \"published after\"", later.outLines().get(0));
    }

    /** A message given up on after max_deliver: js-pull says why nothing comes, and shows the server's advisory. */
    @Test
    void maxDeliverReachedIsNamedAndItsAdvisoryShown() throws Exception {
        String lab = tomlFile("[consumer]\nack_wait_secs = 1\nmax_deliver = 1\n");
        bootstrap("--lab-config", lab);
        publish("poison");
        ok(script("JsPull", "--no-ack", "--max", "1").go());
        Thread.sleep(1_500); // past the ack wait: the next pull makes the server try again, and give up

        Run.Result pulled = ok(script("JsPull", "--wait", "2").go());

        assertEquals(List.of("INFO why none arrived: the messages past the ack floor (stream seq 0) up to seq 1 that were not acked "
                + "reached max deliver (1) or were terminated: the server hands them out no more",
                "INFO done: 0 messages pulled and acked; none arrived in the last 2s"), pulled.outLines());
        assertEquals("WARN advisory: stream seq 1 reached max deliver (1 delivery, none acked): the server hands it out no "
                + "more; it stays in the stream\n", pulled.err());
    }

    /** A terminated message moves the ack floor past it as an ack does: js-info's ack floor row does not call it acked. */
    @Test
    void theAckFloorIsNotCalledAckedAfterATerm() throws Exception {
        bootstrap();
        publish("poison");
        ok(script("JsPull", "--term", "--max", "1").go());

        List<String> info = ok(script("JsInfo").go()).outLines();

        assertEquals("  ack floor:      stream seq 1 (everything up to here is done: acked, terminated or given up)",
                info.get(11), String.join("\n", info));
    }

    /** The consumer is gone: that is named, not "none arrived". */
    @Test
    void aDeletedConsumerIsNamed() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
        }
        Run.Result pulled = script("JsPull", "--wait", "1").go();
        assertEquals(Exit.NOT_FOUND, pulled.exit(), pulled.toString());
        assertEquals("ERROR consumer LAB4_CONSUMER not found on stream LAB4_STREAM: run js-bootstrap first\n", pulled.err());
    }

    private static void addConsumer(ConsumerConfiguration.Builder consumer) throws Exception {
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("LAB4_STREAM", consumer.ackPolicy(AckPolicy.Explicit).build());
        }
    }
}
