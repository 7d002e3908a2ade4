package dev.nettyws.internal;

import dev.nettyws.protocol.ConnectionConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Ticker;

/**
 * Idle connections (RFC 6455 §5.5.2), one per connection, owned by its {@link ConnectionHandler}: sends an empty
 * ping whenever the peer has been silent for {@link ConnectionConfig#pingInterval()}, and starts the close handshake
 * with 1001 (going away), reason {@value ConnectionConfig#IDLE_TIMEOUT_REASON}, when nothing was read and the
 * application flushed nothing for {@link ConnectionConfig#idleTimeout()}. The pings and the close frame go through
 * the connection handler's write path like the application's (but are not application activity).
 *
 * <p>Why it has no timer of its own: a scheduled task per connection costs about 150 B of heap on an idle
 * connection; instead one {@link IdleSweep} per event loop checks all of the loop's connections when the earliest
 * of them falls due. Activity is taken per read completion and per flush, not per message, so the common path pays
 * a field write. Time is the event loop's {@link Ticker}, so tests move it with {@code EmbeddedChannel}.
 * Holds no buffers; event loop only.
 */
final class KeepAlive {
    /**
     * The owning {@link ConnectionHandler}'s context while this connection is in its loop's {@link IdleSweep}; null
     * when not started or stopped. It also stands for the owner ({@code ctx.handler()}) and the sweep
     * ({@link IdleSweep#of}), which are not kept in fields of their own: 8 B less per connection.
     */
    ChannelHandlerContext ctx;
    /**
     * The last read or application flush, what the idle timeout counts from. Two times rather than the last read,
     * flush and ping each: the checks only ever ask for the later of read and flush, and of read and ping, and a
     * long less is 8 B less per connection.
     */
    private long lastActivityNanos;
    /** The last read or keepalive ping, what the ping interval counts from. */
    private long lastReadOrPingNanos;
    /** The neighbours in the sweep. */
    KeepAlive previous;
    KeepAlive next;

    KeepAlive() {
    }

    /** Whether {@code config} asks for keepalive or an idle timeout at all. */
    static boolean isNeeded(ConnectionConfig config) {
        return !config.idleTimeout().isZero() || !config.pingInterval().isZero();
    }

    /** Starts watching once the channel is active; idempotent. */
    void start(ChannelHandlerContext ctx) {
        if (this.ctx != null) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        lastActivityNanos = now;
        lastReadOrPingNanos = now;
        IdleSweep.of(ctx.executor()).add(this, ctx, now);
    }

    /** Stops watching: the channel closed or the handler left. */
    void stop() {
        if (ctx != null) {
            IdleSweep.of(ctx.executor()).remove(this);
        }
    }

    /** The peer sent something. */
    void readComplete() {
        if (ctx != null) {
            long now = ctx.executor().ticker().nanoTime();
            lastActivityNanos = now;
            lastReadOrPingNanos = now;
        }
    }

    /** The application flushed: bytes count when they are sent, so activity is taken per flush. */
    void flushed() {
        if (ctx != null) {
            lastActivityNanos = ctx.executor().ticker().nanoTime();
        }
    }

    /** The shortest of the idle timeout and the ping interval that are set, in nanoseconds. */
    long periodNanos() {
        long idle = owner().config().idleTimeout().toNanos();
        long ping = owner().config().pingInterval().toNanos();
        return idle == 0 ? ping : ping == 0 ? idle : Math.min(idle, ping);
    }

    /** When this connection next needs a look, at the latest; {@link Long#MAX_VALUE}-like far when never. */
    long dueNanos() {
        long idle = owner().config().idleTimeout().toNanos();
        long ping = owner().config().pingInterval().toNanos();
        long due = 0;
        boolean set = false;
        if (idle != 0) {
            due = lastActivityNanos + idle;
            set = true;
        }
        if (ping != 0) {
            long pingDue = lastReadOrPingNanos + ping;
            due = !set || pingDue - due < 0 ? pingDue : due;
        }
        return due;
    }

    /**
     * Acts if a limit has elapsed at {@code now}: the idle close (after which the connection leaves the sweep), or a
     * ping. Returns false when the connection no longer needs watching.
     */
    boolean check(long now) {
        if (!ctx.channel().isActive() || owner().connection().closeState() != Connection.CloseState.OPEN) {
            return false;
        }
        long idle = owner().config().idleTimeout().toNanos();
        if (idle != 0 && now - lastActivityNanos >= idle) {
            owner().idleTimeout(ctx);
            return false;
        }
        long ping = owner().config().pingInterval().toNanos();
        if (ping != 0 && now - lastReadOrPingNanos >= ping) {
            lastReadOrPingNanos = now;
            if (ctx.channel().isWritable()) {
                owner().keepalivePing(ctx);
            }
        }
        return true;
    }

    private ConnectionHandler owner() {
        return (ConnectionHandler) ctx.handler();
    }
}
