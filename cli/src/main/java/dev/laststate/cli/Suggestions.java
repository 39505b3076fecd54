package dev.laststate.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A mistyped flag or command: the one line of the failure ({@code reporter}'s), then picocli's suggestions in
 * one more, {@code laststate: did you mean --store?}; exit 2.
 */
final class Suggestions implements IParameterExceptionHandler {

    private final IParameterExceptionHandler reporter;

    Suggestions(IParameterExceptionHandler reporter) {
        this.reporter = reporter;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) throws Exception {
        if (!(ex instanceof UnmatchedArgumentException unmatched)) {
            return reporter.handleParseException(ex, args);
        }
        CommandLine command = unmatched.getCommandLine();
        List<String> words = unmatched.getUnmatched();
        ParameterException shown = ex;
        // picocli says "Unmatched argument at index 0: 'promot'" for a word where a command was expected.
        if (!unmatched.isUnknownOption() && !command.getSubcommands().isEmpty() && !words.isEmpty()) {
            shown = new ParameterException(command, "unknown command '" + words.get(0) + "'");
        }
        int code = reporter.handleParseException(shown, args);
        List<String> suggestions = unmatched.getSuggestions();
        if (!suggestions.isEmpty()) {
            command.getErr().println("laststate: did you mean " + String.join(" or ", suggestions) + "?");
            command.getErr().flush();
        }
        return code;
    }
}
