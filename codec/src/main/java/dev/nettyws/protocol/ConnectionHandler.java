package dev.nettyws.protocol;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.PingFrame;
import dev.nettyws.frame.PongFrame;
import dev.nettyws.frame.ProtocolViolationException;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.SlowPeerDetector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.IOException;
import java.util.Objects;

/**
 * The connection-level rules of RFC 6455 for a server or a client: answers pings, runs the close handshake, stops
 * data after a close, reports how the connection ended, and optionally keeps the connection alive or closes it when
 * idle. It sits right behind the frame codec:
 *
 * <pre>
 *   ..., FrameEncoder, FrameDecoder, ConnectionHandler, [MessageAggregator], application
 * </pre>
 *
 * <p><b>Pings and pongs.</b> A ping is answered with a pong carrying the same payload, the ping's own buffer
 * (§5.5.2, §5.5.3), and is not passed on. While the channel is not writable, only the most recent unanswered ping is
 * kept and answered once it becomes writable; older ones are released (§5.5.3 allows answering only the most recent
 * ping), so a peer that pings without reading cannot make pongs pile up. Pings are answered until the peer's close
 * frame arrives, also after we sent ours (§5.5.2). Pongs are released, or passed on when
 * {@link ConnectionConfig#forwardPongs()} is set.
 *
 * <p><b>Close handshake</b> (§5.5.1, §7.1), tracked by {@link State}:
 * <ul>
 *   <li>Peer closes first: we answer with a close frame echoing its status code (an empty close if it had none).
 *       A server then closes TCP as soon as the answer is flushed (§7.1.1: the server closes first); a client waits
 *       for the server to close TCP, at most {@link ConnectionConfig#closeTimeout()}.</li>
 *   <li>We close first: the application writes a {@link CloseFrame}, or calls {@code close()} on the channel or on
 *       a context behind this handler, which sends 1000 (normal closure) and completes the close promise once TCP is
 *       really closed. When the peer's close arrives, a server closes TCP at once and a client waits for the server
 *       to. If no answer comes within the close timeout, TCP is closed anyway.</li>
 *   <li>Every close frame we send, including an echo, starts the close timer, which closes TCP when it fires.</li>
 *   <li>After our close frame, data frames, close frames and plain buffers written by the application fail their
 *       promise with {@link WebSocketClosedException} and are released (§5.5.1); pings and pongs may still be
 *       written until the peer's close arrives. Data frames the peer sends after our close are still passed on (it
 *       may not have seen ours yet).</li>
 *   <li>A {@link ProtocolViolationException} from {@link FrameDecoder} means the decoder has already sent its close
 *       frame and is closing TCP: the handler records the code, sends nothing more, starts the close timer in case
 *       the flush never completes, and does not pass the exception on.</li>
 *   <li>While closing, a further {@code close()} closes TCP at once.</li>
 * </ul>
 *
 * <p><b>Errors.</b> An I/O error (a reset, a broken pipe, a TLS failure: an {@link IOException} in the cause chain)
 * while the connection is open is passed on, and the connection ends with 1006 when Netty closes it. Once the close
 * handshake is complete, or the connection was failed, the connection has ended as far as the application is
 * concerned: an I/O error then (a peer that resets right after the close handshake is common) is logged at debug
 * level and not passed on. Any other exception that reaches this handler (an {@link OutOfMemoryError} from a
 * buffer, a bug in a handler in front) is one the pipeline cannot handle: it is logged once, at warn level with its
 * stack trace, not passed on, and the connection is failed with 1011 (internal error): a close frame if none was
 * sent yet, TCP closed once it is written (or at the close timeout), and the closed event reports 1011.
 * Exceptions thrown by handlers behind this one (the application's) do not pass through it; they are theirs to
 * handle.
 * The peer's close frame is not passed on: the {@link WebSocketClosedEvent} this handler fires exactly once, when the
 * channel becomes inactive, reports its code and reason, or how else the connection ended.
 *
 * <p><b>Idle connections.</b> With {@link ConnectionConfig#pingInterval()} set, an empty ping is sent whenever the peer
 * has been silent that long. With {@link ConnectionConfig#idleTimeout()} set, a connection on which nothing was read
 * and the application wrote nothing for that long is closed with 1001 (going away), reason {@code "idle timeout"}.
 * Both use tasks scheduled on the channel's event loop and its {@link Ticker}, so tests can advance time with
 * {@code EmbeddedChannel.advanceTimeBy}.
 *
 * <p><b>Peers that do not read.</b> The channel's write buffer water marks make {@code isWritable()} false while more
 * than the high mark is queued; well-behaved applications then stop producing. Two limits catch the peer that never
 * reads, whatever the application does: when the channel has been unwritable for
 * {@link ConnectionConfig#writeStallTimeout()} without any queued byte leaving, and when a write leaves more than
 * {@link ConnectionConfig#maxPendingWriteBytes()} queued, the connection is failed with 1008 (policy violation):
 * TCP is closed at once, without a close frame that would only queue behind the unread bytes (§7.1.7), and the
 * closed event reports 1008 with reason {@value #WRITE_STALL_REASON} or {@value #PENDING_LIMIT_REASON}. Pongs cannot
 * pile up either (see above), so a peer that floods pings without reading ends the same way.
 *
 * <p><b>Buffers.</b> Frames passed on belong to the next handler. Pings, unforwarded pongs, close frames and refused
 * writes are released here; a pong reuses its ping's payload. A pending pong's payload is released when it is
 * replaced, when the peer's close arrives, and when the channel becomes inactive or the handler is removed.
 *
 * <p><b>Threads.</b> One instance per channel; every method runs on the channel's event loop. The static
 * {@link #close(Channel, int, String)} may be called from any thread.
 */
