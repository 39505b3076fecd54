package dev.laststate.e2e;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Flink MiniCluster with the given state backend (hashmap unless the class says otherwise) and one in-process
 * laststate cli per test class; each test gets a directory of its own, with the {@code checkpoints} its jobs
 * write to and laststate promotes in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FlinkClusterTest {

    private final FlinkCluster.Backend backend;
    FlinkCluster flink;
    LastStateCli laststate;
    /** This test's own directory. */
    Path dir;
    /** {@code dir/checkpoints}: the jobs' checkpoint directory and the store laststate promotes in. */
    Path checkpoints;
    /** {@code checkpoints/last-state}: where laststate promotes to. */
    Path lastState;

    FlinkClusterTest() {
        this(FlinkCluster.Backend.HASHMAP);
    }

    FlinkClusterTest(FlinkCluster.Backend backend) {
        this.backend = backend;
    }

    @BeforeAll
    void startClusterAndCli() throws Exception {
        flink = new FlinkCluster(backend);
        laststate = new LastStateCli();
    }

    @BeforeEach
    void directoriesOfThisTest(@TempDir Path dir) {
        this.dir = dir;
        checkpoints = dir.resolve("checkpoints");
        lastState = checkpoints.resolve("last-state");
    }

    @AfterAll
    void stopClusterAndCli() throws Exception {
        try (FlinkCluster closing = flink) {
            laststate.close();
        }
    }
}
