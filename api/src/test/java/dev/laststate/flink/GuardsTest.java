package dev.laststate.flink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreUri;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The guards as a table: what the target holds, the candidate, the request, and the decision. */
class GuardsTest {

    private static final StoreUri CHECKPOINTS = StoreUri.parse("s3://b/cp");
    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private static final String OTHER_JOB = "0f0e0d0c0b0a09080706050403020100";
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** The decision: promote, refuse (with a word of the reason), or nothing to do. */
    enum Decision { PROMOTE, REFUSE, UNCHANGED }

    static Stream<Arguments> table() {
        Snapshot chk5 = checkpoint(JOB, 5);
        Snapshot chk7 = checkpoint(JOB, 7);
        Snapshot otherChk2 = checkpoint(OTHER_JOB, 2);
        Snapshot sameTimeOther = new Snapshot(JOB, SnapshotKind.SAVEPOINT, CHECKPOINTS.resolve("savepoint-a1b2c3-0123456789ab"),
                OptionalLong.empty(), metadata(CHECKPOINTS.resolve("savepoint-a1b2c3-0123456789ab/_metadata"), T0.plusSeconds(5)));
        Guards.Held holds5 = trusting(record(chk5));
        Guards.Held corrupt = new Guards.Held(Optional.of("the pointer record is corrupt"), Optional.empty(), Optional.empty(),
                true, OptionalLong.empty());
        Guards.Held bareMetadata6 = new Guards.Held(Optional.empty(), Optional.empty(), Optional.empty(), true, OptionalLong.of(6));
        Guards.Held unreadableMetadata = new Guards.Held(Optional.empty(), Optional.empty(), Optional.empty(), true, OptionalLong.empty());
        // A promoter stopped between its two writes: the record names chk-5, the served _metadata is chk-6's.
        Guards.Held staleRecord = new Guards.Held(Optional.empty(), Optional.of(record(chk5)), Optional.empty(), true, OptionalLong.of(6));
        UnaryOperator<PromotionRequest.Builder> plain = b -> b;
        UnaryOperator<PromotionRequest.Builder> force = b -> b.force(true);
        UnaryOperator<PromotionRequest.Builder> startedEmpty = b -> b.lineage(Lineage.STARTED_EMPTY);
        UnaryOperator<PromotionRequest.Builder> freshStart = b -> b.lineage(Lineage.STARTED_EMPTY).allowFreshStart(true);
        UnaryOperator<PromotionRequest.Builder> pointer = b -> b.mode(PromotionMode.POINTER);
        return Stream.of(
                row("an empty target takes anything", Guards.Held.nothing(), chk5, plain, Decision.PROMOTE, ""),
                row("a newer checkpoint replaces the one held", holds5, chk7, plain, Decision.PROMOTE, ""),
                row("the checkpoint held is unchanged", holds5, chk5, plain, Decision.UNCHANGED, ""),
                row("the checkpoint held in another mode is promoted again", holds5, chk5, pointer, Decision.PROMOTE, ""),
                row("an older checkpoint is refused", trusting(record(chk7)), chk5, plain, Decision.REFUSE, "is older than"),
                row("an older checkpoint is promoted when forced", trusting(record(chk7)), chk5, force, Decision.PROMOTE, ""),
                row("a snapshot no newer than the one held is refused", trusting(record(sameTimeOther)), sameTimeAs(sameTimeOther),
                        plain, Decision.REFUSE, "is not newer than"),
                row("a corrupt record is never overwritten", corrupt, chk7, plain, Decision.REFUSE, "corrupt"),
                row("a corrupt record is replaced when forced", corrupt, chk7, force, Decision.PROMOTE, ""),
                row("a job that started empty does not replace another lineage", trusting(record(otherChk2)), chk7, startedEmpty,
                        Decision.REFUSE, "started without restoring state"),
                row("a job that started empty replaces it when allowed", trusting(record(otherChk2)), chk5, freshStart,
                        Decision.PROMOTE, ""),
                row("a fresh start is allowed over a newer id of the old lineage", trusting(record(checkpoint(OTHER_JOB, 90))), chk5,
                        freshStart, Decision.PROMOTE, ""),
                row("a job that started empty continues its own lineage", holds5, chk7, startedEmpty, Decision.PROMOTE, ""),
                row("a bare _metadata of an older id is replaced", bareMetadata6, chk7, plain, Decision.PROMOTE, ""),
                row("a bare _metadata of a newer id is kept", bareMetadata6, chk5, plain, Decision.REFUSE, "older than checkpoint 6"),
                row("a bare _metadata whose id cannot be read is kept", unreadableMetadata, chk7, plain, Decision.REFUSE,
                        "cannot be read"),
                row("a stale record is compared with the newer of record and header", staleRecord, chk5, plain, Decision.REFUSE,
                        "older than checkpoint 6"),
                row("a stale record does not block a newer checkpoint", staleRecord, chk7, plain, Decision.PROMOTE, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String rule, Guards.Held held, Snapshot candidate, UnaryOperator<PromotionRequest.Builder> request,
                 Decision expected, String reason) {
        PromotionRequest built = request.apply(PromotionRequest.builder(CHECKPOINTS, candidate.jobId())).build();

        Optional<String> refusal = Guards.refusal(held, candidate, built);
        Decision decision = refusal.isPresent() ? Decision.REFUSE
                : Guards.unchanged(held, candidate, built) ? Decision.UNCHANGED : Decision.PROMOTE;

        assertThat(decision).as(rule + (refusal.map(r -> ": " + r).orElse(""))).isEqualTo(expected);
        refusal.ifPresent(r -> assertThat(r).contains(reason));
    }

    private static Arguments row(String rule, Guards.Held held, Snapshot candidate, UnaryOperator<PromotionRequest.Builder> request,
                                 Decision decision, String reason) {
        return Arguments.of(rule, held, candidate, request, decision, reason);
    }

    private static Snapshot checkpoint(String job, long id) {
        StoreUri dir = CHECKPOINTS.resolve(job + "/chk-" + id);
        return new Snapshot(job, SnapshotKind.CHECKPOINT, dir, OptionalLong.of(id), metadata(dir.resolve("_metadata"), T0.plusSeconds(id)));
    }

    /** Another savepoint completed at the same instant as {@code snapshot}: neither is newer. */
    private static Snapshot sameTimeAs(Snapshot snapshot) {
        StoreUri dir = CHECKPOINTS.resolve("savepoint-a1b2c3-ba9876543210");
        return new Snapshot(JOB, SnapshotKind.SAVEPOINT, dir, OptionalLong.empty(), metadata(dir.resolve("_metadata"), snapshot.completedAt()));
    }

    private static ObjectInfo metadata(StoreUri uri, Instant completed) {
        return new ObjectInfo(uri, 100, completed, "v-" + completed.getEpochSecond());
    }

    private static PointerRecord record(Snapshot held) {
        return new PointerRecord(PromotionMode.COPY, T0.plusSeconds(3600), Generation.of(held, List.of("_metadata")),
                Optional.empty(), Optional.of("served"));
    }

    private static Guards.Held trusting(PointerRecord record) {
        return new Guards.Held(Optional.empty(), Optional.of(record), Optional.of(record), true, OptionalLong.empty());
    }
}
