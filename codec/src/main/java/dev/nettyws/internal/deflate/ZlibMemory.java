package dev.nettyws.internal.deflate;

/**
 * What one zlib stream costs, from zlib's own sizing (zlib.h, {@code deflateInit2} and {@code inflateInit2}); JZlib
 * allocates the same arrays on the heap. These are the amounts reserved from the memory budget for a compression
 * context. Stateless.
 */
final class ZlibMemory {
    /** zlib's memLevel for the JDK's {@code Deflater}, which cannot be changed: 8, the default. */
    static final int JDK_MEM_LEVEL = 8;
    /** About {@code sizeof(deflate_state)} on a 64-bit platform. */
    private static final int DEFLATE_STATE = 6 * 1024;
    /** About {@code sizeof(inflate_state)} on a 64-bit platform. */
    private static final int INFLATE_STATE = 7 * 1024;

    private ZlibMemory() {
    }

    /**
     * A compressor: a window of twice 2^w bytes, its chain of 2^w two-byte links, a hash table of 2^(memLevel+7)
     * two-byte heads and a pending buffer of 2^(memLevel+6) four-byte symbols: 2^(w+2) + 2^(memLevel+9), plus the
     * state. 262 KiB at 15 bits and memLevel 8.
     */
    static long deflater(int windowBits, int memLevel) {
        return (1L << (windowBits + 2)) + (1L << (memLevel + 9)) + DEFLATE_STATE;
    }

    /** A decompressor: a window of 2^w bytes plus the state; 39 KiB at 15 bits. */
    static long inflater(int windowBits) {
        return (1L << windowBits) + INFLATE_STATE;
    }
}
