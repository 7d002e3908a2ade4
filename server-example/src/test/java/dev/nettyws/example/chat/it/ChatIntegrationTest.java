package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.client.WebSocketClient;
import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.Tls;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.transport.Transport;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chat over real sockets (127.0.0.1, ephemeral port): several clients, ours and the JDK's, in two rooms; every
 * message reaches exactly the members of its room, in the same order at each, none lost. Also over TLS
 * ({@code wss://}, self-signed certificate), and the page and {@code /echo} next to the chat on the same port.
 */
class ChatIntegrationTest {
    private static final int MESSAGES_PER_CLIENT = 40;
    private static final ChatSettings SETTINGS = ChatSettings.DEFAULT.withRate(10_000, 10_000);

    private static ExampleServer start(Transport transport, Tls.SelfSigned tls) throws InterruptedException {
        return ExampleServer.start(transport, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), SETTINGS,
            tls == null ? null : tls.context(), ConnectionListener.NONE);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void messagesReachExactlyTheirRoomInOneOrderNoneLost(Transport transport) throws Exception {
        try (ExampleServer server = start(transport, null);
             WebSocketClient ours = new WebSocketClient(WebSocketClientConfig.DEFAULT)) {
            HttpClient http = HttpClient.newHttpClient();
            URI chat = server.chatUri();
            Map<String, ChatClient> red = new LinkedHashMap<>();
            Map<String, ChatClient> blue = new LinkedHashMap<>();
            try {
                red.put("ann", new ChatClient.Ours(ours, ChatClient.uri(chat, "red", "ann")));
                red.put("ben", new ChatClient.Jdk(http, ChatClient.uri(chat, "red", "ben")));
                red.put("cat", new ChatClient.Ours(ours, ChatClient.uri(chat, "red", "cat")));
                blue.put("dan", new ChatClient.Jdk(http, ChatClient.uri(chat, "blue", "dan")));
                blue.put("eve", new ChatClient.Ours(ours, ChatClient.uri(chat, "blue", "eve")));
                awaitPresence(red);
                awaitPresence(blue);
                List<Thread> senders = new ArrayList<>();
                List<Throwable> failures = new ArrayList<>();
                for (Map<String, ChatClient> room : List.of(red, blue)) {
                    room.forEach((nick, client) -> senders.add(new Thread(() -> {
                        try {
                            for (int i = 0; i < MESSAGES_PER_CLIENT; i++) {
                                client.say(nick + ' ' + i);
                            }
                        } catch (Throwable t) {
                            synchronized (failures) {
                                failures.add(t);
                            }
                        }
                    }, "sender-" + nick)));
                }
                senders.forEach(Thread::start);
                for (Thread sender : senders) {
                    sender.join(TimeUnit.SECONDS.toMillis(ChatClient.TIMEOUT_SECONDS));
                }
                assertTrue(failures.isEmpty(), failures::toString);
                checkRoom("red", red);
                checkRoom("blue", blue);
            } finally {
                closeAll(red);
                closeAll(blue);
            }
        }
    }

    /** Waits until every client of the room has seen every other one in presence or a join. */
    private static void awaitPresence(Map<String, ChatClient> room) throws InterruptedException {
        for (ChatClient client : room.values()) {
            JsonNode presence = client.next("presence");
            List<String> seen = new ArrayList<>();
            presence.get("nicks").forEach(n -> seen.add(n.asText()));
            while (seen.size() < room.size()) {
                seen.add(client.next("join").get("nick").asText());
            }
            assertEquals(room.keySet(), new java.util.HashSet<>(seen));
        }
    }

    private static void checkRoom(String name, Map<String, ChatClient> room) throws InterruptedException {
        int total = room.size() * MESSAGES_PER_CLIENT;
        List<String> first = null;
        for (Map.Entry<String, ChatClient> member : room.entrySet()) {
            List<String> received = new ArrayList<>();
            Map<String, Integer> nextFrom = new LinkedHashMap<>();
            for (JsonNode message : member.getValue().messages(total)) {
                assertEquals(name, message.get("room").asText(), "a message of another room reached " + name);
                String nick = message.get("nick").asText();
                assertTrue(room.containsKey(nick), "a stranger's message in " + name + ": " + message);
                int expected = nextFrom.getOrDefault(nick, 0);
                assertEquals(nick + ' ' + expected, message.get("text").asText(), "order of " + nick + "'s messages");
                nextFrom.put(nick, expected + 1);
                received.add(message.get("text").asText());
            }
            if (first == null) {
                first = received;
            } else {
                assertEquals(first, received, member.getKey() + " saw the room in another order");
            }
            assertTrue(member.getValue().events.stream().noneMatch(e -> "message".equals(e.path("type").asText())),
                "no extra message");
        }
    }

    private static void closeAll(Map<String, ChatClient> room) {
        for (ChatClient client : room.values()) {
            try {
                client.close();
            } catch (Exception e) {
                // Closing at the end of the test; the server closing first is fine.
            }
        }
    }

    @Test
    void chatPageAndEchoOverTlsWithASelfSignedCertificate() throws Exception {
        Tls.SelfSigned tls = Tls.selfSigned();
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("server", tls.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext sslContext = SSLContext.getInstance("TLS");
        sslContext.init(null, factory.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(sslContext).connectTimeout(Duration.ofSeconds(10))
            .build();
        try (ExampleServer server = start(Transport.AUTO, tls);
             WebSocketClient ours = new WebSocketClient(WebSocketClientConfig.builder()
                 .trustCertificates(tls.certificate()).build())) {
            assertEquals("wss", server.chatUri().getScheme());
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(server.pageUri()).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script src=\"chat.js\"></script>"), page.body());

            ChatClient alice = new ChatClient.Ours(ours, ChatClient.uri(server.chatUri(), "secure", "alice"));
            ChatClient bob = new ChatClient.Jdk(http, ChatClient.uri(server.chatUri(), "secure", "bob"));
            try {
                alice.next("join");
                alice.say("over TLS");
                bob.say("indeed");
                // Two connections: either post may reach the room first, but both members see the room's one order.
                List<List<String>> seen = new ArrayList<>();
                for (ChatClient client : List.of(alice, bob)) {
                    seen.add(client.messages(2).stream()
                        .map(m -> m.get("nick").asText() + ' ' + m.get("text").asText()).toList());
                }
                assertEquals(Set.of("alice over TLS", "bob indeed"), Set.copyOf(seen.get(0)));
                assertEquals(seen.get(0), seen.get(1));
            } finally {
                alice.close();
                bob.close();
            }
        }
    }

    @Test
    void pageScriptStyleEchoAnd404ShareThePort() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ExampleServer server = start(Transport.AUTO, null)) {
            URI base = server.pageUri();
            Map<String, String> types = Map.of("", "text/html", "index.html", "text/html",
                "chat.js", "text/javascript", "chat.css", "text/css");
            for (Map.Entry<String, String> file : types.entrySet()) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(file.getKey())).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), file.getKey());
                assertTrue(response.headers().firstValue("content-type").orElse("").startsWith(file.getValue()));
                assertSecurityHeaders(response);
            }
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(base.resolve("nope")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());
            assertSecurityHeaders(missing);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(base)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());

            java.util.concurrent.CompletableFuture<String> echoed = new java.util.concurrent.CompletableFuture<>();
            java.net.http.WebSocket echo = http.newWebSocketBuilder().buildAsync(server.echoUri(),
                new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket,
                                                                          CharSequence data, boolean last) {
                        echoed.complete(data.toString());
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
            echo.sendText("still echoing", true);
            assertEquals("still echoing", echoed.get(10, TimeUnit.SECONDS));
            echo.abort();
        }
    }

    /** The page may run only its own script and style, connect only to its origin, and not be framed or sniffed. */
    private static void assertSecurityHeaders(HttpResponse<String> response) {
        String policy = response.headers().firstValue("content-security-policy").orElse("");
        for (String directive : List.of("default-src 'none'", "script-src 'self'", "style-src 'self'",
                "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")) {
            assertTrue(policy.contains(directive), directive + " in " + policy);
        }
        assertEquals("nosniff", response.headers().firstValue("x-content-type-options").orElse(""));
        assertEquals("DENY", response.headers().firstValue("x-frame-options").orElse(""));
        assertEquals("no-referrer", response.headers().firstValue("referrer-policy").orElse(""));
    }
}
