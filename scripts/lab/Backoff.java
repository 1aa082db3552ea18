// A consumer's backoff: the delays before each redelivery, written as a list (1s,5s,30s). The server
// takes its first delay as the ack wait and wants a max deliver above its length; it uses the last
// delay for every delivery past the list.
//SOURCES Durations.java

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

final class Backoff {
    private Backoff() {
    }

    /** The delays, in order; empty for "" or "none" (no backoff: the ack wait alone decides). */
    static List<Duration> parse(String text) {
        List<Duration> delays = new ArrayList<>();
        if (text == null || text.isBlank() || text.strip().equals("none")) {
            return delays;
        }
        for (String part : text.split(",", -1)) {
            delays.add(Durations.parse(part.strip()));
        }
        return delays;
    }

    /** What is wrong with a written backoff, or null. */
    static String problem(String text) {
        for (Duration delay : parse(text)) {
            if (delay == null || delay.compareTo(Duration.ofSeconds(1)) < 0 || delay.compareTo(Durations.LONGEST) > 0) {
                return "use delays, comma-separated like 1s,5s,30s (or none), each one a duration from 1s to "
                        + Durations.format(Durations.LONGEST) + " (a year)";
            }
        }
        return null;
    }

    /** As the lab shows one: 1s, 5s, 30s. */
    static String shown(List<Duration> delays) {
        return delays.stream().map(Durations::format).collect(Collectors.joining(", "));
    }
}
