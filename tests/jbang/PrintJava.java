///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// Prints the Java it runs on. JavaHomeTest starts it through bin/jbang with and without JAVA_HOME.

public class PrintJava {
    public static void main(String... args) {
        System.out.println(System.getProperty("java.version") + " " + System.getProperty("java.home"));
    }
}
