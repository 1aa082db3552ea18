// When stdout is a pipe, a write that succeeded only put the line into the pipe's buffer: the reader
// may not have run yet, and may exit without reading it (`js-pull | head -1` on a loaded machine).
// So before js-pull acks what it printed into a pipe, it waits until the reader has taken it: the
// buffer is empty (ioctl FIONREAD), or the reader is gone (poll reports POLLERR on our end), and
// then what it left in the buffer was not taken. That holds after a failed write too: a reader
// that leaves mid-batch (`head -1` read once, its shell closed the pipe a moment later) leaves the
// lines written before the failure unread in the buffer, and "Broken pipe" alone does not say
// how many. Java has no call for either, hence JNA, loaded only when stdout is a pipe.
//DEPS net.java.dev.jna:jna:5.17.0

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

final class StdoutPipe {
    private static final int FIONREAD = 0x541B;
    private static final short POLLOUT = 0x4;
    private static final short POLLERR = 0x8;
    private static final long RECHECK_NANOS = 200_000;

    /** The C calls used: Linux's, with their usual signatures. */
    private interface LibC extends Library {
        int ioctl(int fd, long request, IntByReference count);

        int poll(Pointer fds, int count, int timeoutMillis);
    }

    private static LibC libc;
    private static Boolean pipe;
    private static boolean unchecked; // JNA could not load here: a line the pipe accepted counts as taken

    private StdoutPipe() {
    }

    /**
     * How many of the bytes written to stdout so far its reader took: all of them, except on a pipe
     * whose reader went away leaving some unread; then stdout counts as failed ("Broken pipe").
     * On a pipe this waits for the reader; once a write failed there, it only counts what is left.
     */
    static long taken() {
        long written = Stdout.position();
        if (!isPipe() || !loaded()) {
            return written;
        }
        long unread = unreadWhenSettled();
        if (unread > 0) {
            Stdout.failed(new IOException("Broken pipe"));
        }
        return written - unread;
    }

    /** True when file descriptor 1 is a pipe (not a file, terminal or socket). */
    private static synchronized boolean isPipe() {
        if (pipe == null) {
            try {
                pipe = Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString().startsWith("pipe:");
            } catch (IOException | UnsupportedOperationException e) {
                pipe = false; // no /proc: nothing to check, as before
            }
        }
        return pipe;
    }

    /**
     * Waits until the reader took everything written so far, or went away; returns how many of the
     * bytes written were left in the pipe unread (0: the reader took them all).
     */
    private static long unreadWhenSettled() {
        LibC c = libc();
        IntByReference unread = new IntByReference();
        try (Memory pollfd = new Memory(8)) {
            while (true) {
                if (c.ioctl(1, FIONREAD, unread) != 0 || unread.getValue() == 0) {
                    return 0; // taken (or the call failed: then as before, the pipe took it)
                }
                pollfd.setInt(0, 1);
                pollfd.setShort(4, POLLOUT);
                pollfd.setShort(6, (short) 0);
                if (c.poll(pollfd, 1, 0) > 0 && (pollfd.getShort(6) & POLLERR) != 0) {
                    // No reader any more: what it left was not taken. Counted again, as it may have
                    // read more between the two calls; nothing reads it from here on.
                    int before = unread.getValue();
                    return c.ioctl(1, FIONREAD, unread) == 0 ? unread.getValue() : before;
                }
                LockSupport.parkNanos(RECHECK_NANOS);
            }
        }
    }

    private static synchronized LibC libc() {
        if (libc == null) {
            libc = Native.load("c", LibC.class);
        }
        return libc;
    }

    /**
     * JNA loads its native part from a file it unpacks (into ~/.cache/JNA); where it cannot (no
     * writable cache, a noexec mount, -Djna.nounpack) the reader cannot be checked: one warning, and
     * on as before, a line the pipe accepted counts as taken.
     */
    private static synchronized boolean loaded() {
        if (libc != null || unchecked) {
            return !unchecked;
        }
        try {
            libc();
            return true;
        } catch (LinkageError noJna) {
            unchecked = true;
            System.err.println(Output.printable("WARN cannot check that the pipe's reader took each line (JNA did not "
                    + "load: " + noJna.getMessage() + "): a line the pipe accepted counts as handed on, so a reader "
                    + "that exits early may lose what it left in the pipe"));
            return false;
        }
    }
}
