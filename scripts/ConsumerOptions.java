// The flag that names the durable pull consumer.
//DEPS info.picocli:picocli:4.7.7
//SOURCES Config.java

import picocli.CommandLine.Option;

import java.util.List;

final class ConsumerOptions implements Config.Flags {
    @Option(names = "--consumer", paramLabel = "NAME", description = "Durable pull consumer name.")
    String consumer;

    @Override
    public List<Config.Flag> settings() {
        return List.of(new Config.Flag("nats.consumer", consumer, "--consumer"));
    }
}
