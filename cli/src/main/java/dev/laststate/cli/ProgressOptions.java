package dev.laststate.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --quiet} and {@code --progress-interval}: whether and how often a long copy is shown on stderr. */
final class ProgressOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = {"-q", "--quiet"}, defaultValue = "${env:LASTSTATE_QUIET:-false}",
            description = "Show no progress while copying. Env: LASTSTATE_QUIET.")
    private boolean quiet;

    @Option(names = "--progress-interval", paramLabel = "DURATION", defaultValue = "${env:LASTSTATE_PROGRESS_INTERVAL:-5s}",
            description = "When stderr is not a terminal, one progress line this often while copying (default 5s; on a "
                    + "terminal one live line). Env: LASTSTATE_PROGRESS_INTERVAL.")
    private String interval = "5s";

    /** Checks the flags; called before anything is opened. */
    Duration interval() {
        return JobManagerOptions.parseDuration(interval).orElseThrow(() -> new ParameterException(command.commandLine(),
                EnvironmentDefaults.given(command, "--progress-interval", interval)
                        + " is not a positive duration such as 500ms, 5s or 1m"));
    }

    /**
     * What shows the copies on {@code err}: a live line when the process has a terminal ({@link System#console()}),
     * else a line each interval; nothing with {@code --quiet}. The caller closes it.
     */
    ProgressRenderer start(PrintWriter err) {
        Duration every = interval();
        if (quiet) {
            return ProgressRenderer.silent(err);
        }
        return ProgressRenderer.start(err, System.console() != null, every);
    }
}
