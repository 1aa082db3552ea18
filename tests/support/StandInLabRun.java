// A copy of bin/lab-server in a folder of its own, whose bin/lab-run is a stand-in: asked which flags
// hold secrets and which pick the server, it answers what the scripts answer (ConnectionOptions.
// secretAndServerFlagLines) plus any lines a test
// adds; asked for the settings, it records its arguments and the variables named, and answers with a
// remote server (nothing is started). For tests of what bin/lab-server hands a script's run.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

final class StandInLabRun {
    final Path labServer;
    /** Each argument of the last settings read as "arg WORD", then each variable named as "env NAME=VALUE". */
    final Path record;
    /** One line per time bin/lab-server asked which flags hold secrets. */
    final Path asked;

    private StandInLabRun(Path dir) {
        this.labServer = dir.resolve("bin/lab-server");
        this.record = dir.resolve("record");
        this.asked = dir.resolve("asked");
    }

    /** Copies bin/lab-server, what it sources and the settings table into dir; the stand-in answers moreSecretLines too. */
    static StandInLabRun in(Path dir, String moreSecretLines, String... variables) throws Exception {
        StandInLabRun copy = new StandInLabRun(dir);
        for (String file : List.of("bin/lab-server", "bin/lab-common.sh", "tools/jbang/shown.bash", "scripts/lab/Setting.java",
                "scripts/lab/ConnectionOptions.java")) {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.copy(Run.REPO.resolve(file), dir.resolve(file));
        }
        StringBuilder env = new StringBuilder();
        for (String variable : variables) {
            env.append("; echo \"env ").append(variable).append("=${").append(variable).append(":-}\"");
        }
        Path labRun = Files.writeString(dir.resolve("bin/lab-run"), """
                #!/usr/bin/env bash
                if [ -n "${%s:-}" ]; then
                  echo asked >> '%s'
                  cat <<'EOF'
                %sEOF
                  exit 0
                fi
                { printf 'arg %%s\\n' "$@"%s; } > '%s'
                echo "nats.url=nats://127.0.0.1:1"
                echo "nats.url.servers=nats://127.0.0.1:1"
                echo "nats.url.hosts=127.0.0.1"
                echo "nats.url.ports=1"
                echo "runtime.mode=remote"
                """.formatted(ConnectionOptions.SHOW_SECRET_AND_SERVER_FLAGS, copy.asked, ConnectionOptions.secretAndServerFlagLines() + moreSecretLines,
                env, copy.record));
        labRun.toFile().setExecutable(true);
        copy.labServer.toFile().setExecutable(true);
        return copy;
    }

    /** bin/lab-server COMMAND ARGS, run in the copy's folder with its own state folder. */
    Run command(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = labServer.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Path dir = labServer.getParent().getParent();
        return Run.command(command).in(dir).env("LAB_STATE_DIR", dir.resolve(".lab").toString());
    }

    List<String> recorded() throws Exception {
        return Files.readAllLines(record);
    }

    int timesAsked() throws Exception {
        return Files.exists(asked) ? Files.readAllLines(asked).size() : 0;
    }
}
