package dev.laststate.job;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Lineage;
import java.util.Objects;
import java.util.Optional;

/**
 * The job whose state is promoted, as a {@link JobSource} found it.
 *
 * @param jobId the Flink job id (32 lower-case hex digits)
 * @param name the job's name, where the source knows it
 * @param lineage whether the job restored state or started empty, where the source can tell
 * @param foundBy how the job was found, for messages ("--job-id", "storage scan of ...")
 */
public record JobInfo(String jobId, Optional<String> name, Lineage lineage, String foundBy) {
    public JobInfo {
        FlinkLayout.requireJobId(jobId);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lineage, "lineage");
        Objects.requireNonNull(foundBy, "foundBy");
    }
}
