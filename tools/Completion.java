///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//COMPILE_OPTIONS -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC
//MAIN Completion
//SOURCES ../scripts/*.java
//SOURCES ../scripts/lab/Setting.java
//DESCRIPTION make completion: bash (and zsh) completion for every script, from their own picocli models.
//
// Every script of the catalog (jbang-catalog.json: labs 1-3's as well as lab 4's), by its alias.
//
// Completion lives outside the scripts on purpose: a script with a generate-completion subcommand
// would read `js-pub generate-completion` as that command, when it is a message to publish.
// Usage, from the repo root: jbang tools/Completion.java > completion.bash; then source it.

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Completion {
    /** An alias of the catalog and the script it runs: "js-pub": { "script-ref": "scripts/JsPub.java" */
    private static final Pattern ALIAS = Pattern.compile("\"([\\w-]+)\"\\s*:\\s*\\{\\s*\"script-ref\"\\s*:\\s*\"scripts/(\\w+)\\.java\"");

    public static void main(String... args) throws Exception {
        Locale.setDefault(Locale.ROOT); // picocli writes the script: the same file whatever the locale of make
        StringBuilder out = new StringBuilder();
        out.append("# Completion for the JetStream lab's scripts (make completion). bash: source this file;\n")
           .append("# zsh: autoload -U +X compinit && compinit; autoload -U +X bashcompinit && bashcompinit; then source it.\n");
        Matcher alias = ALIAS.matcher(Files.readString(Path.of("jbang-catalog.json")));
        while (alias.find()) {
            Object script = Class.forName(alias.group(2)).getDeclaredConstructor().newInstance();
            out.append(AutoComplete.bash(alias.group(1), withFileNames(new CommandLine(script))));
        }
        System.out.print(out);
    }

    /**
     * The flags of settings that name a file (the table's FILE rows: --creds, --tlsca, ...) complete file names;
     * those whose row allows a few words (--retention, --discard) complete those words.
     */
    private static CommandLine withFileNames(CommandLine script) {
        CommandSpec spec = script.getCommandSpec();
        spec.resourceBundle(ConnectionOptions.helpVariables()); // labels like ${bundle:values.RETENTION}, as the scripts fill them
        CommandSpec completed = CommandSpec.create().name(spec.name());
        completed.resourceBundle(spec.resourceBundle());
        for (OptionSpec option : spec.options()) {
            Setting setting = Setting.byFlag(option.longestName());
            if (setting != null && setting.is(Setting.Kind.FILE)) {
                completed.addOption(OptionSpec.builder(option.names()).type(Path.class).paramLabel(option.paramLabel()).build());
            } else if (setting != null && !setting.allowed().isEmpty()) {
                completed.addOption(option.toBuilder().completionCandidates(setting.allowed()).build());
            } else {
                completed.addOption(option.toBuilder().build());
            }
        }
        spec.positionalParameters().forEach(positional -> completed.addPositional(positional.toBuilder().build()));
        return new CommandLine(completed);
    }
}
