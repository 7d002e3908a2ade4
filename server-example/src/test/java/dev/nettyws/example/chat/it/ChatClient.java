package dev.nettyws.example.chat.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nettyws.client.WebSocketClient;
import dev.nettyws.example.chat.ChatJson;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A chat client for integration tests: our {@link dev.nettyws.client.WebSocketClient} or the JDK's
 * {@link java.net.http.WebSocket}. Every event received is parsed and queued; the close code is recorded.
 */
abstract class ChatClient implements AutoCloseable {
    static final long TIMEOUT_SECONDS = 20;

    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    static URI uri(URI chat, String room, String nick) {
        return URI.create(chat + "?room=" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "&nick="
            + URLEncoder.encode(nick, StandardCharsets.UTF_8));
    }

    /** The URI to join {@code room} as {@code nick} with the messages after {@code since}. */
    static URI uri(URI chat, String room, String nick, String since) {
        return URI.create(uri(chat, room, nick) + "&since=" + URLEncoder.encode(since, StandardCharsets.UTF_8));
    }

    /**
     * The history sent on joining, all its pieces: the next {@code history} events up to the one without
     * {@code "more"}; returns the messages, and whether the history said it was complete.
     */
    History history() throws InterruptedException {
        List<JsonNode> messages = new ArrayList<>();
        JsonNode piece;
        int pieces = 0;
        do {
            piece = next("history");
            piece.get("messages").forEach(messages::add);
            pieces++;
        } while (piece.path("more").asBoolean());
        return new History(messages, piece.get("complete").asBoolean(), pieces);
    }

    /** A history as received: its messages, whether complete, in how many pieces. */
    record History(List<JsonNode> messages, boolean complete, int pieces) {
        List<String> texts() {
            return messages.stream().map(m -> m.get("text").asText()).toList();
        }
    }

    /** Sends a chat message. */
    void say(String text) throws Exception {
        sendRaw("{\"type\":\"message\",\"text\":" + ChatJson.toText(TextNode.valueOf(text)) + '}');
    }

    abstract void sendRaw(String json) throws Exception;

    /** The next event, waiting at most the timeout. */
    JsonNode next() throws InterruptedException {
        JsonNode event = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no event within " + TIMEOUT_SECONDS + " s");
        return event;
    }

    /** The next event of {@code type}, skipping others. */
    JsonNode next(String type) throws InterruptedException {
        return next(e -> type.equals(e.path("type").asText()));
    }

    JsonNode next(Predicate<JsonNode> wanted) throws InterruptedException {
        for (int i = 0; i < 100_000; i++) {
            JsonNode event = next();
            if (wanted.test(event)) {
                return event;
            }
        }
        throw new AssertionError("no wanted event among 100000");
    }

    /** The next {@code count} message events, skipping other events. */
    List<JsonNode> messages(int count) throws InterruptedException {
        List<JsonNode> messages = new ArrayList<>();
        while (messages.size() < count) {
            messages.add(next("message"));
        }
        return messages;
    }

    /** Our client. */
    static final class Ours extends ChatClient {
        private final Channel channel;

        Ours(WebSocketClient client, URI uri) throws Exception {
            channel = client.connect(uri, new Collector()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        void sendRaw(String json) throws Exception {
            channel.writeAndFlush(new TextFrame(json)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            WebSocketSession.of(channel).close(1000, "bye").await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        private final class Collector extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof TextFrame) {
                        events.add(ChatJson.parse(((TextFrame) msg).text()));
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof WebSocketClosedEvent) {
                    closeCode.complete(((WebSocketClosedEvent) evt).statusCode());
                }
                ctx.fireUserEventTriggered(evt);
            }
        }
    }

    /** The JDK's client. */
    static final class Jdk extends ChatClient {
        private final WebSocket socket;

        Jdk(HttpClient http, URI uri) throws Exception {
            socket = http.newWebSocketBuilder().buildAsync(uri, new Listener())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        synchronized void sendRaw(String json) throws Exception {
            socket.sendText(json, true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            if (!socket.isOutputClosed()) {
                socket.sendClose(1000, "bye").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            socket.abort();
        }

        private final class Listener implements WebSocket.Listener {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    events.add(ChatJson.parse(text.toString()));
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeCode.completeExceptionally(error);
            }
        }
    }
}
