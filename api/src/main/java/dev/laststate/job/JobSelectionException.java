package dev.laststate.job;

/**
 * The job source cannot tell which job to act on, and the user must: several matching jobs are running and
 * none was named, the job writes its checkpoints outside the checkpoint directory laststate was given, or a
 * running job was asked of a source that cannot see what runs ({@link JobSource#runningJob}). Bad input in the
 * CLI (exit 2), never a failure of the JobManager.
 */
public final class JobSelectionException extends Exception {
    private static final long serialVersionUID = 1L;

    public JobSelectionException(String message) {
        super(message);
    }
}
