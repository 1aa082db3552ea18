// `make demo LAB=lab5_consumers_at_work` as a learner runs it: the whole lab in one go against a real
// nats-server, with a slow worker, and stopped with Ctrl-C halfway: then nothing it started is left running.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Lab5DemoTest extends WithServer {
    private static final String LAB = Lab5LessonTest.LAB;

    /**
     * `make demo LAB=lab5_...` runs the whole lab; it starts from its own clean slate, so after the lesson too.
     * Worker B's every start is held back 15 s, as a JVM starts on a busy machine: the sections must still show
     * their points (both workers get jobs, B gets the long job again while A works), not quietly the opposite.
     * demo.sh runs as make runs it, its checks and background workers real; its foreground steps run in this JVM.
     */
    @Test
    void theDemoRunsEndToEndWithASlowWorker() throws Exception {
        Path dir = Files.createTempDirectory("lab5-demo");
        Run.Result demo;
        // a background worker goes on beside the steps (in-process runs take turns): its own process, as before
        try (InJvmLabRun run = InJvmLabRun.in(dir, server, "case \" $* \" in *\" --label B \"*) sleep 15 ;; esac\n"
                + "case \" $* \" in *\" --work-ms \"*) exec " + Run.REPO.resolve("bin/lab-run") + " \"$@\" ;; esac")) {
            demo = Run.command("make", "demo", "LAB=" + LAB, "RUN=" + run.command).server(server).timeout(900).go();
            assertTrue(run.served() > 0, "no step ran in the test JVM");
        } finally {
            Files.delete(dir);
        }
        assertEquals(0, demo.exit(), demo.toString());
        assertTrue(demo.out().contains("--- worker A said:\nINFO [A] pulled message"), demo.toString());
        assertTrue(demo.out().contains("--- worker B said:\nINFO [B] pulled message"), demo.toString());
        assertTrue(demo.err().contains("ERROR stream LAB5_QUEUE is a work queue"), demo.toString());
        assertTrue(demo.out().contains("INFO [B] pulled message: \"long job\" (delivery 2)"), demo.toString());
        assertTrue(demo.out().contains("INFO terminated: the server will not deliver it again"), demo.toString());
        assertTrue(demo.err().contains("ERROR only 3 of 4 messages confirmed by a PubAck"), demo.toString());
    }

    /**
     * Ctrl-C while two workers run in the background: the terminal sends SIGINT to the demo's whole process
     * group, and a non-interactive shell starts background jobs with SIGINT ignored, so only the demo's exit
     * trap can stop them. Once the demo has ended, no process of its group is left (by process group, not by
     * name: other runs share this machine), and what each worker said is printed.
     */
    @Test
    void ctrlCLeavesNoWorkerRunning() throws Exception {
        // setsid: the demo leads a process group of its own, as a shell's foreground job does
        Run.Started demo = Run.command("setsid", "bash", "labs/" + LAB + "/demo.sh").env("LAB_CONFIG", "labs/" + LAB
                + "/config.toml").env("LAB_DEMO", LAB).server(server).timeout(300).withSigintAtDefault().start(); // as in a terminal
        try {
            demo.awaitOut("# worker B"); // worker A works in the background; B is starting
            long group = demo.pid();
            assertTrue(inGroup(group).size() > 1, "the demo and its worker A run: " + inGroup(group));
            new ProcessBuilder("kill", "-INT", "--", "-" + group).inheritIO().start().waitFor();
            Run.Result ended = demo.finish();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); // gone as the demo ends: no worker's own end
            while (!inGroup(group).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(List.of(), inGroup(group), "left running after the demo ended: " + ended);
            assertEquals(130, ended.exit(), ended.toString());
            assertTrue(ended.out().contains("--- worker A said (stopped with the demo):\nINFO [A] pulled message"),
                    "a run ending early says what it did, its background workers too: " + ended);
        } finally {
            demo.close();
        }
    }

    /** The processes of this process group, as "pid command" lines. */
    private static List<String> inGroup(long group) throws Exception {
        Process ps = new ProcessBuilder("ps", "-e", "-o", "pgid=,pid=,args=").start();
        List<String> found = new ArrayList<>();
        for (String line : new String(ps.getInputStream().readAllBytes()).lines().toList()) {
            String[] words = line.trim().split("\\s+", 3);
            if (words.length == 3 && words[0].equals(String.valueOf(group))) {
                found.add(words[1] + " " + words[2]);
            }
        }
        ps.waitFor();
        return found;
    }
}
