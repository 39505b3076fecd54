package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import dev.laststate.flink.LastStateReader;
import dev.laststate.flink.ManagedTargets;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --target}, shared by promote, savepoint, status and resolve. */
final class TargetOption {

    @Option(names = "--target", paramLabel = "URI", defaultValue = "${env:LASTSTATE_TARGET}",
            description = "The promotion target (default: <store>/last-state). Env: LASTSTATE_TARGET.")
    private String target;

    /**
     * The target: {@code --target}, which must be in the store of {@code --store} (a local one with its parent's
     * symbolic links resolved), or {@code <store>/last-state}.
     */
    StoreUri resolve(StoreOptions store, StoreUri checkpoints) {
        return store.target(target, checkpoints);
    }

    /** The target of {@code promote}, which may lie in another store ({@link StoreOptions#targetAnywhere}). */
    StoreUri resolveAnywhere(StoreOptions store, StoreUri checkpoints) {
        return store.targetAnywhere(target, checkpoints);
    }

    /**
     * What the target in the store of {@code --store} holds; nothing promoted yet is exit 3 at a target laststate
     * manages (an initialized one), exit 8 at any other.
     */
    LastState read(StoreOptions store) throws Exception {
        StoreUri checkpoints = store.checkpoints();
        StoreUri targetDir = resolve(store, checkpoints);
        try (CheckpointStore opened = store.open(checkpoints)) {
            Optional<LastState> state = new LastStateReader(opened).read(targetDir);
            if (state.isEmpty()) {
                throw new ManagedTargets(opened).explain(Optional.of(checkpoints), targetDir, new NothingToPromoteException(
                        "nothing has been promoted to " + targetDir + " yet (no " + FlinkLayout.POINTER_RECORD + ")"));
            }
            return state.get();
        }
    }
}
