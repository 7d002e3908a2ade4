package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.advance;
import static dev.nettyws.protocol.ProtocolTestSupport.ascii;
import static dev.nettyws.protocol.ProtocolTestSupport.dropTcp;
import static dev.nettyws.protocol.ProtocolTestSupport.frames;
import static dev.nettyws.protocol.ProtocolTestSupport.nextOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The idle timeout and keepalive pings of {@link ConnectionHandler}, driven by the channel's frozen clock. */
class IdleTest {
    private static final ConnectionConfig IDLE_10S = ConnectionConfig.DEFAULT.toBuilder()
        .idleTimeout(Duration.ofSeconds(10)).build();
    private static final ConnectionConfig PING_4S = ConnectionConfig.DEFAULT.toBuilder()
        .idleTimeout(Duration.ZERO).pingInterval(Duration.ofSeconds(4)).build();

    private static void assertIdleClose(EmbeddedChannel ch) {
        CloseFrame close = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.GOING_AWAY, close.statusCode());
        assertEquals(ConnectionConfig.IDLE_TIMEOUT_REASON, close.reasonText());
        assertTrue(close.release());
    }

    @Test
    void idleTimeoutStartsTheCloseHandshakeWith1001() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, IDLE_10S, events);
        advance(ch, 9_999);
        assertNull(ch.readOutbound());
        advance(ch, 1);
        assertIdleClose(ch);
        assertTrue(ch.isActive(), "the handshake runs as for any close");

        ch.writeInbound(new CloseFrame(CloseStatus.GOING_AWAY, null));
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.GOING_AWAY, ConnectionConfig.IDLE_TIMEOUT_REASON, false, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void idlePeerThatNeverAnswersIsCutOffByTheCloseTimeout_reported1006() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.CLIENT, IDLE_10S, events);
        advance(ch, 10_000);
        assertIdleClose(ch);
        advance(ch, ConnectionConfig.DEFAULT_CLOSE_TIMEOUT.toMillis());
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void readingPostponesTheIdleTimeout() {
        EmbeddedChannel ch = frames(Role.SERVER, IDLE_10S, new ClosedEvents());
        advance(ch, 6_000);
        TextFrame message = new TextFrame(ascii("still here"));
        ch.writeInbound(message);
        assertTrue(((TextFrame) ch.readInbound()).release());
        advance(ch, 9_999);
        assertNull(ch.readOutbound(), "idle for 9.999 s since the last read");
        advance(ch, 1);
        assertIdleClose(ch);
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void applicationWritesPostponeTheIdleTimeout_pushOnlyConnectionsStayOpen() {
        EmbeddedChannel ch = frames(Role.SERVER, IDLE_10S, new ClosedEvents());
        for (int i = 0; i < 5; i++) {
            advance(ch, 6_000);
            ch.writeAndFlush(new TextFrame("quote " + i));
            assertTrue(nextOutbound(ch, TextFrame.class).release());
        }
        assertTrue(ch.isActive());
        advance(ch, 10_000);
        assertIdleClose(ch);
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void keepalivePingIsSentWhenThePeerIsSilentAndRepeated() {
        EmbeddedChannel ch = frames(Role.CLIENT, PING_4S, new ClosedEvents());
        advance(ch, 3_999);
        assertNull(ch.readOutbound());
        advance(ch, 1);
        PingFrame first = nextOutbound(ch, PingFrame.class);
        assertEquals(0, first.content().readableBytes());
        first.release();
        advance(ch, 4_000);
        nextOutbound(ch, PingFrame.class).release();
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void readingPostponesTheKeepalivePing() {
        EmbeddedChannel ch = frames(Role.SERVER, PING_4S, new ClosedEvents());
        advance(ch, 3_000);
        ch.writeInbound(new PongFrame(Unpooled.EMPTY_BUFFER));
        advance(ch, 3_999);
        assertNull(ch.readOutbound(), "the peer spoke 3.999 s ago");
        advance(ch, 1);
        nextOutbound(ch, PingFrame.class).release();
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void livePeerAnsweringKeepalivePingsIsNeverIdle_deadPeerIsClosed() {
        ConnectionConfig config = ConnectionConfig.DEFAULT.toBuilder().pingInterval(Duration.ofSeconds(4))
            .idleTimeout(Duration.ofSeconds(10)).build();
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, config, events);
        for (int i = 0; i < 10; i++) {
            advance(ch, 4_000);
            nextOutbound(ch, PingFrame.class).release();
            ch.writeInbound(new PongFrame(Unpooled.EMPTY_BUFFER));
        }
        assertTrue(ch.isActive());

        // The peer stops answering: our own pings do not count as activity.
        advance(ch, 4_000);
        nextOutbound(ch, PingFrame.class).release();
        advance(ch, 4_000);
        nextOutbound(ch, PingFrame.class).release();
        advance(ch, 2_000);
        assertIdleClose(ch);
        advance(ch, ConnectionConfig.DEFAULT_CLOSE_TIMEOUT.toMillis());
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.ABNORMAL_CLOSURE, "", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void noKeepalivePingWhileUnwritable() {
        EmbeddedChannel ch = frames(Role.CLIENT, PING_4S, new ClosedEvents());
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        advance(ch, 8_000);
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void noTimersOnceClosing() {
        EmbeddedChannel ch = frames(Role.CLIENT, PING_4S.toBuilder().closeTimeout(Duration.ofMinutes(1)).build(),
            new ClosedEvents());
        ch.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
        nextOutbound(ch, CloseFrame.class).release();
        advance(ch, 30_000);
        assertNull(ch.readOutbound(), "no keepalive ping after our close");
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }
}
