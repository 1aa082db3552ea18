// Which config files a run reads, and which it leaves alone and why. A file is read when it is
// named (--config, --lab-config, LAB_CONFIG), or when it is one of the lab's own two files in the
// lab's folder, which the launchers name (bin/jbang and bin/lab-run set JETSTREAM_LAB_HOME), from
// whatever folder you run in. A config.toml that merely sits in the working folder is never read:
// a folder someone else controls must not choose your server or where your secrets go.
//SOURCES ConfigFile.java Layers.java Exit.java

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class ConfigSources {
    /** Set by bin/jbang and bin/lab-run: the lab's folder, whose config.toml and labs/<lab>/config.toml are its own. */
    static final String HOME_VARIABLE = "JETSTREAM_LAB_HOME";
    static final String DEFAULT_LAB = "lab4_jetstream_basics";
    /** The course's scripts that labs 1-3 teach, by name; any other script is lab 4's. */
    private static final Map<String, String> LAB_OF_SCRIPT = Map.of("nats-sub", "lab1_publish_subscribe",
            "nats-pub", "lab1_publish_subscribe", "worker", "lab2_queue_groups", "responder", "lab3_request_reply",
            "requester", "lab3_request_reply");
    static final String ROOT_FILE = "config.toml";

    /** The lab a script is taught in: its own config file is the one read when no lab file is named. */
    static String labOf(String script) {
        return LAB_OF_SCRIPT.getOrDefault(script, DEFAULT_LAB);
    }

    final ConfigFile.Source root;
    final ConfigFile.Source lab;
    /** For --show-config: each file read or left alone, and why. */
    final List<Layers.Report> report = new ArrayList<>();
    /** Lines for stderr when a file that looks like lab config was left alone; none when none was. */
    final List<String> notice;

    private ConfigSources(ConfigFile.Source root, ConfigFile.Source lab, List<String> ignored) {
        this.root = root;
        this.lab = lab;
        for (ConfigFile.Source read : new ConfigFile.Source[] {root, lab}) {
            if (read != null) {
                report.add(new Layers.Report("read     " + read.shown(), read.why()));
            }
        }
        ignored.forEach(file -> report.add(new Layers.Report("not read " + file, "in the working folder, not named: a "
                + "config file there is read only with --config or --lab-config")));
        // two lines, each within 100 columns: the files' names are long
        notice = ignored.isEmpty() ? List.of() : List.of("WARN not read: " + String.join(", ", ignored) + " (in the working "
                + "folder)", "  a file there is read only when named: --config FILE, --lab-config FILE or LAB_CONFIG=FILE");
    }

    static ConfigSources find(Map<String, String> env, Layers.Flags flags) {
        Path home = home(env);
        ConfigFile.Source root = named((Path) flags.value("--config"), "flag --config");
        if (root == null) {
            root = own(home, ROOT_FILE);
        }
        ConfigFile.Source lab = named((Path) flags.value("--lab-config"), "flag --lab-config");
        String fromEnv = env.get("LAB_CONFIG");
        if (lab == null && fromEnv != null && !fromEnv.isEmpty()) {
            Path file = Path.of(fromEnv);
            if (!file.isAbsolute()) {
                // an exported variable names a file for every later run: read it from the lab's folder, as make
                // and bin/lab-server do, never from whatever folder a run happens to start in
                if (home == null) {
                    throw Exit.config("env LAB_CONFIG: %s is a relative path and no lab folder is known to find it in "
                            + "(%s is not set): give its absolute path", fromEnv, HOME_VARIABLE);
                }
                file = home.resolve(file);
            }
            lab = named(file, "env LAB_CONFIG");
        }
        String labFile = "labs/" + (flags.lab() == null ? DEFAULT_LAB : flags.lab()) + "/config.toml";
        if (lab == null) {
            lab = own(home, labFile);
        }
        List<String> ignored = new ArrayList<>();
        lookAlike(root, ROOT_FILE, lab, ignored);
        lookAlike(lab, labFile, root, ignored);
        return new ConfigSources(root, lab, ignored);
    }

    private static ConfigFile.Source named(Path file, String how) {
        return file == null ? null : new ConfigFile.Source(file, file.toString(), true, "named by " + how);
    }

    /** The lab's own file, when the launcher named the lab's folder and the file is there. */
    private static ConfigFile.Source own(Path home, String relative) {
        if (home == null || !Files.isRegularFile(home.resolve(relative))) {
            return null;
        }
        Path file = home.resolve(relative).toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        String shown = file.startsWith(here) ? here.relativize(file).toString() : file.toString();
        return new ConfigFile.Source(file, shown, false, "the lab's own, in " + home + " (" + HOME_VARIABLE + ")");
    }

    private static Path home(Map<String, String> env) {
        String home = env.get(HOME_VARIABLE);
        return home == null || home.isEmpty() || !Files.isDirectory(Path.of(home)) ? null
                : Path.of(home).toAbsolutePath().normalize();
    }

    /**
     * A file at this place in the working folder that is not read (and no file was named instead) but
     * holds lab settings: worth a word. In a lab's own folder its config.toml sits where the root file
     * would, and is read all the same, as the lab's file (other).
     */
    private static void lookAlike(ConfigFile.Source read, String relative, ConfigFile.Source other, List<String> ignored) {
        Path here = Path.of(relative);
        if (read != null && read.named() || !Files.isRegularFile(here) || read != null && sameFile(here, read.path())
                || other != null && sameFile(here, other.path())) {
            return;
        }
        if (ConfigFile.holdsLabSettings(here)) {
            ignored.add("./" + relative);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
