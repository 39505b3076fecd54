package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "resolve", sortOptions = false,
        description = "Print the one path to pass to Flink's --fromSavepoint: the target (copy mode) or the "
                + "promoted snapshot's own directory (pointer mode).")
final class ResolveCommand extends StoreCommand {

    @Mixin
    private TargetOption target;

    @Override
    public Integer call() throws Exception {
        LastState state = target.read(store);
        PrintWriter err = err();
        if (!state.consistent()) {
            // Still the right answer (the record names what was committed), but worth a line in the deployment's log.
            err.println("laststate: warning: " + state.target().resolve(FlinkLayout.POINTER_RECORD) + " does not describe "
                    + state.target().resolve(FlinkLayout.METADATA) + " (a promotion is running or was interrupted)");
            err.flush();
        }
        PrintWriter out = out();
        out.println(state.restorePath());
        out.flush();
        // Measured: a job restored with claim mode CLAIM deletes the restored directory once newer checkpoints subsume it.
        err.println("laststate: note: restore with Flink's default claim mode NO_CLAIM; CLAIM lets Flink delete "
                + state.restorePath());
        err.flush();
        return ExitCodes.OK;
    }
}
