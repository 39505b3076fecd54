package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.LastState;
import dev.laststate.flink.LastStateReader;
import dev.laststate.flink.ManagedTargets;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.store.file.LocalPaths;
import dev.laststate.verify.NothingToVerifyException;
import dev.laststate.verify.SnapshotVerifier;
import dev.laststate.verify.Verification;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", sortOptions = false,
        description = "Prove the promoted state restorable: read its _metadata with Flink's own classes and check "
                + "that every file it references exists (relative ones in the restore directory, shared/ and "
                + "taskowned/ ones where they are). Exit 6 lists the missing files.")
final class VerifyCommand extends StoreCommand {

    // Its own --target (not TargetOption): verify also works with --target alone, in the target's store.
    @Option(names = "--target", paramLabel = "URI", defaultValue = "${env:LASTSTATE_TARGET}",
            description = "The promotion target, or any snapshot directory with a _metadata (default: <store>/last-state). "
                    + "Env: LASTSTATE_TARGET.")
    private String target;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        StoreUri checkpoints;
        StoreUri targetDir;
        // --target .../_metadata means the directory that holds it.
        String directory = target != null && target.endsWith("/" + FlinkLayout.METADATA)
                ? target.substring(0, target.length() - FlinkLayout.METADATA.length() - 1) : target;
        if (directory != null && !store.given()) {
            targetDir = LocalPaths.realParent(StoreOptions.parseLocation(directory));
            checkpoints = targetDir;
        } else {
            checkpoints = store.checkpoints();
            targetDir = store.target(directory, checkpoints);
        }
        try (CheckpointStore opened = store.open(checkpoints)) {
            Verification verification;
            try {
                verification = verify(opened, targetDir);
            } catch (NothingToVerifyException nothing) {
                if (isSnapshotDirectory(targetDir)) {
                    // An incomplete chk-<n> or savepoint is something Flink wrote, never a typo: exit 3, whoever manages it.
                    throw new NothingToPromoteException(nothing.getMessage());
                }
                // A --target given alone names no checkpoint directory to check; the target's marker still decides 3 or 8.
                Optional<StoreUri> checked = store.given() ? Optional.of(checkpoints) : Optional.empty();
                throw new ManagedTargets(opened).explain(checked, targetDir, new NothingToPromoteException(nothing.getMessage()));
            }
            return output.print(new VerificationReport(verification));
        }
    }

    /**
     * Verifies what {@code targetDir} restores: the directory its pointer record names (the target itself in
     * copy mode, the snapshot in pointer mode), or, without a record, the directory itself when it has a
     * {@code _metadata}.
     */
    static Verification verify(CheckpointStore store, StoreUri targetDir) throws Exception {
        Optional<LastState> state = new LastStateReader(store).read(targetDir);
        StoreUri directory;
        if (state.isPresent()) {
            directory = state.get().restorePath();
        } else if (store.stat(targetDir.resolve(FlinkLayout.METADATA)).isPresent()) {
            directory = targetDir;
        } else if (isSnapshotDirectory(targetDir)) {
            String kind = targetDir.name().startsWith("savepoint-") ? "savepoint" : "checkpoint";
            throw new NothingToVerifyException(targetDir, targetDir + " is an incomplete " + kind + ": it holds no "
                    + FlinkLayout.METADATA + " (Flink is still writing it, or abandoned it); nothing to verify");
        } else {
            throw new NothingToVerifyException(targetDir, "nothing to verify in " + targetDir + ": no " + FlinkLayout.POINTER_RECORD
                    + " and no " + FlinkLayout.METADATA);
        }
        return new SnapshotVerifier(store).verify(directory);
    }

    private static boolean isSnapshotDirectory(StoreUri directory) {
        return FlinkLayout.checkpointId(directory.name()).isPresent() || directory.name().startsWith("savepoint-");
    }
}
