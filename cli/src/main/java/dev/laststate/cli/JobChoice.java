package dev.laststate.cli;

import dev.laststate.job.JobInfo;
import dev.laststate.job.JobSource;
import dev.laststate.job.StaticJobSource;
import dev.laststate.job.StorageScanJobSource;
import dev.laststate.rest.FlinkRestClient;
import dev.laststate.rest.FlinkRestJobSource;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import java.util.Optional;

/**
 * Which job a command acts on, as its flags say, and the one place a {@link JobSource} is chosen for them: with
 * {@code --jobmanager} the JobManager's answer (narrowed by {@code --job-name} and {@code --job-id}), else the
 * job of {@code --job-id}, else the job in storage that completed a snapshot last.
 *
 * @param jobId {@code --job-id}; checked (32 hex digits) by the source it names, when that is built
 * @param jobName {@code --job-name}, which only a JobManager can match
 */
record JobChoice(Optional<String> jobId, Optional<String> jobName) {

    /** The job known before anything is opened, the one {@code --job-id} names; its id is checked here. */
    Optional<JobInfo> named() {
        return jobId.map(id -> new StaticJobSource(id).job());
    }

    /**
     * The source of these flags.
     *
     * @param jobManager the client of {@code --jobmanager}, when given; the caller closes it
     * @param store the store of {@code checkpoints}, which a scan (and the JobManager's answer) is checked against
     * @param savepoints {@code --savepoints}, whose savepoints count as well as the checkpoints
     */
    JobSource source(Optional<FlinkRestClient> jobManager, CheckpointStore store, StoreUri checkpoints,
                     Optional<StoreUri> savepoints) {
        if (jobManager.isPresent()) {
            return new FlinkRestJobSource(jobManager.get(), jobName, jobId, store, checkpoints, savepoints);
        }
        return jobId.<JobSource>map(StaticJobSource::new)
                .orElseGet(() -> new StorageScanJobSource(store, checkpoints, savepoints));
    }
}
