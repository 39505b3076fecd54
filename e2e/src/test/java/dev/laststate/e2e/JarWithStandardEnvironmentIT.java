package dev.laststate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.laststate.azure.Azurite;
import dev.laststate.e2e.LastStateCli.Run;
import dev.laststate.s3.S3ProxyServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shaded jar as an operator runs it: {@code java -jar laststate.jar promote --store <uri>} in a child process
 * whose environment holds nothing but the standard variables of one cloud (no {@code -o} options, {@code HOME} an
 * empty directory, so no {@code ~/.aws} or {@code ~/.azure} is read): S3 with the AWS variables, HDFS with
 * {@code HADOOP_CONF_DIR}, Azure with a connection string. The store holds the repository's example tree
 * ({@code examples/checkpoints}, written by a real Flink job), uploaded with each emulator's own client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JarWithStandardEnvironmentIT {

    private static final String BUCKET = "flink-state";
    private static final String CONTAINER = "flink-state";
    private static final String PREFIX = "flink/checkpoints";
    private static final String NAME_SERVICE = "laststate-ns";

    /** The newest complete checkpoint of the example tree: what promote must pick. */
    private record Newest(String jobId, long checkpoint) {}

    private Path jar;
    private Path tree;
    private Newest newest;
    private Path scratch;
    private Path home;
    private S3ProxyServer s3;
    private MiniDFSCluster hdfs;
    private Azurite azurite;

    @BeforeAll
    void start() throws Exception {
        jar = Path.of(System.getProperty("laststate.jar", "../cli/target/laststate.jar")).toAbsolutePath().normalize();
        assertThat(jar).as("the cli's shaded jar: run 'mvn -B -pl e2e -am verify' from the project root").isRegularFile();
        tree = Path.of(System.getProperty("examples.dir", "../examples"), "checkpoints").toAbsolutePath().normalize();
        newest = newestComplete(tree);
        scratch = Files.createDirectories(Path.of("target", "jar-env")).toAbsolutePath();
        home = Files.createTempDirectory(scratch, "empty-home");

        s3 = S3ProxyServer.start();
        s3.createBucket(BUCKET);
        for (String file : files(tree)) {
            s3.put(BUCKET, PREFIX + "/" + file, tree.resolve(file));
        }

        org.apache.hadoop.conf.Configuration conf = new HdfsConfiguration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, Path.of("target", "minidfs", UUID.randomUUID().toString()).toAbsolutePath().toString());
        conf.setInt("dfs.namenode.file.close.num-committed-allowed", 1); // small files close without waiting (see HdfsRestoreIT)
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        hdfs.waitActive();
        FileSystem fs = hdfs.getFileSystem();
        for (String file : files(tree)) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(tree.resolve(file).toUri()), new org.apache.hadoop.fs.Path("/" + PREFIX + "/" + file));
        }

        azurite = Azurite.start();
        BlobContainerClient container = new BlobServiceClientBuilder().connectionString(azurite.connectionString(Azurite.KEY))
                .buildClient().createBlobContainer(CONTAINER);
        for (String file : files(tree)) {
            container.getBlobClient(PREFIX + "/" + file).uploadFromFile(tree.resolve(file).toString());
        }
    }

    @AfterAll
    void stop() throws Exception {
        try (S3ProxyServer s3Closing = s3; Azurite azuriteClosing = azurite) {
            if (hdfs != null) {
                hdfs.shutdown(true);
            }
        }
    }

    @Test
    void s3WithTheAwsEnvironmentVariablesOnly() {
        String store = "s3://" + BUCKET + "/" + PREFIX;
        promoteVerifyPromoteAgain(store, s3Environment(S3ProxyServer.SECRET_KEY));

        String wrongSecret = "laststate-wrong-secret-4711";
        Run denied = laststate(s3Environment(wrongSecret), "promote", "--store", store, "--job-id", newest.jobId());
        assertOneLineFailure(denied, wrongSecret, S3ProxyServer.SECRET_KEY);
    }

    @Test
    void hdfsWithHadoopConfDirOnly() throws IOException {
        String namenode = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
        String store = namenode + "/" + PREFIX;
        Map<String, String> environment = Map.of("HADOOP_CONF_DIR", hadoopConfDir(namenode).toString());
        promoteVerifyPromoteAgain(store, environment);

        // A logical name service, known only from the hdfs-site.xml in HADOOP_CONF_DIR (as HA clusters are addressed):
        // proof that the jar reads the directory, not just the host and port of the location.
        Map<String, String> nameService = Map.of("HADOOP_CONF_DIR", hadoopConfDir(namenode, hdfs.getNameNodePort()).toString());
        // verify, not promote: under another name the same checkpoint is a different location, which promote's
        // guard rightly refuses (exit 5) as not newer than the one last-state holds.
        Run logical = laststate(nameService, "verify", "--store", "hdfs://" + NAME_SERVICE + "/" + PREFIX);
        assertThat(logical.exitCode()).as(logical.toString()).isZero();
        assertThat(logical.err()).as(logical.toString()).isEmpty();
        assertThat(logical.out()).as(logical.toString())
                .startsWith("RESTORABLE checkpoint " + newest.checkpoint() + " in hdfs://" + NAME_SERVICE + "/" + PREFIX + "/last-state");

        // No credentials in plain HDFS: the failure here is a NameNode nobody listens on.
        String nobody = "hdfs://127.0.0.1:" + closedPort();
        Run unreachable = laststate(Map.of("HADOOP_CONF_DIR", hadoopConfDir(nobody).toString()),
                "promote", "--store", nobody + "/" + PREFIX, "--job-id", newest.jobId());
        assertOneLineFailure(unreachable);
    }

    @Test
    void azureWithAConnectionStringOnly() {
        String store = "abfss://" + CONTAINER + "@" + Azurite.ACCOUNT + ".dfs.core.windows.net/" + PREFIX;
        promoteVerifyPromoteAgain(store, Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(Azurite.KEY)));

        // A well-formed account key (Base64, 64 bytes) that is not the account's.
        String wrongKey = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3Jvbmc=";
        Run denied = laststate(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(wrongKey)),
                "promote", "--store", store, "--job-id", newest.jobId());
        assertOneLineFailure(denied, wrongKey, Azurite.KEY);
    }

    /**
     * promote (exit 0, one PROMOTED line, nothing on stderr), verify (RESTORABLE: the example's {@code _metadata}
     * names its files relative to the checkpoint directory, so they are found in last-state of any store), and
     * promote again by the storage scan (UNCHANGED).
     */
    private void promoteVerifyPromoteAgain(String store, Map<String, String> environment) {
        String snapshot = "checkpoint " + newest.checkpoint() + " of job " + newest.jobId();

        Run promote = laststate(environment, "promote", "--store", store, "--job-id", newest.jobId());
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.err()).as("no warnings, no stack traces\n" + promote).isEmpty();
        assertThat(promote.outLines()).as(promote.toString()).hasSize(1);
        assertThat(promote.outLines().get(0)).as(promote.toString())
                .startsWith("PROMOTED " + snapshot).contains(" -> " + store + "/last-state");

        Run verify = laststate(environment, "verify", "--store", store);
        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.err()).as(verify.toString()).isEmpty();
        assertThat(verify.out()).as(verify.toString()).startsWith("RESTORABLE checkpoint " + newest.checkpoint());

        Run again = laststate(environment, "promote", "--store", store);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.err()).as(again.toString()).isEmpty();
        assertThat(again.outLines()).as(again.toString()).hasSize(1);
        assertThat(again.outLines().get(0)).as(again.toString()).startsWith("UNCHANGED " + snapshot);
    }

    /** Exit 4 (storage failure), nothing on stdout, one line on stderr that shows none of {@code secrets}. */
    private static void assertOneLineFailure(Run run, String... secrets) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
        assertThat(run.out()).as(run.toString()).isEmpty();
        assertThat(run.err().lines().toList()).as(run.toString()).hasSize(1);
        assertThat(run.err()).as(run.toString()).startsWith("laststate: ");
        for (String secret : secrets) {
            assertThat(run.err()).as(run.toString()).doesNotContain(secret);
        }
    }

    /**
     * {@code java -jar laststate.jar <args>} with an environment of exactly {@code environment} plus {@code HOME} (an
     * empty directory). {@code user.home} points there too: Java takes it from the password database, not from HOME.
     */
    private Run laststate(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + home, "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("HOME", home.toString());
        try {
            Path out = Files.createTempFile("laststate-out", ".txt");
            Path err = Files.createTempFile("laststate-err", ".txt");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("laststate " + String.join(" ", args) + " did not end within 60 s; stderr so far: "
                        + Files.readString(err));
            }
            Run run = new Run(process.exitValue(), Files.readString(out), Files.readString(err));
            System.out.printf("java -jar laststate.jar %s (environment: %s)%n%s%n", String.join(" ", args),
                    String.join(", ", new java.util.TreeSet<>(environment.keySet())), run);
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private Map<String, String> s3Environment(String secret) {
        return Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", secret,
                "AWS_REGION", S3ProxyServer.REGION, "AWS_ENDPOINT_URL_S3", s3.endpoint().toString());
    }

    /** A Hadoop configuration directory with one core-site.xml naming {@code namenode} as the default file system. */
    private Path hadoopConfDir(String namenode) throws IOException {
        Path dir = Files.createTempDirectory(scratch, "hadoop-conf");
        Files.writeString(dir.resolve("core-site.xml"), """
                <?xml version="1.0"?>
                <configuration>
                  <property><name>fs.defaultFS</name><value>%s</value></property>
                </configuration>
                """.formatted(namenode), StandardCharsets.UTF_8);
        return dir;
    }

    /** As {@link #hadoopConfDir(String)}, plus an hdfs-site.xml defining {@value #NAME_SERVICE} as the NameNode on {@code port}. */
    private Path hadoopConfDir(String namenode, int port) throws IOException {
        Path dir = hadoopConfDir(namenode);
        Files.writeString(dir.resolve("hdfs-site.xml"), """
                <?xml version="1.0"?>
                <configuration>
                  <property><name>dfs.nameservices</name><value>%1$s</value></property>
                  <property><name>dfs.ha.namenodes.%1$s</name><value>nn1</value></property>
                  <property><name>dfs.namenode.rpc-address.%1$s.nn1</name><value>127.0.0.1:%2$d</value></property>
                  <property><name>dfs.client.failover.proxy.provider.%1$s</name>
                    <value>org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider</value></property>
                </configuration>
                """.formatted(NAME_SERVICE, port), StandardCharsets.UTF_8);
        return dir;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** The example tree's files, relative and with '/' separators; {@code .keep} (git's stand-in for an empty directory) left out. */
    private static List<String> files(Path tree) throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(".keep"))
                    .map(p -> tree.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    /** The job and id of the newest chk-n with a _metadata in the example tree. */
    private static Newest newestComplete(Path tree) throws IOException {
        Newest found = null;
        for (String file : files(tree)) {
            String[] parts = file.split("/");
            if (parts.length == 3 && parts[1].matches("chk-\\d+") && parts[2].equals("_metadata")) {
                long id = Long.parseLong(parts[1].substring(4));
                if (found == null || id > found.checkpoint()) {
                    found = new Newest(parts[0], id);
                }
            }
        }
        assertThat(found).as("a complete checkpoint in " + tree).isNotNull();
        return found;
    }
}
