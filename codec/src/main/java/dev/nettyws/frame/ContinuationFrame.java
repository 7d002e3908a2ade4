package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;

/**
 * A continuation frame (opcode 0x0): a later fragment of a fragmented text or binary message (RFC 6455 §5.4).
 *
 * <p>Ownership and threading as for every {@link Frame}: the holder of a reference releases it.
 */
public final class ContinuationFrame extends Frame {

    /**
     * Creates a frame.
     *
     * @param fin whether this fragment ends the message
     * @param rsv RSV bits, normally 0
     * @param payload the payload; ownership passes to this frame
     */
    public ContinuationFrame(boolean fin, int rsv, ByteBuf payload) {
        super(fin, rsv, payload);
    }

    @Override
    public Opcode opcode() {
        return Opcode.CONTINUATION;
    }

    @Override
    public ContinuationFrame replace(ByteBuf content) {
        return new ContinuationFrame(isFinal(), rsv(), content);
    }
}
