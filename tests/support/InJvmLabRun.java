// A stand-in for bin/lab-run (RUN=...) for a shell script that runs many scripts, a lab's demo.sh
// under make demo: a small bash file hands each run over a loopback socket to the test JVM, which
// runs the script there (Run.script: in process) and hands back its stdout, stderr and exit code.
// The shell's own logic (its checks, its waits, its background jobs) runs as it is; what goes is a
// script JVM per run. In-process runs take turns, so a run that must go on beside the others (a
// background job) has to stay a process: the test's own lines, put before the handing over, say
// which (`exec bin/lab-run "$@"`), or hold a run back as a busy machine would.

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

final class InJvmLabRun implements AutoCloseable {
    /** The bash file to give as RUN. */
    final Path command;
    private final ServerSocket listening;
    private final NatsServer server;
    private final Thread serving;
    private final AtomicInteger served = new AtomicInteger();
    private volatile Throwable failed;

    /** Sent first by the bash file, which only its owner can read: the port is open to every user of the machine. */
    private final String token;

    private InJvmLabRun(Path command, ServerSocket listening, NatsServer server, String token) {
        this.command = command;
        this.token = token;
        this.listening = listening;
        this.server = server;
        this.serving = new Thread(this::serve, "in-jvm-lab-run");
        this.serving.setDaemon(true);
    }

    /** The bash file in dir, its runs against server; first lines run first, in the bash file, with the run's words in "$@". */
    static InJvmLabRun in(Path dir, NatsServer server, String firstLines) throws Exception {
        ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        byte[] secret = new byte[16];
        new java.security.SecureRandom().nextBytes(secret);
        String token = java.util.HexFormat.of().formatHex(secret);
        Path command = Files.createFile(dir.resolve("in-jvm-run"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Files.writeString(command, """
                #!/usr/bin/env bash
                set -euo pipefail
                %s
                said=$(mktemp -d)
                trap 'rm -rf "$said"' EXIT
                exec 3<>/dev/tcp/127.0.0.1/%d
                printf '%%s\\0' %s "$said" "$PWD" "${LAB_CONFIG-}" "$#" "$@" >&3
                IFS= read -r rc <&3 || rc=
                exec 3<&-
                [ -n "$rc" ] || { echo "in-jvm-run: the test JVM did not run $1" >&2; exit 70; }
                cat "$said/out"
                cat "$said/err" >&2
                exit "$rc"
                """.formatted(firstLines, listening.getLocalPort(), token));
        InJvmLabRun run = new InJvmLabRun(command, listening, server, token);
        run.serving.start();
        return run;
    }

    /** How many runs the test JVM took. */
    int served() {
        return served.get();
    }

    private void serve() {
        while (!listening.isClosed()) {
            boolean ours = false;
            try (Socket client = listening.accept()) {
                client.setSoTimeout(10_000); // the bash file sends its words at once; a silent connection is not its
                InputStream in = client.getInputStream();
                if (!token.equals(field(in))) {
                    continue; // not the bash file's: another user's connection runs nothing here
                }
                ours = true;
                Path said = Path.of(field(in));
                Path pwd = Path.of(field(in));
                String labConfig = field(in);
                int count = Integer.parseInt(field(in));
                List<String> words = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    words.add(field(in));
                }
                Run.Result result = run(words, pwd, labConfig);
                Files.writeString(said.resolve("out"), result.out());
                Files.writeString(said.resolve("err"), result.err());
                OutputStream out = client.getOutputStream();
                out.write((result.exit() + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                served.incrementAndGet();
            } catch (Throwable e) {
                if (ours && !listening.isClosed()) {
                    failed = e; // the run's bash file exits 70 on no answer; close() says why
                }
            }
        }
    }

    /**
     * `ALIAS ARGS...` as bin/lab-run would run it from pwd: --config and --lab-config name files from pwd
     * (the test JVM's working folder is not the shell's), LAB_CONFIG and the lab's folder in the environment.
     */
    private Run.Result run(List<String> words, Path pwd, String labConfig) throws Exception {
        String main = Catalog.scripts().stream().filter(s -> s.alias().equals(words.get(0))).map(Catalog.Script::className)
                .findFirst().orElseThrow(() -> new AssertionError("no script " + words));
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--config") || args.get(i).equals("--lab-config")) {
                args.set(i + 1, pwd.resolve(args.get(i + 1)).toString());
            }
        }
        Run run = Run.script(main, args.toArray(String[]::new)).server(server).env("JETSTREAM_LAB_HOME", Run.REPO.toString());
        return (labConfig.isEmpty() ? run : run.env("LAB_CONFIG", labConfig)).go();
    }

    private static String field(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != 0; b = in.read()) {
            if (b < 0) {
                throw new java.io.EOFException("the run's words ended early");
            }
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Stops taking runs; a run the test JVM could not take fails here. */
    @Override
    public void close() throws Exception {
        listening.close();
        serving.join(10_000);
        Files.deleteIfExists(command);
        if (failed != null) {
            throw new AssertionError("a run handed to the test JVM failed", failed);
        }
    }
}
