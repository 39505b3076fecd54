package dev.laststate.flink;

import java.nio.ByteBuffer;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names in Flink's checkpoint storage:
 * {@code <checkpoint-dir>/<jobId>/chk-<n>/_metadata}, {@code <jobId>/shared/}, {@code <jobId>/taskowned/}
 * and {@code <savepoint-dir>/savepoint-<first 6 hex of jobId>-<12 hex>/_metadata}.
 */
public final class FlinkLayout {

    /** Written last by Flink: a checkpoint or savepoint directory is complete iff it holds this. */
    public static final String METADATA = "_metadata";
    /** Incremental state shared between checkpoints; never listed by laststate. */
    public static final String SHARED = "shared";
    /** State owned by the task managers; never listed by laststate. */
    public static final String TASK_OWNED = "taskowned";
    /** The default promotion target below the checkpoint directory. */
    public static final String DEFAULT_TARGET = "last-state";
    /** laststate's pointer record, beside the promoted {@code _metadata}. */
    public static final String POINTER_RECORD = "_laststate.json";
    /** The directory beside it holding the pending records of promotions in progress (or that died). */
    public static final String PENDING_RECORDS = "_laststate-pending";
    /**
     * The marker {@code laststate init} creates in a target before anything was promoted there: a new job's
     * target that laststate manages (see {@link ManagedTargets}).
     */
    public static final String INIT_MARKER = "_laststate-init.json";

    /** Bytes at the start of {@code _metadata} that hold its checkpoint id. */
    public static final int METADATA_HEADER_BYTES = 16;

    private static final int METADATA_MAGIC = 0x4960672d;
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern CHECKPOINT = Pattern.compile("chk-(0|[1-9][0-9]{0,18})");
    private static final Pattern SAVEPOINT = Pattern.compile("savepoint-([0-9a-f]{6})-[0-9a-f]{12}");

    private FlinkLayout() {}

    /** Whether {@code name} is a Flink job id: 32 lower-case hex digits. */
    public static boolean isJobId(String name) {
        return JOB_ID.matcher(name).matches();
    }

    /**
     * Checks a job id given by a user.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static String requireJobId(String jobId) {
        if (jobId == null || !isJobId(jobId)) {
            throw new IllegalArgumentException("invalid job id '" + jobId + "': a Flink job id is 32 lower-case hex digits");
        }
        return jobId;
    }

    /** Whether {@code name} is one of laststate's own names in a target, which no snapshot may bring along. */
    public static boolean isReservedInTarget(String name) {
        return name.equals(POINTER_RECORD) || name.equals(PENDING_RECORDS) || name.equals(INIT_MARKER);
    }

    /** The checkpoint id of a {@code chk-<n>} directory name, read as a number. */
    public static OptionalLong checkpointId(String directoryName) {
        Matcher m = CHECKPOINT.matcher(directoryName);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException tooLarge) {
            return OptionalLong.empty();
        }
    }

    /** Whether {@code directoryName} is a savepoint directory of the job {@code jobId}. */
    public static boolean isSavepointOf(String directoryName, String jobId) {
        Matcher m = SAVEPOINT.matcher(directoryName);
        return m.matches() && jobId.startsWith(m.group(1));
    }

    /**
     * The checkpoint id recorded in the first bytes of a {@code _metadata} file (a magic number, the
     * format version, then the id), or empty when the bytes are not Flink checkpoint metadata.
     */
    public static OptionalLong metadataCheckpointId(byte[] header) {
        if (header.length < METADATA_HEADER_BYTES) {
            return OptionalLong.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(header);
        int magic = buffer.getInt();
        int version = buffer.getInt();
        long id = buffer.getLong();
        if (magic != METADATA_MAGIC || version < 1 || version > 100 || id < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(id);
    }

    /** The header Flink writes at the start of {@code _metadata} for checkpoint {@code id}. */
    public static byte[] metadataHeader(long id) {
        return ByteBuffer.allocate(METADATA_HEADER_BYTES).putInt(METADATA_MAGIC).putInt(3).putLong(id).array();
    }
}
