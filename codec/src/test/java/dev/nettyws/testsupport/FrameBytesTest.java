package dev.nettyws.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-support frame builder and reference parser reproduce the RFC 6455 §5.7 examples. */
class FrameBytesTest {

    @Test
    void buildsTheRfcExamples() {
        assertEquals("81 05 48 65 6c 6c 6f", Hex.of(FrameBytes.text("Hello").buf()));
        assertEquals("81 85 37 fa 21 3d 7f 9f 4d 51 58", Hex.of(FrameBytes.text("Hello").mask(0x37fa213d).buf()));
        assertEquals("01 03 48 65 6c", Hex.of(FrameBytes.text("Hel").fin(false).buf()));
        assertEquals("80 02 6c 6f", Hex.of(FrameBytes.continuation(FrameBytes.utf8("lo")).buf()));
        assertEquals("89 05 48 65 6c 6c 6f", Hex.of(FrameBytes.ping(FrameBytes.utf8("Hello")).buf()));
        assertEquals("8a 85 37 fa 21 3d 7f 9f 4d 51 58",
            Hex.of(FrameBytes.pong(FrameBytes.utf8("Hello")).mask(0x37fa213d).buf()));
        assertEquals("82 7e 01 00", Hex.of(Unpooled.wrappedBuffer(FrameBytes.binary(new byte[256]).header())));
        assertEquals("82 7f 00 00 00 00 00 01 00 00",
            Hex.of(Unpooled.wrappedBuffer(FrameBytes.binary(new byte[65536]).header())));
    }

    @Test
    void buildsFramesAnEncoderNeverWould() {
        assertEquals("c3 7e 00 05 61 62 63 64 65",
            Hex.of(FrameBytes.frame(0x3).rsv(FrameBytes.RSV1).payload(FrameBytes.utf8("abcde")).lengthBytes(2).buf()));
        assertEquals("82 ff 80 00 00 00 00 00 00 00 00 00 00 01",
            Hex.of(FrameBytes.binary(new byte[0]).declaredLength(Long.MIN_VALUE).mask(1).buf()));
        assertEquals("88 03 03 e8 ff", Hex.of(FrameBytes.close(1000, new byte[] {(byte) 0xFF}).buf()));
        assertThrows(IllegalArgumentException.class, () -> FrameBytes.binary(new byte[200]).lengthBytes(0).bytes());
    }

    @Test
    void wireFrameReadsWhatFrameBytesBuilds() {
        ByteBuf buf = Unpooled.wrappedBuffer(FrameBytes.concat(
            FrameBytes.text("Hello").mask(0x37fa213d).bytes(),
            FrameBytes.close(1001, "bye").fin(true).bytes(),
            FrameBytes.binary(new byte[70_000]).rsv(FrameBytes.RSV2).fin(false).mask(-1).bytes()));
        List<WireFrame> frames = WireFrame.readAll(buf);
        assertEquals(3, frames.size());
        assertTrue(frames.get(0).masked());
        assertEquals(0x37fa213d, frames.get(0).maskKey());
        assertArrayEquals(FrameBytes.utf8("Hello"), frames.get(0).payload());
        assertEquals(1001, frames.get(1).closeCode());
        assertEquals("bye", frames.get(1).closeReason());
        assertFalse(frames.get(2).fin());
        assertEquals(FrameBytes.RSV2, frames.get(2).rsv());
        assertEquals(8, frames.get(2).lengthBytes());
        assertArrayEquals(new byte[70_000], frames.get(2).payload());
        assertThrows(IllegalArgumentException.class, () -> WireFrame.read(Unpooled.wrappedBuffer(new byte[] {
            (byte) 0x82, 0x05, 1})));
    }
}
