package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One WebSocket frame (RFC 6455 §5.2): the FIN bit, the three RSV bits, an opcode given by the subclass, and the
 * (unmasked) application payload.
 *
 * <p><b>Ownership.</b> A frame is a reference-counted {@link io.netty.buffer.ByteBufHolder} whose count is its
 * payload's. Whoever receives a frame owns one reference and must release it exactly once: a handler that consumes
 * a frame from {@code channelRead} releases it (or passes it on, which passes ownership); a frame handed to
 * {@code write} is released by the encoder. Frames decoded by {@link FrameDecoder} carry their read buffer itself
 * (a read of exactly one frame) or a slice of the decoder's input, so holding on to one keeps that buffer alive: copy
 * what you keep for long.
 *
 * <p>Frames are not thread-safe; like any message in a Netty pipeline, hand them from one thread to another only
 * through the channel.
 */
public abstract class Frame extends DefaultByteBufHolder {
    /** FIN in the first header byte. */
    static final int FIN = 0x80;
    /** The three RSV bits in the first header byte. */
    static final int RSV_MASK = 0x70;
    /** RSV1, the bit permessage-deflate uses (RFC 7692 §6). */
    public static final int RSV1 = 0x40;
    /** RSV2. */
    public static final int RSV2 = 0x20;
    /** RSV3. */
    public static final int RSV3 = 0x10;

    /** FIN and RSV exactly as in the first header byte (low nibble zero). */
    private final byte flags;
    /**
     * Set by {@link FrameDecoder} on a frame whose payload is a read buffer it took whole: nothing else shares its
     * memory, and the frame's inbound header sits just before its reader index. {@link FrameEncoder} may write the
     * outbound header there when this frame is written back (see {@code FrameEncoder#headerFitsInPlace}).
     */
    boolean payloadIsWholeRead;

    /**
     * Creates a frame.
     *
     * @param fin whether this is the final fragment of its message
     * @param rsv the RSV bits, a combination of {@link #RSV1}, {@link #RSV2} and {@link #RSV3}
     * @param payload the payload; ownership passes to this frame (released if the constructor throws)
     * @throws IllegalArgumentException if {@code rsv} has bits outside RSV1-RSV3
     */
    protected Frame(boolean fin, int rsv, ByteBuf payload) {
        super(checkRsv(rsv, payload));
        this.flags = (byte) ((fin ? FIN : 0) | rsv);
    }

    /** Refuses RSV values outside RSV1-RSV3; the payload was handed over, so a refusal releases it. */
    private static ByteBuf checkRsv(int rsv, ByteBuf payload) {
        if ((rsv & ~RSV_MASK) != 0) {
            payload.release();
            throw new IllegalArgumentException("rsv must combine RSV1, RSV2 and RSV3: 0x" + Integer.toHexString(rsv));
        }
        return payload;
    }

    /** The opcode of this frame. */
    public abstract Opcode opcode();

    /** Whether this frame ends its message (the FIN bit). Control frames are always final. */
    public final boolean isFinal() {
        return (flags & FIN) != 0;
    }

    /** The RSV bits as in the first header byte: a combination of {@link #RSV1}, {@link #RSV2}, {@link #RSV3}. */
    public final int rsv() {
        return flags & RSV_MASK;
    }

    /** The first header byte: FIN, RSV and opcode. */
    final int headerByte() {
        return (flags & 0xF0) | opcode().code();
    }

    /** Shortcut for {@code opcode().isControl()}. */
    public final boolean isControl() {
        return opcode().isControl();
    }

    @Override
    public abstract Frame replace(ByteBuf content);

    @Override
    public Frame copy() {
        return replace(content().copy());
    }

    @Override
    public Frame duplicate() {
        return replace(content().duplicate());
    }

    @Override
    public Frame retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public Frame retain() {
        super.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        super.touch();
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(fin=" + isFinal() + ", rsv=" + (rsv() >> 4)
            + ", length=" + content().readableBytes() + ')';
    }
}
