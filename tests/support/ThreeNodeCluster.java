// Three real nats-server processes forming one JetStream cluster, as bin/lab-cluster starts them
// (flags only), but with temp stores, on ports chosen outside the kernel's ephemeral range (so no
// connection or port-0 server takes one while its node is down); a node counts as up when the
// server answering on that port shows the server ID our process logged at its start. A node whose
// port another program took meanwhile does not start.

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

public final class ThreeNodeCluster implements AutoCloseable {
    /** One server of the cluster: n1, n2 or n3. */
    static final class Node {
        final String name;
        /** Kept across restarts, outside the ports the kernel hands out (NatsServer.steadyPort). */
        int port;
        final int routePort;
        final Path store;
        final Path log;
        Process process;

        Node(String name, Path root) throws IOException {
            this.name = name;
            this.port = NatsServer.steadyPort();
            this.routePort = NatsServer.steadyPort();
            this.store = Files.createDirectories(root.resolve(name));
            this.log = root.resolve(name + ".log");
        }

        String url() {
            return "nats://127.0.0.1:" + port;
        }

        boolean running() {
            return process != null && process.isAlive();
        }
    }

    private final Path root;
    private final List<Node> nodes = new ArrayList<>();

    private ThreeNodeCluster() throws IOException {
        root = Files.createTempDirectory("nats-cluster-");
        for (String name : List.of("n1", "n2", "n3")) {
            nodes.add(new Node(name, root));
        }
    }

    /**
     * Starts all three and waits for a JetStream meta leader; stops what it started if that fails. A port
     * is free when it is chosen, not held until the node binds it: when another program took one
     * meanwhile, the three start again on new ports (twice at most).
     */
    static ThreeNodeCluster start() throws Exception {
        for (int attempt = 1; ; attempt++) {
            ThreeNodeCluster cluster = new ThreeNodeCluster();
            try {
                for (Node node : cluster.nodes) {
                    cluster.launch(node);
                }
                cluster.awaitMetaLeader();
                return cluster;
            } catch (Exception | Error e) {
                boolean portTaken = cluster.aPortWasTaken();
                cluster.close();
                if (!portTaken || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Whether a node could not bind one of its ports (nats-server's log says so before it exits). */
    private boolean aPortWasTaken() {
        for (Node node : nodes) {
            try {
                if (Files.exists(node.log) && Files.readString(node.log).contains("address already in use")) {
                    return true;
                }
            } catch (IOException unreadable) {
                // then it is not known: the failure stands
            }
        }
        return false;
    }

    /** Every node's URL, comma-separated: what a user puts in --server or [nats] url. */
    String urls() {
        return nodes.stream().map(Node::url).collect(Collectors.joining(","));
    }

    List<Node> nodes() {
        return nodes;
    }

    Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
    }

    /** SIGKILL, as a crash would: no goodbye to the other nodes. */
    void kill9(Node node) throws Exception {
        node.process.destroyForcibly();
        node.process.waitFor();
    }

    /** SIGSTOP: the node holds its connections but answers nothing, as a stalled machine would. Back once the kernel shows it stopped. */
    void pause(Node node) throws Exception {
        signal(node, "-STOP");
        await(node.name + " to show as stopped", () -> stateOf(node), state -> state.equals("T") || state.equals("t"));
    }

    /** The process state the kernel shows for the node: R, S, T (stopped)... */
    static String stateOf(Node node) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(node.process.pid()), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }

    /** SIGCONT after pause; harmless on a node that is not paused. */
    void resume(Node node) throws Exception {
        signal(node, "-CONT");
    }

    private static void signal(Node node, String signal) throws Exception {
        if (new ProcessBuilder("kill", signal, String.valueOf(node.process.pid())).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + node.name + " failed");
        }
    }

    /** Starts a killed node again, on its ports and store. */
    void restart(Node node) throws Exception {
        if (node.running()) {
            throw new IllegalStateException(node.name + " is still running");
        }
        launch(node);
    }

    /** All three running and none stopped, whatever a test left: a failed test's kill is not the next test's. */
    void whole() throws Exception {
        for (Node node : nodes) {
            if (node.running()) {
                resume(node);
            } else {
                launch(node);
            }
        }
    }

    /** A jnats connection to whichever node answers, for checking what the scripts did. */
    Connection connect() throws Exception {
        return Nats.connect(new Options.Builder().servers(nodes.stream().filter(Node::running).map(Node::url)
                .toArray(String[]::new)).connectionTimeout(Duration.ofSeconds(5))
                .errorListener(new ErrorListener() { // jnats' default one logs each lost node and flow control message
                }).build());
    }

    /** The stream's cluster state once it satisfies the condition (a leader elected, all current...). */
    ClusterInfo awaitStream(String stream, Predicate<ClusterInfo> condition, String what) throws Exception {
        return await(what, () -> {
            try (Connection nc = connect()) {
                return nc.jetStreamManagement().getStreamInfo(stream).getClusterInfo();
            }
        }, condition);
    }

    ClusterInfo awaitConsumer(String stream, String consumer, Predicate<ClusterInfo> condition, String what)
            throws Exception {
        return await(what, () -> {
            try (Connection nc = connect()) {
                return nc.jetStreamManagement().getConsumerInfo(stream, consumer).getClusterInfo();
            }
        }, condition);
    }

    static boolean hasLeader(ClusterInfo cluster) {
        return cluster != null && cluster.getLeader() != null;
    }

    /**
     * Every copy current; or, after 20 s, a leader and every copy running: enough for a kill of any one
     * node to leave two that elect a new leader. nats-server 2.9.10 often reports a restarted
     * node's copy of an idle consumer some entries behind for minutes, until the group has new work
     * (its leader learns where a copy is from the copy's answers to new entries).
     */
    static Predicate<ClusterInfo> settled() {
        long lenientFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        return cluster -> allCurrent(cluster) || System.nanoTime() > lenientFrom && hasLeader(cluster)
                && cluster.getReplicas() != null && cluster.getReplicas().stream().noneMatch(Replica::isOffline);
    }

    static boolean allCurrent(ClusterInfo cluster) {
        return hasLeader(cluster) && cluster.getReplicas() != null
                && cluster.getReplicas().stream().allMatch(r -> r.isCurrent() && !r.isOffline());
    }

    static String describe(ClusterInfo cluster) {
        if (cluster == null) {
            return "no cluster info";
        }
        return "leader " + cluster.getLeader() + ", replicas " + (cluster.getReplicas() == null ? "[]"
                : cluster.getReplicas().stream().map(ThreeNodeCluster::describe).toList());
    }

    private static String describe(Replica r) {
        return r.getName() + (r.isOffline() ? " offline" : r.isCurrent() ? " current" : " lag " + r.getLag());
    }

    interface Ask<T> {
        T ask() throws Exception;
    }

    /** Asks until the answer satisfies the condition, for up to 60s: elections and restarts take seconds. */
    static <T> T await(String what, Ask<T> ask, Predicate<T> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                T answer = ask.ask();
                if (condition.test(answer)) {
                    return answer;
                }
                last = answer instanceof ClusterInfo info ? describe(info) : answer;
            } catch (JetStreamApiException | IOException | IllegalStateException e) {
                last = e; // no leader yet: the API answers 10008, or not at all
            }
            Thread.sleep(200);
        }
        throw new AssertionError("waited 60s for " + what + "; last seen: " + last);
    }

