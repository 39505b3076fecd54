package dev.laststate.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.StoreUri;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PromotionRequestTest {

    private static final StoreUri CHECKPOINTS = StoreUri.parse("s3://b/cp");
    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    private static final String OTHER_JOB = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final StoreUri SAVEPOINT = StoreUri.parse("s3://b/sp/savepoint-a1b2c3-0123456789ab");

    @Test
    void defaultsToCopyModeIntoLastState() {
        PromotionRequest request = PromotionRequest.of(CHECKPOINTS, JOB);

        assertThat(request.target()).isEqualTo(StoreUri.parse("s3://b/cp/last-state"));
        assertThat(request.mode()).isEqualTo(PromotionMode.COPY);
        assertThat(request.force()).isFalse();
        assertThat(request.dryRun()).isFalse();
        assertThat(request.lineage()).isEqualTo(Lineage.UNKNOWN);
    }

    static Stream<Arguments> targetsThatAreNotTargets() {
        return Stream.of(
                refused("s3://b/cp", "must not be the checkpoint directory or contain it"),
                refused("s3://b", "must not be the checkpoint directory or contain it"),
                refused("s3://b/cp/" + JOB, "must not lie inside the job directory s3://b/cp/" + JOB),
                refused("s3://b/cp/" + JOB + "/last-state", "must not lie inside the job directory"),
                refused("s3://b/cp/" + OTHER_JOB, "must not lie inside the job directory s3://b/cp/" + OTHER_JOB),
                refused("s3://b/cp/" + OTHER_JOB + "/chk-5", "must not lie inside the job directory s3://b/cp/" + OTHER_JOB),
                refused("s3://b/cp/" + OTHER_JOB + "/shared/last-state", "must not lie inside the job directory"),
                refused("s3://b/cp/chk-5", "checkpoint or savepoint directory ('chk-5')"),
                refused("s3://b/cp/restore/chk-0/last-state", "('chk-0')"),
                refused("s3://other/chk-12", "('chk-12')"),
                refused("s3://b/sp/savepoint-0f1e2d-00000000002a", "('savepoint-0f1e2d-00000000002a')"),
                refused("s3://b/sp/savepoint-a1b2c3-0123456789ab/last-state", "('savepoint-a1b2c3-0123456789ab')"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetsThatAreNotTargets")
    void refusesATargetThatOverlapsStateFlinkOrAnotherSnapshotOwns(String target, String message) {
        assertThatThrownBy(() -> PromotionRequest.builder(CHECKPOINTS, JOB).target(StoreUri.parse(target)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the target " + StoreUri.parse(target) + " must not ")
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://b/sp/savepoint-a1b2c3-0123456789ab", "s3://b/sp/savepoint-a1b2c3-0123456789ab/copy",
        "s3://b/sp", "s3://b"})
    void refusesATargetThatIsInsideOrContainsTheNamedSnapshot(String target) {
        PromotionRequest request = PromotionRequest.builder(CHECKPOINTS, JOB).snapshot(Optional.of(SAVEPOINT)).build();

        assertThatThrownBy(() -> request.toBuilder().target(StoreUri.parse(target)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the target " + StoreUri.parse(target) + " must not ");
    }

    static Stream<Arguments> sourcesInAnotherContainer() {
        StoreUri elsewhere = StoreUri.parse("s3://other/last-state");
        return Stream.of(
                Arguments.of(PromotionRequest.builder(CHECKPOINTS, JOB).target(elsewhere), CHECKPOINTS),
                Arguments.of(PromotionRequest.builder(CHECKPOINTS, JOB).savepoints(Optional.of(StoreUri.parse("s3://sp/x")))
                        .target(StoreUri.parse("s3://b/last-state")), StoreUri.parse("s3://sp/x")),
                Arguments.of(PromotionRequest.builder(CHECKPOINTS, JOB).snapshot(Optional.of(StoreUri.parse("s3://exports/nightly")))
                        .target(StoreUri.parse("s3://b/last-state")), StoreUri.parse("s3://exports/nightly")));
    }

    @ParameterizedTest
    @MethodSource("sourcesInAnotherContainer")
    void refusesInCopyModeATargetInAnotherContainerThanWhatItCopies(PromotionRequest.Builder builder, StoreUri source) {
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must lie in the same container as " + source + " in copy mode")
                .hasMessageContaining("pointer mode");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://other/last-state", "s3://other/cp/" + JOB})
    void letsAPointerLieInAnotherContainer(String target) {
        PromotionRequest request = PromotionRequest.builder(CHECKPOINTS, JOB).snapshot(Optional.of(SAVEPOINT))
                .mode(PromotionMode.POINTER).target(StoreUri.parse(target)).build();

        assertThat(request.target()).isEqualTo(StoreUri.parse(target));
    }

    @Test
    void namesTheSnapshotWhenTheTargetOverlapsIt() {
        StoreUri named = StoreUri.parse("s3://b/exports/nightly");
        PromotionRequest request = PromotionRequest.builder(CHECKPOINTS, JOB).snapshot(Optional.of(named)).build();

        for (StoreUri target : new StoreUri[] {named, named.resolve("x"), named.parent().orElseThrow()}) {
            assertThatThrownBy(() -> request.toBuilder().target(target).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the target " + target + " must not be the snapshot being promoted (" + named
                            + "), lie inside it or contain it");
        }
        assertThatThrownBy(() -> PromotionRequest.builder(CHECKPOINTS, JOB).target(named.parent().orElseThrow())
                .snapshot(Optional.of(named)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the snapshot being promoted");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://b/cp/last-state", "s3://b/cp/some/dir", "s3://b/last-state", "s3://b/cp/chk/x", "s3://b/cp/chk-x", "s3://b/cp/savepoint-a1b2c3", "s3://b/cp/a1b2c3d4",
        "s3://b/cp/last-state/" + JOB, "s3://b/sp/last-state"})
    void acceptsATargetOfItsOwn(String target) {
        PromotionRequest request = PromotionRequest.builder(CHECKPOINTS, JOB).snapshot(Optional.of(SAVEPOINT))
                .target(StoreUri.parse(target)).build();

        assertThat(request.target()).isEqualTo(StoreUri.parse(target));
    }

    @Test
    void theCheckpointDirectoryItselfMayLieBelowADirectoryNamedLikeASnapshot() {
        StoreUri checkpoints = StoreUri.parse("s3://b/chk-1/cp");

        assertThat(PromotionRequest.of(checkpoints, JOB).target()).isEqualTo(StoreUri.parse("s3://b/chk-1/cp/last-state"));
        assertThatThrownBy(() -> PromotionRequest.builder(checkpoints, JOB).target(checkpoints.resolve("x/chk-2")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("('chk-2')");
    }

    @Test
    void rejectsAJobIdThatIsNotOne() {
        assertThatThrownBy(() -> PromotionRequest.of(CHECKPOINTS, "job-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 lower-case hex");
    }

    private static Arguments refused(String target, String message) {
        return Arguments.of(target, message);
    }
}
