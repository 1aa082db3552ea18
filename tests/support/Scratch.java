// Files a test writes for a script to read (a TOML config, say): made in the run's temp dir and
// deleted when the test class is done, also when it failed. A class that makes them says
// @ExtendWith(Scratch.class) (WithServer does, for its subclasses).

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class Scratch implements AfterAllCallback {
    private static final List<Path> made = new ArrayList<>();

    /** A TOML file with this text. */
    static synchronized Path toml(String text) throws Exception {
        Path file = Files.createTempFile("lab-", ".toml");
        made.add(file);
        return Files.writeString(file, text);
    }

    /** An empty folder. */
    static synchronized Path dir() throws Exception {
        Path dir = Files.createTempDirectory("lab-dir-");
        made.add(dir);
        return dir;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        synchronized (Scratch.class) {
            for (Path path : made) {
                Run.deleteTree(path);
            }
            made.clear();
        }
    }
}
