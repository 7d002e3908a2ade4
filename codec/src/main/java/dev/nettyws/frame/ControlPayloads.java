package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;

/** Rules shared by the control frames (RFC 6455 §5.5). */
final class ControlPayloads {
    /** §5.5: all control frames MUST have a payload length of 125 bytes or less. */
    static final int MAX_LENGTH = 125;

    private ControlPayloads() {
    }

    static ByteBuf checkLength(ByteBuf payload) {
        int length = payload.readableBytes();
        if (length > MAX_LENGTH) {
            payload.release();
            throw new IllegalArgumentException("control frame payload of " + length + " bytes exceeds 125");
        }
        return payload;
    }
}
