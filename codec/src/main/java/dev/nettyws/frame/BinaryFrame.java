package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;

/**
 * A binary data frame (opcode 0x2): the first, or only, frame of a binary message (RFC 6455 §5.6).
 *
 * <p>Ownership and threading as for every {@link Frame}: the holder of a reference releases it.
 */
public final class BinaryFrame extends Frame {

    /**
     * Creates a frame.
     *
     * @param fin whether this frame is the whole message
     * @param rsv RSV bits, normally 0 (see {@link Frame#rsv()})
     * @param payload the payload; ownership passes to this frame
     */
    public BinaryFrame(boolean fin, int rsv, ByteBuf payload) {
        super(fin, rsv, payload);
    }

    /**
     * Creates a whole binary message in one frame.
     *
     * @param payload the payload; ownership passes to this frame
     */
    public BinaryFrame(ByteBuf payload) {
        this(true, 0, payload);
    }

    @Override
    public Opcode opcode() {
        return Opcode.BINARY;
    }

    @Override
    public BinaryFrame replace(ByteBuf content) {
        return new BinaryFrame(isFinal(), rsv(), content);
    }
}
