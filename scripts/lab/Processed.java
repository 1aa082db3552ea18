// Which messages a run has processed (by stream sequence), so that one delivered again counts once:
// after a cluster fails over, acks that died with the old leader make their messages come back.

import java.util.BitSet;

final class Processed {
    /** Sequences are kept relative to the first one seen: a run covers a window of the stream, not all of it. */
    private long base = -1;
    private final BitSet done = new BitSet();
    private long again;

    /** True the first time this sequence is processed; false (and counted as "again") after that. */
    boolean firstTime(long streamSequence) {
        if (base < 0) {
            base = streamSequence;
        }
        long offset = streamSequence - base;
        if (offset < 0 || offset > Integer.MAX_VALUE) {
            return true; // outside the window a BitSet can hold: count it, as before this check existed
        }
        if (done.get((int) offset)) {
            again++;
            return false;
        }
        done.set((int) offset);
        return true;
    }

    /** How many deliveries were of messages already processed. */
    long again() {
        return again;
    }
}
