// Whether anyone but you can change a file a setting points at, or read one that holds a secret,
// as ssh asks of its own files: the owner and mode of the file and of each folder above it. A file
// others could change is not read (CheckedFiles says why); one others could read gets a warning.

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Set;

final class FilePermissions {
    private FilePermissions() {
    }

    /**
     * As ssh does for its own files: one that another user owns, or that users other than its owner
     * may change, could point this run at their server or their files, so it is not read at all.
     */
    static String othersCanChange(Path file) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null; // no POSIX owner or permissions here: nothing to check
        }
        String problem = ownerProblem(file, attributes);
        return problem != null ? problem : foldersOthersCanChange(file);
    }

    static String ownerProblem(Path file, PosixFileAttributes attributes) {
        String owner = attributes.owner().getName();
        if (!trusted(owner)) {
            return "belongs to another user (" + owner + "), who could change it: it is not read; use a copy of your own";
        }
        if (othersMayWrite(attributes)) {
            return String.format(Locale.ROOT, "can be changed by other users of this machine (mode %03o): it is not read until you "
                    + "run chmod go-w %s", mode(attributes.permissions()), file);
        }
        return null;
    }

    /**
     * A folder that another user owns, or that others may write without the sticky bit (/tmp has
     * it), lets them swap the file for their own at any time: each folder above the file is checked.
     */
    private static String foldersOthersCanChange(Path file) {
        try {
            for (Path folder = file.toRealPath().getParent(); folder != null; folder = folder.getParent()) {
                String problem = folderProblem(folder, Files.readAttributes(folder, PosixFileAttributes.class),
                        ((Integer) Files.getAttribute(folder, "unix:mode") & 01000) != 0);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return null; // no POSIX owner or permissions here: nothing to check
        }
    }

    static String folderProblem(Path folder, PosixFileAttributes attributes, boolean sticky) {
        String owner = attributes.owner().getName();
        if (!trusted(owner)) {
            return "is in folder " + folder + ", which belongs to another user (" + owner + "), who could swap "
                    + "the file: it is not read; use a folder of your own";
        }
        if (othersMayWrite(attributes) && !sticky) {
            return String.format(Locale.ROOT, "is in folder %s, which other users of this machine can change (mode %03o): it "
                    + "is not read until you run chmod go-w %s", folder, mode(attributes.permissions()), folder);
        }
        return null;
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
            return String.format(Locale.ROOT, "WARN %s: %s can be read by other users of this machine (mode %03o): chmod 600 %s",
                    where, file, mode(permissions), file);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null; // no POSIX permissions here (or no answer): nothing to say
        }
    }
}
