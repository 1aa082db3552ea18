// The flags that name the stream and its subject (js-purge reads --subject as "only this subject").
// Each script takes only those it uses: js-pub never names the stream, js-info never the subject.
//DEPS info.picocli:picocli:4.7.7

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

final class StreamOptions {
    @Mixin Name name;
    @Mixin Subject subject;

    static final class Name {
        @Option(names = "--stream", paramLabel = "NAME", description = "Stream name.")
        String stream;
    }

    static final class Subject {
        @Option(names = "--subject", paramLabel = "SUBJECT", description = "Subject the stream stores.")
        String subject;
    }
}
