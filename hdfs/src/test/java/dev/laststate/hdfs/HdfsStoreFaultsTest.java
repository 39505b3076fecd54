package dev.laststate.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.ObjectContent;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.StoreException;
import dev.laststate.store.StoreNotFoundException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.WriteCondition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.SafeModeAction;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults injected into a MiniDFSCluster while the store is mid-operation: a file deleted or rewritten under a
 * read, a stream or a copy, a DataNode stopped mid-copy or mid-way through a streamed write, the NameNode stopped
 * mid-copy, the NameNode in safe mode. The faults fire from
 * inside the read ({@link FaultInjectingFileSystem}), never after a sleep; every test leaves the cluster whole.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsStoreFaultsTest {

    private static final int MIB = 1 << 20;
    /** Fails a stopped node within a second: no connection retries, no waits between block fetches. */
    private static final Map<String, String> FAIL_AT_ONCE = Map.of(
            "hdfs.ipc.client.connect.max.retries", "0",
            "hdfs.ipc.client.connect.retry.interval", "10",
            "hdfs.ipc.client.connect.timeout", "1000",
            "hdfs.dfs.client.retry.window.base", "1",
            "hdfs.dfs.client.max.block.acquire.failures", "0");

    private MiniHdfs hdfs;
    private CheckpointStore store;
    private int next;

    @BeforeAll
    void start() throws Exception {
        // DataNodes re-register within a second of a NameNode restart.
        hdfs = MiniHdfs.start(Map.of("dfs.heartbeat.interval", "1"));
        Map<String, String> options = new HashMap<>(hdfs.storeOptions());
        options.putAll(FAIL_AT_ONCE);
        options.put(FaultInjectingFileSystem.OPTION, FaultInjectingFileSystem.class.getName());
        store = new HdfsCheckpointStoreProvider().open(options, Map.of());
    }

    @AfterEach
    void disarm() {
        FaultInjectingFileSystem.disarm();
    }

    @AfterAll
    void stop() throws Exception {
        MiniHdfs.stop(store, hdfs);
    }

    @Test
    void aSourceDeletedUnderACopyIsNotFoundAndLeavesTheTargetAndNoTemporaryFile() throws Exception {
        StoreUri dir = freshDir();
        ObjectInfo listed = store.write(dir.resolve("source"), bytes(3 * MIB), WriteCondition.overwrite());
        StoreUri target = dir.resolve("targets/target");
        FaultInjectingFileSystem.arm(hdfsPath(listed.uri()), () -> admin().delete(new Path(hdfsPath(listed.uri())), false));

        assertFails(StoreNotFoundException.class, listed.uri(), () -> store.copy(listed, target));

        assertThat(FaultInjectingFileSystem.fired()).as("the source was deleted mid-copy").isTrue();
        assertThat(store.stat(target)).isEmpty();
        assertThat(rawNames(dir.resolve("targets"))).as("no temporary file left behind").isEmpty();
    }

    @Test
    void aSourceRewrittenUnderACopyIsConditionFailedAndLeavesTheTargetAlone() throws Exception {
        StoreUri dir = freshDir();
        StoreUri source = dir.resolve("source");
        ObjectInfo listed = store.write(source, bytes(3 * MIB), WriteCondition.overwrite());
        StoreUri target = dir.resolve("targets/target");
        ObjectInfo present = store.write(target, utf8("present"), WriteCondition.overwrite());
        FaultInjectingFileSystem.arm(hdfsPath(source), () -> store.write(source, utf8("rewritten"), WriteCondition.overwrite()));

        assertFails(ConditionFailedException.class, source, () -> store.copy(listed, target));

        assertThat(FaultInjectingFileSystem.fired()).isTrue();
        assertThat(store.stat(target)).contains(present);
        assertThat(text(target)).isEqualTo("present");
        assertThat(rawNames(dir.resolve("targets"))).containsExactly("target");
    }

    @Test
    void aFileDeletedUnderAReadOrAStreamIsNotFound() throws Exception {
        StoreUri dir = freshDir();
        StoreUri read = store.write(dir.resolve("read"), bytes(3 * MIB), WriteCondition.overwrite()).uri();
        ObjectInfo streamed = store.write(dir.resolve("streamed"), bytes(3 * MIB), WriteCondition.overwrite());

        FaultInjectingFileSystem.arm(hdfsPath(read), () -> admin().delete(new Path(hdfsPath(read)), false));
        assertFails(StoreNotFoundException.class, read, () -> store.read(read));
        assertThat(FaultInjectingFileSystem.fired()).isTrue();

        FaultInjectingFileSystem.arm(hdfsPath(streamed.uri()), () -> admin().delete(new Path(hdfsPath(streamed.uri())), false));
        try (InputStream in = store.readStream(streamed.uri(), Optional.of(streamed.version()), 0, streamed.size())) {
            assertFails(StoreNotFoundException.class, streamed.uri(), in::readAllBytes);
        }
        assertThat(FaultInjectingFileSystem.fired()).isTrue();
    }

    @Test
    void aFileReplacedUnderAReadIsReadAgainAndAnswersWithTheNewVersion() throws Exception {
        StoreUri object = freshDir().resolve("object");
        ObjectInfo first = store.write(object, bytes(3 * MIB), WriteCondition.overwrite());
        FaultInjectingFileSystem.arm(hdfsPath(object), () -> store.write(object, utf8("second"), WriteCondition.overwrite()));

        ObjectContent read = store.read(object);

        assertThat(FaultInjectingFileSystem.fired()).isTrue();
        assertThat(new String(read.bytes(), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(read.info().version()).isNotEqualTo(first.version()).isEqualTo(store.stat(object).orElseThrow().version());
    }

    @Test
    void aDataNodeStoppedMidCopyIsUnavailableAndTheTargetIsUnchanged() throws Exception {
        StoreUri dir = freshDir();
        byte[] content = bytes(3 * MIB);
        ObjectInfo listed = store.write(dir.resolve("source"), content, WriteCondition.overwrite());
        StoreUri target = dir.resolve("targets/target");
        ObjectInfo present = store.write(target, utf8("present"), WriteCondition.overwrite());
        MiniDFSCluster cluster = hdfs.cluster();
        MiniDFSCluster.DataNodeProperties[] stopped = new MiniDFSCluster.DataNodeProperties[1];
        FaultInjectingFileSystem.arm(hdfsPath(listed.uri()), () -> stopped[0] = cluster.stopDataNode(0));
        try {
            long started = System.nanoTime();

            // The one DataNode held the source's blocks and the temporary file's pipeline: whichever side failed
            // first is named (reading the source, or writing the copy), unavailable either way.
            assertThatThrownBy(() -> store.copy(listed, target)).isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                assertThat(e.uri()).isIn(listed.uri(), target);
                assertThat(e.getMessage()).doesNotContain("\n");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            assertThat(FaultInjectingFileSystem.fired()).isTrue();
            assertFails(StoreUnavailableException.class, listed.uri(), () -> store.read(listed.uri()));
            assertThat(store.stat(target)).as("the NameNode still answers").contains(present);
            assertThat(rawNames(dir.resolve("targets"))).containsExactly("target");
        } finally {
            restart(stopped[0]);
        }
        assertThat(store.read(listed.uri()).bytes()).as("once the DataNode is back").isEqualTo(content);
        assertThat(store.copy(listed, target).size()).isEqualTo(content.length);
        assertThat(store.read(target).bytes()).isEqualTo(content);
    }

    @Test
    void aNameNodeStoppedMidCopyIsUnavailableAndNothingIsRenamedIntoPlace() throws Exception {
        StoreUri dir = freshDir();
        ObjectInfo listed = store.write(dir.resolve("source"), bytes(2 * MIB), WriteCondition.overwrite());
        StoreUri target = dir.resolve("targets/target");
        MiniDFSCluster cluster = hdfs.cluster();
        FaultInjectingFileSystem.arm(hdfsPath(listed.uri()), () -> cluster.shutdownNameNode(0));
        try {
            long started = System.nanoTime();

            // The version after the last byte cannot be asked: the copy fails naming the source, and renames nothing.
            assertFails(StoreUnavailableException.class, listed.uri(), () -> store.copy(listed, target));
            assertFails(StoreUnavailableException.class, target, () -> store.stat(target));
            assertFails(StoreUnavailableException.class, dir, () -> store.list(dir));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        } finally {
            cluster.restartNameNode(0, true);
            cluster.waitActive();
            if (admin().isInSafeMode()) {
                admin().setSafeMode(SafeModeAction.LEAVE);
            }
        }
        assertThat(store.stat(target)).isEmpty();
        // The temporary file could not be removed while the NameNode was down; it is hidden and swept once abandoned.
        assertThat(store.list(dir.resolve("targets")).isEmpty()).isTrue();
        assertThat(rawNames(dir.resolve("targets"))).allSatisfy(name -> assertThat(ReservedNames.isTemporary(name)).isTrue());
    }

    @Test
    void inSafeModeWritesCopiesAndDeletesAreUnavailableAndReadsStillWork() throws Exception {
        StoreUri dir = freshDir();
        ObjectInfo listed = store.write(dir.resolve("source"), utf8("source"), WriteCondition.overwrite());
        StoreUri target = dir.resolve("target");
        admin().setSafeMode(SafeModeAction.ENTER);
        try {
            for (ThrowingCallable write : List.<ThrowingCallable>of(
                    () -> store.write(target, utf8("x"), WriteCondition.overwrite()),
                    () -> store.write(target, utf8("x"), WriteCondition.ifAbsent()),
                    () -> store.write(listed.uri(), utf8("x"), WriteCondition.ifVersionMatches(listed.version())))) {
                assertThatThrownBy(write).isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("safe mode").doesNotContain("\n");
                });
            }
            assertFails(StoreUnavailableException.class, target, () -> store.copy(listed, target));
            assertFails(StoreUnavailableException.class, listed.uri(), () -> store.delete(listed.uri()));

            assertThat(text(listed.uri())).isEqualTo("source");
            assertThat(store.list(dir).objects()).containsExactly(listed);
        } finally {
            admin().setSafeMode(SafeModeAction.LEAVE);
        }
        assertThat(store.copy(listed, target).size()).isEqualTo(listed.size());
    }

    @Test
    void aCopyAsksForTheSourcesVersionBeforeAndAfterAndNothingMore() throws Exception {
        StoreUri dir = freshDir();
        ObjectInfo first = store.write(dir.resolve("first"), bytes(MIB), WriteCondition.overwrite());
        ObjectInfo second = store.write(dir.resolve("second"), bytes(MIB + 1), WriteCondition.overwrite());
        store.copy(first, dir.resolve("copies/first")); // the first write into a directory also sweeps it once
        FaultInjectingFileSystem.resetCalls();

        ObjectInfo copied = store.copy(second, dir.resolve("copies/second"));

        // The source's status before the open and after the last byte, the temporary file's (the answer), one
        // open, one create, one rename: the version check costs the two stats and nothing else.
        assertThat(FaultInjectingFileSystem.calls()).isEqualTo(Map.of("getFileStatus", 3, "open", 1, "create", 1, "rename", 1));
        assertThat(store.stat(copied.uri())).contains(copied);
    }

    @Test
    void aFileReplacedUnderAStreamFailsTheStreamAsConditionFailed() throws Exception {
        StoreUri object = freshDir().resolve("object");
        ObjectInfo first = store.write(object, bytes(3 * MIB), WriteCondition.overwrite());
        FaultInjectingFileSystem.arm(hdfsPath(object), () -> store.write(object, utf8("second"), WriteCondition.overwrite()));

        // Not read again, as a whole read is: the bytes already served were the first version's.
        try (InputStream in = store.readStream(object, Optional.empty(), MIB, first.size() - MIB)) {
            assertFails(ConditionFailedException.class, object, in::readAllBytes);
        }
        assertThat(FaultInjectingFileSystem.fired()).isTrue();
    }

    @Test
    void aDataNodeStoppedDuringAStreamedWriteIsUnavailableAndLeavesNothingAtThePath() throws Exception {
        StoreUri dir = freshDir();
        StoreUri target = dir.resolve("target");
        ObjectInfo present = store.write(target, utf8("present"), WriteCondition.overwrite());
        byte[] content = bytes(6 * MIB);
        MiniDFSCluster cluster = hdfs.cluster();
        MiniDFSCluster.DataNodeProperties[] stopped = new MiniDFSCluster.DataNodeProperties[1];
        // The content stops the one DataNode once 2 MiB of it were taken: the pipeline of the temporary file breaks.
        InputStream stopsTheDataNode = new SequenceInputStream(new ByteArrayInputStream(content, 0, 2 * MIB),
                new SequenceInputStream(new InputStream() {
                    @Override
                    public int read() throws IOException {
                        if (stopped[0] == null) {
                            stopped[0] = cluster.stopDataNode(0);
                        }
                        return -1;
                    }
                }, new ByteArrayInputStream(content, 2 * MIB, content.length - 2 * MIB)));
        try {
            long started = System.nanoTime();

            assertFails(StoreUnavailableException.class, target, () -> store.writeStream(target, stopsTheDataNode, content.length));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            assertThat(stopped[0]).as("the DataNode was stopped mid-write").isNotNull();
            assertThat(store.stat(target)).as("the NameNode still answers").contains(present);
            assertThat(rawNames(dir)).as("no temporary file left behind").containsExactly("target");
        } finally {
            restart(stopped[0]);
        }
        assertThat(text(target)).isEqualTo("present");
        assertThat(store.writeStream(target, new ByteArrayInputStream(content), content.length).size()).isEqualTo(content.length);
        assertThat(store.read(target).bytes()).isEqualTo(content);
    }

    @Test
    void aStreamAsksForTheVersionBeforeAndAfterTheOpenAndAfterTheLastByteAndNothingMore() throws Exception {
        ObjectInfo object = store.write(freshDir().resolve("object"), bytes(MIB), WriteCondition.overwrite());
        FaultInjectingFileSystem.resetCalls();

        try (InputStream in = store.readStream(object.uri(), Optional.of(object.version()), 10, MIB - 20)) {
            assertThat(FaultInjectingFileSystem.calls()).as("before the first byte").isEqualTo(Map.of("getFileStatus", 2, "open", 1));
            assertThat(in.readAllBytes()).hasSize(MIB - 20);
        }

        assertThat(FaultInjectingFileSystem.calls()).isEqualTo(Map.of("getFileStatus", 3, "open", 1));
    }

    // ---------------------------------------------------------------- helpers

    private StoreUri freshDir() {
        return StoreUri.parse("hdfs://" + hdfs.authority() + "/faults/test-" + next++);
    }

    private DistributedFileSystem admin() throws Exception {
        return hdfs.superuser();
    }

    private static String hdfsPath(StoreUri uri) {
        return HdfsCheckpointStore.path(uri).toUri().getPath();
    }

    /** Every name in the directory as HDFS has it, the store's hidden files included; empty when it is missing. */
    private List<String> rawNames(StoreUri dir) throws Exception {
        Path path = HdfsCheckpointStore.path(dir);
        if (!admin().exists(path)) {
            return List.of();
        }
        return Arrays.stream(admin().listStatus(path)).map(FileStatus::getPath).map(Path::getName).sorted().toList();
    }

    private void restart(MiniDFSCluster.DataNodeProperties stopped) throws Exception {
        if (stopped != null) {
            hdfs.cluster().restartDataNode(stopped, true);
            hdfs.cluster().waitActive();
            hdfs.cluster().triggerBlockReports();
        }
    }

    private String text(StoreUri uri) throws Exception {
        return new String(store.read(uri).bytes(), StandardCharsets.UTF_8);
    }

    private static void assertFails(Class<? extends StoreException> type, StoreUri uri, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(type, e -> {
            assertThat(e.uri()).as("the location %s carries", type.getSimpleName()).isEqualTo(uri);
            assertThat(e.getMessage()).doesNotContain("\n");
        });
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
