///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.tomlj:tomlj:1.1.1
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Config.java
//RUNTIME_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
//DESCRIPTION Purge messages from the lab's stream: all, one subject, below a sequence, or all but the last N.

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PurgeResponse;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "js-purge", mixinStandardHelpOptions = true, version = Config.VERSION,
        description = {
                "Removes messages from the stream: all of them, or only those on --subject,",
                "below --seq, or all but the last --keep. The stream and its consumers stay,",
                "and sequence numbers keep counting up from where they were."},
        footer = {"", "Examples:",
                "  js-purge",
                "  js-purge --keep 10 --dry-run   # how many would go, without removing any",
                "  js-purge --seq 100             # everything below stream seq 100",
                "  js-purge --stream ORDERS --subject orders.cancelled"})
public class JsPurge implements Callable<Integer> {
    private static final Logger log = Config.logger(JsPurge.class);

    @Mixin
    Config.Options options; // here --subject means: purge only this subject

    @Option(names = "--seq", paramLabel = "N", description = "Purge only messages below stream sequence N.")
    Long below;

    @Option(names = "--keep", paramLabel = "N", description = "Keep the last N messages, purge the rest.")
    Long keep;

    @Option(names = "--dry-run", description = "Say how many messages would be purged, and purge none.")
    boolean dryRun;

    public static void main(String... args) {
        System.exit(Config.run(new JsPurge(), args));
    }

    @Override
    public Integer call() throws Exception {
        checkFlags();
        Config config = options.load();
        String subject = options.subject != null ? config.subject : null;
        String scope = scope(subject);
        try (Connection nc = config.connect()) {
            config.streamContext(nc); // a missing stream gets the usual one-line error
            if (dryRun) {
                long wouldGo = countToPurge(nc.jetStreamManagement(), config.stream, subject);
                log.info("dry run: would purge {} from stream {}{}; nothing was removed", Config.messages(wouldGo),
                        config.stream, scope);
                return 0;
            }
            PurgeResponse response = config.streamContext(nc).purge(purgeOptions(subject));
            if (!response.isSuccess()) {
                throw Config.fail(Config.EXIT_FAILED, "the server did not confirm the purge of stream %s", config.stream);
            }
            log.info("purged {} from stream {}{}", Config.messages(response.getPurged()), config.stream, scope);
        }
        return 0;
    }

    private void checkFlags() {
        if (below != null && keep != null) {
            throw Config.fail(Config.EXIT_USAGE, "--seq and --keep exclude each other: purge below a sequence, "
                    + "or keep the last N, not both");
        }
        if (below != null && below < 1) {
            throw Config.fail(Config.EXIT_USAGE, "--seq must be a stream sequence of 1 or more, got %d", below);
        }
        if (keep != null && keep < 0) {
            throw Config.fail(Config.EXIT_USAGE, "--keep must be 0 or more, got %d", keep);
        }
    }

    private PurgeOptions purgeOptions(String subject) {
        PurgeOptions.Builder builder = PurgeOptions.builder();
        if (subject != null) {
            builder.subject(subject);
        }
        if (below != null) {
            builder.sequence(below);
        }
        if (keep != null) {
            builder.keep(keep);
        }
        return builder.build();
    }

    /** " (subject x, below seq 5)": what a filtered purge was limited to. */
    private String scope(String subject) {
        List<String> parts = new ArrayList<>();
        if (subject != null) {
            parts.add("subject " + subject);
        }
        if (below != null) {
            parts.add("below seq " + below);
        }
        if (keep != null) {
            parts.add("keeping the last " + keep);
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    /** Counts what a purge would remove: the stream's own count, or a throw-away consumer's pending count. */
    private long countToPurge(JetStreamManagement jsm, String stream, String subject) throws Exception {
        long all = subject == null
                ? jsm.getStreamInfo(stream).getStreamState().getMsgCount()
                : pendingFrom(jsm, stream, subject, 1);
        if (below != null) {
            return all - pendingFrom(jsm, stream, subject, below);
        }
        return keep != null ? Math.max(0, all - keep) : all;
    }

    private static long pendingFrom(JetStreamManagement jsm, String stream, String subject, long startSeq) throws Exception {
        ConsumerConfiguration.Builder counter = ConsumerConfiguration.builder()
                .ackPolicy(AckPolicy.None)
                .deliverPolicy(DeliverPolicy.ByStartSequence)
                .startSequence(startSeq)
                .inactiveThreshold(java.time.Duration.ofSeconds(10)); // the server removes it if we cannot
        if (subject != null) {
            counter.filterSubject(subject);
        }
        ConsumerInfo info = jsm.addOrUpdateConsumer(stream, counter.build());
        jsm.deleteConsumer(stream, info.getName());
        return info.getNumPending();
    }
}
