// Times as people type them, natscli's way: 5s, 500ms, 1m30s, 2h; a bare number is seconds (as
// the config files' *_secs keys are). And a duration written back the same way for messages.
//SOURCES Output.java

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

final class Durations {
    /** Longer than any wait or timeout makes sense for, and far from where arithmetic on it overflows. */
    static final Duration LONGEST = Duration.ofDays(365);

    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ns|us|\u00b5s|ms|s|m|h)");
    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of("ns", BigDecimal.ONE,
            "us", BigDecimal.valueOf(1_000), "\u00b5s", BigDecimal.valueOf(1_000), "ms", BigDecimal.valueOf(1_000_000),
            "s", BigDecimal.valueOf(1_000_000_000), "m", BigDecimal.valueOf(60_000_000_000L),
            "h", BigDecimal.valueOf(3_600_000_000_000L));

    private Durations() {
    }

    /**
     * "5", "2.5", "5s", "500ms", "1m30s", "1.5h" (and these with a minus, for the range check to refuse);
     * null when it is none of these. An absurdly long one comes back as Long.MAX_VALUE seconds.
     */
    static Duration parse(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("-") && !trimmed.startsWith("--")) {
            Duration positive = parse(trimmed.substring(1));
            return positive == null ? null : positive.negated();
        }
        if (trimmed.isEmpty() || trimmed.length() > 64) {
            return null;
        }
        if (trimmed.matches("[0-9]+(\\.[0-9]+)?")) {
            return ofNanos(new BigDecimal(trimmed).multiply(NANOS_PER_UNIT.get("s")));
        }
        Matcher part = PART.matcher(trimmed);
        BigDecimal nanos = BigDecimal.ZERO;
        BigDecimal previous = null; // each unit at most once, the larger first: 1h30m, never 1h1h or 30m1h
        int end = 0;
        while (part.find() && part.start() == end) {
            BigDecimal unit = NANOS_PER_UNIT.get(part.group(2));
            if (previous != null && unit.compareTo(previous) >= 0) {
                return null;
            }
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(unit));
            previous = unit;
            end = part.end();
        }
        return end == trimmed.length() ? ofNanos(nanos) : null;
    }

    /** The typed duration if it is one from shortest to LONGEST, else null. */
    static Duration within(String typed, Duration shortest) {
        Duration duration = typed == null ? null : parse(typed);
        return duration == null || duration.compareTo(shortest) < 0 || duration.compareTo(LONGEST) > 0 ? null : duration;
    }

    /** The one rule every duration flag and key states when refused. */
    static String rule(Duration shortest) {
        return "it must be a duration from " + (shortest.isZero() ? "0" : format(shortest)) + " to " + format(LONGEST)
                + " (a year): 5s, 1m30s, " + (shortest.compareTo(Duration.ofMillis(500)) > 0 ? "" : "500ms, ") // no example it would refuse
                + "or a bare number of seconds";
    }

    /** The same rule for a config file's *_secs key, which counts whole seconds and takes no duration text. */
    static String fileRule() {
        return "it must be whole seconds from 1 to " + LONGEST.toSeconds() + " (a year), written as a bare number";
    }

    /** The one line for a duration flag that is not valid: flag --idle: "soon" is not valid: it must be ... */
    static String refused(String flag, String typed, Duration shortest) {
        return "flag " + flag + ": " + (typed.matches("-?[0-9]+") ? typed : Output.quoted(typed)) + " is not valid: "
                + rule(shortest);
    }

    private static Duration ofNanos(BigDecimal nanos) {
        return nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Duration.ofSeconds(Long.MAX_VALUE)
                : Duration.ofNanos(nanos.longValue());
    }

    /**
     * 120s, 1.5s, 500ms: in seconds, as the config's *_secs keys count an ack wait or a duplicate window,
     * and exact when it is not whole seconds (500ms is never shown as 0s).
     */
    static String seconds(Duration duration) {
        return duration.getNano() == 0 ? duration.getSeconds() + "s" : format(duration);
    }

    /** 5s, 500ms, 1m30s: the way it would be typed. */
    static String format(Duration duration) {
        if (duration.toMillis() < 1000 || duration.toNanos() % 1_000_000_000 != 0) {
            return duration.toMillis() < 1000 ? duration.toMillis() + "ms" : duration.toMillis() / 1000.0 + "s";
        }
        long seconds = duration.toSeconds();
        StringBuilder out = new StringBuilder();
        if (seconds >= 3600) {
            out.append(seconds / 3600).append('h');
        }
        if (seconds % 3600 >= 60) {
            out.append(seconds % 3600 / 60).append('m');
        }
        if (seconds % 60 != 0 || out.length() == 0) {
            out.append(seconds % 60).append('s');
        }
        return out.toString();
    }
}
