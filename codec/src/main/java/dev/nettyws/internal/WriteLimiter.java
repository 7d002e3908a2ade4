package dev.nettyws.internal;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Bounds what a peer that does not read can make us queue once the connection speaks WebSocket, for the
 * {@link ConnectionHandler} that passes it every write: when a write leaves more than
 * {@link ConnectionConfig#maxPendingWriteBytes()} queued, or the channel stays unwritable for
 * {@link ConnectionConfig#writeStallTimeout()} without any queued byte leaving ({@link SlowPeerDetector}), the
 * connection is failed with 1008 and TCP closed at once, without a close frame that would only queue behind the
 * unread bytes. Writes on the event loop reach the transport before {@code ctx.write} returns, so measuring around
 * the connection handler's writes counts the encoded bytes; the queue is read from the channel's water marks, so it
 * works on a socket and on an HTTP/2 stream alike.
 *
 * <p>Why it is stateless and the handler keeps only a {@link SlowPeerDetector}, made on demand: a writable channel
 * needs none of its state, and most connections are writable, idle ones always; an object per connection to say so
 * would cost 24 B each. Buffers pass through untouched. Event loop only.
 */
final class WriteLimiter {
    private WriteLimiter() {
    }

    /** Whether {@code config} sets any limit, that is whether writes need to pass through here at all. */
    static boolean isNeeded(ConnectionConfig config) {
        return config.maxPendingWriteBytes() > 0 || !config.writeStallTimeout().isZero();
    }

    /**
     * Writes {@code msg} from {@code ctx} and enforces the limits of the owner's configuration. The owner's
     * detector is asked for again after the write, never kept across it: the write may make the channel unwritable,
     * and the writability event that fires inside it may already have made the detector.
     */
    static void write(ConnectionHandler owner, ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        SlowPeerDetector detector = owner.slowPeer();
        if (detector == null) {
            Channel channel = ctx.channel();
            if (channel.isWritable()
                    && !SlowPeerDetector.tracksProgress(msg, owner.config().writeStallTimeout().toNanos())) {
                ctx.write(msg, promise);
                if (!channel.isWritable()) {
                    slowPeer(owner, ctx).written(ctx, 0);
                }
                return;
            }
            detector = slowPeer(owner, ctx);
        }
        detector.write(ctx, msg, promise);
    }

    /** Starts or stops the stall timer as the channel's writability changes. */
    static void writabilityChanged(ConnectionHandler owner, ChannelHandlerContext ctx) {
        if (owner.slowPeer() != null || !ctx.channel().isWritable()) {
            slowPeer(owner, ctx).writabilityChanged(ctx);
        }
    }

    /** The owner's detector, made now if it has none. */
    private static SlowPeerDetector slowPeer(ConnectionHandler owner, ChannelHandlerContext ctx) {
        SlowPeerDetector detector = owner.slowPeer();
        if (detector == null) {
            ConnectionConfig config = owner.config();
            Connection connection = owner.connection();
            detector = new SlowPeerDetector(config.maxPendingWriteBytes(), config.writeStallTimeout().toNanos(),
                reason -> connection.abort(ctx, CloseStatus.POLICY_VIOLATION, reason));
            owner.slowPeer(detector);
        }
        return detector;
    }
}
