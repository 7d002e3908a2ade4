package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.advance;
import static dev.nettyws.protocol.ProtocolTestSupport.bytesFromPeer;
import static dev.nettyws.protocol.ProtocolTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A peer that does not read (RFC 6455 §7.1.7 allows failing such a connection): the write stall timeout and the
 * pending bytes limit of {@link ConnectionConfig} close it with 1008, a peer that reads slowly is left alone, and a
 * ping flood cannot make pongs pile up. Written but unflushed frames stand for bytes the peer has not read; the
 * transport's progress is simulated on the channel's {@link ChannelOutboundBuffer}. Water marks: 32/64 KiB.
 */
class SlowPeerTest {
    private static final long STALL_MILLIS = 1000;
    private static final ConnectionConfig CONFIG = ConnectionConfig.builder()
        .idleTimeout(Duration.ZERO)
        .writeStallTimeout(Duration.ofMillis(STALL_MILLIS))
        .build();

    private static BinaryFrame frame(int kib) {
        return new BinaryFrame(Unpooled.wrappedBuffer(new byte[kib * 1024]));
    }

    /** The transport writes {@code bytes} of what was written so far to the peer. */
    private static void peerReads(EmbeddedChannel ch, long bytes) {
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        buffer.addFlush();
        buffer.removeBytes(bytes);
        ch.runPendingTasks();
    }

    @Test
    void defaultsAreFinite() {
        assertEquals(Duration.ofSeconds(30), ConnectionConfig.DEFAULT.writeStallTimeout());
        assertEquals(16L << 20, ConnectionConfig.DEFAULT.maxPendingWriteBytes());
        assertThrows(IllegalArgumentException.class,
            () -> ConnectionConfig.builder().maxPendingWriteBytes(-1).build());
        assertThrows(IllegalArgumentException.class,
            () -> ConnectionConfig.builder().writeStallTimeout(Duration.ofMillis(-1)).build());
    }

