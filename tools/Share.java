///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DESCRIPTION make share: one self-contained .java file per catalog script, for sharing by copy.
//
// For each script of jbang-catalog.json, writes share/<Script>.java: the script with every file
// its //SOURCES name (and theirs) inlined as non-public top-level classes, the imports and //DEPS
// of all of them merged, //SOURCES removed, the main class no longer public and named by //MAIN,
// so the file runs alone under any file name (jbang Publish.java "hello").
// Usage, from the repo root: jbang tools/Share.java [OUT_DIR]   (default: share)

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class Share {
    private static final Pattern SCRIPT_REF = Pattern.compile("\"script-ref\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PUBLIC_TYPE = Pattern.compile("^public ((?:final |abstract )?(?:class|interface|enum|record) )");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)(\\.\\*)?;\\s*$");

    public static void main(String... args) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path catalog = root.resolve("jbang-catalog.json");
        if (!Files.exists(catalog)) {
            System.err.println("share: run it from the repo root (no jbang-catalog.json here)");
            System.exit(2);
        }
        Path out = root.resolve(args.length > 0 ? args[0] : "share");
        Files.createDirectories(out);
        Matcher refs = SCRIPT_REF.matcher(Files.readString(catalog));
        while (refs.find()) {
            Path script = root.resolve(refs.group(1)).normalize();
            Path target = out.resolve(script.getFileName());
            Files.writeString(target, singleFile(root, script));
            System.out.println("share: wrote " + (target.startsWith(root) ? root.relativize(target) : target));
        }
    }

    /** The script and its shared code as one file. */
    static String singleFile(Path root, Path script) throws IOException {
        List<Source> files = new ArrayList<>();
        collect(script, new LinkedHashSet<>(), files);
        Source main = files.get(0);
        List<String> deps = mergedDeps(files);
        List<String> sharedImports = sharedImports(files);
        StringBuilder text = new StringBuilder();
        boolean depsWritten = false;
        for (String line : main.header) {
            if (line.startsWith("//DEPS ")) {
                if (!depsWritten) {
                    deps.forEach(dep -> text.append(dep).append('\n'));
                    text.append("//MAIN ").append(className(script)).append('\n');
                    depsWritten = true;
                }
            } else if (!line.startsWith("//SOURCES ")) {
                text.append(line).append('\n');
            }
        }
        text.append("//\n// One self-contained file, made by `make share` from ").append(root.relativize(script))
                .append(" and the shared code it uses\n")
                .append("// (each part below the script starts with a \"// ----- scripts/...\" line): edit those, not this\n")
                .append("// file. It runs alone under any file name: jbang ThisFile.java --help\n");
        text.append('\n');
        main.imports.forEach(line -> text.append(line).append('\n'));
        if (!sharedImports.isEmpty()) {
            text.append("\n// for the shared code below the script\n");
            sharedImports.forEach(line -> text.append(line).append('\n'));
        }
        appendBody(text, main.body);
        for (Source source : files.subList(1, files.size())) {
            text.append("\n// ----- ").append(root.relativize(source.path)).append('\n');
            source.header.stream().filter(line -> line.startsWith("// ") || line.equals("//"))
                    .forEach(line -> text.append(line).append('\n'));
            appendBody(text, source.body);
        }
        return text.toString();
    }

    /** A source file cut at its imports: the comment and directive lines above, the imports, the rest. */
    record Source(Path path, List<String> header, List<String> imports, List<String> body) {
        static Source read(Path path) throws IOException {
            List<String> lines = Files.readAllLines(path);
            int firstImport = -1;
            int lastImport = -1;
            int firstCode = lines.size();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("import ")) {
                    firstImport = firstImport < 0 ? i : firstImport;
                    lastImport = i;
                } else if (!line.isBlank() && !line.startsWith("//")) {
                    firstCode = i;
                    break;
                }
            }
            int headerEnd = firstImport >= 0 ? firstImport : firstCode;
            List<String> header = trimBlank(lines.subList(0, headerEnd));
            List<String> imports = firstImport >= 0 ? lines.subList(firstImport, lastImport + 1) : List.of();
            List<String> body = lines.subList(firstImport >= 0 ? lastImport + 1 : firstCode, lines.size());
            return new Source(path, header, imports, body);
        }
    }

    /** Depth first from the script, each file once, in the order the //SOURCES lines name them. */
    private static void collect(Path file, Set<Path> seen, List<Source> files) throws IOException {
        Path real = file.toRealPath();
        if (!seen.add(real)) {
            return;
        }
        Source source = Source.read(real);
        files.add(source);
        for (String line : source.header) {
            if (line.startsWith("//SOURCES ")) {
                for (String name : line.substring(10).trim().split("\\s+")) {
                    for (Path match : matches(real.getParent(), name)) {
                        collect(match, seen, files);
                    }
                }
            }
        }
    }

    private static List<Path> matches(Path dir, String name) throws IOException {
        if (!name.contains("*")) {
            return List.of(dir.resolve(name));
        }
        var glob = dir.getFileSystem().getPathMatcher("glob:" + dir.resolve(name));
        try (Stream<Path> all = Files.walk(dir.resolve(name).getParent())) {
            return all.filter(glob::matches).sorted().toList();
        }
    }

    /** Every //DEPS line once; the same artifact at two versions is an error, not a silent pick. */
    private static List<String> mergedDeps(List<Source> files) {
        Map<String, String> byArtifact = new LinkedHashMap<>();
        for (Source source : files) {
            for (String line : source.header) {
                if (line.startsWith("//DEPS ")) {
                    for (String coordinate : line.substring(7).trim().split("\\s+")) {
                        String artifact = coordinate.substring(0, coordinate.lastIndexOf(':'));
                        String before = byArtifact.putIfAbsent(artifact, coordinate);
                        if (before != null && !before.equals(coordinate)) {
                            throw new IllegalStateException(source.path + ": " + coordinate + ", but " + before + " elsewhere");
                        }
                    }
                }
            }
        }
        return byArtifact.values().stream().map(coordinate -> "//DEPS " + coordinate).toList();
    }

    /** The shared files' imports the script lacks, sorted; two classes of one simple name would not compile. */
    private static List<String> sharedImports(List<Source> files) {
        Set<String> mine = new LinkedHashSet<>(files.get(0).imports);
        Map<String, String> bySimpleName = new LinkedHashMap<>();
        Set<String> extra = new java.util.TreeSet<>();
        for (Source source : files) {
            for (String line : source.imports) {
                Matcher m = IMPORT.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                if (m.group(1) == null && m.group(3) == null) {
                    String name = m.group(2);
                    String simple = name.substring(name.lastIndexOf('.') + 1);
                    String before = bySimpleName.putIfAbsent(simple, name);
                    if (before != null && !before.equals(name)) {
                        throw new IllegalStateException(source.path + " imports " + name + ", another file " + before
                                + ": use the full name in one of them");
                    }
                }
                if (!mine.contains(line)) {
                    extra.add(line.strip());
                }
            }
        }
        return new ArrayList<>(extra);
    }

    private static void appendBody(StringBuilder text, List<String> body) {
        text.append('\n');
        for (String line : trimBlank(body)) {
            text.append(PUBLIC_TYPE.matcher(line).replaceFirst("$1")).append('\n');
        }
    }

    private static List<String> trimBlank(List<String> lines) {
        int start = 0;
        int end = lines.size();
        while (start < end && lines.get(start).isBlank()) {
            start++;
        }
        while (end > start && lines.get(end - 1).isBlank()) {
            end--;
        }
        return new ArrayList<>(lines.subList(start, end));
    }

    private static String className(Path script) {
        String file = script.getFileName().toString();
        return file.substring(0, file.length() - ".java".length());
    }
}
