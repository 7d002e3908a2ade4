package dev.nettyws.example.chat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.example.ServerAccess;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.transport.Transport;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The chat's HTTP transports on a real server on 127.0.0.1 with the JDK's HTTP client: a WebSocket member posts, and
 * a long-polling, a short-polling and an event stream member each get every message once, in order; an event
 * stream reconnecting with {@code Last-Event-ID} gets exactly what it missed; a session that stops polling expires;
 * a session's second held poll answers the first.
 */
class HttpTransportsTest {
    private static final int MESSAGES = 40;

    private static ExampleServer start(HttpChatSettings http) throws InterruptedException {
        return start(ChatSettings.DEFAULT.withRate(1000, 1000), http);
    }

    private static ExampleServer start(ChatSettings chat, HttpChatSettings http) throws InterruptedException {
        return ExampleServer.start(Transport.AUTO, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES), new ChatRooms(chat), http, null,
            ServerAccess.DEFAULT,
            ConnectionListener.NONE);
    }

    private static List<String> messages(List<JsonNode> events) {
        List<String> texts = new ArrayList<>();
        for (JsonNode event : events) {
            if ("message".equals(event.get("type").textValue())) {
                texts.add(event.get("text").textValue());
            } else if ("history".equals(event.get("type").textValue())) {
                event.get("messages").forEach(m -> texts.add(m.get("text").textValue()));
            }
        }
        return texts;
    }

    private static List<String> expected(int from, int to) {
        List<String> texts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            texts.add("m" + i);
        }
        return texts;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void everyTransportGetsEveryMessageOnceInOrder() throws Exception {
        try (ExampleServer server = start(HttpChatSettings.DEFAULT)) {
            HttpChatClient longPoller = new HttpChatClient(server.pageUri());
            HttpChatClient shortPoller = new HttpChatClient(server.pageUri());
            longPoller.join("mix", "longpoll");
            shortPoller.join("mix", "poll");
            HttpChatClient.EventStream sse = new HttpChatClient(server.pageUri()).stream("mix", "sse", null);
            List<String> longGot = new ArrayList<>();
            CompletableFuture<Void> longPolling = CompletableFuture.runAsync(() -> {
                try {
                    while (longGot.size() < MESSAGES) {
                        longGot.addAll(messages(longPoller.poll(true)));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(server.chatUri() + "?room=mix&nick=ws"), new WebSocket.Listener() {
                }).get(10, TimeUnit.SECONDS);
            List<String> shortGot = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                ws.sendText("{\"type\":\"message\",\"text\":\"m" + i + "\"}", true).get(10, TimeUnit.SECONDS);
                if (i % 7 == 0) {
                    shortGot.addAll(messages(shortPoller.poll(false)));
                }
            }
            longPolling.get(30, TimeUnit.SECONDS);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (shortGot.size() < MESSAGES && System.nanoTime() < end) {
                shortGot.addAll(messages(shortPoller.poll(false)));
                Thread.sleep(100);
            }
            List<String> sseGot = new ArrayList<>();
            while (sseGot.size() < MESSAGES) {
                HttpChatClient.Record record = sse.records.poll(30, TimeUnit.SECONDS);
                assertNotNull(record, "event stream record");
                sseGot.addAll(messages(List.of(record.data())));
                if ("message".equals(record.data().get("type").textValue())) {
                    assertEquals(record.data().get("id").textValue(), record.id());
                }
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            sse.close();
            assertEquals(expected(0, MESSAGES), longGot);
            assertEquals(expected(0, MESSAGES), shortGot);
            assertEquals(expected(0, MESSAGES), sseGot);
        }
    }

    /**
     * A client that opens an event stream and never reads: the stream writes only while the connection is writable,
     * the rest waits in the session's bounded queue, and the session ends (and leaves the room) once that is full or
     * the connection's outbound limit is reached, whatever the room sends.
     */
    @Test
    void anEventStreamThatIsNotReadEndsAtItsBound() throws Exception {
        ChatSettings chat = ChatSettings.DEFAULT.withRate(100_000, 100_000)
            .withSlowConsumerLimits(256 * 1024, Duration.ofSeconds(30));
        try (ExampleServer server = start(chat, HttpChatSettings.DEFAULT);
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(server.localAddress());
            slow.getOutputStream().write(("GET /chat/events?room=flood&nick=slow HTTP/1.1\r\nHost: 127.0.0.1:"
                + server.localAddress().getPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            await(() -> server.httpChat().sessionCount() == 1, "the stream's session");
            HttpChatClient poster = new HttpChatClient(server.pageUri());
            poster.join("flood", "poster");
            String text = "x".repeat(4000);
            int posted = 0;
            while (server.httpChat().sessionCount() == 2 && posted < 5000) {
                assertEquals(204, poster.send(text));
                if (++posted % 10 == 0) {
                    // Ten messages fit in one answer (64 KiB): the poster keeps up with its own queue.
                    poster.poll(false);
                }
            }
            assertEquals(1, server.httpChat().sessionCount(), "the stream that is not read ended after " + posted
                + " messages of 4 KB");
            System.out.println("the event stream that is not read ended after " + posted + " messages of 4 KB");
            await(() -> server.rooms().size() == 1, "the room is kept");
        }
    }

    @Test
    void anEventStreamResumesAfterLastEventId() throws Exception {
        try (ExampleServer server = start(HttpChatSettings.DEFAULT)) {
            HttpChatClient poster = new HttpChatClient(server.pageUri());
            poster.join("resume", "poster");
            HttpChatClient reader = new HttpChatClient(server.pageUri());
            HttpChatClient.EventStream first = reader.stream("resume", "reader", null);
            String lastId = null;
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                assertEquals(204, poster.send("m" + i));
            }
            while (got.size() < 10) {
                HttpChatClient.Record record = first.records.poll(30, TimeUnit.SECONDS);
                assertNotNull(record);
                got.addAll(messages(List.of(record.data())));
                lastId = record.id() != null ? record.id() : lastId;
            }
            first.close();
            await(() -> server.httpChat().sessionCount() == 1, "the stream's session ends with its connection");
            for (int i = 10; i < 20; i++) {
                assertEquals(204, poster.send("m" + i));
            }
            HttpChatClient.EventStream second = reader.stream("resume", "reader", lastId);
            JsonNode history = null;
            while (history == null) {
                HttpChatClient.Record record = second.records.poll(30, TimeUnit.SECONDS);
                assertNotNull(record);
                if ("history".equals(record.data().get("type").textValue())) {
                    history = record.data();
                }
            }
            second.close();
            assertTrue(history.get("complete").booleanValue());
            got.addAll(messages(List.of(history)));
            assertEquals(expected(0, 20), got);
        }
    }

    @Test
    void aSessionThatStopsPollingExpiresAndAHeldPollIsAnsweredByTheNext() throws Exception {
        HttpChatSettings quick = HttpChatSettings.DEFAULT.withTimers(Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(15));
        try (ExampleServer server = start(quick)) {
            HttpChatClient client = new HttpChatClient(server.pageUri());
            client.join("expiry", "ann");
            client.poll(false);
            String session = client.session();
            CompletableFuture<HttpResponse<String>> firstHeld = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.call("GET", "/chat/poll?session=" + session + "&since=4&wait=1", null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await(() -> server.httpChat().sessions().get(session).heldPolls() == 1, "the first poll held");
            HttpResponse<String> second = new HttpChatClient(server.pageUri())
                .call("GET", "/chat/poll?session=" + session + "&since=4&wait=1", null);
            HttpResponse<String> first = firstHeld.get(30, TimeUnit.SECONDS);
            assertEquals(200, first.statusCode());
            assertEquals("{\"next\":4,\"events\":[]}", first.body());
            assertEquals("{\"next\":4,\"events\":[]}", second.body(), "the second, answered by its timeout");
            assertEquals(1, server.httpChat().sessionCount());
            await(() -> server.httpChat().sessionCount() == 0, "the session expires");
            assertEquals(404, client.call("GET", "/chat/poll?session=" + session + "&since=4", null).statusCode());
        }
    }
}
