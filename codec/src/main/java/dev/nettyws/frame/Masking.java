package dev.nettyws.frame;

import dev.nettyws.internal.RawBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.WrappedByteBuf;
import java.nio.ByteOrder;

/**
 * The masking transform of RFC 6455 §5.3: byte {@code i} of the payload is XORed with byte {@code i mod 4} of the
 * 32-bit key. Works eight bytes at a time; the key is rotated so that a run may start at any payload offset, which
 * lets the decoder unmask a frame piece by piece as it arrives. A direct or heap buffer is worked on through its
 * memory ({@link RawBytes}): one liveness and bounds check per run instead of two per eight bytes; other buffers
 * (composite) go through {@code getLong}/{@code setLong}.
 *
 * <p>Stateless; usable from any thread.
 */
final class Masking {
    private Masking() {
    }

    /** The key as it applies from payload offset {@code offset} on, repeated to 64 bits. */
    private static long keyAt(int key, long offset) {
        int rotated = Integer.rotateLeft(key, (int) (offset & 3) * 8);
        return (long) rotated << 32 | rotated & 0xFFFFFFFFL;
    }

    /**
     * Unmasks (or masks: the transform is its own inverse) bytes in place.
     *
     * @param buf the buffer; must be writable in the range
     * @param index absolute index of the first byte
     * @param length number of bytes
     * @param key the masking key
     * @param payloadOffset offset of the first byte within the frame payload
     */
    static void maskInPlace(ByteBuf buf, int index, int length, int key, long payloadOffset) {
        buf = unwrapped(buf);
        long key64 = keyAt(key, payloadOffset);
        if (!buf.isReadOnly()) {
            if (RawBytes.hasAddress(buf)) {
                long address = RawBytes.address(buf);
                RawBytes.checkRun(buf, index, length);
                maskInPlace(address + index, length, key64);
                return;
            }
            if (buf.hasArray()) {
                byte[] array = buf.array();
                RawBytes.checkRun(buf, index, length);
                maskInPlace(array, buf.arrayOffset() + index, length, key64);
                return;
            }
        }
        // A run that does not fit changes nothing, as on the paths above.
        RawBytes.checkRun(buf, index, length);
        int i = index;
        int end = index + length;
        // "i < end - 7" rather than "i + 8 <= end": C2 compiles this form as a counted loop (measurably faster).
        for (int limit = end - 7; i < limit; i += 8) {
            buf.setLong(i, buf.getLong(i) ^ key64);
        }
        // The last < 8 bytes: byte j of the run uses the key's byte (j mod 8) of key64, most significant first.
        for (int shift = 56; i < end; i++, shift -= 8) {
            buf.setByte(i, buf.getByte(i) ^ (int) (key64 >>> shift));
        }
    }

    /**
     * Copies the readable bytes of {@code src} to {@code dst}, masked, advancing {@code dst}'s writer index only.
     *
     * @param src payload to mask; its indices are not changed
     * @param dst destination with at least {@code src.readableBytes()} writable bytes
     * @param key the masking key (offset 0 of the payload)
     */
    static void maskCopy(ByteBuf src, ByteBuf dst, int key) {
        long key64 = keyAt(key, 0);
        int i = src.readerIndex();
        int end = src.writerIndex();
        dst.ensureWritable(end - i);
        ByteBuf from = unwrapped(src);
        ByteBuf to = unwrapped(dst);
        int length = end - i;
        if (RawBytes.hasAddress(from) && RawBytes.hasAddress(to) && !to.isReadOnly()) {
            int at = dst.writerIndex();
            long fromAddress = RawBytes.address(from);
            long toAddress = RawBytes.address(to);
            RawBytes.checkRun(from, i, length);
            RawBytes.checkRun(to, at, length);
            maskCopy(fromAddress + i, toAddress + at, length, key64);
            dst.writerIndex(at + length);
            return;
        }
        // Absolute sets after one capacity check, rather than a write (and its check) per long.
        int out = dst.writerIndex() - i;
        for (int limit = end - 7; i < limit; i += 8) {
            to.setLong(out + i, from.getLong(i) ^ key64);
        }
        for (int shift = 56; i < end; i++, shift -= 8) {
            to.setByte(out + i, from.getByte(i) ^ (int) (key64 >>> shift));
        }
        dst.writerIndex(out + end);
    }

    /** {@link #maskInPlace(ByteBuf, int, int, int, long)} on memory at an address. */
    private static void maskInPlace(long address, int length, long key64) {
        long nativeKey = RawBytes.nativeOrder(key64);
        int i = 0;
        for (int limit = length - 7; i < limit; i += 8) {
            RawBytes.putLong(address + i, RawBytes.getLong(address + i) ^ nativeKey);
        }
        for (int shift = 56; i < length; i++, shift -= 8) {
            RawBytes.putByte(address + i, (byte) (RawBytes.getByte(address + i) ^ (int) (key64 >>> shift)));
        }
    }

    /** {@link #maskInPlace(ByteBuf, int, int, int, long)} on an array. */
    private static void maskInPlace(byte[] array, int index, int length, long key64) {
        long nativeKey = RawBytes.nativeOrder(key64);
        int i = index;
        int end = index + length;
        for (int limit = end - 7; i < limit; i += 8) {
            RawBytes.putLong(array, i, RawBytes.getLong(array, i) ^ nativeKey);
        }
        for (int shift = 56; i < end; i++, shift -= 8) {
            array[i] ^= (byte) (key64 >>> shift);
        }
    }

    /** {@link #maskCopy(ByteBuf, ByteBuf, int)} between memory addresses. */
    private static void maskCopy(long from, long to, int length, long key64) {
        long nativeKey = RawBytes.nativeOrder(key64);
        int i = 0;
        for (int limit = length - 7; i < limit; i += 8) {
            RawBytes.putLong(to + i, RawBytes.getLong(from + i) ^ nativeKey);
        }
        for (int shift = 56; i < length; i++, shift -= 8) {
            RawBytes.putByte(to + i, (byte) (RawBytes.getByte(from + i) ^ (int) (key64 >>> shift)));
        }
    }

    /**
     * The big-endian buffer behind a wrapper, which has the same indices and content. Leak detection wraps
     * buffers and, at its advanced and paranoid levels, records a stack trace on every access: per eight bytes here,
     * which made masking a 16 MiB payload take tens of seconds under the tests' paranoid detection. The wrapper
     * itself still records the accesses that matter (allocation, retain, release, the decoder's slicing).
     */
    @SuppressWarnings("deprecation") // ByteBuf.order: the one way to the big-endian view of a swapped buffer
    private static ByteBuf unwrapped(ByteBuf buf) {
        // getLong/setLong must see the bytes in wire order: a little-endian view would swap every group of eight.
        ByteBuf wireOrder = buf.order() == ByteOrder.BIG_ENDIAN ? buf : buf.order(ByteOrder.BIG_ENDIAN);
        return wireOrder instanceof WrappedByteBuf ? wireOrder.unwrap() : wireOrder;
    }
}
