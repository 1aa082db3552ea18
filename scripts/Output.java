// What the scripts print on the terminal: INFO lines like the lab's expected output, message
// bodies in quotes, counts, and a progress line for long runs.
//DEPS org.slf4j:slf4j-simple:2.0.17

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

final class Output {
    private Output() {
    }

    /** A logger that prints like the lab's expected output: `INFO pulled message: "..."`, on stdout. */
    static Logger logger(Class<?> owner) {
        setDefault("org.slf4j.simpleLogger.logFile", "System.out");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showLogName", "false");
        setDefault("org.slf4j.simpleLogger.showDateTime", "false");
        return LoggerFactory.getLogger(owner);
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** One JSON answer on stdout; a failed write (closed pipe, full disk) is a failure, not silence. */
    static void json(String text) {
        System.out.println(text);
        if (System.out.checkError()) {
            throw Exit.failed("could not write the answer to stdout");
        }
    }

    /** "1 message", "2 messages": the count every script's summary line starts with. */
    static String messages(long n) {
        return n == 1 ? "1 message" : n + " messages";
    }

    /** A message body (or any value) as the lab prints it: in double quotes, with escapes. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(Character.isISOControl(c) ? String.format("\\u{%x}", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    /**
     * A progress line on stderr for runs longer than about 2 s: count, rate and ETA. Only when
     * stderr is a terminal, so piped or logged output stays clean.
     */
    static final class Progress implements AutoCloseable {
        private final Thread ticker;

        private Progress(String verb, long total, LongSupplier done) {
            long start = System.nanoTime();
            ticker = new Thread(() -> {
                try {
                    Thread.sleep(2_000);
                    while (true) {
                        double seconds = (System.nanoTime() - start) / 1e9;
                        long count = done.getAsLong();
                        double rate = count / seconds;
                        String eta = rate > 0 && total > 0 ? String.format(", ETA %.0fs", (total - count) / rate) : "";
                        System.err.printf("\r%,d of %,d %s, %,.0f msgs/s%s   ", count, total, verb, rate, eta);
                        Thread.sleep(500);
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            }, "progress");
            ticker.setDaemon(true);
        }

        static Progress start(String verb, long total, LongSupplier done) {
            Progress progress = new Progress(verb, total, done);
            if (stderrIsTerminal()) {
                progress.ticker.start();
            }
            return progress;
        }

        @Override
        public void close() {
            if (ticker.isAlive()) {
                ticker.interrupt();
                try {
                    ticker.join(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                System.err.print("\r\033[K"); // clear the progress line
            }
        }

        private static boolean stderrIsTerminal() {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return System.console() != null;
            }
        }
    }
}
