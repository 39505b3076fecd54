package dev.laststate.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The parts of {@link FakeGcsServer}'s GCS semantics that the store's client does not reach in the TCK,
 * checked on the wire: error bodies, tokens from another listing, ranges past the end, preconditions of
 * every kind, an upload invisible until it is finalized, a session's status and a chunk sent again, a range of one
 * generation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FakeGcsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeGcsServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        server = FakeGcsServer.start(2, FakeGcsServer.DEFAULT_REWRITE_BYTES_PER_CALL);
        server.createBucket("b");
        for (String name : new String[] {"d/a", "d/b", "d/c", "d/e/x", "d/e/y", "d/f"}) {
            server.put("b", name, name.getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aMissingBucketIs404WithTheReasonGcsGives() throws Exception {
        HttpResponse<String> answer = get("/storage/v1/b/nope/o?prefix=d/");

        assertThat(answer.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(answer.body()).path("error");
        assertThat(error.path("message").asText()).isEqualTo("The specified bucket does not exist.");
        assertThat(error.path("errors").path(0).path("reason").asText()).isEqualTo("notFound");
    }

    @Test
    void listingPagesCountPrefixesAndItemsTogetherAndTokensBelongToTheirListing() throws Exception {
        JsonNode first = JSON.readTree(get("/storage/v1/b/b/o?prefix=d/&delimiter=/").body());
        assertThat(first.path("items")).extracting(n -> n.path("name").asText()).containsExactly("d/a", "d/b");
        String token = first.path("nextPageToken").asText();

        JsonNode second = JSON.readTree(get("/storage/v1/b/b/o?prefix=d/&delimiter=/&pageToken=" + token).body());
        assertThat(second.path("items")).extracting(n -> n.path("name").asText()).containsExactly("d/c");
        assertThat(second.path("prefixes")).extracting(JsonNode::asText).containsExactly("d/e/");
        JsonNode third = JSON.readTree(get("/storage/v1/b/b/o?prefix=d/&delimiter=/&pageToken="
                + second.path("nextPageToken").asText()).body());
        assertThat(third.path("items")).extracting(n -> n.path("name").asText()).containsExactly("d/f");
        assertThat(third.has("nextPageToken")).isFalse();

        assertThat(get("/storage/v1/b/b/o?prefix=other/&pageToken=" + token).statusCode()).as("another listing's token").isEqualTo(400);
        assertThat(get("/storage/v1/b/b/o?prefix=d/&pageToken=made-up").statusCode()).isEqualTo(400);
    }

    @Test
    void rangesAreServedAsGcsServesThem() throws Exception {
        HttpResponse<String> part = http.send(request("/download/storage/v1/b/b/o/d%2Fe%2Fx?alt=media").header("Range", "bytes=1-").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("/e/x");
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 1-4/5");
        assertThat(part.headers().firstValue("x-goog-generation")).isPresent();

        HttpResponse<String> past = http.send(request("/download/storage/v1/b/b/o/d%2Fa?alt=media").header("Range", "bytes=9-").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).contains("bytes */3");
    }

    @Test
    void everyPreconditionFailsWith412ConditionNotMet() throws Exception {
        long generation = server.generation("b", "d/b").orElseThrow();
        for (String condition : new String[] {"ifGenerationMatch=0", "ifGenerationMatch=" + (generation + 1),
                "ifGenerationNotMatch=" + generation, "ifMetagenerationMatch=2", "ifMetagenerationNotMatch=1"}) {
            HttpResponse<String> answer = get("/storage/v1/b/b/o/d%2Fb?" + condition);
            assertThat(answer.statusCode()).as(condition).isEqualTo(412);
            assertThat(JSON.readTree(answer.body()).path("error").path("errors").path(0).path("reason").asText())
                    .isEqualTo("conditionNotMet");
        }
        assertThat(get("/storage/v1/b/b/o/d%2Fb?ifGenerationMatch=" + generation + "&ifMetagenerationMatch=1").statusCode())
                .isEqualTo(200);
        assertThat(get("/storage/v1/b/b/o/d%2Fb?generation=" + (generation + 1)).statusCode()).as("another generation").isEqualTo(404);
    }

    @Test
    void anUploadIsInvisibleUntilFinalizedAndItsPreconditionIsCheckedThen() throws Exception {
        HttpResponse<String> start = http.send(request("/upload/storage/v1/b/b/o?uploadType=resumable&ifGenerationMatch=0")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"u/late\"}")).build(), HttpResponse.BodyHandlers.ofString());
        URI session = URI.create(start.headers().firstValue("Location").orElseThrow());
        byte[] chunk = new byte[256 * 1024];

        HttpResponse<String> partial = http.send(HttpRequest.newBuilder(session).header("Content-Range", "bytes 0-262143/*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(chunk)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(partial.statusCode()).isEqualTo(308);
        assertThat(partial.headers().firstValue("Range")).contains("bytes=0-262143");
        assertThat(get("/storage/v1/b/b/o/u%2Flate").statusCode()).as("not yet finalized").isEqualTo(404);

        // Someone else creates it meanwhile: the finalization's ifGenerationMatch=0 no longer holds.
        server.put("b", "u/late", new byte[] {1});
        HttpResponse<String> last = http.send(HttpRequest.newBuilder(session).header("Content-Range", "bytes */262144")
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(last.statusCode()).isEqualTo(412);
        assertThat(JSON.readTree(get("/storage/v1/b/b/o/u%2Flate").body()).path("size").asText()).isEqualTo("1");
    }

    @Test
    void aSessionAnswersStatusQueriesAndSkipsBytesItHoldsAlready() throws Exception {
        HttpResponse<String> start = http.send(request("/upload/storage/v1/b/b/o?uploadType=resumable&name=u/resumed")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        // On the host the client addressed (its Host header), as GCS answers: a proxy in between sees every chunk.
        URI session = URI.create(start.headers().firstValue("Location").orElseThrow());
        assertThat(session.toString()).startsWith(server.endpoint() + "/upload/");
        byte[] bytes = new byte[512 * 1024];
        Arrays.fill(bytes, (byte) 7);

        assertThat(http.send(HttpRequest.newBuilder(session).header("Content-Range", "bytes 0-262143/*")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes, 0, 262144)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(308);
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(session).header("Content-Range", "bytes */*")
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).isEqualTo(308);
        assertThat(status.headers().firstValue("Range")).contains("bytes=0-262143");

        // The whole object again from byte 0, as a client whose answer was lost resends: what the session holds is skipped.
        HttpResponse<String> last = http.send(HttpRequest.newBuilder(session).header("Content-Range", "bytes 0-524287/524288")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(last.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(last.body()).path("size").asText()).isEqualTo("524288");
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(session).header("Content-Range", "bytes */*")
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).as("a finalized session answers with its object").isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("generation").asText()).isEqualTo(JSON.readTree(last.body()).path("generation").asText());
    }

    @Test
    void aRangeOfOneGenerationIsServedAndAnotherGenerationIs404() throws Exception {
        long generation = server.generation("b", "d/e/y").orElseThrow();
        HttpResponse<String> part = http.send(request("/download/storage/v1/b/b/o/d%2Fe%2Fy?alt=media&generation=" + generation)
                .header("Range", "bytes=2-3").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo("e/");
        assertThat(part.headers().firstValue("x-goog-generation")).contains(Long.toString(generation));
        assertThat(part.headers().firstValue("x-goog-stored-content-length")).contains("5");

        assertThat(http.send(request("/download/storage/v1/b/b/o/d%2Fe%2Fy?alt=media&generation=" + (generation + 1))
                .header("Range", "bytes=2-3").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(http.send(request("/download/storage/v1/b/b/o/d%2Fe%2Fy?alt=media&ifGenerationMatch=" + (generation + 1))
                .header("Range", "bytes=2-3").build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(412);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.endpoint() + path));
    }
}
