// The flag that says how long js-pull waits for a message before it stops.
//DEPS info.picocli:picocli:4.7.7
//SOURCES Config.java

import picocli.CommandLine.Option;

import java.util.List;

final class WaitOptions implements Config.Flags {
    @Option(names = "--wait", paramLabel = "SECS", description = "Seconds to wait for a message before stopping.")
    Long waitSecs;

    @Override
    public List<Config.Flag> settings() {
        return List.of(new Config.Flag("recv.wait_secs", waitSecs, "--wait"));
    }
}
