///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS org.junit.jupiter:junit-jupiter:6.1.3
//DEPS org.junit.platform:junit-platform-launcher:6.1.3
//SOURCES ../scripts/*.java
//SOURCES support/*.java
//SOURCES *Test.java
//DESCRIPTION Runs the lab's tests (each test class starts its own nats-server).
//
// The scripts' own //DEPS come along through //SOURCES, so versions live in one place.
// Usage: jbang tests/RunTests.java [ClassName ...]   (default: every *Test class)

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

public class RunTests {
    public static void main(String... args) throws Exception {
        // The tests are compiled into the same jar (or folder) as this runner: scan just that.
        Path compiled = Path.of(RunTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String pattern = args.length == 0 ? ".*Test" : String.join("|", args);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClasspathRoots(Set.of(compiled)))
                .filters(ClassNameFilter.includeClassNamePatterns(pattern))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, new ProgressPrinter(), summary);

        TestExecutionSummary result = summary.getSummary();
        if (result.getTotalFailureCount() > 0) {
            System.out.println();
            result.printFailuresTo(new PrintWriter(System.out, true), 25);
        }
        long passed = result.getTestsSucceededCount();
        long failed = result.getTotalFailureCount();
        long skipped = result.getTestsSkippedCount() + result.getTestsAbortedCount();
        System.out.printf("%n%d passed, %d failed, %d skipped%n", passed, failed, skipped);
        System.exit(failed > 0 || passed == 0 ? 1 : 0);
    }

    /** One line per test as it ends, so a long run shows where it is. */
    static final class ProgressPrinter implements TestExecutionListener {
        private final Map<String, Long> started = new HashMap<>();

        @Override
        public void executionStarted(TestIdentifier test) {
            started.put(test.getUniqueId(), System.nanoTime());
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            System.out.printf("  skip %s (%s)%n", name(test), reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            boolean failed = result.getStatus() != TestExecutionResult.Status.SUCCESSFUL;
            if (!test.isTest() && !failed) {
                return;
            }
            long millis = (System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime())) / 1_000_000;
            String status = switch (result.getStatus()) {
                case SUCCESSFUL -> "  ok  ";
                case ABORTED -> "  skip";
                case FAILED -> "  FAIL";
            };
            System.out.printf("%s %s (%.1f s)%n", status, name(test), millis / 1000.0);
        }

        private static String name(TestIdentifier test) {
            String[] parts = test.getUniqueId().split("/");
            String owner = Arrays.stream(parts).filter(p -> p.startsWith("[class:")).findFirst()
                    .map(p -> p.substring(7, p.length() - 1)).orElse("");
            return owner + " > " + test.getDisplayName();
        }
    }
}
