package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * A text data frame (opcode 0x1): the first, or only, frame of a text message (RFC 6455 §5.6). The payload of a
 * whole text message is UTF-8; a single fragment may end inside a character, so {@link #text()} is meaningful only
 * for a final, unfragmented frame (the decoder has validated the bytes by then).
 *
 * <p>Ownership and threading as for every {@link Frame}: the holder of a reference releases it.
 */
public final class TextFrame extends Frame {
    /**
     * Creates a frame.
     *
     * @param fin whether this frame is the whole message
     * @param rsv RSV bits, normally 0 (see {@link Frame#rsv()})
     * @param payload UTF-8 bytes; ownership passes to this frame
     */
    public TextFrame(boolean fin, int rsv, ByteBuf payload) {
        super(fin, rsv, payload);
    }

    /**
     * Creates a whole text message in one frame.
     *
     * @param payload UTF-8 bytes; ownership passes to this frame
     */
    public TextFrame(ByteBuf payload) {
        this(true, 0, payload);
    }

    /**
     * Creates a whole text message in one frame, encoding {@code text} as UTF-8 into an unpooled heap buffer.
     *
     * @param text the message
     */
    public TextFrame(String text) {
        this(true, 0, text.isEmpty() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(text.getBytes(
            StandardCharsets.UTF_8)));
    }

    /** The payload decoded as UTF-8. Does not change the reference count. */
    public String text() {
        ByteBuf payload = content();
        return payload.toString(payload.readerIndex(), payload.readableBytes(), StandardCharsets.UTF_8);
    }

    /**
     * Encodes {@code text} as UTF-8 into a buffer from {@code alloc}.
     *
     * @param alloc where the payload comes from (usually {@code ctx.alloc()})
     * @param text the message
     * @return a frame owning a new buffer
     */
    public static TextFrame of(ByteBufAllocator alloc, CharSequence text) {
        return new TextFrame(ByteBufUtil.writeUtf8(alloc, text));
    }

    @Override
    public Opcode opcode() {
        return Opcode.TEXT;
    }

    @Override
    public TextFrame replace(ByteBuf content) {
        return new TextFrame(isFinal(), rsv(), content);
    }
}
