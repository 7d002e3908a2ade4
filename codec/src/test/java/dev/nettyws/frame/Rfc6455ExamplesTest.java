package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The examples of RFC 6455 §5.7, decoded and encoded. */
class Rfc6455ExamplesTest {

    private static EmbeddedChannel server() {
        return new EmbeddedChannel(new FrameEncoder(FrameConfig.SERVER_DEFAULT), new FrameDecoder(
            FrameConfig.SERVER_DEFAULT));
    }

    private static EmbeddedChannel client() {
        return new EmbeddedChannel(new FrameEncoder(FrameConfig.CLIENT_DEFAULT), new FrameDecoder(
            FrameConfig.CLIENT_DEFAULT));
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
}
