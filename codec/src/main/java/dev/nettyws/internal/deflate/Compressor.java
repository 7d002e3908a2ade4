package dev.nettyws.internal.deflate;

import com.jcraft.jzlib.GZIPException;
import com.jcraft.jzlib.JZlib;
import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * One raw DEFLATE stream (RFC 1951, no zlib header) that compresses a message or a fragment and ends each chunk
 * with a sync flush, so that the receiver can inflate all of it (RFC 7692 §7.2.1).
 *
 * <p>A full 15-bit window uses the JDK's native zlib ({@link Deflater}); a smaller window needs JZlib, as
 * {@link Deflater} cannot be given one. Neither zlib nor JZlib deflates with an 8-bit window (zlib's longest match
 * distance is the window minus 262 bytes, negative for 256), so 8 bits are served with a 9-bit window: its longest
 * distance, 512 - 262 = 250 bytes, fits the 256-byte window a peer that asked for 8 bits keeps (§7.1.2.1).
 *
 * <p>Not thread-safe; owned by one {@link PerMessageDeflater}, or by one thread ({@link #shared}).
 */
abstract class Compressor {
    /** The bytes a sync flush ends with, which a final chunk drops (§7.2.1). */
    static final int TAIL_LENGTH = 4;
    /** A non-final empty stored block: three header bits padded to a byte, LEN 0 and NLEN (RFC 1951 §3.2.4). */
    private static final byte[] EMPTY_BLOCK = {0, 0, 0, (byte) 0xff, (byte) 0xff};

    private static final FastThreadLocal<Compressor[]> SHARED = new FastThreadLocal<>() {
        @Override
        protected Compressor[] initialValue() {
            // Index: level (1-9) * 16 + window bits (8-15).
            return new Compressor[10 * 16];
        }

        @Override
        protected void onRemoval(Compressor[] compressors) {
            for (Compressor compressor : compressors) {
                if (compressor != null) {
                    compressor.end();
                }
            }
        }
    };

    /**
     * A new compressor.
     *
     * @param level 1 to 9
     * @param windowBits 8 to 15
     */
    static Compressor create(int level, int windowBits) {
        return windowBits == PerMessageDeflateConfig.MAX_WINDOW_BITS ? new Jdk(level) : new Jz(level, windowBits);
    }

    /** The zlib state a compressor for {@code windowBits} (8 to 15) holds, see {@link ZlibMemory#deflater}. */
    static long memory(int windowBits) {
        return windowBits == PerMessageDeflateConfig.MAX_WINDOW_BITS
            ? ZlibMemory.deflater(windowBits, ZlibMemory.JDK_MEM_LEVEL)
            : ZlibMemory.deflater(Math.max(9, windowBits), Jz.memLevel(windowBits));
    }

    /**
     * The calling thread's compressor for these settings, for messages compressed without context takeover: such
     * a message is compressed in one call and the stream reset after it, so a connection needs no compressor of its
     * own. Call {@link #reset()} after use.
     */
    static Compressor shared(int level, int windowBits) {
        Compressor[] compressors = SHARED.get();
        int index = level * 16 + windowBits;
        Compressor compressor = compressors[index];
        if (compressor == null) {
            compressor = create(level, windowBits);
            compressors[index] = compressor;
        }
        return compressor;
    }

    /**
     * Compresses {@code in} (not consumed, not released) into a new buffer, ending with a sync flush.
     *
     * @param alloc where the output comes from
     * @param in the bytes to compress
     * @param last whether this ends the message: then the trailing {@code 00 00 ff ff} is dropped
     * @return the compressed bytes, owned by the caller
     */
    final ByteBuf compress(ByteBufAllocator alloc, ByteBuf in, boolean last) {
        int length = in.readableBytes();
        ByteBuf out = newOutput(alloc, length / 2 + 64);
        try {
            deflate(in, out);
            if (!out.isReadable()) {
                // zlib flushes nothing when nothing happened since the last flush (an empty message or fragment);
                // an empty stored block keeps the stream byte-aligned and gives the final chunk its tail.
                out.writeBytes(EMPTY_BLOCK);
            }
            if (last) {
                // A sync flush always ends with an empty stored block, whose LEN and NLEN are 00 00 ff ff.
                if (out.readableBytes() < TAIL_LENGTH || out.getInt(out.writerIndex() - TAIL_LENGTH) != 0x0000ffff) {
                    throw new IllegalStateException("the DEFLATE output does not end with a sync flush");
                }
                out.writerIndex(out.writerIndex() - TAIL_LENGTH);
            }
            return out;
        } catch (Throwable t) {
            out.release();
            throw t;
        }
    }

    abstract ByteBuf newOutput(ByteBufAllocator alloc, int initialCapacity);

    /** Compresses all of {@code in} with a sync flush, appending to {@code out} and growing it as needed. */
    abstract void deflate(ByteBuf in, ByteBuf out);

    /** Starts a new stream: forgets the history (no context takeover). */
    abstract void reset();

    /** Frees the native or heap state; the compressor is unusable afterwards. */
    abstract void end();

    /** The JDK's zlib, 15-bit window. */
    private static final class Jdk extends Compressor {
        private final Deflater deflater;

        Jdk(int level) {
            deflater = new Deflater(level, true);
        }

        @Override
        ByteBuf newOutput(ByteBufAllocator alloc, int initialCapacity) {
            return alloc.buffer(initialCapacity);
        }

        @Override
        void deflate(ByteBuf in, ByteBuf out) {
            deflater.setInput(in.nioBuffer());
            while (true) {
                out.ensureWritable(Math.max(64, out.writableBytes()));
                ByteBuffer target = out.nioBuffer(out.writerIndex(), out.writableBytes());
                int space = target.remaining();
                int written = deflater.deflate(target, Deflater.SYNC_FLUSH);
                out.writerIndex(out.writerIndex() + written);
                // A full output buffer may hide more pending output; a partly filled one means the flush is done.
                if (written < space) {
                    break;
                }
            }
            deflater.setInput(EMPTY);
        }

        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

        @Override
        void reset() {
            deflater.reset();
        }

        @Override
        void end() {
            deflater.end();
        }
    }

    /** JZlib (pure Java), for windows below 15 bits. */
    private static final class Jz extends Compressor {
        private final int level;
        private final int windowBits;
        private com.jcraft.jzlib.Deflater deflater;

        Jz(int level, int windowBits) {
            this.level = level;
            this.windowBits = Math.max(9, windowBits);
            deflater = newDeflater();
        }

        private com.jcraft.jzlib.Deflater newDeflater() {
            try {
                return new com.jcraft.jzlib.Deflater(level, windowBits, memLevel(windowBits), JZlib.WrapperType.NONE);
            } catch (GZIPException e) {
                throw new IllegalStateException("cannot create a JZlib deflater: " + e.getMessage(), e);
            }
        }

        /**
         * zlib's memLevel sizes the hash table and the literal buffer, 64 KiB each at the default 8, whatever the
         * window; a peer that asks for a small window wants a small compressor, so they shrink with it (9 bits: 2).
         */
        static int memLevel(int windowBits) {
            return Math.max(1, Math.min(8, windowBits - 7));
        }

        @Override
        ByteBuf newOutput(ByteBufAllocator alloc, int initialCapacity) {
            return alloc.heapBuffer(initialCapacity);
        }

        @Override
        void deflate(ByteBuf in, ByteBuf out) {
            int length = in.readableBytes();
            if (in.hasArray()) {
                deflater.setInput(in.array(), in.arrayOffset() + in.readerIndex(), length, false);
            } else {
                byte[] copy = new byte[length];
                in.getBytes(in.readerIndex(), copy);
                deflater.setInput(copy, 0, length, false);
            }
            while (true) {
                out.ensureWritable(Math.max(64, out.writableBytes()));
                int space = out.writableBytes();
                deflater.setOutput(out.array(), out.arrayOffset() + out.writerIndex(), space);
                int result = deflater.deflate(JZlib.Z_SYNC_FLUSH);
                if (result != JZlib.Z_OK && result != JZlib.Z_BUF_ERROR) {
                    throw new IllegalStateException("JZlib deflate failed: " + result + ' ' + deflater.msg);
                }
                int written = space - deflater.avail_out;
                out.writerIndex(out.writerIndex() + written);
                if (written < space) {
                    break;
                }
            }
            deflater.setInput(EMPTY_ARRAY, 0, 0, false);
        }

        private static final byte[] EMPTY_ARRAY = new byte[0];

        @Override
        void reset() {
            // JZlib has no public deflateReset: start a new stream.
            deflater.end();
            deflater = newDeflater();
        }

        @Override
        void end() {
            deflater.end();
        }
    }
}
