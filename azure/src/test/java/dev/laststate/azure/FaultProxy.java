package dev.laststate.azure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of Azurite that forwards every request as it came (the shared-key
 * signature covers neither the host nor the connection headers) and, for the requests a test picks, spoils the
 * answer: resets the connection before or after Azurite carried the request out, cuts the body short, leaves a
 * header out, stalls until the client gives up, or answers a server error in Azurite's place. Plain sockets,
 * so every byte of the answer is under the test's control.
 */
final class FaultProxy implements AutoCloseable {

    /** A request as the proxy saw it. */
    record Request(String method, String target, Map<String, String> headers) {
        /** The header's value; names are case-insensitive. */
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /** The path without the query. */
        String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        boolean hasQuery(String parameter) {
            int query = target.indexOf('?');
            return query >= 0 && ("&" + target.substring(query + 1)).contains("&" + parameter);
        }
    }

    /** What happens to a picked request's answer. */
    sealed interface Fault {
        /** Resets the connection without forwarding the request. */
        record Reset() implements Fault {}
        /** Forwards the request, so Azurite carries it out, then resets the connection instead of answering: a lost answer. */
        record DropAnswer() implements Fault {}
        /** Answers Azurite's status and headers, then half the body it announced, then closes the connection. */
        record CutBody() implements Fault {}
        /** Answers Azurite's answer without this header (without Content-Length, the body ends where the connection does). */
        record WithoutHeader(String name) implements Fault {}
        /** Reads the request and never answers, until the client closes the connection. */
        record Stall() implements Fault {}
        /** Answers this status with a storage error body, without forwarding. */
        record Status(int code) implements Fault {}
    }

