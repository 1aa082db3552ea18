///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// Prints each argument it got, a line each: "arg " and the hex of its UTF-8 bytes, so that a blank, a newline or
// a letter outside ASCII shows as exactly what arrived. JBangArgsTest starts it through bin/jbang with many
// awkward arguments at once.

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

public class PrintArgs {
    public static void main(String... args) {
        for (String arg : args) {
            System.out.println("arg " + HexFormat.of().formatHex(arg.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
