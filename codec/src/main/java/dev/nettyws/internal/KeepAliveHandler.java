package dev.nettyws.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

/**
 * Idle connections (RFC 6455 §5.5.2): sends an empty ping whenever the peer has been silent for
 * {@link ConnectionConfig#pingInterval()}, and starts the close handshake with 1001 (going away), reason
 * {@value ConnectionConfig#IDLE_TIMEOUT_REASON}, when nothing was read and the application flushed nothing for
 * {@link ConnectionConfig#idleTimeout()}. It sits behind the connection handler, so its pings and its close frame
 * pass that handler like the application's (its own writes are not application activity), and it sees every read
 * completion and every flush of the application.
 *
 * <p>Activity is taken per read completion and per flush, not per message, so the common path pays nothing; the
 * check itself runs on a timer of the channel's event loop and {@link Ticker}, so tests move time with
 * {@code EmbeddedChannel.advanceTimeBy}. Installed only when a timeout or an interval is set. Holds no buffers.
 * One instance per channel, on its event loop.
 */
public final class KeepAliveHandler extends ChannelDuplexHandler {
    private final long idleTimeoutNanos;
    private final long pingIntervalNanos;

    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private ScheduledFuture<?> timer;
    private boolean started;
    private long lastReadNanos;
    private long lastWriteNanos;
    private long lastPingNanos;

    /** Creates the handler of one connection from the idle timeout and ping interval of {@code config}. */
    public KeepAliveHandler(ConnectionConfig config) {
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.pingIntervalNanos = config.pingInterval().toNanos();
    }

    /** Whether {@code config} asks for this handler at all. */
    public static boolean isNeeded(ConnectionConfig config) {
        return !config.idleTimeout().isZero() || !config.pingInterval().isZero();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (started) {
            lastReadNanos = ticker.nanoTime();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // Bytes count when they are sent, so activity is taken per flush rather than per write.
        if (started) {
            lastWriteNanos = ticker.nanoTime();
        }
        ctx.flush();
    }

    private void start() {
        if (started || idleTimeoutNanos == 0 && pingIntervalNanos == 0) {
            return;
        }
        started = true;
        long now = ticker.nanoTime();
        lastReadNanos = now;
        lastWriteNanos = now;
        lastPingNanos = now;
        long delay = idleTimeoutNanos == 0 ? pingIntervalNanos : pingIntervalNanos == 0 ? idleTimeoutNanos
            : Math.min(idleTimeoutNanos, pingIntervalNanos);
        timer = ctx.executor().schedule(this::check, delay, NANOSECONDS);
    }

    /** Runs when the idle timeout or the ping interval may have elapsed: closes, or pings, then re-arms. */
    private void check() {
        timer = null;
        Connection connection = Connection.find(ctx.channel());
        boolean closing = connection != null && connection.closeState() != Connection.CloseState.OPEN;
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        long now = ticker.nanoTime();
        long delay = Long.MAX_VALUE;
        if (idleTimeoutNanos != 0) {
            long remaining = idleTimeoutNanos - (now - latest(lastReadNanos, lastWriteNanos));
            if (remaining <= 0) {
                ctx.writeAndFlush(new CloseFrame(CloseStatus.GOING_AWAY, ConnectionConfig.IDLE_TIMEOUT_REASON));
                return;
            }
            delay = remaining;
        }
        if (pingIntervalNanos != 0) {
            long remaining = pingIntervalNanos - (now - latest(lastReadNanos, lastPingNanos));
            if (remaining <= 0) {
                lastPingNanos = now;
                remaining = pingIntervalNanos;
                if (ctx.channel().isWritable()) {
                    ctx.writeAndFlush(new PingFrame(Unpooled.EMPTY_BUFFER));
                }
            }
            delay = Math.min(delay, remaining);
        }
        timer = ctx.executor().schedule(this::check, delay, NANOSECONDS);
    }

    /** The later of two {@link Ticker#nanoTime()} values, safe across numeric overflow. */
    private static long latest(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
