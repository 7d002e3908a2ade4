package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.NO_IDLE;
import static dev.nettyws.protocol.ProtocolTestSupport.ascii;
import static dev.nettyws.protocol.ProtocolTestSupport.dropTcp;
import static dev.nettyws.protocol.ProtocolTestSupport.frames;
import static dev.nettyws.protocol.ProtocolTestSupport.nextOutbound;
import static dev.nettyws.protocol.ProtocolTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.Role;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import dev.nettyws.testsupport.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pings and pongs (RFC 6455 §5.5.2, §5.5.3) through {@link ConnectionHandler}. */
class PingPongTest {

    @Test
    void section5_5_2_pingIsAnsweredWithPongCarryingTheSameBufferAndNotForwarded() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        ByteBuf payload = ascii("Hello");
        assertFalse(ch.writeInbound(new PingFrame(payload)), "a ping is not passed on");

        PongFrame pong = nextOutbound(ch, PongFrame.class);
        assertSame(payload, pong.content(), "the pong reuses the ping's buffer");
        assertEquals(1, payload.refCnt());
        assertTrue(pong.release());
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_unmaskedPingIsAnsweredWithTheRfcMaskedPong() {
        // §5.7: "Unmasked Ping request and masked Ping response".
        EmbeddedChannel ch = wire(Role.CLIENT, NO_IDLE, new ClosedEvents());
        ch.writeInbound(Hex.buf("89 05 48 65 6c 6c 6f"));
        ByteBuf out = nextOutbound(ch, ByteBuf.class);
        assertEquals("8a 85 37 fa 21 3d 7f 9f 4d 51 58", Hex.of(out));
        assertTrue(out.release());
        assertNull(ch.readInbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_3_whileUnwritableOnlyTheMostRecentPingIsAnswered() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks();
        assertFalse(ch.isWritable());

        List<ByteBuf> payloads = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ByteBuf payload = ascii("ping " + i);
            payloads.add(payload);
            ch.writeInbound(new PingFrame(payload));
        }
        assertNull(ch.readOutbound(), "no pong is queued while the channel is not writable");
        for (int i = 0; i < payloads.size() - 1; i++) {
            assertEquals(0, payloads.get(i).refCnt(), "older ping " + i + " released");
        }
        ByteBuf newest = payloads.get(payloads.size() - 1);
        assertEquals(1, newest.refCnt());

        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        ch.runPendingTasks();
        PongFrame pong = nextOutbound(ch, PongFrame.class);
        assertSame(newest, pong.content());
        assertTrue(pong.release());
        assertNull(ch.readOutbound(), "exactly one pong");
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_3_peerThatDoesNotReadCannotQueuePongsBeyondTheWaterMark() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        // Application data the peer has not read yet: written, not flushed, above the high water mark.
        ch.write(new BinaryFrame(Unpooled.wrappedBuffer(new byte[64])));
        assertFalse(ch.isWritable());

        ByteBuf first = ascii("first");
        ByteBuf second = ascii("second");
        ch.writeInbound(new PingFrame(first));
        ch.writeInbound(new PingFrame(second));
        assertEquals(0, first.refCnt());
        assertTrue(ch.outboundMessages().isEmpty(), "nothing flushed while unwritable");

        ch.flush();
        ch.runPendingTasks();
        assertTrue(ch.isWritable());
        BinaryFrame data = nextOutbound(ch, BinaryFrame.class);
        assertTrue(data.release());
        PongFrame pong = nextOutbound(ch, PongFrame.class);
        assertSame(second, pong.content());
        assertTrue(pong.release());
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_2_pendingPongIsReleasedWhenThePeerCloses() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, events);
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks();
        ByteBuf payload = ascii("late");
        ch.writeInbound(new PingFrame(payload));
        assertEquals(1, payload.refCnt());

        ch.writeInbound(new CloseFrame(1000, null));
        assertEquals(0, payload.refCnt(), "§5.5.2: no pong once the peer's close frame has arrived");
        CloseFrame echo = nextOutbound(ch, CloseFrame.class);
        assertTrue(echo.release());
        assertNull(ch.readOutbound(), "the echo is the last frame");
        assertFalse(ch.isOpen(), "the server closed TCP after the echo");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void pendingPongIsReleasedWhenTcpDrops() {
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, new ClosedEvents());
        ch.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        ch.runPendingTasks();
        ByteBuf payload = ascii("late");
        ch.writeInbound(new PingFrame(payload));
        dropTcp(ch);
        assertEquals(0, payload.refCnt());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_2_pingAfterOurCloseIsStillAnswered() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        ch.writeAndFlush(new CloseFrame(1000, null));
        assertTrue(nextOutbound(ch, CloseFrame.class).release());
        ByteBuf payload = ascii("still there?");
        ch.writeInbound(new PingFrame(payload));
        PongFrame pong = nextOutbound(ch, PongFrame.class);
        assertSame(payload, pong.content());
        assertTrue(pong.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_3_unsolicitedPongIsReleasedByDefault() {
        EmbeddedChannel ch = frames(Role.SERVER, NO_IDLE, new ClosedEvents());
        ByteBuf payload = ascii("heartbeat");
        assertFalse(ch.writeInbound(new PongFrame(payload)));
        assertEquals(0, payload.refCnt());
        assertNull(ch.readOutbound(), "a pong is not answered");
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_3_unsolicitedPongIsForwardedWhenConfigured() {
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE.toBuilder().forwardPongs(true).build(), new ClosedEvents());
        PongFrame pong = new PongFrame(ascii("heartbeat"));
        assertTrue(ch.writeInbound(pong));
        assertSame(pong, ch.readInbound());
        assertTrue(pong.release());
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void applicationPingsPassThrough() {
        EmbeddedChannel ch = frames(Role.CLIENT, NO_IDLE, new ClosedEvents());
        PingFrame ping = new PingFrame(ascii("rtt"));
        assertTrue(ch.writeOutbound(ping));
        assertSame(ping, ch.readOutbound());
        assertTrue(ping.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }
}
