// What a test run may leave behind: nothing. Finds files in the run's temp root, processes that
// carry the run's mark, and new files in the repository; each as one line naming it.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

final class Leftovers {
    private Leftovers() {
    }

    /**
     * Processes of this run still alive: everything the run starts inherits TMPDIR=root (even a
     * nats-server that bin/lab-server detached with setsid), and test JVMs and servers name the
     * root on their command line. Zombies have neither, so only live processes count. A process
     * that is just exiting gets a moment; the rest are killed and returned.
     */
    static List<String> killProcesses(Path root, long... exceptPids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<Long> alive = marked(root, exceptPids);
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            alive = marked(root, exceptPids);
        }
        List<String> found = new ArrayList<>();
        for (long pid : alive) {
            found.add("process " + pid + " still running: " + commandLine(pid));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        return found;
    }

    private static List<Long> marked(Path root, long... exceptPids) {
        String mark = "TMPDIR=" + root;
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            for (Path dir : proc.toList()) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (java.util.Arrays.stream(exceptPids).anyMatch(p -> p == pid)) {
                    continue;
                }
                boolean ours = read(dir.resolve("environ")).stream().anyMatch(v -> v.equals(mark) || v.startsWith(mark + "/"))
                        || commandLine(pid).contains(root.toString());
                if (ours) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            return List.of(); // no /proc: nothing to check here
        }
        return pids;
    }

    private static String commandLine(long pid) {
        return String.join(" ", read(Path.of("/proc", Long.toString(pid), "cmdline")));
    }

    /** A /proc file of NUL-separated strings; empty when the process is gone or not ours to read. */
    private static List<String> read(Path file) {
        try {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Files and folders under root, except the allowed ones (paths relative to root). A folder
     * that is not allowed is named once, not file by file. Each one found is deleted when asked.
     */
    static List<String> files(Path root, Set<Path> allowed, boolean delete) throws IOException {
        List<String> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        List<Path> strays = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                Path relative = root.relativize(dir);
                if (allowed.stream().anyMatch(relative::startsWith)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (allowed.stream().anyMatch(a -> a.startsWith(relative))) {
                    return FileVisitResult.CONTINUE; // holds an allowed folder: look inside
                }
                strays.add(dir);
                return FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Path relative = root.relativize(file);
                if (allowed.stream().noneMatch(relative::startsWith)) {
                    strays.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path stray : strays) {
            found.add((Files.isDirectory(stray) ? "folder " : "file ") + stray + " left in the run's temp dir");
            if (delete) {
                Run.deleteTree(stray);
            }
        }
        return found;
    }

    /** `git status` of the repo, every untracked and ignored file listed one by one; empty outside a git checkout. */
    static Set<String> repoFiles(Path repo) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", repo.toString(), "status", "--porcelain", "--ignored",
                "--untracked-files=all").redirectErrorStream(true).start();
        git.getOutputStream().close();
        List<String> lines = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        return git.waitFor() == 0 ? new LinkedHashSet<>(lines) : Set.of();
    }

    /**
     * What `git status` shows now and did not before the run, except bin/jbang's own files in
     * .tools/ (JBang, and the class-sharing archive it writes on a first call) and what a lab
     * server that ran before the tests (`make server`) goes on writing into its store.
     */
    static List<String> newInRepo(Set<String> before, Set<String> after) {
        List<String> serverDirs = before.stream().map(Leftovers::labServerDir).filter(d -> d != null).toList();
        List<String> found = new ArrayList<>();
        for (String line : after) {
            String path = line.substring(3);
            if (before.contains(line) || path.startsWith(".tools/") || serverDirs.contains(labServerDir(line))) {
                continue;
            }
            found.add("repository changed: " + line);
        }
        return found;
    }

    /** ".lab/nats-4222/" for a line about a file in that server's folder, else null. */
    private static String labServerDir(String line) {
        String path = line.substring(3);
        if (!path.startsWith(".lab/nats-")) {
            return null;
        }
        int slash = path.indexOf('/', ".lab/".length());
        return slash < 0 ? null : path.substring(0, slash + 1);
    }
}
