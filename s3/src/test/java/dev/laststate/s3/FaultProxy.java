package dev.laststate.s3;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of S3Proxy that breaks answers on demand: it resets the connection,
 * cuts a body short, drops a response header, stalls without answering, or answers an error status itself.
 * Every exchange gets its own connection ({@code Connection: close} both ways), so each request meets the
 * fault in force when it arrives, retries of the SDK included. Faults other than {@link Fault#dropHeader} and
 * {@link Fault#cutBody} never forward the request, so the storage behind is unchanged by it.
 */
final class FaultProxy implements AutoCloseable {

    /** What the proxy does to the next exchanges, until {@link #clear()}. */
    record Fault(Kind kind, String header, int status) {
        enum Kind { NONE, RESET, CUT_BODY, DROP_HEADER, STALL, STATUS }

        static Fault none() {
            return new Fault(Kind.NONE, "", 0);
        }

        /** Reads the request, then resets the connection (TCP RST) without forwarding it. */
        static Fault reset() {
            return new Fault(Kind.RESET, "", 0);
        }

        /** Forwards the exchange, then sends only half of the answer's body and resets the connection. */
        static Fault cutBody() {
            return new Fault(Kind.CUT_BODY, "", 0);
        }

        /** Forwards the exchange and removes {@code header} from the answer. */
        static Fault dropHeader(String header) {
            return new Fault(Kind.DROP_HEADER, header, 0);
        }

        /** Reads the request and never answers, until the client gives up and closes. */
        static Fault stall() {
            return new Fault(Kind.STALL, "", 0);
        }

        /** Answers {@code status} with an empty body, without forwarding the request. */
        static Fault status(int status) {
            return new Fault(Kind.STATUS, "", status);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case DROP_HEADER -> "drop " + header;
                case STATUS -> "answer " + status;
                default -> kind.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            };
        }
    }

    private final ServerSocket server;
    private final URI upstream;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fault-proxy");
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

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
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
            if (now.kind() != Fault.Kind.NONE) {
                faulted.incrementAndGet();
            }
            switch (now.kind()) {
                case RESET -> reset(client);
                case STALL -> fromClient.transferTo(OutputStream.nullOutputStream());
                case STATUS -> {
                    drainBody(request.get(), fromClient);
                    client.getOutputStream().write(("HTTP/1.1 " + now.status() + " Injected\r\nContent-Length: 0\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    client.getOutputStream().flush();
                }
                default -> forward(client, request.get(), now);
            }
        } catch (IOException e) {
            // the client or S3Proxy went away: the exchange is over
        } finally {
            open.remove(client);
        }
    }

    private void forward(Socket client, List<String> request, Fault now) throws IOException {
        try (Socket back = new Socket(upstream.getHost(), upstream.getPort())) {
            open.add(back);
            OutputStream toUpstream = back.getOutputStream();
            toUpstream.write(head(withConnectionClose(request)));
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
            List<String> response = readHead(fromUpstream).orElseThrow(() -> new IOException("S3Proxy closed without answering"));
            while (response.get(0).matches("HTTP/1\\.1 1\\d\\d.*")) {
                toClient.write(head(response));
                toClient.flush();
                response = readHead(fromUpstream).orElseThrow(() -> new IOException("S3Proxy closed after 1xx"));
            }
            List<String> answer = withConnectionClose(response);
            if (now.kind() == Fault.Kind.DROP_HEADER) {
                answer = answer.stream().filter(line -> !line.toLowerCase(Locale.ROOT)
                        .startsWith(now.header().toLowerCase(Locale.ROOT) + ":")).toList();
            }
            toClient.write(head(answer));
            if (now.kind() == Fault.Kind.CUT_BODY) {
                long length = header(response, "Content-Length").map(Long::parseLong).orElse(20L);
                toClient.write(fromUpstream.readNBytes((int) Math.max(1, length / 2)));
                toClient.flush();
                reset(client);
                return;
            }
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

    /** Reads a request body that S3Proxy would have read, so answering early does not break the client's send. */
    private static void drainBody(List<String> request, InputStream in) throws IOException {
        boolean expectsContinue = header(request, "Expect").filter(v -> v.equalsIgnoreCase("100-continue")).isPresent();
        long length = header(request, "Content-Length").map(Long::parseLong).orElse(0L);
        if (!expectsContinue && length > 0) {
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
