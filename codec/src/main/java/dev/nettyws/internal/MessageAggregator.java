package dev.nettyws.internal;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.TextFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Joins fragmented messages (RFC 6455 §5.4) into whole ones, so that the application receives every data message as
 * one final {@link TextFrame} or {@link BinaryFrame}. A part of the {@link ConnectionHandler}, not a handler of its
 * own (a handler context costs 64 B per connection and a hop per message): the handler passes an unfragmented data
 * frame on as it is, and makes this part only when the first fragmented message arrives, which most connections
 * never send. From then on it sees every data frame, and passes on the unfragmented ones as the same object.
 *
 * <p>Why one growing buffer from the channel's allocator rather than a composite of the fragments: a message of a
 * million one-byte fragments must not become a million components. Text needs no second UTF-8 check: the decoder
 * validated it across fragments. A message over the aggregation limit (which may be lower than the decoder's) is
 * dropped and the close handshake started with 1009 (§7.4.1) through the connection handler's write path, like any
 * close the application starts. Messages that begin after it are still delivered: the peer may send them before it
 * sees our close.
 *
 * <p>Memory: the buffer of a message being joined reserves its capacity beyond the free allowance from the
 * {@link MemoryBudget} the server's connections share, before it grows; when the budget cannot cover the growth the
 * message is dropped as above with 1013 (try again later) and reason
 * {@value dev.nettyws.frame.FrameDecoder#BUDGET_EXHAUSTED}. The reservation ends when the message is passed on,
 * dropped, or left unfinished by the channel's end or the handler's removal ({@link #release()}).
 *
 * <p>Buffers: whole messages passed on belong to the next handler; each fragment is released once copied, and a
 * partial message by {@link #release()}. Event loop only.
 */
final class MessageAggregator {
    /** The smallest buffer a fragmented message starts with. */
    private static final int MIN_INITIAL_CAPACITY = 256;
    /** A first fragment from which the buffer starts at its size rather than twice it. */
    private static final int LARGE_FRAGMENT = 64 * 1024;

    private final ConnectionHandler owner;
    private final int maxMessageLength;
    /** What the message being joined reserves from the budget; made with the first fragmented message. */
    private final MemoryBudget.Reservation reservation;

    /** The message being assembled, or {@code null}. */
    private ByteBuf message;
    private boolean messageIsText;
    private int messageRsv;
    /** Whether the fragments of a too-big message are being dropped. */
    private boolean discarding;

    MessageAggregator(ConnectionHandler owner, int maxMessageLength, MemoryBudget budget) {
        this.owner = owner;
        this.maxMessageLength = maxMessageLength;
        this.reservation = budget.newReservation();
    }

    /**
     * Whether the connection handler must hand {@code frame}, a data frame, to an aggregator: it is a fragment, or
     * over the limit. A whole message within the limit passes on as it is.
     */
    static boolean isNeeded(Frame frame, int maxMessageLength) {
        return !frame.isFinal() || frame instanceof ContinuationFrame
            || frame.content().readableBytes() > maxMessageLength;
    }

    /** Takes a data frame (text, binary or continuation) from {@code ctx}, the connection handler's context. */
    void read(ChannelHandlerContext ctx, Frame frame) {
        if (frame instanceof ContinuationFrame) {
            continueMessage(ctx, frame);
            return;
        }
        if (message != null || discarding) {
            // A new message before the last one ended: the decoder rejects this, so it cannot happen.
            release();
        }
        if (frame.content().readableBytes() > maxMessageLength) {
            tooBig(ctx, frame);
        } else if (frame.isFinal()) {
            ctx.fireChannelRead(frame);
        } else {
            startMessage(ctx, frame);
        }
    }

    private void startMessage(ChannelHandlerContext ctx, Frame first) {
        ByteBuf payload = first.content();
        int length = payload.readableBytes();
        // Room for a second fragment of the same size, unless the first is large: growth doubles anyway.
        long wanted = length > LARGE_FRAGMENT ? length : 2L * length;
        int initial = (int) Math.min(maxMessageLength, Math.max(MIN_INITIAL_CAPACITY, wanted));
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
            reservation.release();
            ctx.fireChannelRead(messageIsText ? new TextFrame(true, messageRsv, whole)
                : new BinaryFrame(true, messageRsv, whole));
        }
    }

    /** Drops the message and starts the close handshake with 1009. */
    private void tooBig(ChannelHandlerContext ctx, Frame frame) {
        drop(ctx, frame, CloseStatus.MESSAGE_TOO_BIG, "message exceeds " + maxMessageLength);
    }

    /** Drops the message and starts the close handshake with 1013: the server-wide budget is short. */
    private void overBudget(ChannelHandlerContext ctx, Frame frame) {
        drop(ctx, frame, CloseStatus.TRY_AGAIN_LATER, FrameDecoder.BUDGET_EXHAUSTED);
    }

    private void drop(ChannelHandlerContext ctx, Frame frame, int code, String reason) {
        boolean more = !frame.isFinal();
        frame.release();
        release();
        discarding = more;
        owner.startClose(ctx, code, reason);
    }

    /** Releases a partial message and its reservation, and forgets a message being dropped. */
    void release() {
        discarding = false;
        if (message != null) {
            ByteBuf partial = message;
            message = null;
            partial.release();
        }
        reservation.release();
    }

    /** The bytes reserved from the memory budget now. */
    long reservedBytes() {
        return reservation.reserved();
    }
}
