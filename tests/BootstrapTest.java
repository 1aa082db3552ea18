// js-bootstrap: creates the stream and durable pull consumer, and is safe to rerun.

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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest extends WithServer {
    @Test
    void createsFileStreamAndDurablePullConsumer() throws Exception {
        Run.Result result = bootstrap();
        assertEquals(List.of(
                "INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file)",
                "INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s)"), result.outLines());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamConfiguration stream = jsm.getStreamInfo("LAB4_STREAM").getConfiguration();
            assertEquals(List.of("lab4.stream"), stream.getSubjects());
            assertEquals(StorageType.File, stream.getStorageType());
            ConsumerConfiguration consumer = jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getConsumerConfiguration();
            assertEquals("LAB4_CONSUMER", consumer.getDurable());
            assertNull(consumer.getDeliverSubject(), "a pull consumer has no deliver subject");
            assertEquals(AckPolicy.Explicit, consumer.getAckPolicy());
            assertEquals(DeliverPolicy.All, consumer.getDeliverPolicy());
            assertEquals(Duration.ofSeconds(30), consumer.getAckWait());
        }
    }

    @Test
    void rerunLeavesEverythingUnchanged() throws Exception {
        bootstrap();
        publish("kept");
        Run.Result again = bootstrap();
        assertEquals(List.of(
                "INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file)",
                "INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s)"),
                again.outLines());
        try (Connection nc = connect()) {
            assertEquals(1, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    @Test
    void changedAckWaitAndDuplicateWindowAreUpdatedInPlace() throws Exception {
        bootstrap();
        publish("kept");
        Run.Result result = ok(script("JsBootstrap", "--lab-config",
                tomlFile("[consumer]\nack_wait_secs = 5\n[stream]\nduplicate_window_secs = 60\n")).go());
        assertEquals(List.of(
                "INFO updated stream LAB4_STREAM: duplicate window 120s -> 60s",
                "INFO updated consumer LAB4_CONSUMER: ack wait 30s -> 5s"), result.outLines());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(1, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount(), "messages survive an update");
            assertEquals(Duration.ofSeconds(5),
                    jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getConsumerConfiguration().getAckWait());
        }
    }

    @Test
    void aStreamCapturingMoreSubjectsIsNeverNarrowedInPlace() throws Exception {
        try (Connection nc = connect()) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("LAB4_STREAM")
                    .subjects("lab4.stream", "lab4.audit").storageType(StorageType.File).build());
            nc.jetStream().publish("lab4.audit", "audit record".getBytes());
        }
        Run.Result refused = script("JsBootstrap").go();
        assertEquals(Exit.FAILED, refused.exit(), refused.toString());
        assertEquals("ERROR stream LAB4_STREAM captures lab4.stream, lab4.audit, the lab only lab4.stream: js-bootstrap "
                + "does not change a stream's subjects in place (publishing to lab4.audit would then fail); rerun with "
                + "--recreate to delete it and create it for lab4.stream only (losing its 1 message), or use another "
                + "--stream\n", refused.err());
        try (Connection nc = connect()) {
            StreamConfiguration stream = nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getConfiguration();
            assertEquals(List.of("lab4.stream", "lab4.audit"), stream.getSubjects(), "left as it was");
            nc.jetStream().publish("lab4.audit", "still captured".getBytes());
        }
    }

    @Test
    void aStreamForAnotherSubjectSaysWhatRecreateLoses() throws Exception {
        bootstrap();
        publish("kept");
        Run.Result refused = script("JsBootstrap", "--subject", "lab4.other").go();
        assertEquals(Exit.FAILED, refused.exit(), refused.toString());
        assertEquals("ERROR stream LAB4_STREAM captures lab4.stream, not the lab's lab4.other: js-bootstrap does not "
                + "change a stream's subjects in place (publishing to lab4.stream would then fail); rerun with "
                + "--recreate to delete it and create it for lab4.other only (losing its 1 message), or use another "
                + "--stream\n", refused.err());

        Run.Result unasked = script("JsBootstrap", "--subject", "lab4.other", "--recreate").go(); // no terminal here
        assertEquals(Exit.USAGE, unasked.exit(), unasked.toString());
        assertEquals("ERROR deleting stream LAB4_STREAM with 1 message and 1 consumer needs a yes, and there is no "
                + "terminal to ask on: add --force\n", unasked.err());
        Run.Result recreated = ok(script("JsBootstrap", "--subject", "lab4.other", "--recreate", "--force").go());
        assertEquals("INFO recreated stream LAB4_STREAM (subjects: lab4.other, storage: file); its 1 message went "
                + "with the old one", recreated.outLines().get(0));
    }

    @Test
    void aConsumerWhoseFilterMissesTheLabsSubjectIsNotUnchanged() throws Exception {
        // What an in-place narrowing of the stream (as js-bootstrap once did) leaves behind.
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("LAB4_STREAM").subjects("lab4.stream", "lab4.old").build());
            jsm.addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder().durable("LAB4_CONSUMER")
                    .ackPolicy(AckPolicy.Explicit).filterSubject("lab4.old").build());
            jsm.updateStream(StreamConfiguration.builder().name("LAB4_STREAM").subjects("lab4.stream").build());
        }
        Run.Result refused = script("JsBootstrap").go();
        assertEquals(Exit.FAILED, refused.exit(), refused.toString());
        assertEquals("ERROR consumer LAB4_CONSUMER exists with filter subject lab4.old (so it never gets what the lab "
                + "publishes to lab4.stream), which cannot change in place: rerun with --recreate to delete and "
                + "recreate it (the stream keeps its messages, but the new consumer starts from the stream's first "
                + "message)\n", refused.err());
        Run.Result recreated = ok(script("JsBootstrap", "--recreate").go());
        assertTrue(recreated.out().contains("INFO recreated consumer LAB4_CONSUMER"), recreated.toString());
    }

    /** Storage cannot change in place: refused, then --recreate remakes the stream and the consumer that went with it. */
    @Test
    void storageThatCannotChangeSaysHowToResetAndRecreateBringsTheConsumerBack() throws Exception {
        bootstrap();
        publish("lost with the old stream");
        String memory = tomlFile("[stream]\nstorage = \"memory\"\n");
        Run.Result refused = script("JsBootstrap", "--lab-config", memory).go();
        assertEquals(Exit.FAILED, refused.exit());
        assertEquals("ERROR stream LAB4_STREAM uses file storage, the config asks for memory, and storage cannot "
                + "change in place: rerun with --recreate to delete and recreate it (its messages are lost)\n",
                refused.err());

        Run.Result recreated = bootstrap("--lab-config", memory, "--recreate", "--force");
        assertEquals(List.of(
                "INFO recreated stream LAB4_STREAM (subjects: lab4.stream, storage: memory); its 1 message went with "
                        + "the old one",
                "INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s)"), recreated.outLines());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(StorageType.Memory, jsm.getStreamInfo("LAB4_STREAM").getConfiguration().getStorageType());
            assertEquals(0, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
            ConsumerConfiguration consumer = jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getConsumerConfiguration();
            assertNull(consumer.getDeliverSubject(), "a pull consumer again");
            assertEquals(AckPolicy.Explicit, consumer.getAckPolicy());
            assertEquals(DeliverPolicy.All, consumer.getDeliverPolicy());
            assertEquals(Duration.ofSeconds(30), consumer.getAckWait());
        }
        publish("into the new stream");
        assertEquals(List.of("INFO pulled message: \"into the new stream\"", "INFO acked",
                "INFO done: 1 message pulled and acked (--max 1)"), ok(script("JsPull", "--max", "1").go()).outLines());
    }

    @Test
    void consumerWithAnotherAckPolicyIsRecreatedOnlyWhenAsked() throws Exception {
        bootstrap();
        publish("kept");
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
            jsm.addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder()
                    .durable("LAB4_CONSUMER").ackPolicy(AckPolicy.None).build());
        }
        Run.Result refused = script("JsBootstrap").go();
        assertEquals(Exit.FAILED, refused.exit());
        assertEquals("ERROR consumer LAB4_CONSUMER exists with a different ack policy (none, the lab needs explicit), "
                + "which cannot change in place: rerun with --recreate to delete and recreate it (the stream keeps its "
                + "messages, but the new consumer starts from the stream's first message)\n", refused.err());

        bootstrap("--recreate");
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(AckPolicy.Explicit,
                    jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getConsumerConfiguration().getAckPolicy());
            assertEquals(1, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    /**
     * A backoff takes the place of the ack wait: a rerun keeps one it was not given and says so; an ack wait that
     * disagrees with it is one line before anything is sent; --backoff none removes it in place.
     */
    @Test
    void aConsumerWithABackoffIsKeptAndAnAckWaitAgainstItIsOneLine() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder(jsm.getConsumerInfo("LAB4_STREAM",
                    "LAB4_CONSUMER").getConsumerConfiguration()).maxDeliver(3)
                    .backoff(Duration.ofSeconds(1), Duration.ofSeconds(5)).build());
        }
        assertEquals(List.of("INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 1s, "
                        + "max deliver 3, backoff 1s, 5s)",
                "INFO consumer LAB4_CONSUMER keeps ack wait 1s (this run does not set it: --ack-wait does; a consumer "
                        + "js-bootstrap creates has 30s)",
                "INFO consumer LAB4_CONSUMER keeps max deliver 3 (this run does not set it: --max-deliver does; a consumer "
                        + "js-bootstrap creates has unlimited)",
                "INFO consumer LAB4_CONSUMER keeps backoff 1s, 5s (this run does not set it: --backoff does; a consumer "
                        + "js-bootstrap creates has none)"), bootstrap().outLines().subList(1, 5));
        Run.Result refused = script("JsBootstrap", "--ack-wait", "30s").go();
        assertEquals(Exit.USAGE, refused.exit(), refused.toString());
        assertEquals("ERROR an ack wait of 30s and a backoff of 1s, 5s (the consumer's, which this run keeps: --backoff none "
                + "removes it) disagree: the server waits the backoff's first delay, 1s, before the first redelivery: leave "
                + "out --ack-wait (ack_wait_secs), or give it 1s\n", refused.err());

        assertEquals("INFO updated consumer LAB4_CONSUMER: backoff 1s, 5s -> none, ack wait 1s -> 30s",
                bootstrap("--backoff", "none", "--ack-wait", "30s").outLines().get(1));
        try (Connection nc = connect()) {
            ConsumerConfiguration after = nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER")
                    .getConsumerConfiguration();
            assertTrue(after.getBackoff() == null || after.getBackoff().isEmpty(), after.toString());
            assertEquals(Duration.ofSeconds(30), after.getAckWait());
        }
    }

    /**
     * A rerun that changes what the lab manages (ack wait, max deliver) leaves the rest of the consumer
     * as it was set, and says, one line each, what differs from a consumer js-bootstrap would create.
     */
    @Test
    void aRerunChangesOnlyWhatTheLabManagesAndNamesTheRest() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder(
                    jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getConsumerConfiguration())
                    .maxAckPending(5).description("billing worker").build());
        }
        Run.Result rerun = bootstrap("--lab-config", tomlFile("[consumer]\nack_wait_secs = 10\nmax_deliver = 4\n"));
        assertEquals(List.of("INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file)",
                "INFO updated consumer LAB4_CONSUMER: ack wait 30s -> 10s, max deliver unlimited -> 4",
                "INFO consumer LAB4_CONSUMER keeps description \"billing worker\", which the lab does not manage (a "
                        + "consumer js-bootstrap creates has none)",
                "INFO consumer LAB4_CONSUMER keeps max ack pending 5 (this run does not set it: --max-ack-pending "
                        + "does; a consumer js-bootstrap creates has 1000)"), rerun.outLines());
        try (Connection nc = connect()) {
            ConsumerConfiguration after = nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER")
                    .getConsumerConfiguration();
            assertEquals(5, after.getMaxAckPending());
            assertEquals("billing worker", after.getDescription());
            assertEquals(Duration.ofSeconds(10), after.getAckWait());
            assertEquals(4, after.getMaxDeliver());
        }
        Run.Result again = bootstrap("--lab-config", tomlFile("[consumer]\nack_wait_secs = 10\nmax_deliver = 4\n"));
        assertEquals("INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 10s, "
                + "max deliver 4, max ack pending 5)", again.outLines().get(1));
        assertEquals(4, again.outLines().size(), again.toString());
    }

    /** The same for the stream: a rerun keeps its limits (the server updates it from its current config) and names them. */
    @Test
    void aRerunNamesTheStreamSettingsItKeeps() throws Exception {
        bootstrap();
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.updateStream(StreamConfiguration.builder(jsm.getStreamInfo("LAB4_STREAM").getConfiguration())
                    .maxMessages(500).discardPolicy(io.nats.client.api.DiscardPolicy.New).build());
        }
        Run.Result rerun = bootstrap();
        assertEquals(List.of("INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file, "
                        + "max messages 500, discard new)",
                "INFO stream LAB4_STREAM keeps max messages 500 (this run does not set it: --max-msgs does; a stream "
                        + "js-bootstrap creates has unlimited)",
                "INFO stream LAB4_STREAM keeps discard new (this run does not set it: --discard does; a stream "
                        + "js-bootstrap creates has discard old)",
                "INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s)"),
                rerun.outLines());
    }

    /**
     * Settings another tool or a raw API call set, which js-bootstrap has no line of its own for, are
     * named too, as the server spells them: a rerun keeps them, and none passes unseen.
     */
    @Test
    void aRerunNamesEverySettingItDoesNotManage() throws Exception {
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("LAB4_STREAM").subjects("lab4.stream")
                    .storageType(StorageType.File).denyDelete(true).allowRollup(true).allowDirect(true)
                    .maxConsumers(10).republish(io.nats.client.api.Republish.builder().source(">").destination("copy.>")
                            .build()).build());
            jsm.addOrUpdateConsumer("LAB4_STREAM", ConsumerConfiguration.builder().durable("LAB4_CONSUMER")
                    .ackPolicy(AckPolicy.Explicit).sampleFrequency("50")
                    .replayPolicy(io.nats.client.api.ReplayPolicy.Original).build());
        }
        List<String> lines = bootstrap().outLines();
        for (String kept : List.of(
                "stream LAB4_STREAM keeps allow direct true, which the lab does not manage (a stream js-bootstrap "
                        + "creates has false)",
                "stream LAB4_STREAM keeps allow rollup hdrs true, which the lab does not manage (a stream js-bootstrap "
                        + "creates has false)",
                "stream LAB4_STREAM keeps deny delete true, which the lab does not manage (a stream js-bootstrap "
                        + "creates has false)",
                "stream LAB4_STREAM keeps max consumers 10, which the lab does not manage (a stream js-bootstrap "
                        + "creates has none)",
                "stream LAB4_STREAM keeps republish {\"dest\":\"copy.>\",\"src\":\">\"}, which the lab does not "
                        + "manage (a stream js-bootstrap creates has none)",
                "consumer LAB4_CONSUMER keeps replay policy original, which the lab does not manage (a consumer "
                        + "js-bootstrap creates has instant)",
                "consumer LAB4_CONSUMER keeps sample freq 50, which the lab does not manage (a consumer js-bootstrap "
                        + "creates has none)")) {
            assertTrue(lines.contains("INFO " + kept), kept + " is not among:\n" + String.join("\n", lines));
        }
    }

    /** Replicas need a cluster: on one server, one line says so and nothing is created. */
    @Test
    void replicasOnASingleServerAreOneLine() throws Exception {
        Run.Result result = script("JsBootstrap", "--replicas", "3").go();
        assertEquals(1, result.exit(), result.toString());
        assertEquals("ERROR 3 replicas need a cluster, but the server at " + server.url() + " runs alone (cluster size 1): "
                + "use --replicas 1 ([stream] replicas), or a cluster (`make cluster`)\n", result.err());
        try (Connection nc = connect()) {
            assertEquals(List.of(), nc.jetStreamManagement().getStreamNames());
        }
    }
    /**
     * After a restart the server answers the first update with the settings it had before it; the line
     * says what was asked and what the server holds when asked again, so it never reads "2 -> 2" or "x -> x".
     */
    @Test
    void anUpdateRightAfterARestartNamesWhatWasAskedAndConfirmed() throws Exception {
        bootstrap("--consumer", "R1", "--max-age", "1h");
        server.restart();
        Run.Result consumer = bootstrap("--consumer", "R1", "--max-deliver", "2", "--max-ack-pending", "50",
                "--ack-wait", "10s", "--max-age", "2h");
        assertEquals(List.of("INFO updated stream LAB4_STREAM: max age 1h -> 2h",
                "INFO updated consumer R1: ack wait 30s -> 10s, max deliver unlimited -> 2, max ack pending 1000 -> 50"),
                consumer.outLines());
        try (Connection nc = connect()) {
            ConsumerConfiguration after = nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", "R1")
                    .getConsumerConfiguration();
            assertEquals(2, after.getMaxDeliver());
            assertEquals(50, after.getMaxAckPending());
        }
    }
    /**
     * The server refuses a duplicate window longer than the max age: one not given is cut to it (and the line
     * says so); one given longer stops the run before anything is sent; an existing stream's is explained.
     */
    @Test
    void aDuplicateWindowIsNeverLongerThanTheMaxAge() throws Exception {
        String cut = "; the duplicate window is cut to fit the max age (the server takes none longer)";
        assertEquals("INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file, duplicate window 30s, max age "
                + "30s)" + cut, bootstrap("--max-age", "30s").outLines().get(0));
        assertEquals("INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file, duplicate "
                + "window 30s, max age 30s)", bootstrap("--max-age", "30s").outLines().get(0));
        assertEquals("INFO updated stream LAB4_STREAM: max age 30s -> 10s, duplicate window 30s -> 10s" + cut,
                bootstrap("--max-age", "10s").outLines().get(0));
        String window = tomlFile("[stream]\nduplicate_window_secs = 60\n");
        Run.Result given = script("JsBootstrap", "--lab-config", window, "--max-age", "30s").go();
        assertEquals(Exit.USAGE, given.exit(), given.toString());
        assertEquals("ERROR a duplicate window of 60s is longer than the max age of 30s, and the server refuses that: give "
                + "[stream] duplicate_window_secs 30 or less, or a longer --max-age\n", given.err());
        Run.Result existing = script("JsBootstrap", "--lab-config", window).go();
        assertEquals(Exit.FAILED, existing.exit(), existing.toString());
        assertEquals("ERROR stream LAB4_STREAM would have a duplicate window longer than its max age, which the server "
                + "refuses (duplicates window can not be larger then max age, error 10052): give [stream] "
                + "duplicate_window_secs at most the max age (js-info shows both), or a longer --max-age\n", existing.err());
        try (Connection nc = connect()) {
            assertEquals(Duration.ofSeconds(10), nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getConfiguration()
                    .getDuplicateWindow());
        }
    }
}
