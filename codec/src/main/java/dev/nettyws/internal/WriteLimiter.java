package dev.nettyws.internal;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Bounds what a peer that does not read can make us queue once the connection speaks WebSocket, for the
 * {@link ConnectionHandler} that owns it and passes it every write: when a write leaves more than
 * {@link ConnectionConfig#maxPendingWriteBytes()} queued, or the channel stays unwritable for
 * {@link ConnectionConfig#writeStallTimeout()} without any queued byte leaving ({@link SlowPeerDetector}), the
 * connection is failed with 1008 and TCP closed at once, without a close frame that would only queue behind the
 * unread bytes. Writes on the event loop reach the transport before {@code ctx.write} returns, so measuring around
 * the connection handler's writes counts the encoded bytes; the queue is read from the channel's water marks, so it
 * works on a socket and on an HTTP/2 stream alike.
 *
 * <p>Why the detector is made on demand: a writable channel needs none of its state, and most connections are
 * writable, idle ones always. Buffers pass through untouched. One instance per channel, on its event loop.
 */
final class WriteLimiter {
    private final ConnectionConfig config;
    private final Connection connection;
    private SlowPeerDetector detector;

    WriteLimiter(ConnectionConfig config, Connection connection) {
        this.config = config;
        this.connection = connection;
    }

    /** Whether {@code config} sets any limit, that is whether a limiter is needed at all. */
    static boolean isNeeded(ConnectionConfig config) {
        return config.maxPendingWriteBytes() > 0 || !config.writeStallTimeout().isZero();
    }

    /** Writes {@code msg} from {@code ctx} and enforces the limits. */
    void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (detector == null) {
            Channel channel = ctx.channel();
            if (channel.isWritable() && !SlowPeerDetector.tracksProgress(msg, config.writeStallTimeout().toNanos())) {
                ctx.write(msg, promise);
                if (channel.isWritable()) {
                    return;
                }
                detector(ctx).written(ctx, 0);
                return;
            }
            detector(ctx);
        }
        detector.write(ctx, msg, promise);
    }

    /** Starts or stops the stall timer as the channel's writability changes. */
    void writabilityChanged(ChannelHandlerContext ctx) {
        if (detector != null) {
            detector.writabilityChanged(ctx);
        } else if (!ctx.channel().isWritable()) {
            detector(ctx).writabilityChanged(ctx);
        }
    }

    /** Stops the stall timer: the channel closed or the handler left. */
    void cancel() {
        if (detector != null) {
            detector.cancel();
        }
    }

    private SlowPeerDetector detector(ChannelHandlerContext ctx) {
        if (detector == null) {
            detector = new SlowPeerDetector(config.maxPendingWriteBytes(), config.writeStallTimeout().toNanos(),
                reason -> connection.abort(ctx, CloseStatus.POLICY_VIOLATION, reason));
        }
        return detector;
    }
}
