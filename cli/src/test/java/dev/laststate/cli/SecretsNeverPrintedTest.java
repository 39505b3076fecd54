package dev.laststate.cli;

import static dev.laststate.tck.CheckpointTree.JOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.laststate.tck.CheckpointTree;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every credential the run knows (each store's and the JobManager's, from the environment and from {@code -o}),
 * and the password of every URI it was given, stays out of stdout and stderr: for each way a command fails
 * (a malformed URI with a password wherever a URI enters, an unreachable endpoint, servers that reject the
 * credentials and echo what they received, a corrupt pointer record, bad flags), in every output mode.
 */
class SecretsNeverPrintedTest {

    private static final String URI_PASSWORD = "uri-pass-w0rd-11";
    private static final String USERINFO = "user:" + URI_PASSWORD + "@";

    private static final String AWS_KEY_ID = "AKIAKEYIDSECRET00001";
    private static final String AWS_SECRET = "aws-secret/access+key-2";
    private static final String AWS_TOKEN = "aws-session-token-value-3";
    private static final String AZURE_KEY = Base64.getEncoder().encodeToString("azure-account-key-4".getBytes());
    private static final String AZURE_SAS_SIG = Base64.getEncoder().encodeToString("azure-sas-signature-5".getBytes());
    private static final String AZURE_SAS = "sv=2022-11-02&ss=b&srt=sco&sp=rwdl&se=2099-01-01T00:00:00Z&sig=" + AZURE_SAS_SIG;
    private static final String AZURE_CS_KEY = Base64.getEncoder().encodeToString("connection-string-key-6".getBytes());
    private static final String GCS_KEY_ID = "gcs-private-key-id-7";
    private static final String JM_TOKEN = "jm-bearer-token-8";
    private static final String JM_PASSWORD = "jm-basic-password-9";
    private static final String OPTION_SECRET = "hdfs-option-secret-10";

    private static final List<List<String>> MODES = List.of(List.of(), List.of("--output", "json"), List.of("--verbose"),
            List.of("--output", "json", "--verbose"));

    @TempDir
    static Path dir;

    private static HttpServer s3;
    private static HttpServer azure;
    private static HttpServer gcs;
    private static HttpServer jobManager;
    private static int deadPort;
    private static String privateKey;
    private static Map<String, String> secrets;
    private static Map<String, String> env;

    @BeforeAll
    static void startServers() throws Exception {
        s3 = echoing(SecretsNeverPrintedTest::xmlError);
        azure = echoing(SecretsNeverPrintedTest::xmlError);
        gcs = echoing(SecretsNeverPrintedTest::googleError);
        jobManager = echoing(SecretsNeverPrintedTest::flinkError);
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort(); // closed again: nothing listens there
        }
        privateKey = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = new ObjectMapper().createObjectNode()
                .put("type", "service_account").put("project_id", "laststate-test").put("private_key_id", GCS_KEY_ID)
                .put("private_key", privateKey).put("client_email", "promoter@laststate-test.iam.gserviceaccount.com")
                .put("client_id", "1234567890").put("token_uri", url(gcs) + "/token");
        Path keyFile = dir.resolve("service-account.json");
        Files.writeString(keyFile, key.toString());

        secrets = new LinkedHashMap<>();
        secrets.put("AWS_ACCESS_KEY_ID", AWS_KEY_ID);
        secrets.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
        secrets.put("AWS_SESSION_TOKEN", AWS_TOKEN);
        secrets.put("AZURE_STORAGE_KEY", AZURE_KEY);
        secrets.put("AZURE_STORAGE_SAS_TOKEN sig", AZURE_SAS_SIG);
        secrets.put("AZURE_STORAGE_CONNECTION_STRING AccountKey", AZURE_CS_KEY);
        secrets.put("GOOGLE_APPLICATION_CREDENTIALS private_key_id", GCS_KEY_ID);
        List<String> keyLines = privateKey.lines().filter(line -> !line.startsWith("-----")).toList();
        for (int i = 0; i < keyLines.size(); i++) {
            secrets.put("GOOGLE_APPLICATION_CREDENTIALS private_key line " + i, keyLines.get(i));
        }
        secrets.put("LASTSTATE_JOBMANAGER_TOKEN", JM_TOKEN);
        secrets.put("LASTSTATE_JOBMANAGER_PASSWORD", JM_PASSWORD);
        secrets.put("Basic header", Base64.getEncoder().encodeToString(("flink:" + JM_PASSWORD).getBytes()));
        secrets.put("-o secret", OPTION_SECRET);
        secrets.put("URI password", URI_PASSWORD);

