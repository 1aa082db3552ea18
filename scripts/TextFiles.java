// Reading a small text file a user named (a config file, a natscli context, a secret): only a
// regular file of a sane size. A FIFO would block the run forever and /dev/zero never ends, so
// either is refused with a plain reason before a single byte is read.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

final class TextFiles {
    /** Far more than any config, context or key file: a bigger one is a wrong path, not a config. */
    static final long MAX_BYTES = 1 << 20;

    private TextFiles() {
    }

    /**
     * The file's text (UTF-8). Throws NoSuchFileException when it is missing, and an IOException
     * whose message says why when it is a folder, not a regular file, or too large.
     */
    static String read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new IOException("Is a directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("not a regular file (a pipe or a device?)");
        }
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(String.format("it is %,d bytes, too large for a config, context or key file (%,d at most)",
                    size, MAX_BYTES));
        }
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }
}
