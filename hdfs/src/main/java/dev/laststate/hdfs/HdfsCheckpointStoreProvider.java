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
 * {@code hdfs.<hadoop key>=value} (passed to Hadoop) and the keys of {@link HdfsStoreConfig}; Hadoop's own
 * configuration comes from the class path and {@code HADOOP_CONF_DIR} of the environment map it is opened
 * with ({@link HdfsStoreConfig}), which is the only environment it reads.
 */
public final class HdfsCheckpointStoreProvider implements CheckpointStoreProvider {

    @Override
    public String name() {
        return "hdfs";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("hdfs");
    }

    @Override
    public CheckpointStore open(Map<String, String> options, Map<String, String> environment) throws StoreException {
        HdfsStoreConfig config = HdfsStoreConfig.fromOptions(options, environment);
        Configuration conf = HadoopSetup.configuration(config);
        return new HdfsCheckpointStore(conf, config, Optional.empty());
    }
}
