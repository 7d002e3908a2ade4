package dev.nettyws.internal;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Bounds what a peer that does not read can make us queue once the connection speaks WebSocket: when a write leaves
 * more than {@link ConnectionConfig#maxPendingWriteBytes()} queued, or the channel stays unwritable for
 * {@link ConnectionConfig#writeStallTimeout()} without any queued byte leaving ({@link SlowPeerDetector}), the
 * connection is failed with 1008 and TCP closed at once, without a close frame that would only queue behind the
 * unread bytes. It counts bytes, so it sits on the head side of the frame encoder; the code and reason reach the
 * end event through the channel's {@link Connection}.
 *
 * <p>Buffers pass through untouched. One instance per channel, on its event loop.
 */
public final class WriteLimiter extends ChannelDuplexHandler {
    private final SlowPeerDetector detector;
    private ChannelHandlerContext ctx;

    /** Creates the limiter of one connection from the limits of {@code config}. */
    public WriteLimiter(ConnectionConfig config) {
        this.detector = new SlowPeerDetector(config.maxPendingWriteBytes(), config.writeStallTimeout().toNanos(),
            this::fail);
    }

    /** Whether {@code config} sets any limit, that is whether this handler is needed at all. */
    public static boolean isNeeded(ConnectionConfig config) {
        return config.maxPendingWriteBytes() > 0 || !config.writeStallTimeout().isZero();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        detector.write(ctx, msg, promise);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        detector.writabilityChanged(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        detector.cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        detector.cancel();
    }

    private void fail(String reason) {
        Connection connection = Connection.find(ctx.channel());
        if (connection != null) {
            connection.abort(ctx, CloseStatus.POLICY_VIOLATION, reason);
        } else {
            ctx.close();
        }
    }
}
