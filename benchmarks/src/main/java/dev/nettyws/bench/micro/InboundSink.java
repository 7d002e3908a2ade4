package dev.nettyws.bench.micro;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The last handler of a benchmark pipeline: takes whatever the handler under test emits (our frames, Netty's
 * frames, HTTP objects), adds up the bytes they hold so the work cannot be optimised away, and releases them. The
 * same sink is used behind both implementations. With {@code capture} on (tests only) it also records a
 * description of each message: its type (Netty's {@code TextWebSocketFrame} written as our {@code TextFrame}), and
 * its content in hex.
 *
 * <p>Called on the channel's event loop (the benchmark thread, for an {@code EmbeddedChannel}). Sharable so that
 * the handshake benchmark can put one sink into every new channel; all of them must then run on one thread.
 */
@ChannelHandler.Sharable
public final class InboundSink extends ChannelInboundHandlerAdapter {
    private final boolean capture;
    private final List<String> captured = new ArrayList<>();
    private long bytes;
    private long messages;

    /**
     * Creates a sink.
     *
     * @param capture whether to record every message (slow; for the sanity tests)
     */
    public InboundSink(boolean capture) {
        this.capture = capture;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            ByteBuf content = msg instanceof ByteBufHolder ? ((ByteBufHolder) msg).content()
                : msg instanceof ByteBuf ? (ByteBuf) msg : null;
            if (content != null) {
                bytes += content.readableBytes();
            }
            messages++;
            if (capture) {
                // Netty's TextWebSocketFrame and our TextFrame both become "TextFrame".
                captured.add(msg.getClass().getSimpleName().replace("WebSocket", "") + ":"
                    + (content == null ? "" : ByteBufUtil.hexDump(content)));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Payload bytes seen so far. */
    public long bytes() {
        return bytes;
    }

    /** Messages seen so far. */
    public long messages() {
        return messages;
    }

    /** What was captured, in order: simple class name without "WebSocket", a colon, the content in hex. */
    public List<String> captured() {
        return captured;
    }
}
