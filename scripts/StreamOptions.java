// The flags that name the stream and its subject (js-purge reads --subject as "only this subject").
//DEPS info.picocli:picocli:4.7.7
//SOURCES Config.java

import picocli.CommandLine.Option;

import java.util.List;

final class StreamOptions implements Config.Flags {
    @Option(names = "--stream", paramLabel = "NAME", description = "Stream name.")
    String stream;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Subject the stream stores.")
    String subject;

    @Override
    public List<Config.Flag> settings() {
        return List.of(new Config.Flag("nats.stream", stream, "--stream"), new Config.Flag("nats.subject", subject, "--subject"));
    }
}
