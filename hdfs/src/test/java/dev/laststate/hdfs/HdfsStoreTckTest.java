package dev.laststate.hdfs;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.StoreUri;
import dev.laststate.tck.CheckpointStoreTck;
import dev.laststate.tck.StoreFixture;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * The whole TCK on a MiniDFSCluster, through the provider as the CLI opens it.
 *
 * <p>No missing container: HDFS has none. The authority names a NameNode or name service, and one that
 * cannot be found is an unknown host or a refused connection, which is {@code StoreUnavailableException}
 * (retryable: DNS or the NameNode may answer later), never a permanent "does not exist"; the failures test
 * proves that answer. The TCK shows that edge as disabled with "this store has no containers", as for the
 * file store.
 */
class HdfsStoreTckTest extends CheckpointStoreTck {

    /** HDFS takes a control character in a name; no location can hold one. */
    static final String UNREPRESENTABLE = "bad\u0001name";

    @Override
    protected StoreFixture createFixture() throws Exception {
        MiniHdfs hdfs = MiniHdfs.start();
        CheckpointStore store = new HdfsCheckpointStoreProvider().open(hdfs.storeOptions(), Map.of());
        return StoreFixture.of(store, n -> StoreUri.parse("hdfs://" + hdfs.authority() + "/tck/root-" + n), hdfs)
                // The same NameNode by another authority: the store cannot tell it is the same, so it is another container.
                .withOtherContainer(StoreUri.parse("hdfs://" + hdfs.authority().replace("127.0.0.1", "localhost") + "/tck-other"))
                .withUnrepresentableNames(dir -> {
                    // Behind the store's back, with Hadoop's own client: the store cannot write such a name.
                    hdfs.superuser().create(new Path(HdfsCheckpointStore.path(dir), UNREPRESENTABLE)).close();
                    return UNREPRESENTABLE;
                });
    }
}
