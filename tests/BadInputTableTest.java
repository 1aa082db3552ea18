// Every row of the README's bad-input table, run as written: the same exit code, the same
// one line on stderr, nothing claimed on stdout, and the stream's message still there.

import io.nats.client.Connection;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTableTest extends WithServer {
    private static final String DOCUMENTED_URL = "nats://127.0.0.1:4222";

    record Row(String number, String command, String expected, int exit) {
        String label() {
            return "row " + number + ": " + command;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRowOfTheReadmeTable() throws Exception {
        List<Row> rows = readmeRows();
        assertTrue(rows.size() >= 25, "the README table should have at least 25 rows, has " + rows.size());
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.label(), () -> check(row)));
    }

    private static void check(Row row) throws Exception {
        bootstrappedWithOneMessage();

        Run.Result result = command(row).go();

        assertEquals(row.exit(), result.exit(), row.label() + "\n" + result);
        List<String> errLines = result.err().lines().toList();
        String expected = expectedLine(row);
        String first = errLines.isEmpty() ? "" : errLines.get(0);
        if (expected.endsWith("…")) {
            assertTrue(first.startsWith(expected.substring(0, expected.length() - 1)), row.label() + "\n" + result);
        } else {
            assertEquals(expected, first, row.label());
        }
        assertEquals(1, errLines.size(), "one line on stderr, no stack trace: " + row.label() + "\n" + result);
        if (row.exit() != 0) {
            assertEquals("", result.out(), "a failure must not report anything as done: " + row.label());
        }
        assertKeepMeIsStillStored(row);
    }

    /** The row's command, run the way bin/jbang would: the alias's script, from the repo root. */
    private static Run command(Row row) {
        List<String> words = words(row.command());
        Map<String, String> env = new LinkedHashMap<>();
        while (words.get(0).matches("[A-Z_]+=.*")) {
            String assignment = words.remove(0);
            env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        }
        int redirect = words.indexOf("<");
        if (redirect >= 0) {
            assertEquals("/dev/null", words.get(redirect + 1), "only `< /dev/null` is understood: " + row.label());
            words = words.subList(0, redirect); // the test's stdin is empty already
        }
        Run run = Run.script(mainClass(words.get(0)), words.subList(1, words.size()).toArray(String[]::new))
                .server(server).in(Run.REPO).env("JETSTREAM_LAB_HOME", Run.REPO.toString()); // as bin/jbang sets it
        env.forEach(run::env);
        return run;
    }

    /** The documented line, with the default URL swapped for this test's server where the row uses it. */
    private static String expectedLine(Row row) {
        boolean ownUrl = row.command().contains("--server") || row.command().contains("NATS_URL=");
        return ownUrl ? row.expected() : row.expected().replace(DOCUMENTED_URL, server.url());
    }

    /** What js-bootstrap and one js-pub leave behind, set up directly to keep each row quick. */
    private static void bootstrappedWithOneMessage() throws Exception {
        server.resetToLabStream();
        try (Connection nc = connect()) {
            nc.jetStream().publish("lab4.stream", "keep me".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void assertKeepMeIsStillStored(Row row) throws Exception {
        try (Connection nc = connect()) {
            byte[] first = nc.jetStreamManagement().getMessage("LAB4_STREAM", 1).getData();
            assertEquals("keep me", new String(first, StandardCharsets.UTF_8), "lost a message: " + row.label());
        }
    }

    /** js-pub -> JsPub */
    private static String mainClass(String alias) {
        StringBuilder name = new StringBuilder();
        for (String part : alias.split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
    }

    private static List<Row> readmeRows() throws Exception {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(Run.REPO.resolve("README.md"))) {
            if (line.startsWith("<!-- bad-input-table")) {
                inTable = true;
            } else if (line.startsWith("<!-- /bad-input-table")) {
                break;
            } else if (inTable && line.matches("\\| \\d+ \\|.*")) {
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
                rows.add(new Row(cells[0], code(cells[2]), code(cells[3]), Integer.parseInt(cells[4].trim())));
            }
        }
        return rows;
    }

    /** The text inside a markdown code span: `x` or `` x `` */
    private static String code(String cell) {
        String text = cell.trim();
        if (text.startsWith("`` ") && text.endsWith(" ``")) {
            return text.substring(3, text.length() - 3);
        }
        assertTrue(text.startsWith("`") && text.endsWith("`"), "not a code span: " + cell);
        return text.substring(1, text.length() - 1);
    }

    /** Splits a command line like a shell: spaces separate words, double quotes group them. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean started = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                started = true;
            } else if (c == ' ' && !quoted) {
                if (started) {
                    words.add(word.toString());
                }
                word.setLength(0);
                started = false;
            } else {
                word.append(c);
                started = true;
            }
        }
        if (started) {
            words.add(word.toString());
        }
        return words;
    }
}
