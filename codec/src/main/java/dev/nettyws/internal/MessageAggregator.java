package dev.nettyws.internal;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
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
 * <p>Buffers: whole messages passed on belong to the next handler; each fragment is released once copied, and a
 * partial message when the channel goes inactive or the handler is removed. One instance per channel, on its event
 * loop.
 */
public final class MessageAggregator extends ChannelInboundHandlerAdapter {
    /** The smallest buffer a fragmented message starts with. */
    private static final int MIN_INITIAL_CAPACITY = 256;

    private final int maxMessageLength;

    /** The message being assembled, or {@code null}. */
    private ByteBuf message;
    private boolean messageIsText;
    private int messageRsv;
    /** Whether the fragments of a too-big message are being dropped. */
    private boolean discarding;

    /** Creates an aggregator with the decoder's default limit, {@link FrameConfig#DEFAULT_MAX_MESSAGE_LENGTH}. */
    public MessageAggregator() {
        this(FrameConfig.DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /**
     * Creates an aggregator.
     *
     * @param maxMessageLength the largest message, in bytes, summed over its fragments
     * @throws IllegalArgumentException if the limit is negative
     */
    public MessageAggregator(int maxMessageLength) {
        if (maxMessageLength < 0) {
            throw new IllegalArgumentException("maxMessageLength must be >= 0: " + maxMessageLength);
        }
        this.maxMessageLength = maxMessageLength;
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
        try {
            ByteBuf payload = first.content();
            int length = payload.readableBytes();
            int initial = (int) Math.min(maxMessageLength, Math.max(MIN_INITIAL_CAPACITY, 2L * length));
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
        boolean last = fragment.isFinal();
        try {
            message.writeBytes(payload, payload.readerIndex(), length);
        } finally {
            fragment.release();
        }
        if (last) {
            ByteBuf whole = message;
            message = null;
            ctx.fireChannelRead(messageIsText ? new TextFrame(true, messageRsv, whole)
                : new BinaryFrame(true, messageRsv, whole));
        }
    }

    /** Drops the message and starts the close handshake with 1009 through {@link ConnectionHandler}. */
    private void tooBig(ChannelHandlerContext ctx, Frame frame) {
        discarding = !frame.isFinal();
        frame.release();
        releaseMessage();
        ctx.writeAndFlush(new CloseFrame(CloseStatus.MESSAGE_TOO_BIG, "message exceeds " + maxMessageLength));
    }

    private void releaseMessage() {
        if (message != null) {
            ByteBuf partial = message;
            message = null;
            partial.release();
        }
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
