package dev.laststate.job;

import dev.laststate.flink.NothingToPromoteException;
import java.io.IOException;

/**
 * Decides which job's state is promoted: a job id given by the user, the newest job in storage, or (with
 * a JobManager) the job Flink is running, which also tells whether that job restored state.
 */
public interface JobSource {

    /**
     * The job to promote.
     *
     * @throws NothingToPromoteException when no job is found
     * @throws JobSelectionException when the source cannot tell which job without the user saying so
     * @throws IOException when storage or the JobManager cannot be asked
     */
    JobInfo job() throws IOException, NothingToPromoteException, JobSelectionException;
}