public class ConnectionHandler extends ChannelDuplexHandler {

    /** The close handshake as seen from this endpoint (§7.1). */
    public enum State {
        /** Neither side has sent a close frame: data flows both ways. */
        OPEN,
        /** We sent a close frame and wait for the peer's; we send no more data. */
        CLOSE_SENT,
        /**
         * The peer's close frame arrived and ours is not sent yet. Short-lived: the handler answers at once, and
         * then is {@link #CLOSED}.
         */
        CLOSE_RECEIVED,
        /**
         * Close frames went both ways, or the connection was failed, or TCP closed: nothing more is sent, and only
         * the TCP close (if not done yet) remains.
         */
        CLOSED
    }

    /** The close reason used when the idle timeout closes a connection. */
    public static final String IDLE_TIMEOUT_REASON = "idle timeout";
    /** The reason reported when {@link ConnectionConfig#writeStallTimeout()} fails a connection. */
    public static final String WRITE_STALL_REASON = SlowPeerDetector.WRITE_STALL_REASON;
    /** The reason reported when {@link ConnectionConfig#maxPendingWriteBytes()} fails a connection. */
    public static final String PENDING_LIMIT_REASON = SlowPeerDetector.PENDING_LIMIT_REASON;
    /** The close reason sent with 1011 when an error the pipeline cannot handle fails the connection. */
    public static final String INTERNAL_ERROR_REASON = "internal error";

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(ConnectionHandler.class);

    private final Role role;
    private final ConnectionConfig config;

    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private State state = State.OPEN;

    // How the connection ended, for the closed event.
    private boolean closeStartedByUs;
    private boolean closeStartedByPeer;
    private boolean closeFrameSent;
    private int sentCode;
    private String sentReason = "";
    private boolean closeFrameReceived;
    private int receivedCode;
    private String receivedReason = "";
    private int violationCode;
    private String violationReason = "";
    private boolean closedEventFired;
    private boolean internalErrorSeen;

    /** The payload of the most recent ping not answered because the channel was not writable. */
    private ByteBuf pendingPong;

    private ScheduledFuture<?> closeTimer;
    private ScheduledFuture<?> idleTimer;
    private boolean idleTimerStarted;
    private long lastReadNanos;
    private long lastWriteNanos;
    private long lastPingNanos;

    /** The pending bytes limit and the write stall timeout. */
    private final SlowPeerDetector slowPeer;

    /**
     * Creates a handler.
     *
     * @param role whether this is the server or the client end; decides who closes TCP first (§7.1.1)
     * @param config timeouts, keepalive and pong forwarding
     */
    public ConnectionHandler(Role role, ConnectionConfig config) {
        this.role = Objects.requireNonNull(role, "role");
        this.config = Objects.requireNonNull(config, "config");
        this.slowPeer = new SlowPeerDetector(config.maxPendingWriteBytes(), config.writeStallNanos,
            reason -> failSlowPeer(ctx, reason));
    }