    @Test
    void section7_1_7_peerThatStopsReadingIsFailedWith1008AfterTheStallTimeout() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, CONFIG, events);
        ch.write(frame(40));
        ch.write(frame(40));
        assertFalse(ch.isWritable());

        advance(ch, STALL_MILLIS - 1);
        assertTrue(ch.isOpen());
        advance(ch, 1);
        assertFalse(ch.isOpen(), "the stalled connection is closed");
        events.assertClosed(CloseStatus.POLICY_VIOLATION, ConnectionConfig.WRITE_STALL_REASON, false, false);
        assertNull(ch.readOutbound(), "no close frame: it would only queue behind the unread bytes");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void peerThatReadsSlowlyIsNotCutOff() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, CONFIG, events);
        ch.write(frame(40));
        ch.write(frame(40));
        for (int period = 0; period < 5; period++) {
            advance(ch, STALL_MILLIS / 2);
            peerReads(ch, 1000);
            advance(ch, STALL_MILLIS / 2);
            assertTrue(ch.isOpen(), "still reading after period " + period);
            assertFalse(ch.isWritable());
        }
        // Then it stops: one period without progress.
        advance(ch, STALL_MILLIS);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.POLICY_VIOLATION, ConnectionConfig.WRITE_STALL_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    /** A socket whose peer reads only what {@link #peerReads} says: a flush sends nothing by itself. */
    private static final class SlowSocket extends EmbeddedChannel {
        SlowSocket(ChannelHandler... handlers) {
            freezeTime();
            pipeline().addLast(handlers);
        }

        @Override
        protected void doWrite(ChannelOutboundBuffer in) {
            // The bytes stay queued until the test lets the peer read them.
        }
    }

    @Test
    void peerThatReadsSlowlyIsNotCutOffWhileTheApplicationWritesSmallFramesWithTheVoidPromise() {
        // Small frames written with the void promise are gathered by the encoder until a flush; while the channel
        // is unwritable they must still be counted as written, or the peer's reads would not look like progress.
        ClosedEvents events = new ClosedEvents();
        FrameConfig frames = ProtocolTestSupport.frameConfig(Role.SERVER);
        EmbeddedChannel ch = new SlowSocket(new FrameEncoder(frames), new FrameDecoder(frames),
            new ConnectionHandler(Role.SERVER, CONFIG), events);
        for (int i = 0; i < 80; i++) {
            // Frames too small for progress tracking: only the queue's size tells that the peer reads.
            ch.writeAndFlush(frame(1));
        }
        assertFalse(ch.isWritable());
        for (int period = 0; period < 6; period++) {
            for (int i = 0; i < 8; i++) {
                ch.write(new BinaryFrame(Unpooled.wrappedBuffer(new byte[512])), ch.voidPromise());
            }
            ch.flush();
            advance(ch, STALL_MILLIS / 2);
            peerReads(ch, 2048);
            advance(ch, STALL_MILLIS / 2);
            assertTrue(ch.isOpen(), "still reading after period " + period + ": " + events.events);
        }
        assertTrue(events.events.isEmpty(), "not cut off: " + events.events);
        // Then it stops: one period without progress.
        advance(ch, STALL_MILLIS);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.POLICY_VIOLATION, ConnectionConfig.WRITE_STALL_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFrameThatMakesTheChannelUnwritablePartWayIsCountedWhole() {
        // The stall timer starts inside the write (at its first buffer, what was gathered); the frame's own 1 MiB
        // queued after that is part of what the peer must read, so reading 40 KB of it is progress.
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, CONFIG, events);
        for (int i = 0; i < 7; i++) {
            ch.write(Unpooled.wrappedBuffer(new byte[8000]));
        }
        for (int i = 0; i < 10; i++) {
            ch.write(new TextFrame(Unpooled.wrappedBuffer(new byte[900])), ch.voidPromise());
        }
        assertTrue(ch.isWritable());
        ch.write(new BinaryFrame(Unpooled.wrappedBuffer(new byte[1 << 20])));
        assertFalse(ch.isWritable());
        ChannelOutboundBuffer buffer = ch.unsafe().outboundBuffer();
        buffer.addFlush();
        for (int i = 0; i < 5; i++) {
            buffer.remove(); // the peer reads 40 KB
        }
        advance(ch, STALL_MILLIS + 100);
        assertTrue(ch.isOpen(), "the peer read: " + events.events);
        advance(ch, STALL_MILLIS);
        assertFalse(ch.isOpen(), "then it stopped");
        events.assertClosed(CloseStatus.POLICY_VIOLATION, ConnectionConfig.WRITE_STALL_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void writesWhileUnwritableDoNotCountAsProgress() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, CONFIG, events);
        ch.write(frame(40));
        ch.write(frame(40));
        advance(ch, STALL_MILLIS / 2);
        // The application ignores isWritable() and the peer reads exactly as much as it adds.
        ch.write(frame(1));
        peerReads(ch, 1024);
        advance(ch, STALL_MILLIS / 2);
        assertTrue(ch.isOpen(), "the bytes read are progress");
        ch.write(frame(1));
        advance(ch, STALL_MILLIS);
        assertFalse(ch.isOpen(), "new writes alone are not");
        events.assertClosed(CloseStatus.POLICY_VIOLATION, ConnectionConfig.WRITE_STALL_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void channelThatBecomesWritableAgainIsLeftOpen() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, CONFIG, events);
        ch.write(frame(40));
        ch.write(frame(40));
        advance(ch, STALL_MILLIS / 2);
        ch.flush();
        ch.runPendingTasks();
        assertTrue(ch.isWritable());
        advance(ch, 3 * STALL_MILLIS);
        assertTrue(ch.isOpen());
        assertTrue(events.events.isEmpty());
        assertTrue(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_7_writeBeyondThePendingLimitFailsAtOnce() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, CONFIG.toBuilder().maxPendingWriteBytes(100 * 1024).build(), events);
        ch.write(frame(40));
        ch.write(frame(40));
        assertTrue(ch.isOpen(), "80 KiB queued is within the limit");
        ChannelFuture third = ch.write(frame(40));
        assertFalse(ch.isOpen(), "120 KiB queued is not");
        assertFalse(third.isSuccess());
        events.assertClosed(CloseStatus.POLICY_VIOLATION, ConnectionConfig.PENDING_LIMIT_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_3_pingFloodFromAPeerThatDoesNotReadEndsWith1008() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, CONFIG, events);
        // The peer's own data fills the queue: it pings and never reads.
        ch.write(frame(70));
        long pending = ch.unsafe().outboundBuffer().totalPendingWriteBytes();
        for (int i = 0; i < 10_000; i++) {
            ch.writeInbound(bytesFromPeer(Role.SERVER, new PingFrame(Unpooled.wrappedBuffer(new byte[125]))));
        }
        assertEquals(pending, ch.unsafe().outboundBuffer().totalPendingWriteBytes(),
            "§5.5.3: pongs are not queued while unwritable, only the latest ping is kept");
        advance(ch, STALL_MILLIS);
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.POLICY_VIOLATION, ConnectionConfig.WRITE_STALL_REASON, false, false);
        assertFalse(ch.finishAndReleaseAll());
    }
}
