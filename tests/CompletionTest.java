// Shell completion: make completion prints a bash script (zsh runs it through bashcompinit) that
// completes every script's flags; a message that happens to read like a picocli subcommand stays a message.

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionTest extends WithServer {
    @Test
    void makeCompletionCompletesEveryScriptsFlagsInBash() throws Exception {
        Run.Result printed = ok(Run.command("make", "-s", "completion").go());
        assertTrue(printed.out().startsWith("# Completion for the JetStream lab's scripts"), printed.out());
        Path file = Scratch.dir().resolve("completion.bash");
        Files.writeString(file, printed.out());
        String check = "source '" + file + "'\n"
                + "complete_words() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
                + " \"$(complete -p \"$1\" | sed 's/.*-F \\([^ ]*\\).*/\\1/')\" 2>/dev/null; echo \"$1: ${COMPREPLY[*]}\"; }\n"
                + "complete_words js-pub --cou\n"
                + "complete_words js-pull --no-a\n"
                + "complete_words js-purge --delete-c\n"
                + "complete_words js-bootstrap --recr\n"
                + "complete_words js-info --li\n";
        Run.Result completed = ok(Run.command("bash", "-c", check).go());
        assertEquals("js-pub: --count\njs-pull: --no-ack\njs-purge: --delete-consumer\njs-bootstrap: --recreate\n"
                + "js-info: --list\n", completed.out());
    }

    @Test
    void generateCompletionIsJustAMessage() throws Exception {
        bootstrap();
        Run.Result published = ok(script("JsPub", "generate-completion").go());
        assertEquals("INFO published \"generate-completion\" to stream LAB4_STREAM (seq 1)\n", published.out());
    }
}
