package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The masking transform (RFC 6455 §5.3), done eight bytes at a time, checked against the byte-by-byte definition
 * ({@code out[i] = in[i] ^ key[i mod 4]}) for every length, payload offset and buffer alignment, on every kind of
 * buffer: the loops that work on a buffer's memory (direct, heap) and the {@code ByteBuf} one (composite) alike.
 */
class MaskingTest {
    private static final int KEY = 0x37fa213d;

    private static ByteBuf buffer(boolean direct, int capacity) {
        return direct ? Unpooled.directBuffer(capacity) : Unpooled.buffer(capacity);
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void section5_3_maskInPlaceMatchesTheDefinitionAtEveryOffsetLengthAndAlignment(BufferKind kind) {
        Random random = new Random(53);
        for (int start = 0; start < 8; start++) {
            for (int payloadOffset = 0; payloadOffset < 8; payloadOffset++) {
                for (int length = 0; length <= 40; length++) {
                    byte[] data = new byte[length];
                    random.nextBytes(data);
                    byte[] content = new byte[start + length + 3];
                    System.arraycopy(data, 0, content, start, length);
                    ByteBuf buf = kind.holding(content, 0);
                    try {
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

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void aRunPastTheCapacityIsRefusedBeforeAnyByteChanges(BufferKind kind) {
        byte[] data = new byte[20];
        Arrays.fill(data, (byte) 0x55);
        ByteBuf buf = kind.holding(data, 0);
        try {
            int capacity = buf.capacity();
            assertThrows(IndexOutOfBoundsException.class, () -> Masking.maskInPlace(buf, capacity - 9, 10, KEY, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> Masking.maskInPlace(buf, -1, 10, KEY, 0));
            byte[] after = new byte[data.length];
            buf.getBytes(0, after);
            assertArrayEquals(data, after);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void aReleasedBufferIsRefused(BufferKind kind) {
        ByteBuf buf = kind.holding(new byte[24], 0);
        buf.release();
        assertThrows(IllegalReferenceCountException.class, () -> Masking.maskInPlace(buf, 0, 24, KEY, 0));
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void aReadOnlyViewIsNeverWrittenThrough(BufferKind kind) {
        byte[] data = new byte[24];
        Arrays.fill(data, (byte) 0x55);
        ByteBuf buf = kind.holding(data, 0);
        try {
            ByteBuf readOnly = buf.asReadOnly();
            assertThrows(ReadOnlyBufferException.class, () -> Masking.maskInPlace(readOnly, 0, 24, KEY, 0));
            byte[] after = new byte[data.length];
            buf.getBytes(0, after);
            assertArrayEquals(data, after);
        } finally {
            buf.release();
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

    static Stream<Arguments> sourceAndDestinationKinds() {
        return Arrays.stream(BufferKind.values())
            .flatMap(src -> Arrays.stream(BufferKind.values()).map(dst -> Arguments.of(src, dst)));
    }

    @ParameterizedTest(name = "{0} to {1}")
    @MethodSource("sourceAndDestinationKinds")
    void section5_3_maskCopyMatchesTheDefinitionAndLeavesTheSourceAlone(BufferKind from, BufferKind to) {
        Random random = new Random(7);
        for (int length = 0; length <= 40; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            byte[] content = new byte[length + 5];
            System.arraycopy(data, 0, content, 5, length);
            ByteBuf src = from.holding(content, 0).readerIndex(5);
            ByteBuf dst = to.holding(new byte[] {(byte) 0xAB, (byte) 0xCD}, length + 1);
            try {
                Masking.maskCopy(src, dst, KEY);
                assertEquals(5, src.readerIndex());
                byte[] masked = new byte[length];
                dst.getBytes(2, masked);
                assertArrayEquals(FrameBytes.mask(data, KEY, 0), masked, "length " + length);
                assertEquals(length + 2, dst.writerIndex());
                if (dst.capacity() > length + 2) { // a composite grows by exactly what it needs
                    assertEquals(0, dst.getByte(length + 2), "the spare byte after the copy is untouched");
                }
                assertEquals((byte) 0xAB, dst.getByte(0));
                assertEquals((byte) 0xCD, dst.getByte(1));
                byte[] source = new byte[length];
                src.getBytes(5, source);
                assertArrayEquals(data, source);
            } finally {
                src.release();
                dst.release();
            }
        }
    }

    @Test
    void maskCopyIntoABufferWithoutRoomGrowsIt() {
        byte[] data = new byte[33];
        new Random(3).nextBytes(data);
        ByteBuf src = Unpooled.directBuffer(33).writeBytes(data);
        ByteBuf dst = Unpooled.directBuffer(4);
        try {
            Masking.maskCopy(src, dst, KEY);
            assertArrayEquals(FrameBytes.mask(data, KEY, 0), ByteBufUtil.getBytes(dst));
        } finally {
            src.release();
            dst.release();
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
