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
        if (text != null && text.isBlank()) { // most likely a variable that was never set: say so rather than keep the old one
            return "it is empty: use delays, comma-separated like 1s,5s,30s, or none to remove a backoff";
        }
        for (Duration delay : parse(text)) {
            if (delay == null || delay.compareTo(Duration.ofSeconds(1)) < 0 || delay.compareTo(Durations.LONGEST) > 0) {
                return "use delays, comma-separated like 1s,5s,30s (or none), each one a duration from 1s to "
                        + Durations.format(Durations.LONGEST) + " (a year)";
            }
        }
        return null;
    }

    /** Whether a consumer's backoff (as jnats gives it: null or empty when none) has delays. */
    static boolean given(List<Duration> backoff) {
        return backoff != null && !backoff.isEmpty();
    }

    /**
     * With a backoff, when a message left unacked on this delivery comes back: "20s (the backoff's
     * delay after delivery 2)"; null without one (the ack wait decides).
     */
    static String after(List<Duration> backoff, long delivery) {
        if (!given(backoff)) {
            return null;
        }
        return Durations.format(delay(backoff, delivery)) + " (the backoff's delay after delivery " + delivery + ")";
    }

    /**
     * The wait after which a message not yet acked may come back, whatever its delivery: the ack wait, or
     * the backoff's shortest delay (a list may shrink: 2s, 1s), for what keeps a batch's messages alive.
     */
    static Duration shortestWait(List<Duration> backoff, Duration ackWait) {
        return given(backoff) ? java.util.Collections.min(backoff) : ackWait;
    }

    /** The server's rule: the delay at the delivery's place in the list, the last one past it. */
    static Duration delay(List<Duration> backoff, long delivery) {
        return backoff.get((int) Math.min(Math.max(delivery, 1), backoff.size()) - 1);
    }

    /**
     * With a backoff, when the delivery is not known: "the backoff's delay for its delivery (2s, then
     * 20s)", whose being "its" or "each one's"; null without one.
     */
    static String forDelivery(List<Duration> backoff, String whose) {
        if (!given(backoff)) {
            return null;
        }
        String delays = backoff.size() == 1 ? Durations.format(backoff.get(0))
                : shown(backoff.subList(0, backoff.size() - 1)) + ", then " + Durations.format(backoff.get(backoff.size() - 1));
        return "the backoff's delay for " + whose + " delivery (" + delays + ")";
    }

    /** The longest delay of a backoff (it has one at least). */
    static Duration longest(List<Duration> backoff) {
        return backoff.stream().max(Duration::compareTo).orElseThrow();
    }

    /** As the lab shows one: 1s, 5s, 30s. */
    static String shown(List<Duration> delays) {
        return delays.stream().map(Durations::format).collect(Collectors.joining(", "));
    }
}
