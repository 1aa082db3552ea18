// make cluster / cluster-status / cluster-stop as a user runs them (CLUSTER_CONFIG names the node
// list, here on free ports instead of 4222-4224), the lab README's cluster chapter replayed command
// by command. (make server-stop leaving alone a server the lab did not start: LabServerTest.)

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(Scratch.class)
class LabClusterTest {
    /**
     * A NATS_URL left exported from the single server outranks the cluster config's list: make cluster
     * says so in one WARN line, and its lone node, which cannot form a JetStream cluster, ends at once
     * with the last lines of its log instead of a silent wait for a leader.
     */
    @Test
    void aLeftoverNatsUrlIsNamedAndAFailedStartShowsTheLog() throws Exception {
        List<Integer> ports = clusterPorts();
        String urls = String.join(",", ports.stream().map(p -> "nats://127.0.0.1:" + p).toList());
        String config = Scratch.toml("[runtime]\nmode = \"cluster\"\n\n[nats]\nurl = \"" + urls + "\"\n").toString();
        String leftover = "nats://127.0.0.1:" + ports.get(0);
        Path state = Sandbox.labState().resolve("cluster");
        try {
            Run.Result started = Run.command("make", "-s", "--no-print-directory", "cluster", "CLUSTER_CONFIG=" + config)
                    .env("NATS_URL", leftover).go();
            assertTrue(started.exit() != 0, started.toString());
            assertTrue(started.err().startsWith("lab-server: WARN NATS_URL=" + leftover + " (from your environment) replaces"
                    + " the URL list of " + config + ": the cluster would be only the 1 node(s) it names; unset NATS_URL (then"
                    + " the config's list is used), or give NATS_URL all three of the cluster's URLs, comma-separated\n"
                    + "lab-cluster: n1's log ends with:\n"), started.toString());
            assertTrue(started.err().contains("[FTL] Can't start JetStream"), started.toString());
            assertTrue(started.err().contains("lab-cluster: a node stopped while the cluster started"),
                    started.toString());
        } finally {
            // with the same NATS_URL: the settings make cluster read, kept (no second read), name the node it started
            Run.command("make", "-s", "--no-print-directory", "cluster-stop", "CLUSTER_CONFIG=" + config).env("NATS_URL", leftover).go();
            Run.deleteTree(state);
        }
    }

