package dev.laststate.hdfs;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Map;

/** The whole TCK on a MiniDFSCluster, through the provider as the CLI opens it. */
class HdfsStoreTckTest extends CheckpointStoreTck {

    @Override
    protected StoreFixture createFixture() throws Exception {
        MiniHdfs hdfs = MiniHdfs.start();
        CheckpointStore store = new HdfsCheckpointStoreProvider().open(hdfs.storeOptions(), Map.of());
        return StoreFixture.of(store, n -> StoreUri.parse("hdfs://" + hdfs.authority() + "/tck/root-" + n), hdfs);
    }
}
