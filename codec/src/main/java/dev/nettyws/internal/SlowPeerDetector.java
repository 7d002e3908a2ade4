package dev.nettyws.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.nettyws.protocol.ConnectionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.concurrent.PromiseNotifier;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Finds the peer that does not read (RFC 6455 §7.1.7 allows failing it), for the handler that owns a channel's
 * outbound limits: the HTTP phase's backpressure handler before the upgrade, the {@link WriteLimiter} after it. Two
 * limits, either off with 0: a write that leaves more than {@code maxPendingWriteBytes} queued while the channel is
 * unwritable reports {@link ConnectionConfig#PENDING_LIMIT_REASON}; a channel that stays unwritable for
 * {@code writeStallNanos} without any queued byte leaving reports {@link ConnectionConfig#WRITE_STALL_REASON}. The
 * owner decides what a report means (usually: close TCP at once, since anything more would queue behind the unread
 * bytes). A report is made once at most.
 *
 * <p>Why it works on any channel: the queued bytes are {@link Channel#bytesBeforeWritable()} plus the low water mark,
 * which a socket and an HTTP/2 stream channel both keep, so nothing depends on a socket's outbound buffer. Bytes
 * leaving show as that number falling; a large buffer the transport writes in parts gets a progressive promise, so a
 * peer that reads slowly but steadily is never cut off. A writable channel costs two {@code isWritable()} calls per
 * write.
 *
 * <p>One instance per channel; every method runs on the channel's event loop. Holds no buffers.
 */
public final class SlowPeerDetector {
    /** Writes from this size on report partial progress; smaller ones leave the queue whole soon enough. */
    static final int PROGRESS_THRESHOLD = 8 * 1024;

    private final long maxPendingWriteBytes;
    private final long writeStallNanos;
    private final Consumer<String> onSlowPeer;

    private ScheduledFuture<?> stallTimer;
    private boolean reported;
    // Since the stall timer started: bytes queued then, queued since by writes, and sent in parts since.
    private long pendingAtCheck;
    private long addedSinceCheck;
    private long progressSinceCheck;

    /**
     * Creates a detector.
     *
     * @param maxPendingWriteBytes the most bytes that may stay queued while unwritable; 0 for no limit
     * @param writeStallNanos how long the channel may stay unwritable without progress; 0 for no limit
     * @param onSlowPeer told the reason, once, when a limit is exceeded
     */
    public SlowPeerDetector(long maxPendingWriteBytes, long writeStallNanos, Consumer<String> onSlowPeer) {
        this.maxPendingWriteBytes = maxPendingWriteBytes;
        this.writeStallNanos = writeStallNanos;
        this.onSlowPeer = Objects.requireNonNull(onSlowPeer, "onSlowPeer");
    }

    /**
     * Writes {@code msg} from {@code ctx}, and while the channel is unwritable counts the bytes the write queued (for
     * the stall check) and enforces the pending bytes limit.
     */
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (tracksProgress(msg, writeStallNanos)) {
            promise = trackProgress(ctx, promise);
        }
        Channel channel = ctx.channel();
        long before = channel.isWritable() ? 0 : channel.bytesBeforeWritable();
        ctx.write(msg, promise);
        if (channel.isWritable()) {
            return;
        }
        written(ctx, before);
    }

    /**
     * Accounts for a write from {@code ctx} that left the channel unwritable, {@code before} being
     * {@link Channel#bytesBeforeWritable()} before it (0 when the channel was writable): counts the bytes it queued
     * and enforces the pending bytes limit. For an owner that wrote without the detector while the channel was
     * writable.
     */
    public void written(ChannelHandlerContext ctx, long before) {
        Channel channel = ctx.channel();
        long after = channel.bytesBeforeWritable();
        if (before > 0) {
            // Measured around a write without a flush, so the difference is what this write queued.
            addedSinceCheck += Math.max(0, after - before);
        } else if (stallTimer != null) {
            // The write began on a writable channel and made it unwritable part way (a frame can pass several
            // buffers): the stall timer started inside it, before the rest was queued. Count from the queue now.
            pendingAtCheck = queued(channel, after);
            addedSinceCheck = 0;
        }
        if (maxPendingWriteBytes > 0 && queued(channel, after) > maxPendingWriteBytes) {
            report(ConnectionConfig.PENDING_LIMIT_REASON);
        } else {
            startStallTimer(ctx);
        }
    }

    /** Starts the stall timer when the channel became unwritable, stops it when it became writable again. */
    public void writabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            cancel();
        } else {
            startStallTimer(ctx);
        }
    }

    /** Stops the stall timer, when the owner is removed or the channel closes. */
    public void cancel() {
        if (stallTimer != null) {
            stallTimer.cancel(false);
            stallTimer = null;
        }
    }

    /**
     * Bytes queued on {@code channel} and not yet sent, for measurements: exact on a socket (its outbound buffer,
     * less the part already sent of the buffer at its head), from the water marks on other channels.
     */
    public static long pendingBytes(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        if (buffer != null) {
            return buffer.totalPendingWriteBytes() - buffer.currentProgress();
        }
        return channel.isWritable()
            ? Math.max(0, channel.config().getWriteBufferHighWaterMark() + 1 - channel.bytesBeforeUnwritable())
            : queued(channel, channel.bytesBeforeWritable());
    }

    /** The bytes queued on an unwritable channel, {@code bytesBeforeWritable} being what it reports. */
    private static long queued(Channel channel, long bytesBeforeWritable) {
        // bytesBeforeWritable() is the queued bytes minus the low water mark plus one (the mark must be crossed).
        return bytesBeforeWritable + channel.config().getWriteBufferLowWaterMark() - 1;
    }

    /** Whether a write of {@code msg} reports its partial progress, under a stall limit of {@code writeStallNanos}. */
    static boolean tracksProgress(Object msg, long writeStallNanos) {
        return writeStallNanos != 0 && sizeOf(msg) >= PROGRESS_THRESHOLD;
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
        if (writeStallNanos == 0 || stallTimer != null || reported || !ctx.channel().isActive()) {
            return;
        }
        pendingAtCheck = queued(ctx.channel(), ctx.channel().bytesBeforeWritable());
        addedSinceCheck = 0;
        progressSinceCheck = 0;
        stallTimer = ctx.executor().schedule(() -> checkStall(ctx), writeStallNanos, NANOSECONDS);
    }

    /** Runs a stall timeout after the channel became unwritable: reports unless bytes left since. */
    private void checkStall(ChannelHandlerContext ctx) {
        stallTimer = null;
        Channel channel = ctx.channel();
        long bytesBeforeWritable = channel.bytesBeforeWritable();
        if (!channel.isActive() || bytesBeforeWritable == 0) {
            return;
        }
        if (pendingAtCheck + addedSinceCheck - queued(channel, bytesBeforeWritable) > 0 || progressSinceCheck > 0) {
            // Some queued bytes reached the peer: it reads, slowly. Check again after another period.
            startStallTimer(ctx);
            return;
        }
        report(ConnectionConfig.WRITE_STALL_REASON);
    }

    private void report(String reason) {
        if (!reported) {
            reported = true;
            cancel();
            onSlowPeer.accept(reason);
        }
    }
}
