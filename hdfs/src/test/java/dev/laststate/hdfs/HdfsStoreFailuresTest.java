package dev.laststate.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.laststate.store.CheckpointStore;
import dev.laststate.store.ConditionFailedException;
import dev.laststate.store.InvalidStoreConfigurationException;
import dev.laststate.store.InvalidStoreUriException;
import dev.laststate.store.Listing;
import dev.laststate.store.ObjectInfo;
import dev.laststate.store.ReservedNames;
import dev.laststate.store.StoreAccessDeniedException;
import dev.laststate.store.StoreUnavailableException;
import dev.laststate.store.StoreUri;
import dev.laststate.store.UnsupportedStoreOperationException;
import dev.laststate.store.WriteCondition;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the TCK cannot show: an unreachable NameNode or name service, permissions, names HDFS refuses, a copy
 * across NameNodes, the environment map as the only environment, and the lock's lease held by other clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HdfsStoreFailuresTest {

    private MiniHdfs hdfs;
    private CheckpointStore store;

    @BeforeAll
    void start() throws Exception {
        hdfs = MiniHdfs.start();
        store = open(Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        MiniHdfs.stop(store, hdfs);
    }

    private CheckpointStore open(Map<String, String> extra) throws Exception {
        Map<String, String> options = new HashMap<>(hdfs.storeOptions());
        options.putAll(extra);
        return new HdfsCheckpointStoreProvider().open(options, Map.of());
    }

    private StoreUri uri(String path) {
        return StoreUri.parse("hdfs://" + hdfs.authority() + "/" + path);
    }

    @Test
    void anUnreachableNameNodeFailsQuicklyAsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StoreUri nowhere = StoreUri.parse("hdfs://127.0.0.1:" + closedPort + "/flink/checkpoints");
        try (CheckpointStore unreachable = new HdfsCheckpointStoreProvider().open(Map.of(), Map.of())) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> unreachable.list(nowhere))
                    .isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.uri()).isEqualTo(nowhere);
                        assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).doesNotContain("\n");
                        assertThat(e.getCause()).isInstanceOf(java.net.ConnectException.class);
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aNameNodeThatNeverAnswersTimesOutAsUnavailable() throws Exception {
        // Accepts connections (the kernel completes the handshake) but never answers a call, like a hung NameNode.
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             CheckpointStore store = new HdfsCheckpointStoreProvider().open(Map.of("hdfs.ipc.client.rpc-timeout.ms", "1000"), Map.of())) {
            StoreUri hung = StoreUri.parse("hdfs://127.0.0.1:" + silent.getLocalPort() + "/flink/checkpoints");
            long started = System.nanoTime();

            assertThatThrownBy(() -> store.stat(hung))
                    .isInstanceOfSatisfying(StoreUnavailableException.class, e -> assertThat(e.getMessage()).doesNotContain("\n"))
                    .hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
        }
    }

    @Test
    void anotherUsersDirectoryIsAccessDenied() throws Exception {
        DistributedFileSystem admin = hdfs.superuser();
        Path privateDir = new Path("/private");
        admin.mkdirs(privateDir, new FsPermission((short) 0700));
        admin.setPermission(privateDir, new FsPermission((short) 0700));
        try (FSDataOutputStream out = admin.create(new Path(privateDir, "secret"))) {
            out.write(1);
        }
        Path readOnly = new Path("/read-only");
        admin.mkdirs(readOnly);
        admin.setPermission(readOnly, new FsPermission((short) 0755));
        UserGroupInformation alice = UserGroupInformation.createUserForTesting("alice", new String[] {"alice"});
        Configuration conf = HadoopSetup.configuration(HdfsStoreConfig.fromOptions(hdfs.storeOptions(), Map.of()));

        try (CheckpointStore asAlice = new HdfsCheckpointStore(conf, HdfsStoreConfig.fromOptions(Map.of(), Map.of()), Optional.of(alice))) {
            assertThatThrownBy(() -> asAlice.list(uri("private"))).isInstanceOf(StoreAccessDeniedException.class)
                    .hasMessageContaining("access denied").hasCauseInstanceOf(org.apache.hadoop.security.AccessControlException.class);
            assertThatThrownBy(() -> asAlice.stat(uri("private/secret"))).isInstanceOf(StoreAccessDeniedException.class);
            assertThatThrownBy(() -> asAlice.read(uri("private/secret"))).isInstanceOf(StoreAccessDeniedException.class);
            assertThatThrownBy(() -> asAlice.write(uri("read-only/object"), new byte[] {1}, WriteCondition.overwrite()))
                    .isInstanceOfSatisfying(StoreAccessDeniedException.class, e -> assertThat(e.uri()).isEqualTo(uri("read-only/object")));
            assertThat(asAlice.list(uri("read-only")).isEmpty()).isTrue();

            // A copy names the side it may not touch: the source it may not read, the target it may not write.
            ObjectInfo secret = store.stat(uri("private/secret")).orElseThrow();
            ObjectInfo open = store.write(uri("open/object"), utf8("open"), WriteCondition.overwrite());
            assertThatThrownBy(() -> asAlice.copy(secret, uri("open/copy")))
                    .isInstanceOfSatisfying(StoreAccessDeniedException.class, e -> assertThat(e.uri()).isEqualTo(secret.uri()));
            assertThatThrownBy(() -> asAlice.copy(open, uri("read-only/copy")))
                    .isInstanceOfSatisfying(StoreAccessDeniedException.class, e -> assertThat(e.uri()).isEqualTo(uri("read-only/copy")));
            store.write(uri("read-only/kept"), utf8("kept"), WriteCondition.overwrite());
            assertThatThrownBy(() -> asAlice.delete(uri("read-only/kept")))
                    .isInstanceOfSatisfying(StoreAccessDeniedException.class, e -> assertThat(e.uri()).isEqualTo(uri("read-only/kept")));
            assertThat(text(uri("read-only/kept"))).isEqualTo("kept");
            assertThat(store.list(uri("read-only")).objects()).extracting(ObjectInfo::name).containsExactly("kept");
        }
    }

    @Test
    void aCopyToAnotherNameNodeIsUnsupportedAndTouchesNothing() throws Exception {
        ObjectInfo source = store.write(uri("cross/source"), utf8("s"), WriteCondition.overwrite());
        StoreUri elsewhere = StoreUri.parse("hdfs://other-namenode.invalid:8020/cross/target");

        assertThatThrownBy(() -> store.copy(source, elsewhere))
                .isInstanceOfSatisfying(UnsupportedStoreOperationException.class, e -> {
                    assertThat(e.uri()).isEqualTo(elsewhere);
                    assertThat(e.getMessage()).contains("other-namenode.invalid:8020").contains(hdfs.authority());
                });
        assertThat(store.list(uri("cross")).objects()).containsExactly(source);
    }

    @Test
    void namesHdfsRefusesAreInvalidLocationsBeforeAnythingIsSent() {
        for (StoreUri refused : List.of(uri("dir/a:b"), uri("a:b/object"), uri(".reserved/.inodes/16386"), uri(".reserved"))) {
            assertThatThrownBy(() -> store.stat(refused)).as("stat %s", refused).isInstanceOf(InvalidStoreUriException.class);
            assertThatThrownBy(() -> store.write(refused, utf8("x"), WriteCondition.overwrite())).as("write %s", refused)
                    .isInstanceOf(InvalidStoreUriException.class);
            assertThatThrownBy(() -> store.list(refused)).as("list %s", refused).isInstanceOf(InvalidStoreUriException.class);
        }
    }

    @Test
    void anUnknownNameServiceIsUnavailableNotMissing() throws Exception {
        StoreUri unknown = StoreUri.parse("hdfs://no-such-nameservice.invalid/flink/checkpoints");
        try (CheckpointStore plain = open(Map.of())) {
            assertThatThrownBy(() -> plain.list(unknown)).isInstanceOfSatisfying(StoreUnavailableException.class, e -> {
                assertThat(e.uri()).isEqualTo(unknown);
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("no-such-nameservice.invalid").doesNotContain("\n");
            });
        }
    }

    @Test
    void aConfigurationValueHadoopCannotParseIsAConfigurationError() throws Exception {
        try (CheckpointStore misconfigured = open(Map.of("hdfs.dfs.client.socket-timeout", "soon"))) {
            assertThatThrownBy(() -> misconfigured.stat(uri("object")))
                    .isInstanceOf(InvalidStoreConfigurationException.class).hasMessageContaining("soon");
        }
    }

    @Test
    void hadoopConfDirFromTheEnvironmentMapNamesTheClusterThroughANameService() throws Exception {
        assertThat(System.getenv(HdfsStoreConfig.ENV_CONF_DIR)).as("the JVM's own environment holds none").isNull();
        java.nio.file.Path confDir = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "hadoop-conf");
        java.nio.file.Files.writeString(confDir.resolve("core-site.xml"), """
                <?xml version="1.0"?>
                <configuration>
                  <property><name>fs.defaultFS</name><value>hdfs://laststate-ns</value></property>
                </configuration>
                """);
        java.nio.file.Files.writeString(confDir.resolve("hdfs-site.xml"), """
                <?xml version="1.0"?>
                <configuration>
                  <property><name>dfs.nameservices</name><value>laststate-ns</value></property>
                  <property><name>dfs.ha.namenodes.laststate-ns</name><value>nn1</value></property>
                  <property><name>dfs.namenode.rpc-address.laststate-ns.nn1</name><value>%s</value></property>
                  <property><name>dfs.client.failover.proxy.provider.laststate-ns</name>
                    <value>org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider</value></property>
                </configuration>
                """.formatted(hdfs.authority()));
        StoreUri dir = StoreUri.parse("hdfs://laststate-ns/conf-dir");

        try (CheckpointStore viaMap = new HdfsCheckpointStoreProvider().open(hdfs.storeOptions(),
                Map.of(HdfsStoreConfig.ENV_CONF_DIR, confDir.toString()))) {
            ObjectInfo written = viaMap.write(dir.resolve("object"), utf8("through the name service"), WriteCondition.ifAbsent());

            assertThat(viaMap.list(dir).objects()).containsExactly(written);
            assertThat(text(uri("conf-dir/object"))).as("the same cluster, by its address").isEqualTo("through the name service");
        }
        try (CheckpointStore withoutMap = open(Map.of())) {
            assertThatThrownBy(() -> withoutMap.list(dir)).as("the name service is known only from the map's HADOOP_CONF_DIR")
                    .isInstanceOf(StoreUnavailableException.class);
        }
    }

    @Test
    void hadoopUserNameFromTheEnvironmentMapIsTheUserActedAs() throws Exception {
        assertThat(System.getenv(HdfsStoreConfig.ENV_USER_NAME)).as("the JVM's own environment holds none").isNull();
        DistributedFileSystem admin = hdfs.superuser();
        admin.mkdirs(new Path("/shared"));
        admin.setPermission(new Path("/shared"), new FsPermission((short) 0777));

        try (CheckpointStore asBob = new HdfsCheckpointStoreProvider().open(hdfs.storeOptions(),
                Map.of(HdfsStoreConfig.ENV_USER_NAME, "bob"))) {
            asBob.write(uri("shared/bobs"), utf8("b"), WriteCondition.overwrite());
        }
        store.write(uri("shared/default"), utf8("d"), WriteCondition.overwrite());

        assertThat(admin.getFileStatus(new Path("/shared/bobs")).getOwner()).isEqualTo("bob");
        assertThat(admin.getFileStatus(new Path("/shared/default")).getOwner()).isEqualTo(System.getProperty("user.name"));
    }

    @Test
    void aConditionalReplaceWaitsForAnotherClientsLockAndGivesUpAfterTheTimeout() throws Exception {
        StoreUri object = uri("locked/object");
        ObjectInfo old = store.write(object, utf8("old"), WriteCondition.overwrite());
        // Another client (its own DFSClient, so its own lease holder) holds the directory's lock.
        try (FileSystem other = FileSystem.newInstance(hdfs.superuser().getUri(), hdfs.superuser().getConf());
             CheckpointStore impatient = open(Map.of(HdfsStoreConfig.LOCK_TIMEOUT, "1"))) {
            FSDataOutputStream held = other.create(new Path("/locked/" + HdfsCheckpointStore.LOCK_FILE), true);
            long started = System.nanoTime();

            assertThatThrownBy(() -> impatient.write(object, utf8("new"), WriteCondition.ifVersionMatches(old.version())))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("held the lock");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
            assertThat(text(object)).isEqualTo("old");
            // Unconditional and only-if-absent writes do not need the lock.
            store.write(uri("locked/other"), utf8("x"), WriteCondition.ifAbsent());

            held.close();
            ObjectInfo replaced = impatient.write(object, utf8("new"), WriteCondition.ifVersionMatches(old.version()));
            assertThat(replaced.version()).isNotEqualTo(old.version());
            assertThat(text(object)).isEqualTo("new");
        }
        assertThat(store.list(uri("locked")).objects()).extracting(ObjectInfo::name).containsExactly("object", "other");
    }

    @Test
    void theLockOfAClientThatDiedIsRecoveredOnceItsLeaseExpires() throws Exception {
        StoreUri object = uri("orphaned/object");
        ObjectInfo old = store.write(object, utf8("old"), WriteCondition.overwrite());
        hdfs.cluster().setLeasePeriod(1_000, 2_000);
        try (DistributedFileSystem crashed = (DistributedFileSystem) FileSystem.newInstance(hdfs.superuser().getUri(),
                hdfs.superuser().getConf())) {
            crashed.create(new Path("/orphaned/" + HdfsCheckpointStore.LOCK_FILE), true);
            // Abandons the open file without closing it, as a killed process would: the lease stays until it expires.
            crashed.getClient().closeAllFilesBeingWritten(true);
            long started = System.nanoTime();

            ObjectInfo replaced = store.write(object, utf8("new"), WriteCondition.ifVersionMatches(old.version()));

            assertThat(replaced.version()).isNotEqualTo(old.version());
            assertThat(text(object)).isEqualTo("new");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        } finally {
            hdfs.cluster().setLeasePeriod(60_000, 1_200_000);
        }
    }

    @Test
    void racingConditionalReplacesFromSeparateClientsHaveExactlyOneWinner() throws Exception {
        // The TCK's races run in one store, where a JVM lock already serialises them; here every contender is
        // its own client (its own lease holder), as racing promoter processes are, so only the lease decides.
        int contenders = 6;
        List<CheckpointStore> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int i = 0; i < contenders; i++) {
                clients.add(open(Map.of()));
            }
            for (int round = 0; round < 5; round++) {
                StoreUri object = uri("race/round-" + round);
                String observed = store.write(object, utf8("observed"), WriteCondition.overwrite()).version();
                CyclicBarrier start = new CyclicBarrier(contenders);
                List<Future<ObjectInfo>> outcomes = new ArrayList<>();
                for (int c = 0; c < contenders; c++) {
                    CheckpointStore client = clients.get(c);
                    byte[] content = utf8("contender " + c);
                    outcomes.add(pool.submit(() -> {
                        start.await();
                        return client.write(object, content, WriteCondition.ifVersionMatches(observed));
                    }));
                }
                List<ObjectInfo> winners = new ArrayList<>();
                for (Future<ObjectInfo> outcome : outcomes) {
                    try {
                        winners.add(outcome.get());
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).as("round %d", round).isInstanceOf(ConditionFailedException.class);
                    }
                }
                assertThat(winners).as("winners of round %d", round).hasSize(1);
                assertThat(store.stat(object).orElseThrow().version()).isEqualTo(winners.get(0).version());
            }
        } finally {
            pool.shutdownNow();
            for (CheckpointStore client : clients) {
                client.close();
            }
        }
    }

    @Test
    void theVersionCarriesTheFileIdSoEveryWriteChangesIt() throws Exception {
        StoreUri object = uri("versions/object");
        ObjectInfo first = store.write(object, utf8("same"), WriteCondition.overwrite());
        ObjectInfo second = store.write(object, utf8("same"), WriteCondition.overwrite());

        long fileId = hdfs.superuser().getClient().getFileInfo("/versions/object").getFileId();
        assertThat(second.version()).startsWith("id" + fileId + "@").isNotEqualTo(first.version());
        assertThat(store.list(uri("versions")).object("object").orElseThrow().version()).isEqualTo(second.version());
    }

    private String text(StoreUri uri) throws Exception {
        return new String(store.read(uri).bytes(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void temporaryFilesOfKilledWritersAreRemovedOnceAbandonedAndForeignReservedNamesAreSkipped() throws Exception {
        DistributedFileSystem admin = hdfs.superuser();
        String abandoned = ReservedNames.newTemporaryName();
        String fresh = ReservedNames.newTemporaryName();
        admin.create(new Path("/housekeeping/" + abandoned)).close();
        admin.create(new Path("/housekeeping/" + fresh)).close();
        admin.create(new Path("/housekeeping/.laststate-x")).close();
        long twoHoursAgo = System.currentTimeMillis() - Duration.ofHours(2).toMillis();
        admin.setTimes(new Path("/housekeeping/" + abandoned), twoHoursAgo, -1);

        Listing listing = store.list(uri("housekeeping"));
        assertThat(listing.objects()).isEmpty();
        assertThat(listing.skipped()).as("not the store's own: a promotion must refuse it, not drop it")
                .containsExactly(".laststate-x");

        store.write(uri("housekeeping/object"), "x".getBytes(StandardCharsets.UTF_8), WriteCondition.overwrite());

        assertThat(admin.exists(new Path("/housekeeping/" + abandoned))).as("abandoned more than an hour ago").isFalse();
        assertThat(admin.exists(new Path("/housekeeping/" + fresh))).as("may be a live writer's").isTrue();
        assertThat(admin.exists(new Path("/housekeeping/.laststate-x"))).as("not the store's to remove").isTrue();
    }
}
