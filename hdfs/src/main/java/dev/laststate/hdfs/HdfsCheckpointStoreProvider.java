package dev.laststate.hdfs;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.CheckpointStoreProvider;
import dev.laststate.store.StoreException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * Provides the HDFS store for {@code hdfs://<namenode or nameservice>/path} URIs. Its options are
 * {@code hdfs.<hadoop key>=value} (passed to Hadoop) and the keys of {@link HdfsConfig}; Hadoop's own
 * configuration comes from the class path and {@code $HADOOP_CONF_DIR}.
 */
public final class HdfsCheckpointStoreProvider implements CheckpointStoreProvider {

    private final Map<String, String> environment;

    /** The provider {@link java.util.ServiceLoader} finds; it reads the process's environment. */
    public HdfsCheckpointStoreProvider() {
        this(System.getenv());
    }

    /** A provider that reads {@code environment} instead of the process's ({@code HADOOP_CONF_DIR}, Kerberos). */
    public HdfsCheckpointStoreProvider(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return "hdfs";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("hdfs");
    }

    @Override
    public CheckpointStore open(Map<String, String> options) throws StoreException {
        HdfsConfig config = HdfsConfig.parse(options, environment);
        Configuration conf = HadoopSetup.configuration(config);
        return new HdfsCheckpointStore(conf, config, Optional.empty());
    }
}
