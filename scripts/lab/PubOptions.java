// js-pub's own flags, its help text, and the checks that take one line each: flags that cannot go
// together, and numbers out of range.
//DEPS info.picocli:picocli:4.7.7
//SOURCES Exit.java PubMessages.java

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

final class PubOptions implements Exit.Ranged {
    static final int DEFAULT_WINDOW = 1000;
    private static final int MAX_WINDOW = 100_000;

    @Option(names = "--msg-id", paramLabel = "ID",
            description = "Sets Nats-Msg-Id: the stream stores a message with the same ID only once within its "
                    + "duplicate window ([stream] duplicate_window_secs). {{Count}} becomes the message's number "
                    + "(with --count, or the line's number for stdin). With --count on a server list or a cluster, "
                    + "each message gets an ID anyway (a random one for the run, plus its number): one whose PubAck "
                    + "a failover lost is published again with it, and the stream keeps one copy.")
    String msgId;

    @Option(names = "--count", paramLabel = "N",
            description = "Publish N messages; {{Count}} in MSG becomes the message number (default MSG: \"message {{Count}}\").")
    Long count;

    @Option(names = "--size", paramLabel = "BYTES", description = "Publish generated bodies of BYTES bytes instead of MSG.")
    Long size;

    @Option(names = "--file", paramLabel = "PATH",
            description = "Publish the file's bytes, exactly, as one message (- reads stdin to its end); with --count, N times.")
    String file;

    @Option(names = "--window", paramLabel = "N",
            description = "With --count: at most N messages waiting for their PubAck (default: " + DEFAULT_WINDOW + ").")
    Long window;

    @Option(names = "--sync", description = "Wait for each PubAck before sending the next message (--count: "
            + "one at a time; a single message and stdin lines always do).")
    boolean sync;

    @Option(names = {"-H", "--header"}, paramLabel = "KEY:VALUE",
            description = "Add a header to each message (repeatable), as natscli's -H: -H Trace-Id:abc. "
                    + "{{Count}} in a value becomes the message's number, as in --msg-id.")
    List<String> headerArgs;

    @Option(names = {"-j", "--json"}, description = "Print each PubAck as JSON (the server's answer, as jnats reads it) instead of the INFO line.")
    boolean json;

    @Option(names = "--core", description = "Publish with core NATS: no PubAck, so nothing confirms a stream stored it.")
    boolean core;

    @Parameters(arity = "0..1", paramLabel = "MSG",
            description = "Message body (default: one message per stdin line). For exact bytes use stdin or --file.")
    String message;

    /** --count or --size: many messages, through a window of PubAcks. */
    boolean bulk() {
        return count != null || size != null;
    }

    /** How many PubAcks a bulk run waits for at once. */
    int windowSize() {
        return sync ? 1 : window == null ? DEFAULT_WINDOW : window.intValue();
    }

    @Override
    public String rule(String option) {
        return switch (option) {
            case "--count" -> Exit.wholeNumber(1, Long.MAX_VALUE);
            case "--window" -> Exit.wholeNumber(1, MAX_WINDOW);
            case "--size" -> "it must be a whole number from 0 to the server's max_payload (bytes)";
            default -> null;
        };
    }

    /** Flags that cannot go together, or a number out of range: one line, exit 2. */
    void check() {
        if (json && (bulk() || core)) {
            throw Exit.usage("-j prints each PubAck of single messages and stdin lines: leave out --count, --size and --core");
        }
        if (count != null && count < 1) {
            throw Exit.outOfRange("--count", count, 1, Long.MAX_VALUE);
        }
        if (size != null && (size < 0 || size > Integer.MAX_VALUE)) {
            throw Exit.usage("flag --size: %d is not valid: it must be from 0 to the server's max_payload (bytes)", size);
        }
        if (window != null && (window < 1 || window > MAX_WINDOW)) {
            throw Exit.usage("flag --window: %d is not valid: it must be from 1 to %d", window, MAX_WINDOW);
        }
        int given = (message != null ? 1 : 0) + (size != null ? 1 : 0) + (file != null ? 1 : 0);
        if (given > 1) {
            throw Exit.usage("give one of MSG, --size and --file, not more");
        }
        if ((window != null || sync) && !bulk()) {
            throw Exit.usage("%s goes with --count: a single message (or stdin line) always waits for its PubAck",
                    window != null ? "--window" : "--sync");
        }
        PubMessages.checkMsgId(msgId);
        PubMessages.checkFile(file);
        if (window != null && sync) {
            throw Exit.usage("--sync and --window exclude each other: --sync is one PubAck at a time; pick one");
        }
        if (core && (bulk() || msgId != null || window != null || sync)) {
            throw Exit.usage("--core sends single messages without JetStream: leave out --count, --size, --msg-id, "
                    + "--window and --sync");
        }
    }

    // ------------------------------------------------------------ --help: the text above and below the flags

    static final String DESCRIPTION = "Publishes MSG to the lab's subject and waits for the stream's PubAck, which%n"
            + "confirms the message is stored. Without MSG, publishes each line of stdin as%n"
            + "soon as it is read (split on \\n only, bytes kept as they are); --file sends a%n"
            + "file (or - for stdin) as one message. With --count, publishes many messages%n"
            + "with up to --window PubAcks outstanding and prints confirmed, refused and%n"
            + "unanswered counts, msgs/s, MB/s and PubAck latency.";
    static final String FOOTER = "%n"
            + "Examples:%n"
            + "  js-pub \"first message\"%n"
            + "  printf 'one\\ntwo\\n' | js-pub%n"
            + "  js-pub --file picture.png          # the file's bytes as one message%n"
            + "  js-pub --msg-id order-7 \"order 7\"   # rerun: duplicate=true, not stored twice%n"
            + "  js-pub --count 10000 \"order {{Count}}\"%n"
            + "  js-pub --count 100000 --size 128%n"
            + "  js-pub --core \"fire and forget\"     # core NATS: no PubAck confirms it";
}
