// A config file's key or a natscli context's field that no setting has: the warning line, and the
// known name it most likely meant (a typo, a word added, or the setting's other name: natscli's
// context field for a file's key, and the file's key for a context's field).
//SOURCES Setting.java Output.java

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

final class UnknownKeys {
    private UnknownKeys() {
    }

    /**
     * The warning for a key (or a context's field) no setting has, with the nearest one when there is one.
     * @param where the file and line, or the context, as the line names it
     */
    static String line(String where, String what, String typed, String nearest) {
        String shown = Output.printable(typed.length() > 40 ? typed.substring(0, 37) + "..." : typed);
        String first = String.format(Locale.ROOT, "WARN %s: unknown %s %s is ignored", where, what, shown);
        return nearest != null ? first + "; did you mean " + nearest + "?" : first;
    }

    /**
     * The known key a mistyped one most likely meant, or null when none is close. A setting's other name (natscli's
     * context field, as ca for ca_file, or the lab's key in a context) counts as its spelling.
     */
    static String nearest(String typed, Set<String> known) {
        String leaf = typed.substring(typed.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String section = typed.contains(".") ? typed.substring(0, typed.lastIndexOf('.')) : "";
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String key : known) {
            String knownLeaf = key.substring(key.lastIndexOf('.') + 1);
            int distance = Math.min(distance(leaf, knownLeaf), otherName(key).map(name -> distance(leaf, name)).orElse(Integer.MAX_VALUE));
            boolean close = distance <= Math.max(1, Math.min(2, knownLeaf.length() / 3))
                    || knownLeaf.length() >= 4 && (leaf.startsWith(knownLeaf) || knownLeaf.startsWith(leaf) && leaf.length() >= 4);
            // the same section first (a context's fields have none); another section's key only when the leaf is spelt right
            int score = key.startsWith(section + ".") || section.isEmpty() && !key.contains(".") ? distance
                    : leaf.equals(knownLeaf) ? 100 : Integer.MAX_VALUE;
            if (close && score < bestScore) {
                best = key;
                bestScore = score;
            }
        }
        return best;
    }

    /** A setting's other name: natscli's context field for a config file's key, the key's leaf for a context's field. */
    private static java.util.Optional<String> otherName(String known) {
        return Arrays.stream(Setting.values()).filter(row -> row.contextField != null)
                .map(row -> known.equals(row.key) ? row.contextField : known.equals(row.contextField) ? row.leaf() : null)
                .filter(java.util.Objects::nonNull).findFirst();
    }

    private static int distance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }

    /** The second line when nothing is close: its section's keys if they fit in 100 columns, else where all are. */
    static String sectionKeys(String typed, Set<String> known) {
        String section = typed.contains(".") ? typed.substring(0, typed.lastIndexOf('.')) : "";
        List<String> leaves = known.stream().filter(key -> key.startsWith(section + ".")
                && key.indexOf('.', section.length() + 1) < 0).map(key -> key.substring(section.length() + 1)).toList();
        String line = "  keys of [" + section + "]: " + String.join(", ", leaves);
        return !leaves.isEmpty() && line.length() <= 100 ? line
                : "  every key, with its value and where it came from: --show-config";
    }
}
