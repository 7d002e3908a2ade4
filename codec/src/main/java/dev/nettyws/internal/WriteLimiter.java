package dev.nettyws.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.concurrent.PromiseNotifier;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Bounds what a peer that does not read can make us queue (RFC 6455 §7.1.7 allows failing it): when a write leaves
 * more than {@link ConnectionConfig#maxPendingWriteBytes()} queued, or the channel stays unwritable for
 * {@link ConnectionConfig#writeStallTimeout()} without any queued byte leaving, the connection is failed with 1008
 * and TCP closed at once, without a close frame that would only queue behind the unread bytes.
 *
 * <p>Works on any channel: the queued bytes are {@link Channel#bytesBeforeWritable()} plus the low water mark, which
 * a socket and an HTTP/2 stream channel both keep, so nothing here depends on a socket's outbound buffer; a writable
 * channel costs two {@code isWritable()} calls per write. Bytes leaving show as that number falling; a large buffer
 * the transport writes in parts gets a progressive promise, so a peer that reads slowly but steadily is never cut
 * off. It counts bytes, so it sits on the head side of whatever encodes (the frame encoder after the upgrade; the
 * HTTP codec too, if placed before the upgrade), and needs no WebSocket state: a WebSocket connection learns the code
 * and reason through its {@link Connection} for the end event, any other connection is just closed.
 *
 * <p>Buffers pass through untouched. One instance per channel, on its event loop.
 */
public final class WriteLimiter extends ChannelDuplexHandler {
    /** Writes from this size on report partial progress; smaller ones leave the queue whole soon enough. */
    static final int PROGRESS_THRESHOLD = 8 * 1024;

    private final long maxPendingBytes;
    private final long stallNanos;

    private ScheduledFuture<?> stallTimer;
    // Since the stall timer started: bytes queued then, queued since by writes, and sent in parts since.
    private long pendingAtCheck;
    private long addedSinceCheck;
    private long progressSinceCheck;

    /** Creates the limiter of one connection from the limits of {@code config}. */
    public WriteLimiter(ConnectionConfig config) {
        this.maxPendingBytes = config.maxPendingWriteBytes();
        this.stallNanos = config.writeStallTimeout().toNanos();
    }

    /** Whether {@code config} sets any limit, that is whether this handler is needed at all. */
    public static boolean isNeeded(ConnectionConfig config) {
        return config.maxPendingWriteBytes() > 0 || !config.writeStallTimeout().isZero();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (stallNanos != 0 && sizeOf(msg) >= PROGRESS_THRESHOLD) {
            promise = trackProgress(ctx, promise);
        }
        Channel channel = ctx.channel();
        long before = channel.isWritable() ? 0 : channel.bytesBeforeWritable();
        ctx.write(msg, promise);
        if (channel.isWritable()) {
            return;
        }
        long after = channel.bytesBeforeWritable();
        if (before > 0) {
            // Measured around a write without a flush, so the difference is what this write queued.
            addedSinceCheck += Math.max(0, after - before);
        }
        if (maxPendingBytes > 0 && pending(channel, after) > maxPendingBytes) {
            fail(ctx, ConnectionConfig.PENDING_LIMIT_REASON);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            cancelStallTimer();
        } else {
            startStallTimer(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelStallTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelStallTimer();
    }

    /** The bytes queued on an unwritable channel, {@code bytesBeforeWritable} being what it reports. */
    private static long pending(Channel channel, long bytesBeforeWritable) {
        // bytesBeforeWritable() is the queued bytes minus the low water mark plus one (the mark must be crossed).
        return bytesBeforeWritable + channel.config().getWriteBufferLowWaterMark() - 1;
    }

    private static long sizeOf(Object msg) {
        if (msg instanceof ByteBuf) {
            return ((ByteBuf) msg).readableBytes();
        }
        if (msg instanceof ByteBufHolder) {
            return ((ByteBufHolder) msg).content().readableBytes();
        }
        return msg instanceof FileRegion ? ((FileRegion) msg).count() : 0;
    }

    /** A progressive promise standing in for {@code promise}, whose partial progress counts as bytes leaving. */
    private ChannelPromise trackProgress(ChannelHandlerContext ctx, ChannelPromise promise) {
        ChannelProgressivePromise tracked = ctx.newProgressivePromise();
        tracked.addListener(new ChannelProgressiveFutureListener() {
            private long last;

            @Override
            public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
                progressSinceCheck += progress - last;
                last = progress;
            }

            @Override
            public void operationComplete(ChannelProgressiveFuture future) {
            }
        });
        if (!promise.isVoid()) {
            PromiseNotifier.cascade(tracked, promise);
        }
        return tracked;
    }

    private void startStallTimer(ChannelHandlerContext ctx) {
        if (stallNanos == 0 || stallTimer != null || !ctx.channel().isActive()) {
            return;
        }
        pendingAtCheck = pending(ctx.channel(), ctx.channel().bytesBeforeWritable());
        addedSinceCheck = 0;
        progressSinceCheck = 0;
        stallTimer = ctx.executor().schedule(() -> checkStall(ctx), stallNanos, NANOSECONDS);
    }

    /** Runs a stall timeout after the channel became unwritable: fails the connection unless bytes left since. */
    private void checkStall(ChannelHandlerContext ctx) {
        stallTimer = null;
        Channel channel = ctx.channel();
        long bytesBeforeWritable = channel.bytesBeforeWritable();
        if (!channel.isActive() || bytesBeforeWritable == 0) {
            return;
        }
        if (pendingAtCheck + addedSinceCheck - pending(channel, bytesBeforeWritable) > 0 || progressSinceCheck > 0) {
            // Some queued bytes reached the peer: it reads, slowly. Check again after another period.
            startStallTimer(ctx);
            return;
        }
        fail(ctx, ConnectionConfig.WRITE_STALL_REASON);
    }

    private void cancelStallTimer() {
        if (stallTimer != null) {
            stallTimer.cancel(false);
            stallTimer = null;
        }
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        cancelStallTimer();
        Connection connection = Connection.find(ctx.channel());
        if (connection != null) {
            connection.abort(ctx, CloseStatus.POLICY_VIOLATION, reason);
        } else {
            ctx.close();
        }
    }
}
