package dev.laststate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every subcommand declares: its picocli spec, {@code --store} and {@code -o} ({@link StoreOptions}), and
 * where it prints. A subcommand's {@code call} reads top to bottom: check the inputs (before the store is
 * opened), open the store of {@code --store}, call the API, print, return the exit code.
 */
abstract class StoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    /** Where results go (stdout). */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where diagnostics go (stderr), one {@code laststate: ...} line each. */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
