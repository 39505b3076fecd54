package dev.laststate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.laststate.flink.CorruptPointerRecordException;
import dev.laststate.flink.NotACheckpointDirectoryException;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.PromotionAbortedException;
import dev.laststate.flink.UnknownTargetException;
import dev.laststate.job.JobSelectionException;
import dev.laststate.store.ContainerNotFoundException;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.verify.NothingToVerifyException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The failure-to-exit-code mapping, including failures the file store cannot easily be made to produce. */
class ExitCodesTest {

    private static final StoreUri URI = StoreUri.parse("file:///x");

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
