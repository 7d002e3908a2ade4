package dev.nettyws.example.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.transport.Transport;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cross-site WebSocket hijacking and DNS rebinding against the example server (finding: {@code /chat} answered
 * {@code Origin: https://evil.example} and {@code null} with 101, then history and presence): the JDK's
 * {@code java.net.http.WebSocket} plays the browser, sending the {@code Origin} a page would; raw requests send the
 * Host headers no client library lets us forge.
 */
@Timeout(60)
class CrossSiteTest {
    private static ExampleServer start(ServerAccess access) throws InterruptedException {
        return ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.echoConfig(1 << 16), ChatSettings.DEFAULT, null, access, ConnectionListener.NONE);
    }

    private static URI chat(ExampleServer server, String host) {
        return URI.create("ws://" + host + ":" + server.localAddress().getPort() + "/chat?nick=mallory");
    }

    /** Opens {@code uri} with {@code origin} (none when null) and returns the first text message. */
    private static String firstMessage(URI uri, String origin) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        WebSocket socket = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                first.complete(data.toString());
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        try {
            return first.get(10, TimeUnit.SECONDS);
        } finally {
            socket.abort();
        }
    }

    private static int refusedStatus(URI uri, String origin) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> firstMessage(uri, origin));
        return assertInstanceOf(WebSocketHandshakeException.class, failed.getCause()).getResponse().statusCode();
    }

    /** The status line of a raw upgrade request to {@code /chat} with {@code host} as Host, and no Origin. */
    private static String rawStatus(ExampleServer server, String target, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket"
                + "\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void pagesOfOtherSitesAreRefused403AndTheServersOwnPagesServed() throws Exception {
        try (ExampleServer server = start(ServerAccess.DEFAULT)) {
            int port = server.localAddress().getPort();
            assertEquals(403, refusedStatus(chat(server, "127.0.0.1"), "https://evil.example"));
            assertEquals(403, refusedStatus(chat(server, "127.0.0.1"), "null"));
            assertEquals(403, refusedStatus(chat(server, "127.0.0.1"), "http://localhost:" + port),
                "another origin, even on this machine");
            assertTrue(firstMessage(chat(server, "127.0.0.1"), "http://127.0.0.1:" + port).contains("welcome"));
            assertTrue(firstMessage(chat(server, "localhost"), "http://localhost:" + port).contains("welcome"));
            assertTrue(firstMessage(chat(server, "127.0.0.1"), null).contains("welcome"), "a non-browser client");
        }
    }

    @Test
    void hostsTheServerWasNotConfiguredForAreRefused421AndMalformedOnes400() throws Exception {
        try (ExampleServer server = start(ServerAccess.DEFAULT)) {
            assertEquals("HTTP/1.1 421", rawStatus(server, "/chat?nick=m", "evil.example"), "DNS rebinding");
            assertEquals("HTTP/1.1 421", rawStatus(server, "http://evil.example/echo", "127.0.0.1"));
            assertEquals("HTTP/1.1 400", rawStatus(server, "/echo", ""));
            assertEquals("HTTP/1.1 400", rawStatus(server, "/echo", "evil.example:abc"));
            assertEquals("HTTP/1.1 101", rawStatus(server, "/echo", "127.0.0.1"));
        }
    }

    @Test
    void allowedOriginsAndHostsOpenTheServerToThem() throws Exception {
        ServerAccess access = new ServerAccess(List.of("https://chat.example.com"), List.of("chat.example.com"),
            256);
        try (ExampleServer server = start(access)) {
            assertTrue(firstMessage(chat(server, "127.0.0.1"), "https://chat.example.com").contains("welcome"));
            assertEquals(403, refusedStatus(chat(server, "127.0.0.1"), "https://evil.example"));
            assertEquals("HTTP/1.1 101", rawStatus(server, "/echo", "chat.example.com"));
        }
    }
}
