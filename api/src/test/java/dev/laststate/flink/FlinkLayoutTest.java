package dev.laststate.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlinkLayoutTest {

    @Test
    void checkpointIdsAreNumbers() {
        assertThat(FlinkLayout.checkpointId("chk-9")).hasValue(9);
        assertThat(FlinkLayout.checkpointId("chk-12")).hasValue(12);
        assertThat(FlinkLayout.checkpointId("chk-0")).hasValue(0);
        assertThat(FlinkLayout.checkpointId("chk-9223372036854775807")).hasValue(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chk-", "chk-x", "chk-012", "chk-1.tmp", "CHK-1", "shared", "taskowned", "last-state",
        "chk-99999999999999999999", "chk--1"})
    void otherNamesAreNotCheckpoints(String name) {
        assertThat(FlinkLayout.checkpointId(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000000000000000000000000000", "a1b2c3d4e5f60718293a4b5c6d7e8f90"})
    void jobIdsAre32LowerCaseHexDigits(String name) {
        assertThat(FlinkLayout.isJobId(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"A1B2C3D4E5F60718293A4B5C6D7E8F90", "a1b2c3d4e5f60718293a4b5c6d7e8f9"})
    void upperCaseOrShorterNamesAreNotJobIds(String name) {
        assertThat(FlinkLayout.isJobId(name)).isFalse();
    }

    @Test
    void requiringAJobIdNamesTheFormat() {
        assertThatThrownBy(() -> FlinkLayout.requireJobId("xyz"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 lower-case hex digits");
    }

    @Test
    void savepointsBelongToTheJobWhoseIdTheyStartWith() {
        String job = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

        assertThat(FlinkLayout.isSavepointOf("savepoint-a1b2c3-0123456789ab", job)).isTrue();
        assertThat(FlinkLayout.isSavepointOf("savepoint-a1b2c4-0123456789ab", job)).isFalse();
        assertThat(FlinkLayout.isSavepointOf("savepoint-a1b2c3-0123456789", job)).isFalse();
        assertThat(FlinkLayout.isSavepointOf("savepoint-a1b2c3-0123456789ab.tmp", job)).isFalse();
    }

    @Test
    void theMetadataHeaderNamesTheCheckpointId() {
        assertThat(FlinkLayout.metadataCheckpointId(FlinkLayout.metadataHeader(4711))).hasValue(4711);
        byte[] flinkV4 = ByteBuffer.allocate(20).putInt(0x4960672d).putInt(4).putLong(42).putInt(0).array();
        assertThat(FlinkLayout.metadataCheckpointId(flinkV4)).hasValue(42);
    }

    @Test
    void bytesThatAreNotFlinkMetadataHaveNoId() {
        assertThat(FlinkLayout.metadataCheckpointId(new byte[3])).isEmpty();
        assertThat(FlinkLayout.metadataCheckpointId(new byte[16])).isEmpty();
        assertThat(FlinkLayout.metadataCheckpointId("{\"json\": \"not metadata\"}".getBytes())).isEmpty();
        byte[] negative = ByteBuffer.allocate(16).putInt(0x4960672d).putInt(3).putLong(-1).array();
        assertThat(FlinkLayout.metadataCheckpointId(negative)).isEmpty();
    }
}
