package dev.nettyws.example.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nettyws.example.ConnectionListener;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.Opcode;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.ConnectionHandler;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat connections on {@link EmbeddedChannel}s: frame encoder, connection handler and {@link ChatHandler}, as on
 * upgrade (without the decoder: tests write frames inbound). Outbound bytes are decoded back into frames and the
 * JSON of text frames.
 */
final class ChatChannels {
    private ChatChannels() {
    }

    /** A connection whose transport can stop sending: while stalled, flushed bytes stay queued as unread. */
    static final class StallableChannel extends EmbeddedChannel {
        boolean stalled;

        @Override
        protected void doWrite(ChannelOutboundBuffer in) throws Exception {
            if (!stalled) {
                super.doWrite(in);
            }
        }
    }

    /** Records the closed event of a connection. */
    static final class Closed extends ChannelInboundHandlerAdapter {
        static final AttributeKey<WebSocketClosedEvent> EVENT = AttributeKey.valueOf("chat-test-closed");

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketClosedEvent) {
                ctx.channel().attr(EVENT).set((WebSocketClosedEvent) evt);
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** A chat connection to {@code /chat?QUERY}, after its handshake. */
    static EmbeddedChannel connect(ChatRooms rooms, String query) {
        return connect(new EmbeddedChannel(), rooms, query);
    }

    static <C extends EmbeddedChannel> C connect(C ch, ChatRooms rooms, String query) {
        ch.freezeTime();
        ch.pipeline().addLast(new FrameEncoder(FrameConfig.SERVER_DEFAULT),
            new ConnectionHandler(Role.SERVER, rooms.settings().connectionConfig()),
            new ChatHandler(rooms, ConnectionListener.NONE, () -> 1_700_000_000_000L), new Closed());
        String uri = "/chat?" + query;
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        ch.pipeline().fireUserEventTriggered(new HandshakeCompletedEvent(uri, decoder.path(), decoder.parameters(),
            new DefaultHttpHeaders(), null, null));
        return ch;
    }

    static WebSocketClosedEvent closedEvent(EmbeddedChannel ch) {
        return ch.attr(Closed.EVENT).get();
    }

    /** The peer drops the TCP connection: no close frame, the closed event says 1006. */
    static void drop(EmbeddedChannel ch) {
        ch.unsafe().close(ch.voidPromise());
        ch.runPendingTasks();
    }

    /** Every frame written so far; releases the outbound buffers. */
    static List<WireFrame> frames(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (Object msg; (msg = ch.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) msg;
                all.writeBytes(buf);
                buf.release();
            }
            return WireFrame.readAll(all);
        } finally {
            all.release();
        }
    }

    /** The JSON of every text frame written so far; fails on other frames. */
    static List<JsonNode> events(EmbeddedChannel ch) {
        List<JsonNode> events = new ArrayList<>();
        for (WireFrame frame : frames(ch)) {
            if (frame.opcode() != Opcode.TEXT.code()) {
                throw new AssertionError("not a text frame: " + frame);
            }
            events.add(ChatJson.parse(new String(frame.payload(), StandardCharsets.UTF_8)));
        }
        return events;
    }

    /** The types of {@code events}, in order. */
    static List<String> types(List<JsonNode> events) {
        List<String> types = new ArrayList<>();
        events.forEach(event -> types.add(event.path("type").asText()));
        return types;
    }

    static String message(String text) {
        return "{\"type\":\"message\",\"text\":" + ChatJson.toText(TextNode.valueOf(text)) + '}';
    }
}
