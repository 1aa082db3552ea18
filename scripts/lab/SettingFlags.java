// The flags that set a setting, made from their rows of Setting.java: a script names the settings it
// takes as flags, `@Mixin SettingFlags settings = SettingFlags.of(Setting.STREAM, Setting.WAIT)`, and
// each becomes an option with the row's names, label and help line (a script may word the help its own
// way: described()). ConnectionOptions' lists go under a heading (Connecting:, Login:, TLS:), after the
// lesson's own flags. Config reads a flag's value by its name, as it reads any flag.
//
// picocli makes options from annotations; these are made by the model transformer below, which every
// command that mixes in a SettingFlags gets (a mixin hands its transformer to its command), so that any
// `new CommandLine(script)` (the scripts, completion, the tests) shows the same flags.
//DEPS info.picocli:picocli:4.7.7
//SOURCES Setting.java ConfigRules.java Exit.java

import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(modelTransformer = SettingFlags.Made.class)
final class SettingFlags implements Exit.Ranged {
    /** Each setting with the help its flag shows here (the row's, unless described() gave this script's words). */
    private final Map<Setting, String> helps = new LinkedHashMap<>();
    /** Under this heading, after the lesson's flags; null: among the lesson's own. */
    private final String heading;
    private final int order;
    /** The options made for this command, once picocli built it. */
    private final Map<Setting, OptionSpec> made = new EnumMap<>(Setting.class);

    private SettingFlags(String heading, int order, List<Setting> settings) {
        this.heading = heading;
        this.order = order;
        for (Setting setting : settings) {
            if (setting.flags.isEmpty()) {
                throw new IllegalArgumentException(setting + " has no flag in its row of Setting.java");
            }
            helps.put(setting, setting.help);
        }
    }

    /** Flags among the lesson's own. */
    static SettingFlags of(Setting... settings) {
        return new SettingFlags(null, 0, List.of(settings));
    }

    /** Flags under a heading of their own (picocli's "%n" for a line break), in this order among the headings. */
    static SettingFlags under(String heading, int order, List<Setting> settings) {
        return new SettingFlags(heading, order, settings);
    }

    @Override
    public String rule(String option) {
        return helps.keySet().stream().filter(setting -> setting.flags.contains(option)).findFirst().map(ConfigRules::numberRule).orElse(null);
    }

    /** This script's own words for a setting's flag: js-purge's --subject purges only that subject. */
    SettingFlags described(Setting setting, String help) {
        helps.replace(setting, help);
        return this;
    }

    /** Whether the setting's flag was typed in this run. */
    boolean typed(Setting setting) {
        OptionSpec option = made.get(setting);
        return option != null && option.getValue() != null;
    }

    /** The flag's value as typed (a String, a Long, or true for a switch), or null. */
    Object value(Setting setting) {
        OptionSpec option = made.get(setting);
        return option == null ? null : option.getValue();
    }

    private OptionSpec option(Setting setting) {
        // a duration is typed as text (5s, 500ms) and checked with the other settings; a Boolean is a switch
        Class<?> type = setting.is(Setting.Kind.DURATION) ? String.class : setting.type;
        OptionSpec.Builder option = OptionSpec.builder(setting.flags.toArray(String[]::new)).type(type)
                .description(helps.get(setting));
        if (setting.paramLabel != null) {
            option.paramLabel(setting.paramLabel);
        }
        OptionSpec built = option.build();
        made.put(setting, built);
        return built;
    }

    /** Adds the options of every SettingFlags the command mixes in (ConnectionOptions' too) to the command. */
    static final class Made implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            add(command, command);
            return command;
        }

        private static void add(CommandSpec command, CommandSpec mixer) {
            for (CommandSpec mixin : mixer.mixins().values()) {
                if (mixin.userObject() instanceof SettingFlags flags) {
                    flags.addTo(command);
                }
                add(command, mixin);
            }
        }
    }

    private void addTo(CommandSpec command) {
        if (heading == null) {
            helps.keySet().forEach(setting -> command.addOption(option(setting)));
            return;
        }
        ArgGroupSpec.Builder group = ArgGroupSpec.builder().heading(heading).order(order).exclusive(false).validate(false)
                .multiplicity("0..1");
        helps.keySet().forEach(setting -> group.addArg(option(setting)));
        command.addArgGroup(group.build());
    }
}
