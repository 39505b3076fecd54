package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The relocated promotion of a running job ({@link RelocatedRunningJob}) with file merging on: incremental RocksDB's
 * SST files and every checkpoint's exclusive state are segments of physical files in {@code <job>/shared/} and
 * {@code <job>/taskowned/}, and {@code _metadata} names them by physical file, offset and length. laststate extracts
 * each segment into a file of its own in {@code last-state/state/}; what Flink deletes is the physical file, so the
 * scenario waits until a physical file the promoted generation's segments came from is gone.
 */
class FileMergingRelocationIT extends FlinkClusterTest {

    FileMergingRelocationIT() {
        super(FlinkCluster.Backend.ROCKSDB_INCREMENTAL_FILE_MERGING);
    }

    @Test
    void relocatedPromotionsOfARunningJobWithFileMergingRestoreAfterItsJobDirectoryIsGone() throws Exception {
        RelocatedRunningJob.Result result =
                RelocatedRunningJob.run(flink, RelocatedRunningJob.local(checkpoints, laststate), "fm-relocated");
        assertThat(result.lastSegments()).as("file merging: the promoted checkpoint's state was segments").isPositive();
        assertThat(result.lastSources()).as("physical files outside chk-n").isNotEmpty();
    }
}
