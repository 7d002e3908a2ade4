package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.NO_IDLE;
import static dev.nettyws.protocol.ProtocolTestSupport.bytesFromPeer;
import static dev.nettyws.protocol.ProtocolTestSupport.frameConfig;
import static dev.nettyws.protocol.ProtocolTestSupport.releaseAll;
import static dev.nettyws.protocol.ProtocolTestSupport.sentFrames;
import static dev.nettyws.protocol.ProtocolTestSupport.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.Connection;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A protocol violation that arrives after we sent our close frame (RFC 6455 §5.5.1: the peer may still send data
 * before it sees our close). The connection is failed (§7.1.7), but a second close frame is never sent: an endpoint
 * sends one close frame at most.
 */
class ViolationAfterCloseTest {

    @Test
    void section5_5_1_clientViolationAfterItsOwnCloseSendsNoSecondCloseFrame() {
        // Found by FrameDecoderFuzzTest (crash-0c8fff76...): a client's close, then a masked frame from the server.
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.CLIENT, NO_IDLE, events);
        Connection.find(ch).close(CloseStatus.GOING_AWAY, "leaving");
        ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.text("masked").mask(0x01020304).bytes()));

        List<Frame> sent = sentFrames(ch, Role.CLIENT);
        try {
            assertEquals(1, sent.size(), "one close frame only: " + sent);
            assertEquals(CloseStatus.GOING_AWAY, assertInstanceOf(CloseFrame.class, sent.get(0)).statusCode());
        } finally {
            releaseAll(sent);
        }
        assertFalse(ch.isOpen(), "§7.1.7: the connection is failed at once");
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "masked frame from server", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_5_1_violationAfterTheAggregatorsCloseSendsNoSecondCloseFrame() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = ProtocolTestSupport.channel(new FrameEncoder(frameConfig(Role.SERVER)),
            new FrameDecoder(frameConfig(Role.SERVER)),
            ProtocolTestSupport.aggregating(Role.SERVER, NO_IDLE, 4, MemoryBudget.jvmDefault()), events);
        int key = 0x01020304;
        ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.text("too long").mask(key).bytes(),
            FrameBytes.frame(0x3).mask(key).bytes()));

        List<Frame> sent = sentFrames(ch, Role.SERVER);
        try {
            assertEquals(1, sent.size(), "one close frame only: " + sent);
            assertEquals(CloseStatus.MESSAGE_TOO_BIG, assertInstanceOf(CloseFrame.class, sent.get(0)).statusCode());
        } finally {
            releaseAll(sent);
        }
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "reserved opcode 3", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_7_violationWithoutAnEarlierCloseStillSendsItsCloseFrame() {
        ClosedEvents events = new ClosedEvents();
        EmbeddedChannel ch = wire(Role.SERVER, NO_IDLE, events);
        ch.writeInbound(bytesFromPeer(Role.SERVER, new TextFrame("fine")));
        TextFrame fine = assertInstanceOf(TextFrame.class, ch.readInbound());
        assertTrue(fine.release());
        ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.text("unmasked").bytes()));

        List<Frame> sent = sentFrames(ch, Role.SERVER);
        try {
            assertEquals(1, sent.size(), sent::toString);
            assertEquals(CloseStatus.PROTOCOL_ERROR, assertInstanceOf(CloseFrame.class, sent.get(0)).statusCode());
        } finally {
            releaseAll(sent);
        }
        assertFalse(ch.isOpen(), "§7.1.7: the connection is failed at once");
        events.assertClosed(CloseStatus.PROTOCOL_ERROR, "unmasked frame from client", false, false);
        assertFalse(ch.finishAndReleaseAll());
    }
}
