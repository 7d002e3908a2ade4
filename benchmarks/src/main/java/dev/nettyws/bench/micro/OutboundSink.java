package dev.nettyws.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;

/**
 * The head-most handler of an encoding benchmark pipeline: stands in for the transport. It takes every buffer the
 * encoder under test writes, adds up its bytes, completes the write and releases it, so that both encoders are
 * measured without a socket and without EmbeddedChannel's outbound queue. With {@code capture} on (tests only) it
 * also appends the bytes to a stream, so the output of two encoders can be compared byte for byte.
 *
 * <p>Called on the channel's event loop (the benchmark thread, for an {@code EmbeddedChannel}); not sharable.
 */
public final class OutboundSink extends ChannelOutboundHandlerAdapter {
    private final boolean capture;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private long bytes;
    private long writes;

    /**
     * Creates a sink.
     *
     * @param capture whether to keep a copy of every byte written (for the sanity tests)
     */
    public OutboundSink(boolean capture) {
        this.capture = capture;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        try {
            ByteBuf content = msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content()
                : msg instanceof ByteBuf ? (ByteBuf) msg : null;
            if (content != null) {
                bytes += content.readableBytes();
                if (capture) {
                    byte[] copy = new byte[content.readableBytes()];
                    content.getBytes(content.readerIndex(), copy);
                    captured.writeBytes(copy);
                }
            }
            writes++;
        } finally {
            ReferenceCountUtil.release(msg);
        }
        promise.trySuccess();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // Nothing is queued.
    }

    /** Bytes written so far. */
    public long bytes() {
        return bytes;
    }

    /** Buffers written so far. */
    public long writes() {
        return writes;
    }

    /** Everything written so far, when capturing; empty otherwise. */
    public byte[] captured() {
        return captured.toByteArray();
    }
}
