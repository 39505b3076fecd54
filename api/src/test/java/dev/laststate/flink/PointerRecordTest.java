package dev.laststate.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.StoreUri;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PointerRecordTest {

    private static final StoreUri URI = StoreUri.parse("s3://b/cp/last-state/_laststate.json");
    private static final String JOB = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    private static PointerRecord record() {
        Generation current = new Generation(JOB, OptionalLong.of(12), SnapshotKind.CHECKPOINT,
                StoreUri.parse("s3://b/cp/" + JOB + "/chk-12"), Instant.parse("2026-11-23T10:00:00Z"), List.of("_metadata", "a b"));
        Generation previous = new Generation(JOB, OptionalLong.empty(), SnapshotKind.SAVEPOINT,
                StoreUri.parse("s3://b/sp/savepoint-a1b2c3-0123456789ab"), Instant.parse("2026-11-23T09:00:00Z"), List.of("x"));
        return new PointerRecord(PromotionMode.COPY, Instant.parse("2026-11-23T10:00:05Z"), current, Optional.of(previous),
                Optional.of("\"etag\""));
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        PointerRecord record = record();

        assertThat(PointerRecord.parse(URI, record.toJson())).isEqualTo(record);
    }

    @Test
    void namesTheFieldsAnOperatorLooksFor() {
        String json = new String(record().toJson(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"formatVersion\" : 1", "\"jobId\" : \"" + JOB + "\"", "\"checkpointId\" : 12",
                "\"kind\" : \"CHECKPOINT\"", "\"source\" : \"s3://b/cp/" + JOB + "/chk-12\"", "\"mode\" : \"COPY\"",
                "\"promotedAt\" : \"2026-11-23T10:00:05Z\"", "\"files\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "[]", "{}", "{\"formatVersion\": 2}", "{\"formatVersion\": \"1\"}",
        "{\"formatVersion\": 1, \"mode\": \"COPY\"}"})
    void rejectsWhatIsNotARecord(String json) {
        assertThatThrownBy(() -> PointerRecord.parse(URI, json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptPointerRecordException.class)
                .hasMessageStartingWith("cannot read the pointer record " + URI);
    }

    @Test
    void rejectsFileNamesThatLeaveTheTarget() {
        String json = new String(record().toJson(), StandardCharsets.UTF_8).replace("\"a b\"", "\"../../etc/passwd\"");

        assertThatThrownBy(() -> PointerRecord.parse(URI, json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptPointerRecordException.class)
                .hasMessageContaining("relative name");
    }

    @Test
    void rejectsAnInvalidJobIdAndAnUnknownMode() {
        String badJob = new String(record().toJson(), StandardCharsets.UTF_8).replaceFirst(JOB, "nope");
        String badMode = new String(record().toJson(), StandardCharsets.UTF_8).replace("\"COPY\"", "\"MOVE\"");

        assertThatThrownBy(() -> PointerRecord.parse(URI, badJob.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptPointerRecordException.class);
        assertThatThrownBy(() -> PointerRecord.parse(URI, badMode.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CorruptPointerRecordException.class);
    }

    @Test
    void copyModeRestoresFromTheTargetPointerModeFromTheSnapshot() {
        StoreUri target = StoreUri.parse("s3://b/cp/last-state");
        PointerRecord copy = record();
        PointerRecord pointer = new PointerRecord(PromotionMode.POINTER, copy.promotedAt(), copy.current(), copy.previous(),
                Optional.empty());

        assertThat(copy.restorePath(target)).isEqualTo(target);
        assertThat(pointer.restorePath(target)).isEqualTo(copy.current().source());
    }
}
