package dev.laststate.hdfs;

import dev.laststate.store.CheckpointStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** One in-process NameNode and one DataNode on 127.0.0.1 with free ports, started once per test class. */
final class MiniHdfs implements AutoCloseable {

    /** Client side of the fast close: without it every small file's close waits about 170 ms for its block. */
    static final String FAST_CLOSE_CLIENT_KEY = "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";

    private final MiniDFSCluster cluster;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    static MiniHdfs start() throws Exception {
        return start(Map.of());
    }

    /** A cluster with these settings on top of the usual ones. */
    static MiniHdfs start(Map<String, String> settings) throws Exception {
        Configuration conf = new HdfsConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, Path.of("target", "minidfs", UUID.randomUUID().toString()).toAbsolutePath().toString());
        // A file may close while its last block is still being committed by the DataNode ...
        conf.setInt("dfs.namenode.file.close.num-committed-allowed", 1);
        // ... and the client polls for that after 10 ms instead of 400 ms.
        conf.setLong(FAST_CLOSE_CLIENT_KEY, 10);
        conf.setBoolean("dfs.permissions.enabled", true);
        settings.forEach(conf::set);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        cluster.waitActive();
        return new MiniHdfs(cluster);
    }

    /** The NameNode as a URI authority, {@code 127.0.0.1:<port>}. */
    String authority() {
        return "127.0.0.1:" + cluster.getNameNodePort();
    }

    /**
     * The options a store of this cluster is opened with: the client half of the fast close, and HDFS's
     * smallest block size, so the TCK's larger objects (3 and 12 MiB) span several blocks as checkpoint
     * files do on a real cluster.
     */
    Map<String, String> storeOptions() {
        return Map.of(HdfsStoreConfig.PREFIX + FAST_CLOSE_CLIENT_KEY, "10", HdfsStoreConfig.PREFIX + "dfs.blocksize", "1048576");
    }

    /** A client as the superuser (the user running the tests, who started the cluster). */
    DistributedFileSystem superuser() throws Exception {
        return cluster.getFileSystem();
    }

    MiniDFSCluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }

    /** Closes a test class's store, then its cluster; either is missing when the class failed to start. */
    static void stop(CheckpointStore store, MiniHdfs hdfs) throws Exception {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            if (hdfs != null) {
                hdfs.close();
            }
        }
    }
}
