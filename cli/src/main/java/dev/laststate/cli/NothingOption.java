package dev.laststate.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code --allow-nothing} of {@code promote} and {@code resolve}: exit 0 instead of 3 when a target laststate manages
 * has nothing (new) yet, so a CronJob or an init container without a shell needs no wrapper to accept a first
 * deployment. Exit 8 (a location laststate knows nothing of) stays a failure. The one line on stderr is printed all
 * the same; {@link ErrorReporter} reads the flag when it maps the failure to its exit code.
 */
final class NothingOption {

    static final String NAME = "--allow-nothing";

    @Option(names = NAME, defaultValue = "${env:LASTSTATE_ALLOW_NOTHING:-false}",
            description = "Exit 0, not 3, when a target laststate manages has nothing (new) yet (a first deployment after "
                    + "'laststate init', or no newer snapshot); exit 8 stays a failure. Env: LASTSTATE_ALLOW_NOTHING.")
    private boolean allowNothing;

    /** Whether {@code command} was run with {@code --allow-nothing} (or its variable). */
    static boolean allowed(CommandSpec command) {
        OptionSpec option = command.findOption(NAME);
        return option != null && Boolean.TRUE.equals(option.getValue());
    }
}
