// At-least-once you can watch: a message that is not acked comes back, with its delivery count,
// until max_deliver says stop; a message ID makes a republish within the duplicate window a
// duplicate that is not stored again.
//
// No step here races the server's clock: a pull that must not see a redelivery asks for one
// message (--max 1) and ends with it, so no later delivery can reach it however slow the machine;
// a pull that must see one starts after the ack wait has passed, and waits for it besides.

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedeliveryTest extends WithServer {
    @Test
    void unackedMessageComesBackAfterTheAckWaitWithItsDeliveryCount() throws Exception {
        String lab = tomlFile("[consumer]\nack_wait_secs = 1\n");
        bootstrap("--lab-config", lab);
        publish("first message");
        Run.Result skipped = ok(script("JsPull", "--lab-config", lab, "--no-ack", "--max", "1").go());
        assertEquals(List.of(
                "INFO pulled message: \"first message\"",
                "INFO not acked: it comes back after the ack wait (1s)",
                "INFO done: 1 message pulled and not acked (--max 1)"), skipped.outLines());
        // the pull waits for the redelivery itself: it comes once the 1 s ack wait has passed
        Run.Result again = ok(script("JsPull", "--lab-config", lab, "--max", "1", "--wait", "10").go());
        assertEquals(List.of(
                "INFO pulled message: \"first message\" (delivery 2)",
                "INFO acked",
                "INFO done: 1 message pulled and acked (--max 1)"), again.outLines());
    }

    /** The server itself gives up after max_deliver deliveries: no third one, and it says so in an advisory. */
    @Test
    void maxDeliverStopsTheServerRedelivering() throws Exception {
        String lab = tomlFile("[consumer]\nack_wait_secs = 1\nmax_deliver = 2\n");
        bootstrap("--lab-config", lab);
        publish("poison");
        try (Connection nc = connect()) {
            Subscription advisories = nc.subscribe("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.LAB4_STREAM.LAB4_CONSUMER");
            nc.flush(Duration.ofSeconds(5));

            Run.Result first = ok(script("JsPull", "--no-ack", "--max", "1").go());
            Run.Result second = ok(script("JsPull", "--no-ack", "--max", "1", "--wait", "10").go()); // waits out the ack wait
            // 3 s, past the 1 s ack wait: without the cap, the third delivery would come within them
            Run.Result third = ok(script("JsPull", "--wait", "3").go());

            assertEquals("INFO pulled message: \"poison\"", first.outLines().get(0));
            assertEquals("INFO pulled message: \"poison\" (delivery 2)", second.outLines().get(0));
            assertEquals(List.of("INFO why none arrived: the messages past the ack floor (stream seq 0) up to seq 1 that were not "
                    + "acked reached max deliver (2) or were terminated: the server hands them out no more",
                    "INFO done: 0 messages pulled and acked; none arrived in the last 3s"), third.outLines(),
                    "two deliveries, then the server stops trying");
            assertEquals("WARN advisory: stream seq 1 reached max deliver (2 deliveries, none acked): the server hands it out "
                    + "no more; it stays in the stream\n", third.err(), "js-pull shows the server's advisory");
            Message advisory = advisories.nextMessage(Duration.ofSeconds(10));
            assertNotNull(advisory, "the server announces that it gave up");
            String body = new String(advisory.getData(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"stream_seq\":1") && body.contains("\"deliveries\":2"), body);
        }
    }

    /**
     * Anyone may publish on the advisory subject: one naming no stream seq the consumer delivered (beyond it,
     * negative, not a whole number) is not the server's, and js-pull shows none of them; one in range is shown.
     */
    @Test
    void forgedMaxDeliveriesAdvisoriesAreDropped() throws Exception {
        bootstrap();
        publish("one");
        try (Run.Started pull = script("JsPull", "--label", "V", "--wait", "6").start(); Connection nc = connect()) {
            pull.awaitOut("acked");
            String subject = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.LAB4_STREAM.LAB4_CONSUMER";
            for (String seq : List.of("9999", "-5", "1E+400", "1.5", "\"1\"", "0")) {
                nc.publish(subject, ("{\"stream_seq\":" + seq + ",\"deliveries\":2}").getBytes(StandardCharsets.UTF_8));
            }
            nc.publish(subject, "{\"stream_seq\":1,\"deliveries\":2}".getBytes(StandardCharsets.UTF_8));
            nc.flush(Duration.ofSeconds(5));
            Run.Result result = ok(pull.finish());
            assertEquals("WARN [V] advisory: stream seq 1 reached max deliver (2 deliveries, none acked): the server hands "
                    + "it out no more; it stays in the stream\n", result.err(), result.toString());
        }
    }

    @Test
    void nakMakesTheMessageComeBackRightAway() throws Exception {
        bootstrap();
        publish("retry me");
        Run.Result naked = ok(script("JsPull", "--nak", "--max", "1").go());
        assertEquals(List.of("INFO pulled message: \"retry me\"", "INFO nak'd: it comes back right away",
                "INFO done: 1 message pulled and nak'd (--max 1)"), naked.outLines());
        Run.Result again = ok(script("JsPull", "--max", "1").go());
        assertEquals("INFO pulled message: \"retry me\" (delivery 2)", again.outLines().get(0));
    }

    /** On the last delivery max_deliver allows, neither a missed ack nor a nak brings the message back, and js-pull says so. */
    @Test
    void theLastDeliveryAllowedSaysItWillNotComeBack() throws Exception {
        String lab = tomlFile("[consumer]\nack_wait_secs = 1\nmax_deliver = 1\n");
        bootstrap("--lab-config", lab);
        publish("md1");
        publish("md2");
        publish("md3");
        String gone = "it will not come back: that was its last delivery (1 of max deliver 1), so the server gives up "
                + "on it; it stays in the stream";
        Run.Result unacked = ok(script("JsPull", "--lab-config", lab, "--no-ack", "--max", "1").go());
        Run.Result naked = ok(script("JsPull", "--lab-config", lab, "--nak", "--max", "1").go());
        Run.Result delayed = ok(script("JsPull", "--lab-config", lab, "--nak-delay", "1s", "--max", "1").go());
        assertEquals("INFO not acked: " + gone, unacked.outLines().get(1));
        assertEquals("INFO nak'd: " + gone, naked.outLines().get(1));
        assertEquals("INFO nak'd: " + gone, delayed.outLines().get(1));
        // 3 s, past the ack wait and the nak's delay: none of the three comes back
        Run.Result after = ok(script("JsPull", "--lab-config", lab, "--wait", "3").go());
        assertEquals("INFO done: 0 messages pulled and acked; none arrived in the last 3s", after.outLines().get(after.outLines().size() - 1));
        assertTrue(after.outLines().stream().noneMatch(line -> line.contains("pulled message")), after.toString());
    }

    /**
     * A backoff of 1s,4s: the server waits 1s before the second delivery and 4s before the third (its
     * ack wait is only the first delay). js-pull --no-ack names the wait for each delivery, and delivery
     * 3 indeed comes no sooner; js-info shows the backoff, and its next-pull line names it with no time
     * the backoff could make false: by then at the latest, never earlier than delivery 2 plus 4s.
     */
    /**
     * A consumer made elsewhere may wait any time for an ack: js-info writes it as durations are typed
     * (90s as the config counts seconds, 1.5s), never rounded down to whole seconds, and js-bootstrap
     * names it the same way.
     */
    @Test
    void anAckWaitIsShownAsItIsNotInWholeSeconds() throws Exception {
        bootstrap();
        for (Duration wait : List.of(Duration.ofMillis(1500), Duration.ofSeconds(90))) {
            try (Connection nc = connect()) {
                nc.jetStreamManagement().addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder()
                        .durable("LAB4_CONSUMER").ackWait(wait).build());
            }
            String shown = wait.toMillis() == 1500 ? "1.5s" : "90s";
            List<String> info = ok(script("JsInfo").go()).outLines();
            assertTrue(info.stream().anyMatch(line -> line.startsWith("  settings:       ack explicit, ack wait " + shown + ", ")),
                    String.join("\n", info));
            Run.Result again = ok(script("JsBootstrap").go());
            assertTrue(again.out().contains("ack wait " + shown), again.toString());
        }
    }

    @Test
    void aBackoffNamesItsDelayForEachDelivery() throws Exception {
        bootstrap("--backoff", "1s,4s", "--max-deliver", "3");
        publish("m1");
        Run.Result first = ok(script("JsPull", "--no-ack", "--max", "1").go());
        LocalTime secondAsked = LocalTime.now();
        long secondStart = System.nanoTime();
        Run.Result second = ok(script("JsPull", "--no-ack", "--max", "1", "--wait", "10").go());
        List<String> info = ok(script("JsInfo").go()).outLines();
        Run.Result third = ok(script("JsPull", "--max", "1", "--wait", "15").go());
        long thirdAfter = System.nanoTime() - secondStart;

        assertEquals("INFO not acked: it comes back after 1s (the backoff's delay after delivery 1)", first.outLines().get(1));
        assertEquals(List.of("INFO pulled message: \"m1\" (delivery 2)",
                "INFO not acked: it comes back after 4s (the backoff's delay after delivery 2)"), second.outLines().subList(0, 2));
        assertEquals("INFO pulled message: \"m1\" (delivery 3)", third.outLines().get(0), third.toString());
        assertTrue(thirdAfter >= 4_000_000_000L, "delivery 3 came " + thirdAfter / 1_000_000 + " ms after delivery 2 was asked for");
        assertEquals("  settings:       ack explicit, ack wait 1s, max deliver 3, max ack pending 1,000, backoff 1s, 4s",
                info.get(13), String.join("\n", info));
        String never = "never if that was the last delivery, max deliver 3";
        Matcher next = Pattern.compile("  next pull:      may get nothing: 1 message is ack pending past the ack floor "
                + "\\(stream seq 0\\): delivered to a client \\(another js-pull, say\\) that has not acked it; (?:it comes "
                + "again after the backoff's delay for its delivery \\(1s, then 4s\\), by (\\d\\d:\\d\\d:\\d\\d) at the "
                + "latest, unless it was nak'd \\(then at once, or after the nak's delay\\) or kept in progress \\(later\\); "
                + never + "|the backoff's longest delay \\(4s\\) passed by (\\d\\d:\\d\\d:\\d\\d), so it was nak'd with a "
                + "delay or kept in progress, or it comes again on the next pull \\(" + never + "\\))").matcher(info.get(14));
        assertTrue(next.matches(), String.join("\n", info));
        String by = next.group(1) != null ? next.group(1) : next.group(2);
        long after = (Duration.between(secondAsked.truncatedTo(ChronoUnit.SECONDS), LocalTime.parse(by)).toSeconds() + 86_400)
                % 86_400;
        assertTrue(after >= 4 && after <= 120, "by " + by + ", delivery 2 asked for at " + secondAsked);
    }

    /** Stopped while it works on delivery 2 under a backoff of 1s,4s: the last line names the 4 s wait, not the ack wait. */
    @Test
    void aStoppedRunNamesTheBackoffsDelayForWhatItHeld() throws Exception {
        bootstrap("--backoff", "1s,4s", "--max-deliver", "3");
        publish("m1");
        ok(script("JsPull", "--no-ack", "--max", "1").go());
        Run.Started pull = script("JsPull", "--work-ms", "30000", "--max", "1", "--wait", "10").start();
        pull.awaitOut("INFO pulled message: \"m1\" (delivery 2)");
        pull.signal("TERM");
        Run.Result result = pull.finish();

        assertEquals(143, result.exit(), result.toString());
        assertEquals("ERROR interrupted: 0 messages printed and acked; 1 printed but not acked: it comes back after 4s "
                + "(the backoff's delay after delivery 2)\n", result.err());
    }

    @Test
    void republishWithTheSameMessageIdIsADuplicateAndNotStored() throws Exception {
        bootstrap();
        Run.Result first = ok(script("JsPub", "--msg-id", "order-7", "order 7").go());
        Run.Result second = ok(script("JsPub", "--msg-id", "order-7", "order 7").go());
        assertEquals("INFO published \"order 7\" to stream LAB4_STREAM (seq 1)\n", first.out());
        assertEquals("INFO published \"order 7\" to stream LAB4_STREAM (seq 1, duplicate=true)\n", second.out());
        try (Connection nc = connect()) {
            assertEquals(1, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    /**
     * A 2 s duplicate window: within it the same ID is a duplicate (two publishes of one run, ms
     * apart); once it has passed, the ID is forgotten and the message is stored again. A stream
     * with the default window (2 minutes), given the same steps, still calls it a duplicate: the
     * short window is what made it expire. The wait is for the server to forget a probe ID sent
     * after order-7 (it forgets the oldest first), republished until it is stored again.
     */
    @Test
    void messageIdsAreForgottenOnceAShortDuplicateWindowHasPassed() throws Exception {
        bootstrap("--lab-config", tomlFile("[stream]\nduplicate_window_secs = 2\n"));
        bootstrap("--stream", "LONG_WINDOW", "--subject", "lab4.long", "--consumer", "LONG");
        Run.Result twice = ok(script("JsPub", "--msg-id", "order-7").stdin("order 7\norder 7\n").go());
        Run.Result twiceLong = ok(script("JsPub", "--subject", "lab4.long", "--msg-id", "order-7")
                .stdin("order 7\norder 7\n").go());
        assertEquals(List.of(
                "INFO published \"order 7\" to stream LAB4_STREAM (seq 1)",
                "INFO published \"order 7\" to stream LAB4_STREAM (seq 1, duplicate=true)",
                "INFO 2 messages confirmed by a PubAck: 1 stored, 1 duplicate=true (already stored)"), twice.outLines());
        assertEquals("INFO published \"order 7\" to stream LONG_WINDOW (seq 1, duplicate=true)", twiceLong.outLines().get(1));

        try (Connection nc = connect()) {
            io.nats.client.PublishOptions probe = io.nats.client.PublishOptions.builder().messageId("probe").build();
            byte[] body = "probe".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            nc.jetStream().publish("lab4.stream", body, probe); // seq 2
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (nc.jetStream().publish("lab4.stream", body, probe).isDuplicate()) { // once stored again: seq 3
                assertTrue(System.nanoTime() < deadline, "the server never forgot a message ID of a 2 s window");
                Thread.sleep(100);
            }
        }
        Run.Result later = ok(script("JsPub", "--msg-id", "order-7", "order 7").go());
        Run.Result laterLong = ok(script("JsPub", "--subject", "lab4.long", "--msg-id", "order-7", "order 7").go());

        assertEquals("INFO published \"order 7\" to stream LAB4_STREAM (seq 4)\n", later.out());
        assertEquals("INFO published \"order 7\" to stream LONG_WINDOW (seq 1, duplicate=true)\n", laterLong.out());
        try (Connection nc = connect()) {
            assertEquals(4, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
            assertEquals(1, nc.jetStreamManagement().getStreamInfo("LONG_WINDOW").getStreamState().getMsgCount());
        }
    }

    @Test
    void maxDeliverAndDuplicateWindowComeFromConfig() throws Exception {
        String lab = tomlFile("[consumer]\nmax_deliver = 3\n[stream]\nduplicate_window_secs = 60\n");
        Run.Result created = bootstrap("--lab-config", lab);
        assertEquals(List.of(
                "INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file, duplicate window 60s)",
                "INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s, max deliver 3)"),
                created.outLines());
        Run.Result kept = bootstrap(); // not given: left as they are, and said so
        assertEquals(List.of(
                "INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file, duplicate window 60s)",
                "INFO stream LAB4_STREAM keeps duplicate window 60s (this run does not set it: [stream] duplicate_window_secs "
                        + "does; a stream js-bootstrap creates has 120s)",
                "INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s, max deliver 3)",
                "INFO consumer LAB4_CONSUMER keeps max deliver 3 (this run does not set it: --max-deliver does; a consumer "
                        + "js-bootstrap creates has unlimited)"), kept.outLines());
        Run.Result reverted = bootstrap("--lab-config", tomlFile("[consumer]\nmax_deliver = -1\n[stream]\n"
                + "duplicate_window_secs = 120\n"));
        assertEquals(List.of(
                "INFO updated stream LAB4_STREAM: duplicate window 60s -> 120s",
                "INFO updated consumer LAB4_CONSUMER: max deliver 3 -> unlimited"), reverted.outLines());
    }
}
