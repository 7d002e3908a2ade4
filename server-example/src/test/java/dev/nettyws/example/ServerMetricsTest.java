package dev.nettyws.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.LocalRoomStore;
import dev.nettyws.example.chat.RoomMeters;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metrics endpoint, scraped over HTTP after a known exchange with a real server: the close-code series, the wire
 * bytes of each phase, and refused handshakes by status.
 */
@Timeout(60)
class ServerMetricsTest {
    private static final long WAIT_SECONDS = 20;

    @Test
    void closeCodesAPeerPicksShareOneSeries() throws Exception {
        try (ServerMetrics metrics = new ServerMetrics()) {
            for (int code = 3000; code < 5000; code++) {
                metrics.closed(null, new WebSocketClosedEvent(code, "", true, true));
            }
            metrics.closed(null, new WebSocketClosedEvent(1000, "", true, true));
            metrics.closed(null, new WebSocketClosedEvent(1008, "", false, false));
            long series = metrics.scrape().lines()
                .filter(line -> line.startsWith("nettyws_connections_closed_total{")).count();
            assertEquals(3, series, metrics.scrape());
            assertTrue(metrics.scrape().contains("code=\"other\"} 2000.0"), metrics.scrape());
        }
    }

    /**
     * An echo of a known size moves the WebSocket phase's byte counters by at least the payload each way (plus the
     * frame headers), the handshake's bytes count in the HTTP phase, and each refused handshake counts under the
     * status the client got; a page is no handshake.
     */
    @Test
    void theEndpointCountsWireBytesAndRefusedHandshakes() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (ServerMetrics metrics = new ServerMetrics();
             ExampleServer server = ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
                 ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), new ChatRooms(ChatSettings.DEFAULT,
                     new LocalRoomStore(ChatSettings.DEFAULT, new RoomMeters(metrics.registry())),
                     System::currentTimeMillis), null, ServerAccess.DEFAULT, metrics)) {
            InetSocketAddress admin = metrics.serve(new InetSocketAddress("127.0.0.1", 0));
            URI endpoint = URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics");
            Map<String, Double> before = scrape(client, endpoint);
            assertEquals(0.0, before.getOrDefault("nettyws_wire_received_bytes_total{phase=\"websocket\"}", 0.0));

            int payload = 3000;
            String text = "x".repeat(payload);
            CompletableFuture<String> echoed = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(server.echoUri(), new WebSocket.Listener() {
                private final StringBuilder message = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    message.append(data);
                    if (last) {
                        echoed.complete(message.toString());
                    }
                    webSocket.request(1);
                    return null;
                }
            }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            ws.sendText(text, true).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(text, echoed.get(WAIT_SECONDS, TimeUnit.SECONDS));

            // One chat message to a room of one: one message in, one delivery out.
            CompletableFuture<String> delivered = new CompletableFuture<>();
            WebSocket chat = client.newWebSocketBuilder().buildAsync(URI.create(server.chatUri() + "?nick=meter"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        if (data.toString().contains("\"type\":\"message\"")) {
                            delivered.complete(data.toString());
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            chat.sendText("{\"type\":\"message\",\"text\":\"hello\"}", true).get(WAIT_SECONDS, TimeUnit.SECONDS);
            int messageBytes = delivered.get(WAIT_SECONDS, TimeUnit.SECONDS).getBytes(StandardCharsets.UTF_8).length;

            Map<Integer, Integer> statuses = new HashMap<>();
            String upgrade = "GET /echo HTTP/1.1\r\nHost: " + hostPort(server) + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n";
            // No Sec-WebSocket-Key, then a version the server does not speak, then a page (no handshake).
            statuses.merge(status(server, upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"), 1, Integer::sum);
            statuses.merge(status(server, upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 8\r\n\r\n"), 1, Integer::sum);
            int page = status(server, "GET / HTTP/1.1\r\nHost: " + hostPort(server) + "\r\n\r\n");

            Map<String, Double> after = scrape(client, endpoint);
            double wsIn = after.get("nettyws_wire_received_bytes_total{phase=\"websocket\"}");
            double wsOut = after.get("nettyws_wire_sent_bytes_total{phase=\"websocket\"}");
            // A masked client frame of 3000 bytes has an 8-byte header, the server's a 4-byte one; then the chat's.
            assertTrue(wsIn >= payload + 8, "websocket bytes received " + wsIn);
            assertTrue(wsOut >= payload + 4 + messageBytes, "websocket bytes sent " + wsOut);
            double httpIn = after.get("nettyws_wire_received_bytes_total{phase=\"http\"}");
            assertTrue(httpIn >= "GET /echo HTTP/1.1\r\n".length() * 3L, "http bytes received " + httpIn);
            assertTrue(after.get("nettyws_wire_sent_bytes_total{phase=\"http\"}") > 0);

            assertEquals(200, page);
            assertEquals(2, statuses.values().stream().mapToInt(Integer::intValue).sum());
            Map<String, Double> rejected = new HashMap<>();
            after.forEach((series, value) -> {
                if (series.startsWith("nettyws_handshakes_rejected_total{")) {
                    rejected.put(series, value);
                }
            });
            Map<String, Double> expected = new HashMap<>();
            statuses.forEach((status, count) -> {
                assertTrue(status >= 400, "refused: " + status);
                expected.put("nettyws_handshakes_rejected_total{status=\"" + status + "\"}", (double) count);
            });
            assertEquals(expected, rejected);
            assertEquals(1.0, after.get("nettyws_chat_messages_total"));
            assertEquals(1.0, after.get("nettyws_chat_deliveries_total"));
            assertEquals(messageBytes, after.get("nettyws_chat_delivered_bytes_total"), 0.0);
            assertEquals(1.0, after.get("nettyws_chat_delivery_lag_seconds_count"));
            assertTrue(after.containsKey("process_files_open_files"), "the process binders are there");
            assertTrue(after.keySet().stream().anyMatch(s -> s.startsWith("jvm_memory_used_bytes{")));
            ws.sendClose(1000, "").get(WAIT_SECONDS, TimeUnit.SECONDS);
            chat.sendClose(1000, "").get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static String hostPort(ExampleServer server) {
        return "127.0.0.1:" + server.localAddress().getPort();
    }

    /** Sends one request on a connection of its own and returns the response's status code. */
    private static int status(ExampleServer server, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server.localAddress(), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
                line.append((char) b);
            }
            String[] parts = line.toString().split(" ");
            return Integer.parseInt(parts[1]);
        }
    }

    /** Every sample of the endpoint, by series (name and labels). */
    private static Map<String, Double> scrape(HttpClient client, URI endpoint) throws Exception {
        String body = client.send(HttpRequest.newBuilder(endpoint).build(), HttpResponse.BodyHandlers.ofString())
            .body();
        Map<String, Double> samples = new HashMap<>();
        for (String line : body.lines().toList()) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }
}
