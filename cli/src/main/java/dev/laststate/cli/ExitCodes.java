package dev.laststate.cli;

import dev.laststate.flink.CorruptPointerRecordException;
import dev.laststate.flink.NotRestorableException;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.LastState;
import dev.laststate.flink.PromotionAbortedException;
import dev.laststate.flink.PromotionResult;
import dev.laststate.flink.PromotionStatus;
import dev.laststate.flink.UnknownTargetException;
import dev.laststate.flink.UnpromotableSnapshotException;
import dev.laststate.job.JobSelectionException;
import dev.laststate.store.StoreException;
import dev.laststate.verify.NothingToVerifyException;
import dev.laststate.verify.UnreadableMetadataException;
import dev.laststate.verify.Verification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/** The process exit codes of every command, and which failure maps to which. Scripts depend on these: never renumber. */
public final class ExitCodes {

    /** Done: promoted, unchanged, dry run, or the answer was printed. */
    public static final int OK = 0;
    /** A bug or an unexpected failure. */
    public static final int INTERNAL_ERROR = 1;
    /** Bad flags, locations, store options or job id. */
    public static final int USAGE = 2;
    /**
     * Nothing (new) at a target laststate manages: no job, no complete snapshot, or (status, resolve, verify)
     * nothing promoted yet, while the target holds a pointer record or the marker of {@code laststate init}.
     * After an init and before the first promotion this is a new job's first deployment.
     */
    public static final int NOTHING_TO_PROMOTE = 3;
    /** The store or the JobManager failed. */
    public static final int STORE_FAILURE = 4;
    /** A guard refused the promotion, or the pointer record is corrupt. */
    public static final int REFUSED = 5;
    /**
     * {@code verify}: the promoted state is not restorable (files missing, or _metadata unreadable);
     * {@code promote --verify}: the copied snapshot is not, so it was not committed.
     */
    public static final int VERIFICATION_FAILED = 6;
    /** The newest snapshot cannot be promoted: corrupt or empty _metadata, or entries laststate cannot copy. */
    public static final int UNPROMOTABLE_SNAPSHOT = 7;

    /**
     * Nothing found, and laststate knows nothing at the target either (no pointer record, no init marker): a
     * mistyped location, or a new job nobody declared with {@code laststate init}. Never a first deployment.
     */
    public static final int UNKNOWN_TARGET = 8;

    private ExitCodes() {}

    /** The exit code list of {@code --help}. */
    static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(String.valueOf(OK), "done: promoted, unchanged, dry run, or printed");
        codes.put(String.valueOf(INTERNAL_ERROR), "internal error");
        codes.put(String.valueOf(USAGE), "usage or bad input (flags, URIs, -o options, job id)");
        codes.put(String.valueOf(NOTHING_TO_PROMOTE), "nothing (new) for a target laststate manages: no job, no complete snapshot, nothing promoted yet");
        codes.put(String.valueOf(STORE_FAILURE), "storage or JobManager failure");
        codes.put(String.valueOf(REFUSED), "refused by a guard, or a corrupt pointer record; status: consistent: no");
        codes.put(String.valueOf(VERIFICATION_FAILED), "not restorable (files missing or _metadata unreadable); promote --verify committed nothing");
        codes.put(String.valueOf(UNPROMOTABLE_SNAPSHOT), "the newest snapshot cannot be promoted (corrupt _metadata, links or reserved names); nothing committed");
        codes.put(String.valueOf(UNKNOWN_TARGET), "nothing found and nothing laststate knows at the target (no _laststate.json, no init marker): a typo, or run 'laststate init' for a new job");
        codes.put("130, 143", "stopped by Ctrl-C (SIGINT) or SIGTERM; promote committed nothing unless it says so");
        return codes;
    }

    /**
     * A promotion's: {@link #REFUSED} when a guard refused it, else {@link #OK} (what failed after a commit does
     * not undo it: a warning).
     */
    static int of(PromotionResult result) {
        return result.status() == PromotionStatus.REFUSED ? REFUSED : OK;
    }

    /** A verification's: {@link #OK} when the snapshot restores, else {@link #VERIFICATION_FAILED}. */
    static int of(Verification verification) {
        return verification.restorable() ? OK : VERIFICATION_FAILED;
    }

    /**
     * {@code promote --verify}: a refusal is {@link #REFUSED} whatever was verified on the way; otherwise a
     * verification, when there is one, decides.
     */
    static int of(PromotionResult result, Optional<Verification> verification) {
        if (result.status() == PromotionStatus.REFUSED) {
            return REFUSED;
        }
        return verification.map(ExitCodes::of).orElseGet(() -> of(result));
    }

    /** {@code status}: {@link #REFUSED} when the pointer record does not describe the target's {@code _metadata}. */
    static int of(LastState state) {
        return state.consistent() ? OK : REFUSED;
    }

    /** The exit code for a failure. */
    static int of(Throwable failure) {
        if (failure instanceof CommandLine.ExecutionException && failure.getCause() != null) {
            return of(failure.getCause());
        }
        if (failure instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (failure instanceof UnreadableMetadataException || failure instanceof NotRestorableException) {
            return VERIFICATION_FAILED;
        }
        if (failure instanceof UnpromotableSnapshotException) {
            return UNPROMOTABLE_SNAPSHOT;
        }
        if (failure instanceof CorruptPointerRecordException) {
            return REFUSED;
        }
        if (failure instanceof UnknownTargetException) {
            return UNKNOWN_TARGET;
        }
        if (failure instanceof NothingToPromoteException || failure instanceof NothingToVerifyException) {
            return NOTHING_TO_PROMOTE;
        }
        if (failure instanceof JobSelectionException) {
            return USAGE;
        }
        if (failure instanceof StoreException || failure instanceof PromotionAbortedException
                || failure instanceof IOException || failure instanceof UncheckedIOException) {
            return STORE_FAILURE;
        }
        // The API reports bad input (locations, store options, job ids, request values) this way.
        if (failure instanceof IllegalArgumentException) {
            return USAGE;
        }
        return INTERNAL_ERROR;
    }
}
