package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The masking transform (RFC 6455 §5.3), done eight bytes at a time, checked against the byte-by-byte definition
 * ({@code out[i] = in[i] ^ key[i mod 4]}) for every length, payload offset and buffer alignment.
 */
class MaskingTest {
    private static final int KEY = 0x37fa213d;

    private static ByteBuf buffer(boolean direct, int capacity) {
        return direct ? Unpooled.directBuffer(capacity) : Unpooled.buffer(capacity);
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {false, true})
    void section5_3_maskInPlaceMatchesTheDefinitionAtEveryOffsetLengthAndAlignment(boolean direct) {
        Random random = new Random(53);
        for (int start = 0; start < 8; start++) {
            for (int payloadOffset = 0; payloadOffset < 8; payloadOffset++) {
                for (int length = 0; length <= 40; length++) {
                    byte[] data = new byte[length];
                    random.nextBytes(data);
                    ByteBuf buf = buffer(direct, start + length + 3);
                    try {
                        buf.writeZero(start).writeBytes(data).writeZero(3);
                        Masking.maskInPlace(buf, start, length, KEY, payloadOffset);
                        byte[] actual = new byte[length];
                        buf.getBytes(start, actual);
                        String where = "start " + start + ", offset " + payloadOffset + ", length " + length;
                        assertArrayEquals(FrameBytes.mask(data, KEY, payloadOffset), actual, where);
                        assertEquals(0, buf.getByte(start + length) | buf.getByte(start + length + 2), where);
                        if (start > 0) {
                            assertEquals(0, buf.getByte(start - 1), "bytes before the run are untouched");
                        }
                    } finally {
                        buf.release();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {false, true})
    void section5_3_maskingPieceByPieceEqualsMaskingTheWhole(boolean direct) {
        // The decoder unmasks each chunk of a frame as it arrives, continuing at the chunk's payload offset.
        Random random = new Random(35);
        byte[] data = new byte[1000];
        random.nextBytes(data);
        for (int round = 0; round < 50; round++) {
            ByteBuf buf = buffer(direct, data.length).writeBytes(data);
            try {
                int offset = 0;
                while (offset < data.length) {
                    int length = Math.min(data.length - offset, random.nextInt(20));
                    Masking.maskInPlace(buf, offset, length, KEY, offset);
                    offset += length;
                }
                byte[] actual = new byte[data.length];
                buf.getBytes(0, actual);
                assertArrayEquals(FrameBytes.mask(data, KEY, 0), actual, "round " + round);
            } finally {
                buf.release();
            }
        }
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {false, true})
    void section5_3_maskCopyMatchesTheDefinitionAndLeavesTheSourceAlone(boolean direct) {
        Random random = new Random(7);
        for (int length = 0; length <= 40; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            ByteBuf src = buffer(direct, length + 5).writeZero(5).writeBytes(data).readerIndex(5);
            ByteBuf dst = buffer(!direct, length + 2).writeShort(0xABCD);
            try {
                Masking.maskCopy(src, dst, KEY);
                assertEquals(5, src.readerIndex());
                byte[] masked = new byte[length];
                dst.getBytes(2, masked);
                assertArrayEquals(FrameBytes.mask(data, KEY, 0), masked, "length " + length);
                assertEquals(length + 2, dst.writerIndex());
                byte[] source = new byte[length];
                src.getBytes(5, source);
                assertArrayEquals(data, source);
            } finally {
                src.release();
                dst.release();
            }
        }
    }

    @ParameterizedTest(name = "key {0}")
    @ValueSource(ints = {0, -1, 0x01020304, 0x80000000})
    void section5_3_maskingTwiceRestoresThePayload(int key) {
        byte[] data = new byte[37];
        new Random(key).nextBytes(data);
        ByteBuf buf = Unpooled.wrappedBuffer(data.clone());
        Masking.maskInPlace(buf, 0, data.length, key, 0);
        Masking.maskInPlace(buf, 0, data.length, key, 0);
        assertArrayEquals(data, Arrays.copyOf(buf.array(), data.length));
    }
}
