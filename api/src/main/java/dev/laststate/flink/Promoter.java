package dev.laststate.flink;

import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Promotes a job's newest complete snapshot to a stable target, for every store alike.
 *
 * <p>Copy mode copies every object of the snapshot's directory into the target under the same names
 * (Flink refers to a snapshot's exclusive files by paths relative to its {@code _metadata}), then writes
 * {@code _metadata} last: that write is the commit, conditional on the target's {@code _metadata} being the
 * version seen when the decision was made. Then the pointer record is written, conditional likewise, and
 * the files of generations older than the previous one are deleted. Pointer mode writes the record only.
 *
 * <p>Guards: a snapshot already promoted is UNCHANGED (nothing written); an older one, an unreadable
 * record or a target {@code _metadata} laststate cannot place is REFUSED unless forced; a job that started
 * empty is REFUSED over existing state unless fresh starts are allowed. Because every commit is
 * conditional on what the decision saw, racing promoters never leave the target older than either would.
 */
public final class Promoter {

    private static final int SETTLE_READS = 5;
    private static final Duration SETTLE_PAUSE = Duration.ofMillis(100);
    private static final int RECORD_WRITE_ATTEMPTS = 5;

    private final CheckpointStore store;
    private final SnapshotFinder finder;
    private final LastStateReader reader;
    private final Clock clock;

    public Promoter(CheckpointStore store) {
        this(store, Clock.systemUTC());
    }

    public Promoter(CheckpointStore store, Clock clock) {
        this.store = store;
        this.finder = new SnapshotFinder(store);
        this.reader = new LastStateReader(store);
        this.clock = clock;
    }

    /** What the target held when a decision was made. */
    private record TargetState(Optional<ObjectInfo> recordInfo, Optional<PointerRecord> record,
                               Optional<CorruptPointerRecordException> corrupt, Optional<ObjectInfo> metadata) {
        boolean consistent() {
            if (corrupt.isPresent()) {
                return false;
            }
            return record.isPresent() ? record.get().describes(metadata) : metadata.isEmpty();
        }

        /** The record, if it describes the target as it is. */
        Optional<PointerRecord> trusted() {
            return consistent() ? record : Optional.empty();
        }
    }

    /** The outcome of one attempt: a result, or a reason to select again. */
    private record Attempt(Optional<PromotionResult> result, String retryReason) {
        static Attempt done(PromotionResult result) {
            return new Attempt(Optional.of(result), "");
        }

        static Attempt retry(String reason) {
            return new Attempt(Optional.empty(), reason);
        }
    }

    /**
     * Promotes the newest complete snapshot of {@code request.jobId()}.
     *
     * @throws NothingToPromoteException when the job has no complete checkpoint or savepoint
     * @throws PromotionAbortedException when no attempt could finish consistently
     * @throws StoreException when the store fails
     */
    public PromotionResult promote(PromotionRequest request)
            throws StoreException, NothingToPromoteException, PromotionAbortedException {
        long started = System.nanoTime();
        String lastReason = "";
        // Files copied by attempts that did not commit; removed once an attempt commits.
        Set<String> abandoned = new HashSet<>();
        for (int attempt = 1; attempt <= request.maxAttempts(); attempt++) {
            TargetState state = readTarget(request.target());
            Snapshot candidate = select(request);
            Optional<String> refusal = refusal(state, candidate, request);
            if (refusal.isPresent()) {
                return result(PromotionStatus.REFUSED, candidate, request, 0, 0, started, refusal.get());
            }
            if (unchanged(state, candidate, request)) {
                return result(PromotionStatus.UNCHANGED, candidate, request, 0, 0, started,
                        "the target already holds " + candidate.describe());
            }
            if (request.dryRun()) {
                return result(PromotionStatus.DRY_RUN, candidate, request, 0, 0, started,
                        "would promote " + candidate.describe() + " to " + request.target() + " (" + request.mode() + " mode)");
            }
            Attempt outcome = request.mode() == PromotionMode.POINTER
                    ? pointTo(candidate, state, request, started)
                    : copyAndCommit(candidate, state, request, started, abandoned);
            if (outcome.result().isPresent()) {
                return outcome.result().get();
            }
            lastReason = outcome.retryReason();
        }
        throw new PromotionAbortedException("gave up after " + request.maxAttempts() + " attempts: " + lastReason
                + "; nothing was committed", null);
    }

    private Snapshot select(PromotionRequest request) throws StoreException, NothingToPromoteException {
        if (request.snapshot().isPresent()) {
            return named(request, request.snapshot().get());
        }
        Snapshot newest = finder.newest(request.checkpoints(), request.savepoints(), request.jobId())
                .orElseThrow(() -> new NothingToPromoteException("job " + request.jobId() + " has no complete checkpoint in "
                        + request.checkpoints().resolve(request.jobId())
                        + request.savepoints().map(s -> " and no complete savepoint in " + s).orElse("")));
        // The JobManager's statistics lag storage but never lead it: storage holding only older snapshots
        // means the newer ones were deleted or are written elsewhere. Promoting the older one would hide that.
        if (request.minCheckpointId().isPresent()) {
            long min = request.minCheckpointId().getAsLong();
            if (newest.checkpointId().isEmpty() || newest.checkpointId().getAsLong() < min) {
                throw new NothingToPromoteException("the JobManager reports checkpoint " + min + " of job " + request.jobId()
                        + " as completed, but the newest complete snapshot in storage is " + newest.describe()
                        + "; nothing at least that new to promote (deleted already, or written somewhere else?)");
            }
        }
        return newest;
    }

    /** The snapshot the request names: its directory must hold a {@code _metadata}, whose header gives the id. */
    private Snapshot named(PromotionRequest request, StoreUri directory) throws StoreException, NothingToPromoteException {
        Optional<ObjectInfo> metadata = store.stat(directory.resolve(FlinkLayout.METADATA));
        if (metadata.isEmpty()) {
            throw new NothingToPromoteException(directory + " holds no " + FlinkLayout.METADATA + ": not a complete snapshot");
        }
        OptionalLong id = FlinkLayout.checkpointId(directory.name());
        SnapshotKind kind = SnapshotKind.CHECKPOINT;
        if (id.isEmpty() || !request.checkpoints().resolve(request.jobId()).contains(directory)) {
            kind = SnapshotKind.SAVEPOINT;
            try {
                id = FlinkLayout.metadataCheckpointId(store.read(metadata.get().uri(), FlinkLayout.METADATA_HEADER_BYTES).bytes());
            } catch (StoreNotFoundException gone) {
                throw new NothingToPromoteException(directory + " was deleted while it was read");
            }
        }
        return new Snapshot(request.jobId(), kind, directory, id, metadata.get());
    }

    // ---------------------------------------------------------------- reading the target

    /**
     * Reads the record and {@code _metadata}. A record that does not describe the {@code _metadata} in
     * place usually means another promoter is between its two writes, so the read is repeated briefly
     * before the target is taken as it is.
     */
    private TargetState readTarget(StoreUri target) throws StoreException, PromotionAbortedException {
        TargetState state = null;
        for (int read = 0; read < SETTLE_READS; read++) {
            if (read > 0) {
                pause(SETTLE_PAUSE);
            }
            Optional<ObjectInfo> metadata = store.stat(target.resolve(FlinkLayout.METADATA));
            Optional<ObjectContent> content = reader.readRecord(target);
            Optional<PointerRecord> record = Optional.empty();
            Optional<CorruptPointerRecordException> corrupt = Optional.empty();
            if (content.isPresent()) {
                try {
                    record = Optional.of(LastStateReader.parse(content.get()));
                } catch (CorruptPointerRecordException e) {
                    corrupt = Optional.of(e);
                }
            }
            state = new TargetState(content.map(ObjectContent::info), record, corrupt, metadata);
            if (state.consistent() || corrupt.isPresent()) {
                return state;
            }
        }
        return state;
    }

    // ---------------------------------------------------------------- guards

    private Optional<String> refusal(TargetState state, Snapshot candidate, PromotionRequest request) throws StoreException {
        if (state.corrupt().isPresent() && !request.force()) {
            return Optional.of(state.corrupt().get().getMessage()
                    + "; nothing was changed (repair or delete it, or promote with --force to replace it)");
        }
        boolean targetHoldsState = state.recordInfo().isPresent() || state.metadata().isPresent();
        // The job's own earlier snapshot in the target is its lineage, not state it would replace.
        boolean holdsThisJob = state.record().map(r -> r.current().jobId().equals(request.jobId())).orElse(false);
        if (request.lineage() == Lineage.STARTED_EMPTY && targetHoldsState && !holdsThisJob && !request.allowFreshStart()) {
            return Optional.of("job " + request.jobId() + " started without restoring state, while " + request.target()
                    + " holds " + describeHeld(state) + "; promoting it would replace that state (restore the job from "
                    + state.trusted().map(r -> r.restorePath(request.target())).orElse(request.target())
                    + ", or pass --allow-fresh-start)");
        }
        // A job that started empty counts its checkpoint ids from 1 again: allowing it means replacing the old
        // lineage, so comparing ids with that lineage would refuse every fresh start.
        if (request.force() || request.lineage() == Lineage.STARTED_EMPTY && request.allowFreshStart()) {
            return Optional.empty();
        }
        Optional<PointerRecord> trusted = state.trusted();
        if (trusted.isPresent()) {
            Generation current = trusted.get().current();
            boolean sameSnapshot = current.holds(candidate);
            int newness = current.compareNewness(candidate);
            if (!sameSnapshot && newness < 0) {
                return Optional.of(candidate.describe() + " is older than " + current.describe() + ", which "
                        + request.target() + " holds (pass --force to promote it anyway)");
            }
            if (!sameSnapshot && newness == 0) {
                return Optional.of(candidate.describe() + " is not newer than " + current.describe() + ", which "
                        + request.target() + " holds (pass --force to promote it anyway)");
            }
            return Optional.empty();
        }
        if (state.metadata().isEmpty() && state.record().isEmpty()) {
            return Optional.empty();
        }
        // The record (if any) does not describe the target's _metadata: a promoter stopped between its two
        // writes, or something other than laststate wrote one of them. Compare with both.
        OptionalLong held = OptionalLong.empty();
        if (state.metadata().isPresent()) {
            OptionalLong headerId = metadataId(request.target());
            if (headerId.isEmpty()) {
                return Optional.of(request.target().resolve(FlinkLayout.METADATA) + " is not described by a laststate"
                        + " pointer record and its checkpoint id cannot be read (pass --force to replace it)");
            }
            held = headerId;
        }
        OptionalLong recorded = state.record().map(r -> r.current().checkpointId()).orElse(OptionalLong.empty());
        if (recorded.isPresent() && (held.isEmpty() || recorded.getAsLong() > held.getAsLong())) {
            held = recorded;
        }
        if (held.isPresent() && (candidate.checkpointId().isEmpty() || candidate.checkpointId().getAsLong() < held.getAsLong())) {
            return Optional.of(candidate.describe() + " is older than checkpoint " + held.getAsLong() + ", which "
                    + request.target() + " holds (pass --force to promote it anyway)");
        }
        return Optional.empty();
    }

    private static boolean unchanged(TargetState state, Snapshot candidate, PromotionRequest request) {
        Optional<PointerRecord> trusted = state.trusted();
        if (trusted.isEmpty() || trusted.get().mode() != request.mode()) {
            return false;
        }
        return trusted.get().current().holds(candidate) && (request.mode() == PromotionMode.POINTER || state.metadata().isPresent());
    }

    private static String describeHeld(TargetState state) {
        return state.trusted().map(r -> r.current().describe()).orElse("a promoted snapshot");
    }

    private OptionalLong metadataId(StoreUri target) throws StoreException {
        try {
            ObjectContent header = store.read(target.resolve(FlinkLayout.METADATA), FlinkLayout.METADATA_HEADER_BYTES);
            return FlinkLayout.metadataCheckpointId(header.bytes());
        } catch (StoreNotFoundException gone) {
            return OptionalLong.empty();
        }
    }

    // ---------------------------------------------------------------- pointer mode

    private Attempt pointTo(Snapshot candidate, TargetState state, PromotionRequest request, long started)
            throws StoreException, PromotionAbortedException {
        Optional<PointerRecord> old = state.trusted();
        PointerRecord record = new PointerRecord(PromotionMode.POINTER, clock.instant(), Generation.of(candidate, List.of()),
                old.flatMap(Promoter::lastCopyGeneration), state.metadata().map(ObjectInfo::version));
        try {
            store.write(request.target().resolve(FlinkLayout.POINTER_RECORD), record.toJson(),
                    condition(WriteCondition.unchangedSince(state.recordInfo())));
        } catch (ConditionFailedException raced) {
            return Attempt.retry("the pointer record changed while promoting (another promoter?)");
        }
        return Attempt.done(result(PromotionStatus.PROMOTED, candidate, request, 0, 0, started, null));
    }

    // ---------------------------------------------------------------- copy mode

    private Attempt copyAndCommit(Snapshot candidate, TargetState state, PromotionRequest request, long started,
                                  Set<String> abandoned) throws StoreException, PromotionAbortedException {
        StoreUri target = request.target();
        List<ObjectInfo> sources = new ArrayList<>();
        walk(candidate.directory(), sources);
        List<ObjectInfo> exclusive = sources.stream()
                .filter(o -> !o.uri().equals(candidate.metadata().uri()))
                .toList();
        List<String> files = new ArrayList<>();
        for (ObjectInfo o : sources) {
            files.add(candidate.directory().relativize(o.uri()));
        }
        // Counted as abandoned until this attempt commits: whatever part of them was copied stays otherwise.
        abandoned.addAll(files);

        long bytes = 0;
        Optional<String> vanished = copyAll(candidate.directory(), exclusive, target, request.copyConcurrency());
        if (vanished.isPresent()) {
            return Attempt.retry(vanished.get() + " vanished while it was copied (Flink deleted the subsumed checkpoint)");
        }
        for (ObjectInfo o : exclusive) {
            bytes += o.size();
        }

        // Flink deletes a checkpoint's state files before its _metadata, and only once a newer checkpoint is
        // complete. If the candidate is still the newest now, nothing was deleting it when it was listed.
        // A named snapshot is promoted even when newer ones exist; its _metadata is read again just below.
        Optional<Snapshot> newest = request.snapshot().isPresent() ? Optional.of(candidate)
                : finder.newest(request.checkpoints(), request.savepoints(), request.jobId());
        if (newest.isEmpty() || !newest.get().directory().equals(candidate.directory())) {
            return Attempt.retry("a newer snapshot completed while " + candidate.directory() + " was copied");
        }
        ObjectContent metadata;
        try {
            metadata = store.read(candidate.metadata().uri());
        } catch (StoreNotFoundException gone) {
            return Attempt.retry(candidate.metadata().uri() + " vanished before the commit");
        }
        bytes += metadata.bytes().length;

        ObjectInfo committed;
        try {
            committed = store.write(target.resolve(FlinkLayout.METADATA), metadata.bytes(),
                    condition(WriteCondition.unchangedSince(state.metadata())));
        } catch (ConditionFailedException raced) {
            return Attempt.retry(target.resolve(FlinkLayout.METADATA) + " changed while promoting (another promoter?)");
        }

        Optional<PointerRecord> old = state.trusted();
        PointerRecord record = new PointerRecord(PromotionMode.COPY, clock.instant(), Generation.of(candidate, files),
                old.flatMap(Promoter::lastCopyGeneration), Optional.of(committed.version()));
        Optional<String> note = writeRecord(target, record, state.recordInfo(), committed);
        if (note.isEmpty()) {
            removeUnkeptFiles(target, old, record, abandoned);
        }
        return Attempt.done(result(PromotionStatus.PROMOTED, candidate, request, exclusive.size() + 1L, bytes, started,
                note.orElse(null)));
    }

    /** Copies objects in parallel; returns the first source found missing, if any. */
    private Optional<String> copyAll(StoreUri sourceDir, List<ObjectInfo> objects, StoreUri target, int concurrency)
            throws StoreException, PromotionAbortedException {
        if (objects.isEmpty()) {
            return Optional.empty();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, objects.size()), runnable -> {
            Thread thread = new Thread(runnable, "laststate-copy");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<ObjectInfo> copies = new ExecutorCompletionService<>(pool);
            for (ObjectInfo source : objects) {
                copies.submit(() -> store.copy(source.uri(), target.resolve(sourceDir.relativize(source.uri()))));
            }
            for (int done = 0; done < objects.size(); done++) {
                Future<ObjectInfo> copy = copies.take();
                try {
                    copy.get();
                } catch (ExecutionException e) {
                    // A missing source is Flink deleting the snapshot; a missing bucket is a failure.
                    if (e.getCause() instanceof StoreNotFoundException missing && !(missing instanceof ContainerNotFoundException)) {
                        return Optional.of(String.valueOf(missing.uri()));
                    }
                    if (e.getCause() instanceof StoreException failure) {
                        throw failure;
                    }
                    throw new IllegalStateException("copying into " + target + " failed", e.getCause());
                }
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PromotionAbortedException("interrupted while copying into " + target, e);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Writes the record after a successful commit. If another record landed since the target was read, the
     * record is written again over it as long as the committed {@code _metadata} is still in place.
     *
     * @return a note when a concurrent promotion has already replaced this one
     */
    private Optional<String> writeRecord(StoreUri target, PointerRecord record, Optional<ObjectInfo> observed,
                                         ObjectInfo committed) throws StoreException, PromotionAbortedException {
        StoreUri uri = target.resolve(FlinkLayout.POINTER_RECORD);
        Optional<ObjectInfo> expected = observed;
        for (int attempt = 0; attempt < RECORD_WRITE_ATTEMPTS; attempt++) {
            try {
                store.write(uri, record.toJson(), condition(WriteCondition.unchangedSince(expected)));
                return Optional.empty();
            } catch (ConditionFailedException raced) {
                Optional<ObjectInfo> metadataNow = store.stat(committed.uri());
                if (metadataNow.isEmpty() || !metadataNow.get().version().equals(committed.version())) {
                    return Optional.of("a concurrent promotion has already replaced this one");
                }
                expected = store.stat(uri);
            }
        }
        throw new PromotionAbortedException("committed " + committed.uri() + " but could not write " + uri
                + " after " + RECORD_WRITE_ATTEMPTS + " attempts; the next run repairs it", null);
    }

    /**
     * Deletes what the new record no longer keeps: the files of the generation before the previous one, and
     * files this run copied in attempts that did not commit. Only names laststate recorded or copied itself
     * are ever deleted, so a target shared with other data loses nothing else.
     *
     * <p>Safe against other promoters: this commit succeeded on the {@code _metadata} version the decision
     * saw, so every generation committed before it is in {@code old}; one that is still copying will fail its
     * own commit (the {@code _metadata} changed) and copy again.
     */
    private void removeUnkeptFiles(StoreUri target, Optional<PointerRecord> old, PointerRecord current, Set<String> abandoned)
            throws StoreException {
        Set<String> keep = new HashSet<>(current.current().files());
        current.previous().ifPresent(p -> keep.addAll(p.files()));
        keep.add(FlinkLayout.POINTER_RECORD);

        Set<String> unkept = new LinkedHashSet<>(abandoned);
        old.ifPresent(o -> {
            unkept.addAll(o.current().files());
            o.previous().ifPresent(p -> unkept.addAll(p.files()));
        });
        unkept.removeAll(keep);
        List<StoreUri> delete = new ArrayList<>();
        for (String name : unkept) {
            delete.add(target.resolve(name));
        }
        store.deleteAll(delete);
    }

    /** The last generation that copied files into the target, which its {@code _metadata} belongs to. */
    private static Optional<Generation> lastCopyGeneration(PointerRecord record) {
        return record.mode() == PromotionMode.COPY ? Optional.of(record.current()) : record.previous();
    }

    /** The condition itself where the store supports it; an unconditional write where it cannot. */
    private WriteCondition condition(WriteCondition wanted) {
        Optional<Capability> needed = wanted.requiredCapability();
        return needed.isEmpty() || store.capabilities().contains(needed.get()) ? wanted : WriteCondition.overwrite();
    }

    /** Every object below {@code dir}. Used only inside one snapshot directory or the target, never a job directory. */
    private void walk(StoreUri dir, List<ObjectInfo> into) throws StoreException {
        var listing = store.list(dir);
        into.addAll(listing.objects());
        for (String sub : listing.directories()) {
            walk(dir.resolve(sub), into);
        }
    }

    private PromotionResult result(PromotionStatus status, Snapshot snapshot, PromotionRequest request, long files, long bytes,
                                   long started, String reason) {
        return new PromotionResult(status, snapshot, request.target(), files, bytes,
                Duration.ofNanos(System.nanoTime() - started), Optional.ofNullable(reason));
    }

    private static void pause(Duration duration) throws PromotionAbortedException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PromotionAbortedException("interrupted", e);
        }
    }
}
