package dev.laststate.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --output}, shared by the commands that print a result, and the printing of that result ({@link Report}). */
final class OutputOptions {

    static final String NAME = "--output";
    static final String VARIABLE = "LASTSTATE_OUTPUT";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = NAME, paramLabel = "text|json", defaultValue = "${env:" + VARIABLE + ":-text}",
            description = "Print text (default) or one JSON object, also on failure. Env: LASTSTATE_OUTPUT.")
    private OutputFormat format = OutputFormat.TEXT;

    /**
     * Prints {@code report}, the one way every result is printed: on stdout its JSON on one line with
     * {@code --output json}, else its text; then its stderr lines, {@code laststate: <line>} each.
     *
     * @return the report's exit code, for the command to return
     */
    int print(Report report) {
        PrintWriter out = command.commandLine().getOut();
        if (format == OutputFormat.JSON) {
            Json.print(out, report.json());
        } else {
            report.text().forEach(out::println);
            out.flush();
        }
        PrintWriter err = command.commandLine().getErr();
        report.stderr().forEach(line -> err.println("laststate: " + line));
        err.flush();
        return report.exitCode();
    }

    /** Whether {@code command} has {@code --output}. */
    static boolean declared(CommandSpec command) {
        return command.findOption(NAME) != null;
    }

    /** The format {@code command} was parsed with; text for a command without {@code --output}. */
    static OutputFormat parsed(CommandSpec command) {
        OptionSpec option = command.findOption(NAME);
        return option != null && option.getValue() == OutputFormat.JSON ? OutputFormat.JSON : OutputFormat.TEXT;
    }

    /**
     * The format the raw arguments ask for (the last {@code --output}), else the environment's: for a failure
     * before or while the arguments were parsed.
     */
    static OutputFormat requested(String[] args, Map<String, String> env) {
        Optional<String> value = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(NAME) && i + 1 < args.length) {
                value = Optional.of(args[++i]);
            } else if (args[i].startsWith(NAME + "=")) {
                value = Optional.of(args[i].substring(NAME.length() + 1));
            }
        }
        String chosen = value.orElseGet(() -> env.getOrDefault(VARIABLE, ""));
        return chosen.strip().toLowerCase(Locale.ROOT).equals("json") ? OutputFormat.JSON : OutputFormat.TEXT;
    }
}
