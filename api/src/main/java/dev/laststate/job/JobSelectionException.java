package dev.laststate.job;

/**
 * The JobManager's answer does not tell which job's state to promote, and the user must: several matching
 * jobs are running and none was named, or the job writes its checkpoints outside the checkpoint directory
 * laststate was given. Bad input in the CLI (exit 2), never a failure of the JobManager.
 */
public final class JobSelectionException extends Exception {
    private static final long serialVersionUID = 1L;

    public JobSelectionException(String message) {
        super(message);
    }
}
