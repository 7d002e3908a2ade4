package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;

/**
 * A pong control frame (opcode 0xA): the answer to a ping, or an unsolicited heartbeat (RFC 6455 §5.5.3).
 *
 * <p>Ownership and threading as for every {@link Frame}: the holder of a reference releases it.
 */
public final class PongFrame extends Frame {

    /**
     * Creates a pong.
     *
     * @param payload at most 125 bytes of application data; ownership passes to this frame
     * @throws IllegalArgumentException if the payload is longer than 125 bytes
     */
    public PongFrame(ByteBuf payload) {
        super(true, 0, ControlPayloads.checkLength(payload));
    }

    @Override
    public Opcode opcode() {
        return Opcode.PONG;
    }

    @Override
    public PongFrame replace(ByteBuf content) {
        return new PongFrame(content);
    }
}
