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
    void aRelocatedGenerationRoundTripsAndNamesEachFileOnceByItsSource() throws Exception {
        StoreUri shared = StoreUri.parse("s3://b/cp/" + JOB + "/shared");
        StoreUri chk = StoreUri.parse("s3://b/cp/" + JOB + "/chk-12");
        List<StateCopy> copies = PointerRecord.inRecordOrder(List.of(StateCopy.wholeFile(shared.resolve("sst-1"), 100),
                StateCopy.wholeFile(chk.resolve("MANIFEST"), 7), StateCopy.segment(shared.resolve("merged"), 40, 60),
                StateCopy.wholeFile(shared.resolve("sst-2"), 200)));
        List<String> files = new java.util.ArrayList<>(List.of("_metadata"));
        copies.forEach(c -> files.add(c.name()));
        Generation current = new Generation(JOB, OptionalLong.of(12), SnapshotKind.CHECKPOINT, chk,
                Instant.parse("2026-11-23T10:00:00Z"), files, copies);
        PointerRecord record = new PointerRecord(PromotionMode.COPY, Instant.parse("2026-11-23T10:00:05Z"), current,
                Optional.empty(), Optional.of("\"etag\""));

        String json = new String(record.toJson(), StandardCharsets.UTF_8);

        assertThat(PointerRecord.parse(URI, record.toJson())).isEqualTo(record);
        assertThat(copies).extracting(StateCopy::name).allSatisfy(name -> assertThat(json).doesNotContain(name));
        assertThat(json).containsOnlyOnce("\"directory\" : \"" + shared + "\"").contains("\"merged\", 40, 60");
    }

    @Test
    void aRecordOfTheFormatBeforeRelocationIsRead() throws Exception {
        String json = new String(record().toJson(), StandardCharsets.UTF_8).replace("\"formatVersion\" : 2", "\"formatVersion\" : 1");

        assertThat(PointerRecord.parse(URI, json.getBytes(StandardCharsets.UTF_8))).isEqualTo(record());
    }

    @Test
    void namesTheFieldsAnOperatorLooksFor() {
        String json = new String(record().toJson(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"formatVersion\" : 2", "\"jobId\" : \"" + JOB + "\"", "\"checkpointId\" : 12",
                "\"kind\" : \"CHECKPOINT\"", "\"source\" : \"s3://b/cp/" + JOB + "/chk-12\"", "\"mode\" : \"COPY\"",
                "\"promotedAt\" : \"2026-11-23T10:00:05Z\"", "\"files\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "[]", "{}", "{\"formatVersion\": 2}", "{\"formatVersion\": 3}", "{\"formatVersion\": 0}", "{\"formatVersion\": \"1\"}",
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
