// Removes the signature files (META-INF/*.SF, *.DSA, *.RSA, *.EC, SIG-*) from jars.
// A fat jar merges the classes of many jars. jnats brings BouncyCastle's signed jar, and
// its signature, copied into the merged jar, no longer matches: `java -jar` then refuses
// to start ("SecurityException: Invalid signature file digest"). Unsigned, it runs.
// Usage: java tools/export/StripSignatures.java JAR...   (bin/lab-export runs it)

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

public class StripSignatures {
    public static void main(String... jars) throws Exception {
        for (String jar : jars) {
            try (FileSystem zip = FileSystems.newFileSystem(Path.of(jar));
                 Stream<Path> entries = Files.list(zip.getPath("META-INF"))) {
                List<Path> signatures = entries.filter(StripSignatures::isSignature).toList();
                for (Path signature : signatures) {
                    Files.delete(signature);
                }
            }
        }
    }

    static boolean isSignature(Path entry) {
        String name = entry.getFileName().toString().toUpperCase(Locale.ROOT);
        return Files.isRegularFile(entry) && (name.matches(".*\\.(SF|DSA|RSA|EC)") || name.startsWith("SIG-"));
    }
}
