// The flags that name the stream and its subject (js-purge reads --subject as "only this subject").
//DEPS info.picocli:picocli:4.7.7

import picocli.CommandLine.Option;

final class StreamOptions {
    @Option(names = "--stream", paramLabel = "NAME", description = "Stream name.")
    String stream;

    @Option(names = "--subject", paramLabel = "SUBJECT", description = "Subject the stream stores.")
    String subject;
}
