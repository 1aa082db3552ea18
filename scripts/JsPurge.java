///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS io.nats:jnats:2.26.2
//DEPS info.picocli:picocli:4.7.7
//DEPS org.tomlj:tomlj:1.1.1
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Config.java
//DESCRIPTION Purge every message from the lab's stream (the stream and consumer stay).

import io.nats.client.Connection;
import io.nats.client.api.PurgeResponse;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "js-purge", mixinStandardHelpOptions = true, version = Config.VERSION,
        description = {
                "Removes every message from the stream. The stream and its consumers stay,",
                "and sequence numbers keep counting up from where they were."},
        footer = {"", "Examples:",
                "  js-purge",
                "  js-purge --stream ORDERS"})
public class JsPurge implements Callable<Integer> {
    private static final Logger log = Config.logger(JsPurge.class);

    @Mixin
    Config.Options options;

    public static void main(String... args) {
        System.exit(Config.run(new JsPurge(), args));
    }

    @Override
    public Integer call() throws Exception {
        Config config = options.load();
        try (Connection nc = config.connect()) {
            PurgeResponse response = config.streamContext(nc).purge();
            if (!response.isSuccess()) {
                throw Config.fail(Config.EXIT_FAILED, "the server did not confirm the purge of stream %s", config.stream);
            }
            long purged = response.getPurged();
            log.info("purged {} from stream {}", purged == 1 ? "1 message" : purged + " messages", config.stream);
        }
        return 0;
    }
}
