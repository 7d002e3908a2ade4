package dev.nettyws.frame;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteOrder;

/**
 * The shapes of buffer the byte loops (masking, UTF-8) must treat alike: heap and direct, pooled, sliced at an odd
 * offset (an array offset or an address that is not the allocation's), little-endian views (eight-byte reads must
 * still see wire order), and composite (no array, no address: the {@code ByteBuf} path).
 */
enum BufferKind {
    HEAP, DIRECT, ADAPTIVE_DIRECT, HEAP_SLICE, DIRECT_SLICE, HEAP_LITTLE_ENDIAN, DIRECT_LITTLE_ENDIAN, COMPOSITE;

    private static final AdaptiveByteBufAllocator ADAPTIVE = new AdaptiveByteBufAllocator();

    /**
     * A buffer of this kind holding {@code content} at indices 0 to {@code content.length}, with room for
     * {@code extra} more bytes after it (a composite grows when written to instead). Released by the caller.
     */
    @SuppressWarnings("deprecation") // ByteBuf.order: the views under test
    ByteBuf holding(byte[] content, int extra) {
        int capacity = content.length + extra;
        switch (this) {
            case HEAP:
                return Unpooled.buffer(capacity).writeBytes(content);
            case DIRECT:
                return Unpooled.directBuffer(capacity).writeBytes(content);
            case ADAPTIVE_DIRECT:
                return ADAPTIVE.directBuffer(capacity).writeBytes(content);
            case HEAP_SLICE:
                return Unpooled.buffer(capacity + 3).writeZero(3).writeBytes(content).slice(3, capacity)
                    .writerIndex(content.length);
            case DIRECT_SLICE:
                return Unpooled.directBuffer(capacity + 5).writeZero(5).writeBytes(content).slice(5, capacity)
                    .writerIndex(content.length);
            case HEAP_LITTLE_ENDIAN:
                return Unpooled.buffer(capacity).writeBytes(content).order(ByteOrder.LITTLE_ENDIAN);
            case DIRECT_LITTLE_ENDIAN:
                return Unpooled.directBuffer(capacity).writeBytes(content).order(ByteOrder.LITTLE_ENDIAN);
            default:
                // Three components split at odd places, the last with the spare room.
                int first = content.length / 3;
                int second = content.length / 2;
                CompositeByteBuf composite = Unpooled.compositeBuffer();
                composite.addComponent(true, Unpooled.buffer(first).writeBytes(content, 0, first));
                composite.addComponent(true, Unpooled.directBuffer(second - first)
                    .writeBytes(content, first, second - first));
                composite.addComponent(true, Unpooled.buffer(content.length - second + extra)
                    .writeBytes(content, second, content.length - second));
                return composite;
        }
    }
}
