package dev.nettyws.example;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;

/**
 * Counts the bytes a connection reads from and writes to its socket (TLS records included), first in the meters of
 * the HTTP phase, then, from {@link #upgraded()}, in those of WebSocket. One add to a counter per read and per write,
 * no allocation. First in the pipeline ({@link ServerMetrics#accepted}); passes every message on unchanged, and
 * never holds or releases a buffer.
 *
 * <p>Not sharable: one per connection, used on its event loop.
 */
final class WireBytes extends ChannelDuplexHandler {
    static final String NAME = "wire-bytes";

    private final Counter webSocketIn;
    private final Counter webSocketOut;
    private Counter in;
    private Counter out;

    WireBytes(Counter httpIn, Counter httpOut, Counter webSocketIn, Counter webSocketOut) {
        this.in = httpIn;
        this.out = httpOut;
        this.webSocketIn = webSocketIn;
        this.webSocketOut = webSocketOut;
    }

    /** The connection is a WebSocket from now on. */
    void upgraded() {
        in = webSocketIn;
        out = webSocketOut;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            in.increment(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long bytes = size(msg);
        if (bytes > 0) {
            out.increment(bytes);
        }
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        if (msg instanceof FileRegion region) {
            return region.count() - region.transferred();
        }
        return 0;
    }
}
