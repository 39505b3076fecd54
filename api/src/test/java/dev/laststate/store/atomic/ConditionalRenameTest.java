package dev.laststate.store.atomic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ObjectAlreadyExistsException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ConditionalRenameTest {

    private static final StoreUri URI = StoreUri.parse("file:///d/a");

    private final FakeFileSystem fs = new FakeFileSystem();
    private final ConditionalRename rename = new ConditionalRename(
            new DirectoryLocks(Duration.ofMillis(200), Duration.ofMillis(1), Duration.ofMillis(10)));

    /** The condition, the current version (null: no object), and the refusal expected (null: none). */
    static Stream<Arguments> conditions() {
        return Stream.of(
                Arguments.of(WriteCondition.overwrite(), null, null),
                Arguments.of(WriteCondition.overwrite(), "v1", null),
                Arguments.of(WriteCondition.ifAbsent(), null, null),
                Arguments.of(WriteCondition.ifAbsent(), "v1", ObjectAlreadyExistsException.class),
                Arguments.of(WriteCondition.ifVersionMatches("v1"), "v1", null),
                Arguments.of(WriteCondition.ifVersionMatches("v1"), "v2", ConditionFailedException.class),
                Arguments.of(WriteCondition.ifVersionMatches("v1"), null, ConditionFailedException.class));
    }

    @ParameterizedTest
    @MethodSource("conditions")
    void theCurrentVersionMeetsTheConditionOrTheWriteIsRefused(WriteCondition condition, String current, Class<?> refusal) {
        var check = assertThatCode(() -> ConditionalRename.requireMet(URI, condition, Optional.ofNullable(current)));
        if (refusal == null) {
            check.doesNotThrowAnyException();
        } else {
            check.isInstanceOf(refusal).hasMessageStartingWith(URI.toString());
        }
    }

    @Test
    void aChangedObjectNamesTheExpectedVersionOnlyWhenItIsGone() {
        assertThatThrownBy(() -> ConditionalRename.requireMet(URI, WriteCondition.ifVersionMatches("v1"), Optional.empty()))
                .hasMessage(URI + " no longer exists (expected version v1)");
        assertThatThrownBy(() -> ConditionalRename.requireMet(URI, WriteCondition.ifVersionMatches("v1"), Optional.of("v2")))
                .hasMessage(URI + " changed since it was read");
    }

    @Test
    void overwriteRenamesWithoutTheLock() throws Exception {
        fs.put("d/tmp", "new", Instant.EPOCH);

        rename.publish(fs, URI, "d/tmp", "d/a", WriteCondition.overwrite());

        assertThat(fs.calls).containsExactly("replace d/a");
        assertThat(fs.files).containsOnlyKeys("d/a");
    }

    @Test
    void ifAbsentUsesTheFileSystemsExclusiveCreateWhereItHasOne() throws Exception {
        fs.put("d/tmp", "new", Instant.EPOCH);

        rename.publish(fs, URI, "d/tmp", "d/a", WriteCondition.ifAbsent());

        assertThat(fs.calls).containsExactly("createExclusively d/a", "replace d/a");
    }

    @Test
    void ifAbsentComparesUnderTheLockWhereTheFileSystemCannotCreateExclusively() throws Exception {
        fs.exclusiveCreate = false;
        fs.put("d/tmp", "new", Instant.EPOCH);
        fs.put("d/a", "v1", Instant.EPOCH);

        assertThatThrownBy(() -> rename.publish(fs, URI, "d/tmp", "d/a", WriteCondition.ifAbsent()))
                .isInstanceOf(ObjectAlreadyExistsException.class);

        assertThat(fs.calls).containsExactly("createExclusively d/a", "tryLock d", "version d/a", "unlock d", "close d");
        assertThat(fs.files.get("d/a").version()).isEqualTo("v1");
    }

    @Test
    void aMatchingVersionIsReplacedHoldingTheLockAndTheLockFileIsClosedAfterTheLockIsReleased() throws Exception {
        fs.put("d/tmp", "new", Instant.EPOCH);
        fs.put("d/a", "v1", Instant.EPOCH);

        rename.publish(fs, URI, "d/tmp", "d/a", WriteCondition.ifVersionMatches("v1"));

        assertThat(fs.calls).containsExactly("tryLock d", "version d/a", "replace d/a", "unlock d", "close d");
        assertThat(fs.files.get("d/a").version()).isEqualTo("new");
    }

    @Test
    void aLockHeldElsewhereForTheWholeWaitFailsAsUnavailableAndChangesNothing() {
        fs.put("d/tmp", "new", Instant.EPOCH);
        fs.put("d/a", "v1", Instant.EPOCH);
        fs.heldElsewhere.set(true);

        assertThatThrownBy(() -> rename.publish(fs, URI, "d/tmp", "d/a", WriteCondition.ifVersionMatches("v1")))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessage("timed out: held by the other process");

        assertThat(fs.calls).doesNotContain("version d/a").contains("close d");
        assertThat(fs.files.get("d/a").version()).isEqualTo("v1");
    }
}
