// Shell completion: make completion prints a bash script (zsh runs it through bashcompinit) that
// completes the flags of every script of the catalog, labs 1-3's too; a message that happens to
// read like a picocli subcommand stays a message.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionTest extends WithServer {
    @Test
    void makeCompletionCompletesEveryScriptsFlagsInBash() throws Exception {
        String completed = completed(Scratch.dir(), "js-pub --cou", "js-pull --no-a", "js-purge --delete-c",
                "js-bootstrap --recr", "js-info --li");
        assertEquals("js-pub --cou: --count\njs-pull --no-a: --no-ack\njs-purge --delete-c: --delete-consumer\n"
                + "js-bootstrap --recr: --recreate\njs-info --li: --list\n", completed);
    }

    /** Labs 1-3's scripts too: every alias of the catalog completes its own flags. */
    @Test
    void everyScriptOfTheCourseCompletes() throws Exception {
        String completed = completed(Scratch.dir(), "nats-sub --cou", "nats-pub --cou", "worker --que", "responder --del",
                "requester --tim");
        assertEquals("nats-sub --cou: --count\nnats-pub --cou: --count\nworker --que: --queue\nresponder --del: --delay\n"
                + "requester --tim: --timeout\n", completed);
        String printed = completionScript();
        for (String alias : Catalog.aliases()) {
            assertTrue(printed.contains("complete -F _complete_" + alias + " "), alias + " has no completion");
        }
    }

    /** The table's file settings (--creds, --nkey, --tlsca, ...) complete file names; other values complete nothing. */
    @Test
    void fileSettingsCompleteFileNames() throws Exception {
        Path dir = Scratch.dir();
        Files.writeString(dir.resolve("alice.creds"), "");
        String completed = completed(dir, "js-pub --creds ali", "js-pull --tlsca ali", "js-info --user ali");
        assertEquals("js-pub --creds ali: alice.creds\njs-pull --tlsca ali: alice.creds\njs-info --user ali: \n", completed);
    }

    /** A setting whose row allows a few words completes them, from the same row the checks and the help read. */
    @Test
    void allowedValuesComplete() throws Exception {
        String completed = completed(Scratch.dir(), "js-bootstrap --retention w", "js-bootstrap --discard ''");
        assertEquals("js-bootstrap --retention w: workqueue\njs-bootstrap --discard : "
                + String.join(" ", Setting.DISCARD.allowed()) + "\n", completed);
    }

    @Test
    void generateCompletionIsJustAMessage() throws Exception {
        bootstrap();
        Run.Result published = ok(script("JsPub", "generate-completion").go());
        assertEquals("INFO published \"generate-completion\" to stream LAB4_STREAM (seq 1)\n", published.out());
    }

    /** What `make -s completion` printed: made once for the class (a JBang run and the tool's JVM each time). */
    private static String script;

    private static synchronized String completionScript() throws Exception {
        if (script == null) {
            Run.Result printed = ok(Run.command("make", "-s", "completion").go());
            assertEquals("", printed.err(), "reading the scripts' options is no run: nothing to report at its exit");
            assertTrue(printed.out().startsWith("# Completion for the JetStream lab's scripts"), printed.out());
            script = printed.out();
        }
        return script;
    }

    /** What bash completes for each command line (its last word), as "LINE: CANDIDATES", run in dir with make completion's script. */
    private static String completed(Path dir, String... lines) throws Exception {
        Path file = dir.resolve("completion.bash");
        Files.writeString(file, completionScript());
        StringBuilder check = new StringBuilder("source '" + file + "'\ncd '" + dir + "'\n"
                + "complete_words() { COMPREPLY=(); COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
                + " \"$(complete -p \"$1\" | sed 's/.*-F \\([^ ]*\\).*/\\1/')\" 2>/dev/null; echo \"$*: ${COMPREPLY[*]}\"; }\n");
        for (String line : lines) {
            check.append("complete_words ").append(line).append('\n');
        }
        return ok(Run.command("bash", "-c", check.toString()).go()).out();
    }
}
