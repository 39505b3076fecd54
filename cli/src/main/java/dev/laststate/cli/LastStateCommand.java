package dev.laststate.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code laststate} command: maps flags and environment to the laststate API, nothing more. */
@Command(name = "laststate",
        scope = ScopeType.INHERIT, // subcommands inherit the version provider
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = "Promotes the newest complete Apache Flink checkpoint or savepoint to one stable restore "
                + "directory, <checkpoint-dir>/last-state/.",
        subcommands = {PromoteCommand.class, ListCommand.class, StatusCommand.class, ResolveCommand.class,
                SavepointCommand.class, VerifyCommand.class, InitCommand.class})
public final class LastStateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, also print its stack trace to stderr.")
    private boolean verbose;

    // Declared here rather than with mixinStandardHelpOptions, whose labels need picocli's variable
    // interpolation, which is off (see commandLine).
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    private boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, scope = ScopeType.INHERIT,
            description = "Print the version and exit.")
    private boolean version;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs with the process's streams and environment, Ctrl-C and SIGTERM stopping a promotion cleanly.
     * {@code System.out} and {@code System.err} are masked before anything prints (java.util.logging's console
     * handler, created on first use, writes to the masked stderr too).
     */
    static int run(String[] args) {
        Map<String, String> env = System.getenv();
        Redactor redactor = Redactor.of(args, env);
        System.setOut(redactor.mask(System.out));
        System.setErr(redactor.mask(System.err));
        PrintWriter err = new PrintWriter(System.err, true);
        Interruptions interruptions = Interruptions.install(err);
        try {
            return execute(args, new PrintWriter(System.out, true), err, env, interruptions);
        } finally {
            interruptions.finished();
        }
    }

    /** Runs in-process: results go to {@code out}, diagnostics to {@code err}; {@code env} replaces the environment. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        return run(args, out, err, env, Interruptions.none(err));
    }

    /** Runs in-process with {@code interruptions} deciding what a signal stops. */
    static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, Interruptions interruptions) {
        Redactor redactor = Redactor.of(args, env);
        return execute(args, redactor.mask(out), redactor.mask(err), env, interruptions);
    }

    /** Runs on streams that are masked already: every secret of {@code args} and {@code env} is kept out of them. */
    private static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env,
                               Interruptions interruptions) {
        LastStateCommand root = new LastStateCommand();
        ErrorReporter reporter = new ErrorReporter(args, env, () -> root.verbose);
        try {
            return commandLine(root, new RunContext(env, interruptions), out, err, reporter).execute(args);
        } catch (Throwable failure) { // picocli lets Errors through; they still get one line and exit 1
            return reporter.handleUncaught(failure, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The command line of one run: its commands and mixins are created with {@code context} ({@link RunFactory}). */
    private static CommandLine commandLine(LastStateCommand root, RunContext context, PrintWriter out, PrintWriter err,
                                           ErrorReporter reporter) {
        CommandLine cli = new CommandLine(root, new RunFactory(context));
        // EnvironmentDefaults resolves the ${env:...} defaults against the run's; picocli would read System.getenv.
        cli.setInterpolateVariables(false);
        cli.setDefaultValueProvider(new EnvironmentDefaults(context.environment()));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(new Suggestions(reporter));
        cli.setExecutionExceptionHandler(reporter);
        cli.setExitCodeExceptionMapper(ExitCodes::of);
        cli.setOut(out);
        cli.setErr(err);
        Deque<CommandLine> todo = new ArrayDeque<>();
        todo.add(cli);
        while (!todo.isEmpty()) {
            CommandLine command = todo.remove();
            command.getCommandSpec().usageMessage()
                    .exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(ExitCodes.descriptions());
            todo.addAll(command.getSubcommands().values());
        }
        return cli;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: init, promote, savepoint, list, status, resolve or verify");
    }
}
