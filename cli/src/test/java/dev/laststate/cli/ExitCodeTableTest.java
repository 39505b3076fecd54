package dev.laststate.cli;

import static dev.laststate.cli.LocalFiles.fingerprint;
import static dev.laststate.cli.LocalFiles.uriOf;
import static dev.laststate.tck.CheckpointTree.JOB;
import static dev.laststate.tck.CheckpointTree.OTHER_JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.Promoter;
import dev.laststate.s3.S3ProxyServer;
import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStores;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointTree;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.SocketPolicy;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.StateObjectCollection;
import org.apache.flink.runtime.checkpoint.channel.InputChannelInfo;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.InputChannelStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cases of README.md's exit-code table (and of the --target rules below it) that no other CLI test runs
 * through the command line with the one-line assertion: each run gives its code, exactly one line on stderr
 * ({@code laststate: ...}) naming the problem, and leaves storage as it was. Real parts only: local checkpoint
 * trees, S3Proxy, the recorded JobManager, and a plain HTTP server where an S3 endpoint must answer garbage.
 * TESTING.md maps every case of the table to its test.
 */
class ExitCodeTableTest {

    private static final String BUCKET = "laststate-exit-codes";
    private static final String OTHER_BUCKET = "laststate-exit-codes-other";

    @TempDir
    static Path classDir;

    @TempDir
    Path dir;

