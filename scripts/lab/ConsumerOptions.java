// The flag that names the durable pull consumer.
//DEPS info.picocli:picocli:4.7.7

import picocli.CommandLine.Option;

final class ConsumerOptions {
    @Option(names = "--consumer", paramLabel = "NAME", description = "Durable pull consumer name.")
    String consumer;
}
