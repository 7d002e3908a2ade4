package dev.nettyws.frame;

import dev.nettyws.internal.Connection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.WrappedByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Turns {@link Frame}s into bytes (RFC 6455 §5.2), always with the minimal length encoding. A client masks every
 * frame with a fresh key from {@link FrameConfig#maskingKeySource()} (§5.3), drawn from the source
 * 16 at a time; a server never masks.
 *
 * <p><b>Buffers.</b> The encoder releases every frame written to it. Small frames, and every masked frame, are
 * written into one buffer of exactly the encoded size. An unmasked frame of {@value #ZERO_COPY_THRESHOLD} bytes or
 * more is written as a small header buffer followed by its own payload, which is not copied: the frame's reference
 * passes to the transport, unless its memory is more than twice its size ({@link #holdsLittleMore}: then it is
 * copied, so the outbound queue holds what the write limits count). Frames of up to
 * {@value #MAX_GATHERED_PAYLOAD} payload bytes written with the
 * {@linkplain io.netty.channel.Channel#voidPromise() void promise} while the channel is writable are instead encoded
 * back to back into one buffer that goes on at the next flush (at most 16 KiB are held back this way), so a batch
 * of messages costs the transport one buffer instead of one or two per frame; a frame written with any other
 * promise is written on its own, after whatever was gathered. A frame that {@link FrameDecoder} read whole, written
 * back unmasked (an echo), goes out as the read buffer itself, its header written over the inbound header's bytes
 * before the payload, when nothing else can see those bytes ({@link #headerFitsInPlace}). Anything that is not a
 * {@link Frame}, such as a {@link ByteBuf} holding a frame encoded once by {@link #encode(ByteBufAllocator, Frame)}
 * for many connections, passes through untouched.
 *
 * <p><b>Subclasses.</b> It is a {@link MessageToByteEncoder} of {@link Frame}s, but {@link #write} is its own: a
 * subclass's {@link #encode} and {@link #allocateBuffer} are used for frames copied into a buffer of their own, while
 * gathered frames are encoded into the shared gather buffer (so {@code encode} must only append to {@code out}) and
 * large unmasked frames skip both; {@code acceptOutboundMessage} and {@code isPreferDirect} are not consulted.
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
    /** The longest frame header: two bytes, an eight-byte length and a masking key. */
    private static final int MAX_HEADER_LENGTH = 14;
    /** Unmasked payloads below this size are copied eight bytes at a time rather than by a memory copy. */
    private static final int SMALL_COPY = 256;
    /**
     * Payloads up to this size written with the void promise are gathered (copied): copying a few KiB costs less than
     * the header buffer and second outbound entry of a frame sent without a copy.
     */
    static final int MAX_GATHERED_PAYLOAD = 4096;
    /** The most bytes of small frames gathered into one buffer before a flush (see {@link #gather}). */
    static final int GATHER_LIMIT = 16 * 1024;
    private static final int GATHER_INITIAL = 1024;
    /** Masking keys drawn from the source at a time: one look-up of a per-thread source per this many frames. */
    private static final int KEYS_PER_DRAW = 16;

    /** Role and masking key source, read where needed: one shared reference instead of copies per connection. */
    private final FrameConfig config;
    private final boolean mask;
    private Connection connection;
    /** Keys drawn ahead for the next masked frames (client role only; created with the first masked frame). */
    private int[] keys;
    private int nextKeyIndex = KEYS_PER_DRAW;
    /** Small frames written with the void promise since the last flush, encoded back to back; or null. */
    private ByteBuf gathered;
    /**
     * Null outside {@link #write}; inside it {@link #WRITING}, or the queue of writes made meanwhile (message, promise,
     * ...) by handlers reacting to an event the write fired, such as a writability change: they follow it.
     */
    private Object reentered;
    private static final Object WRITING = new Object();

    /**
     * Creates an encoder.
     *
     * @param config role (decides masking) and the masking key source
     */
    public FrameEncoder(FrameConfig config) {
        super(Frame.class, true);
        this.config = config;
        this.mask = config.role().masksOutbound();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel(), config.role());
    }

    /**
     * Writes a frame as {@link MessageToByteEncoder#write} would ({@link #allocateBuffer}, {@link #encode}, release
     * the frame, pass the bytes on), without its generic steps per frame (a type check through a matcher, the
     * payload length read three times); an unmasked payload of {@value #ZERO_COPY_THRESHOLD} bytes or more goes out
     * behind its header without a copy, and small frames written with the void promise are gathered into one
     * buffer until the next flush ({@link #gather}). Anything that is not a frame passes through.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (reentered != null) {
            // A frame may pass the transport in several buffers, and the channel fires its writability change inside
            // the first: a write made then waits until this one is whole, as it would behind a single buffer.
            @SuppressWarnings("unchecked")
            ArrayDeque<Object> queue = reentered == WRITING ? new ArrayDeque<>(4) : (ArrayDeque<Object>) reentered;
            queue.add(msg);
            queue.add(promise);
            reentered = queue;
            return;
        }
        reentered = WRITING;
        try {
            writeNow(ctx, msg, promise);
            while (reentered != WRITING) {
                @SuppressWarnings("unchecked")
                ArrayDeque<Object> queue = (ArrayDeque<Object>) reentered;
                Object next = queue.poll();
                if (next == null) {
                    break;
                }
                writeNow(ctx, next, (ChannelPromise) queue.poll());
            }
        } catch (Throwable t) {
            failReentered(t);
            throw t;
        } finally {
            reentered = null;
        }
    }

    private void failReentered(Throwable cause) {
        if (reentered instanceof ArrayDeque) {
            ArrayDeque<?> queue = (ArrayDeque<?>) reentered;
            for (Object next; (next = queue.poll()) != null;) {
                ReferenceCountUtil.release(next);
                ((ChannelPromise) queue.poll()).tryFailure(cause);
            }
        }
    }

    private void writeNow(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Frame)) {
            writeGathered(ctx);
            ctx.write(msg, promise);
            return;
        }
        Frame frame = (Frame) msg;
        if (frame instanceof CloseFrame) {
            // Every close frame passes here, whoever wrote it: the connection learns that no second one may follow.
            promise = connection.closeFrameWriting((CloseFrame) frame, promise);
        }
        ByteBuf payload = frame.content();
        int length = payload.readableBytes();
        // Not while the channel is unwritable: then every byte must reach the transport inside the write that made
        // it, where a write limit measures the queue (held back until the flush, it would look like no progress).
        boolean gather = promise.isVoid() && length <= MAX_GATHERED_PAYLOAD && ctx.channel().isWritable();
        // Control frames are encoded (their length is checked there); a whole read shared by nothing else goes back.
        if (frame.payloadIsWholeRead && !mask && !frame.isControl()
                && !(gather && gathered != null && gathered.isReadable())
                && headerFitsInPlace(payload, headerLength(length, false))) {
            // A frame read whole and written back (an echo, a relay): its header goes where the inbound header was,
            // and the read buffer itself is the one outbound entry, with no buffer allocated and nothing copied.
            writeGathered(ctx);
            int start = payload.readerIndex() - headerLength(length, false);
            setHeader(payload, start, frame.headerByte(), length);
            ctx.write(payload.readerIndex(start), promise);
            return;
        }
        if (!gather && !mask && length >= ZERO_COPY_THRESHOLD && !frame.isControl()
                && holdsLittleMore(payload, length)) {
            writeGathered(ctx);
            writeHeaderThenPayload(ctx, frame, payload, length, promise);
            return;
        }
        if (gather) {
            int size = headerLength(length, mask) + length;
            if (gathered != null && gathered.writableBytes() < size && gathered.maxWritableBytes() < size) {
                writeGathered(ctx);
            }
            if (ctx.channel().isWritable()) {
                gather(ctx, frame, size);
                return;
            }
        }
        writeGathered(ctx);
        ByteBuf out = null;
        try {
            out = allocateBuffer(ctx, frame, true);
            encode(ctx, frame, out);
        } catch (Throwable t) {
            if (out != null) {
                out.release();
            }
            throw t instanceof EncoderException ? (EncoderException) t : new EncoderException(t);
        } finally {
            frame.release();
        }
        ctx.write(out, promise);
    }

    /**
     * Encodes a small frame written with the void promise (nobody waits for it alone) into the buffer gathered
     * until the next flush, so that a batch of small frames becomes one buffer, one outbound entry and one piece of
     * a gathering write rather than one each. At most {@value #GATHER_LIMIT} bytes are held back from the outbound
     * buffer this way (and from its writability accounting); the caller sends what is gathered on first when the
     * frame does not fit. The frame is released whatever happens.
     *
     * @param size the frame's encoded size
     */
    private void gather(ChannelHandlerContext ctx, Frame frame, int size) {
        int start = -1;
        try {
            if (gathered == null) {
                gathered = ctx.alloc().ioBuffer(Math.max(GATHER_INITIAL, size), GATHER_LIMIT);
            }
            start = gathered.writerIndex();
            encode(ctx, frame, gathered);
        } catch (Throwable t) {
            if (start >= 0) {
                gathered.writerIndex(start);
            }
            throw t instanceof EncoderException ? (EncoderException) t : new EncoderException(t);
        } finally {
            frame.release();
        }
    }

    /** Passes on what {@link #gather} has collected, keeping it in order before whatever is written next. */
    private void writeGathered(ChannelHandlerContext ctx) {
        ByteBuf out = gathered;
        if (out != null) {
            gathered = null;
            if (out.isReadable()) {
                ctx.write(out, ctx.voidPromise());
            } else {
                out.release();
            }
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        writeGathered(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        writeGathered(ctx);
        ctx.close(promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        writeGathered(ctx);
        ctx.disconnect(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (gathered != null) {
            ByteBuf out = gathered;
            gathered = null;
            if (ctx.channel().isActive()) {
                // Removed from a live pipeline: what was written still goes out, in order, to the next handler.
                ctx.write(out, ctx.voidPromise());
            } else {
                // The channel is gone: dropped, as any unflushed write is.
                out.release();
            }
        }
    }

    /**
     * Whether an unmasked header of {@code headerLength} bytes may be written into the bytes just before
     * {@code payload}'s reader index: the payload must be held by nobody else (one reference: an application that
     * retained it to read it later keeps it untouched), not share its memory with another buffer (not a slice,
     * duplicate or composite, whose bytes before the reader index belong to something else), writable, and have
     * that many bytes before its reader index. The decoder's mark ({@link Frame#payloadIsWholeRead}) says that
     * those bytes are a read's own header, not memory an application wrapped.
     */
    static boolean headerFitsInPlace(ByteBuf payload, int headerLength) {
        if (payload.readerIndex() < headerLength || payload.refCnt() != 1 || payload.isReadOnly()
                || !holdsLittleMore(payload, payload.readableBytes())) {
            return false;
        }
        // Leak detection wraps the buffer it tracks; the wrapper shares the buffer's indices and reference count.
        ByteBuf root = payload instanceof WrappedByteBuf ? payload.unwrap() : payload;
        return root.unwrap() == null && !(root instanceof CompositeByteBuf);
    }

    /**
     * Whether passing {@code payload} itself to the transport holds little more memory than the {@code length} bytes
     * the outbound buffer and the write limits count: its underlying buffer is at most twice that (plus a header's
     * room). A few bytes read into a large buffer are copied instead, or a peer could queue whole read buffers (up to
     * 64 KiB each) for a few bytes counted apiece.
     */
    static boolean holdsLittleMore(ByteBuf payload, int length) {
        ByteBuf root = payload;
        for (ByteBuf inner; (inner = root.unwrap()) != null; ) {
            root = inner;
        }
        return root.capacity() <= 2L * length + MAX_HEADER_LENGTH;
    }

    /** {@link #writeHeader} for an unmasked header at an absolute index, indices unchanged. */
    private static void setHeader(ByteBuf out, int index, int b0, int length) {
        if (length <= 125) {
            out.setShort(index, b0 << 8 | length);
        } else if (length <= 0xFFFF) {
            out.setShort(index, b0 << 8 | 126);
            out.setShort(index + 2, length);
        } else {
            out.setShort(index, b0 << 8 | 127);
            out.setLong(index + 2, length);
        }
    }

    private static void writeHeaderThenPayload(ChannelHandlerContext ctx, Frame frame, ByteBuf payload, int length,
            ChannelPromise promise) {
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
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int length = frame.content().readableBytes();
        return ctx.alloc().ioBuffer(headerLength(length, mask) + length);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        encodeInto(frame, out, mask, mask ? nextMaskingKey() : 0);
    }

    /** A fresh key per frame (RFC 6455 §5.3), from the keys drawn ahead. */
    private int nextMaskingKey() {
        if (nextKeyIndex == KEYS_PER_DRAW) {
            if (keys == null) {
                keys = new int[KEYS_PER_DRAW];
            }
            config.maskingKeySource().nextKeys(keys);
            nextKeyIndex = 0;
        }
        return keys[nextKeyIndex++];
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
        if (mask || length < SMALL_COPY) {
            // A key of 0 copies: eight bytes at a time beats a memory copy call for small payloads.
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
