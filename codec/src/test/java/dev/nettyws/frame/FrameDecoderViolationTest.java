package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static dev.nettyws.frame.TestChannels.accept;
import static dev.nettyws.frame.TestChannels.assertFails;
import static dev.nettyws.frame.TestChannels.assertReleased;
import static dev.nettyws.frame.TestChannels.read;
import static dev.nettyws.frame.TestChannels.server;
import static dev.nettyws.frame.TestChannels.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one way out of a protocol violation (RFC 6455 §7.1.7 "Fail the WebSocket Connection"): stop decoding, discard
 * the rest of the input, write one close frame with the code, close the connection, and tell the handlers behind
 * the decoder with a {@link ProtocolViolationException} carrying the code.
 */
class FrameDecoderViolationTest {
    private static final byte[] RESERVED_OPCODE = FrameBytes.frame(0x3).mask(KEY).bytes();

    /** Records {@code exceptionCaught} the way an application handler would, without passing it on. */
    private static final class ExceptionRecorder extends ChannelInboundHandlerAdapter {
        final List<Throwable> caught = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught.add(cause);
        }
    }

    /** Holds every write without completing it, as a slow network would: the close listener does not fire yet. */
    private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        final List<ChannelPromise> promises = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            messages.add(msg);
            promises.add(promise);
        }
    }

    @Test
    void section7_1_7_userHandlerSeesAProtocolViolationExceptionCarryingTheCloseCode() {
        ExceptionRecorder recorder = new ExceptionRecorder();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT),
            new FrameDecoder(FrameConfig.SERVER_DEFAULT), recorder);
        ch.writeInbound(wire(FrameBytes.text(new byte[] {(byte) 0xC0, (byte) 0x80}).mask(KEY).bytes()));
        assertEquals(1, recorder.caught.size());
        ProtocolViolationException e = assertInstanceOf(ProtocolViolationException.class, recorder.caught.get(0));
        assertEquals(CloseStatus.INVALID_PAYLOAD_DATA, e.closeStatus());
        TestChannels.assertOneCloseFrameWritten(ch, CloseStatus.INVALID_PAYLOAD_DATA, e.getMessage());
        assertFalse(ch.isOpen());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_7_framesBeforeTheViolationAreDeliveredAndTheRestOfTheReadIsDiscarded() {
        EmbeddedChannel ch = server();
        assertFails(ch, CloseStatus.PROTOCOL_ERROR, FrameBytes.text("before").mask(KEY).bytes(), RESERVED_OPCODE,
            FrameBytes.text("after").mask(KEY).bytes(), FrameBytes.close(1000, "").mask(KEY).bytes());
        TextFrame before = read(ch, TextFrame.class);
        assertEquals("before", before.text());
        assertNull(ch.readInbound());
        before.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(before);
    }

    @Test
    void section7_1_7_laterReadsAreDiscardedWhileTheCloseFrameIsStillBeingWritten() {
        HeldWrites held = new HeldWrites();
        ExceptionRecorder recorder = new ExceptionRecorder();
        FrameDecoder decoder = new FrameDecoder(FrameConfig.SERVER_DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(held, new FrameEncoder(FrameConfig.SERVER_DEFAULT), decoder,
            recorder);
        ByteBuf failedRead = wire(RESERVED_OPCODE, FrameBytes.text("same read").mask(KEY).bytes());
        ch.writeInbound(failedRead);
        assertTrue(decoder.isFailed());
        assertTrue(ch.isOpen(), "the close waits for the close frame to be written");
        assertEquals(0, failedRead.refCnt(), "the rest of the failed read is discarded at once, not kept buffered");
        // More input, valid and invalid, keeps arriving before the close frame is on the wire.
        ch.writeInbound(wire(FrameBytes.text("ignored").mask(KEY).bytes()));
        ch.writeInbound(wire(RESERVED_OPCODE, FrameBytes.frame(0x8).payload(new byte[] {1}).mask(KEY).bytes()));
        ch.writeInbound(wire(FrameBytes.text(new byte[] {(byte) 0xFF}).mask(KEY).bytes()));
        assertNull(ch.readInbound(), "nothing is decoded after a violation");
        assertEquals(1, recorder.caught.size(), "one violation is reported");
        assertEquals(1, held.messages.size(), "exactly one close frame is written");
        ByteBuf written = (ByteBuf) held.messages.get(0);
        WireFrame close = WireFrame.read(written);
        written.release();
        assertEquals(Opcode.CLOSE.code(), close.opcode());
        assertEquals(CloseStatus.PROTOCOL_ERROR, close.closeCode());
        assertEquals("reserved opcode 3", close.closeReason());
        held.promises.get(0).setSuccess();
        assertFalse(ch.isOpen(), "the connection is closed once the close frame is written");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_3_clientRoleCloseFrameIsMaskedWithAKeyFromTheSource() {
        FrameConfig config = FrameConfig.CLIENT_DEFAULT.toBuilder().maskingKeySource(() -> 0x01020304).build();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(config), new FrameDecoder(config));
        ProtocolViolationException e = null;
        try {
            ch.writeInbound(wire(FrameBytes.text("masked by server").mask(KEY).bytes()));
        } catch (ProtocolViolationException expected) {
            e = expected;
        }
        assertEquals(CloseStatus.PROTOCOL_ERROR, e.closeStatus());
        ByteBuf written = ch.readOutbound();
        WireFrame close = WireFrame.read(written);
        written.release();
        assertTrue(close.masked());
        assertEquals(0x01020304, close.maskKey());
        assertEquals(CloseStatus.PROTOCOL_ERROR, close.closeCode());
        assertEquals(e.getMessage(), close.closeReason());
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section7_1_7_everyViolationFailsTheSameWayWhateverFollowsIt() {
        // Each violation, followed by random bytes in the same read and in a later one.
        byte[][] violations = {
            RESERVED_OPCODE,
            FrameBytes.text("unmasked").bytes(),
            FrameBytes.continuation(new byte[1]).mask(KEY).bytes(),
            FrameBytes.text(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}).mask(KEY).bytes(),
            FrameBytes.close(1005, "").mask(KEY).bytes(),
            FrameBytes.binary(new byte[0]).declaredLength(1L << 32).mask(KEY).bytes()};
        int[] codes = {1002, 1002, 1002, 1007, 1002, 1009};
        Random random = new Random(7);
        for (int i = 0; i < violations.length; i++) {
            byte[] noise = new byte[200];
            random.nextBytes(noise);
            EmbeddedChannel ch = server();
            assertFails(ch, codes[i], violations[i], noise);
            assertNull(ch.readInbound());
            assertFalse(ch.finishAndReleaseAll());
        }
    }

    @Test
    void violationAfterPartialFramesReleasesEverythingBuffered() {
        // A large frame is half received, then the next read carries a UTF-8 error inside it.
        byte[] text = new byte[10_000];
        Arrays.fill(text, (byte) 'a');
        text[9_000] = (byte) 0xFF;
        byte[] wire = FrameBytes.text(text).mask(KEY).bytes();
        EmbeddedChannel ch = server();
        accept(ch, Arrays.copyOfRange(wire, 0, 5_000));
        ByteBuf rest = wire(Arrays.copyOfRange(wire, 5_000, wire.length));
        try {
            ch.writeInbound(rest);
        } catch (ProtocolViolationException expected) {
            assertEquals(CloseStatus.INVALID_PAYLOAD_DATA, expected.closeStatus());
        }
        assertEquals(0, rest.refCnt());
        Object closeFrame = ch.readOutbound();
        assertTrue(ReferenceCountUtil.release(closeFrame));
        assertFalse(ch.finishAndReleaseAll());
    }
}
