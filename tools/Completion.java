///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//MAIN Completion
//SOURCES ../scripts/JsBootstrap.java ../scripts/JsPub.java ../scripts/JsPull.java ../scripts/JsInfo.java ../scripts/JsPurge.java
//SOURCES ../scripts/lab/Setting.java
//DESCRIPTION make completion: bash (and zsh) completion for every script, from their own picocli models.
//
// Completion lives outside the scripts on purpose: a script with a generate-completion subcommand
// would read `js-pub generate-completion` as that command, when it is a message to publish.
// Usage, from the repo root: jbang tools/Completion.java > completion.bash; then source it.

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

public class Completion {
    public static void main(String... args) {
        Map<String, Object> scripts = new LinkedHashMap<>();
        scripts.put("js-bootstrap", new JsBootstrap());
        scripts.put("js-pub", new JsPub());
        scripts.put("js-pull", new JsPull());
        scripts.put("js-info", new JsInfo());
        scripts.put("js-purge", new JsPurge());
        StringBuilder out = new StringBuilder();
        out.append("# Completion for the JetStream lab's scripts (make completion). bash: source this file;\n")
           .append("# zsh: autoload -U +X compinit && compinit; autoload -U +X bashcompinit && bashcompinit; then source it.\n");
        scripts.forEach((name, command) -> out.append(AutoComplete.bash(name, withFileNames(new CommandLine(command)))));
        System.out.print(out);
    }

    /** The flags of settings that name a file (the table's FILE rows: --creds, --tlsca, ...) complete file names. */
    private static CommandLine withFileNames(CommandLine script) {
        CommandSpec spec = script.getCommandSpec();
        CommandSpec completed = CommandSpec.create().name(spec.name());
        for (OptionSpec option : spec.options()) {
            Setting setting = Setting.byFlag(option.longestName());
            completed.addOption(setting != null && setting.is(Setting.Kind.FILE)
                    ? OptionSpec.builder(option.names()).type(Path.class).paramLabel(option.paramLabel()).build() : option.toBuilder().build());
        }
        spec.positionalParameters().forEach(positional -> completed.addPositional(positional.toBuilder().build()));
        return new CommandLine(completed);
    }
}