    /**
     * make cluster-status names each stream and consumer a node's /jsz lists as the scripts show a server's words: its
     * JSON escapes read back, then a control or a bidi mark as \\u{..}, a letter past ASCII as itself and a backslash
     * doubled, so a name holding a real ESC and the typed text \\x{1b} read differently, and a newline in one starts no line. A fake
     * node (its INFO and its /jsz) on a port of its own, status asked directly.
     */
    @Test
    void statusShowsTheNamesOfAServerEscaped() throws Exception {
        int port = clusterPorts().get(0);
        String stream = "S\u001b\\x{1b}\n\u00e9\u202e";
        String jsz = "{\"meta_cluster\":{\"name\":\"lab\",\"leader\":\"n1\"},\"account_details\":[{\"name\":\"$G\",\"stream_detail\":[{"
                + "\"name\":" + FakeNatsServer.json(stream) + ",\"cluster\":{\"name\":\"lab\",\"leader\":\"n1\"},\"consumer_detail\":[{"
                + "\"stream_name\":" + FakeNatsServer.json(stream) + ",\"name\":" + FakeNatsServer.json("c\\\"1")
                + ",\"cluster\":{\"name\":\"lab\",\"leader\":\"n1\"}}]}]}]}";
        com.sun.net.httpserver.HttpServer monitoring = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", port + 4000), 10);
        monitoring.createContext("/jsz", exchange -> {
            byte[] body = jsz.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        monitoring.start();
        try (ServerSocket client = new ServerSocket(port, 10, java.net.InetAddress.getByName("127.0.0.1"))) {
            Thread greeter = new Thread(() -> {
                while (!client.isClosed()) {
                    try (java.net.Socket one = client.accept()) {
                        one.getOutputStream().write("INFO {\"server_name\":\"n1\",\"cluster\":\"lab\"}\r\n".getBytes());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            greeter.setDaemon(true);
            greeter.start();
            Run.Result status = Run.command(Run.REPO.resolve("bin/lab-cluster").toString(), "status", String.valueOf(port))
                    .env("LAB_STATE_DIR", Scratch.dir().toString()).go();
            assertEquals(0, status.exit(), status.toString());
            String shown = "S\\u{1b}\\\\x{1b}\\n\u00e9\\u{202e}";
            assertEquals("lab-cluster: n1 answers at nats://127.0.0.1:" + port + "\n"
                    + "lab-cluster: 1 of 1 nodes answer; JetStream meta leader: n1\n"
                    + "lab-cluster: stream " + shown + ": leader n1, every replica that answers is current\n"
                    + "lab-cluster: consumer c\\\\\"1 of stream " + shown + ": leader n1\n", status.out());
        } finally {
            monitoring.stop(0);
        }
    }

    private static final String CHAPTER = "Replicas and losing a node";
    private static final String DOCUMENTED_CONFIG = "labs/lab4_jetstream_basics/config.cluster.toml";
    private static final List<Integer> DOCUMENTED_PORTS = List.of(4222, 4223, 4224);
    /** The stream's leader, as make cluster-status names it. */
    private static final Pattern LEADER = Pattern.compile("lab-cluster: stream LAB4_STREAM: leader (n[123]),.*");

    /**
     * The lab README's "Replicas and losing a node", as a learner types it: every ```bash block in
     * order, through make and bash, on the documented config with free ports in place of 4222-4224;
     * each prints the block that follows it. Nothing waits between the commands but what the chapter
     * shows (make cluster-status waits for the leaders). Each kill hits the stream's leader that the
     * step before named, as the README says; node names, a consumer replica catching up and the bulk
     * run's figures are masked, as the chapter's last paragraph says. make cluster names each node's own
     * ports (routes 2000 and monitoring 4000 above), and after make cluster-stop no node answers.
     */
    @Test
    void theClusterChapterOfTheLabReadmePlaysAsShown() throws Exception {
        List<Integer> ports = clusterPorts();
        Path config = Files.writeString(Files.createTempFile(Scratch.dir(), "cluster-", ".toml"),
                swapPorts(Files.readString(Run.REPO.resolve(DOCUMENTED_CONFIG)), ports));
        Path state = Sandbox.labState().resolve("cluster");
        int kills = 0;
        boolean portsSeen = false;
        boolean madeRun = false;
        boolean stoppedAtTheEnd = false;
        try {
            String leader = null; // as the last step printed it
            for (LessonTest.Step step : chapterSteps()) {
                List<String> printed = new ArrayList<>();
                // a block with a background job runs as one script; the others command by command
                List<String> commands = step.commands().stream().anyMatch(c -> c.endsWith("&"))
                        ? List.of(String.join("\n", step.commands())) : step.commands();
                for (String command : commands) {
                    String typed = swapPorts(command, ports).replace(DOCUMENTED_CONFIG, config.toString())
                            .replace(".lab/cluster/", state + "/");
                    if (typed.contains("kill -9")) {
                        assertTrue(leader != null, "the step before names the stream's leader: " + step);
                        typed = typed.replaceAll("/n[123]/pid", "/" + leader + "/pid");
                        kills++;
                    }
                    // after the first `make run`, as the lab's other replays do: the script run make would start, in this JVM
                    Run inside = madeRun ? MakeRun.script(typed + " LAB_CONFIG=" + config) : null;
                    madeRun |= typed.startsWith("make run ");
                    Run.Result result = inside != null ? inside.stderrOnStdout().timeout(300).go()
                            : Run.command("bash", "-c", "{\n" + typed + "\n} 2>&1").env("LAB_CONFIG", config.toString())
                            .env("CLUSTER_CONFIG", config.toString()).timeout(300).go();
                    if (inside != null && result.out().contains("leader none right now (an election takes seconds")) {
                        // an election began after cluster-status saw the leaders (a busy machine, a node just back): as
                        // the line says, it takes seconds, so run it again once they are back, as a learner would
                        WithServer.ok(make("cluster-status", config.toString()));
                        result = MakeRun.script(typed + " LAB_CONFIG=" + config).stderrOnStdout().timeout(300).go();
                    }
                    List<String> lines = result.outLines().stream()
                            .filter(line -> !line.startsWith("make: ***") && !line.startsWith("WARN lost the connection")).toList();
                    if (typed.contains("--count")) { // the bulk run: its figures, checked below
                        lines = bulkRun(lines);
                    }
                    if (typed.equals("make cluster") && !portsSeen) { // the ports each node took, which the comparison masks
                        portsSeen = true;
                        for (int i = 0; i < 3; i++) {
                            assertTrue(result.out().contains("lab-cluster: n" + (i + 1) + " listens at nats://127.0.0.1:" + ports.get(i)
                                    + " (routes :" + (ports.get(i) + 2000) + ", monitoring http://127.0.0.1:" + (ports.get(i) + 4000)
                                    + ")\n"), result.out());
                        }
                    }
                    printed.addAll(lines);
                }
                List<String> expected = step.expected();
                if (step.commands().stream().anyMatch(c -> c.contains("--count"))) {
                    expected = bulkRun(expected);
                }
                // which node is down varies, and with it the order of the lines naming nodes: compared sorted
                assertEquals(normalized(swapPorts(String.join("\n", expected), ports), state),
                        normalized(String.join("\n", printed), state), step.commands() + "\n" + String.join("\n", printed));
                for (String line : printed) {
                    Matcher m = LEADER.matcher(line);
                    if (m.matches()) {
                        leader = m.group(1);
                    }
                }
            }
            assertEquals(2, kills, "the chapter kills a leader twice");
            // as the chapter goes on: the killed node comes back, and cluster-status waits for the leaders
            make("cluster", config.toString());
            String status = make("cluster-status", config.toString()).out();
            assertEquals(100_002, streamMessages(config), "the bulk run's retries stored no second copies");
            aLeaderStoppedForAMomentIsWaitedFor(config, state, ports, status);
            aMajorityDownLeavesNoLeaderNamed(config, state, status);

            Run.Result stopped = make("cluster-stop", config.toString());
            stoppedAtTheEnd = stopped.exit() == 0;
            assertEquals("lab-cluster: stopped 3 node(s) (their stores stay in " + state + "/)\n", stopped.out(), stopped.toString());
            Run.Result after = make("cluster-status", config.toString());
            assertTrue(after.exit() != 0, "no node answers, no leader: a failed status; " + after);
            for (int i = 0; i < 3; i++) {
                assertTrue(after.out().contains("lab-cluster: n" + (i + 1) + " does not answer at nats://127.0.0.1:" + ports.get(i)),
                        after.out());
            }
        } finally {
            if (!stoppedAtTheEnd) {
                make("cluster-stop", config.toString());
            }
            Run.deleteTree(state);
        }
    }

    /**
     * The stream's leader stopped (SIGSTOP) as make cluster-status begins, and going on 3 s later: the
     * status waits for it as for any node that is back, says so, and ends naming the stream's leader,
     * exit 0 (not "no leader yet" for a node that answers again, nor a list without the stream).
     */
    private static void aLeaderStoppedForAMomentIsWaitedFor(Path config, Path state, List<Integer> ports, String status) throws Exception {
        Matcher named = LEADER.matcher(status.lines().filter(line -> LEADER.matcher(line).matches()).findFirst().orElse(""));
        assertTrue(named.matches(), status);
        String leader = named.group(1);
        String pid = Files.readString(state.resolve(leader).resolve("pid")).strip();
        Run.Result paused;
        try (Run.Started later = Run.command("make", "-s", "--no-print-directory", "cluster-status", "CLUSTER_CONFIG=" + config)
                .timeout(120).start()) {
            Run.command("kill", "-STOP", pid).go();
            Thread.sleep(3_000);
            Run.command("kill", "-CONT", pid).go();
            paused = later.finish();
        } finally {
            Run.command("kill", "-CONT", pid).go();
        }
        int port = ports.get(Integer.parseInt(leader.substring(1)) - 1);
        assertEquals(0, paused.exit(), paused.toString());
        assertTrue(paused.out().matches("(?s).*lab-cluster: stream LAB4_STREAM: leader n[123], every replica that answers is current\n.*"),
                paused.toString());
        assertTrue(!paused.out().contains(leader + " does not answer at nats://127.0.0.1:" + port)
                || paused.out().contains(leader + " answers at nats://127.0.0.1:" + port + " now\n"), paused.toString());
    }

    /**
     * The two nodes that do not lead JetStream's metadata stopped: the one left still names itself leader in
     * its own view, but without a majority no leader is one, and cluster-status says so (exit 2 through make).
     */
    private static void aMajorityDownLeavesNoLeaderNamed(Path config, Path state, String status) throws Exception {
        Matcher meta = Pattern.compile("(?m)JetStream meta leader: (n[123])$").matcher(status);
        assertTrue(meta.find(), status);
        List<String> pids = new ArrayList<>();
        for (String node : List.of("n1", "n2", "n3")) {
            if (!node.equals(meta.group(1))) {
                pids.add(Files.readString(state.resolve(node).resolve("pid")).strip());
            }
        }
        Run.Result alone;
        try {
            pids.forEach(pid -> uncheckedRun("kill", "-STOP", pid));
            alone = make("cluster-status", config.toString());
        } finally {
            pids.forEach(pid -> uncheckedRun("kill", "-CONT", pid));
        }
        assertTrue(alone.exit() != 0, alone.toString());
        assertTrue(alone.out().contains("lab-cluster: 1 of 3 nodes answer; no JetStream meta leader (a majority, 2 nodes, must be up)\n"),
                alone.toString());
        assertTrue(!alone.out().contains(": leader "), alone.toString());
        make("cluster-status", config.toString()); // settled again, for what follows
    }

    private static void uncheckedRun(String... command) {
        try {
            Run.command(command).go();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The chapter's ```bash blocks, each with the output block after it. */
    private static List<LessonTest.Step> chapterSteps() throws Exception {
        List<LessonTest.Step> steps = new ArrayList<>();
        List<String> commands = null;
        for (LessonTest.Block block : LessonTest.blocks()) {
            if (!block.chapter().equals(CHAPTER)) {
                continue;
            }
            if (block.info().equals("bash")) {
                commands = block.lines().stream().map(c -> c.replaceAll("\\s+#.*", "")).filter(c -> !c.isBlank()).toList();
            } else if (block.info().isEmpty() && commands != null) {
                steps.add(new LessonTest.Step(CHAPTER, commands, block.lines()));
                commands = null;
            }
        }
        assertEquals(4, steps.size(), "the chapter's steps: " + steps);
        return steps;
    }

    /** The bulk run's lines as the README states them: its WARN lines and last line in shape, not figures. */
    private static List<String> bulkRun(List<String> lines) {
        List<String> shapes = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("WARN ") && (line.contains(" got no PubAck (") || line.startsWith("WARN no PubAck has come for "))) {
                continue; // how many rounds a failover takes, and whether its election lasts long enough to be said, varies
            }
            shapes.add(line.replaceAll("\\d[\\d,.]*", "N").replaceAll("; N sent again after a failover.*", ""));
        }
        return shapes;
    }

    /** Node names and ports as the run's: a leader (and so the node killed) varies by run. */
    private static List<String> normalized(String text, Path state) {
        // a consumer's replica on the node brought back may lag (and stay unheard from) a while on 2.9.10 (the README says so)
        return text.replaceAll("(not current( \\(lag [\\d,]+ operations?\\))?|current as far as the leader knows)(, up: it answered|, "
                + "last heard from [0-9hms]+ ago: down, cut off from the leader, or not caught up yet after a restart)?", "current")
                .replace(state + "/", ".lab/cluster/").replaceAll("\\bn[123]\\b", "n?").replaceAll("\\b\\d{4,5}\\b", "PORT")
                .lines().sorted().toList();
    }

    private static String swapPorts(String text, List<Integer> ports) {
        // in one pass, whole numbers only: a port taken may hold a documented one (42235 holds 4223)
        java.util.Map<String, String> swapped = new java.util.HashMap<>();
        for (int i = 0; i < 3; i++) {
            for (int offset : new int[] {0, 2000, 4000}) {
                swapped.put(String.valueOf(DOCUMENTED_PORTS.get(i) + offset), String.valueOf(ports.get(i) + offset));
            }
        }
        return Pattern.compile("\\b(" + String.join("|", swapped.keySet()) + ")\\b").matcher(text)
                .replaceAll(m -> swapped.get(m.group(1)));
    }

    private static long streamMessages(Path config) throws Exception {
        Run.Result info = WithServer.ok(Run.script("JsInfo").env("LAB_CONFIG", config.toString()).go());
        return Long.parseLong(info.outLines().get(2).replaceAll("^  messages: +([\\d,]+) .*", "$1").replace(",", ""));
    }

    static Run.Result make(String target, String config) throws Exception {
        return Run.command("make", "-s", "--no-print-directory", target, "CLUSTER_CONFIG=" + config).go();
    }

    /** Three client ports whose route (+2000) and monitoring (+4000) ports are free too. */
    static List<Integer> clusterPorts() throws IOException {
        List<Integer> ports = new ArrayList<>();
        java.util.Set<Integer> taken = new java.util.HashSet<>(); // client, route and monitoring ports of the nodes so far
        while (ports.size() < 3) {
            int port = NatsServer.freePort(); // free now, so the OS may give the same one again: each node its own
            List<Integer> own = List.of(port, port + 2000, port + 4000);
            if (port + 4000 <= 65535 && own.stream().noneMatch(taken::contains) && free(port + 2000) && free(port + 4000)) {
                ports.add(port);
                taken.addAll(own);
            }
        }
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
