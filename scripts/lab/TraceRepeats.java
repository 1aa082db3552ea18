// --trace in a watch (js-info --watch), which asks the same API requests at every look: a request
// asked before is held back until its answer comes, and shown (then its answer) only when that
// answer differs from the last one; the rest are counted for the trace's last line. Trace owns
// one and calls it under its own lock.

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

final class TraceRepeats {
    /** A `"ts"` field: newer servers stamp each answer with the time, which is no change of state. */
    private static final Pattern STAMP = Pattern.compile("\"ts\":\\s*\"[^\"]*\",?");

    /** Set by a watch: an API request asked before is shown again only when its answer changed. */
    private boolean on;
    /** The last answer to each API request (subject and body), to tell whether the next one changed. */
    private final Map<String, String> answered = new LinkedHashMap<>();
    /** An API request's lines, by its reply subject, kept until its answer shows whether they are worth showing. */
    private final Map<String, List<String>> held = new LinkedHashMap<>();
    private long unchanged;
    private boolean noted; // the line that says so, once

    void on() {
        on = true;
    }

    /** Where the lines of this request wait for its answer; null when they are shown at once (not asked before in a watch). */
    List<String> holdFor(String reply, String asked) {
        if (!on || reply == null || !answered.containsKey(asked)) {
            return null;
        }
        List<String> lines = new ArrayList<>();
        held.put(reply, lines);
        return lines;
    }

    /**
     * True when this answer is the same as the last one to the same request, so neither is shown
     * (only counted); otherwise the request's lines kept back are shown, and then the answer.
     */
    boolean answeredAsBefore(String reply, String asked, Supplier<String> answerText, Consumer<String> show,
                             Consumer<String> print) {
        if (!on) {
            return false;
        }
        String answer = STAMP.matcher(answerText.get()).replaceAll("");
        String before = answered.put(asked, answer);
        List<String> request = held.remove(reply);
        if (request == null) {
            return false;
        }
        if (!answer.equals(before)) {
            request.forEach(show);
            return false;
        }
        unchanged++;
        if (!noted) {
            noted = true;
            print.accept("--- from here on a request asked again is shown only when its answer changed (the rest are counted)");
        }
        return true;
    }

    /** At the end: the lines of requests still unanswered, shown after all. */
    void showHeld(Consumer<String> show) {
        held.values().forEach(request -> request.forEach(show));
        held.clear();
    }

    /** How many requests were answered as the time before since the last call. */
    long takeUnchanged() {
        long n = unchanged;
        unchanged = 0;
        return n;
    }
}
