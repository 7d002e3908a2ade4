package dev.nettyws.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.server.WebSocketServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Catching up on a WebSocket: the history goes out in pieces as the client reads, never more than one piece past the
 * high water mark queued, with the room's events of the meantime after it in order. The channel is an
 * {@link EmbeddedChannel} whose "client" reads a given number of bytes when told ({@link #read}); what it reads is
 * kept in {@link #received}.
 */
class WebSocketSubscriberTest {
    private static final int HIGH_WATER = WebSocketServerConfig.DEFAULT_WRITE_BUFFER_WATER_MARK.high();

    private final List<Object> received = new ArrayList<>();
    private long readBudget;
    private WebSocketSubscriber subscriber;
    private final EmbeddedChannel channel = new EmbeddedChannel() {
        @Override
        protected void doWrite(ChannelOutboundBuffer in) {
            for (Object msg; readBudget > 0 && (msg = in.current()) != null; ) {
                readBudget -= bytes(msg);
                received.add(ReferenceCountUtil.retain(msg));
                in.remove();
            }
        }
    };

    @AfterEach
    void release() {
        subscriber.close();
        received.forEach(ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    private WebSocketSubscriber subscriber(ChatSettings settings) {
        channel.config().setWriteBufferWaterMark(WebSocketServerConfig.DEFAULT_WRITE_BUFFER_WATER_MARK);
        subscriber = new WebSocketSubscriber(channel, settings);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                subscriber.writabilityChanged();
            }
        });
        return subscriber;
    }

    private static long bytes(Object msg) {
        return msg instanceof ByteBuf ? ((ByteBuf) msg).readableBytes() : ((TextFrame) msg).content().readableBytes();
    }

    /** The client reads about {@code bytes} (whole frames). */
    private void read(long bytes) {
        readBudget = bytes;
        channel.unsafe().flush();
        channel.runPendingTasks();
    }

    private long pending() {
        return channel.unsafe().outboundBuffer().totalPendingWriteBytes();
    }

    private static List<ChatEvent> messages(int count, int textBytes) {
        RoomHistory history = new RoomHistory(count, Long.MAX_VALUE);
        List<ChatEvent> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(ChatJson.message(history.nextId(), "r", "n", i + ":" + "\u0001".repeat(textBytes / 6), 0));
        }
        return messages;
    }

    private static JsonNode json(Object msg) {
        ByteBuf content = msg instanceof ByteBuf ? (ByteBuf) msg : ((TextFrame) msg).content();
        String text = content.toString(StandardCharsets.UTF_8);
        // A broadcast is an encoded frame: skip its header (2 bytes, or 4 with a 16-bit length).
        return ChatJson.parse(msg instanceof ByteBuf ? text.substring(text.indexOf('{')) : text);
    }

    @Test
    void aHistoryOfAnySizeGoesOutAsTheClientReadsWithTheRoomsEventsAfterIt() {
        ChatSettings settings = ChatSettings.DEFAULT; // 1 MiB of queued bytes at most
        WebSocketSubscriber ws = subscriber(settings);
        List<ChatEvent> history = messages(100, 32 * 1024); // 3.2 MB of history, escaped control characters
        long historyBytes = history.stream().mapToLong(ChatEvent::size).sum();
        assertTrue(historyBytes > 3 * settings.maxPendingWriteBytes(), "the history alone is beyond the limit");
        ws.joined(new JoinedRoom("r", "n", history, true, ChatJson.presence(List.of("n"), 10)));
        ChatEvent live = ChatJson.message("later", "r", "m", "after the history", 1);
        ByteBuf wire = WebSocketSubscriber.TEXT_FRAMES.encode(channel.alloc(), live);
        ws.deliver(live, wire);
        ws.flush();
        long largestPiece = history.get(0).size() + ChatJson.HISTORY_ENVELOPE_BYTES;
        int steps = 0;
        while (!ws.caughtUp() || pending() > 0) {
            assertTrue(pending() <= HIGH_WATER + largestPiece, "queued " + pending() + " at step " + steps);
            assertTrue(channel.isOpen());
            read(16 * 1024);
            steps++;
        }
        wire.release();
        assertTrue(steps > 100, "read in small steps: " + steps);

        assertEquals("welcome", json(received.get(0)).get("type").asText());
        List<String> texts = new ArrayList<>();
        int pieces = 0;
        for (int i = 1; i < received.size() - 2; i++) {
            JsonNode piece = json(received.get(i));
            assertEquals("history", piece.get("type").asText());
            assertTrue(piece.get("complete").asBoolean());
            assertEquals(i < received.size() - 3, piece.path("more").asBoolean(), "more on all but the last");
            piece.get("messages").forEach(m -> texts.add(m.get("text").asText()));
            pieces++;
        }
        assertEquals(100, pieces, "one message of 32 KiB per piece");
        assertEquals(history.stream().map(m -> ChatJson.parse(m.json()).get("text").asText()).toList(), texts);
        assertEquals("presence", json(received.get(received.size() - 2)).get("type").asText());
        assertEquals("after the history", json(received.get(received.size() - 1)).get("text").asText(),
            "the room's event of the meantime comes after the history and presence");
    }

    @Test
    void aClientThatFallsBehindTheRoomWhileCatchingUpIsClosedWith1008() {
        ChatSettings settings = ChatSettings.DEFAULT.withPresenceLimit(10)
            .withSlowConsumerLimits(128 * 1024, Duration.ofSeconds(10));
        List<Object> closes = new ArrayList<>();
        channel.pipeline().addLast(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                if (msg instanceof CloseFrame) {
                    closes.add(((CloseFrame) msg).statusCode());
                }
                ctx.write(msg, promise);
            }
        });
        WebSocketSubscriber ws = subscriber(settings);
        ws.joined(new JoinedRoom("r", "n", messages(100, 32 * 1024), true, ChatJson.presence(List.of("n"), 10)));
        ChatEvent live = ChatJson.message("x", "r", "m", "y".repeat(4000), 1);
        ByteBuf wire = WebSocketSubscriber.TEXT_FRAMES.encode(channel.alloc(), live);
        int delivered = 0;
        while (closes.isEmpty() && delivered < 1000) {
            ws.deliver(live, wire);
            delivered++;
        }
        assertEquals(List.of(CloseStatus.POLICY_VIOLATION), closes);
        assertEquals(128 * 1024 / wire.readableBytes() + 1, delivered, "closed once 128 KiB waited behind it");
        assertEquals(1, wire.refCnt(), "the queued duplicates were released");
        ws.deliver(live, wire);
        assertEquals(1, wire.refCnt(), "nothing is kept after the close");
        assertFalse(ws.caughtUp());
        wire.release();
    }
}
