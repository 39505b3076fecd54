package dev.laststate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A real HTTP server (MockWebServer) answering with the Flink REST answers recorded in the api module
 * ({@code rest/src/test/resources/flink-rest/<version>/}), rewritten to this test's job id and directories.
 */
final class RecordedJobManager implements AutoCloseable {

    static final String VERSION = "2.3.0";
    /** The recordings live with the REST client's tests; Maven runs this module's tests in {@code cli/}. */
    private static final Path FIXTURES = Path.of("..", "rest", "src", "test", "resources", "flink-rest");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockWebServer server = new MockWebServer();
    private final Map<String, Deque<MockResponse>> answers = new ConcurrentHashMap<>();
    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Properties ids = new Properties();
    private final Path base;

    /** @param base the directory standing in for the recording's root: {@code <base>/checkpoints}, {@code <base>/savepoints} */
    RecordedJobManager(Path base) {
        this.base = base;
        try {
            ids.load(new java.io.StringReader(Files.readString(fixture("ids.txt"))));
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    requests.add(request);
                    Deque<MockResponse> queue = answers.get(request.getMethod() + " " + request.getPath());
                    if (queue == null || queue.isEmpty()) {
                        return new MockResponse().setResponseCode(404).setBody("{\"errors\":[\"Not found: " + request.getPath() + "\"]}");
                    }
                    return queue.size() > 1 ? queue.poll() : queue.peek(); // the last answer repeats
                }
            });
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return server.url("/").toString();
    }

    String recordedId(String which) {
        return ids.getProperty(which);
    }

    /** A recorded answer with recorded job ids replaced by {@code jobs} (recorded name -> id) and the root by {@code base}. */
    String body(String fixture, Map<String, String> jobs) {
        try {
            String text = Files.readString(fixture(fixture)).replace(ids.getProperty("root"), base.toString());
            for (Map.Entry<String, String> job : jobs.entrySet()) {
                String recorded = ids.getProperty(job.getKey());
                text = text.replace(recorded, job.getValue()).replace(recorded.substring(0, 6), job.getValue().substring(0, 6));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same, edited as JSON. */
    String edit(String body, Consumer<ObjectNode> change) {
        try {
            JsonNode tree = JSON.readTree(body);
            change.accept((ObjectNode) tree);
            return JSON.writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers {@code method path} with these bodies in turn, repeating the last. */
    void answer(String method, String path, String... bodies) {
        Deque<MockResponse> queue = new ArrayDeque<>();
        for (String body : bodies) {
            queue.add(new MockResponse().setHeader("Content-Type", "application/json").setBody(body));
        }
        answers.put(method + " " + path, queue);
    }

    void answer(String method, String path, MockResponse response) {
        answers.put(method + " " + path, new ArrayDeque<>(List.of(response)));
    }

    private static Path fixture(String name) {
        Path file = FIXTURES.resolve(VERSION).resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("recorded Flink answer " + file.toAbsolutePath() + " is missing (run the tests from the cli module)");
        }
        return file;
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
