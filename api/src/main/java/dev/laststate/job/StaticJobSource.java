package dev.laststate.job;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Lineage;
import java.util.Optional;

/** The job the user named ({@code --job-id}), for jobs whose id is pinned or known to the deployment. */
public final class StaticJobSource implements JobSource {

    private final String jobId;

    /** @throws IllegalArgumentException when {@code jobId} is not 32 lower-case hex digits */
    public StaticJobSource(String jobId) {
        this.jobId = FlinkLayout.requireJobId(jobId);
    }

    @Override
    public JobInfo job() {
        return new JobInfo(jobId, Optional.empty(), Lineage.UNKNOWN, "--job-id");
    }
}
