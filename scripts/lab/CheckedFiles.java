// Every file a setting points at (config files, contexts, password and token files, nkey seeds,
// .creds, TLS certificates and keys) is read through here: only a regular file (not a folder,
// FIFO or device) of a sane size, read with a bound, as UTF-8 text, that only you (or root) can
// change (FilePermissions). Anything else is one line naming the file, never a hang or an
// OutOfMemoryError.
//SOURCES UserHome.java FilePermissions.java Output.java

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

final class CheckedFiles {
    /** Far more than any config, context, credentials or certificate file holds. */
    static final int LIMIT = 1 << 20;

    private CheckedFiles() {
    }

    /**
     * The file as text; else `failure` gets what is wrong with it ("is a folder", "not found", ...) to
     * make the line. What is read is what was checked: the file is opened through its folders held
     * open one by one from /, never following a link (read()), so a link or folder swapped in after
     * the check is not read.
     */
    static String text(Path file, Function<String, LabException> failure) {
        String problem = problem(file);
        if (problem != null) {
            throw failure.apply(problem);
        }
        try {
            byte[] bytes = read(file.toRealPath()); // a link the user named is followed here, once
            if (bytes.length > LIMIT) {
                throw failure.apply("is larger than " + LIMIT / 1024 + " KiB, far more than such a file holds");
            }
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (Unfit e) {
            throw failure.apply(e.getMessage());
        } catch (CharacterCodingException e) {
            throw failure.apply("is not UTF-8 text");
        } catch (NoSuchFileException e) {
            throw failure.apply("not found");
        } catch (IOException e) {
            throw failure.apply(cannotRead(e));
        }
    }

    /** "cannot be read (Too many levels of symbolic links)": the OS's words where it gave them, else the exception's kind. */
    private static String cannotRead(Exception e) {
        String why = e instanceof FileSystemException fs ? fs.getReason() : e instanceof IOException ? e.getMessage() : null;
        return "cannot be read (" + (why == null ? e.getClass().getSimpleName() : Output.printable(why)) + ")";
    }

    /** What a check of a folder or file found, as held open: the same words problem() uses. */
    private static final class Unfit extends IOException {
        Unfit(String problem) {
            super(problem);
        }
    }

    /**
     * The bytes of a file given by its real path (no links in it): each folder from / down is opened
     * relative to the one above without following a link and checked as opened (its owner and mode
     * from the open handle), and the file is checked and opened relative to its folder, without
     * following a link, and must be the same file (device and inode) after it was read. No one but its
     * owner (or root) can change a name in such folders, so nobody else can swap what is read.
     */
    static byte[] read(Path real) throws IOException {
        SecureDirectoryStream<Path> folder = open(real.getRoot());
        if (folder == null) { // no folder handles (not Linux or macOS): read by name, as checked by problem()
            try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
                return in.readNBytes(LIMIT + 1);
            }
        }
        try {
            for (int i = 0; i < real.getNameCount() - 1; i++) {
                Path here = real.getRoot().resolve(real.subpath(0, i + 1));
                SecureDirectoryStream<Path> next = folder.newDirectoryStream(real.getName(i), LinkOption.NOFOLLOW_LINKS);
                folder.close();
                folder = next;
                String problem = FilePermissions.folderProblem(here, folder.getFileAttributeView(PosixFileAttributeView.class)
                        .readAttributes(), sticky(here, folder));
                if (problem != null) {
                    throw new Unfit(problem);
                }
            }
            Path name = real.getFileName();
            PosixFileAttributeView view = folder.getFileAttributeView(name, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            PosixFileAttributes checked = view.readAttributes();
            String problem = fileProblem(real, checked);
            if (problem != null) {
                throw new Unfit(problem);
            }
            byte[] bytes;
            try (SeekableByteChannel in = folder.newByteChannel(name, Set.of(StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS))) {
                bytes = Channels.newInputStream(in).readNBytes(LIMIT + 1); // a file that grew since the check cannot grow the heap
            }
            if (!checked.fileKey().equals(view.readAttributes().fileKey())) {
                throw new Unfit("was replaced while it was read: it is not read; run again");
            }
            return bytes;
        } finally {
            folder.close();
        }
    }

    private static SecureDirectoryStream<Path> open(Path root) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(root);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            String problem = FilePermissions.folderProblem(root, secure.getFileAttributeView(PosixFileAttributeView.class).readAttributes(),
                    sticky(root, secure));
            if (problem != null) {
                secure.close();
                throw new Unfit(problem);
            }
            return secure;
        }
        stream.close();
        return null;
    }

    /** The sticky bit of the folder held open (read by name, then made sure the name is still that folder). */
    private static boolean sticky(Path folder, SecureDirectoryStream<Path> held) throws IOException {
        Object key = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        boolean sticky = ((Integer) Files.getAttribute(folder, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 01000) != 0;
        if (!key.equals(held.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey())) {
            throw new Unfit("is in folder " + folder + ", which was replaced while it was read: it is not read; run again");
        }
        return sticky;
    }

    /** What makes the file unfit to read (following links), or null: "not found", "is a folder", "is a FIFO ...". */
    static String problem(Path file) {
        if (file.toString().isEmpty()) { // "" is the working folder to Java
            return "is an empty path: name the file";
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return "not found";
        } catch (IOException | SecurityException e) {
            return cannotRead(e);
        }
        if (attributes.isDirectory()) {
            return "is a folder, not a file";
        }
        if (!attributes.isRegularFile()) {
            return "is " + special(file) + ", not a regular file";
        }
        if (attributes.size() > LIMIT) {
            return tooLarge(attributes);
        }
        if (!Files.isReadable(file)) {
            return "is not readable (permission denied)";
        }
        return FilePermissions.othersCanChange(file);
    }

    private static String tooLarge(BasicFileAttributes attributes) {
        return String.format(Locale.ROOT, "is %,d bytes, far more than such a file holds (%d KiB at most)", attributes.size(),
                LIMIT / 1024);
    }

    /** The file as held open: a regular file of a sane size that only its owner (you or root) can change. */
    private static String fileProblem(Path file, PosixFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "is a folder, not a file";
        }
        if (!attributes.isRegularFile()) {
            return "is " + (attributes.isSymbolicLink() ? "a link" : "a special file") + ", not a regular file";
        }
        if (attributes.size() > LIMIT) {
            return tooLarge(attributes);
        }
        return FilePermissions.ownerProblem(file, attributes);
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

    /** A path from a setting: ~/x means x in the home folder, as in a shell. */
    static String expandHome(String path) {
        return path.startsWith("~/") ? UserHome.dir() + path.substring(1) : path;
    }
}
