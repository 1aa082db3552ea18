// Lab 5's flags, one behaviour each, against a real server: retention and filters from js-bootstrap,
// a retention changed only with --recreate, limits and discard as js-info and js-pub show them, a no to
// js-bootstrap's question, and js-pull's --label and --term.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.RetentionPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ConsumersAtWorkTest extends WithServer {
    /** On a work-queue stream a message is gone once acked; on a limits stream it stays. */
    @Test
    void aWorkQueueDeletesWhatIsAcked() throws Exception {
        assertEquals("INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file, retention workqueue)",
                bootstrap("--retention", "workqueue").outLines().get(0));
        publish("one", "two");
        ok(script("JsPull", "--max", "1").go());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(RetentionPolicy.WorkQueue, jsm.getStreamInfo("LAB4_STREAM").getConfiguration().getRetentionPolicy());
            assertEquals(1, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
            assertEquals(2, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getFirstSequence());
        }
    }

    /** A work queue takes only consumers that ack: --ephemeral says so in one line, exit 1, not "done: 0". */
    @Test
    void anEphemeralReadOfAWorkQueueIsOneLine() throws Exception {
        bootstrap("--retention", "workqueue");
        publish("one");
        Run.Result read = script("JsPull", "--ephemeral", "--wait", "1").go();
        assertEquals(1, read.exit(), read.toString());
        assertEquals("ERROR stream LAB4_STREAM is a work queue: it takes only consumers that ack, and --ephemeral reads "
                + "through one that does not (the server refuses it, error 10084): read it with js-pull without "
                + "--ephemeral (an ack removes the message), or look with js-info\n", read.err());
    }

    /** A retention is fixed: one line without --recreate, a new stream with it. */
    @Test
    void anotherRetentionNeedsRecreate() throws Exception {
        bootstrap();
        Run.Result refused = script("JsBootstrap", "--retention", "interest").go();
        assertEquals(1, refused.exit(), refused.toString());
        assertEquals("ERROR stream LAB4_STREAM has retention limits, not interest, and a stream's retention cannot "
                + "change: rerun with --recreate to delete and recreate it (it holds no messages), or use another "
                + "--stream\n", refused.err());
        Run.Result recreated = bootstrap("--retention", "interest", "--recreate");
        assertEquals("INFO recreated stream LAB4_STREAM (subjects: lab4.stream, storage: file, retention interest); its 0 "
                + "messages went with the old one", recreated.outLines().get(0));
        try (Connection nc = connect()) {
            assertEquals(RetentionPolicy.Interest, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM")
                    .getConfiguration().getRetentionPolicy());
        }
    }

    /**
     * --filter and --max-ack-pending reach the consumer; a rerun without them keeps them and says so. (A filter
     * equal to the stream's one subject is stored by the server as no filter: the same messages either way.)
     */
    @Test
    void filterAndMaxAckPendingReachTheConsumer() throws Exception {
        assertEquals("INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 30s, max ack pending 5, "
                + "filter lab4.stream)", bootstrap("--filter", "lab4.stream", "--max-ack-pending", "5").outLines().get(1));
        assertEquals(List.of("INFO stream LAB4_STREAM already exists, unchanged (subjects: lab4.stream, storage: file)",
                "INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s, max ack "
                        + "pending 5, filter lab4.stream)",
                "INFO consumer LAB4_CONSUMER keeps max ack pending 5 (this run does not set it: --max-ack-pending does; "
                        + "a consumer js-bootstrap creates has 1000)",
                "INFO consumer LAB4_CONSUMER keeps filter subject lab4.stream (this run does not set it: --filter does; a "
                        + "consumer js-bootstrap creates has none)"), bootstrap().outLines());
        assertEquals("INFO updated consumer LAB4_CONSUMER: max ack pending 5 -> 7",
                bootstrap("--max-ack-pending", "7").outLines().get(1));
        assertEquals("INFO consumer LAB4_CONSUMER already exists, unchanged (durable pull, explicit ack, ack wait 30s, "
                + "max ack pending 7, filter lab4.stream)", bootstrap("--filter", "lab4.stream", "--max-ack-pending", "7")
                .outLines().get(1));
    }

    /**
     * A rerun changes what it is given, flags or config keys, and nothing else: an ack wait set by one run stays
     * through a later run that sets only max deliver, and that run says it keeps it.
     */
    @Test
    void aRerunChangesOnlyWhatItIsGiven() throws Exception {
        bootstrap();
        assertEquals("INFO updated consumer LAB4_CONSUMER: ack wait 30s -> 2s", bootstrap("--ack-wait", "2s").outLines().get(1));
        assertEquals(List.of("INFO updated consumer LAB4_CONSUMER: max deliver unlimited -> 3",
                "INFO consumer LAB4_CONSUMER keeps ack wait 2s (this run does not set it: --ack-wait does; a consumer "
                        + "js-bootstrap creates has 30s)"), bootstrap("--max-deliver", "3").outLines().subList(1, 3));
        bootstrap("--max-age", "1h", "--max-bytes", "100000");
        assertEquals("INFO stream LAB4_STREAM keeps max bytes 100000 (this run does not set it: --max-bytes does; a "
                + "stream js-bootstrap creates has unlimited)", bootstrap("--max-deliver", "3").outLines().get(1));
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(java.time.Duration.ofSeconds(2), jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER")
                    .getConsumerConfiguration().getAckWait());
            assertEquals(3, jsm.getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getConsumerConfiguration().getMaxDeliver());
            assertEquals(java.time.Duration.ofHours(1), jsm.getStreamInfo("LAB4_STREAM").getConfiguration().getMaxAge());
            assertEquals(100000, jsm.getStreamInfo("LAB4_STREAM").getConfiguration().getMaxBytes());
        }
    }

    /** Every limit of the lab, from a flag or a file, by one rule: too large is one line, never cut down. */
    @Test
    void aNumberTooLargeIsOneLineNotCapped() throws Exception {
        Run.Result flag = script("JsBootstrap", "--max-ack-pending", "99999999999999").go();
        assertEquals(2, flag.exit(), flag.toString());
        assertEquals("ERROR flag --max-ack-pending: 99999999999999 is not valid: it must be at most 2147483647 (the "
                + "largest the server keeps)\n", flag.err());
        Run.Result file = script("JsBootstrap", "--lab-config", tomlFile("[consumer]\nmax_deliver = 99999999999\n")).go();
        assertEquals(3, file.exit(), file.toString());
        assertTrue(file.err().endsWith("[consumer] max_deliver: 99999999999 is not valid: it must be at most 2147483647 "
                + "(the largest the server keeps), or -1 for no limit\n"), file.err());
        assertEquals(2, script("JsBootstrap", "--max-bytes", "0").go().exit());
        try (Connection nc = connect()) {
            assertEquals(List.of(), nc.jetStreamManagement().getStreamNames(), "nothing was created");
        }
    }

    /**
     * A limit lowered below what the stream holds deletes its oldest messages at once, seen or not and whatever the
     * discard policy: it needs a yes (--force without a terminal), like --recreate.
     */
    @Test
    void aLimitBelowWhatIsStoredAsksFirst() throws Exception {
        bootstrap();
        publish("1", "2", "3", "4", "5");
        Run.Result unasked = script("JsBootstrap", "--max-msgs", "2", "--discard", "new").go();
        assertEquals(2, unasked.exit(), unasked.toString());
        assertEquals("ERROR deleting the 3 oldest of stream LAB4_STREAM's 5 messages, acked or not (lowering to max "
                + "messages 2; discard only decides about new publishes) needs a yes, and there is no terminal to ask on: "
                + "add --force\n", unasked.err());
        try (Connection nc = connect()) {
            assertEquals(5, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
        assertEquals("INFO updated stream LAB4_STREAM: max messages unlimited -> 2, discard old -> new",
                bootstrap("--max-msgs", "2", "--discard", "new", "--force").outLines().get(0));
        assertEquals("INFO updated stream LAB4_STREAM: max messages 2 -> 4", bootstrap("--max-msgs", "4").outLines().get(0));
        try (Connection nc = connect()) {
            assertEquals(2, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    /** jnats sends no -1 for max ack pending (the server would keep 1000): one line, nothing changed. */
    @Test
    void noUnlimitedMaxAckPending() throws Exception {
        bootstrap();
        Run.Result refused = script("JsBootstrap", "--max-ack-pending", "-1").go();
        assertEquals(2, refused.exit(), refused.toString());
        assertEquals("ERROR flag --max-ack-pending: -1 is not valid: use 1 to 2147483647 (no -1 for no limit here: jnats "
                + "does not send it, so the server would keep its default, 1000)\n", refused.err());
    }

    /** A filter given to an existing consumer is changed in place (the server allows it), and the line says so. */
    @Test
    void aFilterChangesInPlace() throws Exception {
        bootstrap();
        assertEquals("INFO updated consumer LAB4_CONSUMER: filter subject none -> lab4.stream",
                bootstrap("--filter", "lab4.stream").outLines().get(1));
        try (Connection nc = connect()) {
            assertEquals("lab4.stream", nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER")
                    .getConsumerConfiguration().getFilterSubject());
        }
    }

    /** An interest stream keeps nothing while no consumer is there: the PubAck still comes, and js-pub says so. */
    @Test
    void anInterestStreamWithoutAConsumerIsNamedAfterThePubAck() throws Exception {
        bootstrap("--retention", "interest");
        try (Connection nc = connect()) {
            nc.jetStreamManagement().deleteConsumer("LAB4_STREAM", "LAB4_CONSUMER");
        }
        Run.Result one = ok(script("JsPub", "lost").go());
        assertEquals(List.of("INFO published \"lost\" to stream LAB4_STREAM (seq 1)",
                "WARN stream LAB4_STREAM has retention interest and no consumer, so it did not keep the message its PubAck "
                        + "confirmed: an interest stream keeps a message only while a consumer wants it: create a consumer "
                        + "first (js-bootstrap), or use a stream of retention limits"), one.outLines());
        assertTrue(ok(script("JsPub", "--count", "3").go()).out().contains("WARN stream LAB4_STREAM has retention interest "
                + "and no consumer, so it kept none of the 3 messages their PubAcks confirmed"));
        try (Connection nc = connect()) {
            assertEquals(0, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
        bootstrap();
        assertEquals("INFO published \"kept\" to stream LAB4_STREAM (seq 5)\n", ok(script("JsPub", "kept").go()).out());
    }

    /** A filter outside the stream's subject: one line naming it, before anything is sent (not the server's words). */
    @Test
    void aFilterOutsideTheStreamIsOneLine() throws Exception {
        bootstrap();
        Run.Result refused = script("JsBootstrap", "--consumer", "OTHER", "--filter", "orders.new").go();
        assertEquals(2, refused.exit(), refused.toString());
        assertEquals("ERROR flag --filter: \"orders.new\" is not valid: a consumer gets only what its stream stores, and "
                + "the stream captures lab4.stream: use lab4.stream, or leave the filter out to get all of it\n", refused.err());
        assertEquals("", refused.out());
    }

    /** A wildcard filter that takes in the stream's subject is one the server accepts: the same messages as none. */
    @Test
    void aWildcardFilterOverTheStreamsSubjectIsAccepted() throws Exception {
        bootstrap();
        for (String filter : List.of("lab4.*", ">")) {
            Run.Result created = ok(script("JsBootstrap", "--consumer", "WIDE", "--filter", filter).go());
            assertTrue(created.outLines().get(1).startsWith("INFO created consumer WIDE ("), created.toString());
            ok(script("JsPurge", "--delete-consumer", "--consumer", "WIDE", "--force").go());
        }
    }

    /**
     * A backoff may shrink (2s, then 1s): --in-progress keeps each message alive within the delay of its own
     * delivery, not the first one (the consumer's ack wait), and a batch within the shortest; no other worker
     * gets the job while it is on.
     */
    @Test
    void inProgressKeepsAJobAliveWhenTheBackoffShrinks() throws Exception {
        bootstrap("--backoff", "2s,1s", "--max-deliver", "6");
        for (List<String> mode : List.<List<String>>of(List.of(), List.of("--batch", "1"))) {
            publish("long job");
            ok(script("JsPull", "--no-ack", "--max", "1").go()); // delivery 1: the next one waits 1s
            Thread.sleep(2500);
            List<String> args = new java.util.ArrayList<>(List.of("--label", "A", "--work-ms", "4000", "--in-progress", "--max", "1"));
            args.addAll(mode);
            try (Run.Started holder = script("JsPull", args.toArray(String[]::new)).start()) {
                holder.awaitOut("INFO [A] pulled message: \"long job\" (delivery 2)");
                Run.Result other = ok(script("JsPull", "--label", "B", "--max", "1", "--wait", "3").go());
                assertFalse(other.out().contains("pulled message:"), mode + ": another worker got the job on:\n" + other);
                Run.Result held = holder.finish();
                assertEquals(0, held.exit(), held.toString());
                assertTrue(held.out().contains("INFO [A] acked"), held.toString());
            }
        }
    }

    /** A backoff needs a max deliver above its length (the server's rule): one line before anything is sent. */
    @Test
    void aBackoffNeedsAMaxDeliverAboveItsLength() throws Exception {
        Run.Result refused = script("JsBootstrap", "--backoff", "1s,5s").go();
        assertEquals(2, refused.exit(), refused.toString());
        assertEquals("ERROR a backoff of 2 delays (1s, 5s) needs a max deliver above 2, and the consumer's is unlimited: "
                + "the server refuses it: add --max-deliver 3 or more\n", refused.err());
        assertEquals("", refused.out(), "nothing was created");
        Run.Result typed = script("JsBootstrap", "--backoff", "1s", "--max-deliver", "1").go(); // the value typed, not the consumer's
        assertEquals("ERROR a backoff of 1 delay (1s) needs a max deliver above 1, and this run's is 1: the server refuses it: "
                + "add --max-deliver 2 or more\n", typed.err());
        assertEquals("INFO created consumer LAB4_CONSUMER (durable pull, explicit ack, ack wait 1s, max deliver 3, backoff "
                + "1s, 5s)", bootstrap("--backoff", "1s,5s", "--max-deliver", "3").outLines().get(1));
        try (Connection nc = connect()) {
            var consumer = nc.jetStreamManagement().getConsumerInfo("LAB4_STREAM", "LAB4_CONSUMER").getConsumerConfiguration();
            assertEquals(List.of(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5)), consumer.getBackoff());
            assertEquals(java.time.Duration.ofSeconds(1), consumer.getAckWait(), "the server takes the first delay");
        }
    }

    /** On a work-queue stream a term counts as the consumer's ack: the message is removed, and the line says so. */
    @Test
    void termOnAWorkQueueRemovesTheMessage() throws Exception {
        bootstrap("--retention", "workqueue");
        publish("poison", "fine");
        assertEquals("INFO terminated: the server will not deliver it again, and the work-queue stream removes it, as it "
                + "does an acked one", ok(script("JsPull", "--term", "--max", "1").go()).outLines().get(1));
        try (Connection nc = connect()) {
            assertEquals(1, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
        }
    }

    /** --label starts each line of that run only; --term ends a message's deliveries. */
    @Test
    void labelledLinesAndTerm() throws Exception {
        bootstrap();
        publish("poison", "fine");
        assertEquals(List.of("INFO [A] pulled message: \"poison\"",
                "INFO [A] terminated: the server will not deliver it again (a poison message, set aside)",
                "INFO [A] done: 1 message pulled and terminated (--max 1)"),
                ok(script("JsPull", "--label", "A", "--term", "--max", "1").go()).outLines());
        assertEquals(List.of("INFO pulled message: \"fine\"", "INFO acked",
                "INFO done: 1 message pulled and acked; none arrived in the last 1s"),
                ok(script("JsPull", "--wait", "1").go()).outLines());
        assertTrue(ok(script("JsInfo").go()).out().contains("ack floor:      stream seq 2"));
    }

    /** A labelled run's lines on stderr carry the label too: its ERROR line when it ends early, a refusal's as well. */
    @Test
    void everyLineOfALabelledRunCarriesTheLabel() throws Exception {
        bootstrap();
        ok(script("JsPub", "--count", "20").go());
        Run.Result missing = script("JsPull", "--label", "W", "--consumer", "NOPE").go();
        assertEquals("ERROR [W] consumer NOPE not found on stream LAB4_STREAM: run js-bootstrap first\n", missing.err());
        assertEquals("ERROR consumer NOPE not found on stream LAB4_STREAM: run js-bootstrap first\n",
                script("JsPull", "--consumer", "NOPE").go().err(), "the next run has no label");

        Run.Started pull = script("JsPull", "--label", "W", "--work-ms", "400", "--wait", "10").start();
        pull.awaitOut("INFO [W] pulled message: \"message 2\"");
        pull.signal("TERM");
        Run.Result stopped = pull.finish();
        assertEquals(143, stopped.exit(), stopped.toString());
        assertTrue(stopped.err().startsWith("ERROR [W] interrupted: "), stopped.toString());

        String line = script("JsPull", "--label", "W", "--wait", "1").shellLine();
        Run.Result piped = Run.command("bash", "-c", "set -o pipefail; " + line + " | head -1").in(Scratch.dir())
                .server(server).timeout(120).go();
        assertEquals(Exit.OUTPUT, piped.exit(), piped.toString());
        assertTrue(piped.err().startsWith("ERROR [W] stdout could not be written (Broken pipe)"), piped.toString());
        for (String each : (stopped.out() + stopped.err() + piped.out() + piped.err()).split("\n")) {
            assertTrue(each.matches("(INFO|WARN|ERROR) \\[W\\] .*"), "each line labelled: " + each);
        }
    }

    /** A labelled run's bad flag, bad config or refused combination: its one ERROR line carries the label too. */
    @Test
    void aLabelledRunsBadInputLineCarriesTheLabel() throws Exception {
        Run.Result badValue = script("JsPull", "--label", "W", "--batch", "0").go();
        assertEquals(Exit.USAGE, badValue.exit(), badValue.toString());
        assertEquals("ERROR [W] flag --batch: 0 is not valid: it must be at least 1 (and at most the consumer's max ack pending)\n", badValue.err());
        Run.Result unknown = script("JsPull", "--label=W", "--bogus").go();
        assertEquals(Exit.USAGE, unknown.exit(), unknown.toString());
        assertEquals("ERROR [W] Unknown option: '--bogus' (see js-pull --help)\n", unknown.err());
        Run.Result both = script("JsPull", "--label", "W", "--nak", "--no-ack").go();
        assertEquals("ERROR [W] --no-ack and --nak exclude each other: pick one\n", both.err());
        Run.Result config = script("JsPull", "--label", "W", "--lab-config", tomlFile("[nats\n")).go();
        assertEquals(Exit.CONFIG, config.exit(), config.toString());
        assertTrue(config.err().startsWith("ERROR [W] "), config.toString());
        assertEquals("ERROR flag --label given twice: give it once\n", script("JsPull", "--label", "A", "--label", "B").go()
                .err(), "two labels: neither is the run's");
        Run.Result badLabel = script("JsPull", "--label", " ").go();
        assertEquals("ERROR flag --label: \" \" is not valid: it must be a name that shows as itself, like A or worker-1\n", badLabel.err(),
                "a label that is no name labels nothing");
    }

    /**
     * Discard new with max bytes, as nats-server 2.9.10 does it: it weighs only a new message's payload against the
     * limit, so near it a publish is confirmed and the oldest message dropped (here seq 1, for "one more"), and a run
     * of messages alike is never refused at all: only a payload that reaches the limit with what is stored is. js-pub
     * warns after such a run, naming what the stream holds; js-info's storage row says it; the refusal does not claim
     * that nothing old was dropped.
     */
    @Test
    void discardNewWithMaxBytesSaysItMayDropOldMessages() throws Exception {
        bootstrap("--max-bytes", "1000", "--discard", "new");
        ok(script("JsPub", "--count", "15", "message number {{Count}} padded").go());
        String dropping = "nats-server 2.9.10 weighs only a new message's payload against max bytes, not all it stores "
                + "for it, so near that limit it may take a message and drop the stream's oldest to make room instead of "
                + "refusing";
        assertEquals(List.of("INFO published \"one more\" to stream LAB4_STREAM (seq 16)", "WARN stream LAB4_STREAM has "
                + "discard new with max bytes 1000: " + dropping + " (it holds 15 messages now, stream seq 2-16): for a "
                + "stream that refuses when full, set --max-msgs"), ok(script("JsPub", "one more").go()).outLines());
        try (Connection nc = connect()) {
            assertEquals(2, nc.jetStreamManagement().getStreamInfo("LAB4_STREAM").getStreamState().getFirstSequence(),
                    "seq 1 was dropped for a confirmed publish");
        }
        assertEquals("  storage:        file, duplicate window 120s, max bytes 1000, discard new (" + dropping + ")",
                ok(script("JsInfo").go()).outLines().get(5));
        Run.Result more = ok(script("JsPub", "--count", "40", "message number {{Count}} padded").go());
        assertTrue(more.out().startsWith("INFO published 40 messages to stream LAB4_STREAM (seq 17-56), each confirmed"),
                more.toString());
        assertTrue(more.out().contains("(it holds 15 messages now, stream seq 42-56)"), "40 confirmed, 40 dropped: " + more);
        Run.Result full = script("JsPub", "--size", "100").go(); // a payload that reaches the limit: refused
        assertEquals(1, full.exit(), full.toString());
        assertTrue(full.err().contains("refused because the stream is full: with this message's payload it would reach "
                + "its max_bytes, so with discard new it refuses it (" + dropping + ") (maximum bytes exceeded, error "
                + "10077)"), full.toString());
    }

    /** js-info shows every limit a stream has, and none it does not have (max age none is 0, the others -1). */
    @Test
    void jsInfoShowsEveryLimitOfTheStream() throws Exception {
        bootstrap("--max-msgs", "50", "--max-bytes", "100000", "--max-age", "1h");
        assertEquals("  storage:        file, duplicate window 120s, max messages 50, max bytes 100000, max age 1h",
                ok(script("JsInfo").go()).outLines().get(5));
        bootstrap("--max-msgs", "-1", "--max-bytes", "-1", "--max-age", "0", "--discard", "new");
        assertEquals("  storage:        file, duplicate window 120s, discard new (no max messages or max bytes is set, so "
                + "nothing is refused for being full)", ok(script("JsInfo").go()).outLines().get(5));
    }

    /**
     * A no to js-bootstrap's question changes nothing at all: not the stream, and no consumer is created either;
     * exit 0 (a no is an answer, not a failure), as js-purge --delete answered no.
     */
    @Test
    void aNoToTheQuestionChangesNothing() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "needs script(1) to give the run a terminal");
        bootstrap();
        publish("1", "2", "3", "4", "5");
        String asks = Run.script("JsBootstrap", "--max-msgs", "2", "--consumer", "NEWC").shellLine();
        Run.Result no = Run.command("script", "-qec", asks, "/dev/null").stdin("n\n").server(server).go();
        assertEquals(Exit.DECLINED, no.exit(), no.toString());
        assertTrue(no.out().contains("Really delete the 3 oldest of stream LAB4_STREAM's 5 messages"), no.toString());
        assertTrue(no.out().contains("INFO nothing changed: not confirmed"), no.toString());
        assertFalse(no.out().contains("consumer NEWC"), no.toString());
        try (Connection nc = connect()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(List.of("LAB4_CONSUMER"), jsm.getConsumerNames("LAB4_STREAM"), "no consumer created after a no");
            assertEquals(5, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount());
            assertEquals(-1, jsm.getStreamInfo("LAB4_STREAM").getConfiguration().getMaxMsgs());
        }
        String deletes = Run.script("JsPurge", "--delete").shellLine();
        Run.Result purgeNo = Run.command("script", "-qec", deletes, "/dev/null").stdin("n\n").server(server).go();
        assertEquals(Exit.DECLINED, purgeNo.exit(), purgeNo.toString());
        assertTrue(purgeNo.out().contains("INFO nothing deleted: not confirmed"), purgeNo.toString());
    }
}
