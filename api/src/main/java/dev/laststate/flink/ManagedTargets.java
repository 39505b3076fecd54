package dev.laststate.flink;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * What laststate knows about a promotion target, so that a typo never looks like a first deployment.
 *
 * <p>On an object store an empty prefix and a mistyped one look the same, so "this job has no snapshot yet"
 * cannot be read from storage alone. laststate keeps the knowledge in the target itself:
 * <ul>
 *   <li>{@link Knowledge#PROMOTED}: the target holds a pointer record ({@link FlinkLayout#POINTER_RECORD}),
 *       written by every promotion;</li>
 *   <li>{@link Knowledge#INITIALIZED}: it holds only the marker ({@link FlinkLayout#INIT_MARKER},
 *       {@link InitMarker}) that {@link #init} creates for a new job, before its first deployment;</li>
 *   <li>{@link Knowledge#UNKNOWN}: neither. Nothing found at such a target is an {@link UnknownTargetException},
 *       never a {@link NothingToPromoteException}: a mistyped {@code --store}, or a new job nobody declared.</li>
 * </ul>
 * A target laststate manages with no snapshot to promote stays a {@link NothingToPromoteException}: for an
 * initialized one, the job's first deployment (start it without a restore path); for a promoted one, the
 * target keeps serving what it serves. The marker is only read by its presence (one {@code stat}), and only
 * when nothing was found: a run that promotes costs no extra request.
 *
 * <p>What is knowable without a marker is bad input ({@link NotACheckpointDirectoryException}): a local
 * checkpoint directory that does not exist, a file given as the directory, and a job directory
 * ({@code <checkpoint-dir>/<jobId>}, named by 32 hex digits or holding {@code chk-<n>} directories) given
 * instead of its parent.
 */
public final class ManagedTargets {

    /** What laststate knows about a target. */
    public enum Knowledge {
        /** A pointer record: something was promoted there (it may serve a snapshot whose job is gone). */
        PROMOTED,
        /** Only the init marker: a new job declared by {@code laststate init}; nothing promoted yet. */
        INITIALIZED,
        /** Neither: laststate knows nothing at this target. */
        UNKNOWN
    }

    /** What {@link #init} did. */
    public enum InitOutcome {
        /** The marker was created. */
        CREATED,
        /** A marker was there already (a second init, or one racing this); nothing written. */
        ALREADY_INITIALIZED,
        /** The target holds a pointer record: it is managed already; nothing written. */
        ALREADY_PROMOTED
    }

    /** The outcome of {@link #init} and the marker it concerns. */
    public record Init(InitOutcome outcome, StoreUri target, StoreUri marker) {
        public Init {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(marker, "marker");
        }
    }

    private final CheckpointStore store;
    private final Clock clock;

    public ManagedTargets(CheckpointStore store) {
        this(store, Clock.systemUTC());
    }

    public ManagedTargets(CheckpointStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** What laststate knows about {@code target}: at most two {@code stat}s. */
    public Knowledge knowledge(StoreUri target) throws StoreException {
        if (store.stat(target.resolve(FlinkLayout.POINTER_RECORD)).isPresent()) {
            return Knowledge.PROMOTED;
        }
        return store.stat(target.resolve(FlinkLayout.INIT_MARKER)).isPresent() ? Knowledge.INITIALIZED : Knowledge.UNKNOWN;
    }

    /**
     * Declares {@code target} a target laststate manages, for the new job whose checkpoint directory is
     * {@code checkpoints}: creates {@link FlinkLayout#INIT_MARKER} in it with the store's own only-if-absent
     * condition. Idempotent: a marker already there, or a pointer record (the target is managed already), means
     * nothing is written. It never writes, replaces or deletes a pointer record, a {@code _metadata} or anything
     * else. A store without {@link Capability#CONDITIONAL_CREATE} gets a check, then a plain write: two inits
     * racing there write equivalent markers. When the store cannot tell whether the create took effect, the
     * marker is looked for: present is success (by this run or another one).
     *
     * @throws NotACheckpointDirectoryException when {@code checkpoints} is a file or a job directory (a local one
     *     that does not exist yet is created: a new job's checkpoint directory may not exist before it runs)
     * @throws IllegalArgumentException when {@code target} is not a place of its own (inside a job directory, a
     *     snapshot directory, or the checkpoint directory itself), as for a promotion
     */
    public Init init(StoreUri checkpoints, StoreUri target) throws StoreException {
        requireCheckpointDirectory(checkpoints, false);
        PromotionRequest.checkTarget(checkpoints, target, Optional.empty());
        StoreUri marker = target.resolve(FlinkLayout.INIT_MARKER);
        if (store.stat(target.resolve(FlinkLayout.POINTER_RECORD)).isPresent()) {
            return new Init(InitOutcome.ALREADY_PROMOTED, target, marker);
        }
        byte[] content = new InitMarker(clock.instant(), checkpoints).toJson();
        try {
            if (store.capabilities().contains(Capability.CONDITIONAL_CREATE)) {
                store.write(marker, content, WriteCondition.ifAbsent());
            } else if (store.stat(marker).isEmpty()) {
                store.write(marker, content, WriteCondition.overwrite());
            } else {
                return new Init(InitOutcome.ALREADY_INITIALIZED, target, marker);
            }
        } catch (ObjectAlreadyExistsException exists) {
            return new Init(InitOutcome.ALREADY_INITIALIZED, target, marker);
        } catch (OutcomeUnknownException unknown) {
            if (store.stat(marker).isEmpty()) {
                throw unknown;
            }
        }
        return new Init(InitOutcome.CREATED, target, marker);
    }

    /**
     * Why nothing was found at {@code target}, once {@code nothing} (no job, no complete snapshot, nothing
     * promoted) happened: bad input when {@code checkpoints} cannot be a checkpoint directory; an
     * {@link UnknownTargetException} when laststate knows nothing at the target; otherwise {@code nothing} with
     * what the target holds added, for the caller to throw.
     *
     * @param checkpoints the checkpoint directory looked in; empty when only a target was given
     * @throws NotACheckpointDirectoryException when {@code checkpoints} does not exist locally, is a file or is a
     *     job directory
     * @throws UnknownTargetException when the target holds neither a pointer record nor the init marker
     */
    public NothingToPromoteException explain(Optional<StoreUri> checkpoints, StoreUri target, NothingToPromoteException nothing)
            throws StoreException, UnknownTargetException {
        if (checkpoints.isPresent()) {
            requireCheckpointDirectory(checkpoints.get(), true);
        }
        Knowledge knowledge = knowledge(target);
        if (knowledge == Knowledge.UNKNOWN) {
            throw new UnknownTargetException(target, nothing.getMessage() + ", and laststate manages nothing at " + target
                    + " (no " + FlinkLayout.POINTER_RECORD + ", no " + FlinkLayout.INIT_MARKER + "): a mistyped location, "
                    + "or a new job: declare it once with 'laststate init" + checkpoints.map(c -> " --store " + c).orElse("")
                    + "'");
        }
        return new NothingToPromoteException(nothing.getMessage() + "; " + target + (knowledge == Knowledge.PROMOTED
                ? " keeps serving what was promoted there"
                : " was initialized for a new job (" + FlinkLayout.INIT_MARKER + ") and holds nothing yet: a first "
                        + "deployment starts without a restore path"));
    }

    /**
     * Refuses what cannot be a checkpoint directory: a file, a job directory, and (when {@code mustExist}) a
     * local directory that does not exist.
     */
    private void requireCheckpointDirectory(StoreUri checkpoints, boolean mustExist) throws StoreException {
        // Only a local store can tell a missing directory from an empty one; on an object store both are a prefix.
        if (mustExist && checkpoints.scheme().equals("file") && !Files.exists(checkpoints.toLocalPath())) {
            throw new NotACheckpointDirectoryException(checkpoints, checkpoints + " does not exist (for a new job's first "
                    + "deployment, run 'laststate init --store " + checkpoints + "' once)");
        }
        if (!checkpoints.path().isEmpty() && store.stat(checkpoints).isPresent()) {
            throw new NotACheckpointDirectoryException(checkpoints, checkpoints + " is a file, not a checkpoint directory");
        }
        if (FlinkLayout.isJobId(checkpoints.name())) {
            throw jobDirectory(checkpoints, "its name is a job id");
        }
        Listing listing = store.list(checkpoints);
        Optional<String> checkpoint = listing.directories().stream()
                .filter(name -> FlinkLayout.checkpointId(name).isPresent()).findFirst();
        if (checkpoint.isPresent()) {
            throw jobDirectory(checkpoints, "it holds " + checkpoint.get());
        }
    }

    private static NotACheckpointDirectoryException jobDirectory(StoreUri location, String why) {
        return new NotACheckpointDirectoryException(location, location + " is a job directory (" + why + "), not the "
                + "checkpoint directory: give its parent" + location.parent().map(p -> " " + p).orElse("")
                + " (execution.checkpointing.dir)");
    }
}
