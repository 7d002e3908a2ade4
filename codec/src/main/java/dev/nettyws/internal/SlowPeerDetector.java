package dev.nettyws.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Finds the peer that does not read, for the handler that owns a channel's outbound limits: the HTTP phase's
 * backpressure handler before the upgrade, the WebSocket connection handler after it. Two limits, either off with 0:
 * <ul>
 *   <li><b>pending bytes</b>: a write that leaves more than {@code maxPendingWriteBytes} queued (written and not yet
 *       sent) while the channel is unwritable reports {@link #PENDING_LIMIT_REASON};</li>
 *   <li><b>write stall</b>: the channel stays unwritable for {@code writeStallNanos} without any queued byte
 *       leaving; reports {@link #WRITE_STALL_REASON}. A peer that reads slowly but steadily is not affected.</li>
 * </ul>
 * The owner routes its {@code write} and {@code channelWritabilityChanged} through {@link #write} and
 * {@link #writabilityChanged}, and decides what a report means (usually: close TCP at once, since anything more it
 * wrote would only queue behind the unread bytes). A report is made once at most; {@link #cancel()} stops the timer.
 *
 * <p>One instance per channel; every method runs on the channel's event loop. Holds no buffers.
 */
public final class SlowPeerDetector {
    /** Reported when the write stall timeout ran out. */
    public static final String WRITE_STALL_REASON = "write stalled";
    /** Reported when a write left more than the allowed bytes queued. */
    public static final String PENDING_LIMIT_REASON = "too many bytes queued";

    private final long maxPendingWriteBytes;
    private final long writeStallNanos;
    private final Consumer<String> onSlowPeer;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> stallTimer;
    private boolean reported;
    // Bytes queued when the stall timer started, and added by writes since: what left is the difference.
    private long pendingAtCheck;
    private long addedSinceCheck;

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
     * Writes {@code msg}, and while the channel is unwritable counts the bytes the write queued (for the stall check)
     * and enforces the pending bytes limit. A writable channel costs one {@code isWritable()} call.
     */
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        this.ctx = ctx;
        Channel channel = ctx.channel();
        long before = channel.isWritable() ? -1 : pendingBytes(channel);
        ctx.write(msg, promise);
        if (channel.isWritable()) {
            return;
        }
        long after = pendingBytes(channel);
        if (before >= 0) {
            // Measured around a write without a flush, so the difference is what this write queued.
            addedSinceCheck += Math.max(0, after - before);
        }
        if (maxPendingWriteBytes > 0 && after > maxPendingWriteBytes) {
            report(PENDING_LIMIT_REASON);
        } else {
            startStallTimer(ctx);
        }
    }

    /** Starts the stall timer when the channel became unwritable, stops it when it became writable again. */
    public void writabilityChanged(ChannelHandlerContext ctx) {
        this.ctx = ctx;
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
     * Bytes queued and not yet sent. The transport writes a large buffer in parts and counts it as pending until the
     * last part is out, so the part already sent of the buffer at the head of the queue is taken off.
     */
    public static long pendingBytes(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes() - buffer.currentProgress();
    }

    private void startStallTimer(ChannelHandlerContext ctx) {
        if (writeStallNanos == 0 || stallTimer != null || reported || !ctx.channel().isActive()) {
            return;
        }
        pendingAtCheck = pendingBytes(ctx.channel());
        addedSinceCheck = 0;
        stallTimer = ctx.executor().schedule(this::checkStall, writeStallNanos, NANOSECONDS);
    }

    /** Runs a stall timeout after the channel became unwritable: reports unless bytes left since. */
    private void checkStall() {
        stallTimer = null;
        Channel channel = ctx.channel();
        if (!channel.isActive() || channel.isWritable()) {
            return;
        }
        long pending = pendingBytes(channel);
        if (pendingAtCheck + addedSinceCheck - pending > 0) {
            // Some queued bytes reached the peer: it reads, slowly. Check again after another period.
            startStallTimer(ctx);
            return;
        }
        report(WRITE_STALL_REASON);
    }

    private void report(String reason) {
        if (!reported) {
            reported = true;
            cancel();
            onSlowPeer.accept(reason);
        }
    }
}
