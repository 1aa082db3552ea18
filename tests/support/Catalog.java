// The course's scripts, listed once: jbang-catalog.json's aliases, each with the script it runs, in the
// catalog's order (make's SCRIPTS reads the same file the same way). A test that goes through every
// script, or through lab 4's (their aliases start with js-), takes them from here.

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Catalog {
    /** An alias and its script's class: "js-pub": { "script-ref": "scripts/JsPub.java" */
    private static final Pattern ENTRY = Pattern.compile("\"([\\w-]+)\"\\s*:\\s*\\{\\s*\"script-ref\"\\s*:\\s*\"scripts/(\\w+)\\.java\"");

    record Script(String alias, String className) {
        boolean lab4() {
            return alias.startsWith("js-");
        }

        /** A new instance of the script's command, for its picocli model. */
        Object command() throws ReflectiveOperationException {
            return Class.forName(className).getDeclaredConstructor().newInstance();
        }
    }

    private Catalog() {
    }

    /** Every script of the catalog, in its order. */
    static List<Script> scripts() {
        try {
            Matcher entry = ENTRY.matcher(Files.readString(Run.REPO.resolve("jbang-catalog.json")));
            List<Script> scripts = new ArrayList<>();
            while (entry.find()) {
                scripts.add(new Script(entry.group(1), entry.group(2)));
            }
            if (scripts.isEmpty()) {
                throw new IllegalStateException("jbang-catalog.json names no script");
            }
            return List.copyOf(scripts);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> aliases() {
        return scripts().stream().map(Script::alias).toList();
    }

    static List<String> classNames() {
        return scripts().stream().map(Script::className).toList();
    }

    /** Lab 4's five (js-bootstrap, js-pub, ...). */
    static List<Script> lab4() {
        return scripts().stream().filter(Script::lab4).toList();
    }

    /** What make says when BIN names no script: make: BIN must be one of: js-bootstrap js-pub ... */
    static String badBin(String given) {
        return "make: BIN must be one of: " + String.join(" ", aliases()) + " (got '" + given;
    }
}
