// The flag that says how long js-pull waits for a message before it stops.
//DEPS info.picocli:picocli:4.7.7

import picocli.CommandLine.Option;

final class WaitOptions {
    @Option(names = "--wait", paramLabel = "SECS", description = "Seconds to wait for a message before stopping.")
    Long waitSecs;
}
