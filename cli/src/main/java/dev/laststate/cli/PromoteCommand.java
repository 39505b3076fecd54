package dev.laststate.cli;

import dev.laststate.flink.ManagedTargets;
import dev.laststate.flink.NotRestorableException;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.PreCommitCheck;
import dev.laststate.flink.PromotionMode;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Promoter;
import dev.laststate.rest.FlinkRestClient;
import dev.laststate.job.JobInfo;
import dev.laststate.rest.JobManagerConnection;
import dev.laststate.job.JobSource;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.verify.SnapshotVerifier;
import dev.laststate.verify.UnreadableMetadataException;
import dev.laststate.verify.Verification;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "promote", sortOptions = false,
        description = "Promote the job's newest complete checkpoint (or savepoint) to the target: copy its whole "
                + "directory there with _metadata last (copy mode), or record where it is (pointer mode).")
final class PromoteCommand extends StoreCommand {

    @Option(names = "--savepoints", paramLabel = "URI", defaultValue = "${env:LASTSTATE_SAVEPOINTS}",
            description = "A savepoint directory whose savepoints of the job compete with its checkpoints. Env: LASTSTATE_SAVEPOINTS.")
    private String savepoints;

    @Mixin
    private TargetOption target;

    @Option(names = "--job-id", paramLabel = "HEX", defaultValue = "${env:LASTSTATE_JOB_ID}",
            description = "The job (32 hex digits); default: the job in --store that completed a checkpoint last. Env: LASTSTATE_JOB_ID.")
    private String jobId;

    @Option(names = "--mode", paramLabel = "copy|pointer", defaultValue = "${env:LASTSTATE_MODE:-copy}",
            description = "copy (default): copy the snapshot into the target; pointer: only record where it is. Env: LASTSTATE_MODE.")
    private PromotionMode mode = PromotionMode.COPY;

    @Option(names = "--dry-run", defaultValue = "${env:LASTSTATE_DRY_RUN:-false}",
            description = "Decide and print what would be promoted; write nothing. Env: LASTSTATE_DRY_RUN.")
    private boolean dryRun;

    @Option(names = "--verify", defaultValue = "${env:LASTSTATE_VERIFY:-false}",
            description = "Before committing, run 'verify' on the copied snapshot: exit 6 and commit nothing when a file its "
                    + "_metadata references is missing or Flink cannot read it. Env: LASTSTATE_VERIFY.")
    private boolean verify;

    @Mixin
    private PromotionOptions promotion;

    @Mixin
    private NothingOption nothing;

    @Mixin
    private JobManagerOptions jobManager;

    @Mixin
    private OutputOptions output;

    @Mixin
    private ProgressOptions progress;

    @Spec
    private CommandSpec spec;

    /** What a signal stops: the promotion of this run. */
    private final Interruptions interruptions;

    PromoteCommand(RunContext run) {
        this.interruptions = run.interruptions();
    }

