// make cluster / cluster-status / cluster-stop as a user runs them (CLUSTER_CONFIG names the node
// list, here on free ports instead of 4222-4224), and make server-stop leaving alone a server the
// lab did not start.

import io.nats.client.Connection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabClusterTest extends WithServer {
    @Test
    void makeClusterStartsThreeNodesStatusNamesTheLeaderAndStopStopsThem() throws Exception {
        List<Integer> ports = clusterPorts();
        String urls = String.join(",", ports.stream().map(p -> "nats://127.0.0.1:" + p).toList());
        String config = tomlFile("[runtime]\nmode = \"cluster\"\n\n[nats]\nurl = \"" + urls + "\"\n\n[stream]\nreplicas = 3\n");
        Path state = Sandbox.labState().resolve("cluster");
        try {
            Run.Result started = make("cluster", config);
            assertEquals(0, started.exit(), started.toString());
            for (int i = 0; i < 3; i++) {
                assertTrue(started.out().contains("lab-cluster: n" + (i + 1) + " listens at nats://127.0.0.1:" + ports.get(i)
                        + " (routes :" + (ports.get(i) + 2000) + ", monitoring http://127.0.0.1:" + (ports.get(i) + 4000) + ")\n"),
                        started.out());
            }
            assertTrue(started.out().matches("(?s).*lab-cluster: started 3 of 3 nodes; JetStream meta leader: n[123] .*"), started.out());

            Run.Result status = make("cluster-status", config);
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.out().matches("(?s).*lab-cluster: 3 of 3 nodes answer; JetStream meta leader: n[123]\n"), status.out());

            // the scripts use it: an R3 stream over the list
            Run.Result boot = Run.script("JsBootstrap").env("NATS_URL", urls).env("LAB_CONFIG", config).go();
            assertEquals(0, boot.exit(), boot.toString());
            assertTrue(boot.out().startsWith("INFO created stream LAB4_STREAM (subjects: lab4.stream, storage: file, replicas 3)"),
                    boot.out());

            Run.Result stopped = make("cluster-stop", config);
            assertEquals("lab-cluster: stopped 3 node(s) (their stores stay in " + state + "/)\n", stopped.out(), stopped.toString());
            Run.Result after = make("cluster-status", config);
            assertTrue(after.exit() != 0, "no node answers, no leader: a failed status; " + after);
            for (int i = 0; i < 3; i++) {
                assertTrue(after.out().contains("lab-cluster: n" + (i + 1) + " does not answer at nats://127.0.0.1:" + ports.get(i)),
                        after.out());
            }
        } finally {
            make("cluster-stop", config);
            Run.deleteTree(state);
        }
    }

    /** A server the lab did not start answers at the URL: make server-stop says so and leaves it running. */
    @Test
    void serverStopLeavesAloneAServerItDidNotStart() throws Exception {
        Run.Result stop = Run.command("make", "-s", "--no-print-directory", "server-stop").server(server).go();
        assertEquals(0, stop.exit(), stop.toString());
        assertEquals("lab-server: no server started by the lab on port " + server.port + "; nothing to stop\n", stop.out());
        try (Connection nc = connect()) { // still up, and still this test's (connect() checks its name)
            assertEquals(Connection.Status.CONNECTED, nc.getStatus());
        }
    }

    private static Run.Result make(String target, String config) throws Exception {
        return Run.command("make", "-s", "--no-print-directory", target, "CLUSTER_CONFIG=" + config).go();
    }

    /** Three client ports whose route (+2000) and monitoring (+4000) ports are free too. */
    private static List<Integer> clusterPorts() throws IOException {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < 3) {
            int port = NatsServer.freePort();
            if (port + 4000 <= 65535 && free(port + 2000) && free(port + 4000)) {
                ports.add(port);
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
