package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.CorruptPointerRecordException;
import dev.laststate.flink.NotACheckpointDirectoryException;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.PromotionAbortedException;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionResult.CopyPath;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.Snapshot;
import dev.laststate.flink.SnapshotKind;
import dev.laststate.flink.UnknownTargetException;
import dev.laststate.job.JobSelectionException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.verify.NothingToVerifyException;
import dev.laststate.verify.StateFile;
import dev.laststate.verify.Verification;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The failure- and result-to-exit-code mapping, including failures the file store cannot easily be made to produce,
 * and the stderr lines that come with a result's code.
 */
class ExitCodesTest {

    private static final StoreUri URI = StoreUri.parse("file:///x");

    private static final Snapshot SNAPSHOT = new Snapshot("a1b2c3d4e5f60718293a4b5c6d7e8f90", SnapshotKind.CHECKPOINT,
            URI.resolve("job/chk-3"), OptionalLong.of(3),
            new ObjectInfo(URI.resolve("job/chk-3/_metadata"), 10, Instant.EPOCH, "1"));

    @Test
    void mapsEachFailure() {
        assertThat(ExitCodes.of(new InvalidStoreUriException("x", "bad"))).isEqualTo(2);
        assertThat(ExitCodes.of(new InvalidStoreConfigurationException("bad"))).isEqualTo(2);
        assertThat(ExitCodes.of(new IllegalArgumentException("bad"))).isEqualTo(2);
        assertThat(ExitCodes.of(new JobSelectionException("two jobs run"))).isEqualTo(2);
        assertThat(ExitCodes.of(new NothingToPromoteException("none"))).isEqualTo(3);
        assertThat(ExitCodes.of(new NothingToVerifyException(URI, "none"))).isEqualTo(3);
        assertThat(ExitCodes.of(new UnknownTargetException(URI, "nothing known"))).isEqualTo(8);
        assertThat(ExitCodes.of(new NotACheckpointDirectoryException(URI, "a file"))).isEqualTo(2);
        assertThat(ExitCodes.of(new StoreException(URI, "failed", null))).isEqualTo(4);
        assertThat(ExitCodes.of(new StoreAccessDeniedException(URI, "denied", null))).isEqualTo(4);
        assertThat(ExitCodes.of(new StoreUnavailableException(URI, "down", null))).isEqualTo(4);
        assertThat(ExitCodes.of(new ContainerNotFoundException(URI, "no bucket", null))).isEqualTo(4);
        assertThat(ExitCodes.of(new PromotionAbortedException("gave up", null))).isEqualTo(4);
        assertThat(ExitCodes.of(new IOException("JobManager unreachable"))).isEqualTo(4);
        assertThat(ExitCodes.of(new CorruptPointerRecordException(URI, "bad", null))).isEqualTo(5);
        assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(1);
        assertThat(ExitCodes.of(new NullPointerException())).isEqualTo(1);
    }

    @Test
    void mapsEachResultWithoutPrinting() {
        assertThat(ExitCodes.of(result(PromotionStatus.PROMOTED))).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.of(result(PromotionStatus.UNCHANGED))).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.of(result(PromotionStatus.DRY_RUN))).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.of(result(PromotionStatus.REFUSED))).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.of(verification(false))).isEqualTo(ExitCodes.OK);
        assertThat(ExitCodes.of(verification(true))).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        // promote --verify: what the verification found decides.
        assertThat(ExitCodes.of(result(PromotionStatus.PROMOTED), Optional.of(verification(true))))
                .isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(ExitCodes.of(result(PromotionStatus.REFUSED), Optional.empty())).isEqualTo(ExitCodes.REFUSED);
        // A refusal stays one, whatever an earlier attempt's check found.
        assertThat(ExitCodes.of(result(PromotionStatus.REFUSED), Optional.of(verification(false)))).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.of(result(PromotionStatus.UNCHANGED), Optional.of(verification(false)))).isEqualTo(ExitCodes.OK);
    }

    @Test
    void aPromotionReportsWarningsThenTheRefusalThenWhatIsMissingOnStderr() {
        PromotionResult refused = new PromotionResult(PromotionStatus.REFUSED, SNAPSHOT, URI.resolve("last-state"), 0, 0,
                Duration.ZERO, Optional.of("an older snapshot"), List.of("first", "second"), CopyPath.IN_STORE, true);

        PromotionReport report = new PromotionReport(refused, Optional.of(verification(true)));

        assertThat(report.stderr()).containsExactly("warning: first", "warning: second", "refused: an older snapshot",
                "not restorable: 1 of 1 files that file:///x/job/chk-3/_metadata references are missing, first file:///x/job/chk-3/a");
        assertThat(report.text()).hasSize(3).last().isEqualTo("missing: file:///x/job/chk-3/a");
    }

    private static PromotionResult result(PromotionStatus status) {
        return new PromotionResult(status, SNAPSHOT, URI.resolve("last-state"), 0, 0, Duration.ZERO, Optional.empty(),
                List.of(), CopyPath.IN_STORE, true);
    }

    private static Verification verification(boolean missing) {
        StateFile file = new StateFile(SNAPSHOT.directory().resolve("a"), true);
        return new Verification(SNAPSHOT.directory(), 3, List.of(file), missing ? List.of(file) : List.of(), 0);
    }

    @Test
    void anUnexpectedFailureIsOneLineWithItsType() {
        ErrorReporter reporter = new ErrorReporter(new String[0], java.util.Map.of(), () -> false);
        java.io.StringWriter err = new java.io.StringWriter();

        int code = reporter.handleUncaught(new IllegalStateException("first\nsecond"),
                new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err));

        assertThat(code).isEqualTo(ExitCodes.INTERNAL_ERROR);
        assertThat(err.toString().lines()).containsExactly(
                "laststate: internal error: java.lang.IllegalStateException: first second");
    }
}
