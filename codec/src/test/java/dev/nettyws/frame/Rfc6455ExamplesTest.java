package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The examples of RFC 6455 §5.7, decoded and encoded in every direction they apply to. */
class Rfc6455ExamplesTest {
    /** The masking key of the RFC's masked examples. */
    private static final int RFC_KEY = 0x37fa213d;

    private static EmbeddedChannel server() {
        return new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT), new FrameDecoder(
            FrameConfig.SERVER_DEFAULT));
    }

    private static EmbeddedChannel client() {
        return new EmbeddedChannel(new FrameEncoder(FrameConfig.CLIENT_DEFAULT), new FrameDecoder(
            FrameConfig.CLIENT_DEFAULT));
    }

    /** A client whose encoder masks with the RFC's key. */
    private static EmbeddedChannel rfcKeyClient() {
        FrameConfig config = FrameConfig.CLIENT_DEFAULT.toBuilder().maskingKeySource(() -> RFC_KEY).build();
        return new EmbeddedChannel(new FrameEncoder(config), new FrameDecoder(config));
    }

    /** Everything written so far as hex; buffers released. */
    private static String written(EmbeddedChannel ch) {
        StringBuilder hex = new StringBuilder();
        for (ByteBuf out; (out = ch.readOutbound()) != null;) {
            hex.append(hex.length() == 0 ? "" : " ").append(Hex.of(out));
            out.release();
        }
        return hex.toString();
    }

    private static byte[] binary(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static String hex(byte[] bytes) {
        return Hex.of(Unpooled.wrappedBuffer(bytes));
    }

    @Test
    void section5_7_singleFrameUnmaskedText_decodedByClient() {
        EmbeddedChannel ch = client();
        assertTrue(ch.writeInbound(Hex.buf("81 05 48 65 6c 6c 6f")));
        TextFrame frame = assertInstanceOf(TextFrame.class, ch.readInbound());
        assertTrue(frame.isFinal());
        assertEquals("Hello", frame.text());
        assertTrue(frame.release());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_singleFrameMaskedText_decodedByServer() {
        EmbeddedChannel ch = server();
        assertTrue(ch.writeInbound(Hex.buf("81 85 37 fa 21 3d 7f 9f 4d 51 58")));
        TextFrame frame = assertInstanceOf(TextFrame.class, ch.readInbound());
        assertEquals("Hello", frame.text());
        assertTrue(frame.release());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_unmaskedTextEncodedByServer() {
        EmbeddedChannel ch = server();
        assertTrue(ch.writeOutbound(new TextFrame("Hello")));
        ByteBuf out = ch.readOutbound();
        assertEquals("81 05 48 65 6c 6c 6f", Hex.of(out));
        out.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_maskedTextEncodedByClientWithTheRfcKey() {
        FrameConfig config = FrameConfig.CLIENT_DEFAULT.toBuilder().maskingKeySource(() -> 0x37fa213d).build();
        EmbeddedChannel ch = new EmbeddedChannel(new FrameEncoder(config));
        assertTrue(ch.writeOutbound(new TextFrame("Hello")));
        ByteBuf out = ch.readOutbound();
        assertEquals("81 85 37 fa 21 3d 7f 9f 4d 51 58", Hex.of(out));
        out.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_fragmentedUnmaskedText_decodedByClient() {
        EmbeddedChannel ch = client();
        assertTrue(ch.writeInbound(Hex.buf("01 03 48 65 6c")));
        assertTrue(ch.writeInbound(Hex.buf("80 02 6c 6f")));
        TextFrame first = assertInstanceOf(TextFrame.class, ch.readInbound());
        ContinuationFrame second = assertInstanceOf(ContinuationFrame.class, ch.readInbound());
        assertFalse(first.isFinal());
        assertTrue(second.isFinal());
        assertEquals("Hel", first.text());
        assertArrayEquals(FrameBytes.utf8("lo"), TestChannels.payload(second));
        first.release();
        second.release();
        assertFalse(ch.finishAndReleaseAll());
        TestChannels.assertReleased(first, second);
    }

    @Test
    void section5_7_fragmentedUnmaskedText_encodedByServer() {
        EmbeddedChannel ch = server();
        ch.writeOutbound(new TextFrame(false, 0, Unpooled.wrappedBuffer(FrameBytes.utf8("Hel"))));
        ch.writeOutbound(new ContinuationFrame(true, 0, Unpooled.wrappedBuffer(FrameBytes.utf8("lo"))));
        assertEquals("01 03 48 65 6c 80 02 6c 6f", written(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_unmaskedPing_decodedByClient() {
        EmbeddedChannel ch = client();
        assertTrue(ch.writeInbound(Hex.buf("89 05 48 65 6c 6c 6f")));
        PingFrame ping = assertInstanceOf(PingFrame.class, ch.readInbound());
        assertArrayEquals(FrameBytes.utf8("Hello"), TestChannels.payload(ping));
        ping.release();
        assertFalse(ch.finishAndReleaseAll());
        TestChannels.assertReleased(ping);
    }

    @Test
    void section5_7_unmaskedPing_encodedByServer() {
        EmbeddedChannel ch = server();
        ch.writeOutbound(new PingFrame(Unpooled.wrappedBuffer(FrameBytes.utf8("Hello"))));
        assertEquals("89 05 48 65 6c 6c 6f", written(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_maskedPong_decodedByServer() {
        EmbeddedChannel ch = server();
        assertTrue(ch.writeInbound(Hex.buf("8a 85 37 fa 21 3d 7f 9f 4d 51 58")));
        PongFrame pong = assertInstanceOf(PongFrame.class, ch.readInbound());
        assertArrayEquals(FrameBytes.utf8("Hello"), TestChannels.payload(pong));
        pong.release();
        assertFalse(ch.finishAndReleaseAll());
        TestChannels.assertReleased(pong);
    }

    @Test
    void section5_7_maskedPong_encodedByClientWithTheRfcKey() {
        EmbeddedChannel ch = rfcKeyClient();
        ch.writeOutbound(new PongFrame(Unpooled.wrappedBuffer(FrameBytes.utf8("Hello"))));
        assertEquals("8a 85 37 fa 21 3d 7f 9f 4d 51 58", written(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_binary256Unmasked_decodedByClient() {
        byte[] payload = binary(256);
        EmbeddedChannel ch = client();
        assertTrue(ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.concat(Hex.bytes("82 7E 0100"), payload))));
        BinaryFrame frame = assertInstanceOf(BinaryFrame.class, ch.readInbound());
        assertArrayEquals(payload, TestChannels.payload(frame));
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
        TestChannels.assertReleased(frame);
    }

    @Test
    void section5_7_binary256Unmasked_encodedByServer() {
        byte[] payload = binary(256);
        EmbeddedChannel ch = server();
        ch.writeOutbound(new BinaryFrame(Unpooled.wrappedBuffer(payload)));
        assertEquals("82 7e 01 00 " + hex(payload), written(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_binary256Masked_bothDirections() {
        byte[] payload = binary(256);
        String wire = "82 fe 01 00 37 fa 21 3d " + hex(FrameBytes.mask(payload, RFC_KEY, 0));
        EmbeddedChannel encoder = rfcKeyClient();
        encoder.writeOutbound(new BinaryFrame(Unpooled.wrappedBuffer(payload)));
        assertEquals(wire, written(encoder));
        assertFalse(encoder.finishAndReleaseAll());

        EmbeddedChannel decoder = server();
        assertTrue(decoder.writeInbound(Hex.buf(wire)));
        BinaryFrame frame = assertInstanceOf(BinaryFrame.class, decoder.readInbound());
        assertArrayEquals(payload, TestChannels.payload(frame));
        frame.release();
        assertFalse(decoder.finishAndReleaseAll());
        TestChannels.assertReleased(frame);
    }

    @Test
    void section5_7_binary64KiBUnmasked_decodedByClient() {
        byte[] payload = binary(65536);
        EmbeddedChannel ch = client();
        assertTrue(ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.concat(Hex.bytes("82 7F 0000000000010000"),
            payload))));
        BinaryFrame frame = assertInstanceOf(BinaryFrame.class, ch.readInbound());
        assertArrayEquals(payload, TestChannels.payload(frame));
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
        TestChannels.assertReleased(frame);
    }

    @Test
    void section5_7_binary64KiBUnmasked_encodedByServerAsHeaderPlusTheSamePayload() {
        ByteBuf payload = Unpooled.wrappedBuffer(binary(65536));
        EmbeddedChannel ch = server();
        ch.writeOutbound(new BinaryFrame(payload));
        ByteBuf header = ch.readOutbound();
        assertEquals("82 7f 00 00 00 00 00 01 00 00", Hex.of(header));
        header.release();
        ByteBuf body = ch.readOutbound();
        assertSame(payload, body);
        body.release();
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_7_binary64KiBMasked_bothDirections() {
        byte[] payload = binary(65536);
        byte[] wire = FrameBytes.concat(Hex.bytes("82 ff 00 00 00 00 00 01 00 00 37 fa 21 3d"),
            FrameBytes.mask(payload, RFC_KEY, 0));
        EmbeddedChannel encoder = rfcKeyClient();
        encoder.writeOutbound(new BinaryFrame(Unpooled.wrappedBuffer(payload)));
        assertEquals(hex(wire), written(encoder));
        assertFalse(encoder.finishAndReleaseAll());

        EmbeddedChannel decoder = server();
        assertTrue(decoder.writeInbound(Unpooled.wrappedBuffer(wire)));
        List<Frame> frames = TestChannels.readAll(decoder);
        assertEquals(1, frames.size());
        assertArrayEquals(payload, TestChannels.payload(frames.get(0)));
        TestChannels.releaseAll(frames);
        assertFalse(decoder.finishAndReleaseAll());
        TestChannels.assertReleased(frames);
    }
}
