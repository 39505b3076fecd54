package dev.laststate.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of {@link FakeGcsServer} that spoils answers on demand, the way a broken
 * network or middlebox would: it resets the connection, stalls, answers a server error itself, cuts a body short,
 * leaves out a header or a JSON field, truncates the JSON, or answers a listing whose page token never ends. A
 * socket-level proxy rather than a switch inside the server, so the server stays a faithful GCS and every byte the
 * client sees is under the test's control. Every exchange gets its own connection ({@code Connection: close} both
 * ways), so each request (the SDK's retries included) meets the fault in force when it arrives. Faults that do not
 * forward ({@link Fault#reset}, {@link Fault#stall}, {@link Fault#status}, {@link Fault#answer}) leave the storage
 * behind unchanged.
 */
final class FaultProxy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The start line of a request, as in {@code GET /storage/v1/b/bucket/o?prefix=a HTTP/1.1}. */
    record Request(String method, String target) {
        static Request of(String startLine) {
            String[] parts = startLine.split(" ");
            return new Request(parts[0], parts.length > 1 ? parts[1] : "");
        }
    }

    /** What the proxy does to the exchanges {@code applies} picks, until {@link #clear()}. */
    record Fault(Kind kind, String name, int status, String body, Predicate<Request> applies, String description) {
        enum Kind { NONE, RESET, STALL, STATUS, ANSWER, CUT_BODY, DROP_HEADER, DROP_FIELD, TRUNCATE_JSON }

        static Fault none() {
            return new Fault(Kind.NONE, "", 0, "", r -> false, "none");
        }

        /** Reads the request, then resets the connection (TCP RST) without forwarding it. */
        static Fault reset() {
            return new Fault(Kind.RESET, "", 0, "", r -> true, "reset");
        }

        /** Reads the request and never answers, until the client's read timeout gives up. */
        static Fault stall() {
            return new Fault(Kind.STALL, "", 0, "", r -> true, "stall");
        }

        /** Answers {@code status} with GCS's JSON error body, without forwarding the request. */
        static Fault status(int status) {
            return new Fault(Kind.STATUS, "", status, "", r -> true, "answer " + status);
        }

        /** Answers 200 with {@code json}, without forwarding the request. */
        static Fault answer(String json, String description) {
            return new Fault(Kind.ANSWER, "", 200, json, r -> true, description);
        }

        /** Forwards the exchange, then sends half of the answer's body and resets the connection. */
        static Fault cutBody() {
            return new Fault(Kind.CUT_BODY, "", 0, "", r -> true, "cut body");
        }

        /** Forwards the exchange and removes {@code header} from the answer. */
        static Fault dropHeader(String header) {
            return new Fault(Kind.DROP_HEADER, header, 0, "", r -> true, "drop header " + header);
        }

        /** Forwards the exchange and removes these fields from the answer's JSON, at every depth (items, resources). */
        static Fault dropFields(String... fields) {
            return new Fault(Kind.DROP_FIELD, String.join(",", fields), 0, "", r -> true, "drop field " + String.join(" and ", fields));
        }

        /** Forwards the exchange and answers the first half of its JSON, framed as a whole body. */
        static Fault truncateJson() {
            return new Fault(Kind.TRUNCATE_JSON, "", 0, "", r -> true, "truncated JSON");
        }

        /** The same fault, only for the requests {@code which} picks; the others pass untouched. */
        Fault onlyFor(Predicate<Request> which, String what) {
            return new Fault(kind, name, status, body, which, description + " on " + what);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    private final ServerSocket server;
    private final URI upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "gcs-fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger faulted = new AtomicInteger();
    private volatile Fault fault = Fault.none();

    private FaultProxy(ServerSocket server, URI upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    static FaultProxy start(URI upstream) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        FaultProxy proxy = new FaultProxy(server, upstream);
        proxy.threads.submit(proxy::acceptLoop);
        return proxy;
    }

    /** The base URL to point the client at. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    void inject(Fault next) {
        faulted.set(0);
        fault = next;
    }

    void clear() {
        fault = Fault.none();
    }

    /** How many exchanges met the fault since it was injected (the SDK's attempts). */
    int faultedExchanges() {
        return faulted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.submit(() -> exchange(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void exchange(Socket client) {
        try (client) {
            InputStream fromClient = client.getInputStream();
            Optional<List<String>> request = readHead(fromClient);
            if (request.isEmpty()) {
                return;
            }
            Fault now = fault;
            if (!now.applies().test(Request.of(request.get().get(0)))) {
                now = Fault.none();
            }
            if (now.kind() != Fault.Kind.NONE) {
                faulted.incrementAndGet();
            }
            switch (now.kind()) {
                case RESET -> {
                    drainBody(request.get(), fromClient);
                    reset(client);
                }
                case STALL -> fromClient.transferTo(OutputStream.nullOutputStream());
                case STATUS -> {
                    drainBody(request.get(), fromClient);
                    String error = "{\"error\":{\"code\":" + now.status() + ",\"message\":\"Injected\",\"errors\":[{\"message\":"
                            + "\"Injected\",\"domain\":\"global\",\"reason\":\"backendError\"}]}}";
                    respond(client.getOutputStream(), "HTTP/1.1 " + now.status() + " Injected", error);
                }
                case ANSWER -> {
                    drainBody(request.get(), fromClient);
                    respond(client.getOutputStream(), "HTTP/1.1 200 OK", now.body());
                }
                default -> forward(client, request.get(), now);
            }
        } catch (IOException e) {
            // the client or the server went away: the exchange is over
        } finally {
            open.remove(client);
        }
    }

    private static void respond(OutputStream out, String statusLine, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        out.write(head(List.of(statusLine, "Content-Type: application/json; charset=UTF-8",
                "Content-Length: " + body.length, "Connection: close")));
        out.write(body);
        out.flush();
    }

    private void forward(Socket client, List<String> request, Fault now) throws IOException {
        try (Socket back = new Socket(upstream.getHost(), upstream.getPort())) {
            open.add(back);
            OutputStream toUpstream = back.getOutputStream();
            toUpstream.write(head(withConnectionClose(request)));
            toUpstream.flush();
            InputStream fromClient = client.getInputStream();
            // The body flows while the answer is read; the server reads it whole before answering.
            threads.submit(() -> {
                try {
                    fromClient.transferTo(toUpstream);
                } catch (IOException e) {
                    // either side closed
                }
            });
            InputStream fromUpstream = back.getInputStream();
            OutputStream toClient = client.getOutputStream();
            List<String> response = readHead(fromUpstream).orElseThrow(() -> new IOException("the server closed without answering"));
            List<String> answer = withConnectionClose(response);
            switch (now.kind()) {
                case DROP_HEADER -> {
                    String prefix = now.name().toLowerCase(Locale.ROOT) + ":";
                    answer = answer.stream().filter(line -> !line.toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
                }
                case CUT_BODY -> {
                    long length = header(response, "Content-Length").map(Long::parseLong).orElse(0L);
                    toClient.write(head(answer));
                    toClient.write(fromUpstream.readNBytes((int) (length / 2)));
                    toClient.flush();
                    reset(client);
                    return;
                }
                case DROP_FIELD, TRUNCATE_JSON -> {
                    byte[] body = readBody(response, fromUpstream);
                    byte[] spoiled = now.kind() == Fault.Kind.DROP_FIELD ? withoutFields(body, List.of(now.name().split(",")))
                            : Arrays.copyOf(body, body.length / 2);
                    List<String> reframed = new ArrayList<>(answer.stream()
                            .filter(line -> !line.toLowerCase(Locale.ROOT).startsWith("content-length:")).toList());
                    reframed.add("Content-Length: " + spoiled.length);
                    toClient.write(head(reframed));
                    toClient.write(spoiled);
                    toClient.flush();
                    return;
                }
                default -> {
                    // forwarded as it came
                }
            }
            toClient.write(head(answer));
            fromUpstream.transferTo(toClient);
            toClient.flush();
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    /** The body without the fields anywhere in it; a body that is not a JSON object (media, nothing) passes unchanged. */
    private static byte[] withoutFields(byte[] body, List<String> fields) {
        try {
            JsonNode tree = JSON.readTree(body);
            if (tree == null || !tree.isContainerNode()) {
                return body;
            }
            fields.forEach(field -> remove(tree, field));
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            return body;
        }
    }

    private static void remove(JsonNode node, String field) {
        if (node instanceof ObjectNode object) {
            object.remove(field);
        }
        node.forEach(child -> remove(child, field));
    }

    private static byte[] readBody(List<String> response, InputStream in) throws IOException {
        Optional<Long> length = header(response, "Content-Length").map(Long::parseLong);
        return length.isPresent() ? in.readNBytes((int) (long) length.get()) : in.readAllBytes();
    }

    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Reads a request body the server would have read, so answering early does not break the client's send. */
    private static void drainBody(List<String> request, InputStream in) throws IOException {
        long length = header(request, "Content-Length").map(Long::parseLong).orElse(0L);
        if (length > 0) {
            in.readNBytes((int) Math.min(length, Integer.MAX_VALUE));
        }
    }

    private static Optional<String> header(List<String> head, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return head.stream().skip(1).filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip()).findFirst();
    }

    private static List<String> withConnectionClose(List<String> head) {
        List<String> lines = new ArrayList<>(head.stream().filter(line -> !line.toLowerCase(Locale.ROOT).startsWith("connection:")).toList());
        lines.add("Connection: close");
        return lines;
    }

    private static byte[] head(List<String> lines) {
        return (String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The start line and header lines up to the blank line; empty when the peer closed first. */
    private static Optional<List<String>> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return Optional.empty();
            }
            bytes.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1
                    : b == '\r' ? 1 : 0;
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return Optional.of(List.of(text.substring(0, text.length() - 4).split("\r\n")));
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        threads.shutdownNow();
    }
}
