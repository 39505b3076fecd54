package dev.laststate.tck;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.flink.FlinkLayout;
import dev.laststate.flink.InitMarker;
import dev.laststate.flink.ManagedTargets;
import dev.laststate.flink.ManagedTargets.InitOutcome;
import dev.laststate.flink.ManagedTargets.Knowledge;
import dev.laststate.flink.NotACheckpointDirectoryException;
import dev.laststate.flink.NothingToPromoteException;
import dev.laststate.flink.PromotionRequest;
import dev.laststate.flink.Promoter;
import dev.laststate.flink.UnknownTargetException;
import dev.laststate.flink.UnpromotableSnapshotException;
import dev.laststate.store.Capability;
import dev.laststate.store.StoreUri;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The marker of a managed target ({@link ManagedTargets}): {@code init} creates it only if absent, never
 * touches a promoted target, no promotion removes it, and "nothing found" is unknown exactly where neither
 * the marker nor a pointer record stands. Part of {@link CheckpointStoreTck}.
 */
public interface ManagedTargetContract extends TckSupport {

    private StoreUri target() {
        return root().resolve(FlinkLayout.DEFAULT_TARGET);
    }

    private ManagedTargets targets() {
        return new ManagedTargets(store());
    }

    private static NothingToPromoteException nothing() {
        return new NothingToPromoteException("nothing here");
    }

    @Test
    default void initCreatesTheMarkerOnceAndIsIdempotent() throws Exception {
        ManagedTargets.Init first = targets().init(root(), target());
        String version = store().stat(target().resolve(FlinkLayout.INIT_MARKER)).orElseThrow().version();

        ManagedTargets.Init second = targets().init(root(), target());

        assertThat(first.outcome()).isEqualTo(InitOutcome.CREATED);
        assertThat(second.outcome()).isEqualTo(InitOutcome.ALREADY_INITIALIZED);
        assertThat(store().stat(target().resolve(FlinkLayout.INIT_MARKER)).orElseThrow().version()).isEqualTo(version);
        assertThat(InitMarker.parse(store().read(first.marker()).bytes()).checkpoints()).isEqualTo(root());
        assertThat(objectsBelow(target())).containsOnlyKeys(FlinkLayout.INIT_MARKER);
        assertThat(targets().knowledge(target())).isEqualTo(Knowledge.INITIALIZED);
    }

    @Test
    default void initNeverWritesIntoAPromotedTarget() throws Exception {
        new CheckpointTree(store(), root()).checkpoint(JOB, 3, 1);
        new Promoter(store()).promote(PromotionRequest.of(root(), JOB));
        Map<String, String> before = objectsBelow(target());

        ManagedTargets.Init init = targets().init(root(), target());

        assertThat(init.outcome()).isEqualTo(InitOutcome.ALREADY_PROMOTED);
        assertThat(objectsBelow(target())).isEqualTo(before);
        assertThat(targets().knowledge(target())).isEqualTo(Knowledge.PROMOTED);
    }

