// natscli puts names before the message as words (`nats pub SUBJECT MSG`, `nats consumer next
// STREAM CONSUMER`); the lab's scripts take them as flags. A word too many gets one line naming the
// flags to use instead of picocli's bare "Unmatched argument". The words themselves are not shown
// back: one of them may be a secret typed in the wrong place.
//DEPS info.picocli:picocli:4.7.7

import picocli.CommandLine;

import java.util.Locale;
import java.util.Map;

final class NatscliHabits {
    /** Per script: the natscli form people type, and the lab's form of it. */
    private static final Map<String, String[]> FORMS = Map.of(
            "js-pub", new String[]{"nats pub SUBJECT MSG", "js-pub --subject SUBJECT MSG"},
            "js-pull", new String[]{"nats consumer next STREAM CONSUMER", "js-pull --stream STREAM --consumer CONSUMER"},
            "js-info", new String[]{"nats consumer info STREAM CONSUMER", "js-info --stream STREAM --consumer CONSUMER"},
            "js-purge", new String[]{"nats stream purge STREAM", "js-purge --stream STREAM"},
            "js-bootstrap", new String[]{"nats stream add STREAM", "js-bootstrap --stream STREAM --subject SUBJECT"},
            "nats-pub", new String[]{"nats pub SUBJECT MSG", "nats-pub --subject SUBJECT MESSAGE"},
            "requester", new String[]{"nats request SUBJECT MSG", "requester --subject SUBJECT MESSAGE"});

    private NatscliHabits() {
    }

    /** The line for words the script takes as flags, or null when that is not what went wrong. */
    static String hint(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched)
                || unmatched.getUnmatched().stream().anyMatch(word -> word.startsWith("-"))) {
            return null; // an unknown option has its own line
        }
        String name = ex.getCommandLine().getCommandName();
        String[] forms = FORMS.get(name);
        if (forms == null) {
            return null;
        }
        var positionals = ex.getCommandLine().getCommandSpec().positionalParameters();
        String takes = positionals.isEmpty() ? "no words, only flags"
                : "one " + positionals.get(0).paramLabel() + " (quote one with spaces)";
        return String.format(Locale.ROOT, "%s takes %s: %s (natscli's `%s` order does not work here; see %s --help)",
                name, takes, forms[1], forms[0], name);
    }
}
