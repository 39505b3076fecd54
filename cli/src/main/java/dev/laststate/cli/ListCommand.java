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
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", sortOptions = false,
        description = "List the complete checkpoints (and savepoints) of one job or of every job in the store, "
                + "newest first; '*' marks the one promote would choose.")
final class ListCommand extends StoreCommand {

    /** One job's complete snapshots, newest first, and the one promote would choose. */
    record JobSnapshots(String jobId, Optional<Snapshot> newest, List<Snapshot> snapshots) {}

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
        output.print(Json.jobs(jobs), text(jobs));
        return ExitCodes.OK;
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

    /** One line a snapshot (a job without one says so), newest first. */
    private static String text(List<JobSnapshots> jobs) {
        List<String> lines = new ArrayList<>();
        for (JobSnapshots job : jobs) {
            if (job.snapshots().isEmpty()) {
                lines.add("  " + job.jobId() + "  (no complete snapshot)");
            }
            for (Snapshot snapshot : job.snapshots()) {
                lines.add(line(snapshot, isNewest(job, snapshot)));
            }
        }
        return String.join(System.lineSeparator(), lines);
    }

    /** {@code * <job id>  checkpoint  12  <completed at>  <directory>}; '*' marks the newest. */
    private static String line(Snapshot snapshot, boolean newest) {
        String id = snapshot.checkpointId().isPresent() ? Long.toString(snapshot.checkpointId().getAsLong()) : "-";
        return String.format(Locale.ROOT, "%s %s  %-10s  %6s  %s  %s", newest ? "*" : " ", snapshot.jobId(),
                snapshot.kind().name().toLowerCase(Locale.ROOT), id, snapshot.completedAt(), snapshot.directory());
    }

    private static boolean isNewest(JobSnapshots job, Snapshot snapshot) {
        return job.newest().map(n -> n.directory().equals(snapshot.directory())).orElse(false);
    }
}
