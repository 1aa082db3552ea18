// The scripts' log lines: `INFO pulled message: "..."` on stdout, as the lab's expected output
// shows them, each escaped as Output shows text, after a run's --label. Making the logger is a
// script's first code, so from there on Ctrl-C or SIGTERM ends with one line (StopSignal).
//DEPS org.slf4j:slf4j-simple:2.0.17
//SOURCES Output.java RunLabel.java Stdout.java StopSignal.java

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

final class LogLines {
    private LogLines() {
    }

    /** A logger that prints like the lab's expected output: `INFO pulled message: "..."`, on stdout. */
    static Logger logger(Class<?> owner) {
        StopSignal.fromTheStart(); // a script's first code: from here on a signal ends with one line
        Stdout.install(); // slf4j-simple prints to whatever System.out is at the time: the checked stream
        setDefault("org.slf4j.simpleLogger.logFile", "System.out");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showLogName", "false");
        setDefault("org.slf4j.simpleLogger.showDateTime", "false");
        // slf4j-simple (the script's //DEPS) named, not looked for: slf4j's search reads every jar of the class
        // path at each start. Code copied into a project with another binding keeps the search.
        if (simpleLoggerThere()) {
            setDefault("slf4j.provider", SIMPLE);
            setDefault("slf4j.internal.verbosity", "WARN"); // slf4j then says on stderr which provider it loads
        }
        return new Escaping(LoggerFactory.getLogger(owner));
    }

    /**
     * Each log line is built (slf4j's {} filled in) and then shown as Output.line() shows it: no
     * control character a name or subject brought in reaches the terminal, whichever call prints it.
     * Text from a server or a file goes in through Output.printable() or Output.quoted(), so a
     * backslash in it shows doubled.
     */
    private static final class Escaping extends AbstractLogger {
        private final transient Logger to;

        Escaping(Logger to) {
            this.to = to;
            this.name = to.getName();
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable cause) {
            String line = RunLabel.label() + Output.line(MessageFormatter.basicArrayFormat(pattern, args), false);
            switch (level) {
                case ERROR -> to.error("{}", line, cause);
                case WARN -> to.warn("{}", line, cause);
                case INFO -> to.info("{}", line, cause);
                case DEBUG -> to.debug("{}", line, cause);
                default -> to.trace("{}", line, cause);
            }
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override public boolean isTraceEnabled() { return to.isTraceEnabled(); }
        @Override public boolean isTraceEnabled(Marker marker) { return to.isTraceEnabled(marker); }
        @Override public boolean isDebugEnabled() { return to.isDebugEnabled(); }
        @Override public boolean isDebugEnabled(Marker marker) { return to.isDebugEnabled(marker); }
        @Override public boolean isInfoEnabled() { return to.isInfoEnabled(); }
        @Override public boolean isInfoEnabled(Marker marker) { return to.isInfoEnabled(marker); }
        @Override public boolean isWarnEnabled() { return to.isWarnEnabled(); }
        @Override public boolean isWarnEnabled(Marker marker) { return to.isWarnEnabled(marker); }
        @Override public boolean isErrorEnabled() { return to.isErrorEnabled(); }
        @Override public boolean isErrorEnabled(Marker marker) { return to.isErrorEnabled(marker); }
    }

    /** --label A: each line of the run carries "[A]", so several workers' lines can be told apart (Output keeps it). */
    static void label(String name) {
        RunLabel.label(name);
    }

    private static final String SIMPLE = "org.slf4j.simple.SimpleServiceProvider";

    private static boolean simpleLoggerThere() {
        try {
            Class.forName(SIMPLE, false, LogLines.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException another) {
            return false;
        }
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