    @Override
    public Integer call() throws Exception {
        // Inputs are checked before the store is opened. The request is built once: here for a job --job-id names,
        // so its checks come first too; for a job found by a scan once it is found, still before anything is written.
        StoreUri checkpoints = store.checkpoints();
        Optional<StoreUri> savepointDir = store.location(savepoints, "--savepoints", checkpoints);
        StoreUri targetDir = target.resolveAnywhere(store, checkpoints);
        boolean across = !store.sameStore(targetDir, checkpoints);
        if (across && mode == PromotionMode.COPY && !promotion.relocates()) {
            throw new ParameterException(spec.commandLine(), "--target " + targetDir + " lies in another store than "
                    + checkpoints + ": a copy there restores on its own only when self-contained; drop --no-relocate");
        }
        JobChoice choice = new JobChoice(Optional.ofNullable(jobId), jobManager.jobName());
        Optional<PromotionRequest> named = choice.named().map(job -> request(checkpoints, savepointDir, targetDir, across, job));
        progress.interval(); // checked before anything is opened
        Optional<JobManagerConnection> rest = jobManager.given() ? Optional.of(jobManager.connection()) : Optional.empty();

        try (CheckpointStore opened = store.open(checkpoints);
             CheckpointStore otherTarget = across ? store.open(targetDir) : null;
             FlinkRestClient client = rest.map(FlinkRestClient::new).orElse(null)) {
            JobSource source = choice.source(Optional.ofNullable(client), opened, checkpoints, savepointDir);
            // A target in another store (a disaster-recovery copy) is read, written and verified there.
            CheckpointStore into = across ? otherTarget : opened;
            AtomicReference<Verification> checked = new AtomicReference<>();
            Promoter promoter = across ? promotion.promoter(opened).withTargetStore(into) : promotion.promoter(opened);
            if (verify) {
                promoter = promoter.withPreCommitCheck(restorable(into, checked));
            }
            // Ctrl-C or SIGTERM before the commit abandons the promotion; the signal's hook prints the one line.
            try (Interruptions.Promotion running = interruptions.promotion(err());
                 ProgressRenderer shown = progress.start(err())) {
                PromotionResult result;
                try {
                    PromotionRequest request;
                    if (named.isEmpty()) {
                        request = request(checkpoints, savepointDir, targetDir, across, source.job());
                    } else {
                        request = client == null ? named.get() : answered(named.get(), source.job());
                    }
                    result = promoter.withProgress(running.guard(shown)).promote(request);
                } catch (Exception e) {
                    if (running.interrupted()) {
                        return Interruptions.EXIT_CODE;
                    }
                    if (e instanceof NothingToPromoteException nothing) {
                        // Exit 3 only for a target laststate manages; at any other, nothing found is exit 8, never a first deployment.
                        throw new ManagedTargets(into).explain(Optional.of(checkpoints), targetDir, nothing);
                    }
                    throw e;
                }
                shown.close();
                if (result.status() == PromotionStatus.PROMOTED) {
                    running.promoted();
                } else if (running.interrupted()) {
                    return Interruptions.EXIT_CODE;
                }
                // A committed copy was verified before its commit; what else the target serves (unchanged, pointer
                // mode) is verified now. A check of an attempt that was not committed (retried, then refused or found
                // unchanged) says nothing about the target, and a refusal verifies nothing.
                Optional<Verification> verification = result.status() == PromotionStatus.PROMOTED
                        ? Optional.ofNullable(checked.get()) : Optional.empty();
                if (verification.isEmpty() && verify && !dryRun && result.status() != PromotionStatus.REFUSED) {
                    verification = Optional.of(VerifyCommand.verify(into, targetDir));
                }
                return output.print(new PromotionReport(result, verification));
            }
        }
    }

    /** {@code verify} as a pre-commit check: a copied snapshot that would not restore is never committed. */
    private static PreCommitCheck restorable(CheckpointStore store, AtomicReference<Verification> checked) {
        return (directory, metadata) -> {
            Verification verification;
            try {
                verification = new SnapshotVerifier(store).verify(directory, metadata);
            } catch (UnreadableMetadataException e) {
                throw new NotRestorableException(e.getMessage() + "; nothing was committed", e);
            }
            if (!verification.restorable()) {
                throw new NotRestorableException(VerificationReport.missing(verification) + "; nothing was committed", null);
            }
            checked.set(verification);
        };
    }

    /** The request of this run's flags for {@code job}. */
    private PromotionRequest request(StoreUri checkpoints, Optional<StoreUri> savepointDir, StoreUri targetDir, boolean across,
                                     JobInfo job) {
        return promotion.applyTo(PromotionRequest.builder(checkpoints, job.jobId())
                .savepoints(savepointDir)
                .target(targetDir)
                .acrossStores(across)
                .lineage(job.lineage())
                .mode(mode)
                .dryRun(dryRun)
                .minCheckpointId(job.minCheckpointId())
                .build());
    }

    /**
     * The request of a job {@code --job-id} named, with what the JobManager answered about that job: whether it
     * restored state, and the newest checkpoint storage must hold. Its id is the one named: the JobManager's answer
     * is narrowed to it ({@link JobChoice#source}).
     */
    private static PromotionRequest answered(PromotionRequest named, JobInfo job) {
        return named.toBuilder().lineage(job.lineage()).minCheckpointId(job.minCheckpointId()).build();
    }
}
