// --show-config keeps to 80 columns: why a file was read, or where a setting came from, goes on lines
// of its own when the line would be longer, a long text breaks between words and a long path after a
// '/'. A test that looks for a whole path or source (temp folders are as long as they are) reads the
// output joined again: each file and each setting on one line, as a wide terminal would show it.

final class ShownConfig {
    private ShownConfig() {
    }

    /** --show-config's output with each wrapped file or setting on one line: "  read     FILE (why)", "  key = value  (source)". */
    static String joined(String out) {
        StringBuilder joined = new StringBuilder();
        boolean settings = false;
        boolean why = false;
        for (String line : out.split("\n", -1)) {
            String text = line.stripLeading();
            boolean continued = line.startsWith("      ") && !text.isEmpty() && joined.length() > 0;
            if (continued) {
                joined.setLength(joined.length() - 1); // the newline before: this line goes on with that one
                char last = joined.charAt(joined.length() - 1);
                joined.append(!why && text.startsWith("(") ? settings ? "  " : " " : last == '/' || last == ',' ? "" : " ");
                why |= text.startsWith("(");
            } else {
                settings |= line.startsWith("effective config");
                why = false;
            }
            joined.append(continued ? text : line).append('\n');
        }
        return joined.substring(0, joined.length() - 1);
    }
}
