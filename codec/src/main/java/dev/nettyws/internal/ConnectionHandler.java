package dev.nettyws.internal;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.ProtocolViolationException;
import dev.nettyws.frame.Role;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketClosedException;
import dev.nettyws.protocol.WebSocketConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.util.Objects;

/**
 * The connection protocol between the frame codec and the application (RFC 6455 §5.5, §7): answers pings, runs the
 * close handshake on the {@link Connection}'s state machine, refuses writes after our close frame, and fires the
 * {@link WebSocketClosedEvent} once when the channel goes inactive. Three parts of its own, not handlers (a
 * handler context costs 64 B per connection, and each handler a hop per message): the {@link KeepAlive} (idle
 * timeout, keepalive pings), which sees the application's flushes and the peer's reads here, the
 * {@link WriteLimiter}, through which every write of the connection protocol and the application goes, and, when
 * the configuration aggregates, the {@link MessageAggregator}, made with the first fragmented message (an
 * unfragmented one is whole already and passes on as it is).
 *
 * <p>Why it holds back pongs: while the channel is unwritable only the latest unanswered ping is kept (§5.5.3 allows
 * answering only the most recent), so a peer that pings without reading cannot make pongs pile up. Why a server
 * closes TCP right after its answer and a client waits: §7.1.1. The peer's close frame is not passed on; the closed
 * event says how the connection ended.
 *
 * <p>Errors: an I/O error (an {@link IOException} in the cause chain) while the connection is open is passed on, and
 * the end is 1006; once the connection has ended for the application (close handshake done, or failed) it is only
 * logged at debug level, since a peer resetting right after the close handshake is common. Any other exception that
 * reaches this handler (an {@link OutOfMemoryError} from a buffer, a bug in a handler in front) is one the pipeline
 * cannot handle: logged once at warn level, not passed on, and the connection is failed with 1011. Exceptions of the
 * application's handlers, behind this one, do not pass through it.
 *
 * <p>Buffers: frames passed on belong to the next handler. Pings, unforwarded pongs, close frames and refused writes
 * are released here; a pong reuses its ping's payload, and a held one is released when replaced, when the peer's
 * close arrives, and when the channel goes inactive. A message being joined is released when the channel goes
 * inactive or the handler is removed. One instance per channel, on its event loop.
 */
public final class ConnectionHandler extends ChannelDuplexHandler {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(ConnectionHandler.class);

    private final Role role;
    private final ConnectionConfig config;
    /**
     * The endpoint's configuration when it aggregates messages (the limit and the memory budget), else null. Shared
     * by the endpoint's connections, so it costs a reference.
     */
    private final WebSocketConfig aggregation;
    private Connection connection;
    /** The payload of the most recent ping not answered because the channel was not writable. */
    private ByteBuf pendingPong;
    /** An error the pipeline cannot handle failed the connection: what the decoder still produces is dropped. */
    private boolean internalErrorSeen;
    /** The idle timeout and keepalive pings, when configured. */
    private KeepAlive keepAlive;
    /**
     * The {@link WriteLimiter}'s state, made once a write or the channel's writability needs it; null before, and
     * always when no limit is configured.
     */
    private SlowPeerDetector slowPeer;
    /** Joins fragmented messages; made with the first one, when {@link #aggregation} is set. */
    private MessageAggregator aggregator;

    /**
     * Creates the handler of one connection that passes fragments on as they are.
     *
     * @param role whether this is the server or the client end; decides who closes TCP first (§7.1.1)
     * @param config the close timeout and whether pongs reach the application
     */
    public ConnectionHandler(Role role, ConnectionConfig config) {
        this.role = Objects.requireNonNull(role, "role");
        this.config = Objects.requireNonNull(config, "config");
        this.aggregation = null;
    }

