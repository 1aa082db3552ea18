// Subjects: which ones the lab may publish to and store (not the server's own), and whether a
// stream's or consumer's subject filter (with * and > wildcards) takes in a subject.

import java.util.List;
import java.util.regex.Pattern;

final class Subjects {
    private static final Pattern LITERAL = Pattern.compile("[^\\s\\p{Cntrl}*>.]+(\\.[^\\s\\p{Cntrl}*>.]+)*");

    private Subjects() {
    }

    /** Why the subject cannot be the lab's, as a hint; null when it can. */
    static String problem(String subject) {
        if (!LITERAL.matcher(subject).matches()) {
            return "use dot-separated tokens without spaces or wildcards, like lab4.stream";
        }
        if (subject.startsWith("$")) {
            // $JS.API.STREAM.DELETE.<name> deletes a stream when anything is published to it.
            return "subjects starting with $ belong to the server ($JS.API is JetStream's API, where a publish is a "
                    + "command; $SYS, $KV, $O ...): use your own, like lab4.stream";
        }
        if (subject.startsWith("_INBOX.")) {
            return "_INBOX. subjects carry the replies to requests: use your own, like lab4.stream";
        }
        return null;
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

    /** True when any of the filters takes in the subject. */
    static boolean anyMatches(List<String> filters, String subject) {
        return filters.stream().anyMatch(filter -> matches(filter, subject));
    }

    /** Why the subject cannot be subscribed to, as a hint; null when it can (wildcards allowed). */
    static String filterProblem(String filter) {
        String[] tokens = filter.split("\\.", -1);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            boolean wildcard = token.equals("*") || token.equals(">") && i == tokens.length - 1;
            if (!wildcard && !LITERAL.matcher(token).matches()) {
                return "use dot-separated tokens without spaces, where * stands for one token and > (last) for the rest, "
                        + "like lab1.* or lab1.>";
            }
        }
        return null;
    }
}
