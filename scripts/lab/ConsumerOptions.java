// The flag that names the durable pull consumer, and how a consumer's max deliver reads.
//DEPS info.picocli:picocli:4.7.7

import picocli.CommandLine.Option;

final class ConsumerOptions {
    @Option(names = "--consumer", paramLabel = "NAME", description = "Durable pull consumer name.")
    String consumer;

    /**
     * Whether a server limit is no limit: max deliver, max ack pending, a stream's max messages. The
     * server keeps -1 (and takes 0) for that.
     */
    static boolean unlimited(long limit) {
        return limit < 1;
    }

    /** A max deliver as the lab shows it: a number, or "unlimited". */
    static String shown(long maxDeliver) {
        return unlimited(maxDeliver) ? "unlimited" : String.valueOf(maxDeliver);
    }
}
