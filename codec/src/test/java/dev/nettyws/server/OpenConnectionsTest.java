package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroupFuture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ending a server's connections on shutdown: 1001 going away (RFC 6455 §7.4.1) to WebSocket connections. */
class OpenConnectionsTest {
    private static final String REASON = OpenConnections.GOING_AWAY_REASON;

    /** Records the closed events of a connection. */
    private static final class Closed extends ChannelInboundHandlerAdapter {
        final List<WebSocketClosedEvent> events = new ArrayList<>();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketClosedEvent) {
                events.add((WebSocketClosedEvent) evt);
            }
        }
    }

    private static EmbeddedChannel webSocket(Closed closed) {
        FrameConfig frames = FrameConfig.SERVER_DEFAULT;
        return new EmbeddedChannel(DefaultChannelId.newInstance(), new FrameEncoder(frames), new FrameDecoder(frames),
            new ConnectionHandler(Role.SERVER, ConnectionConfig.DEFAULT), closed);
    }

    private static WireFrame sentFrame(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        try {
            return WireFrame.read(out);
        } finally {
            out.release();
        }
    }

    @Test
    void section7_4_1_webSocketConnectionsGet1001AndCloseWithTheHandshake() {
        OpenConnections connections = new OpenConnections();
        Closed closed = new Closed();
        EmbeddedChannel ws = webSocket(closed);
        connections.add(ws);
        ChannelGroupFuture all = connections.closeAll(CloseStatus.GOING_AWAY, REASON);
        ws.runPendingTasks();

        WireFrame close = sentFrame(ws);
        assertEquals(0x8, close.opcode());
        assertEquals(CloseStatus.GOING_AWAY, close.closeCode());
        assertEquals(REASON, close.closeReason());
        assertTrue(ws.isOpen(), "waits for the client's answer");
        assertFalse(all.isDone());

        ws.writeInbound(Unpooled.wrappedBuffer(FrameBytes.close(1001, "").mask(7).bytes()));
        assertFalse(ws.isOpen(), "§7.1.1: the server closes TCP once the handshake is done");
        assertTrue(all.isDone());
        assertEquals(1, closed.events.size());
        WebSocketClosedEvent event = closed.events.get(0);
        assertEquals(CloseStatus.GOING_AWAY, event.statusCode());
        assertTrue(event.clean() && !event.remote(), event::toString);
        assertEquals(0, connections.size(), "closed channels leave the set");
        assertFalse(ws.finishAndReleaseAll());
    }

    @Test
    void connectionsThatAreNotWebSocketsAreClosedAtOnce() {
        OpenConnections connections = new OpenConnections();
        // Channels of a group need their own ids; EmbeddedChannel's default id is shared.
        EmbeddedChannel http = new EmbeddedChannel(DefaultChannelId.newInstance());
        EmbeddedChannel codecOnly = new EmbeddedChannel(DefaultChannelId.newInstance(),
            new FrameEncoder(FrameConfig.SERVER_DEFAULT));
        connections.add(http);
        connections.add(codecOnly);
        assertEquals(2, connections.size());
        ChannelGroupFuture all = connections.closeAll(CloseStatus.GOING_AWAY, REASON);
        http.runPendingTasks();
        codecOnly.runPendingTasks();

        assertNull(http.readOutbound());
        assertFalse(http.isOpen());
        WireFrame close = sentFrame(codecOnly);
        assertEquals(CloseStatus.GOING_AWAY, close.closeCode());
        assertFalse(codecOnly.isOpen(), "closed once the close frame is written");
        assertTrue(all.isDone());
        assertEquals(0, connections.size());
    }

    @Test
    void unsendableCodeIsRefusedBeforeAnythingIsClosed() {
        OpenConnections connections = new OpenConnections();
        EmbeddedChannel http = new EmbeddedChannel();
        connections.add(http);
        assertThrows(IllegalArgumentException.class, () -> connections.closeAll(CloseStatus.ABNORMAL_CLOSURE, null));
        http.runPendingTasks();
        assertTrue(http.isOpen());
        assertFalse(http.finishAndReleaseAll());
    }
}
