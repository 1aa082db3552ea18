// Every row of the README's bad-input table, run as written: the same exit code, the same
// one line on stderr, nothing claimed on stdout, and the stream as it was (its message still there,
// nothing added, no other stream made). Every line
// of the table must be a row this test understands, and every row must run to its end; a row that
// exits 0 must also have done its job.

import io.nats.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

    private static final java.util.regex.Pattern DEAD_PORT = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:1(?![0-9])");
    private static int deadPort;
    private static final List<Row> rows = new ArrayList<>();
    private static final Set<String> finished = Collections.synchronizedSet(new TreeSet<>());
    /** The row run as a process from the repo root, though its files could be copied. */
    private static Row asAProcess;

    @TestFactory
    Stream<DynamicTest> everyRowOfTheReadmeTable() throws Exception {
        rows.addAll(readmeRows());
        deadPort = NatsServer.deadPort();
        // what running from the repo root as a process shows, kept for one row: the first that names a file
        // there and exits 0, as it checks the most (its warning, and the message it stored)
        asAProcess = rows.stream().filter(row -> row.exit() == 0 && !repoFiles(words(row.command())).isEmpty())
                .findFirst().orElseThrow();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.label(), () -> {
            check(row);
            finished.add(row.number());
        }));
    }

    /**
     * A refused value reads one way in every row, as the README says above the table:
     * ERROR <where>: <value> is not valid: <what it must be>; never "<what> must be ..., got <value>".
     */
    @org.junit.jupiter.api.Test
    void aRefusedValueHasOneForm() throws Exception {
        java.util.regex.Pattern form = java.util.regex.Pattern.compile(
                "ERROR (flag -[-\\w]+|env \\w+|-H \\S+|context .+|\\S+:\\d+ \\S+( \\S+)?): .+ is not valid: .+");
        for (Row row : readmeRows()) {
            assertTrue(!row.expected().matches(".* must be .*, got .*"), "the other form: " + row);
            assertTrue(!row.expected().contains(" is not valid: ") || form.matcher(row.expected()).matches(), row.toString());
        }
    }

    /**
     * Every numeric flag of every script keeps a rule of its own for a value that is no number of its
     * type (a word, or past a long): its range, never the type's (--window takes at most 100000, not
     * 9223372036854775807). Run in this JVM, with no server: the flag is refused before any connection.
     */
    @org.junit.jupiter.api.Test
    void aNumberPastItsTypeGetsItsFlagsOwnRange() throws Exception {
        for (String script : Catalog.classNames()) {
            Object command = Class.forName(script).getDeclaredConstructor().newInstance();
            picocli.CommandLine.Model.CommandSpec spec = new picocli.CommandLine(command).getCommandSpec();
            for (picocli.CommandLine.Model.OptionSpec option : spec.options()) {
                if (!List.of(long.class, Long.class, int.class, Integer.class).contains(option.type())) {
                    continue;
                }
                String rule = CommandRunner.ruleOf(spec, option.longestName());
                assertTrue(rule != null && rule.matches("it must be .*from \\d+ to .*"), script + " " + option.longestName() + ": " + rule);
                for (String past : List.of("99999999999999999999", "-99999999999999999999")) {
                    Run.Result refused = Run.script(script, option.longestName() + "=" + past).go();
                    assertEquals(Exit.USAGE, refused.exit(), refused.toString());
                    assertEquals("ERROR flag " + option.longestName() + ": \"" + past + "\" is not valid: " + rule + "\n", refused.err());
                }
            }
        }
    }

    /** Each row found ran, and got to the end of its checks: none was skipped or dropped. */
    @AfterAll
    static void everyRowRanToTheEnd() {
        List<String> missing = rows.stream().map(Row::number).filter(n -> !finished.contains(n)).toList();
        assertEquals(List.of(), missing, "rows of the README table that did not run to the end");
    }

    private static void check(Row row) throws Exception {
        bootstrappedWithOneMessage();

        List<Path> copies = new ArrayList<>();
        Run.Result result;
        try {
            result = command(row, copies).go();
        } finally { // a lab's config.toml left in the working folder would draw a warning from the rows after
            for (Path copy : copies) {
                Run.deleteTree(copy);
            }
        }

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
        } else {
            assertItDidItsJob(row, result);
        }
        assertKeepMeIsStillStored(row);
        assertNothingElseChanged(row);
    }

    /**
     * A row that exits 0 (a warning, and the run goes on) must have done what its command asks.
     * Only js-pub rows do so far; another script in such a row needs its own check here.
     */
    private static void assertItDidItsJob(Row row, Run.Result result) throws Exception {
        List<String> words = words(row.command());
        String alias = words.stream().filter(w -> w.startsWith("js-")).findFirst().orElse("");
        assertEquals("js-pub", alias, "no check yet for what a successful " + alias + " does: " + row.label());
        String message = words.get(words.size() - 1);
        assertEquals("INFO published " + Output.quoted(message) + " to stream LAB4_STREAM (seq 2)\n", result.out(), row.label());
        try (Connection nc = connect()) {
            byte[] second = nc.jetStreamManagement().getMessage("LAB4_STREAM", 2).getData();
            assertEquals(message, new String(second, StandardCharsets.UTF_8), "the message is stored: " + row.label());
        }
    }

    /** The row's command, run the way bin/jbang would: the alias's script, from the repo root (copies: see copiedBesideThisJvm). */
    private static Run command(Row row, List<Path> copies) throws Exception {
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
        List<String> args = words.subList(1, words.size()).stream().map(BadInputTableTest::withDeadPort).toList();
        Run run = Run.script(mainClass(words.get(0)), args.toArray(String[]::new))
                .server(server).env("JETSTREAM_LAB_HOME", Run.REPO.toString()); // as bin/jbang sets it
        // A word that names a file in the repo is typed from the repo root. One such row runs there as a process;
        // the others run in this JVM, with the files they name copied to the same place in its working folder
        // for the run (a JVM cannot change folder). Otherwise the folder does not matter (the repo's config
        // files are read as the lab's own either way) and the row runs in this JVM.
        List<String> named = repoFiles(args);
        if (!named.isEmpty() && (row.equals(asAProcess) || !copiedBesideThisJvm(named, copies))) {
            run.in(Run.REPO);
        }
        env.forEach((name, value) -> run.env(name, withDeadPort(value)));
        return run;
    }

    /** The words of a row that name a file or folder in the repo, relative to its root. */
    private static List<String> repoFiles(List<String> args) {
        return args.stream().map(w -> w.substring(w.indexOf('=') + 1))
                .filter(w -> !w.isEmpty() && !w.startsWith("/") && !w.startsWith("-") && Files.exists(Run.REPO.resolve(w))).toList();
    }

    /**
     * Copies what these paths name in the repo to the same paths in this JVM's working folder, so that a run
     * in this JVM finds them as one in the repo root would, and adds the paths' first folders there to tops (for
     * the caller to remove after the run); false (nothing copied) when the run would be a process anyway, or
     * when that folder is the repo or already holds one of those first folders.
     */
    private static boolean copiedBesideThisJvm(List<String> paths, List<Path> tops) throws Exception {
        Path here = Path.of("").toAbsolutePath();
        if (!InProcess.available() || System.getProperty(InProcess.COMPARE) != null // the process it compares with runs elsewhere
                || here.startsWith(Run.REPO.toAbsolutePath()) || Run.REPO.toAbsolutePath().startsWith(here)) {
            return false;
        }
        for (String path : paths) {
            Path top = here.resolve(Path.of(path).getName(0));
            if (Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        for (String path : paths) {
            Path top = here.resolve(Path.of(path).getName(0));
            if (!tops.contains(top)) {
                tops.add(top);
            }
            Path from = Run.REPO.resolve(path);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : files.toList()) {
                    Path to = here.resolve(path).resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else if (!Files.exists(to)) {
                        Files.createDirectories(to.getParent());
                        Files.copy(file, to);
                    }
                }
            }
        }
        return true;
    }

    /** Port 1 in a row means "nothing listens there": a port this JVM holds instead, where surely nothing does. */
    private static String withDeadPort(String text) {
        return DEAD_PORT.matcher(text).replaceAll("127.0.0.1:" + deadPort);
    }

    /** The documented line, with the default URL swapped for this test's server where the row uses it. */
    private static String expectedLine(Row row) {
        boolean ownUrl = row.command().contains("--server") || row.command().contains("NATS_URL=");
        return withDeadPort(ownUrl ? row.expected() : row.expected().replace(DOCUMENTED_URL, server.url()));
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

    /** A refusal sent nothing and made nothing; a row that exits 0 added its one message. */
    private static void assertNothingElseChanged(Row row) throws Exception {
        try (Connection nc = connect()) {
            io.nats.client.JetStreamManagement jsm = nc.jetStreamManagement();
            assertEquals(List.of("LAB4_STREAM"), jsm.getStreamNames(), "streams after " + row.label());
            assertEquals(row.exit() == 0 ? 2 : 1, jsm.getStreamInfo("LAB4_STREAM").getStreamState().getMsgCount(),
                    "messages stored after " + row.label());
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

    /**
     * The table between its markers: a header, the separator, then rows numbered 1, 2, 3 ... with
     * five cells each. Any other line there fails the test rather than being passed over.
     */
    private static List<Row> readmeRows() throws Exception {
        List<String> lines = Files.readAllLines(Run.REPO.resolve("README.md"));
        int start = indexOfLineStarting(lines, "<!-- bad-input-table");
        int end = indexOfLineStarting(lines, "<!-- /bad-input-table");
        List<String> table = lines.subList(start + 1, end);
        assertTrue(table.size() > 2, "the bad-input table has no rows");
        assertEquals("| # | what is wrong | command | what you see (stderr) | exit |", table.get(0));
        assertTrue(table.get(1).matches("(\\|---)+\\|"), "the table's separator line: " + table.get(1));
        List<Row> found = new ArrayList<>();
        for (String line : table.subList(2, table.size())) {
            String[] cells = line.startsWith("| ") && line.endsWith(" |")
                    ? line.substring(2, line.length() - 2).split(" \\| ", -1) : new String[0];
            assertEquals(5, cells.length, "not a row of five cells: " + line);
            assertEquals(String.valueOf(found.size() + 1), cells[0], "rows are numbered 1, 2, 3 ...: " + line);
            assertTrue(cells[4].matches("\\d+"), "the exit cell is a number: " + line);
            found.add(new Row(cells[0], code(cells[2]), code(cells[3]), Integer.parseInt(cells[4])));
        }
        return found;
    }

    private static int indexOfLineStarting(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        throw new AssertionError("README.md has no line starting with " + start);
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

    /**
     * Splits a command line like a shell: spaces separate words, double quotes group them, and $'...'
     * holds a control character as bash writes one (\n, \t, \e).
     */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0; // inside "..." or '...' (where a $ stays a $, as in a shell), or $'...' ('$')
        boolean started = false;
        char[] chars = line.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (quote == '$' && c == '\\' && i + 1 < chars.length) {
                char escaped = chars[++i];
                word.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'e' -> '\u001b';
                    default -> escaped; // \\ and \'
                });
            } else if (quote == 0 && c == '$' && i + 1 < chars.length && chars[i + 1] == '\'') {
                quote = '$';
                started = true;
                i++;
            } else if (quote == '$' && c == '\'') {
                quote = 0;
            } else if ((c == '"' || c == '\'') && (quote == 0 || quote == c)) {
                quote = quote == 0 ? c : 0;
                started = true;
            } else if (c == ' ' && quote == 0) {
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
