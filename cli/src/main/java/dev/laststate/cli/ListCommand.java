package dev.laststate.cli;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.ManagedTargets;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.Snapshot;
import dev.laststate.flink.SnapshotFinder;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", sortOptions = false,
        description = "List the complete checkpoints (and savepoints) of one job or of every job in the store, "
                + "newest first; '*' marks the one promote would choose.")
final class ListCommand extends StoreCommand {

    @Option(names = "--savepoints", paramLabel = "URI", defaultValue = "${env:LASTSTATE_SAVEPOINTS}",
            description = "A savepoint directory to list the jobs' savepoints from as well. Env: LASTSTATE_SAVEPOINTS.")
    private String savepoints;

    @Option(names = "--job-id", paramLabel = "HEX", defaultValue = "${env:LASTSTATE_JOB_ID}",
            description = "Only this job (32 hex digits); default: every job directory in --store. Env: LASTSTATE_JOB_ID.")
    private String jobId;

    @Mixin
    private OutputOptions output;

    @Override
    public Integer call() throws Exception {
        StoreUri checkpoints = store.checkpoints();
        Optional<StoreUri> savepointDir = store.location(savepoints, "--savepoints", checkpoints);
        Optional<String> onlyJob = Optional.ofNullable(jobId).map(FlinkLayout::requireJobId);

        List<JobSnapshots> jobs = new ArrayList<>();
        try (CheckpointStore opened = store.open(checkpoints)) {
            SnapshotFinder finder = new SnapshotFinder(opened);
            List<String> jobIds = onlyJob.isPresent() ? List.of(onlyJob.get()) : finder.jobIds(checkpoints);
            for (String id : jobIds) {
                jobs.add(find(finder, checkpoints, savepointDir, id));
            }
            if (jobIds.isEmpty() || jobs.stream().allMatch(j -> j.snapshots().isEmpty())) {
                NothingToPromoteException nothing = jobIds.isEmpty()
                        ? new NothingToPromoteException("no job directory (32 hex digits) in " + checkpoints
                                + " (is this the checkpoint directory, execution.checkpointing.dir?)")
                        : new NothingToPromoteException("no complete checkpoint" + (savepointDir.isPresent() ? " or savepoint" : "")
                                + " of " + (onlyJob.isPresent() ? "job " + onlyJob.get() : "any job") + " in " + checkpoints);
                // list has no --target: whether laststate manages this checkpoint directory is read at its default target.
                throw new ManagedTargets(opened).explain(Optional.of(checkpoints),
                        checkpoints.resolve(FlinkLayout.DEFAULT_TARGET), nothing);
            }
        }
        return output.print(new ListReport(jobs));
    }

    private static JobSnapshots find(SnapshotFinder finder, StoreUri checkpoints, Optional<StoreUri> savepointDir, String id)
            throws StoreException {
        List<Snapshot> snapshots = new ArrayList<>(finder.checkpoints(checkpoints, id));
        if (savepointDir.isPresent()) {
            snapshots.addAll(finder.savepoints(savepointDir.get(), id));
        }
        snapshots.sort(Snapshot.NEWEST_FIRST);
        return new JobSnapshots(id, finder.newest(checkpoints, savepointDir, id), snapshots);
    }
}
