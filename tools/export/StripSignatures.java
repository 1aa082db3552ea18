// Removes the signature files (META-INF/*.SF, *.DSA, *.RSA, *.EC, SIG-*) from jars.
// A fat jar merges the classes of many jars. jnats brings BouncyCastle's signed jar, and
// its signature, copied into the merged jar, no longer matches: `java -jar` then refuses
// to start ("SecurityException: Invalid signature file digest"). Unsigned, it runs.
// It also lets the jar's own code call native functions (js-pull asks Linux about its stdout
// through JNA): without Enable-Native-Access in the manifest, Java 24+ prints a warning of
// several lines to stderr on that call, in the middle of a script's output.
// Usage: java tools/export/StripSignatures.java JAR...   (bin/lab-export runs it)

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
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
                allowNativeAccess(zip.getPath("META-INF", "MANIFEST.MF"));
            }
        }
    }

    /** Java 17 ignores the attribute; on 22+ it is what --enable-native-access=ALL-UNNAMED is for a jar. */
    static void allowNativeAccess(Path manifestFile) throws Exception {
        Manifest manifest;
        try (var in = Files.newInputStream(manifestFile)) {
            manifest = new Manifest(in);
        }
        manifest.getMainAttributes().put(new Attributes.Name("Enable-Native-Access"), "ALL-UNNAMED");
        try (var out = Files.newOutputStream(manifestFile)) {
            manifest.write(out);
        }
    }

    static boolean isSignature(Path entry) {
        String name = entry.getFileName().toString().toUpperCase(Locale.ROOT);
        return Files.isRegularFile(entry) && (name.matches(".*\\.(SF|DSA|RSA|EC)") || name.startsWith("SIG-"));
    }
}
