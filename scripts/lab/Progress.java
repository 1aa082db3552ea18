// A progress line on stderr for runs longer than about 2 s: count, rate and ETA. Only when stderr
// is a terminal, so piped or logged output stays clean.
//SOURCES Stdout.java

import java.util.Locale;
import java.util.function.LongSupplier;

final class Progress implements AutoCloseable {
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
                    String eta = rate > 0 && total > 0 ? String.format(Locale.ROOT, ", ETA %.0fs", (total - count) / rate) : "";
                    String of = total > 0 ? String.format(Locale.ROOT, " of %,d", total) : ""; // no total: no "of 0"
                    System.err.printf(Locale.ROOT, "\r%,d%s %s, %,.0f msgs/s%s   ", count, of, verb, rate, eta);
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
        return Stdout.terminal(2);
    }
}
