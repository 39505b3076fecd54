package dev.laststate.job;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Lineage;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The job whose state is promoted, as a {@link JobSource} found it.
 *
 * @param jobId the Flink job id (32 lower-case hex digits)
 * @param name the job's name, where the source knows it
 * @param lineage whether the job restored state or started empty, where the source can tell
 * @param foundBy how the job was found, for messages ("--job-id", "storage scan of ...")
 * @param minCheckpointId the newest checkpoint id the source knows to be complete (the JobManager's
 *     {@code latest.completed}); storage must hold a snapshot at least that new
 */
public record JobInfo(String jobId, Optional<String> name, Lineage lineage, String foundBy, OptionalLong minCheckpointId) {
    public JobInfo {
        FlinkLayout.requireJobId(jobId);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lineage, "lineage");
        Objects.requireNonNull(foundBy, "foundBy");
        Objects.requireNonNull(minCheckpointId, "minCheckpointId");
    }

    /** A job without a known lower bound. */
    public JobInfo(String jobId, Optional<String> name, Lineage lineage, String foundBy) {
        this(jobId, name, lineage, foundBy, OptionalLong.empty());
    }
}
