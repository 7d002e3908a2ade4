package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.WrappedByteBuf;
import java.nio.ByteOrder;

/**
 * The masking transform of RFC 6455 §5.3: byte {@code i} of the payload is XORed with byte {@code i mod 4} of the
 * 32-bit key. Works eight bytes at a time; the key is rotated so that a run may start at any payload offset, which
 * lets the decoder unmask a frame piece by piece as it arrives.
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
