package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import dev.laststate.store.StoreUri;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "resolve", sortOptions = false,
        description = "Print the one path to pass to Flink's --fromSavepoint: the target (copy mode) or the "
                + "promoted snapshot's own directory (pointer mode).")
final class ResolveCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Mixin
    private TargetOption target;

    @Override
    public Integer call() throws Exception {
        StoreUri checkpoints = store.checkpoints();
        StoreUri targetDir = target.resolve(store, checkpoints);
        LastState state = TargetOption.read(store, checkpoints, targetDir);
        if (!state.consistent()) {
            // Still the right answer (the record names what was committed), but worth a line in the deployment's log.
            PrintWriter err = spec.commandLine().getErr();
            err.println("laststate: warning: " + targetDir.resolve(FlinkLayout.POINTER_RECORD) + " does not describe "
                    + targetDir.resolve(FlinkLayout.METADATA) + " (a promotion is running or was interrupted)");
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(state.restorePath());
        out.flush();
        // Measured: a job restored with claim mode CLAIM deletes the restored directory once newer checkpoints subsume it.
        PrintWriter err = spec.commandLine().getErr();
        err.println("laststate: note: restore with Flink's default claim mode NO_CLAIM; CLAIM lets Flink delete "
                + state.restorePath());
        err.flush();
        return ExitCodes.OK;
    }
}