    /**
     * Starts the close handshake on {@code channel} with the given code and reason (RFC 6455 §7.1.2) by writing a
     * {@link CloseFrame} through the pipeline. Safe to call from any thread.
     *
     * <p>With a {@code ConnectionHandler} in the pipeline, the returned future completes once TCP is closed: when
     * the handshake completes, or at the latest when the close timeout fires. If a close is already under way, the
     * frame is refused and the future still completes when that close ends.
     *
     * @param channel a WebSocket channel
     * @param statusCode a code valid on the wire, see {@link CloseStatus#isValidOnWire(int)}
     * @param reason a reason of at most 123 UTF-8 bytes, or {@code null}
     * @return the channel's close future
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public static ChannelFuture close(Channel channel, int statusCode, String reason) {
        channel.writeAndFlush(new CloseFrame(statusCode, reason));
        return channel.closeFuture();
    }

    /** Where the close handshake stands. Event loop only. */
    public State state() {
        return state;
    }

    /** The role given at construction. */
    public Role role() {
        return role;
    }

    /** The configuration given at construction. */
    public ConnectionConfig config() {
        return config;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        if (ctx.channel().isActive()) {
            startIdleTimer();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimers();
        releasePendingPong();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startIdleTimer();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (internalErrorSeen) {
            // The connection is being failed with 1011; what the decoder still produces is dropped.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof Frame) || !((Frame) msg).isControl()) {
            if (closeFrameReceived) {
                // §5.5.1: nothing follows a close frame. The decoder already drops such frames.
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        } else if (msg instanceof PingFrame) {
            onPing(ctx, (PingFrame) msg);
        } else if (msg instanceof PongFrame) {
            if (config.forwardPongs() && !closeFrameReceived) {
                ctx.fireChannelRead(msg);
            } else {
                ((PongFrame) msg).release();
            }
        } else if (msg instanceof CloseFrame) {
            onPeerClose(ctx, (CloseFrame) msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (idleTimerStarted) {
            lastReadNanos = ticker.nanoTime();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        boolean writable = ctx.channel().isWritable();
        slowPeer.writabilityChanged(ctx);
        if (pendingPong != null && writable) {
            ByteBuf payload = pendingPong;
            pendingPong = null;
            ctx.writeAndFlush(new PongFrame(payload));
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProtocolViolationException violation = find(cause, ProtocolViolationException.class);
        if (violation == null) {
            if (find(cause, IOException.class) == null) {
                failInternally(ctx, cause);
            } else if (state == State.CLOSED) {
                // The connection has ended for the application (close handshake done, or failed): nothing to report.
                LOGGER.debug("{} I/O error after the WebSocket connection ended: {}", ctx.channel(), cause.toString());
            } else {
                if (state == State.OPEN) {
                    // The transport failed and Netty closes the channel itself. A handler further on that closes on
                    // any exception must not make this look like our close: no close frame can be delivered, and
                    // the end is the peer's or the network's doing (1006, remote, §7.1.5).
                    state = State.CLOSED;
                    releasePendingPong();
                    cancelIdleTimer();
                }
                ctx.fireExceptionCaught(cause);
            }
            return;
        }
        // The decoder has sent the close frame and closes TCP once it is flushed (§7.1.7); send nothing more.
        if (violationCode == 0) {
            violationCode = violation.closeStatus();
            violationReason = violation.getMessage();
        }
        state = State.CLOSED;
        releasePendingPong();
        cancelIdleTimer();
        if (ctx.channel().isActive()) {
            // A peer that does not read would keep the decoder's flush, and with it the TCP close, pending forever.
            armCloseTimer(ctx);
        }
    }

    /**
     * Fails the connection with 1011 after an exception the pipeline cannot handle; logs the first one of the
     * connection at warn level, later ones (the same failure echoing through a closing pipeline) at debug.
     */
    private void failInternally(ChannelHandlerContext ctx, Throwable cause) {
        if (internalErrorSeen) {
            LOGGER.debug("{} another unhandled error: {}", ctx.channel(), cause.toString());
            return;
        }
        internalErrorSeen = true;
        LOGGER.warn("{} failing the WebSocket connection with 1011 after an unhandled error", ctx.channel(), cause);
        if (violationCode == 0) {
            violationCode = CloseStatus.INTERNAL_ERROR;
            violationReason = INTERNAL_ERROR_REASON;
        }
        boolean sendClose = state == State.OPEN && ctx.channel().isActive();
        state = State.CLOSED;
        releasePendingPong();
        cancelIdleTimer();
        if (sendClose) {
            CloseFrame close = new CloseFrame(CloseStatus.INTERNAL_ERROR, INTERNAL_ERROR_REASON);
            recordSent(close);
            ChannelFuture written = ctx.writeAndFlush(close);
            written.addListener(closeFrameWritten());
            written.addListener(ChannelFutureListener.CLOSE);
            armCloseTimer(ctx);
        } else {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        cancelTimers();
        releasePendingPong();
        if (!closedEventFired) {
            closedEventFired = true;
            ctx.fireUserEventTriggered(closedEvent());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (state == State.OPEN) {
            if (msg instanceof CloseFrame) {
                startClose(ctx, (CloseFrame) msg, promise);
                return;
            }
            slowPeer.write(ctx, msg, promise);
        } else if (state == State.CLOSE_SENT && (msg instanceof PingFrame || msg instanceof PongFrame)) {
            slowPeer.write(ctx, msg, promise);
        } else {
            ReferenceCountUtil.release(msg);
            promise.tryFailure(new WebSocketClosedException(state == State.CLOSE_SENT
                ? "write after the close frame was sent" : "write after the WebSocket connection closed"));
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        // Outbound activity for the idle timeout, taken once per flush rather than per write: bytes count when sent.
        if (idleTimerStarted) {
            lastWriteNanos = ticker.nanoTime();
        }
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (state == State.OPEN && ctx.channel().isActive()) {
            if (decoderFailed(ctx)) {
                // The decoder's close after its violation close frame; its exception may arrive after this call.
                state = State.CLOSED;
            } else {
                ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
                startClose(ctx, new CloseFrame(CloseStatus.NORMAL_CLOSURE, null), ctx.newPromise());
                return;
            }
        }
        ctx.close(promise);
    }

    /**
     * Fails the connection of a peer that does not read (§7.1.7): no close frame, which would queue behind the bytes
     * it does not read; TCP closes at once, and the closed event reports 1008.
     */
    private void failSlowPeer(ChannelHandlerContext ctx, String reason) {
        if (violationCode == 0) {
            violationCode = CloseStatus.POLICY_VIOLATION;
            violationReason = reason;
        }
        state = State.CLOSED;
        releasePendingPong();
        cancelTimers();
        ctx.close();
    }

    private void onPing(ChannelHandlerContext ctx, PingFrame ping) {
        // §5.5.2: answer unless the peer's close frame has arrived. Pongs are control frames, so also after ours.
        if (state != State.OPEN && state != State.CLOSE_SENT) {
            ping.release();
            return;
        }
        releasePendingPong();
        ByteBuf payload = ping.content();
        if (ctx.channel().isWritable()) {
            ctx.writeAndFlush(new PongFrame(payload));
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
        if (closeFrameReceived || violationCode != 0) {
            // A second close frame, or one after the connection was failed: the decoder never delivers these.
            return;
        }
        closeFrameReceived = true;
        receivedCode = code;
        receivedReason = reason;
        releasePendingPong();
        if (state == State.OPEN) {
            closeStartedByPeer = true;
            state = State.CLOSE_RECEIVED;
            cancelIdleTimer();
            // §5.5.1: echo the status code; a close without one is answered without one.
            CloseFrame echo = CloseStatus.isValidOnWire(code) ? new CloseFrame(code, null) : new CloseFrame();
            recordSent(echo);
            armCloseTimer(ctx);
            ChannelFuture written = ctx.writeAndFlush(echo);
            state = State.CLOSED;
            written.addListener(closeFrameWritten());
            if (role == Role.SERVER) {
                // §7.1.1: the server closes the TCP connection first.
                written.addListener(f -> ctx.close());
            }
        } else if (state == State.CLOSE_SENT) {
            state = State.CLOSED;
            if (role == Role.SERVER) {
                ctx.close();
            }
            // A client waits for the server's TCP close; the timer armed with our close frame bounds the wait.
        }
    }

    /** We begin the close handshake with {@code frame}, written on behalf of the application or the idle timer. */
    private void startClose(ChannelHandlerContext ctx, CloseFrame frame, ChannelPromise promise) {
        state = State.CLOSE_SENT;
        closeStartedByUs = true;
        recordSent(frame);
        cancelIdleTimer();
        armCloseTimer(ctx);
        ChannelPromise written = promise.unvoid();
        written.addListener(closeFrameWritten());
        ctx.write(frame, written);
        // Nothing may follow a close frame, so there is no batching to preserve: make sure it leaves.
        ctx.flush();
    }

    private void recordSent(CloseFrame frame) {
        sentCode = frame.statusCode();
        sentReason = frame.reasonText();
    }

    private ChannelFutureListener closeFrameWritten() {
        return f -> {
            if (f.isSuccess()) {
                closeFrameSent = true;
            } else {
                ctx.close();
            }
        };
    }

    private void armCloseTimer(ChannelHandlerContext ctx) {
        if (closeTimer == null) {
            closeTimer = ctx.executor().schedule(() -> {
                ctx.close();
            }, config.closeTimeoutNanos, NANOSECONDS);
        }
    }

    private WebSocketClosedEvent closedEvent() {
        boolean clean = closeFrameSent && closeFrameReceived;
        if (violationCode != 0) {
            return new WebSocketClosedEvent(violationCode, violationReason, false, false);
        }
        if (closeFrameReceived) {
            return closeStartedByPeer ? new WebSocketClosedEvent(receivedCode, receivedReason, true, clean)
                : new WebSocketClosedEvent(sentCode, sentReason, false, clean);
        }
        // §7.1.5: no close frame received means 1006, whoever started.
        return new WebSocketClosedEvent(CloseStatus.ABNORMAL_CLOSURE, "", !closeStartedByUs, false);
    }

    private static boolean decoderFailed(ChannelHandlerContext ctx) {
        FrameDecoder decoder = ctx.pipeline().get(FrameDecoder.class);
        return decoder != null && decoder.isFailed();
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

    private void startIdleTimer() {
        long idle = config.idleTimeoutNanos;
        long ping = config.pingIntervalNanos;
        if (idleTimerStarted || state != State.OPEN || (idle == 0 && ping == 0)) {
            return;
        }
        idleTimerStarted = true;
        long now = ticker.nanoTime();
        lastReadNanos = now;
        lastWriteNanos = now;
        lastPingNanos = now;
        long delay = idle == 0 ? ping : ping == 0 ? idle : Math.min(idle, ping);
        idleTimer = ctx.executor().schedule(this::checkIdle, delay, NANOSECONDS);
    }

    /** Runs when the idle timeout or the ping interval may have elapsed; sends a ping or closes, then re-arms. */
    private void checkIdle() {
        idleTimer = null;
        if (state != State.OPEN || !ctx.channel().isActive()) {
            return;
        }
        long now = ticker.nanoTime();
        long delay = Long.MAX_VALUE;
        if (config.idleTimeoutNanos != 0) {
            long remaining = config.idleTimeoutNanos - (now - latest(lastReadNanos, lastWriteNanos));
            if (remaining <= 0) {
                startClose(ctx, new CloseFrame(CloseStatus.GOING_AWAY, IDLE_TIMEOUT_REASON), ctx.newPromise());
                return;
            }
            delay = remaining;
        }
        if (config.pingIntervalNanos != 0) {
            long remaining = config.pingIntervalNanos - (now - latest(lastReadNanos, lastPingNanos));
            if (remaining <= 0) {
                lastPingNanos = now;
                remaining = config.pingIntervalNanos;
                if (ctx.channel().isWritable()) {
                    // Written from this context, so it does not count as an application write.
                    ctx.writeAndFlush(new PingFrame(Unpooled.EMPTY_BUFFER));
                }
            }
            delay = Math.min(delay, remaining);
        }
        idleTimer = ctx.executor().schedule(this::checkIdle, delay, NANOSECONDS);
    }

    /** The later of two {@link Ticker#nanoTime()} values, safe across numeric overflow. */
    private static long latest(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }

    private void cancelTimers() {
        cancelIdleTimer();
        slowPeer.cancel();
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
        }
    }
}
