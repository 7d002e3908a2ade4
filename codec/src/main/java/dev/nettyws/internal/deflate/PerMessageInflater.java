package dev.nettyws.internal.deflate;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Opcode;
import dev.nettyws.frame.ProtocolViolationException;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.Connection;
import dev.nettyws.internal.Utf8Validator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses inbound data messages (RFC 7692 §7.2.2): sits right after the frame decoder; a message whose first
 * frame has RSV1 set is inflated frame by frame, the last frame with {@code 00 00 ff ff} appended, and passed on as
 * frames with RSV1 clear, so the handlers behind see plain messages. Messages without RSV1 and control frames pass
 * through untouched (§6).
 *
 * <p><b>Bounded.</b> Every message, compressed or not, is held to {@code maxMessageLength}. The inflated size is
 * checked while it grows: output buffers never grow beyond one byte more
 * than what is left of {@code maxMessageLength} for the message, and reaching that byte fails the connection with
 * 1009. A small compressed frame that would inflate to gigabytes (a "zip bomb") therefore costs at most the message
 * limit in memory. The frame decoder validates UTF-8 only of uncompressed text; this handler validates inflated
 * text across fragments (1007 on failure), and data that is not valid DEFLATE also fails with 1007.
 *
 * <p><b>Failing.</b> Through the connection's {@link Connection#fail}, as the frame decoder does (RFC 6455 §7.1.7);
 * the {@link ProtocolViolationException} is fired for the handlers behind, and every later frame released unread.
 *
 * <p><b>Memory.</b> With the peer's context takeover the connection keeps an inflater, created at the first
 * compressed message; its zlib state (39 KiB, {@link ZlibMemory#inflater}) is counted as a compression context of
 * the {@link MemoryBudget} from the moment this handler is added, since the peer may use it at any time (the server
 * negotiator asks for {@code client_no_context_takeover} instead when the budget has no room for it). Without it,
 * unfragmented messages use an inflater shared by the event loop thread, and a fragmented one gets its own until its
 * last frame, reserved as a context too: when the budget cannot cover it, the connection is failed with 1013. Each
 * inflated frame's output reserves its capacity beyond the free allowance while it grows (1013 when the budget is
 * short), until it has been passed on. The inflater is ended, and its reservation returned, with the message (no
 * context takeover), on failure, and when the handler is removed (the channel closed).
 *
 * <p><b>Buffers.</b> Each compressed frame is released once inflated; the inflated frames belong to the next handler.
 * One instance per channel, called on its event loop.
 */
public class PerMessageInflater extends ChannelInboundHandlerAdapter {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Why inflating stopped short of the input's end. */
    private enum Shortfall {
        /** None: all input was inflated. */
        NONE,
        /** The message grew beyond its limit. */
        TOO_BIG,
        /** The memory budget cannot cover the output's growth. */
        OVER_BUDGET
    }

    private static final FastThreadLocal<Inflater> SHARED = new FastThreadLocal<>() {
        @Override
        protected Inflater initialValue() {
            return new Inflater(true);
        }

        @Override
        protected void onRemoval(Inflater inflater) {
            inflater.end();
        }
    };

    /** The zlib state of an inflater of our own, as reserved from the budget. */
    static final long CONTEXT_BYTES = ZlibMemory.inflater(PerMessageDeflateConfig.MAX_WINDOW_BITS);

    private final int maxMessageLength;
    private final boolean validateUtf8;
    private final boolean noContextTakeover;
    private final MemoryBudget budget;
    /** The output of the frame being inflated, until it has been passed on. */
    private final MemoryBudget.Reservation output;
    /** Whether {@link #CONTEXT_BYTES} are reserved: for the peer's context takeover, or a fragmented message. */
    private boolean contextReserved;

    private Inflater own;
    /** The inflater of the message being read, or null between compressed messages. */
    private Inflater current;
    private boolean messageIsText;
    private long messageLength;
    private int utf8State;
    /** The length so far of the uncompressed message being read. */
    private long plainLength;
    private boolean failed;
    /** Why the last {@link #inflate} returned null. */
    private Shortfall shortfall = Shortfall.NONE;

    /**
     * Creates an inflater.
     *
     * @param maxMessageLength the largest inflated message, summed over its frames
     * @param validateUtf8 whether inflated text is checked to be UTF-8
     * @param noContextTakeover whether the peer resets its compression context after each message (negotiated)
     * @param budget the connection's memory budget ({@link dev.nettyws.frame.FrameConfig#memoryBudget()})
     */
    public PerMessageInflater(int maxMessageLength, boolean validateUtf8, boolean noContextTakeover,
                              MemoryBudget budget) {
        this.maxMessageLength = maxMessageLength;
        this.validateUtf8 = validateUtf8;
        this.noContextTakeover = noContextTakeover;
        this.budget = budget;
        this.output = budget.newReservation();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!noContextTakeover && !contextReserved) {
            // The peer keeps its context, so we must keep ours from its first compressed message to the end.
            budget.reserveContext(CONTEXT_BYTES);
            contextReserved = true;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof Frame) || ((Frame) msg).isControl()) {
            ctx.fireChannelRead(msg);
            return;
        }
        Frame frame = (Frame) msg;
        if (frame.opcode() == Opcode.CONTINUATION) {
            if (current == null) {
                passUncompressed(ctx, frame, plainLength);
                return;
            }
        } else {
            if ((frame.rsv() & Frame.RSV1) == 0) {
                passUncompressed(ctx, frame, 0);
                return;
            }
            if (!startMessage(frame)) {
                frame.release();
                fail(ctx, CloseStatus.TRY_AGAIN_LATER, FrameDecoder.BUDGET_EXHAUSTED);
                return;
            }
        }
        ByteBuf inflated;
        try {
            inflated = inflate(ctx, frame.content(), frame.isFinal());
        } catch (DataFormatException e) {
            frame.release();
            fail(ctx, CloseStatus.INVALID_PAYLOAD_DATA, "invalid compressed data");
            return;
        }
        Opcode opcode = frame.opcode();
        boolean fin = frame.isFinal();
        frame.release();
        if (shortfall == Shortfall.TOO_BIG) {
            fail(ctx, CloseStatus.MESSAGE_TOO_BIG, "inflated message exceeds " + maxMessageLength);
            return;
        }
        if (shortfall == Shortfall.OVER_BUDGET) {
            fail(ctx, CloseStatus.TRY_AGAIN_LATER, FrameDecoder.BUDGET_EXHAUSTED);
            return;
        }
        if (messageIsText && validateUtf8) {
            utf8State = Utf8Validator.update(utf8State, inflated, inflated.readerIndex(), inflated.readableBytes());
            if (utf8State == Utf8Validator.REJECT || fin && utf8State != Utf8Validator.ACCEPT) {
                inflated.release();
                fail(ctx, CloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8 in text message");
                return;
            }
        }
        if (fin) {
            endMessage();
        }
        try {
            ctx.fireChannelRead(opcode == Opcode.TEXT ? new TextFrame(fin, 0, inflated)
                : opcode == Opcode.BINARY ? new BinaryFrame(fin, 0, inflated)
                : new ContinuationFrame(fin, 0, inflated));
        } finally {
            // Passed on: an aggregator behind has reserved its own copy; the application owns the rest.
            output.release();
        }
    }

    /**
     * Passes on a frame of an uncompressed message, holding the message to the limit: the frame decoder's own limits
     * are widened for compressed data on a connection with permessage-deflate.
     */
    private void passUncompressed(ChannelHandlerContext ctx, Frame frame, long lengthBefore) {
        plainLength = lengthBefore + frame.content().readableBytes();
        if (plainLength > maxMessageLength) {
            frame.release();
            fail(ctx, CloseStatus.MESSAGE_TOO_BIG, "message exceeds " + maxMessageLength);
            return;
        }
        ctx.fireChannelRead(frame);
    }

    /** Chooses the inflater of a compressed message; false if it needs one of its own that the budget cannot cover. */
    private boolean startMessage(Frame first) {
        messageIsText = first.opcode() == Opcode.TEXT;
        messageLength = 0;
        utf8State = Utf8Validator.ACCEPT;
        if (noContextTakeover && first.isFinal()) {
            current = SHARED.get();
            return true;
        }
        if (!contextReserved) {
            // A fragmented message without context takeover: an inflater of its own until its last frame.
            if (!budget.tryReserveContext(CONTEXT_BYTES)) {
                return false;
            }
            contextReserved = true;
        }
        if (own == null) {
            own = new Inflater(true);
        }
        current = own;
        return true;
    }

    private void endMessage() {
        if (noContextTakeover) {
            if (current == own) {
                releaseInflater();
            } else {
                current.reset();
            }
        } else if (current.finished()) {
            // The peer ended its stream with a final block (§7.2.3.5); its next message starts a new one.
            current.reset();
        }
        current = null;
    }

    /**
     * Inflates {@code in} (and the tail, for the last frame) into a buffer bounded by what is left of the message
     * limit, and reserved from the budget as it grows.
     *
     * @return the inflated bytes, or null with {@link #shortfall} saying why (nothing is kept then)
     */
    private ByteBuf inflate(ChannelHandlerContext ctx, ByteBuf in, boolean last) throws DataFormatException {
        long left = maxMessageLength - messageLength;
        // One byte more than allowed is how an excess shows.
        int cap = (int) Math.min(left + 1, Integer.MAX_VALUE - 8);
        int initial = (int) Math.min(cap, Math.max(256L, in.readableBytes() * 4L));
        if (!output.resize(initial)) {
            shortfall = Shortfall.OVER_BUDGET;
            return null;
        }
        ByteBuf out = ctx.alloc().buffer(initial, cap);
        try {
            shortfall = inflateInto(in.nioBuffer(), out, cap);
            if (shortfall == Shortfall.NONE && last) {
                shortfall = inflateInto(ByteBuffer.wrap(TAIL), out, cap);
            }
            if (shortfall != Shortfall.NONE || !out.isReadable()) {
                out.release();
                output.release();
                return shortfall == Shortfall.NONE ? Unpooled.EMPTY_BUFFER : null;
            }
            messageLength += out.readableBytes();
            return out;
        } catch (DataFormatException | RuntimeException e) {
            out.release();
            output.release();
            throw e;
        }
    }

    /** Feeds {@code input} to the current inflater, until all of it is inflated or the output may grow no more. */
    private Shortfall inflateInto(ByteBuffer input, ByteBuf out, int cap) throws DataFormatException {
        Inflater inflater = current;
        inflater.setInput(input);
        try {
            while (!inflater.finished()) {
                if (out.writerIndex() == cap) {
                    return Shortfall.TOO_BIG;
                }
                if (!out.isWritable() && !output.ensureCapacity(out, out.writerIndex()
                        + Math.min(out.capacity(), cap - out.writerIndex()))) {
                    return Shortfall.OVER_BUDGET;
                }
                ByteBuffer target = out.nioBuffer(out.writerIndex(), out.writableBytes());
                int produced = inflater.inflate(target);
                out.writerIndex(out.writerIndex() + produced);
                if (produced == 0) {
                    if (inflater.needsDictionary()) {
                        throw new DataFormatException("a preset dictionary is not allowed");
                    }
                    if (inflater.needsInput()) {
                        break;
                    }
                }
            }
            return out.writerIndex() < cap ? Shortfall.NONE : Shortfall.TOO_BIG;
        } finally {
            inflater.setInput(EMPTY);
        }
    }

    private void fail(ChannelHandlerContext ctx, int status, String reason) {
        failed = true;
        output.release();
        if (current != null && current != own) {
            current.reset();
        }
        current = null;
        releaseInflater();
        ctx.fireExceptionCaught(Connection.of(ctx.channel(), null).fail(ctx, status, reason));
    }

    /** Ends the connection's own inflater, if any, and returns its context unless the peer's takeover keeps it. */
    private void releaseInflater() {
        if (own != null) {
            own.end();
            own = null;
        }
        if (contextReserved && noContextTakeover) {
            contextReserved = false;
            budget.releaseContext(CONTEXT_BYTES);
        }
    }

    /** Whether this connection holds an inflater of its own now (for tests and memory figures). */
    public boolean hasOwnInflater() {
        return own != null;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (current != null && current != own) {
            current.reset();
        }
        current = null;
        releaseInflater();
        output.release();
        if (contextReserved) {
            contextReserved = false;
            budget.releaseContext(CONTEXT_BYTES);
        }
    }
}
