// Subjects: which ones the lab may publish to and store (not the server's own), and whether a
// stream's or consumer's subject filter (with * and > wildcards) takes in a subject.
//SOURCES Output.java

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

final class Subjects {
    /** A stream's subjects as a line shows them, each its first 200 bytes (the server takes longer ones); not escaped. */
    static String listed(List<String> subjects) {
        return String.join(", ", subjects.stream().map(Output::start).toList());
    }

    /** listed() escaped, for a line that shows the list as it is. */
    static String printableListed(List<String> subjects) {
        return Output.printable(listed(subjects));
    }

    /** The example for a hint when the lab's own subject is the mistake. */
    private static final String GENERIC = "orders.created";
    private static final Pattern LITERAL = Pattern.compile("[^\\s\\p{Cntrl}*>.]+(\\.[^\\s\\p{Cntrl}*>.]+)*");
    /**
     * The longest subject the lab sends, in bytes. A NATS server takes protocol lines of at most 4096 bytes
     * (max_control_line) unless its config says more, and it closes the connection on a longer one; a
     * publish's line also carries its reply subject and two sizes, up to about 120 bytes.
     */
    static final int LONGEST_BYTES = 3_900;

    private Subjects() {
    }

    /** Why the subject cannot be the lab's, as a hint ending with an example (the lab's own subject); null when it can. */
    static String problem(String subject, String example) {
        String like = like(example);
        if (!LITERAL.matcher(subject).matches()) {
            return "use dot-separated tokens without spaces or wildcards, like " + like;
        }
        if (subject.startsWith("$")) {
            // $JS.API.STREAM.DELETE.<name> deletes a stream when anything is published to it.
            return "subjects starting with $ belong to the server ($JS.API is JetStream's API, where a publish is a "
                    + "command; $SYS, $KV, $O ...): use your own, like " + like;
        }
        if (subject.startsWith("_INBOX.")) {
            return "_INBOX. subjects carry the replies to requests: use your own, like " + like;
        }
        return lengthProblem(like, subject);
    }

    /** The example a hint shows: the lab's own subject, unless that is the mistake itself. */
    private static String like(String example) {
        return example != null && !example.equals(GENERIC) && problem(example, GENERIC) == null ? example : GENERIC;
    }

    /** True when the filter (a subject, or a pattern with * for one token and > for the rest) takes in the subject. */
    static boolean matches(String filter, String subject) {
        String[] pattern = filter.split("\\.", -1);
        String[] tokens = subject.split("\\.", -1);
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].equals(">")) {
                return tokens.length > i;
            }
            if (i >= tokens.length || !pattern[i].equals("*") && !pattern[i].equals(tokens[i])) {
                return false;
            }
        }
        return pattern.length == tokens.length;
    }

    /**
     * True when some subject fits both patterns (each a subject, or one with * and >): the server's test for a
     * consumer's filter against what its stream captures, so lab4.* and > are filters of a stream of lab4.stream.
     */
    static boolean overlap(String one, String other) {
        String[] a = one.split("\\.", -1);
        String[] b = other.split("\\.", -1);
        for (int i = 0; i < a.length && i < b.length; i++) {
            if (a[i].equals(">") || b[i].equals(">")) {
                return true;
            }
            if (!a[i].equals(b[i]) && !a[i].equals("*") && !b[i].equals("*")) {
                return false;
            }
        }
        return a.length == b.length;
    }

    /** True when any of the filters takes in the subject. */
    static boolean anyMatches(List<String> filters, String subject) {
        return filters.stream().anyMatch(filter -> matches(filter, subject));
    }

    /**
     * Why these words, sent in one protocol line (a subject, and a queue group with it), are too long for the
     * lab to send, ending with the example; null when they are not.
     */
    static String lengthProblem(String like, String... words) {
        int bytes = 0;
        for (String word : words) {
            bytes += word.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes <= LONGEST_BYTES) {
            return null;
        }
        return "it is " + bytes + " bytes long" + (words.length > 1 ? " with the subject" : "") + ", and the lab sends subjects "
                + "of at most " + LONGEST_BYTES + " (a server takes protocol lines of 4096 bytes unless its max_control_line "
                + "says more, and a message's line also holds its reply subject): use a shorter one, like " + like;
    }

    /** Why the subject cannot be subscribed to, as a hint with examples built on the lab's subject; null when it can. */
    static String filterProblem(String filter, String example) {
        String[] tokens = filter.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            boolean wildcard = token.equals("*") || token.equals(">") && i == tokens.length - 1;
            if (!wildcard && !LITERAL.matcher(token).matches()) {
                String like = like(example);
                String base = like.contains(".") ? like.substring(0, like.lastIndexOf('.')) : like;
                return "use dot-separated tokens without spaces, where * stands for one token and > (last) for the rest, "
                        + "like " + base + ".* or " + base + ".>";
            }
        }
        return lengthProblem(like(example), filter);
    }
}
