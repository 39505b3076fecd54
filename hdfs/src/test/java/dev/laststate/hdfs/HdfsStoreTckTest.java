package dev.laststate.hdfs;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The whole TCK on a MiniDFSCluster, through the provider as the CLI opens it. */
class HdfsStoreTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() throws Exception {
        MiniHdfs hdfs = MiniHdfs.start();
        CheckpointStore store = new HdfsCheckpointStoreProvider(Map.of()).open(hdfs.storeOptions());
        AtomicInteger next = new AtomicInteger();
        return new StoreFixture() {
            @Override
            public CheckpointStore store() {
                return store;
            }

            @Override
            public StoreUri freshRoot() {
                return StoreUri.parse("hdfs://" + hdfs.authority() + "/tck/root-" + next.getAndIncrement());
            }

            @Override
            public void close() throws Exception {
                try {
                    store.close();
                } finally {
                    hdfs.close();
                }
            }
        };
    }
}
