///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//DESCRIPTION make share: one self-contained .java file per catalog script, for sharing by copy.
//
// For each script of jbang-catalog.json, writes share/<Script>.java: the script with every file
// its //SOURCES name (and theirs) inlined as non-public top-level classes, the imports and //DEPS
// of all of them merged, //SOURCES removed, the main class no longer public and named by //MAIN,
// so the file runs alone under any file name (jbang Publish.java "hello"). A short table of parts
// comes first, then the lesson, then a list of the shared parts with their line numbers, and the parts.
// With --url BASE it also writes share/url/<Script>.java, the form to paste: the script alone, its
// //SOURCES naming the shared files at BASE (the lab's scripts/ folder of one tag, published on a
// web server), which JBang fetches over HTTP(S) when it runs the file; its class is not public and
// named by //MAIN, so it too runs under any file name.
// Usage, from the repo root: jbang tools/Share.java [--url BASE] [OUT_DIR]   (default: share)

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public class Share {
    private static final Pattern SCRIPT_REF = Pattern.compile("\"script-ref\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PUBLIC_TYPE = Pattern.compile("^public ((?:final |abstract )?(?:class|interface|enum|record) )");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)(\\.\\*)?;\\s*$");
    /** A method's first line in a script's class; the first one below the class line is the lesson. */
    private static final Pattern METHOD = Pattern.compile("^    [\\w<>\\[\\], ?]+\\s(\\w+)\\(");
    private static final String LIST_TITLE = "// ----- The shared code below the lesson, part by part (line: part):";
    /** Every script runs through it; what it uses is the shared code of every script. */
    private static final String COMMON_ROOT = "scripts/lab/CommandRunner.java";
    /** The shared imports go several to a line, so the lesson stays near the top, each line readable. */
    private static final int IMPORTS_WIDTH = 100;

    public static void main(String... args) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path catalog = root.resolve("jbang-catalog.json");
        if (!Files.exists(catalog)) {
            System.err.println("share: run it from the repo root (no jbang-catalog.json here)");
            System.exit(2);
        }
        String base = null;
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.size() >= 2 && rest.get(0).equals("--url")) {
            base = rest.get(1).endsWith("/") ? rest.get(1) : rest.get(1) + "/";
            if (!base.matches("https?://\\S+")) {
                System.err.println("share: --url wants the http(s) URL of a published scripts/ folder, got " + rest.get(1));
                System.exit(2);
            }
            rest = rest.subList(2, rest.size());
        }
        Path out = root.resolve(rest.isEmpty() ? "share" : rest.get(0));
        Files.createDirectories(out);
        Matcher refs = SCRIPT_REF.matcher(Files.readString(catalog));
        while (refs.find()) {
            Path script = root.resolve(refs.group(1)).normalize();
            Path target = out.resolve(script.getFileName());
            Files.writeString(target, singleFile(root, script));
            System.out.println("share: wrote " + (target.startsWith(root) ? root.relativize(target) : target));
            if (base != null) {
                Path pasted = Files.createDirectories(out.resolve("url")).resolve(script.getFileName());
                Files.writeString(pasted, byUrl(script, base));
                System.out.println("share: wrote " + (pasted.startsWith(root) ? root.relativize(pasted) : pasted));
            }
        }
    }

    /**
     * The script as it is, but for its //SOURCES lines, whose names now point at BASE: the shared
     * files come from there (each one's own //SOURCES resolve beside it), so only the lesson is pasted.
     */
    static String byUrl(Path script, String base) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean noted = false;
        boolean named = false;
        for (String line : Files.readAllLines(script)) {
            if (line.startsWith("//DEPS ") && !named) {
                // not public, and named by //MAIN: a pasted file runs under whatever name it is saved as
                text.append("//MAIN ").append(className(script)).append('\n');
                named = true;
            }
            if (line.startsWith("//SOURCES ")) {
                if (!noted) {
                    text.append("// The lab's shared files come from ").append(base)
                            .append(" (JBang fetches them when it runs this file).\n");
                    noted = true;
                }
                for (String name : line.substring(10).trim().split("\\s+")) {
                    text.append("//SOURCES ").append(base).append(name).append('\n');
                }
            } else {
                text.append(PUBLIC_TYPE.matcher(line).replaceFirst("$1")).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * The script and its shared code as one file: at the top a short table of its parts (the lesson
     * method, the script's flags, the list of shared parts, the script's own helpers, the code every
     * script shares), then the lesson, below the shared code's imports (Java wants them above it: a JDK
     * package in one import, lines of at most 100 columns), then that list with a line per part, then
     * each part.
     */
    static String singleFile(Path root, Path script) throws IOException {
        List<Source> files = new ArrayList<>();
        collect(script, new LinkedHashSet<>(), files);
        Source main = files.get(0);
        List<String> deps = mergedDeps(files);
        List<String> sharedImports = sharedImports(files);
        // The code every script runs through (settings, connecting, login, TLS, trace, output) goes
        // last, so what this script alone uses sits right below it.
        Set<Path> common = new LinkedHashSet<>();
        Path runner = root.resolve(COMMON_ROOT);
        if (Files.exists(runner)) {
            List<Source> reached = new ArrayList<>();
            collect(runner, new LinkedHashSet<>(), reached);
            reached.forEach(source -> common.add(source.path));
        }
        List<Source> own = new ArrayList<>();
        List<Source> everyScripts = new ArrayList<>();
        for (Source source : files.subList(1, files.size())) {
            (common.contains(source.path) ? everyScripts : own).add(source);
        }
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
                .append(" and the shared code\n")
                .append("// it uses: edit those files, not this one. It runs alone under any file name\n")
                .append("// (jbang ThisFile.java --help). Its parts, by line:\n")
                .append("//@LESSON@  the lesson: @METHOD@, the calls this script is about\n")
                .append("//@FLAGS@  the script's flags, checks and help text, below the lesson\n")
                .append("//@LIST@  a list of the shared parts below, a line per file\n");
        if (!own.isEmpty()) {
            text.append("//@OWN@  shared code this script uses (").append(extent(root, own)).append(")\n");
        }
        if (!everyScripts.isEmpty()) {
            text.append("//@COMMON@  shared code every script runs through: settings and config files,\n")
                    .append("//           connecting, server URLs, login, TLS, secrets, trace, exit codes, output\n")
                    .append("//           (").append(extent(root, everyScripts)).append(")\n");
        }
        text.append('\n');
        main.imports.forEach(line -> text.append(line).append('\n'));
        if (!sharedImports.isEmpty()) {
            text.append("// the shared code's imports (it comes after the lesson), a package at a time:\n");
            wrapped(byPackage(sharedImports), IMPORTS_WIDTH).forEach(line -> text.append(line).append('\n'));
        }
        appendBody(text, main.body);
        text.append('\n');
        List<Source> shared = new ArrayList<>(own);
        shared.addAll(everyScripts);
        StringBuilder table = new StringBuilder(LIST_TITLE).append('\n');
        int line = lineCount(text) + 1 + shared.size() + 2; // the list: a title, a row per part, a blank line
        List<String> rows = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        StringBuilder parts = new StringBuilder();
        for (Source source : shared) {
            StringBuilder part = new StringBuilder("// ----- ").append(root.relativize(source.path)).append('\n');
            source.header.stream().filter(l -> l.startsWith("// ") || l.equals("//")).forEach(l -> part.append(l).append('\n'));
            appendBody(part, source.body);
            part.append('\n');
            starts.add(line);
            rows.add(root.relativize(source.path) + summary(source));
            line += lineCount(part);
            parts.append(part);
        }
        int width = starts.isEmpty() ? 1 : String.valueOf(starts.get(starts.size() - 1)).length();
        for (int i = 0; i < rows.size(); i++) {
            table.append(String.format(Locale.ROOT, "//   %" + width + "d  %s", starts.get(i), rows.get(i))).append('\n');
        }
        table.append('\n');
        return partsAtTop(text + table.toString() + parts, root, className(script), own, everyScripts);
    }

    /** The file with the numbers of its table of parts filled in, each the line where that part starts. */
    private static String partsAtTop(String file, Path root, String name, List<Source> own, List<Source> everyScripts) {
        List<String> lines = file.stripTrailing().lines().toList();
        int classAt = 0;
        while (classAt < lines.size() && !lines.get(classAt).matches("(public )?class " + name + "\\b.*")) {
            classAt++;
        }
        int lesson = classAt;
        while (lesson < lines.size() && !(METHOD.matcher(lines.get(lesson)).find() && !lines.get(lesson).contains("="))) {
            lesson++;
        }
        int flags = classAt;
        while (flags < lines.size() && !lines.get(flags).matches("\\s+@(Option|Mixin|Parameters)\\b.*")) {
            flags++;
        }
        Map<String, Integer> at = new LinkedHashMap<>();
        at.put("@LESSON@", lesson);
        at.put("@FLAGS@", flags);
        at.put("@LIST@", lines.indexOf(LIST_TITLE));
        at.put("@OWN@", own.isEmpty() ? -1 : lines.indexOf("// ----- " + root.relativize(own.get(0).path)));
        at.put("@COMMON@", everyScripts.isEmpty() ? -1 : lines.indexOf("// ----- " + root.relativize(everyScripts.get(0).path)));
        Matcher method = METHOD.matcher(lesson < lines.size() ? lines.get(lesson) : "");
        String methodName = method.find() ? method.group(1) : "?";
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            for (Map.Entry<String, Integer> row : at.entrySet()) {
                if (line.startsWith("//" + row.getKey())) {
                    if (row.getValue() < 0 || row.getValue() >= lines.size()) {
                        throw new IllegalStateException(name + ": no line for " + row.getKey());
                    }
                    line = String.format(Locale.ROOT, "// %6d", row.getValue() + 1) + line.substring(2 + row.getKey().length());
                }
            }
            out.append(line.replace("@METHOD@", methodName)).append('\n');
        }
        return out.toString();
    }

    /**
     * The imports, a JDK package's classes as one import of the package (import java.util.*;) where no
     * name could then mean two classes, so the lesson stays near the top; the others as they are. The
     * JDK's packages can be listed (jrt:/), a library's cannot here: its classes keep their own imports.
     */
    static List<String> byPackage(List<String> imports) throws IOException {
        Map<String, List<String>> byPackage = new java.util.TreeMap<>();
        Set<String> names = new java.util.HashSet<>();
        List<String> kept = new ArrayList<>();
        for (String line : imports) {
            Matcher m = IMPORT.matcher(line);
            if (!m.matches() || m.group(1) != null || m.group(3) != null) {
                kept.add(line);
                continue;
            }
            String name = m.group(2);
            names.add(name.substring(name.lastIndexOf('.') + 1));
            byPackage.computeIfAbsent(name.substring(0, name.lastIndexOf('.')), p -> new ArrayList<>()).add(line);
        }
        // a package's import stands in for its classes only if none of them shares a name with a class
        // of java.lang, of another such package, or one imported by name: each would be ambiguous
        Set<String> whole = new java.util.TreeSet<>();
        Map<String, Set<String>> classes = new java.util.HashMap<>();
        for (String pkg : byPackage.keySet()) {
            Set<String> in = jdkClasses(pkg);
            if (in != null && byPackage.get(pkg).size() > 1) {
                classes.put(pkg, in);
                whole.add(pkg);
            }
        }
        Set<String> lang = jdkClasses("java.lang");
        boolean changed = true;
        while (changed) {
            changed = false;
            for (String pkg : List.copyOf(whole)) {
                Set<String> others = new java.util.HashSet<>(lang);
                whole.stream().filter(other -> !other.equals(pkg)).forEach(other -> others.addAll(classes.get(other)));
                byPackage.forEach((other, lines) -> {
                    if (!whole.contains(other)) {
                        lines.forEach(line -> others.add(line.substring(line.lastIndexOf('.') + 1, line.length() - 1)));
                    }
                });
                if (classes.get(pkg).stream().anyMatch(others::contains)) {
                    whole.remove(pkg);
                    changed = true;
                }
            }
        }
        List<String> out = new ArrayList<>();
        byPackage.forEach((pkg, lines) -> {
            if (whole.contains(pkg)) {
                out.add("import " + pkg + ".*;");
            } else {
                out.addAll(lines);
            }
        });
        out.addAll(kept);
        return out;
    }

    /** The simple names of a JDK package's top-level classes, or null when the package is not the JDK's. */
    private static Set<String> jdkClasses(String pkg) throws IOException {
        java.nio.file.FileSystem jrt = java.nio.file.FileSystems.getFileSystem(java.net.URI.create("jrt:/"));
        Path dir = jrt.getPath("/packages", pkg);
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Set<String> names = new java.util.HashSet<>();
        try (Stream<Path> modules = Files.list(dir)) {
            for (Path module : modules.toList()) {
                Path classes = jrt.getPath("/modules", module.getFileName().toString(), pkg.replace('.', '/'));
                try (Stream<Path> files = Files.list(classes)) {
                    files.map(file -> file.getFileName().toString()).filter(file -> file.endsWith(".class") && !file.contains("$"))
                            .forEach(file -> names.add(file.substring(0, file.length() - ".class".length())));
                }
            }
        }
        return names;
    }

    /** Words joined by spaces into lines of at most width columns (a longer word alone on its line). */
    static List<String> wrapped(List<String> words, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** How much of the file some parts are: "12 files, 1,234 lines". */
    private static String extent(Path root, List<Source> parts) {
        int lines = 0;
        for (Source source : parts) {
            StringBuilder part = new StringBuilder();
            appendBody(part, source.body);
            lines += lineCount(part);
        }
        return String.format(Locale.ROOT, "%d files, about %,d lines", parts.size(), lines);
    }

    /** A part's first comment line, after its own name, as a short description; empty when it has none. */
    private static String summary(Source source) {
        for (String line : source.header) {
            if (line.startsWith("// ") && !line.startsWith("///")) {
                String first = line.substring(3).strip();
                return first.length() > 64 ? " - " + first.substring(0, 61) + "..." : " - " + first;
            }
        }
        return "";
    }

    private static int lineCount(CharSequence text) {
        int lines = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
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
