package dev.nettyws.internal;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight-byte reads and writes straight into a buffer's memory, for the loops that touch every payload byte (masking,
 * the ASCII run of UTF-8 validation). Each {@code ByteBuf.getLong}/{@code setLong} checks that the buffer is still
 * live and the index in range: two checks per eight bytes, which the profiles of the echo showed as the single
 * hottest frame. Here the caller checks a whole run once ({@link #checkRun}) and then reads the memory behind it:
 * a direct buffer's address through Netty's {@link PlatformDependent}, a heap buffer's array through a
 * {@link VarHandle} view.
 *
 * <p>Longs are in the platform's byte order, whatever the order of the buffer view: a value meant in wire order
 * (a masking key) goes through {@link #nativeOrder} once, rather than every long through a byte swap. A buffer
 * with neither an address nor an array (composite, or no {@code Unsafe} on this JVM) is not covered: callers keep
 * their {@code ByteBuf} path for it.
 *
 * <p>Stateless; usable from any thread.
 */
public final class RawBytes {
    /** Whether direct memory can be read through its address: {@code Unsafe} present, unaligned access allowed. */
    private static final boolean ADDRESSES = PlatformDependent.hasUnsafe() && PlatformDependent.isUnaligned();
    private static final boolean SWAP = !PlatformDependent.BIG_ENDIAN_NATIVE_ORDER;
    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.nativeOrder());

    private RawBytes() {
    }

    /** Whether {@code buf}'s memory can be read here through its address. */
    public static boolean hasAddress(ByteBuf buf) {
        return ADDRESSES && buf.hasMemoryAddress();
    }

    /**
     * Checks once what each access would check: {@code [index, index + length)} lies within {@code buf}'s capacity,
     * and the buffer is live. The liveness is checked by one ordinary read of the buffer itself, because
     * {@code memoryAddress()} of a composite with one component or of a derived buffer checks only what it wraps.
     *
     * @throws IndexOutOfBoundsException when the run does not fit
     * @throws io.netty.util.IllegalReferenceCountException when the buffer was released
     */
    public static void checkRun(ByteBuf buf, int index, int length) {
        if (index < 0 || length < 0 || index > buf.capacity() - length) {
            throw new IndexOutOfBoundsException("index " + index + ", length " + length + ", capacity "
                + buf.capacity());
        }
        if (length > 0) {
            buf.getByte(index);
        }
    }

    /** The address of {@code buf}'s index 0; checks that the buffer is live. Only if {@link #hasAddress}. */
    public static long address(ByteBuf buf) {
        return buf.memoryAddress();
    }

    /** {@code value} as {@link #getLong} and {@link #putLong} see it: in the platform's byte order. */
    public static long nativeOrder(long bigEndian) {
        return SWAP ? Long.reverseBytes(bigEndian) : bigEndian;
    }

    /** Eight bytes at a memory address, in the platform's byte order (see {@link #nativeOrder}). */
    public static long getLong(long address) {
        return PlatformDependent.getLong(address);
    }

    /** Writes eight bytes at a memory address, in the platform's byte order. */
    public static void putLong(long address, long value) {
        PlatformDependent.putLong(address, value);
    }

    /** One byte at a memory address. */
    public static byte getByte(long address) {
        return PlatformDependent.getByte(address);
    }

    /** Writes one byte at a memory address. */
    public static void putByte(long address, byte value) {
        PlatformDependent.putByte(address, value);
    }

    /** Eight bytes of an array, in the platform's byte order. */
    public static long getLong(byte[] array, int index) {
        return (long) ARRAY_LONG.get(array, index);
    }

    /** Writes eight bytes into an array, in the platform's byte order. */
    public static void putLong(byte[] array, int index, long value) {
        ARRAY_LONG.set(array, index, value);
    }
}
