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

    /**
     * The job to act on while it runs, for what only a running job can do (take a savepoint).
     *
     * <p>Only a source that asks Flink knows what runs. A job id or a scan of storage cannot: storage shows
     * what a job wrote, never whether it still runs. Such a source keeps this default, which refuses with a
     * {@link JobSelectionException} (the user must name a JobManager) and asks nothing of storage.
     *
     * @throws NothingToPromoteException when no matching job is running
     * @throws JobSelectionException when the source cannot tell which running job without the user saying so,
     *     or cannot know running jobs at all (this default)
     * @throws IOException when the JobManager cannot be asked
     */
    default JobInfo runningJob() throws IOException, NothingToPromoteException, JobSelectionException {
        throw new JobSelectionException(getClass().getSimpleName() + " cannot tell which job is running; only a JobManager can");
    }
}
