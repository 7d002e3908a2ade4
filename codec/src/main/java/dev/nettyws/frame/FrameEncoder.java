package dev.nettyws.frame;

import dev.nettyws.internal.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Turns {@link Frame}s into bytes (RFC 6455 §5.2), always with the minimal length encoding. A client masks every
 * frame with a fresh key from {@link FrameConfig#maskingKeySource()} (§5.3); a server never masks.
 *
 * <p><b>Buffers.</b> The encoder releases every frame written to it. Small frames, and every masked frame, are
 * written into one buffer of exactly the encoded size. An unmasked frame of {@value #ZERO_COPY_THRESHOLD} bytes or
 * more is written as a small header buffer followed by its own payload, which is not copied: the frame's reference
 * passes to the transport. Anything that is not a {@link Frame}, such as a {@link ByteBuf} holding a frame encoded
 * once by {@link #encode(ByteBufAllocator, Frame)} for many connections, passes through untouched.
 *
 * <p>One instance per channel; called on the channel's event loop only.
 */
public class FrameEncoder extends MessageToByteEncoder<Frame> {
    /**
     * Unmasked payloads from this size on are written without copying. Below it, one copy into a single buffer is
     * cheaper than a second buffer and write.
     */
    public static final int ZERO_COPY_THRESHOLD = 1024;

    private static final int MASK_BIT = 0x80;

    private final Role role;
    private final boolean mask;
    private final MaskingKeySource maskingKeys;
    private Connection connection;

    /**
     * Creates an encoder.
     *
     * @param config role (decides masking) and the masking key source
     */
    public FrameEncoder(FrameConfig config) {
        super(Frame.class, true);
        this.role = config.role();
        this.mask = role.masksOutbound();
        this.maskingKeys = config.maskingKeySource();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel(), role);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof CloseFrame) {
            // Every close frame passes here, whoever wrote it: the connection learns that no second one may follow.
            promise = connection.closeFrameWriting((CloseFrame) msg, promise);
        }
        if (!mask && msg instanceof Frame) {
            Frame frame = (Frame) msg;
            ByteBuf payload = frame.content();
            int length = payload.readableBytes();
            if (length >= ZERO_COPY_THRESHOLD && !frame.isControl()) {
                ByteBuf header;
                try {
                    header = ctx.alloc().ioBuffer(headerLength(length, false));
                    writeHeader(header, frame.headerByte(), length, false, 0);
                } catch (Throwable t) {
                    frame.release();
                    promise.tryFailure(t);
                    return;
                }
                ctx.write(header, promise.isVoid() ? promise : ctx.newPromise());
                // The frame's one reference is its payload's: it now belongs to the transport.
                ctx.write(payload, promise);
                return;
            }
        }
        super.write(ctx, msg, promise);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int length = frame.content().readableBytes();
        return ctx.alloc().ioBuffer(headerLength(length, mask) + length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        encodeInto(frame, out, mask, mask ? maskingKeys.nextKey() : 0);
    }

    /**
     * Encodes an unmasked (server) frame into one new buffer, for writing the same bytes to many connections: write
     * {@code retainedDuplicate()}s of the result to each channel, then release it. The frame is released. Such bytes
     * pass a permessage-deflate deflater untouched: they go out uncompressed, which RFC 7692 §6 allows.
     *
     * @param alloc where the buffer comes from
     * @param frame the frame; released by this call
     * @return a buffer owned by the caller holding the encoded frame
     */
    public static ByteBuf encode(ByteBufAllocator alloc, Frame frame) {
        try {
            int length = frame.content().readableBytes();
            ByteBuf out = alloc.buffer(headerLength(length, false) + length);
            encodeInto(frame, out, false, 0);
            return out;
        } finally {
            frame.release();
        }
    }

    private static void encodeInto(Frame frame, ByteBuf out, boolean mask, int key) {
        ByteBuf payload = frame.content();
        int length = payload.readableBytes();
        if (frame.isControl() && length > ControlPayloads.MAX_LENGTH) {
            throw new EncoderException("control frame payload of " + length + " bytes exceeds 125 (RFC 6455 §5.5)");
        }
        writeHeader(out, frame.headerByte(), length, mask, key);
        if (mask) {
            Masking.maskCopy(payload, out, key);
        } else {
            out.writeBytes(payload, payload.readerIndex(), length);
        }
    }

    /** The size of a header for this payload length: 2, 4 or 10 bytes, plus 4 when masked. */
    static int headerLength(int payloadLength, boolean masked) {
        int lengthBytes = payloadLength <= 125 ? 0 : payloadLength <= 0xFFFF ? 2 : 8;
        return 2 + lengthBytes + (masked ? 4 : 0);
    }

    private static void writeHeader(ByteBuf out, int b0, int length, boolean masked, int key) {
        int maskBit = masked ? MASK_BIT : 0;
        if (length <= 125) {
            out.writeShort(b0 << 8 | maskBit | length);
        } else if (length <= 0xFFFF) {
            out.writeShort(b0 << 8 | maskBit | 126);
            out.writeShort(length);
        } else {
            out.writeShort(b0 << 8 | maskBit | 127);
            out.writeLong(length);
        }
        if (masked) {
            out.writeInt(key);
        }
    }
}
