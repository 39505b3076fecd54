package dev.laststate.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.StoreUri;
import org.junit.jupiter.api.Test;

class PromotionRequestTest {

    private static final StoreUri CHECKPOINTS = StoreUri.parse("s3://b/cp");
    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    @Test
    void defaultsToCopyModeIntoLastState() {
        PromotionRequest request = PromotionRequest.of(CHECKPOINTS, JOB);

        assertThat(request.target()).isEqualTo(StoreUri.parse("s3://b/cp/last-state"));
        assertThat(request.mode()).isEqualTo(PromotionMode.COPY);
        assertThat(request.force()).isFalse();
        assertThat(request.dryRun()).isFalse();
        assertThat(request.lineage()).isEqualTo(Lineage.UNKNOWN);
    }

    @Test
    void theTargetMayNotBeTheCheckpointDirectoryOrInsideTheJobDirectory() {
        assertThatThrownBy(() -> PromotionRequest.of(CHECKPOINTS, JOB).withTarget(CHECKPOINTS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromotionRequest.of(CHECKPOINTS, JOB).withTarget(StoreUri.parse("s3://b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PromotionRequest.of(CHECKPOINTS, JOB).withTarget(CHECKPOINTS.resolve(JOB + "/last-state")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("job directory");
    }

    @Test
    void rejectsAJobIdThatIsNotOne() {
        assertThatThrownBy(() -> PromotionRequest.of(CHECKPOINTS, "job-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 lower-case hex");
    }
}