    /**
     * A metadata leader, and every running node a JetStream peer it can place a replica on: an R3
     * stream can be made (a test right after a start or restart would otherwise get "no suitable
     * peers for placement, peer offline", more often the faster it comes).
     */
    void awaitMetaLeader() throws Exception {
        await("a JetStream meta leader", () -> {
            try (Connection nc = connect()) {
                nc.jetStreamManagement().getAccountStatistics(); // answers once the metadata has a leader
                return true;
            }
        }, ok -> ok);
        int replicas = (int) nodes.stream().filter(Node::running).count();
        await("every running node to take a replica", () -> {
            try (Connection nc = connect()) {
                var jsm = nc.jetStreamManagement();
                jsm.addStream(io.nats.client.api.StreamConfiguration.builder().name("PEERS_PROBE").subjects("peers.probe")
                        .replicas(replicas).build());
                jsm.deleteStream("PEERS_PROBE");
                return true;
            }
        }, ok -> ok);
    }

    /** Starts a node on its ports and store (a restart: the same ones again). */
    private void launch(Node node) throws Exception {
        String routes = nodes.stream().filter(other -> other != node)
                .map(other -> "nats://127.0.0.1:" + other.routePort).collect(Collectors.joining(","));
        List<String> command = new ArrayList<>(List.of(NatsServer.binary(), "-n", node.name, "-a", "127.0.0.1",
                "-p", String.valueOf(node.port), "-js", "-sd", node.store.toString(),
                "--cluster_name", "lab",
                "--cluster", "nats://127.0.0.1:" + node.routePort, "--routes", routes));
        Run.countServer();
        long logged = Files.exists(node.log) ? Files.size(node.log) : 0; // a restart appends: its ID comes after this
        // its working directory is its own store: what nats-server writes to a relative path (raft's meta.inf,
        // meta.sum) stays out of whatever folder started it, the repository under make bench
        node.process = new ProcessBuilder(command).directory(node.store.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(node.log.toFile())).start();
        await(node.name + " to answer on its port with the server ID it logged", () -> {
            if (!node.process.isAlive()) {
                String log = Files.readString(node.log); // its end says why: a start's first lines are all alike
                throw new AssertionError(node.name + " exited: ..." + log.substring(Math.max(0, log.length() - 1500)));
            }
            String id = NatsServer.loggedId(node.log, logged);
            return id != null && NatsServer.answersWith(node.port, "\"server_id\":\"" + id + "\"");
        }, ok -> ok);
    }

    @Override
    public void close() throws Exception {
        for (Node node : nodes) {
            if (node.process != null) {
                node.process.destroy();
            }
        }
        for (Node node : nodes) {
            if (node.process != null && !node.process.waitFor(10, TimeUnit.SECONDS)) {
                node.process.destroyForcibly().waitFor();
            }
        }
        Run.deleteTree(root);
    }
}
