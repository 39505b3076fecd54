package dev.laststate.tck.faults;

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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of an emulator that spoils answers on demand, the way a broken network
 * or middlebox would (see {@link Fault}). A socket-level proxy rather than a switch inside the emulator, so the
 * emulator stays faithful and every byte the client sees is under the test's control.
 *
 * <p>Every exchange gets its own connection ({@code Connection: close} both ways), so each request, the SDK's
 * retries included, meets the fault in force when it arrives. The request goes on as it came apart from its
 * hop-by-hop headers (a signature covers neither the host nor those), its body streaming while the answer is read,
 * so {@code Expect: 100-continue} works. The proxy records every request it sees, so a test can count the SDK's
 * attempts.
 */
public final class FaultProxy implements AutoCloseable {

    /** Request headers for this connection only; {@code transfer-encoding} stays, the body goes on as it came. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "upgrade", "http2-settings", "proxy-connection",
            "te", "trailer");

    private record Rule(Predicate<Request> picks, Fault fault, AtomicInteger remaining) {}

    private static final Rule NONE = new Rule(request -> false, Fault.reset(), new AtomicInteger());

    private final ServerSocket server;
    private final URI upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Request> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger faulted = new AtomicInteger();
    private volatile Rule rule = NONE;

    private FaultProxy(ServerSocket server, URI upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** A proxy forwarding to {@code upstream}, an {@code http://host:port} base URL. */
    public static FaultProxy start(URI upstream) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        FaultProxy proxy = new FaultProxy(server, upstream);
        proxy.threads.submit(proxy::acceptLoop);
        return proxy;
    }

    /** The base URL to point the client at, {@code http://127.0.0.1:port}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Applies {@code fault} to every request, until {@link #clear()}; replaces the fault in force. */
    public FaultProxy inject(Fault fault) {
        return inject(Request.any(), fault);
    }

    /** Applies {@code fault} to every request {@code picks} accepts, until {@link #clear()}; the others pass untouched. */
    public FaultProxy inject(Predicate<Request> picks, Fault fault) {
        return inject(picks, fault, Integer.MAX_VALUE);
    }

    /**
     * Applies {@code fault} to the next {@code times} requests {@code picks} accepts; replaces the fault in force and
     * starts {@link #faultedExchanges()} again from zero.
     */
    public FaultProxy inject(Predicate<Request> picks, Fault fault, int times) {
        faulted.set(0);
        rule = new Rule(picks, fault, new AtomicInteger(times));
        return this;
    }

    /** Forgets the fault and the requests seen. */
    public void clear() {
        rule = NONE;
        seen.clear();
    }

    /** How many exchanges met the fault since it was injected (the SDK's attempts). */
    public int faultedExchanges() {
        return faulted.get();
    }

    /** The requests seen since the last {@link #clear()}, in order. */
    public List<Request> requests() {
        return List.copyOf(seen);
    }

    private Optional<Fault> faultFor(Request request) {
        Rule now = rule;
        if (now.picks().test(request) && now.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            faulted.incrementAndGet();
            return Optional.of(now.fault());
        }
        return Optional.empty();
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
            Optional<List<String>> head = readHead(fromClient);
            if (head.isEmpty()) {
                return;
            }
            Request request = Request.of(head.get());
            seen.add(request);
            Optional<Fault> fault = faultFor(request);
            if (fault.isEmpty()) {
                forward(client, head.get(), Optional.empty());
            } else if (fault.get() == Fault.Kind.RESET) {
                drainBody(request, fromClient);
                reset(client);
            } else if (fault.get() == Fault.Kind.STALL) {
                fromClient.transferTo(OutputStream.nullOutputStream());
            } else if (fault.get() instanceof Fault.Answer answer) {
                drainBody(request, fromClient);
                answer(client.getOutputStream(), request, answer);
            } else {
                forward(client, head.get(), fault);
            }
        } catch (IOException e) {
            // the client or the emulator went away: the exchange is over
        } finally {
            open.remove(client);
        }
    }

    private static void answer(OutputStream out, Request request, Fault.Answer answer) throws IOException {
        byte[] body = answer.body();
        List<String> lines = new ArrayList<>();
        lines.add("HTTP/1.1 " + answer.status() + " Injected");
        lines.addAll(answer.headers());
        lines.add("Content-Length: " + body.length);
        lines.add("Connection: close");
        out.write(head(lines));
        if (!request.method().equals("HEAD")) {
            out.write(body);
        }
        out.flush();
    }

    private void forward(Socket client, List<String> request, Optional<Fault> fault) throws IOException {
        try (Socket back = new Socket(upstream.getHost(), upstream.getPort())) {
            open.add(back);
            OutputStream toUpstream = back.getOutputStream();
            toUpstream.write(head(withConnectionClose(request, HOP_BY_HOP)));
            toUpstream.flush();
            InputStream fromClient = client.getInputStream();
            // The body (after a 100 Continue, if asked for) flows while the answer is read.
            threads.submit(() -> {
                try {
                    fromClient.transferTo(toUpstream);
                } catch (IOException e) {
                    // either side closed
                }
            });
            InputStream fromUpstream = back.getInputStream();
            OutputStream toClient = client.getOutputStream();
            List<String> response = readHead(fromUpstream).orElseThrow(() -> new IOException("the emulator closed without answering"));
            while (response.get(0).matches("HTTP/1\\.1 1\\d\\d.*")) {
                toClient.write(head(response));
                toClient.flush();
                response = readHead(fromUpstream).orElseThrow(() -> new IOException("the emulator closed after 1xx"));
            }
            List<String> answer = withConnectionClose(response, Set.of("connection", "keep-alive"));
            boolean bodyless = Request.of(request).method().equals("HEAD") || response.get(0).matches("HTTP/1\\.1 (204|304) .*");
            if (fault.orElse(null) == Fault.Kind.LOST_ANSWER) {
                fromUpstream.transferTo(OutputStream.nullOutputStream());
                reset(client);
                return;
            }
            if (fault.orElse(null) instanceof Fault.DropHeader drop) {
                String prefix = drop.name().toLowerCase(Locale.ROOT) + ":";
                answer = answer.stream().filter(line -> !line.toLowerCase(Locale.ROOT).startsWith(prefix)).toList();
            }
            if (fault.orElse(null) == Fault.Kind.CUT_BODY) {
                long length = header(response, "Content-Length").map(Long::parseLong).orElse(20L);
                toClient.write(head(answer));
                toClient.write(fromUpstream.readNBytes((int) Math.max(1, length / 2)));
                toClient.flush();
                reset(client);
                return;
            }
            if (fault.orElse(null) instanceof Fault.SpoilBody spoil && !bodyless) {
                byte[] spoiled = spoil.spoil().apply(readBody(response, fromUpstream));
                List<String> reframed = new ArrayList<>(answer.stream().filter(line -> !isHeader(line, "content-length")
                        && !isHeader(line, "transfer-encoding")).toList());
                reframed.add("Content-Length: " + spoiled.length);
                toClient.write(head(reframed));
                toClient.write(spoiled);
                toClient.flush();
                return;
            }
            toClient.write(head(answer));
            fromUpstream.transferTo(toClient);
            toClient.flush();
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Reads a request body the emulator would have read, so answering early does not break the client's send. */
    private static void drainBody(Request request, InputStream in) throws IOException {
        boolean expectsContinue = request.header("Expect").filter(v -> v.equalsIgnoreCase("100-continue")).isPresent();
        long length = request.header("Content-Length").map(Long::parseLong).orElse(0L);
        if (!expectsContinue && length > 0) {
            in.readNBytes((int) Math.min(length, Integer.MAX_VALUE));
        }
    }

    /** An answer's body, by its Content-Length, its chunks, or up to the end of the connection. */
    private static byte[] readBody(List<String> response, InputStream in) throws IOException {
        if (header(response, "Transfer-Encoding").filter(v -> v.equalsIgnoreCase("chunked")).isPresent()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                int length = Integer.parseInt(size.split(";")[0].strip(), 16);
                if (length == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(length));
                readLine(in);
            }
        }
        Optional<Long> length = header(response, "Content-Length").map(Long::parseLong);
        return length.isPresent() ? in.readNBytes((int) (long) length.get()) : in.readAllBytes();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the emulator closed in a chunk");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean isHeader(String line, String name) {
        return line.toLowerCase(Locale.ROOT).startsWith(name + ":");
    }

    private static Optional<String> header(List<String> head, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return head.stream().skip(1).filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip()).findFirst();
    }

    /** The head without the {@code dropped} headers (lower-case names), with {@code Connection: close}. */
    private static List<String> withConnectionClose(List<String> head, Set<String> dropped) {
        List<String> lines = new ArrayList<>();
        lines.add(head.get(0));
        head.stream().skip(1).filter(line -> {
            int colon = line.indexOf(':');
            return colon < 0 || !dropped.contains(line.substring(0, colon).strip().toLowerCase(Locale.ROOT));
        }).forEach(lines::add);
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

    @Override
    public String toString() {
        return "FaultProxy[" + endpoint() + " -> " + upstream + ", " + (rule == NONE ? "no fault" : rule.fault()) + "]";
    }
}
