package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.NO_IDLE;
import static dev.nettyws.protocol.ProtocolTestSupport.ascii;
import static dev.nettyws.protocol.ProtocolTestSupport.channel;
import static dev.nettyws.protocol.ProtocolTestSupport.dropTcp;
import static dev.nettyws.protocol.ProtocolTestSupport.frameConfig;
import static dev.nettyws.protocol.ProtocolTestSupport.nextOutbound;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.Connection;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import dev.nettyws.protocol.ProtocolTestSupport.RecordingAllocator;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The message aggregator of the connection handler: fragmented messages (RFC 6455 §5.4) become whole ones, when the
 * endpoint aggregates.
 */
class MessageAggregatorTest {
    /** Forwarding pongs, so that a test sees them pass the aggregation. */
    private static final ConnectionConfig FORWARD_PONGS = NO_IDLE.toBuilder().forwardPongs(true).build();

    /** An aggregating connection handler, events recorded behind it, buffers from {@code alloc}. */
    private static EmbeddedChannel aggregating(int maxMessageLength, ClosedEvents events, RecordingAllocator alloc) {
        EmbeddedChannel ch = channel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new ProtocolTestSupport.FrameObjects(Role.SERVER),
            ProtocolTestSupport.aggregating(Role.SERVER, NO_IDLE, maxMessageLength, MemoryBudget.jvmDefault()),
            events);
        return ch;
    }

    /** An aggregating connection handler with the default limit, alone in front of what the test reads. */
    private static ConnectionHandler aggregator() {
        return ProtocolTestSupport.aggregating(Role.SERVER, FORWARD_PONGS, FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH,
            MemoryBudget.jvmDefault());
    }

    @Test
    void unfragmentedFramesPassThroughUntouched() {
        EmbeddedChannel ch = channel(aggregator());
        TextFrame text = new TextFrame("whole");
        BinaryFrame binary = new BinaryFrame(ascii("whole"));
        PongFrame pong = new PongFrame(ascii("p"));
        ByteBuf notAFrame = ascii("raw");
        assertTrue(ch.writeInbound(text, binary, pong, notAFrame));
        assertSame(text, ch.readInbound());
        assertSame(binary, ch.readInbound());
        assertSame(pong, ch.readInbound());
        assertSame(notAFrame, ch.readInbound());
        assertTrue(text.release());
        assertTrue(binary.release());
        assertTrue(pong.release());
        assertTrue(notAFrame.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_fragmentedUnmaskedTextBecomesOneMessage() {
        // §5.7: "A fragmented unmasked text message", "Hel" then "lo", as a client receives it.
        RecordingAllocator alloc = new RecordingAllocator(true);
        EmbeddedChannel ch = channel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new FrameEncoder(frameConfig(Role.CLIENT)), new FrameDecoder(frameConfig(Role.CLIENT)),
            ProtocolTestSupport.aggregating(Role.CLIENT, NO_IDLE, FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH,
                MemoryBudget.jvmDefault()));
        assertFalse(ch.writeInbound(Hex.buf("01 03 48 65 6c")));
        assertTrue(ch.writeInbound(Hex.buf("80 02 6c 6f")));

        TextFrame message = assertInstanceOf(TextFrame.class, ch.readInbound());
        assertTrue(message.isFinal());
        assertEquals("Hello", message.text());
        assertFalse(message.content() instanceof CompositeByteBuf);
        assertTrue(message.release());
        assertNull(ch.readInbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
        alloc.assertAllReleased();
    }

    @Test
    void section5_4_fragmentedBinaryBecomesOneMessageWithTheFirstFramesRsv() {
        RecordingAllocator alloc = new RecordingAllocator(true);
        EmbeddedChannel ch = aggregating(1024, new ClosedEvents(), alloc);
        ByteBuf first = Unpooled.wrappedBuffer(new byte[] {1, 2});
        ByteBuf middle = Unpooled.wrappedBuffer(new byte[] {3});
        ByteBuf last = Unpooled.wrappedBuffer(new byte[] {4, 5});
        assertFalse(ch.writeInbound(new BinaryFrame(false, Frame.RSV1, first)));
        assertFalse(ch.writeInbound(new ContinuationFrame(false, 0, middle)));
        assertTrue(ch.writeInbound(new ContinuationFrame(true, 0, last)));
        assertEquals(0, first.refCnt(), "fragments are released once copied");
        assertEquals(0, middle.refCnt());
        assertEquals(0, last.refCnt());

        BinaryFrame message = assertInstanceOf(BinaryFrame.class, ch.readInbound());
        assertTrue(message.isFinal());
        assertEquals(Frame.RSV1, message.rsv());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, ByteBufUtil.getBytes(message.content()));
        assertTrue(message.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
        alloc.assertAllReleased();
    }

    @Test
    void section5_4_pingBetweenFragmentsIsAnsweredBeforeTheMessageCompletes() {
        RecordingAllocator alloc = new RecordingAllocator(true);
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = aggregating(1024, events, alloc);
        ch.writeInbound(new TextFrame(false, 0, ascii("Hel")));
        ByteBuf pingPayload = ascii("ping");
        ch.writeInbound(new PingFrame(pingPayload));
        PongFrame pong = nextOutbound(ch, PongFrame.class);
        assertSame(pingPayload, pong.content());
        assertTrue(pong.release());
        assertNull(ch.readInbound(), "the message is not complete yet");

        ch.writeInbound(new ContinuationFrame(true, 0, ascii("lo")));
        TextFrame message = assertInstanceOf(TextFrame.class, ch.readInbound());
        assertEquals("Hello", message.text());
        assertTrue(message.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
        alloc.assertAllReleased();
    }

    @Test
    void section5_4_pongBetweenFragmentsIsPassedOnAtOnce() {
        EmbeddedChannel ch = channel(aggregator());
        ch.writeInbound(new TextFrame(false, 0, ascii("Hel")));
        PongFrame pong = new PongFrame(ascii("p"));
        ch.writeInbound(pong);
        assertSame(pong, ch.readInbound());
        assertTrue(pong.release());
        ch.writeInbound(new ContinuationFrame(true, 0, ascii("lo")));
        TextFrame message = ch.readInbound();
        assertEquals("Hello", message.text());
        assertTrue(message.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aMillionOneByteFragmentsBecomeOneBufferNotAMillionComponents() {
        // Leak tracking records every write of a tracked buffer; the allocator's own check replaces it here.
        RecordingAllocator alloc = new RecordingAllocator(false);
        EmbeddedChannel ch = channel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(ProtocolTestSupport.aggregating(Role.SERVER, NO_IDLE, 2_000_000,
            MemoryBudget.jvmDefault()));
        int fragments = 1_000_000;
        byte[] one = {'x'};
        ch.pipeline().fireChannelRead(new BinaryFrame(false, 0, Unpooled.wrappedBuffer(one)));
        for (int i = 1; i < fragments - 1; i++) {
            ch.pipeline().fireChannelRead(new ContinuationFrame(false, 0, Unpooled.wrappedBuffer(one)));
        }
        ch.pipeline().fireChannelRead(new ContinuationFrame(true, 0, Unpooled.wrappedBuffer(one)));

        BinaryFrame message = assertInstanceOf(BinaryFrame.class, ch.readInbound());
        ByteBuf content = message.content();
        assertEquals(fragments, content.readableBytes());
        assertFalse(content instanceof CompositeByteBuf);
        assertTrue(content.hasArray(), "one contiguous heap buffer");
        assertEquals(-1, content.forEachByte(b -> b == 'x'));
        assertTrue(message.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
        alloc.assertAllReleased();
    }

    @Test
    void section7_4_1_fragmentedMessageOverTheLimitStartsTheCloseHandshakeWith1009() {
        RecordingAllocator alloc = new RecordingAllocator(true);
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = aggregating(8, events, alloc);
        ch.writeInbound(new TextFrame(false, 0, ascii("12345")));
        ByteBuf excess = ascii("67890");
        ch.writeInbound(new ContinuationFrame(false, 0, excess));
        assertEquals(0, excess.refCnt());
        alloc.assertAllReleased();

        CloseFrame close = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, close.statusCode());
        assertEquals("message exceeds 8", close.reasonText());
        assertTrue(close.release());
        assertEquals(Connection.CloseState.CLOSE_SENT, Connection.find(ch).closeState(),
            "the connection tracks the aggregation's close");

        // The rest of the too-big message is dropped; a message the peer sends before it sees our close arrives.
        ByteBuf rest = ascii("rest");
        ch.writeInbound(new ContinuationFrame(true, 0, rest));
        assertEquals(0, rest.refCnt());
        assertNull(ch.readInbound());
        TextFrame next = new TextFrame("next");
        ch.writeInbound(next);
        assertSame(next, ch.readInbound());
        assertTrue(next.release());

        ch.writeInbound(new CloseFrame(CloseStatus.MESSAGE_TOO_BIG, null));
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.MESSAGE_TOO_BIG, "message exceeds 8", false, true);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_4_1_unfragmentedMessageOverTheLimitIsRejectedWith1009() {
        RecordingAllocator alloc = new RecordingAllocator(true);
        EmbeddedChannel ch = aggregating(4, new ClosedEvents(), alloc);
        BinaryFrame big = new BinaryFrame(ascii("12345"));
        ch.writeInbound(big);
        assertEquals(0, big.refCnt());
        assertNull(ch.readInbound());
        CloseFrame close = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, close.statusCode());
        assertTrue(close.release());
        BinaryFrame fits = new BinaryFrame(ascii("1234"));
        ch.writeInbound(fits);
        assertSame(fits, ch.readInbound());
        assertTrue(fits.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void messageOfExactlyTheLimitIsDelivered() {
        RecordingAllocator alloc = new RecordingAllocator(true);
        EmbeddedChannel ch = aggregating(8, new ClosedEvents(), alloc);
        ch.writeInbound(new TextFrame(false, 0, ascii("1234")));
        ch.writeInbound(new ContinuationFrame(true, 0, ascii("5678")));
        TextFrame message = ch.readInbound();
        assertEquals("12345678", message.text());
        assertTrue(message.release());
        assertNull(ch.readOutbound());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
        alloc.assertAllReleased();
    }

    @Test
    void partialMessageIsReleasedWhenTheChannelCloses() {
        RecordingAllocator alloc = new RecordingAllocator(true);
        EmbeddedChannel ch = aggregating(1024, new ClosedEvents(), alloc);
        ByteBuf first = ascii("partial");
        ch.writeInbound(new TextFrame(false, 0, first));
        assertEquals(0, first.refCnt());
        assertEquals(1, alloc.allocated.size());
        assertEquals(1, alloc.allocated.get(0).refCnt(), "the partial message is held");
        dropTcp(ch);
        alloc.assertAllReleased();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void partialMessageIsReleasedWhenTheConnectionHandlerIsRemoved() {
        RecordingAllocator alloc = new RecordingAllocator(true);
        EmbeddedChannel ch = channel();
        ch.config().setAllocator(alloc);
        ConnectionHandler aggregator = aggregator();
        ch.pipeline().addLast(aggregator);
        ch.writeInbound(new BinaryFrame(false, 0, ascii("partial")));
        assertEquals(1, alloc.allocated.get(0).refCnt());
        ch.pipeline().remove(aggregator);
        alloc.assertAllReleased();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void unfragmentedMessagesOfANonAggregatingHandlerPassOnAndFragmentsToo() {
        EmbeddedChannel ch = channel(new ConnectionHandler(Role.SERVER, NO_IDLE));
        TextFrame first = new TextFrame(false, 0, ascii("Hel"));
        ContinuationFrame last = new ContinuationFrame(true, 0, ascii("lo"));
        ch.writeInbound(first, last);
        assertSame(first, ch.readInbound());
        assertSame(last, ch.readInbound());
        assertTrue(first.release());
        assertTrue(last.release());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void negativeLimitIsRejectedAndTheDefaultIsTheMessageLimit() {
        assertThrows(IllegalArgumentException.class,
            () -> WebSocketServerConfig.builder().maxAggregatedMessageLength(-1).build());
        assertEquals(1 << 20, WebSocketServerConfig.DEFAULT.maxAggregatedMessageLength());
        assertTrue(WebSocketServerConfig.DEFAULT.aggregate());
    }
}
