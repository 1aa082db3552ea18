// The flag that says how long js-pull waits for a message before it stops (a duration: 5s, 1m; a
// bare number is seconds; checked with the other settings).
//DEPS info.picocli:picocli:4.7.7

import picocli.CommandLine.Option;

final class WaitOptions {
    @Option(names = "--wait", paramLabel = "DURATION",
            description = "How long to wait for a message before stopping: 5s, 1m, or seconds (5).")
    String wait;
}
