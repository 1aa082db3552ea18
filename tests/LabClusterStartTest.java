// make cluster when its start cannot succeed: a server that is not a node of the lab's cluster on a
// node's port is named at once and nothing is started; a node that dies takes the others it started
// with it. Each through make, as a user runs it, on free ports.

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabClusterStartTest extends WithServer {
    /**
     * The single server of the quick start, left running on the first node's port: make cluster says
     * so in one line before starting anything, instead of forming a cluster without that node and
     * waiting a minute for a leader it asks that server about.
     */
    @Test
    void aServerThatIsNoNodeOnANodesPortIsNamedAtOnceAndNothingIsStarted() throws Exception {
        List<Integer> ports = LabClusterTest.clusterPorts();
        ports.set(0, server.port);
        String config = clusterConfig(ports);
        Path state = Sandbox.labState().resolve("cluster");
        try {
            Run.Result started = LabClusterTest.make("cluster", config);
            assertTrue(started.exit() != 0, started.toString());
            assertTrue(started.err().contains("lab-cluster: n1: the server at nats://127.0.0.1:" + server.port
                    + " is not a node of the lab's cluster (a single server, say): stop it (make server-stop stops one"
                    + " the lab started; another is its owner's), or give the cluster other ports (CLUSTER_CONFIG)\n"), started.toString());
            assertFalse(started.err().contains("leader"), "said before any wait for a leader: " + started);
            for (int i = 1; i < 3; i++) {
                assertFalse(answers(ports.get(i)), "n" + (i + 1) + " was started: " + started);
            }
        } finally {
            LabClusterTest.make("cluster-stop", config);
            Run.deleteTree(state);
        }
    }

    /**
     * n1 cannot start (its route port is taken): make cluster ends with its log, and stops the nodes
     * this run did start: a failed start leaves no server behind that nobody knows about.
     */
    @Test
    void aFailedStartStopsTheNodesItStarted() throws Exception {
        List<Integer> ports = LabClusterTest.clusterPorts();
        String config = clusterConfig(ports);
        Path state = Sandbox.labState().resolve("cluster");
        try (ServerSocket taken = new ServerSocket(ports.get(0) + 2000, 1, InetAddress.getByName("127.0.0.1"))) {
            Run.Result started = LabClusterTest.make("cluster", config);
            assertTrue(started.exit() != 0, started.toString());
            assertTrue(started.err().contains("lab-cluster: n1's log ends with:\n"), started.toString());
            assertTrue(started.err().contains("lab-cluster: stopped the 2 node(s) this run had started\n"), started.toString());
            for (int i = 0; i < 3; i++) {
                assertFalse(answers(ports.get(i)), "n" + (i + 1) + " still runs: " + started);
            }
        } finally {
            LabClusterTest.make("cluster-stop", config);
            Run.deleteTree(state);
        }
    }

    private static String clusterConfig(List<Integer> ports) throws Exception {
        String urls = String.join(",", ports.stream().map(p -> "nats://127.0.0.1:" + p).toList());
        return tomlFile("[runtime]\nmode = \"cluster\"\n\n[nats]\nurl = \"" + urls + "\"\n");
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
