///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.tomlj:tomlj:1.1.1
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Config.java
//DESCRIPTION Publish messages into the lab's stream; each counts only once its PubAck arrives.

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "js-pub", mixinStandardHelpOptions = true, version = Config.VERSION,
        description = {
                "Publishes MSG to the lab's subject and waits for the stream's PubAck, which",
                "confirms the message is stored. Without MSG, publishes each line of stdin."},
        footer = {"", "Examples:",
                "  js-pub \"first message\"",
                "  printf 'one\\ntwo\\n' | js-pub",
                "  js-pub --msg-id order-7 \"order 7\"   # a rerun reports duplicate=true, stores nothing",
                "  js-pub --subject orders.new '{\"id\": 7}'"})
public class JsPub implements Callable<Integer> {
    private static final Logger log = Config.logger(JsPub.class);

    @Mixin
    Config.Options options;

    @Option(names = "--msg-id", paramLabel = "ID",
            description = "Sets Nats-Msg-Id: the stream stores a message with the same ID only once within its "
                    + "duplicate window ([stream] duplicate_window_secs).")
    String msgId;

    @Parameters(arity = "0..1", paramLabel = "MSG", description = "Message body (default: one message per stdin line).")
    String message;

    public static void main(String... args) {
        System.exit(Config.run(new JsPub(), args));
    }

    @Override
    public Integer call() throws Exception {
        Config config = options.load();
        List<String> bodies = message != null ? List.of(message) : readStdinLines();
        try (Connection nc = config.connect()) {
            JetStream js = nc.jetStream();
            int confirmed = 0;
            for (String body : bodies) {
                PublishAck ack = publish(js, config, body, confirmed, bodies.size());
                confirmed++;
                log.info("published {} to stream {} (seq {}{})", Config.quoted(body), ack.getStream(),
                        ack.getSeqno(), ack.isDuplicate() ? ", duplicate=true" : "");
            }
            if (bodies.size() > 1) {
                log.info("{} messages published, each confirmed by a PubAck", confirmed);
            }
        }
        return 0;
    }

    /** Publishes one body and waits for its PubAck; a failure says how many went before it. */
    private PublishAck publish(JetStream js, Config config, String body, int confirmed, int total)
            throws IOException, JetStreamApiException {
        PublishOptions publishOptions = msgId == null ? null : PublishOptions.builder().messageId(msgId).build();
        try {
            return js.publish(config.subject, body.getBytes(StandardCharsets.UTF_8), publishOptions);
        } catch (IOException e) {
            String sofar = total > 1 ? String.format(" (%d of %d confirmed before this one)", confirmed, total) : "";
            if (String.valueOf(e.getMessage()).contains("503")) {
                throw Config.fail(Config.EXIT_NOT_FOUND, "no stream captures subject %s: run js-bootstrap first%s",
                        config.subject, sofar);
            }
            throw Config.fail(Config.EXIT_FAILED, "no PubAck for %s, so it may not be stored: %s%s",
                    Config.quoted(body), e.getMessage(), sofar);
        }
    }

    private static List<String> readStdinLines() throws IOException {
        if (System.console() != null) {
            throw Config.fail(Config.EXIT_USAGE, "no message given: run js-pub \"some text\", or pipe lines into it");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<String> lines = in.lines().toList();
        if (lines.isEmpty()) {
            throw Config.fail(Config.EXIT_USAGE, "no message given and stdin was empty: run js-pub \"some text\"");
        }
        return lines;
    }
}