    private record Rule(Predicate<Request> picks, Fault fault, AtomicInteger remaining) {}

    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "upgrade", "http2-settings",
            "proxy-connection", "te", "trailer");

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private FaultProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
    }

    /** A proxy forwarding to {@code upstream} (an Azurite on 127.0.0.1). */
    static FaultProxy start(Azurite upstream) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        FaultProxy proxy = new FaultProxy(server, upstream.port());
        proxy.connections.submit(proxy::acceptLoop);
        return proxy;
    }

    /** The development account's path-style endpoint through this proxy. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/" + Azurite.ACCOUNT;
    }

    /** Applies {@code fault} to the next {@code times} requests {@code picks} accepts. */
    FaultProxy inject(Predicate<Request> picks, Fault fault, int times) {
        rules.add(new Rule(picks, fault, new AtomicInteger(times)));
        return this;
    }

    /** Applies {@code fault} to every request {@code picks} accepts, until {@link #clear()}. */
    FaultProxy injectAlways(Predicate<Request> picks, Fault fault) {
        return inject(picks, fault, Integer.MAX_VALUE);
    }

    /** Forgets the faults and the requests seen. */
    void clear() {
        rules.clear();
        seen.clear();
    }

    /** The requests seen since the last {@link #clear()}, in order. */
    List<Request> requests() {
        return List.copyOf(seen);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                connections.submit(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                Optional<Message> request = Message.readRequest(in);
                if (request.isEmpty()) {
                    return;
                }
                Request seenRequest = request.get().asRequest();
                seen.add(seenRequest);
                Optional<Fault> fault = faultFor(seenRequest);
                if (fault.isPresent() && !answerWith(fault.get(), request.get(), client, in, out)) {
                    return;
                }
                if (fault.isEmpty()) {
                    forward(request.get()).write(out, true);
                }
            }
        } catch (IOException gone) {
            // the client or the proxy closed the connection
        } finally {
            open.remove(client);
        }
    }

    /** Answers the request as the fault says; whether the connection stays usable. */
    private boolean answerWith(Fault fault, Message request, Socket client, InputStream in, OutputStream out) throws IOException {
        if (fault instanceof Fault.Reset) {
            resetConnection(client);
            return false;
        }
        if (fault instanceof Fault.DropAnswer) {
            forward(request);
            resetConnection(client);
            return false;
        }
        if (fault instanceof Fault.CutBody) {
            Message answer = forward(request);
            answer.writeHead(out, answer.headers, answer.body.length);
            out.write(answer.body, 0, answer.body.length / 2);
            out.flush();
            return false;
        }
        if (fault instanceof Fault.WithoutHeader without) {
            Message answer = forward(request);
            String name = without.name().toLowerCase(Locale.ROOT);
            Map<String, String> headers = new LinkedHashMap<>(answer.headers);
            headers.remove(name);
            if (name.equals("content-length")) {
                // HTTP/1.1 without a length: the body ends where the connection does.
                headers.put("connection", "close");
                answer.writeHead(out, headers, -1);
                out.write(answer.body);
                out.flush();
                return false;
            }
            new Message(answer.startLine, headers, answer.body, answer.bodyless).write(out, true);
            return true;
        }
        if (fault instanceof Fault.Stall) {
            // No fixed wait: blocks until the client gives up and closes (or the proxy closes).
            while (in.read() >= 0) {
                // drain whatever the client still sends
            }
            return false;
        }
        Fault.Status status = (Fault.Status) fault;
        boolean head = request.method().equals("HEAD");
        String code = status.code() == 503 ? "ServerBusy" : "InternalError";
        byte[] body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code
                + "</Code><Message>injected by the test</Message></Error>").getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/xml");
        headers.put("x-ms-error-code", code);
        new Message("HTTP/1.1 " + status.code() + " Injected", headers, head ? new byte[0] : body, head).write(out, true);
        return true;
    }

    private static void resetConnection(Socket client) throws SocketException {
        client.setSoLinger(true, 0);
        try {
            client.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    private Optional<Fault> faultFor(Request request) {
        for (Rule rule : rules) {
            if (rule.picks().test(request) && rule.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return Optional.of(rule.fault());
            }
        }
        return Optional.empty();
    }

    private Message forward(Message request) throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            OutputStream out = upstream.getOutputStream();
            Map<String, String> headers = new LinkedHashMap<>(request.headers);
            headers.keySet().removeIf(HOP_BY_HOP::contains);
            headers.put("connection", "close");
            request.writeHead(out, headers, request.body.length);
            out.write(request.body);
            out.flush();
            return Message.readResponse(upstream.getInputStream(), request.method().equals("HEAD"));
        }
    }

    /** Azurite's port behind the proxy. */
    int upstreamPort() {
        return upstreamPort;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        connections.shutdownNow();
    }

    /** One HTTP/1.1 message, its body read whole (by Content-Length, chunks, or up to the end of the connection). */
    private record Message(String startLine, Map<String, String> headers, byte[] body, boolean bodyless) {

        String method() {
            return startLine.substring(0, startLine.indexOf(' '));
        }

        Request asRequest() {
            String[] parts = startLine.split(" ");
            return new Request(parts[0], parts[1], Map.copyOf(headers));
        }

        static Optional<Message> readRequest(InputStream in) throws IOException {
            Optional<String> line = readLine(in);
            if (line.isEmpty() || line.get().isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> headers = readHeaders(in);
            return Optional.of(new Message(line.get(), headers, readBody(in, headers, false), false));
        }

        static Message readResponse(InputStream in, boolean toHead) throws IOException {
            String line = readLine(in).orElseThrow(() -> new IOException("Azurite closed without answering"));
            Map<String, String> headers = readHeaders(in);
            int status = Integer.parseInt(line.split(" ")[1]);
            boolean bodyless = toHead || status == 204 || status == 304 || status / 100 == 1;
            return new Message(line, headers, bodyless ? new byte[0] : readBody(in, headers, true), bodyless);
        }

        /** Writes the message, its Content-Length set to the body's (a HEAD answer keeps the blob's). */
        void write(OutputStream out, boolean keepAlive) throws IOException {
            Map<String, String> framed = new LinkedHashMap<>(headers);
            if (keepAlive) {
                framed.put("connection", "keep-alive");
            }
            writeHead(out, framed, bodyless ? -1 : body.length);
            out.write(body);
            out.flush();
        }

        /** The start line and {@code headers}, framed as {@code contentLength} says (-1: as the headers already say). */
        void writeHead(OutputStream out, Map<String, String> headers, long contentLength) throws IOException {
            StringBuilder head = new StringBuilder(startLine).append("\r\n");
            Map<String, String> framed = new LinkedHashMap<>(headers);
            framed.remove("transfer-encoding");
            if (contentLength >= 0) {
                framed.put("content-length", String.valueOf(contentLength));
            }
            framed.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        }

        private static Map<String, String> readHeaders(InputStream in) throws IOException {
            Map<String, String> headers = new LinkedHashMap<>();
            while (true) {
                String line = readLine(in).orElseThrow(() -> new IOException("connection closed in the headers"));
                if (line.isEmpty()) {
                    return headers;
                }
                int colon = line.indexOf(':');
                headers.merge(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
        }

        private static byte[] readBody(InputStream in, Map<String, String> headers, boolean untilClose) throws IOException {
            if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while (true) {
                    String size = readLine(in).orElseThrow(() -> new IOException("connection closed in a chunk"));
                    int length = Integer.parseInt(size.split(";")[0].strip(), 16);
                    if (length == 0) {
                        while (!readLine(in).orElse("").isEmpty()) {
                            // trailers
                        }
                        return body.toByteArray();
                    }
                    body.write(in.readNBytes(length));
                    readLine(in);
                }
            }
            String length = headers.get("content-length");
            if (length != null) {
                int expected = Integer.parseInt(length.strip());
                byte[] body = in.readNBytes(expected);
                if (body.length != expected) {
                    throw new IOException("connection closed in the body");
                }
                return body;
            }
            return untilClose ? in.readAllBytes() : new byte[0];
        }

        private static Optional<String> readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return Optional.of(new String(bytes, 0, end, StandardCharsets.ISO_8859_1));
                }
                line.write(b);
            }
            return line.size() == 0 ? Optional.empty() : Optional.of(line.toString(StandardCharsets.ISO_8859_1));
        }
    }

    /** Requests that write a blob with Put Blob (not a copy). */
    static Predicate<Request> putBlob() {
        return r -> r.method().equals("PUT") && r.header("x-ms-copy-source").isEmpty() && !r.hasQuery("restype=") && !r.hasQuery("comp=");
    }

    /** Requests whose path ends with {@code name}. */
    static Predicate<Request> named(String name) {
        return r -> r.path().endsWith("/" + name);
    }

    @Override
    public String toString() {
        return "FaultProxy[" + endpoint() + " -> 127.0.0.1:" + upstreamPort + ", " + new ArrayList<>(rules).size() + " rules]";
    }
}