        env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", AWS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
        env.put("AWS_SESSION_TOKEN", AWS_TOKEN);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_MAX_ATTEMPTS", "1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=" + AZURE_CS_KEY
                + ";BlobEndpoint=" + url(azure) + "/acct;");
        env.put("AZURE_STORAGE_SAS_TOKEN", AZURE_SAS);
        env.put("AZURE_STORAGE_KEY", AZURE_KEY);
        env.put("GOOGLE_APPLICATION_CREDENTIALS", keyFile.toString());
        env.put(JobManagerOptions.TOKEN, JM_TOKEN);
    }

    @AfterAll
    static void stopServers() {
        for (HttpServer server : List.of(s3, azure, gcs, jobManager)) {
            server.stop(0);
        }
    }

    @Test
    void noFailurePrintsASecret() throws Exception {
        Path checkpoints = dir.resolve("checkpoints");
        CheckpointTree.inDirectory(checkpoints).standard();
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path corrupt = dir.resolve("corrupt");
        CheckpointTree tree = CheckpointTree.inDirectory(corrupt).standard();
        Cli.succeeds("promote", "--store", corrupt.toString());
        // A record that is not JSON, holding a secret: whatever of it a message quotes must be masked.
        Files.writeString(tree.lastState().toLocalPath().resolve("_laststate.json"), "{\"token\": \"" + AWS_TOKEN + "\", garbage");

        String local = checkpoints.toString();
        String dead = "http://127.0.0.1:" + deadPort;
        String deadWithPassword = "http://" + USERINFO + "127.0.0.1:" + deadPort;
        String ftp = "ftp://" + USERINFO + "host.example";
        List<String> s3Endpoint = List.of("-o", "s3.endpoint=" + url(s3), "-o", "s3.path-style=true");
        String abfss = "abfss://container@acct.dfs.core.windows.net/flink";
        Map<String, String> withBasic = new HashMap<>(env);
        withBasic.remove(JobManagerOptions.TOKEN);
        withBasic.put(JobManagerOptions.USER, "flink");
        withBasic.put(JobManagerOptions.PASSWORD, JM_PASSWORD);
        Map<String, String> sasOnly = without(env, "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_KEY");
        Map<String, String> keyOnly = without(env, "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_SAS_TOKEN");

        List<Command> commands = new ArrayList<>();
        // A password in every place a URI enters, malformed or refused.
        for (String scheme : List.of("s3", "gs", "abfss", "hdfs", "file")) {
            commands.add(new Command(env, "promote", "--store", scheme + "://" + USERINFO + "bucket/flink"));
        }
        commands.add(new Command(env, "promote", "--store", local, "--savepoints", "file://" + USERINFO + "host/savepoints"));
        commands.add(new Command(env, "list", "--store", local, "--savepoints", "s3://" + USERINFO + "bucket/savepoints"));
        commands.add(new Command(env, "promote", "--store", local, "--target", "file://" + USERINFO + "host/last-state"));
        commands.add(new Command(env, "status", "--store", local, "--target", "s3://" + USERINFO + "bucket/last-state"));
        commands.add(new Command(env, "promote", "--store", local, "--jobmanager", ftp));
        commands.add(new Command(env, "promote", "--store", local, "--jobmanager", "http://" + USERINFO + "bad host:8081"));
        commands.add(new Command(env, "savepoint", "--store", local, "--jobmanager", ftp, "--job-id", JOB));
        commands.add(new Command(env, "promote", "--store", "s3://bucket/flink", "-o", "s3.endpoint=" + ftp));
        commands.add(new Command(with(env, "AWS_ENDPOINT_URL_S3", ftp), "promote", "--store", "s3://bucket/flink"));
        commands.add(new Command(with(env, "AWS_ENDPOINT_URL", ftp), "promote", "--store", "s3://bucket/flink"));
        commands.add(new Command(env, "promote", "--store", "gs://bucket/flink", "-o", "gcs.endpoint=" + ftp));
        commands.add(new Command(env, "promote", "--store", abfss, "-o", "azure.endpoint=" + ftp));
        // Unreachable endpoints, named with a password.
        commands.add(new Command(env, "promote", "--store", "s3://bucket/flink", "-o", "s3.endpoint=" + deadWithPassword));
        commands.add(new Command(with(env, "AWS_ENDPOINT_URL_S3", deadWithPassword), "list", "--store", "s3://bucket/flink"));
        commands.add(new Command(env, "promote", "--store", "gs://bucket/flink", "-o", "gcs.endpoint=" + deadWithPassword));
        commands.add(new Command(keyOnly, "status", "--store", abfss, "-o", "azure.endpoint=" + deadWithPassword + "/acct"));
        commands.add(new Command(env, "promote", "--store", local, "--jobmanager", deadWithPassword));
        commands.add(new Command(env, "promote", "--store", "hdfs://127.0.0.1:" + deadPort + "/flink",
                "-o", "hdfs.fs.s3a.secret.key=" + OPTION_SECRET, "-o", "hdfs.ipc.client.connect.max.retries=0"));
        // Servers that refuse the credentials and echo what they were sent.
        commands.add(cat(new Command(env, "promote", "--store", "s3://bucket/flink"), s3Endpoint));
        commands.add(cat(new Command(env, "verify", "--store", "s3://bucket/flink"), s3Endpoint));
        commands.add(new Command(env, "promote", "--store", "gs://bucket/flink", "-o", "gcs.endpoint=" + url(gcs)));
        for (Map<String, String> credentials : List.of(env, sasOnly, keyOnly)) {
            commands.add(new Command(credentials, "promote", "--store", abfss, "-o", "azure.endpoint=" + url(azure) + "/acct"));
        }
        commands.add(new Command(env, "promote", "--store", local, "--jobmanager", url(jobManager)));
        commands.add(new Command(withBasic, "promote", "--store", local, "--jobmanager", url(jobManager)));
        commands.add(new Command(withBasic, "savepoint", "--store", local, "--jobmanager", url(jobManager), "--job-id", JOB));
        // A corrupt pointer record, nothing to promote, bad flags that quote a secret.
        commands.add(new Command(env, "status", "--store", corrupt.toString()));
        commands.add(new Command(env, "promote", "--store", corrupt.toString()));
        commands.add(new Command(env, "promote", "--store", empty.toString()));
        commands.add(new Command(env, "promote", "--store", "s3://bucket/flink", "-o", "s3.secret-access-key=" + OPTION_SECRET));
        commands.add(new Command(env, "promote", "--store", local, "--no-such-flag=" + AWS_SECRET));
        commands.add(new Command(env, "promote", "--store", local, "--job-id", JM_TOKEN));
        commands.add(new Command(env, "resolve", "--store", "s3://" + USERINFO + "bucket/flink"));

        List<String> leaks = new ArrayList<>();
        List<String> succeeded = new ArrayList<>();
        int runs = 0;
        int leakingRuns = 0;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Cli.Run>> results = new ArrayList<>();
            List<String> described = new ArrayList<>();
            for (Command command : commands) {
                for (List<String> mode : MODES) {
                    String[] args = command.withMode(mode);
                    described.add(String.join(" ", args));
                    results.add(pool.submit(() -> Cli.run(command.env(), args)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                Cli.Run run = results.get(i).get();
                runs++;
                if (run.exitCode() == ExitCodes.OK) {
                    succeeded.add(described.get(i) + "\n" + run);
                }
                String printed = run.out() + run.err();
                int before = leaks.size();
                for (Map.Entry<String, String> secret : secrets.entrySet()) {
                    if (printed.contains(secret.getValue())) {
                        leaks.add(secret.getKey() + " in: " + described.get(i) + "\n" + run);
                    }
                }
                leakingRuns += leaks.size() > before ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("secret scan: " + commands.size() + " commands x " + MODES.size() + " modes = " + runs
                + " runs, " + leakingRuns + " of them printed " + leaks.size() + " secrets");
        assertThat(succeeded).as("every command must fail").isEmpty();
        assertThat(leaks).as(leaks.size() + " leaks in " + runs + " runs").isEmpty();
    }

    /** One command line and the environment it runs in; the output mode is added per run. */
    private record Command(Map<String, String> env, List<String> args) {
        Command(Map<String, String> env, String... args) {
            this(env, List.of(args));
        }

        String[] withMode(List<String> mode) {
            List<String> all = new ArrayList<>(args);
            all.addAll(mode);
            return all.toArray(String[]::new);
        }
    }

    private static Command cat(Command command, List<String> more) {
        List<String> args = new ArrayList<>(command.args());
        args.addAll(more);
        return new Command(command.env(), args);
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> copy = new HashMap<>(env);
        copy.put(name, value);
        return copy;
    }

    private static Map<String, String> without(Map<String, String> env, String... names) {
        Map<String, String> copy = new HashMap<>(env);
        List.of(names).forEach(copy::remove);
        return copy;
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A server that refuses every request, answering with everything it was sent (headers, query, body). */
    private static HttpServer echoing(ErrorBody body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                StringBuilder echo = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                exchange.getRequestHeaders().forEach((name, values) -> echo.append("; ").append(name).append(": ")
                        .append(String.join(",", values)));
                echo.append("; body: ").append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                Answer answer = body.answer(exchange, echo.toString());
                byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
                exchange.getResponseHeaders().set("x-amz-request-id", "request-1");
                exchange.getResponseHeaders().set("x-ms-error-code", "AuthenticationFailed");
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(answer.status(), head ? -1 : bytes.length);
                if (!head) {
                    exchange.getResponseBody().write(bytes);
                }
            }
        });
        server.start();
        return server;
    }

    private record Answer(int status, String contentType, String body) {}

    private interface ErrorBody {
        Answer answer(HttpExchange exchange, String echo);
    }

    /** S3's and Azure's error document. */
    private static Answer xmlError(HttpExchange exchange, String echo) {
        String message = echo.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return new Answer(403, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidToken</Code>"
                + "<Message>The provided token is malformed or otherwise invalid: " + message + "</Message>"
                + "<Token-0>" + message + "</Token-0><RequestId>request-1</RequestId></Error>");
    }

    /** Google's OAuth token endpoint and JSON API. */
    private static Answer googleError(HttpExchange exchange, String echo) {
        ObjectMapper json = new ObjectMapper();
        if (exchange.getRequestURI().getPath().startsWith("/token")) {
            return new Answer(400, "application/json", json.createObjectNode().put("error", "invalid_grant")
                    .put("error_description", "Invalid JWT signature: " + echo).toString());
        }
        ObjectNode error = json.createObjectNode();
        error.putObject("error").put("code", 401).put("message", "Invalid Credentials: " + echo);
        return new Answer(401, "application/json", error.toString());
    }

    /** Flink's REST error. */
    private static Answer flinkError(HttpExchange exchange, String echo) {
        ObjectNode error = new ObjectMapper().createObjectNode();
        error.putArray("errors").add("Unauthorized: " + echo);
        return new Answer(401, "application/json", error.toString());
    }
}