    private static S3ProxyServer s3;
    private static RecordedJobManager jm;
    /** An S3 endpoint that answers every request with 200 and a body that is no S3 document. */
    private static HttpServer garbage;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        s3.createBucket(OTHER_BUCKET);
        jm = new RecordedJobManager(classDir);
        garbage = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        garbage.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = "<<this is not an S3 answer".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/xml");
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(200, head ? -1 : body.length);
                if (!head) {
                    exchange.getResponseBody().write(body);
                }
            }
        });
        garbage.start();
    }

    @AfterAll
    static void stop() throws Exception {
        garbage.stop(0);
        jm.close();
        s3.close();
    }

    // ---- 2: usage or bad input ----

    @Test
    void usageCheckpointsOutsideTheStore() throws Exception {
        CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        Path elsewhere = dir.resolve("elsewhere");
        CheckpointTree.inDirectory(elsewhere).standard();
        running(JOB, 12, dir.resolve("checkpoints"));

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.USAGE,
                "writes its checkpoints to file:" + dir.resolve("checkpoints").resolve(JOB).resolve("chk-12")
                + ", which is not in --store",
                "promote", "--store", elsewhere.toString(), "--jobmanager", jm.url());
    }

    @Test
    void usageTargetEqualToTheSnapshotBeingPromoted() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        // A savepoint the JobManager wrote under a name of its own: only its being the snapshot refuses it as a target.
        Path savepoint = dir.resolve("savepoints").resolve("before-upgrade");
        LocalFiles.write(savepoint.resolve("state"), "state of savepoint 14".getBytes(StandardCharsets.UTF_8));
        LocalFiles.write(savepoint.resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 14));
        savepointCompletes(tree, savepoint);

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.USAGE,
                "the target " + uriOf(savepoint) + " must not be the snapshot being promoted",
                "savepoint", "--store", tree.checkpoints().toLocalPath().toString(), "--jobmanager", jm.url(),
                "--poll-interval", "20ms", "--target", savepoint.toString());
    }

    @Test
    void usageCopyAsItIsIntoAnotherBucket() throws Exception {
        String store = "s3://" + BUCKET + "/copy-across/checkpoints";
        seedS3(store);

        failsLeavingAlone(ExitCodeTableTest::s3Keys, s3Env(), ExitCodes.USAGE,
                "lies in another store than " + store + ": a copy there restores on its own only when self-contained",
                "promote", "--store", store, "--target", "s3://" + OTHER_BUCKET + "/copy-across/last-state", "--no-relocate");
    }

    // ---- 3: nothing (new) at a target laststate manages ----

    @Test
    void nothingNoMatchingJobAtTheJobManager() throws Exception {
        Path checkpoints = managedWhileRunning(12);

        Cli.Run run = failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.NOTHING_TO_PROMOTE, "knows no job",
                "promote", "--store", checkpoints.toString(), "--jobmanager", jm.url(), "--job-name", "no-such-job");
        assertThat(run.err()).contains("no-such-job");
    }

    @Test
    void nothingAsNewAsTheJobManagerReports() throws Exception {
        Path checkpoints = managedWhileRunning(15);

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.NOTHING_TO_PROMOTE,
                "the JobManager reports checkpoint 15 of job " + JOB,
                "promote", "--store", checkpoints.toString(), "--jobmanager", jm.url());
    }

    // ---- 4: storage or JobManager failure ----

    @Test
    void failureAccessDenied() throws Exception {
        String store = "s3://" + BUCKET + "/denied/checkpoints";
        seedS3(store);
        Map<String, String> wrongSecret = new HashMap<>(s3Env());
        wrongSecret.put("AWS_SECRET_ACCESS_KEY", "not-the-secret");

        Cli.Run run = failsLeavingAlone(ExitCodeTableTest::s3Keys, wrongSecret, ExitCodes.STORE_FAILURE,
                "cannot list " + store + ": access denied",
                "promote", "--store", store);
        assertThat(run.err()).doesNotContain("not-the-secret");
    }

    @Test
    void failureMissingBucket() throws Exception {
        failsLeavingAlone(ExitCodeTableTest::s3Keys, s3Env(), ExitCodes.STORE_FAILURE,
                "the bucket 'laststate-no-such-bucket' does not exist",
                "promote", "--store", "s3://laststate-no-such-bucket/flink/checkpoints");
    }

    @Test
    void failureMalformedStoreAnswer() {
        Map<String, String> env = new HashMap<>(s3Env());
        env.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + garbage.getAddress().getPort());

        Cli.Run run = Cli.run(env, "promote", "--store", "s3://" + BUCKET + "/garbage/checkpoints");

        assertOneLine(run, ExitCodes.STORE_FAILURE, "cannot list s3://" + BUCKET + "/garbage/checkpoints: the request to S3 failed");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void failureJobManagerTimedOut() throws Exception {
        CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        jm.answer("GET", "/jobs/overview", new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));

        Cli.Run run = failsLeavingAlone(() -> fingerprint(dir), Map.of("LASTSTATE_READ_TIMEOUT", "300ms"), ExitCodes.STORE_FAILURE,
                "did not answer GET", "promote", "--store", dir.resolve("checkpoints").toString(), "--jobmanager", jm.url());
        assertThat(run.err()).contains("read timeout 300 ms");
    }

    @Test
    void failureSavepointTimedOut() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir.resolve("checkpoints")).standard();
        String trigger = savepointTriggered(tree);
        jm.answer("GET", "/jobs/" + JOB + "/savepoints/" + trigger, jm.body("savepoint-status-first.json", Map.of()));

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.STORE_FAILURE,
                "the savepoint of job " + JOB + " did not complete within 0.3s",
                "savepoint", "--store", tree.checkpoints().toLocalPath().toString(), "--jobmanager", jm.url(),
                "--poll-interval", "20ms", "--timeout", "300ms");
    }

    /** The lock wait is the file store's fixed 30 s: this test takes that long. */
    @Test
    void failureLocalLockHeldLongerThanTheLockWait() throws Exception {
        CheckpointTree tree = servedTree();
        Path target = tree.lastState().toLocalPath();
        Map<String, String> served = servedBy(target);
        tree.checkpoint(JOB, 14, 2);

        Cli.Run run;
        // A hung promoter holds the target's lock (a POSIX record lock, here taken by this JVM).
        try (FileChannel channel = FileChannel.open(target.resolve(".laststate-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            channel.write(ByteBuffer.wrap("pid 1 on host hung-promoter since 2025-03-01T10:00:00Z\n".getBytes(StandardCharsets.UTF_8)), 0);
            run = Cli.run("promote", "--store", dir.toString());
        }

        assertOneLine(run, ExitCodes.STORE_FAILURE, "gave up after 30 s waiting for the lock file");
        assertThat(run.err()).contains("hung-promoter");
        nothingWasCommittedAndTheNextRunPromotes(run, target, served);
    }

    @Test
    void failurePromotionThatCouldNotFinishConsistently() throws Exception {
        CheckpointTree tree = servedTree();
        Path target = tree.lastState().toLocalPath();
        Map<String, String> served = servedBy(target);
        tree.checkpoint(JOB, 14, 2);

        // Any copy outlasts half a grace period of one nanosecond: the run must not commit what a later run may remove.
        Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--stale-run-grace", "PT0.000000001S");

        assertOneLine(run, ExitCodes.STORE_FAILURE, "longer than half the stale-run grace period");
        assertThat(run.err()).endsWith("nothing was committed" + System.lineSeparator());
        nothingWasCommittedAndTheNextRunPromotes(run, target, served);
    }

    // ---- 5: refused by a guard ----

    @Test
    void refusedOlderSnapshot() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        tree.checkpoint(OTHER_JOB, 5, 2); // completed before JOB's chk-12
        Cli.succeeds("promote", "--store", dir.toString(), "--job-id", JOB);
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run("promote", "--store", dir.toString(), "--job-id", OTHER_JOB);

        assertOneLine(run, ExitCodes.REFUSED, "refused: ");
        assertThat(run.err()).contains("checkpoint 5 of job " + OTHER_JOB).contains("is older than")
                .contains("checkpoint 12 of job " + JOB).contains("--force");
        assertThat(run.outLines()).singleElement().asString().startsWith("REFUSED checkpoint 5 of job " + OTHER_JOB);
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void refusedJobThatStartedEmpty() throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        CheckpointTree tree = CheckpointTree.inDirectory(checkpoints).standard();
        Cli.succeeds("promote", "--store", checkpoints.toString()); // checkpoint 12 of an earlier deployment
        tree.checkpoint(OTHER_JOB, 1, 2);
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-one-running.json", Map.of("first", OTHER_JOB)));
        jm.answer("GET", "/jobs/" + OTHER_JOB + "/checkpoints", jm.edit(jm.body("checkpoints-running.json", Map.of("first", OTHER_JOB)),
                root -> ((ObjectNode) root.get("latest").get("completed")).put("id", 1)
                        .put("external_path", "file:" + checkpoints.resolve(OTHER_JOB).resolve("chk-1"))));
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run("promote", "--store", checkpoints.toString(), "--jobmanager", jm.url());

        assertOneLine(run, ExitCodes.REFUSED, "refused: job " + OTHER_JOB + " started without restoring state");
        assertThat(run.err()).contains("--allow-fresh-start");
        assertThat(run.outLines()).singleElement().asString().startsWith("REFUSED checkpoint 1 of job " + OTHER_JOB);
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    @Test
    void refusedForeignMetadata() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        // A _metadata no laststate run wrote (no pointer record), and not one whose checkpoint id can be read.
        LocalFiles.write(tree.lastState().toLocalPath().resolve(FlinkLayout.METADATA), "copied here by hand".getBytes(StandardCharsets.UTF_8));
        Map<String, String> before = fingerprint(dir);

        Cli.Run run = Cli.run("promote", "--store", dir.toString());

        assertOneLine(run, ExitCodes.REFUSED, "refused: " + uriOf(tree.lastState().toLocalPath().resolve(FlinkLayout.METADATA))
                + " is not described by a laststate pointer record");
        assertThat(run.outLines()).singleElement().asString().startsWith("REFUSED checkpoint 12");
        assertThat(fingerprint(dir)).isEqualTo(before);
    }

    // ---- 7: the newest snapshot cannot be promoted ----

    @ParameterizedTest
    @ValueSource(strings = {"", "not Flink's header"})
    void unpromotableEmptyOrCorruptMetadata(String metadata) throws Exception {
        CheckpointTree tree = servedTree();
        Path chk14 = tree.checkpoint(JOB, 14, 2).toLocalPath();
        LocalFiles.write(chk14.resolve(FlinkLayout.METADATA), metadata.getBytes(StandardCharsets.UTF_8));

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.UNPROMOTABLE_SNAPSHOT,
                uriOf(chk14.resolve(FlinkLayout.METADATA))
                + " is not Flink checkpoint metadata (" + metadata.length() + " bytes without Flink's header): empty or corrupt",
                "promote", "--store", dir.toString());
    }

    @Test
    void unpromotableMetadataNamesAnotherCheckpointId() throws Exception {
        CheckpointTree tree = servedTree();
        Path chk14 = tree.checkpoint(JOB, 14, 2).toLocalPath();
        LocalFiles.write(chk14.resolve(FlinkLayout.METADATA), CheckpointTree.metadata(JOB, 15));

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.UNPROMOTABLE_SNAPSHOT,
                uriOf(chk14.resolve(FlinkLayout.METADATA))
                + " names checkpoint 15, not checkpoint 14",
                "promote", "--store", dir.toString());
    }

    @Test
    void unpromotableStateLaststateCannotRelocate() throws Exception {
        CheckpointTree tree = servedTree();
        Path chk14 = tree.checkpoint(JOB, 14, 2).toLocalPath();
        LocalFiles.write(chk14.resolve("channel"), new byte[33]);
        OperatorState operator = new OperatorState(null, null, new OperatorID(), 1, 128);
        operator.putState(0, OperatorSubtaskState.builder().setInputChannelState(new StateObjectCollection<>(List.of(
                new InputChannelStateHandle(new InputChannelInfo(0, 1),
                        new RelativeFileStateHandle(new org.apache.flink.core.fs.Path(chk14.resolve("channel").toUri()), "channel", 33),
                        List.of(0L))))).build());
        ByteArrayOutputStream metadata = new ByteArrayOutputStream();
        Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(14, List.of(operator), List.of()), new DataOutputStream(metadata));
        LocalFiles.write(chk14.resolve(FlinkLayout.METADATA), metadata.toByteArray());

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.UNPROMOTABLE_SNAPSHOT,
                uriOf(chk14.resolve(FlinkLayout.METADATA)) + " references state laststate cannot relocate: unaligned"
                + " checkpoint input channel state (InputChannelStateHandle)",
                "promote", "--store", dir.toString());
    }

    @Test
    void verificationFailedAFileTheNewestSnapshotReferencesIsMissing() throws Exception {
        CheckpointTree tree = servedTree();
        StoreUri gone = tree.sharedFile(JOB, "sst-gone", "deleted before laststate copied it");
        tree.checkpointReferencing(JOB, 14, 1, List.of(gone));
        Files.delete(gone.toLocalPath());

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.VERIFICATION_FAILED,
                gone + ", which " + uriOf(tree.jobDir(JOB).toLocalPath().resolve("chk-14").resolve(FlinkLayout.METADATA))
                + " references, is missing: the snapshot would not restore; nothing was committed",
                "promote", "--store", dir.toString());
    }

    @Test
    void unpromotableSymbolicLink() throws Exception {
        CheckpointTree tree = servedTree();
        Path chk14 = tree.checkpoint(JOB, 14, 2).toLocalPath();
        Path outside = Files.writeString(dir.resolve("not-state.txt"), "not state");
        Files.createSymbolicLink(chk14.resolve("leak"), outside);

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.UNPROMOTABLE_SNAPSHOT, "leak",
                "promote", "--store", dir.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {FlinkLayout.POINTER_RECORD, FlinkLayout.INIT_MARKER, FlinkLayout.PENDING_RECORDS})
    void unpromotableReservedName(String reserved) throws Exception {
        CheckpointTree tree = servedTree();
        Path chk14 = tree.checkpoint(JOB, 14, 2).toLocalPath();
        LocalFiles.write(chk14.resolve(reserved), "{}".getBytes(StandardCharsets.UTF_8));

        failsLeavingAlone(() -> fingerprint(dir), Map.of(), ExitCodes.UNPROMOTABLE_SNAPSHOT,
                "holds '" + reserved + "', a name laststate reserves",
                "promote", "--store", dir.toString(), "--no-relocate"); // a relocated promotion copies only what _metadata names
    }

    @Test
    void unpromotableMetadataLargerThanLaststateReads() throws Exception {
        CheckpointTree tree = servedTree();
        Path chk14 = tree.checkpoint(JOB, 14, 2).toLocalPath();
        try (RandomAccessFile metadata = new RandomAccessFile(chk14.resolve(FlinkLayout.METADATA).toFile(), "rw")) {
            metadata.setLength(Promoter.MAX_METADATA_BYTES + 1); // sparse: costs no disk
        }
        // The fingerprint reads every byte: take it of the target only, and the huge file by its size.
        Map<String, String> served = fingerprint(tree.lastState().toLocalPath());

        Cli.Run run = Cli.run("promote", "--store", dir.toString());

        assertOneLine(run, ExitCodes.UNPROMOTABLE_SNAPSHOT, "more than the " + Promoter.MAX_METADATA_BYTES + " laststate reads");
        assertThat(run.out()).isEmpty();
        assertThat(fingerprint(tree.lastState().toLocalPath())).isEqualTo(served);
        assertThat(Files.size(chk14.resolve(FlinkLayout.METADATA))).isEqualTo(Promoter.MAX_METADATA_BYTES + 1);
    }

    // ---- 130, 143: stopped by a signal ----

    /**
     * A signal that arrives once the commit has begun does not stop it, and the one line says so. In-process the
     * test calls the shutdown hook itself (the JVM's exit code, 130 or 143, is {@code InterruptedPromotionIT}'s);
     * the target's lock, held until the hook waits, holds the promotion at its commit.
     */
    @Test
    void stoppedBySignalAfterTheCommitSaysSo() throws Exception {
        CheckpointTree tree = servedTree();
        tree.checkpoint(JOB, 14, 2);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Interruptions interruptions = Interruptions.none(new PrintWriter(err));
        Thread signal = new Thread(interruptions::onSignal, "signal");
        CompletableFuture<Integer> promote = promoteHeldAtItsCommit(tree, interruptions, out, err, () -> {
            signal.start();
            awaitCondition("the hook waits for the promotion", () -> signal.getState() == Thread.State.TIMED_WAITING);
        });
        signal.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(promote.get(30, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(err.toString().lines()).containsExactly("laststate: interrupted after the commit; the promotion was completed");
        assertThat(out.toString()).startsWith("PROMOTED checkpoint 14");
        assertThat(Cli.succeeds("status", "--store", dir.toString()).out()).contains("checkpoint id: 14", "consistent:    yes");
    }

    /**
     * A signal whose wait ends while the commit still waits for the target's lock: the line does not claim a
     * commit that has not happened, and the target serves what it served until the commit takes it whole.
     */
    @Test
    void stoppedBySignalWhileTheCommitWaitsSaysItMayNotHaveTakenEffect() throws Exception {
        CheckpointTree tree = servedTree();
        Path target = tree.lastState().toLocalPath();
        tree.checkpoint(JOB, 14, 2);
        byte[] served = Files.readAllBytes(target.resolve(FlinkLayout.METADATA));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Interruptions interruptions = new Interruptions(Duration.ofSeconds(1), new PrintWriter(err));
        CompletableFuture<Integer> promote = promoteHeldAtItsCommit(tree, interruptions, out, err, () -> {
            interruptions.onSignal(); // returns after its wait, the lock still held: the JVM would halt now

            assertThat(err.toString().lines()).containsExactly("laststate: interrupted during the commit, which did not finish"
                    + " within 1 s: the target serves either what it served or the new snapshot, whole (the next run completes"
                    + " the promotion)");
            // Its copies are in, beside the served generation; the target's _metadata is still the one it served.
            assertThat(Files.readAllBytes(target.resolve(FlinkLayout.METADATA))).isEqualTo(served);
        });
        // In this JVM the promotion goes on once the lock is free, and commits whole.
        assertThat(promote.get(60, TimeUnit.SECONDS)).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(Cli.succeeds("status", "--store", dir.toString()).out()).contains("checkpoint id: 14", "consistent:    yes");
    }

    /** What a test does while it holds the target's lock. */
    private interface WhileHeld {
        void run() throws Exception;
    }

    /**
     * Starts a quiet {@code promote} of {@code tree} in this JVM, holds the target's lock so that its commit waits,
     * runs {@code whileHeld} once the promotion waits for the lock (the promoter opens the lock file only to
     * commit), then lets it go.
     */
    private CompletableFuture<Integer> promoteHeldAtItsCommit(CheckpointTree tree, Interruptions interruptions, StringWriter out,
            StringWriter err, WhileHeld whileHeld) throws Exception {
        Path lockFile = tree.lastState().toLocalPath().resolve(".laststate-lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            Path opened = lockFile.toRealPath();
            CompletableFuture<Integer> promote = CompletableFuture.supplyAsync(() -> LastStateCommand.run(new String[] {"promote",
                "--store", dir.toString(), "--quiet"}, new PrintWriter(out), new PrintWriter(err), Map.of(), interruptions));
            awaitCondition("the promotion waits for the lock to commit", () -> openDescriptors(opened) >= 2);
            whileHeld.run();
            return promote;
        }
    }

    /**
     * A managed store ({@code init}, newest checkpoint 12) under {@code dir/checkpoints}, whose job the
     * JobManager reports running with {@code completed} as its newest checkpoint.
     */
    private Path managedWhileRunning(long completed) throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        CheckpointTree.inDirectory(checkpoints).standard();
        Cli.succeeds("init", "--store", checkpoints.toString());
        running(JOB, completed, checkpoints);
        return checkpoints;
    }

    // ---- helpers ----

    /** Waits, without sleeping, until {@code condition} holds; fails after 60 s. */
    private static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    /** How many of this process's file descriptors are open on {@code file} (Linux: /proc/self/fd). */
    private static long openDescriptors(Path file) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException gone) {
                    return false; // closed meanwhile, or the directory stream's own descriptor
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The standard tree with its checkpoint 12 promoted: the good state a failed run must leave served. */
    /** A failed run printed nothing on stdout and left what the target serves; the next run promotes checkpoint 14. */
    private void nothingWasCommittedAndTheNextRunPromotes(Cli.Run run, Path target, Map<String, String> served) {
        assertThat(run.out()).isEmpty();
        assertThat(servedBy(target)).as("nothing was committed").isEqualTo(served);
        assertThat(Cli.succeeds("promote", "--store", dir.toString()).out()).startsWith("PROMOTED checkpoint 14");
    }

    private CheckpointTree servedTree() throws Exception {
        CheckpointTree tree = CheckpointTree.inDirectory(dir).standard();
        Cli.succeeds("promote", "--store", dir.toString());
        return tree;
    }

    /** What a target serves: its {@code _metadata} and pointer record. */
    private static Map<String, String> servedBy(Path target) {
        Map<String, String> all = fingerprint(target);
        all.keySet().retainAll(List.of(FlinkLayout.METADATA, FlinkLayout.POINTER_RECORD));
        assertThat(all).hasSize(2);
        return all;
    }

    /** The one failure line: its code, exactly one stderr line naming the problem, no stack trace. */
    /**
     * Runs a command that must fail with {@code exitCode} and one line naming {@code message}, print nothing on
     * stdout, and leave what {@code view} shows of the storage as it was.
     */
    private static Cli.Run failsLeavingAlone(Callable<?> view, Map<String, String> env, int exitCode, String message, String... args)
            throws Exception {
        Object before = view.call();
        Cli.Run run = Cli.run(env, args);
        assertOneLine(run, exitCode, message);
        assertThat(run.out()).isEmpty();
        assertThat(view.call()).isEqualTo(before);
        return run;
    }

    private static void assertOneLine(Cli.Run run, int exitCode, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        assertThat(run.errLines()).as(run.toString()).singleElement().asString()
                .startsWith("laststate: ")
                .contains(message)
                .doesNotContain("\tat ")
                .doesNotContain("at dev.laststate.");
    }

    /** The job {@code jobId} runs at the JobManager, which reports {@code completed} as its newest checkpoint in {@code checkpoints}. */
    private static void running(String jobId, long completed, Path checkpoints) {
        jm.answer("GET", "/jobs/overview", jm.body("jobs-overview-restored.json", Map.of("restored", jobId, "first", OTHER_JOB)));
        jm.answer("GET", "/jobs/" + jobId + "/checkpoints", jm.edit(jm.body("checkpoints-restored.json", Map.of("restored", jobId)),
                root -> ((ObjectNode) root.get("latest")).putObject("completed").put("id", completed)
                        .put("external_path", "file:" + checkpoints.resolve(jobId).resolve("chk-" + completed))));
    }

    /** JOB runs with checkpoint 12 in {@code tree}; a savepoint trigger is answered; returns its id. */
    private static String savepointTriggered(CheckpointTree tree) {
        running(JOB, 12, tree.checkpoints().toLocalPath());
        String triggerBody = jm.body("savepoint-trigger.json", Map.of());
        jm.answer("POST", "/jobs/" + JOB + "/savepoints", triggerBody);
        return triggerBody.replaceAll(".*\"request-id\":\"([0-9a-f]+)\".*", "$1").strip();
    }

    /** As {@link #savepointTriggered}, and the savepoint completes at {@code location}. */
    private static void savepointCompletes(CheckpointTree tree, Path location) {
        String trigger = savepointTriggered(tree);
        jm.answer("GET", "/jobs/" + JOB + "/savepoints/" + trigger, jm.edit(jm.body("savepoint-status-completed.json", Map.of()),
                root -> ((ObjectNode) root.get("operation")).put("location", "file:" + location)));
    }

    private Map<String, String> s3Env() {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY,
                "AWS_REGION", S3ProxyServer.REGION, "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(), "AWS_MAX_ATTEMPTS", "1",
                "HOME", dir.toString());
    }

    /** The standard tree at {@code store} on S3Proxy, written through the s3 store. */
    private void seedS3(String store) throws Exception {
        StoreUri checkpoints = StoreUri.parse(store);
        try (CheckpointStore opened = CheckpointStores.load().open(checkpoints, Map.of(), s3Env())) {
            new CheckpointTree(opened, checkpoints).standard();
        }
    }

    /** Every key in both buckets. */
    private static List<String> s3Keys() {
        List<String> keys = new ArrayList<>(s3.keys(BUCKET, ""));
        keys.addAll(s3.keys(OTHER_BUCKET, ""));
        return keys;
    }
}
