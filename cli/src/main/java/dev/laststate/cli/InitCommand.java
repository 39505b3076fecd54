package dev.laststate.cli;

import dev.laststate.flink.ManagedTargets;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code laststate init}: declares, once, that a new job's target is one laststate manages, so that its first
 * deployment (no snapshot yet) is exit 3 and a mistyped location stays exit 8. Creates the target's
 * {@code _laststate-init.json} only if absent; a target that holds a pointer record already is left alone.
 */
@Command(name = "init", sortOptions = false,
        description = "Declare a new job's target (once, before its first deployment): create <target>/_laststate-init.json "
                + "only if absent. Afterwards, no snapshot yet is exit 3 (start without a restore path), while a location "
                + "laststate does not know stays exit 8. Idempotent; never writes over a pointer record.")
final class InitCommand extends StoreCommand {

    @Mixin
    private TargetOption target;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        StoreUri checkpoints = store.checkpoints();
        StoreUri targetDir = target.resolve(store, checkpoints);
        try (CheckpointStore opened = store.open(checkpoints)) {
            ManagedTargets.Init init = new ManagedTargets(opened).init(checkpoints, targetDir);
            return output.print(new InitReport(init));
        }
    }
}
