package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;

/**
 * A ping control frame (opcode 0x9): the peer must answer it with a pong carrying the same payload (RFC 6455 §5.5.2).
 *
 * <p>Ownership and threading as for every {@link Frame}: the holder of a reference releases it.
 */
public final class PingFrame extends Frame {

    /**
     * Creates a ping.
     *
     * @param payload at most 125 bytes of application data; ownership passes to this frame
     * @throws IllegalArgumentException if the payload is longer than 125 bytes
     */
    public PingFrame(ByteBuf payload) {
        super(true, 0, ControlPayloads.checkLength(payload));
    }

    @Override
    public Opcode opcode() {
        return Opcode.PING;
    }

    @Override
    public PingFrame replace(ByteBuf content) {
        return new PingFrame(content);
    }
}
