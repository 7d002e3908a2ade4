package dev.nettyws.extension.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.ProtocolViolationException;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.deflate.DeflatePair;
import dev.nettyws.internal.deflate.PerMessageDeflateParameters;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.Hex;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What the inflater refuses (RFC 7692 §6, §7.2.2; RFC 6455 §5.2, §7.4.1), where RSV1 may appear, and the examples of
 * RFC 7692 §7.2.3.
 */
class DeflateViolationTest {
    private static final int KEY = 0x37fa213d;
    private static final PerMessageDeflateParameters TAKEOVER = new PerMessageDeflateParameters(false, false, 0, 0);

    private static EmbeddedChannel server(int maxMessageLength) {
        EmbeddedChannel ch = DeflatePair.channel(Role.SERVER, TAKEOVER, PerMessageDeflateConfig.DEFAULT,
            maxMessageLength);
        ch.config().setAllocator(new UnpooledByteBufAllocator(false));
        return ch;
    }

    private static ProtocolViolationException assertFails(EmbeddedChannel ch, int code, byte[] wire) {
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(wire)));
        assertEquals(code, e.closeStatus(), e.getMessage());
        ByteBuf written = ch.readOutbound();
        assertNotNull(written, "a close frame must be written");
        try {
            WireFrame close = WireFrame.read(written);
            assertEquals(0x8, close.opcode());
            assertEquals(code, close.closeCode());
        } finally {
            written.release();
        }
        Object more = ch.readOutbound();
        assertNull(more, "exactly one close frame");
        assertFalse(ch.isOpen());
        assertFalse(ch.finishAndReleaseAll(), "nothing may be passed on");
        return e;
    }

    @Test
    void rfc6455_7_4_1_bombOf16MebibytesOfZerosFailsWith1009InBoundedMemory() {
        byte[] compressed = DeflatePair.compress(new byte[16 << 20]);
        assertTrue(compressed.length < 32 * 1024, "a few KiB: " + compressed.length);
        EmbeddedChannel ch = server(FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH);
        byte[] wire = FrameBytes.binary(compressed).rsv(FrameBytes.RSV1).mask(KEY).bytes();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertFails(ch, CloseStatus.MESSAGE_TOO_BIG, wire);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 8 << 20, "inflating stops at the 1 MiB limit; allocated " + allocated + " bytes");
    }

    @Test
    void rfc6455_7_4_1_fragmentedBombFailsWith1009AcrossFrames() {
        byte[] compressed = DeflatePair.compress(new byte[3 << 20]);
        EmbeddedChannel ch = server(FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH);
        int half = compressed.length / 2;
        byte[] first = FrameBytes.binary(Arrays.copyOf(compressed, half)).fin(false).rsv(FrameBytes.RSV1).mask(KEY)
            .bytes();
        byte[] second = FrameBytes.continuation(Arrays.copyOfRange(compressed, half, compressed.length)).mask(KEY)
            .bytes();
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.concat(first, second))));
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, e.closeStatus());
        // The first frame's inflated part (under the limit) was passed on before the excess showed.
        for (Object in; (in = ch.readInbound()) != null;) {
            ((Frame) in).release();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void messageOfExactlyTheLimitIsAccepted() {
        EmbeddedChannel ch = server(1000);
        ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.binary(DeflatePair.compress(new byte[1000]))
            .rsv(FrameBytes.RSV1).mask(KEY).bytes()));
        Frame frame = ch.readInbound();
        assertEquals(1000, frame.content().readableBytes());
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void oneByteOverTheLimitFailsWith1009() {
        assertFails(server(1000), CloseStatus.MESSAGE_TOO_BIG, FrameBytes.binary(DeflatePair.compress(new byte[1001]))
            .rsv(FrameBytes.RSV1).mask(KEY).bytes());
    }

    @Test
    void incompressibleMessageOfTheLimitMayBeLargerOnTheWire() {
        byte[] random = new byte[1000];
        new Random(5).nextBytes(random);
        byte[] compressed = DeflatePair.compress(random);
        assertTrue(compressed.length > 1000, "DEFLATE grows random data: " + compressed.length);
        EmbeddedChannel ch = server(1000);
        ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.binary(compressed).rsv(FrameBytes.RSV1).mask(KEY).bytes()));
        Frame frame = ch.readInbound();
        assertEquals(1000, frame.content().readableBytes());
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void uncompressedMessageOverTheLimitStillFailsWith1009() {
        // The decoder's limit is widened for compressed data; the inflater holds plain messages to the real one.
        assertFails(server(1000), CloseStatus.MESSAGE_TOO_BIG, FrameBytes.binary(new byte[1001]).mask(KEY).bytes());
    }

    @Test
    void fragmentedUncompressedMessageOverTheLimitFailsWith1009() {
        byte[] first = FrameBytes.binary(new byte[600]).fin(false).mask(KEY).bytes();
        byte[] second = FrameBytes.continuation(new byte[401]).mask(KEY).bytes();
        EmbeddedChannel ch = server(1000);
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.concat(first, second))));
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, e.closeStatus());
        for (Object in; (in = ch.readInbound()) != null;) {
            ((Frame) in).release();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void invalidDeflateDataFailsWith1007() {
        assertFails(server(1000), CloseStatus.INVALID_PAYLOAD_DATA, FrameBytes.binary(new byte[] {(byte) 0xff,
            (byte) 0xff, 0x12}).rsv(FrameBytes.RSV1).mask(KEY).bytes());
    }

    @Test
    void rfc6455_8_1_invalidUtf8InsideCompressedTextFailsWith1007() {
        byte[] bad = {'a', (byte) 0xc3, 0x28, 'b'};
        assertFails(server(1000), CloseStatus.INVALID_PAYLOAD_DATA, FrameBytes.text(DeflatePair.compress(bad))
            .rsv(FrameBytes.RSV1).mask(KEY).bytes());
    }

    @Test
    void rfc6455_8_1_compressedTextEndingInsideACharacterFailsWith1007() {
        byte[] cut = {'a', (byte) 0xe4, (byte) 0xb8};
        assertFails(server(1000), CloseStatus.INVALID_PAYLOAD_DATA, FrameBytes.text(DeflatePair.compress(cut))
            .rsv(FrameBytes.RSV1).mask(KEY).bytes());
    }

    // RSV1 (RFC 7692 §6: "the RSV1 bit is set only on the first frame"); FrameDecoder enforces this.

    @Test
    void section6_rsv1OnAContinuationFrameFailsWith1002() {
        byte[] first = FrameBytes.text(DeflatePair.compress("He".getBytes(StandardCharsets.UTF_8))).fin(false)
            .rsv(FrameBytes.RSV1).mask(KEY).bytes();
        byte[] second = FrameBytes.continuation(new byte[] {0}).rsv(FrameBytes.RSV1).mask(KEY).bytes();
        EmbeddedChannel ch = server(1000);
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.concat(first, second))));
        assertEquals(CloseStatus.PROTOCOL_ERROR, e.closeStatus());
        for (Object in; (in = ch.readInbound()) != null;) {
            ((Frame) in).release();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void section6_rsv1OnAControlFrameFailsWith1002() {
        assertFails(server(1000), CloseStatus.PROTOCOL_ERROR, FrameBytes.ping(new byte[0]).rsv(FrameBytes.RSV1)
            .mask(KEY).bytes());
        assertFails(server(1000), CloseStatus.PROTOCOL_ERROR, FrameBytes.close(1000, "").rsv(FrameBytes.RSV1)
            .mask(KEY).bytes());
    }

    @Test
    void rfc6455_5_2_rsv2AndRsv3StayForbiddenWithDeflate() {
        assertFails(server(1000), CloseStatus.PROTOCOL_ERROR, FrameBytes.text("a").rsv(FrameBytes.RSV2).mask(KEY)
            .bytes());
        assertFails(server(1000), CloseStatus.PROTOCOL_ERROR, FrameBytes.text("a").rsv(FrameBytes.RSV3).mask(KEY)
            .bytes());
    }

    @Test
    void rfc6455_5_2_rsv1WithoutNegotiationFailsWith1002() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT),
            new FrameDecoder(FrameConfig.SERVER_DEFAULT));
        assertThrows(ProtocolViolationException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(
            FrameBytes.text(DeflatePair.compress(new byte[] {'a'})).rsv(FrameBytes.RSV1).mask(KEY).bytes())));
        ch.finishAndReleaseAll();
    }

    // RFC 7692 §7.2.3: the examples, as a client receives them (unmasked).

    private static String clientReads(String... hexFrames) {
        EmbeddedChannel ch = DeflatePair.channel(Role.CLIENT, TAKEOVER, PerMessageDeflateConfig.DEFAULT, 1000);
        StringBuilder text = new StringBuilder();
        for (String hex : hexFrames) {
            ch.writeInbound(Unpooled.wrappedBuffer(Hex.bytes(hex)));
            for (Object in; (in = ch.readInbound()) != null;) {
                Frame frame = (Frame) in;
                text.append(frame.content().toString(StandardCharsets.UTF_8)).append(frame.isFinal() ? "|" : "");
                frame.release();
            }
        }
        assertFalse(ch.finishAndReleaseAll());
        return text.toString();
    }

    @Test
    void section7_2_3_1_aMessageCompressedWithOneBlock() {
        assertEquals("Hello|", clientReads("c1 07 f2 48 cd c9 c9 07 00"));
    }

    @Test
    void section7_2_3_1_theSameMessageFragmented() {
        assertEquals("Hello|", clientReads("41 03 f2 48 cd", "80 04 c9 c9 07 00"));
    }

    @Test
    void section7_2_3_2_twoMessagesSharingTheContext() {
        assertEquals("Hello|Hello|", clientReads("c1 07 f2 48 cd c9 c9 07 00", "c1 05 f2 00 11 00 00"));
    }

    @Test
    void section7_2_3_3_aBlockWithNoCompression() {
        assertEquals("Hello|", clientReads("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00"));
    }

    @Test
    void section7_2_3_4_aBlockWithBfinalSet() {
        assertEquals("Hello|Hello|", clientReads("c1 08 f3 48 cd c9 c9 07 00 00", "c1 08 f3 48 cd c9 c9 07 00 00"));
    }

    @Test
    void section7_2_3_5_twoBlocksInOneMessage() {
        assertEquals("Hello|", clientReads("c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
    }

    @Test
    void section7_2_3_1_ourDeflaterWritesTheExampleBytes() {
        DeflatePair pair = new DeflatePair(TAKEOVER, PerMessageDeflateConfig.builder().compressionThreshold(0)
            .build());
        try {
            pair.serverToClient(new TextFrame("Hello")).forEach(Frame::release);
            assertEquals("f2 48 cd c9 c9 07 00", Hex.of(Unpooled.wrappedBuffer(pair.wire.get(0).payload())));
            assertEquals(Frame.RSV1, pair.wire.get(0).rsv());
            pair.serverToClient(new TextFrame("Hello")).forEach(Frame::release);
            assertEquals("f2 00 11 00 00", Hex.of(Unpooled.wrappedBuffer(pair.wire.get(0).payload())),
                "§7.2.3.2: a back reference");
        } finally {
            assertFalse(pair.finish());
        }
    }
}
