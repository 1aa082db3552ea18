// Every file a setting points at (config files, contexts, password and token files, nkey seeds,
// .creds, TLS certificates and keys) is read through here: only a regular file (not a folder,
// FIFO or device) of a sane size, read with a bound, as UTF-8 text. Anything else is one line
// naming the file, never a hang or an OutOfMemoryError.
//SOURCES UserHome.java

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Function;

final class CheckedFiles {
    /** Far more than any config, context, credentials or certificate file holds. */
    static final int LIMIT = 1 << 20;

    private CheckedFiles() {
    }

    /** The file as text; else `failure` gets what is wrong with it ("is a folder", "not found", ...) to make the line. */
    static String text(Path file, Function<String, LabException> failure) {
        String problem = problem(file);
        if (problem != null) {
            throw failure.apply(problem);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(LIMIT + 1); // a file that grew since the check cannot grow the heap
            if (bytes.length > LIMIT) {
                throw failure.apply("is larger than " + LIMIT / 1024 + " KiB, far more than such a file holds");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw failure.apply("is not UTF-8 text");
        } catch (NoSuchFileException e) {
            throw failure.apply("not found");
        } catch (IOException e) {
            throw failure.apply("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** What makes the file unfit to read (following links), or null: "not found", "is a folder", "is a FIFO ...". */
    static String problem(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return "not found";
        } catch (IOException | SecurityException e) {
            return "cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        if (attributes.isDirectory()) {
            return "is a folder, not a file";
        }
        if (!attributes.isRegularFile()) {
            return "is " + special(file) + ", not a regular file";
        }
        if (attributes.size() > LIMIT) {
            return String.format("is %,d bytes, far more than such a file holds (%d KiB at most)", attributes.size(),
                    LIMIT / 1024);
        }
        if (!Files.isReadable(file)) {
            return "is not readable (permission denied)";
        }
        return othersCanChange(file);
    }

    /**
     * As ssh does for its own files: one that another user owns, or that users other than its owner
     * may change, could point this run at their server or their files, so it is not read at all.
     */
    private static String othersCanChange(Path file) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null; // no POSIX owner or permissions here: nothing to check
        }
        String owner = attributes.owner().getName();
        if (!trusted(owner)) {
            return "belongs to another user (" + owner + "), who could change it: it is not read; use a copy of your own";
        }
        if (othersMayWrite(attributes)) {
            return String.format("can be changed by other users of this machine (mode %03o): it is not read until you "
                    + "run chmod go-w %s", mode(attributes.permissions()), file);
        }
        return foldersOthersCanChange(file);
    }

    /**
     * A folder that another user owns, or that others may write without the sticky bit (/tmp has
     * it), lets them swap the file for their own at any time: each folder above the file is checked.
     */
    private static String foldersOthersCanChange(Path file) {
        try {
            for (Path folder = file.toRealPath().getParent(); folder != null; folder = folder.getParent()) {
                PosixFileAttributes attributes = Files.readAttributes(folder, PosixFileAttributes.class);
                String owner = attributes.owner().getName();
                if (!trusted(owner)) {
                    return "is in folder " + folder + ", which belongs to another user (" + owner + "), who could swap "
                            + "the file: it is not read; use a folder of your own";
                }
                boolean sticky = ((Integer) Files.getAttribute(folder, "unix:mode") & 01000) != 0;
                if (othersMayWrite(attributes) && !sticky) {
                    return String.format("is in folder %s, which other users of this machine can change (mode %03o): it "
                            + "is not read until you run chmod go-w %s", folder, mode(attributes.permissions()), folder);
                }
            }
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return null; // no POSIX owner or permissions here: nothing to check
        }
    }

    /** Root's files are trusted (root can change any file anyway), and your own. */
    private static boolean trusted(String owner) {
        return owner.equals(System.getProperty("user.name")) || owner.equals("root");
    }

    /** Writable by all, or by a group other than the owner's own (Debian's user private groups). */
    private static boolean othersMayWrite(PosixFileAttributes attributes) {
        Set<PosixFilePermission> permissions = attributes.permissions();
        boolean groupOfOthers = !attributes.group().getName().equals(attributes.owner().getName());
        return permissions.contains(PosixFilePermission.OTHERS_WRITE)
                || groupOfOthers && permissions.contains(PosixFilePermission.GROUP_WRITE);
    }

    private static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return mode;
    }

    private static String special(Path file) {
        try {
            int type = (Integer) Files.getAttribute(file, "unix:mode") & 0170000;
            return switch (type) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return "a special file";
        }
    }

    /**
     * As ssh does for a private key: a warning when users other than the owner may read a file
     * holding a secret (a password file, a key, a context or config file with a password in it); else null.
     */
    static String othersCanRead(Path file, String where) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!permissions.contains(PosixFilePermission.GROUP_READ) && !permissions.contains(PosixFilePermission.OTHERS_READ)) {
                return null;
            }
            return String.format("WARN %s: %s can be read by other users of this machine (mode %03o): chmod 600 %s",
                    where, file, mode(permissions), file);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null; // no POSIX permissions here (or no answer): nothing to say
        }
    }

    /** A path from a setting: ~/x means x in the home folder, as in a shell. */
    static String expandHome(String path) {
        return path.startsWith("~/") ? UserHome.dir() + path.substring(1) : path;
    }
}
