// A server limit (a stream's max messages, bytes or age; a consumer's max deliver or max ack pending): how
// the lab tells "none" from a number, the one word it shows for none (natscli's and nats-server's), and
// how a learner asks for none.

import java.time.Duration;

final class Limit {
    /** How the lab shows a limit that is not set. */
    static final String NONE = "unlimited";
    /** What a line about a wrong limit says to type for none. */
    static final String TYPE_NONE = "-1 for no limit";
    /** The same for a stream's max age, where none is 0. */
    static final String AGE_NONE = "0 for no limit";

    private Limit() {
    }

    /** Whether a count limit is none: the server keeps -1 for that (and takes 0). */
    static boolean unlimited(long limit) {
        return limit < 1;
    }

    /** Whether a stream's max age is none: the server keeps 0 for that. */
    static boolean noAge(Duration maxAge) {
        return maxAge == null || maxAge.isZero() || maxAge.isNegative();
    }

    /** A count limit as the lab shows it: a number, or "unlimited". */
    static String shown(long limit) {
        return unlimited(limit) ? NONE : String.valueOf(limit);
    }
}
