package dev.laststate.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One Flink MiniCluster with the given state backend and one in-process laststate cli per test class. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FlinkClusterTest {

    private final FlinkCluster.Backend backend;
    FlinkCluster flink;
    LastStateCli laststate;

    FlinkClusterTest(FlinkCluster.Backend backend) {
        this.backend = backend;
    }

    @BeforeAll
    void startClusterAndCli() throws Exception {
        flink = new FlinkCluster(backend);
        laststate = new LastStateCli();
    }

    @AfterAll
    void stopClusterAndCli() throws Exception {
        try (FlinkCluster closing = flink) {
            laststate.close();
        }
    }
}
