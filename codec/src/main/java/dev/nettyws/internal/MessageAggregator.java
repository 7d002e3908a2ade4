package dev.nettyws.internal;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.TextFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Turns fragmented messages (RFC 6455 §5.4) into whole ones, so that the application receives every data message as
 * one final {@link TextFrame} or {@link BinaryFrame}. It sits behind the connection handler; unfragmented data
 * frames, control frames and anything else pass through as the same object.
 *
 * <p>Why one growing buffer from the channel's allocator rather than a composite of the fragments: a message of a
 * million one-byte fragments must not become a million components. Text needs no second UTF-8 check: the decoder
 * validated it across fragments. A message over this handler's own limit (which may be lower than the decoder's) is
 * dropped and the close handshake started with 1009 (§7.4.1): the close frame is written from here, so it passes the
 * connection handler like any close the application starts. Messages that begin after it are still delivered: the
 * peer may send them before it sees our close.
 *
 * <p>Memory: the buffer of a message being joined reserves its capacity beyond the free allowance from the
 * {@link MemoryBudget} the server's connections share, before it grows; when the budget cannot cover the growth the
 * message is dropped as above with 1013 (try again later) and reason
 * {@value dev.nettyws.frame.FrameDecoder#BUDGET_EXHAUSTED}. The reservation ends when the message is passed on,
 * dropped, or left unfinished by the channel's end or the handler's removal.
 *
 * <p>Buffers: whole messages passed on belong to the next handler; each fragment is released once copied, and a
 * partial message when the channel goes inactive or the handler is removed. One instance per channel, on its event
 * loop.
 */
public final class MessageAggregator extends ChannelInboundHandlerAdapter {
    /** The smallest buffer a fragmented message starts with. */
    private static final int MIN_INITIAL_CAPACITY = 256;
    /** A first fragment from which the buffer starts at its size rather than twice it. */
    private static final int LARGE_FRAGMENT = 64 * 1024;

    private final int maxMessageLength;
    private final MemoryBudget budget;
    /** What the message being joined reserves; created with the first fragmented message (most never have one). */
    private MemoryBudget.Reservation reservation;

    /** The message being assembled, or {@code null}. */
    private ByteBuf message;
    private boolean messageIsText;
    private int messageRsv;
    /** Whether the fragments of a too-big message are being dropped. */
    private boolean discarding;

    /**
     * Creates an aggregator with the decoder's default limit, {@link FrameConfig#DEFAULT_MAX_MESSAGE_LENGTH}, and
     * {@link MemoryBudget#jvmDefault()}.
     */
    public MessageAggregator() {
        this(FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH, MemoryBudget.jvmDefault());
    }

    /**
     * Creates an aggregator.
     *
     * @param maxMessageLength the largest message, in bytes, summed over its fragments
     * @param budget the budget that messages being joined reserve from, shared with the connection's decoder
     *     ({@link FrameConfig#memoryBudget()})
     * @throws IllegalArgumentException if the limit is negative
     */
    public MessageAggregator(int maxMessageLength, MemoryBudget budget) {
        if (maxMessageLength < 0) {
            throw new IllegalArgumentException("maxMessageLength must be >= 0: " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
        this.budget = budget;
    }

    /** The largest message accepted. */
    public int maxMessageLength() {
        return maxMessageLength;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Frame frame = (Frame) msg;
        if (frame.isControl()) {
            ctx.fireChannelRead(frame);
        } else if (frame instanceof ContinuationFrame) {
            continueMessage(ctx, frame);
        } else {
            if (message != null || discarding) {
                // A new message before the last one ended: the decoder rejects this, so it cannot happen.
                releaseMessage();
                discarding = false;
            }
            if (frame.content().readableBytes() > maxMessageLength) {
                tooBig(ctx, frame);
            } else if (frame.isFinal()) {
                ctx.fireChannelRead(frame);
            } else {
                startMessage(ctx, frame);
            }
        }
    }

    private void startMessage(ChannelHandlerContext ctx, Frame first) {
        ByteBuf payload = first.content();
        int length = payload.readableBytes();
        // Room for a second fragment of the same size, unless the first is large: growth doubles anyway.
        long wanted = length > LARGE_FRAGMENT ? length : 2L * length;
        int initial = (int) Math.min(maxMessageLength, Math.max(MIN_INITIAL_CAPACITY, wanted));
        if (reservation == null) {
            reservation = budget.newReservation();
        }
        if (!reservation.resize(initial)) {
            overBudget(ctx, first);
            return;
        }
        try {
            message = ctx.alloc().buffer(initial, maxMessageLength);
            message.writeBytes(payload, payload.readerIndex(), length);
            messageIsText = first instanceof TextFrame;
            messageRsv = first.rsv();
        } finally {
            first.release();
        }
    }

    private void continueMessage(ChannelHandlerContext ctx, Frame fragment) {
        if (discarding) {
            discarding = !fragment.isFinal();
            fragment.release();
            return;
        }
        if (message == null) {
            // A continuation without a message: the decoder rejects this, so it cannot happen. Not ours to judge.
            ctx.fireChannelRead(fragment);
            return;
        }
        ByteBuf payload = fragment.content();
        int length = payload.readableBytes();
        if (length > maxMessageLength - message.readableBytes()) {
            tooBig(ctx, fragment);
            return;
        }
        if (!reservation.ensureCapacity(message, message.writerIndex() + length)) {
            overBudget(ctx, fragment);
            return;
        }
        boolean last = fragment.isFinal();
        try {
            message.writeBytes(payload, payload.readerIndex(), length);
        } finally {
            fragment.release();
        }
        if (last) {
            ByteBuf whole = message;
            message = null;
            // Delivered: from here on the message is the application's, no longer the budget's.
            releaseReservation();
            ctx.fireChannelRead(messageIsText ? new TextFrame(true, messageRsv, whole)
                : new BinaryFrame(true, messageRsv, whole));
        }
    }

    /** Drops the message and starts the close handshake with 1009 through {@link ConnectionHandler}. */
    private void tooBig(ChannelHandlerContext ctx, Frame frame) {
        drop(ctx, frame, new CloseFrame(CloseStatus.MESSAGE_TOO_BIG, "message exceeds " + maxMessageLength));
    }

    /** Drops the message and starts the close handshake with 1013: the server-wide budget is short. */
    private void overBudget(ChannelHandlerContext ctx, Frame frame) {
        drop(ctx, frame, new CloseFrame(CloseStatus.TRY_AGAIN_LATER, FrameDecoder.BUDGET_EXHAUSTED));
    }

    private void drop(ChannelHandlerContext ctx, Frame frame, CloseFrame close) {
        discarding = !frame.isFinal();
        frame.release();
        releaseMessage();
        ctx.writeAndFlush(close);
    }

    private void releaseMessage() {
        if (message != null) {
            ByteBuf partial = message;
            message = null;
            partial.release();
        }
        releaseReservation();
    }

    private void releaseReservation() {
        if (reservation != null) {
            reservation.release();
        }
    }

    /** The bytes this aggregator has reserved from its memory budget now (for tests and metrics). */
    public long reservedBytes() {
        return reservation == null ? 0 : reservation.reserved();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseMessage();
        discarding = false;
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseMessage();
    }
}
