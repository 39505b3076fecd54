package dev.laststate.flink;

import dev.laststate.flink.PromotionResult.CopyPath;
import dev.laststate.store.Capability;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.OutcomeUnknownException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.StreamedCopy;
import dev.laststate.store.WriteCondition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Promotes a job's newest complete snapshot to a stable target, for every store alike.
 *
 * <p>Copy mode, one attempt: check the candidate's {@code _metadata} (Flink's header, the id its directory
 * names, its exact size) and its directory (nothing laststate cannot copy); with a {@link SnapshotRelocator}
 * ({@link #withRelocator}), have it name every file the {@code _metadata} references and rewrite the
 * {@code _metadata} to point at copies under {@code <target>/state/}, leaving out what the kept generations
 * already hold; write a <em>pending record</em> into {@code <target>/_laststate-pending/} naming every file the
 * generation needs and the digest of the {@code _metadata} it will commit; copy (relocated files, or without a
 * relocator the snapshot's directory under the same names, which Flink refers to relative to {@code _metadata});
 * run the {@link PreCommitCheck}, if any; then write {@code _metadata}: that write is the commit, conditional on
 * the target's {@code _metadata} being the version the decision saw. Then the pointer record (the pending record
 * with the committed version), then the clean-up. The target may lie in another store ({@link #withTargetStore}).
 *
 * <p>Retention: the target keeps the current generation and the one before it (a restore that already read
 * the previous {@code _metadata} still finds its files), and the files of runs still copying. Everything
 * else laststate wrote goes: the files of older generations, the copies of attempts that did not commit,
 * and, once their pending record is older than the stale-run grace period, the copies of runs that died.
 * The generation a commit replaces is always the one the target served: the record describing the
 * {@code _metadata} version the commit was conditional on, or, when a promoter died between its commit and
 * its record, its pending record, recognised by the digest of the served {@code _metadata}. A target whose
 * {@code _metadata} laststate cannot place that way is never cleaned up. Only names laststate recorded are
 * ever deleted, so a target shared with other data loses nothing else.
 *
 * <p>Guards: a snapshot already promoted is UNCHANGED (nothing written but the clean-up a dead run left);
 * an older one, an unreadable record or a target {@code _metadata} laststate cannot place is REFUSED unless
 * forced; a job that started empty is REFUSED over existing state unless fresh starts are allowed. Because
 * every commit is conditional on what the decision saw, racing promoters never leave the target older than
 * either would.
 */
public final class Promoter {

    /** How long a pending record protects its run's copies; a run gives up before half of it has passed. */
    public static final Duration DEFAULT_STALE_RUN_GRACE = Duration.ofHours(1);
    /** The largest {@code _metadata} promoted: it is read into memory to be checked and committed. */
    public static final long MAX_METADATA_BYTES = 256L * 1024 * 1024;
    /**
     * How far into a file-merging physical file laststate reads to extract its segments from a store without
     * {@link Capability#BOUNDED_STREAMS} (Flink's default file size is 32 MiB); a store with it streams any length.
     */
    public static final long MAX_SEGMENT_READ_BYTES = 256L * 1024 * 1024;
    /**
     * The largest file copied into a target in another store when one of the two stores lacks
     * {@link Capability#BOUNDED_STREAMS} (it then passes through memory, whole); between two that have it, any size.
     */
    public static final long MAX_STREAMED_FILE_BYTES = 256L * 1024 * 1024;

    private static final int SETTLE_READS = 5;
    private static final Duration SETTLE_PAUSE = Duration.ofMillis(100);
    private static final int RECORD_WRITE_ATTEMPTS = 5;

    /** Where the snapshots are: listed, read and copied from. */
    private final CheckpointStore store;
    /** Where the target is: the same store, or another one (another bucket, cloud or file system). */
    private final CheckpointStore targetStore;
    private final SnapshotFinder finder;
    private final LastStateReader reader;
    private final Clock clock;
    private final Duration staleRunGrace;
    private final Optional<PreCommitCheck> preCommitCheck;
    private final PromotionProgress progress;
    private final Optional<SnapshotRelocator> relocator;

    public Promoter(CheckpointStore store) {
        this(store, Clock.systemUTC());
    }

    public Promoter(CheckpointStore store, Clock clock) {
        this(store, clock, DEFAULT_STALE_RUN_GRACE, Optional.empty());
    }

    /**
     * @param staleRunGrace how old a pending record must be before its run counts as dead and its copies are
     *     removed; a run whose copying takes longer than half of it gives up before committing
     * @param preCommitCheck run on the copied snapshot before its commit
     */
    public Promoter(CheckpointStore store, Clock clock, Duration staleRunGrace, Optional<PreCommitCheck> preCommitCheck) {
        this(store, store, clock, staleRunGrace, preCommitCheck, PromotionProgress.NONE, Optional.empty());
    }

    private Promoter(CheckpointStore store, CheckpointStore targetStore, Clock clock, Duration staleRunGrace,
                     Optional<PreCommitCheck> preCommitCheck, PromotionProgress progress, Optional<SnapshotRelocator> relocator) {
        if (staleRunGrace.isNegative() || staleRunGrace.isZero()) {
            throw new IllegalArgumentException("the stale-run grace period must be positive, not " + staleRunGrace);
        }
        this.store = store;
        this.targetStore = targetStore;
        this.finder = new SnapshotFinder(store);
        this.reader = new LastStateReader(targetStore);
        this.clock = clock;
        this.staleRunGrace = staleRunGrace;
        this.preCommitCheck = preCommitCheck;
        this.progress = progress;
        this.relocator = relocator;
    }

    /** This promoter, checking each copied snapshot with {@code check} before committing it. */
    public Promoter withPreCommitCheck(PreCommitCheck check) {
        return new Promoter(store, targetStore, clock, staleRunGrace, Optional.of(check), progress, relocator);
    }

    /**
     * This promoter, reporting its copies to {@code progress}. A caller may stop a promotion by interrupting the
     * promoting thread until {@link PromotionProgress#committing} has returned: the promotion is then abandoned and
     * what it copied is discarded.
     */
    public Promoter withProgress(PromotionProgress progress) {
        return new Promoter(store, targetStore, clock, staleRunGrace, preCommitCheck, progress, relocator);
    }

    /**
     * This promoter, making every snapshot it copies self-contained with {@code relocator}: it copies each file the
     * snapshot's {@code _metadata} references, wherever it lies, to {@code <target>/state/...}, and commits a
     * {@code _metadata} that points there. A file an earlier generation already copied (the same bytes of the same
     * source, under the same name) is not copied again, so a promotion copies what changed since the last one.
     * Without a relocator, a snapshot's directory is copied as it is (its {@code _metadata} may then reference files
     * outside the target, such as an incremental checkpoint's {@code shared/} files).
     */
    public Promoter withRelocator(SnapshotRelocator relocator) {
        return new Promoter(store, targetStore, clock, staleRunGrace, preCommitCheck, progress, Optional.of(relocator));
    }

    /**
     * This promoter, promoting into {@code target}, a store of its own (another bucket, region, cloud or file
     * system: a disaster-recovery copy), for requests {@link PromotionRequest#acrossStores() across stores}. The
     * target's records, commit and clean-up are written there with its own conditions; each file is streamed from
     * the snapshot's store through this process ({@link CheckpointStore#readStream} into
     * {@link CheckpointStore#writeStream}), one per copy at a time, in bounded memory when both stores declare
     * {@link Capability#BOUNDED_STREAMS} and otherwise for files up to {@link #MAX_STREAMED_FILE_BYTES}. Only a
     * self-contained (relocated) target restores on its own.
     */
    public Promoter withTargetStore(CheckpointStore target) {
        return new Promoter(store, target, clock, staleRunGrace, preCommitCheck, progress, relocator);
    }

    /**
     * What the target held when a decision was made.
     *
     * @param pending the pending records found beside the record
     * @param repairedFrom the record whose {@code _metadata} the target serves, recognised by its digest, while the
     *     pointer record does not describe it by version: a pending record (its run died between commit and
     *     record), or the pointer record itself (the same bytes came back with another version)
     */
    private record TargetState(Optional<ObjectInfo> recordInfo, Optional<PointerRecord> record,
                               Optional<CorruptPointerRecordException> corrupt, Optional<ObjectInfo> metadata,
                               List<PendingRun> pending, Optional<PendingRun> repairedFrom) {
        boolean consistent() {
            if (corrupt.isPresent()) {
                return false;
            }
            return record.isPresent() ? record.get().describes(metadata) : metadata.isEmpty();
        }

        /** Whether laststate knows which generation the target serves, so it may clean up around it. */
        boolean knowsServed() {
            return consistent() || repairedFrom.isPresent();
        }

        /** The record that describes the target as it is: its own, or the pending record of the run that committed it. */
        Optional<PointerRecord> trusted() {
            if (consistent()) {
                return record;
            }
            return repairedFrom.flatMap(PendingRun::record).map(r -> r.committedAs(metadata.orElseThrow().version()));
        }

        /** The record as it stands, when it may be older than what the target serves. */
        Optional<PointerRecord> stale() {
            return consistent() ? Optional.empty() : record;
        }
    }

    /** What one call of {@link #promote} wrote, so that what it did not commit can be told from what it did. */
    private static final class Run {
        final String id = UUID.randomUUID().toString();
        final Set<String> copied = new LinkedHashSet<>();
        final Map<StoreUri, PointerRecord> pendingRecords = new LinkedHashMap<>();
        final List<String> warnings = new ArrayList<>();

        boolean owns(PendingRun pending) {
            return pendingRecords.containsKey(pending.info().uri());
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

    private enum RecordOutcome { WRITTEN, REPLACED_BY_ANOTHER, NOT_WRITTEN }

    /**
     * Promotes the newest complete snapshot of {@code request.jobId()}.
     *
     * @throws NothingToPromoteException when the job has no complete checkpoint or savepoint
     * @throws UnpromotableSnapshotException when the newest snapshot's {@code _metadata} or directory cannot be
     *     promoted faithfully; nothing was committed
     * @throws NotRestorableException when the pre-commit check failed; nothing was committed
     * @throws PromotionAbortedException when no attempt could finish consistently; nothing was committed
     * @throws StoreException when the store fails (an {@link OutcomeUnknownException} when it cannot be told
     *     whether the commit took effect)
     */
    public PromotionResult promote(PromotionRequest request) throws StoreException, NothingToPromoteException,
            PromotionAbortedException, UnpromotableSnapshotException, NotRestorableException {
        if (request.acrossStores() != (targetStore != store)) {
            throw new IllegalArgumentException(request.acrossStores()
                    ? "a promotion across stores needs the target's store (Promoter.withTargetStore)"
                    : "this promoter writes into another store: the request must say it is across stores");
        }
        long started = System.nanoTime();
        Run run = new Run();
        try {
            return attempts(request, run, started);
        } catch (UnpromotableSnapshotException | NotRestorableException | PromotionAbortedException e) {
            discard(run, request.target());
            throw e;
        } catch (StoreException e) {
            // An interrupted store call (a closed channel, an aborted request) before the commit: abandoned too.
            if (Thread.currentThread().isInterrupted()) {
                discard(run, request.target());
            }
            throw e;
        }
    }

    private PromotionResult attempts(PromotionRequest request, Run run, long started) throws StoreException,
            NothingToPromoteException, PromotionAbortedException, UnpromotableSnapshotException, NotRestorableException {
        String lastReason = "";
        for (int attempt = 1; attempt <= request.maxAttempts(); attempt++) {
            TargetState state = readTarget(request.target());
            Snapshot candidate = select(request);
            Guards.Held held = held(state, request.target());
            Optional<String> refusal = Guards.refusal(held, candidate, request);
            if (refusal.isPresent()) {
                return result(PromotionStatus.REFUSED, candidate, request, 0, 0, started, refusal.get(), run);
            }
            if (Guards.unchanged(held, candidate, request)) {
                if (!request.dryRun()) {
                    settle(state, request.target(), run);
                }
                return result(PromotionStatus.UNCHANGED, candidate, request, 0, 0, started,
                        "the target already holds " + candidate.describe(), run);
            }
            if (request.dryRun()) {
                return result(PromotionStatus.DRY_RUN, candidate, request, 0, 0, started,
                        "would promote " + candidate.describe() + " to " + request.target() + " (" + request.mode() + " mode)", run);
            }
            Attempt outcome = request.mode() == PromotionMode.POINTER
                    ? pointTo(candidate, state, request, started, run)
                    : copyAndCommit(candidate, state, request, started, run, attempt);
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
     * Reads the record, {@code _metadata} and the pending records. A record that does not describe the
     * {@code _metadata} in place usually means another promoter is between its two writes, so the read is
     * repeated briefly before the target is taken as it is; then a pending record whose digest matches the
     * served {@code _metadata} tells which generation that is.
     */
    private TargetState readTarget(StoreUri target) throws StoreException, PromotionAbortedException {
        TargetState state = null;
        for (int read = 0; read < SETTLE_READS; read++) {
            if (read > 0) {
                pause(SETTLE_PAUSE);
            }
            Optional<ObjectInfo> metadata = targetStore.stat(target.resolve(FlinkLayout.METADATA));
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
            state = new TargetState(content.map(ObjectContent::info), record, corrupt, metadata, List.of(), Optional.empty());
            if (state.consistent() || corrupt.isPresent()) {
                break;
            }
        }
        List<PendingRun> pending = pendingRuns(target);
        Optional<PendingRun> repairedFrom = Optional.empty();
        if (!state.consistent() && state.corrupt().isEmpty() && state.metadata().isPresent()) {
            // The record itself is a candidate too: its _metadata may be in place with another version (a copy of
            // the target restored by a backup tool, a touched file), recognisable by its bytes.
            List<PendingRun> candidates = new ArrayList<>(pending);
            if (state.record().isPresent()) {
                candidates.add(new PendingRun(state.recordInfo().orElseThrow(), state.record()));
            }
            repairedFrom = committedBy(candidates, state.metadata().get());
        }
        return new TargetState(state.recordInfo(), state.record(), state.corrupt(), state.metadata(), pending, repairedFrom);
    }

    /** The pending records in the target; one that cannot be read is kept as such, to be removed once stale. */
    private List<PendingRun> pendingRuns(StoreUri target) throws StoreException {
        List<PendingRun> found = new ArrayList<>();
        for (ObjectInfo object : targetStore.list(target.resolve(FlinkLayout.PENDING_RECORDS)).objects()) {
            Optional<PointerRecord> record;
            try {
                ObjectContent content = targetStore.read(object.uri(), LastStateReader.MAX_RECORD_BYTES + 1);
                record = Optional.of(LastStateReader.parse(content));
            } catch (StoreNotFoundException settledMeanwhile) {
                continue;
            } catch (CorruptPointerRecordException unreadable) {
                record = Optional.empty();
            }
            found.add(new PendingRun(object, record));
        }
        return found;
    }

    /**
     * Of {@code candidates}, the record of the promotion that committed the served {@code _metadata}, recognised by
     * its digest; the newest when several promotions of one snapshot match.
     */
    private Optional<PendingRun> committedBy(List<PendingRun> candidates, ObjectInfo served) throws StoreException {
        List<PendingRun> sameSize = candidates.stream()
                .filter(p -> p.record().flatMap(PointerRecord::metadataDigest)
                        .map(d -> PointerRecord.digestSize(d) == served.size()).orElse(false))
                .toList();
        if (sameSize.isEmpty() || served.size() > MAX_METADATA_BYTES) {
            return Optional.empty();
        }
        ObjectContent content;
        try {
            content = targetStore.read(served.uri());
        } catch (StoreNotFoundException gone) {
            return Optional.empty();
        }
        if (!content.info().version().equals(served.version())) {
            return Optional.empty();
        }
        String digest = PointerRecord.digestOf(content.bytes());
        return sameSize.stream()
                .filter(p -> p.record().flatMap(PointerRecord::metadataDigest).orElseThrow().equals(digest))
                .max(Comparator.comparing(p -> p.info().lastModified()));
    }

    // ---------------------------------------------------------------- guards

    /** What the target holds, as {@link Guards} see it; reads the served {@code _metadata}'s header only when they need it. */
    private Guards.Held held(TargetState state, StoreUri target) throws StoreException {
        boolean needsMetadataId = state.trusted().isEmpty() && state.metadata().isPresent();
        return new Guards.Held(state.corrupt().map(Throwable::getMessage), state.record(), state.trusted(),
                state.metadata().isPresent(), needsMetadataId ? metadataId(target) : OptionalLong.empty());
    }

    private OptionalLong metadataId(StoreUri target) throws StoreException {
        try {
            ObjectContent header = targetStore.read(target.resolve(FlinkLayout.METADATA), FlinkLayout.METADATA_HEADER_BYTES);
            return FlinkLayout.metadataCheckpointId(header.bytes());
        } catch (StoreNotFoundException gone) {
            return OptionalLong.empty();
        }
    }

    // ---------------------------------------------------------------- pointer mode

    private Attempt pointTo(Snapshot candidate, TargetState state, PromotionRequest request, long started, Run run)
            throws StoreException, PromotionAbortedException {
        Optional<Generation> previous = previous(state);
        Set<String> retained = names(Optional.empty(), previous);
        PointerRecord record = new PointerRecord(PromotionMode.POINTER, clock.instant(), Generation.of(candidate, List.of()),
                previous, state.metadata().map(ObjectInfo::version), Optional.empty(), garbage(state, run, retained));
        try {
            targetStore.write(request.target().resolve(FlinkLayout.POINTER_RECORD), record.toJson(),
                    condition(WriteCondition.unchangedSince(state.recordInfo())));
        } catch (ConditionFailedException raced) {
            return Attempt.retry("the pointer record changed while promoting (another promoter?)");
        }
        cleanUp(state, record, true, request.target(), run);
        return Attempt.done(result(PromotionStatus.PROMOTED, candidate, request, 0, 0, started, null, run));
    }

    // ---------------------------------------------------------------- copy mode

    private Attempt copyAndCommit(Snapshot candidate, TargetState state, PromotionRequest request, long started, Run run,
                                  int attempt) throws StoreException, PromotionAbortedException,
            UnpromotableSnapshotException, NotRestorableException {
        StoreUri target = request.target();
        List<ObjectInfo> sources = new ArrayList<>();
        walk(candidate.directory(), sources);
        Optional<ObjectContent> metadata = checkedMetadata(candidate);
        if (metadata.isEmpty()) {
            return Attempt.retry(candidate.metadata().uri() + " vanished before it was read (Flink deleted the subsumed checkpoint)");
        }
        Plan plan = relocator.isPresent()
                ? relocated(candidate, metadata.get().bytes(), sources, state, target)
                : asIs(candidate, metadata.get().bytes(), sources, target);
        byte[] metadataBytes = plan.metadata();

        // The pending record goes first: from now on, every name this attempt writes is known, whether it
        // commits, fails or dies.
        Generation generation = Generation.of(candidate, plan.files(), plan.relocated());
        Optional<Generation> previous = previous(state);
        String digest = PointerRecord.digestOf(metadataBytes);
        plan.jobs().forEach(job -> run.copied.addAll(job.names()));
        PointerRecord pending = new PointerRecord(PromotionMode.COPY, clock.instant(), generation, previous, Optional.empty(),
                Optional.of(digest), garbage(state, run, names(Optional.of(generation), previous)));
        StoreUri pendingUri = target.resolve(FlinkLayout.PENDING_RECORDS).resolve(run.id + "-" + attempt + ".json");
        byte[] pendingJson = pending.toJson();
        if (pendingJson.length > LastStateReader.MAX_RECORD_BYTES) {
            // The pointer record would be as large, and no later run could read it: refused before anything is written.
            throw new UnpromotableSnapshotException(candidate.directory(), candidate.describe() + " needs a pointer record of "
                    + pendingJson.length + " bytes (" + plan.files().size() + " files), more than the "
                    + LastStateReader.MAX_RECORD_BYTES + " laststate reads back");
        }
        targetStore.write(pendingUri, pendingJson, WriteCondition.overwrite());
        run.pendingRecords.put(pendingUri, pending);
        long pendingWritten = System.nanoTime();

        long bytes = metadataBytes.length + plan.jobs().stream().mapToLong(CopyJob::bytes).sum();
        long files = 1 + plan.jobs().stream().mapToLong(job -> job.names().size()).sum();
        progress.copying(candidate, (int) (files - 1), bytes - metadataBytes.length);
        Optional<String> vanished = copyAll(plan.jobs(), target, request.copyConcurrency());
        if (vanished.isPresent()) {
            if (relocator.isPresent() && newestIs(candidate, request)) {
                // Not a race with Flink: the snapshot still stands and references a file that is not there.
                throw new NotRestorableException(vanished.get() + ", which " + candidate.metadata().uri()
                        + " references, is missing: the snapshot would not restore; nothing was committed", null);
            }
            return Attempt.retry(vanished.get() + " vanished while it was copied (Flink deleted the subsumed checkpoint)");
        }
        // A relocated copy is whole once every file its _metadata names was copied, each exactly: it may be committed
        // even if a newer snapshot completed meanwhile (the next promotion takes that one), so promotions progress
        // however often Flink checkpoints. A copy of the directory as it is was only as whole as its listing.
        if (relocator.isEmpty() && !newestIs(candidate, request)) {
            return Attempt.retry("a newer snapshot completed while " + candidate.directory() + " was copied");
        }
        // Runs whose pending record is older than the grace period count as dead and lose their copies.
        Duration copying = Duration.ofNanos(System.nanoTime() - pendingWritten);
        if (copying.compareTo(staleRunGrace.dividedBy(2)) > 0) {
            throw new PromotionAbortedException("copying " + candidate.describe() + " took " + copying.toMillis()
                    + " ms, longer than half the stale-run grace period (" + staleRunGrace.toMillis()
                    + " ms); nothing was committed", null);
        }
        if (preCommitCheck.isPresent()) {
            preCommitCheck.get().check(target, metadataBytes);
        }
        progress.committing(candidate);
        if (Thread.currentThread().isInterrupted()) {
            throw new PromotionAbortedException("interrupted before the commit of " + candidate.describe()
                    + "; nothing was committed", null);
        }

        StoreUri metadataUri = target.resolve(FlinkLayout.METADATA);
        ObjectInfo committed;
        try {
            committed = targetStore.write(metadataUri, metadataBytes, condition(WriteCondition.unchangedSince(state.metadata())));
        } catch (ConditionFailedException raced) {
            return Attempt.retry(metadataUri + " changed while promoting (another promoter?)");
        } catch (OutcomeUnknownException unknown) {
            Optional<ObjectInfo> readBack = readBackIfSame(metadataUri, digest, unknown);
            if (readBack.isEmpty()) {
                return Attempt.retry("the store could not confirm the commit of " + metadataUri + ", and it had not taken effect");
            }
            committed = readBack.get();
            run.warnings.add("the store could not confirm the commit of " + metadataUri + "; read back, it had taken effect");
        }

        PointerRecord record = pending.committedAs(committed.version());
        String note = null;
        switch (writeRecord(target, record, state.recordInfo(), committed, run)) {
            case WRITTEN -> cleanUp(state, record, true, target, run);
            case REPLACED_BY_ANOTHER -> note = "a concurrent promotion has already replaced this one";
            case NOT_WRITTEN -> { }
        }
        return Attempt.done(result(PromotionStatus.PROMOTED, candidate, request, files, bytes, started, note, run));
    }

    /**
     * Whether {@code candidate} is still the snapshot to promote, looked at after its copies.
     *
     * <p>Flink discards a checkpoint only once a newer one is complete, dropping its {@code _metadata} first and its
     * state files after ({@code CompletedCheckpointDiscardObject.discard}), so the {@code _metadata} read after the
     * listing already shows the listing was whole. A deletion in the other order (state files first, as a script or
     * an older tool may go) could hide files from the listing while {@code _metadata} stays; this second look sees
     * the newer checkpoint any subsumption needs. A named snapshot is promoted even when newer ones exist, as long as
     * its {@code _metadata} is still there.
     */
    private boolean newestIs(Snapshot candidate, PromotionRequest request) throws StoreException {
        Optional<Snapshot> newest = request.snapshot().isPresent()
                ? store.stat(candidate.metadata().uri()).map(m -> candidate)
                : finder.newest(request.checkpoints(), request.savepoints(), request.jobId());
        return newest.isPresent() && newest.get().directory().equals(candidate.directory());
    }

    /**
     * What one attempt writes into the target: the names its generation needs there, where relocated state came
     * from, the copies still to make, and the {@code _metadata} it commits.
     */
    private record Plan(List<String> files, List<StateCopy> relocated, List<CopyJob> jobs, byte[] metadata) {}

    /** Copies into the target that are made together: the names they write and the source bytes they move. */
    private record CopyJob(List<String> names, StoreUri source, long bytes, StoreCall call) {}

    @FunctionalInterface
    private interface StoreCall {
        void run() throws StoreException;
    }

    /** The snapshot directory copied as it is, under the same names (Flink refers to them relative to {@code _metadata}). */
    private Plan asIs(Snapshot candidate, byte[] metadata, List<ObjectInfo> sources, StoreUri target)
            throws UnpromotableSnapshotException {
        List<String> files = new ArrayList<>();
        List<CopyJob> jobs = new ArrayList<>();
        for (ObjectInfo o : sources) {
            String name = recordableName(candidate, o);
            files.add(name);
            if (!o.uri().equals(candidate.metadata().uri())) {
                requireStreamable(candidate, o.uri(), o.size());
                jobs.add(new CopyJob(List.of(name), o.uri(), o.size(), () -> copyInto(o, target.resolve(name))));
            }
        }
        return new Plan(files, List.of(), jobs, metadata);
    }

    /**
     * The snapshot made self-contained: every piece of state its {@code _metadata} references, except what the
     * generations the target keeps already hold under the same name from the same bytes, and the rewritten
     * {@code _metadata}. Files in the snapshot directory are copied as listed; others are stat-ed first, one request
     * each, only when they are new to the target.
     */
    private Plan relocated(Snapshot candidate, byte[] metadata, List<ObjectInfo> sources, TargetState state, StoreUri target)
            throws StoreException, UnpromotableSnapshotException {
        Relocation relocation;
        try {
            relocation = relocator.orElseThrow().relocate(candidate.directory(), metadata);
        } catch (IllegalArgumentException e) {
            throw new UnpromotableSnapshotException(candidate.directory(), candidate.metadata().uri()
                    + " references state laststate cannot relocate: " + e.getMessage());
        }
        // Only what the record keeps: those names stay while it stands, and the commit is conditional on it. Copies of
        // this run's earlier attempts are copied again, since another run may have deleted a name both wrote.
        Set<StateCopy> held = new LinkedHashSet<>();
        state.trusted().ifPresent(r -> {
            held.addAll(r.current().relocated());
            r.previous().ifPresent(p -> held.addAll(p.relocated()));
        });
        Map<StoreUri, ObjectInfo> listed = new LinkedHashMap<>();
        sources.forEach(o -> listed.put(o.uri(), o));
        // In the order the pointer record keeps them (by source directory), so a record reads back equal.
        List<StateCopy> copies = PointerRecord.inRecordOrder(relocation.copies());
        List<String> files = new ArrayList<>(List.of(FlinkLayout.METADATA));
        Map<StoreUri, List<StateCopy>> segments = new LinkedHashMap<>();
        List<CopyJob> jobs = new ArrayList<>();
        for (StateCopy copy : copies) {
            files.add(copy.name());
            if (held.contains(copy)) {
                continue;
            }
            if (copy.whole()) {
                requireStreamable(candidate, copy.source(), copy.length());
                jobs.add(new CopyJob(List.of(copy.name()), copy.source(), copy.length(), () -> {
                    ObjectInfo source = Optional.ofNullable(listed.get(copy.source())).or(() -> statQuietly(copy.source()))
                            .orElseThrow(() -> StoreNotFoundException.noSuchObject(copy.source(), "copy"));
                    copyInto(source, target.resolve(copy.name()));
                }));
            } else {
                segments.computeIfAbsent(copy.source(), s -> new ArrayList<>()).add(copy);
            }
        }
        for (Map.Entry<StoreUri, List<StateCopy>> physical : segments.entrySet()) {
            jobs.add(segmentJob(candidate, physical.getKey(), physical.getValue(), target));
        }
        return new Plan(files, copies, jobs, relocation.metadata());
    }

    /**
     * One read of a file-merging physical file, from its first needed segment to its last, and one write per segment:
     * each segment becomes a file of its own. Streamed: without {@link Capability#BOUNDED_STREAMS} in the snapshot's
     * store the read passes through memory, so it is bounded to {@link #MAX_SEGMENT_READ_BYTES}. Segments that overlap
     * (no Flink writes them, but a {@code _metadata} may say so) start another read.
     */
    private CopyJob segmentJob(Snapshot candidate, StoreUri source, List<StateCopy> pieces, StoreUri target)
            throws UnpromotableSnapshotException {
        long end = pieces.stream().mapToLong(p -> p.offset() + p.length()).max().orElseThrow();
        if (!store.capabilities().contains(Capability.BOUNDED_STREAMS) && end > MAX_SEGMENT_READ_BYTES) {
            throw new UnpromotableSnapshotException(candidate.directory(), candidate.metadata().uri() + " references a segment"
                    + " ending at byte " + end + " of " + source + ", beyond the " + MAX_SEGMENT_READ_BYTES
                    + " bytes laststate reads of a file-merging file");
        }
        List<StateCopy> ordered = pieces.stream()
                .sorted(Comparator.comparingLong(StateCopy::offset).thenComparingLong(StateCopy::length)).toList();
        return new CopyJob(ordered.stream().map(StateCopy::name).toList(), source,
                ordered.stream().mapToLong(StateCopy::length).sum(), () -> {
            int first = 0;
            while (first < ordered.size()) {
                int last = first;
                long runEnd = ordered.get(first).offset() + ordered.get(first).length();
                while (last + 1 < ordered.size() && ordered.get(last + 1).offset() >= runEnd) {
                    last++;
                    runEnd = ordered.get(last).offset() + ordered.get(last).length();
                }
                long start = ordered.get(first).offset();
                try (StreamedCopy read = StreamedCopy.open(store, source, Optional.empty(), start, runEnd - start)) {
                    for (StateCopy piece : ordered.subList(first, last + 1)) {
                        read.skipTo(piece.offset());
                        read.writeNext(targetStore, target.resolve(piece.name()), piece.length());
                    }
                }
                first = last + 1;
            }
        });
    }

    /**
     * Refuses, before anything is written, a file too large to pass through memory into another store: one of the two
     * stores lacks {@link Capability#BOUNDED_STREAMS}.
     */
    private void requireStreamable(Snapshot candidate, StoreUri file, long size) throws UnpromotableSnapshotException {
        if (targetStore != store && size > MAX_STREAMED_FILE_BYTES && !boundedStreams()) {
            throw new UnpromotableSnapshotException(candidate.directory(), file + " is " + size + " bytes, more than the "
                    + MAX_STREAMED_FILE_BYTES + " laststate copies through memory between these stores (" + (store.capabilities()
                    .contains(Capability.BOUNDED_STREAMS) ? "the target's" : "the snapshot's") + " store does not stream"
                    + " in bounded memory); promote within the snapshot's store");
        }
    }

    private boolean boundedStreams() {
        return store.capabilities().contains(Capability.BOUNDED_STREAMS)
                && targetStore.capabilities().contains(Capability.BOUNDED_STREAMS);
    }

    /**
     * Copies exactly the version of {@code source} that was listed to {@code to}: within the snapshot's store with its
     * own copy, into another store streamed through this process (read at the listed version, written as it is read).
     */
    private void copyInto(ObjectInfo source, StoreUri to) throws StoreException {
        if (targetStore == store) {
            store.copy(source, to);
            return;
        }
        try (StreamedCopy read = StreamedCopy.open(store, source.uri(), Optional.of(source.version()), 0, source.size())) {
            read.writeNext(targetStore, to, source.size());
        }
    }

    private Optional<ObjectInfo> statQuietly(StoreUri uri) {
        try {
            return store.stat(uri);
        } catch (StoreException e) {
            throw new WrappedStoreException(e);
        }
    }

    /** Carries a store failure out of an {@link Optional} chain; unwrapped where the copy's outcome is read. */
    private static final class WrappedStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WrappedStoreException(StoreException cause) {
            super(cause);
        }
    }

    /**
     * The candidate's {@code _metadata}, read whole and checked before anything is written: Flink's header, the
     * checkpoint id its directory names, and every byte of its size. Empty when it vanished meanwhile.
     */
    private Optional<ObjectContent> checkedMetadata(Snapshot candidate) throws StoreException, UnpromotableSnapshotException {
        ObjectInfo info = candidate.metadata();
        StoreUri dir = candidate.directory();
        if (info.size() > MAX_METADATA_BYTES) {
            throw new UnpromotableSnapshotException(dir, info.uri() + " is " + info.size() + " bytes, more than the "
                    + MAX_METADATA_BYTES + " laststate reads into memory to check and commit");
        }
        ObjectContent content;
        try {
            content = store.read(info.uri());
        } catch (StoreNotFoundException gone) {
            return Optional.empty();
        }
        if (content.bytes().length != content.info().size()) {
            throw new UnpromotableSnapshotException(dir, info.uri() + " was read cut short (" + content.bytes().length
                    + " of " + content.info().size() + " bytes)");
        }
        OptionalLong id = FlinkLayout.metadataCheckpointId(content.bytes());
        if (id.isEmpty()) {
            throw new UnpromotableSnapshotException(dir, info.uri() + " is not Flink checkpoint metadata ("
                    + content.bytes().length + " bytes without Flink's header): empty or corrupt");
        }
        if (candidate.checkpointId().isPresent() && id.getAsLong() != candidate.checkpointId().getAsLong()) {
            throw new UnpromotableSnapshotException(dir, info.uri() + " names checkpoint " + id.getAsLong()
                    + ", not checkpoint " + candidate.checkpointId().getAsLong() + " as its directory does");
        }
        return Optional.of(content);
    }

    /** The name {@code object} gets in the target, refused when laststate could not record it or reserves it. */
    private static String recordableName(Snapshot candidate, ObjectInfo object) throws UnpromotableSnapshotException {
        String name = candidate.directory().relativize(object.uri());
        String first = name.split("/", 2)[0];
        if (FlinkLayout.isReservedInTarget(first)) {
            throw new UnpromotableSnapshotException(candidate.directory(), candidate.directory() + " holds '" + first
                    + "', a name laststate reserves for its own records in the target");
        }
        if (!PointerRecord.isRecordableName(name)) {
            throw new UnpromotableSnapshotException(candidate.directory(), candidate.directory()
                    + " holds a file whose name laststate cannot record: " + printable(name));
        }
        return name;
    }

    /** Runs the copies in parallel; returns the first source found missing or changed, if any. */
    private Optional<String> copyAll(List<CopyJob> jobs, StoreUri target, int concurrency)
            throws StoreException, PromotionAbortedException {
        if (jobs.isEmpty()) {
            return Optional.empty();
        }
        Set<StoreUri> sources = new java.util.HashSet<>();
        jobs.forEach(job -> sources.add(job.source()));
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, jobs.size()), runnable -> {
            Thread thread = new Thread(runnable, "laststate-copy");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<Void> copies = new ExecutorCompletionService<>(pool);
            for (CopyJob job : jobs) {
                copies.submit(() -> {
                    try {
                        job.call().run();
                    } catch (WrappedStoreException wrapped) {
                        throw (StoreException) wrapped.getCause();
                    }
                    progress.copied(job.bytes());
                    return null;
                });
            }
            for (int done = 0; done < jobs.size(); done++) {
                Future<Void> copy = copies.take();
                try {
                    copy.get();
                } catch (ExecutionException e) {
                    // A missing source is Flink deleting the snapshot; a missing bucket is a failure.
                    if (e.getCause() instanceof StoreNotFoundException missing && !(missing instanceof ContainerNotFoundException)) {
                        return Optional.of(String.valueOf(missing.uri()));
                    }
                    // So is a source rewritten since it was listed: the snapshot is no longer the one selected.
                    if (e.getCause() instanceof ConditionFailedException changed && sources.contains(changed.uri())) {
                        return Optional.of(String.valueOf(changed.uri()));
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
            stop(pool);
        }
    }

    /**
     * Stops the copies still running and waits for them (bounded), so that none lands after the run has
     * discarded its copies; an interrupt of the promoting thread is kept for its caller.
     */
    private static void stop(ExecutorService pool) {
        pool.shutdownNow();
        boolean interrupted = Thread.interrupted();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * After a write whose outcome the store could not tell: the object as it stands if its bytes are the ones
     * written (digest), empty if they are not.
     *
     * @throws OutcomeUnknownException when even reading back fails, so the outcome stays unknown
     */
    private Optional<ObjectInfo> readBackIfSame(StoreUri uri, String digest, OutcomeUnknownException unknown)
            throws StoreException {
        try {
            ObjectContent content = targetStore.read(uri, MAX_METADATA_BYTES);
            return PointerRecord.digestOf(content.bytes()).equals(digest) ? Optional.of(content.info()) : Optional.empty();
        } catch (StoreNotFoundException absent) {
            return Optional.empty();
        } catch (StoreException readBackFailed) {
            OutcomeUnknownException still = new OutcomeUnknownException(uri, unknown.getMessage()
                    + "; reading it back failed too, so whether it took effect is unknown (the next run finds out)", unknown);
            still.addSuppressed(readBackFailed);
            throw still;
        }
    }

    /**
     * Writes the record after a successful commit. If another record landed since the target was read, the
     * record is written again over it as long as the committed {@code _metadata} is still in place.
     */
    private RecordOutcome writeRecord(StoreUri target, PointerRecord record, Optional<ObjectInfo> observed,
                                      ObjectInfo committed, Run run) throws StoreException {
        StoreUri uri = target.resolve(FlinkLayout.POINTER_RECORD);
        byte[] json = record.toJson();
        Optional<ObjectInfo> expected = observed;
        for (int attempt = 0; attempt < RECORD_WRITE_ATTEMPTS; attempt++) {
            try {
                targetStore.write(uri, json, condition(WriteCondition.unchangedSince(expected)));
                return RecordOutcome.WRITTEN;
            } catch (ConditionFailedException raced) {
                Optional<ObjectInfo> metadataNow = targetStore.stat(committed.uri());
                if (metadataNow.isEmpty() || !metadataNow.get().version().equals(committed.version())) {
                    return RecordOutcome.REPLACED_BY_ANOTHER;
                }
                expected = targetStore.stat(uri);
            } catch (OutcomeUnknownException unknown) {
                try {
                    ObjectContent readBack = targetStore.read(uri, LastStateReader.MAX_RECORD_BYTES + 1);
                    if (Arrays.equals(readBack.bytes(), json)) {
                        return RecordOutcome.WRITTEN;
                    }
                    expected = Optional.of(readBack.info());
                } catch (StoreNotFoundException absent) {
                    expected = Optional.empty();
                }
            }
        }
        run.warnings.add("committed " + committed.uri() + " but could not write " + uri + " in " + RECORD_WRITE_ATTEMPTS
                + " attempts; the next run repairs it from the pending record");
        return RecordOutcome.NOT_WRITTEN;
    }

    // ---------------------------------------------------------------- retention and clean-up

    /** The generation a new record keeps as its previous one: the last that copied files into the target. */
    private static Optional<Generation> previous(TargetState state) {
        // A stale record still names files the target holds; keep them rather than forget them.
        return state.trusted().or(state::stale).flatMap(Promoter::lastCopyGeneration);
    }

    /**
     * The names a record written now may delete: the files of the generations it no longer keeps, what earlier
     * runs left unfinished or died with, and this run's copies that the record does not keep. Nothing at all
     * when laststate cannot tell which generation the target serves: any name might be one it needs.
     */
    private List<String> garbage(TargetState state, Run run, Set<String> retained) {
        if (!state.knowsServed()) {
            return List.of();
        }
        Set<String> unkept = new LinkedHashSet<>();
        Optional<PointerRecord> old = state.trusted();
        old.ifPresent(o -> {
            unkept.addAll(o.current().files());
            o.previous().ifPresent(p -> unkept.addAll(p.files()));
        });
        unkept.addAll(leftBy(settled(state, old, run), old.stream().toList()));
        unkept.addAll(run.copied);
        unkept.removeAll(retained);
        unkept.removeAll(protectedNames(state, old, run));
        unkept.remove(FlinkLayout.METADATA);
        unkept.remove(FlinkLayout.POINTER_RECORD);
        unkept.remove(FlinkLayout.INIT_MARKER);
        return List.copyOf(unkept);
    }

    /**
     * After {@code record} stands (written by this run: {@code fresh}; or found in place): deletes its garbage
     * when this run wrote it or its own run did not finish, the copies of dead runs, and the pending records
     * that are settled, this run's last. A failure here undoes nothing: it becomes a warning, and the next run
     * finishes the clean-up, because the pending records that name what is left are deleted last.
     */
    private void cleanUp(TargetState state, PointerRecord record, boolean fresh, StoreUri target, Run run) {
        Set<String> doomed = new LinkedHashSet<>();
        if (fresh) {
            doomed.addAll(record.garbage());
        }
        List<PendingRun> settled = settled(state, Optional.of(record), run);
        List<PointerRecord> committed = new ArrayList<>(List.of(record));
        state.trusted().ifPresent(committed::add);
        doomed.addAll(leftBy(settled, committed));
        try {
            sweep(doomed, Optional.of(record), protectedNames(state, Optional.of(record), run), settled, target, run);
        } catch (StoreException | RuntimeException e) {
            run.warnings.add("the clean-up of " + target + " stopped (" + e.getMessage() + "); the next run finishes it");
        }
    }

    /**
     * Deletes {@code doomed} and what this run copied without committing, except the names {@code standing}
     * keeps and those live runs may be copying right now; then the pending records whose every name is dealt
     * with. A pending record naming a file withheld for a live run stays, so that file is never forgotten: it
     * is removed once that record is stale, if no generation needs it then.
     */
    private void sweep(Set<String> doomed, Optional<PointerRecord> standing, Set<String> live, List<PendingRun> settled,
                       StoreUri target, Run run) throws StoreException {
        Set<String> retained = standing.map(r -> names(Optional.of(r.current()), r.previous())).orElse(Set.of());
        Set<String> names = new LinkedHashSet<>(doomed);
        names.addAll(run.copied);
        names.removeAll(retained);
        names.remove(FlinkLayout.METADATA);
        names.remove(FlinkLayout.POINTER_RECORD);
        names.remove(FlinkLayout.INIT_MARKER);
        Set<String> withheld = new LinkedHashSet<>(names);
        withheld.retainAll(live);
        names.removeAll(live);
        Map<StoreUri, PointerRecord> records = new LinkedHashMap<>();
        for (PendingRun pending : settled) {
            records.put(pending.info().uri(), pending.record().orElse(null));
        }
        records.putAll(run.pendingRecords);
        List<StoreUri> handled = new ArrayList<>();
        records.forEach((uri, record) -> {
            if (record == null || !namesOf(record).stream().anyMatch(withheld::contains)) {
                handled.add(uri);
            }
        });
        if (deleteEach(names.stream().map(target::resolve).toList(), run)) {
            targetStore.deleteAll(handled);
        }
    }

    /**
     * What settled pending records leave to delete: the names each meant to delete, and the files it copied
     * unless it is the run of one of the {@code committed} records (then they are that generation's files).
     */
    private static Set<String> leftBy(List<PendingRun> settled, List<PointerRecord> committed) {
        Set<String> names = new LinkedHashSet<>();
        for (PendingRun pending : settled) {
            pending.record().ifPresent(p -> {
                names.addAll(p.garbage());
                if (committed.stream().noneMatch(pending::wrote)) {
                    names.addAll(p.current().files());
                }
            });
        }
        return names;
    }

    private static Set<String> namesOf(PointerRecord record) {
        Set<String> names = new LinkedHashSet<>(record.current().files());
        names.addAll(record.garbage());
        return names;
    }

    /**
     * Deletes {@code uris} in a batch, and one by one past the names that fail when the batch fails. A name
     * the store refuses for good (a location through a symbolic link) is reported and dropped.
     *
     * @return whether every failure was permanent, so the pending records naming these may go
     */
    private boolean deleteEach(List<StoreUri> uris, Run run) throws StoreException {
        try {
            targetStore.deleteAll(uris);
            return true;
        } catch (StoreException batchFailed) {
            if (batchFailed.retryable()) {
                throw batchFailed;
            }
        }
        boolean permanentOnly = true;
        for (StoreUri uri : uris) {
            try {
                targetStore.delete(uri);
            } catch (StoreException e) {
                run.warnings.add("not deleted: " + e.getMessage());
                permanentOnly &= !e.retryable();
            }
        }
        return permanentOnly;
    }

    /**
     * The pending records that can go once {@code standing} is the record: those of the promotion it records
     * (its run may have died before its clean-up; two runs racing on one snapshot write one each), and those
     * of other runs dead for longer than the grace period. Never those of live runs.
     */
    private List<PendingRun> settled(TargetState state, Optional<PointerRecord> standing, Run run) {
        Instant now = clock.instant();
        List<PendingRun> settled = new ArrayList<>();
        for (PendingRun pending : state.pending()) {
            boolean wroteStanding = standing.map(pending::wrote).orElse(false)
                    || state.trusted().map(pending::wrote).orElse(false);
            if (wroteStanding || !run.owns(pending) && pending.stale(now, staleRunGrace)) {
                settled.add(pending);
            }
        }
        return settled;
    }

    /** The files of live runs other than this one: they may be copying them right now. */
    private Set<String> protectedNames(TargetState state, Optional<PointerRecord> standing, Run run) {
        Set<String> live = new LinkedHashSet<>();
        List<PendingRun> settled = settled(state, standing, run);
        for (PendingRun pending : state.pending()) {
            if (!run.owns(pending) && !settled.contains(pending)) {
                pending.record().ifPresent(p -> live.addAll(p.current().files()));
            }
        }
        return live;
    }

    /**
     * For an UNCHANGED run: writes the record a dead run could not (from its pending record), then finishes
     * what dead runs left. Writes nothing when there is nothing to finish.
     */
    private void settle(TargetState state, StoreUri target, Run run) throws StoreException {
        Optional<PointerRecord> trusted = state.trusted();
        if (trusted.isEmpty() || !state.knowsServed()) {
            return;
        }
        if (!state.consistent()) {
            ObjectInfo served = state.metadata().orElseThrow();
            if (writeRecord(target, trusted.get(), state.recordInfo(), served, run) != RecordOutcome.WRITTEN) {
                return;
            }
            run.warnings.add("repaired " + target.resolve(FlinkLayout.POINTER_RECORD) + ": it did not describe the served "
                    + FlinkLayout.METADATA + " of " + trusted.get().current().describe() + " (a promoter stopped before"
                    + " recording it, or the file was rewritten), recognised by its digest");
        }
        if (!settled(state, trusted, run).isEmpty() || !run.pendingRecords.isEmpty()) {
            cleanUp(state, trusted.get(), false, target, run);
        }
    }

    /** Removes what this run wrote and did not commit, where that is provably unneeded; else its pending records stay. */
    private void discard(Run run, StoreUri target) {
        if (run.pendingRecords.isEmpty()) {
            return;
        }
        // An interrupted run still removes its copies: the store's calls would fail on the interrupt.
        boolean interrupted = Thread.interrupted();
        try {
            TargetState now = readTarget(target);
            if (!now.knowsServed()) {
                return; // the pending records keep naming the copies; a later run removes them once stale
            }
            sweep(Set.of(), now.trusted(), protectedNames(now, now.trusted(), run), List.of(), target, run);
        } catch (StoreException | PromotionAbortedException | RuntimeException e) {
            // The pending records stay and name the copies; a later run removes them once stale.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Set<String> names(Optional<Generation> current, Optional<Generation> previous) {
        Set<String> names = new LinkedHashSet<>();
        current.ifPresent(g -> names.addAll(g.files()));
        previous.ifPresent(g -> names.addAll(g.files()));
        return names;
    }

    /** The last generation that copied files into the target, which its {@code _metadata} belongs to. */
    private static Optional<Generation> lastCopyGeneration(PointerRecord record) {
        return record.mode() == PromotionMode.COPY ? Optional.of(record.current()) : record.previous();
    }

    /** The condition itself where the store supports it; an unconditional write where it cannot. */
    private WriteCondition condition(WriteCondition wanted) {
        Optional<Capability> needed = wanted.requiredCapability();
        return needed.isEmpty() || targetStore.capabilities().contains(needed.get()) ? wanted : WriteCondition.overwrite();
    }

    /**
     * Every object below {@code dir}. Used only inside one snapshot directory, never a job directory.
     *
     * @throws UnpromotableSnapshotException when the store skipped an entry it cannot serve (a symbolic link,
     *     a reserved name): a copy without it would be incomplete
     */
    private void walk(StoreUri dir, List<ObjectInfo> into) throws StoreException, UnpromotableSnapshotException {
        Listing listing = store.list(dir);
        if (!listing.skipped().isEmpty()) {
            throw new UnpromotableSnapshotException(dir, dir + " holds entries laststate cannot copy (symbolic links or"
                    + " names it reserves): " + String.join(", ", listing.skipped().stream().map(Promoter::printable).toList()));
        }
        into.addAll(listing.objects());
        for (String sub : listing.directories()) {
            walk(dir.resolve(sub), into);
        }
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder("'");
        name.codePoints().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.append("'").toString();
    }

    private PromotionResult result(PromotionStatus status, Snapshot snapshot, PromotionRequest request, long files, long bytes,
                                   long started, String reason, Run run) {
        Set<Capability> capabilities = targetStore.capabilities();
        boolean conditional = capabilities.contains(Capability.CONDITIONAL_CREATE) && capabilities.contains(Capability.CONDITIONAL_REPLACE);
        List<String> warnings = new ArrayList<>(run.warnings);
        if (status == PromotionStatus.PROMOTED && !conditional) {
            warnings.add(PromotionResult.UNCONDITIONAL_COMMIT);
        }
        CopyPath copyPath = targetStore == store && capabilities.contains(Capability.SERVER_SIDE_COPY)
                ? CopyPath.IN_STORE : CopyPath.THROUGH_CLIENT;
        return new PromotionResult(status, snapshot, request.target(), files, bytes,
                Duration.ofNanos(System.nanoTime() - started), Optional.ofNullable(reason), warnings, copyPath, conditional);
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
