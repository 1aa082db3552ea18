// At-least-once you can watch: a message that is not acked comes back, with its delivery count;
// a message ID makes a republish a duplicate that is not stored again.
//
// No step here races the server's clock: a pull that must not see a redelivery asks for one
// message (--max 1) and ends with it, so no later delivery can reach it however slow the machine;
// a pull that must see one starts after the ack wait has passed, and waits for it besides.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        Thread.sleep(1500); // past the 1 s ack wait, counted from after the delivery
        Run.Result again = ok(script("JsPull", "--lab-config", lab, "--max", "1").go());
        assertEquals(List.of(
                "INFO pulled message: \"first message\" (delivery 2)",
                "INFO acked",
                "INFO done: 1 message pulled and acked (--max 1)"), again.outLines());
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

    @Test
    void noAckAndNakTogetherAreRejected() throws Exception {
        Run.Result result = script("JsPull", "--no-ack", "--nak").go();
        assertEquals(Config.EXIT_USAGE, result.exit());
        assertEquals("ERROR --no-ack and --nak exclude each other: pick one\n", result.err());
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

    @Test
    void maxDeliverAndDuplicateWindowComeFromConfig() throws Exception {
        String lab = tomlFile("[consumer]\nmax_deliver = 3\n[stream]\nduplicate_window_secs = 60\n");
        Run.Result created = bootstrap("--lab-config", lab);
        assertEquals(List.of(
                "INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file, duplicate window 60s)",
                "INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s, max deliver 3)"),
                created.outLines());
        Run.Result reverted = bootstrap();
        assertEquals(List.of(
                "INFO updated stream LAB4_STREAM: duplicate window 60s -> 120s",
                "INFO updated consumer LAB4_CONSUMER: max deliver 3 -> unlimited"), reverted.outLines());
    }
}
