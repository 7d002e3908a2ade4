package dev.nettyws.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Random;

/**
 * Writes RFC 6455 §5.2 frames byte by byte, masked (as a client must) or not (as a server must). Written for the test
 * kit so that what a test sends does not depend on the frame encoder it tests.
 */
final class FrameWriter {
    private final boolean mask;
    private final Random random;

    /**
     * Creates a writer.
     *
     * @param mask whether to mask every frame (client to server)
     * @param seed the seed of the masking keys, so that a failing test can be replayed byte for byte
     */
    FrameWriter(boolean mask, long seed) {
        this.mask = mask;
        this.random = new Random(seed);
    }

    /** A new buffer from {@code alloc} with one frame; the caller owns it. */
    ByteBuf write(ByteBufAllocator alloc, int opcode, boolean fin, int rsv, byte[] payload) {
        ByteBuf out = alloc.buffer(14 + payload.length);
        out.writeByte((fin ? 0x80 : 0) | (rsv & 0x70) | (opcode & 0x0f));
        int maskBit = mask ? 0x80 : 0;
        if (payload.length < 126) {
            out.writeByte(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.writeByte(maskBit | 126).writeShort(payload.length);
        } else {
            out.writeByte(maskBit | 127).writeLong(payload.length);
        }
        if (!mask) {
            return out.writeBytes(payload);
        }
        byte[] key = new byte[4];
        random.nextBytes(key);
        out.writeBytes(key);
        for (int i = 0; i < payload.length; i++) {
            out.writeByte(payload[i] ^ key[i & 3]);
        }
        return out;
    }
}