    /**
     * Creates the handler of one connection of an endpoint: its frame role, its {@link WebSocketConfig#connection()},
     * and, when it {@linkplain WebSocketConfig#aggregate() aggregates}, its aggregation limit and the memory budget of
     * its frame configuration.
     *
     * @param config the endpoint's configuration
     */
    public ConnectionHandler(WebSocketConfig config) {
        this.role = config.frames().role();
        this.config = config.connection();
        this.aggregation = config.aggregate() ? config : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        connection = Connection.of(ctx.channel(), role);
        connection.runCloseHandshake(config.closeTimeout());
        if (KeepAlive.isNeeded(config)) {
            keepAlive = new KeepAlive();
            if (ctx.channel().isActive()) {
                keepAlive.start(ctx);
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releasePendingPong();
        stopParts();
        if (connection != null) {
            // Nothing reports the end from here on, nor runs the close handshake.
            connection.closeHandshakeStopped();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (keepAlive != null) {
            keepAlive.start(ctx);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (keepAlive != null) {
            keepAlive.readComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // The application's flushes; ours go on from ctx and do not count as activity.
        if (keepAlive != null) {
            keepAlive.flushed();
        }
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (internalErrorSeen) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof Frame) || !((Frame) msg).isControl()) {
            if (connection.isCloseFrameReceived()) {
                // §5.5.1: nothing follows a close frame. The decoder already drops such frames.
                ReferenceCountUtil.release(msg);
                return;
            }
            if (aggregation != null && msg instanceof Frame) {
                onData(ctx, (Frame) msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        } else if (msg instanceof PingFrame) {
            onPing(ctx, (PingFrame) msg);
        } else if (msg instanceof PongFrame) {
            if (config.forwardPongs() && !connection.isCloseFrameReceived()) {
                ctx.fireChannelRead(msg);
            } else {
                ((PongFrame) msg).release();
            }
        } else {
            onPeerClose(ctx, (CloseFrame) msg);
        }
    }

    /** A data frame of an aggregating endpoint: a whole message within the limit passes on as it is. */
    private void onData(ChannelHandlerContext ctx, Frame frame) {
        if (aggregator == null) {
            if (!MessageAggregator.isNeeded(frame, aggregation.maxAggregatedMessageLength())) {
                ctx.fireChannelRead(frame);
                return;
            }
            aggregator = new MessageAggregator(this, aggregation.maxAggregatedMessageLength(),
                aggregation.frames().memoryBudget());
        }
        aggregator.read(ctx, frame);
    }

    private void onPing(ChannelHandlerContext ctx, PingFrame ping) {
        // §5.5.2: answer until the peer's close frame arrives; pongs are control frames, so also after ours.
        Connection.CloseState state = connection.closeState();
        if (state != Connection.CloseState.OPEN && state != Connection.CloseState.CLOSE_SENT) {
            ping.release();
            return;
        }
        releasePendingPong();
        ByteBuf payload = ping.content();
        if (ctx.channel().isWritable()) {
            sendAndFlush(ctx, new PongFrame(payload));
        } else {
            pendingPong = payload;
        }
    }

    private void onPeerClose(ChannelHandlerContext ctx, CloseFrame frame) {
        int code;
        String reason;
        try {
            code = frame.statusCode();
            reason = frame.reasonText();
        } finally {
            frame.release();
        }
        switch (connection.closeFrameReceived(code, reason)) {
            case ECHO:
                releasePendingPong();
                // §5.5.1: echo the status code; a close without one is answered without one.
                ChannelFuture written = sendAndFlush(ctx, CloseStatus.isValidOnWire(code)
                    ? new CloseFrame(code, null) : new CloseFrame());
                if (role == Role.SERVER) {
                    written.addListener(f -> ctx.close());
                }
                return;
            case CLOSE:
                ctx.close();
                return;
            default:
                releasePendingPong();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (WriteLimiter.isNeeded(config)) {
            WriteLimiter.writabilityChanged(this, ctx);
        }
        if (pendingPong != null && ctx.channel().isWritable()) {
            ByteBuf payload = pendingPong;
            pendingPong = null;
            sendAndFlush(ctx, new PongFrame(payload));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (find(cause, ProtocolViolationException.class) != null) {
            // The handler that found it has failed the connection through the Connection: close frame, TCP, timer.
            releasePendingPong();
            return;
        }
        if (find(cause, IOException.class) == null) {
            failInternally(ctx, cause);
            return;
        }
        if (connection.closeState() == Connection.CloseState.CLOSED) {
            // The connection has ended for the application (close handshake done, or failed): nothing to report.
            LOGGER.debug("{} I/O error after the WebSocket connection ended: {}", ctx.channel(), cause.toString());
            return;
        }
        connection.transportFailed();
        releasePendingPong();
        ctx.fireExceptionCaught(cause);
    }

    /**
     * Fails the connection with 1011 after an exception the pipeline cannot handle; logs the first one at warn level,
     * later ones (the same failure echoing through a closing pipeline) at debug.
     */
    private void failInternally(ChannelHandlerContext ctx, Throwable cause) {
        if (internalErrorSeen) {
            LOGGER.debug("{} another unhandled error: {}", ctx.channel(), cause.toString());
            return;
        }
        internalErrorSeen = true;
        LOGGER.warn("{} failing the WebSocket connection with 1011 after an unhandled error", ctx.channel(), cause);
        releasePendingPong();
        connection.fail(ctx, CloseStatus.INTERNAL_ERROR, ConnectionConfig.INTERNAL_ERROR_REASON);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePendingPong();
        stopParts();
        WebSocketClosedEvent closed = connection.transportClosed();
        if (closed != null) {
            ctx.fireUserEventTriggered(closed);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Connection.CloseState state = connection.closeState();
        if (state == Connection.CloseState.OPEN) {
            send(ctx, msg, promise);
            if (msg instanceof CloseFrame) {
                // Nothing may follow a close frame, so there is no batching to keep: make sure it leaves.
                ctx.flush();
            }
        } else if (state == Connection.CloseState.CLOSE_SENT
                && (msg instanceof PingFrame || msg instanceof PongFrame)) {
            send(ctx, msg, promise);
        } else {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new WebSocketClosedException(state == Connection.CloseState.CLOSE_SENT
                ? "write after the close frame was sent" : "write after the WebSocket connection closed"));
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (connection.closeState() == Connection.CloseState.OPEN && ctx.channel().isActive()) {
            // The application closes: the close handshake first (1000), the promise when TCP is closed.
            ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            write(ctx, new CloseFrame(CloseStatus.NORMAL_CLOSURE, null), ctx.newPromise());
            return;
        }
        ctx.close(promise);
    }

    /** The connection's settings. */
    ConnectionConfig config() {
        return config;
    }

    /** The {@link WriteLimiter}'s detector, or null while it has none. */
    SlowPeerDetector slowPeer() {
        return slowPeer;
    }

    /** Keeps the detector the {@link WriteLimiter} made for this connection. */
    void slowPeer(SlowPeerDetector detector) {
        slowPeer = detector;
    }

    /** The connection state this handler runs on. */
    Connection connection() {
        return connection;
    }

    /**
     * The bytes the message being joined has reserved from the {@link MemoryBudget} now: 0 when none is (for tests
     * and metrics).
     */
    public long reservedBytes() {
        return aggregator == null ? 0 : aggregator.reservedBytes();
    }

    /** The idle timeout elapsed: the close handshake with 1001, through the write path. */
    void idleTimeout(ChannelHandlerContext ctx) {
        startClose(ctx, CloseStatus.GOING_AWAY, ConnectionConfig.IDLE_TIMEOUT_REASON);
    }

    /** Starts the close handshake with {@code code} and {@code reason} through the write path, which flushes it. */
    void startClose(ChannelHandlerContext ctx, int code, String reason) {
        write(ctx, new CloseFrame(code, reason), ctx.newPromise());
    }

    /** The peer was silent for the ping interval: an empty ping, through the write path. */
    void keepalivePing(ChannelHandlerContext ctx) {
        write(ctx, new PingFrame(Unpooled.EMPTY_BUFFER), ctx.newPromise());
        ctx.flush();
    }

    /** Writes toward the encoder, through the write limits when there are any. */
    private void send(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (WriteLimiter.isNeeded(config)) {
            WriteLimiter.write(this, ctx, msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private ChannelFuture sendAndFlush(ChannelHandlerContext ctx, Object msg) {
        ChannelPromise promise = ctx.newPromise();
        send(ctx, msg, promise);
        ctx.flush();
        return promise;
    }

    private void stopParts() {
        if (keepAlive != null) {
            keepAlive.stop();
        }
        if (slowPeer != null) {
            slowPeer.cancel();
        }
        if (aggregator != null) {
            aggregator.release();
        }
    }

    /** The first throwable of {@code type} in the cause chain of {@code cause}, or null. */
    private static <T extends Throwable> T find(Throwable cause, Class<T> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private void releasePendingPong() {
        if (pendingPong != null) {
            ByteBuf payload = pendingPong;
            pendingPong = null;
            payload.release();
        }
    }
}