    @Test
    @RequiresCapability(Capability.CONDITIONAL_CREATE)
    default void racingInitsCreateExactlyOneMarker() throws Exception {
        int racers = 8;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<InitOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return targets().init(root(), target()).outcome();
                }));
            }
            List<InitOutcome> seen = new ArrayList<>();
            for (Future<InitOutcome> outcome : outcomes) {
                seen.add(outcome.get());
            }
            assertThat(seen).filteredOn(InitOutcome.CREATED::equals).hasSize(1);
            assertThat(seen).filteredOn(InitOutcome.ALREADY_INITIALIZED::equals).hasSize(racers - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @RequiresMissingCapability(Capability.CONDITIONAL_CREATE)
    default void withoutConditionalCreateInitStillWritesTheMarkerOnce() throws Exception {
        assertThat(targets().init(root(), target()).outcome()).isEqualTo(InitOutcome.CREATED);
        String version = store().stat(target().resolve(FlinkLayout.INIT_MARKER)).orElseThrow().version();

        assertThat(targets().init(root(), target()).outcome()).isEqualTo(InitOutcome.ALREADY_INITIALIZED);
        assertThat(store().stat(target().resolve(FlinkLayout.INIT_MARKER)).orElseThrow().version()).isEqualTo(version);
    }

    @Test
    default void nothingFoundIsUnknownUnlessTheTargetIsManaged() throws Exception {
        put(root().resolve("README"), "a directory that exists (locally too) and holds nothing of Flink's".getBytes());
        assertThatThrownBy(() -> targets().explain(Optional.of(root()), target(), nothing()))
                .isInstanceOf(UnknownTargetException.class)
                .hasMessageContaining(target().toString())
                .hasMessageContaining("laststate init");

        targets().init(root(), target());

        assertThat(targets().explain(Optional.of(root()), target(), nothing()).getMessage())
                .startsWith("nothing here")
                .contains("initialized");
    }

    @Test
    default void aTargetThatWasPromotedStaysManagedWithoutSnapshots() throws Exception {
        CheckpointTree tree = new CheckpointTree(store(), root());
        tree.checkpoint(JOB, 3, 1);
        new Promoter(store()).promote(PromotionRequest.of(root(), JOB));

        assertThat(targets().explain(Optional.of(root()), target(), nothing()).getMessage()).contains("keeps serving");
    }

    @Test
    default void promotionsKeepTheMarker() throws Exception {
        targets().init(root(), target());
        String version = store().stat(target().resolve(FlinkLayout.INIT_MARKER)).orElseThrow().version();
        CheckpointTree tree = new CheckpointTree(store(), root());
        for (long id = 1; id <= 4; id++) {
            tree.checkpoint(JOB, id, 1);
            new Promoter(store()).promote(PromotionRequest.of(root(), JOB));
        }

        assertThat(store().stat(target().resolve(FlinkLayout.INIT_MARKER)).orElseThrow().version()).isEqualTo(version);
        assertThat(targets().knowledge(target())).isEqualTo(Knowledge.PROMOTED);
    }

    @Test
    default void aSnapshotHoldingTheMarkerNameIsNeverPromoted() throws Exception {
        targets().init(root(), target());
        StoreUri marker = target().resolve(FlinkLayout.INIT_MARKER);
        String version = store().stat(marker).orElseThrow().version();
        StoreUri checkpoint = new CheckpointTree(store(), root()).checkpoint(JOB, 3, 1);
        put(checkpoint.resolve(FlinkLayout.INIT_MARKER), "{}".getBytes());

        assertThatThrownBy(() -> new Promoter(store()).promote(PromotionRequest.of(root(), JOB)))
                .isInstanceOf(UnpromotableSnapshotException.class)
                .hasMessageContaining(FlinkLayout.INIT_MARKER);
        assertThat(store().stat(marker).orElseThrow().version()).isEqualTo(version);
    }

    @Test
    default void aJobDirectoryIsNotACheckpointDirectory() throws Exception {
        CheckpointTree tree = new CheckpointTree(store(), root());
        tree.checkpoint(JOB, 3, 1);
        StoreUri jobDir = tree.jobDir(JOB);

        assertThatThrownBy(() -> targets().explain(Optional.of(jobDir), jobDir.resolve(FlinkLayout.DEFAULT_TARGET), nothing()))
                .isInstanceOf(NotACheckpointDirectoryException.class)
                .hasMessageContaining("job directory");
        assertThatThrownBy(() -> targets().init(jobDir, jobDir.resolve(FlinkLayout.DEFAULT_TARGET)))
                .isInstanceOf(NotACheckpointDirectoryException.class);
        StoreUri renamed = root().resolve("jobs");
        put(renamed.resolve("chk-7").resolve("state"), "x".getBytes());
        assertThatThrownBy(() -> targets().explain(Optional.of(renamed), renamed.resolve("last-state"), nothing()))
                .isInstanceOf(NotACheckpointDirectoryException.class)
                .hasMessageContaining("chk-7");
        assertThat(store().stat(jobDir.resolve(FlinkLayout.DEFAULT_TARGET).resolve(FlinkLayout.INIT_MARKER))).isEmpty();
    }

    @Test
    default void aFileIsNotACheckpointDirectory() throws Exception {
        StoreUri file = root().resolve("checkpoints");
        put(file, "not a directory".getBytes());

        assertThatThrownBy(() -> targets().explain(Optional.of(file), file.resolve("last-state"), nothing()))
                .isInstanceOf(NotACheckpointDirectoryException.class)
                .hasMessageContaining("is a file");
    }
}
