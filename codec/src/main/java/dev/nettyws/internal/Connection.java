package dev.nettyws.internal;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ProtocolViolationException;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Arrays;

/**
 * The one owner of a WebSocket connection's truth (RFC 6455 §7): where the close handshake stands, which close
 * frames went which way, whether and why the connection was failed, what the opening handshake established, and the
 * end event. The frame codec, the extension handlers, the connection handler and the write limiter report into it
 * and ask it; none of them looks another up. One per channel, in a channel attribute ({@link #of}, {@link #find}),
 * so that handlers a user places on their own share it too.
 *
 * <p>The state machine is plain: {@link #closeFrameWriting}, {@link #closeFrameReceived} and
 * {@link #transportFailed()} only move it and say what to do, so it is testable without a channel. The acts that
 * belong to the state are here as well: {@link #fail} (§7.1.7: one close frame, then TCP), {@link #abort} and the
 * close timer that bounds every close. Whoever must act when the connection ends (a broadcast group's member) asks
 * to be told here ({@link #watchEnd}) rather than listening on the channel's close future.
 *
 * <p>Event loop only, except the {@link WebSocketSession} methods, which any thread may call.
 */
public final class Connection implements WebSocketSession {
    private static final AttributeKey<Connection> KEY = AttributeKey.valueOf(Connection.class, "connection");
    private static final Runnable[] NO_WATCHERS = {};

    /** The close handshake as this endpoint sees it (§7.1). */
    public enum CloseState {
        /** No close frame either way: data flows both ways. */
        OPEN,
        /** We sent a close frame and wait for the peer's; we send no more data. */
        CLOSE_SENT,
        /** The peer's close frame arrived and our answer is not written yet. */
        CLOSE_RECEIVED,
        /** Close frames went both ways, or the connection failed, or TCP closed: only the TCP close remains. */
        CLOSED
    }

    /** What the connection handler does about the peer's close frame. */
    public enum PeerClose {
        /** Answer with a close frame echoing the code, then close TCP ({@link #CLOSE}) or wait ({@link #WAIT}). */
        ECHO,
        /** Our close was answered and we are the server: close TCP (§7.1.1). */
        CLOSE,
        /** Our close was answered and we are the client: wait for the server's TCP close, at most the close timer. */
        WAIT,
        /** A close frame after the connection failed or closed: nothing. */
        IGNORE
    }

    private final Channel channel;
    private final Role role;
    /** A reference to the configuration's value rather than a long: the object is 8 B smaller for it. */
    private Duration closeTimeout;
    /** Written on the event loop, read by {@link #isOpen()} from any thread. */
    private volatile CloseState state = CloseState.OPEN;
    /** Written last on the event loop, read first from any thread: publishes the fields written before it. */
    private volatile String path;
    /** The subprotocol, extensions, retained event and HTTP/2, when the handshake had any: most have none. */
    private Negotiated negotiated;
    /** Whether a handler runs the close handshake (the connection handler); otherwise {@link #close} closes TCP. */
    private boolean closeHandshakeRun;
    /** A close frame went to the frame encoder: no second one may follow (§5.5.1). */
    private boolean closeFrameQueued;
    private boolean closeFrameReceived;
    /** What the close carried, made when the close starts: an open connection needs none of it. */
    private Ending ending;
    /**
     * What {@link #watchEnd} was given: null, one {@link Runnable}, or an array of them. A field here rather than a
     * listener on the channel's close future, whose second listener costs 48 B per connection.
     */
    private Object endWatchers;

    /**
     * Creates the state of one connection; {@link #of} and {@link #install} put it on the channel.
     *
     * @param channel the connection's channel, for the close timer and {@link #close}; may be null in unit tests that
     *     only drive the state machine
     * @param role this end of the connection
     * @param closeTimeout how long a close may take once we sent a close frame
     */
    public Connection(Channel channel, Role role, Duration closeTimeout) {
        this.channel = channel;
        this.role = role;
        this.closeTimeout = closeTimeout;
    }

    /**
     * Puts a new connection state on {@code channel}, replacing any earlier one: what the pipeline assembly does
     * when the opening handshake succeeds.
     */
    public static Connection install(Channel channel, Role role, ConnectionConfig config) {
        Connection connection = new Connection(channel, role, config.closeTimeout());
        channel.attr(KEY).set(connection);
        return connection;
    }

    /**
     * The state of {@code channel}'s connection, created with the default close timeout if there is none yet: for a
     * frame encoder or decoder a user placed into a pipeline of their own.
     */
    public static Connection of(Channel channel, Role role) {
        Attribute<Connection> attribute = channel.attr(KEY);
        Connection connection = attribute.get();
        if (connection == null) {
            connection = new Connection(channel, role, ConnectionConfig.DEFAULT_CLOSE_TIMEOUT);
            attribute.set(connection);
        }
        return connection;
    }

    /** The state of {@code channel}'s connection, or null if it has none. */
    public static Connection find(Channel channel) {
        return channel.hasAttr(KEY) ? channel.attr(KEY).get() : null;
    }

    // ---- what the handshake established

    /**
     * Records what the opening handshake established; the pipeline switch calls it before the application's init.
     * Keeps the whole event (its headers) only if {@code retain}.
     */
    public void established(HandshakeCompletedEvent event, boolean retain) {
        HandshakeCompletedEvent handshake = retain ? event : null;
        boolean http2 = event.request().isHttp2();
        if (event.subprotocol() != null || event.extensions() != null || handshake != null || http2) {
            this.negotiated = new Negotiated(event.subprotocol(), event.extensions(), handshake, http2);
        }
        // Last: a non-null path is what makes the session visible (WebSocketSession.of).
        this.path = event.path();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String subprotocol() {
        return negotiated == null ? null : negotiated.subprotocol();
    }

    @Override
    public String extensions() {
        return negotiated == null ? null : negotiated.extensions();
    }

    @Override
    public boolean isHttp2() {
        return negotiated != null && negotiated.http2();
    }

    @Override
    public HandshakeCompletedEvent handshake() {
        return negotiated == null ? null : negotiated.handshake();
    }

    @Override
    public Role role() {
        return role;
    }

    // ---- the close state machine

    /** Where the close handshake stands. */
    public CloseState closeState() {
        return state;
    }

    /** Whether the connection was failed (§7.1.7), by a violation of the peer or a limit. */
    public boolean isFailed() {
        return ending != null && ending.failureCode != 0;
    }

    /** Whether the peer's close frame has arrived; nothing it sends after it counts (§5.5.1). */
    public boolean isCloseFrameReceived() {
        return closeFrameReceived;
    }

    /** The connection handler runs the close handshake with this close timeout. */
    public void runCloseHandshake(Duration closeTimeout) {
        this.closeHandshakeRun = true;
        this.closeTimeout = closeTimeout;
    }

    /**
     * The frame encoder is writing {@code frame}, whoever wrote it (the application, the aggregator, an echo, a
     * failure). Returns the promise to write it with, which reports whether it reached the transport.
     */
    public ChannelPromise closeFrameWriting(CloseFrame frame, ChannelPromise promise) {
        closeFrameQueued(frame.statusCode(), frame.reasonText());
        ChannelPromise written = promise.unvoid();
        written.addListener((ChannelFutureListener) f -> closeFrameWritten(f.isSuccess()));
        return written;
    }

    /** A close frame with {@code code} and {@code reason} is on its way: no second one may follow, the timer runs. */
    public void closeFrameQueued(int code, String reason) {
        if (!closeFrameQueued) {
            closeFrameQueued = true;
            ending().sentCode = code;
            ending().sentReason = reason;
        }
        if (state == CloseState.OPEN) {
            state = CloseState.CLOSE_SENT;
            ending.closeStartedByUs = true;
        } else if (state == CloseState.CLOSE_RECEIVED) {
            state = CloseState.CLOSED;
        }
        armCloseTimer();
    }

    /** The close frame reached the transport, or could not be written (then TCP is closed at once). */
    public void closeFrameWritten(boolean success) {
        if (success) {
            ending().closeFrameSent = true;
        } else if (channel != null) {
            channel.close();
        }
    }

    /** The peer's close frame arrived with {@code code} (1005 when it had none) and {@code reason}. */
    public PeerClose closeFrameReceived(int code, String reason) {
        if (state != CloseState.OPEN && state != CloseState.CLOSE_SENT) {
            // A second close frame, or one after the connection failed or its transport broke.
            return PeerClose.IGNORE;
        }
        closeFrameReceived = true;
        ending().receivedCode = code;
        ending().receivedReason = reason;
        if (state == CloseState.OPEN) {
            ending.closeStartedByPeer = true;
            state = CloseState.CLOSE_RECEIVED;
            return PeerClose.ECHO;
        }
        state = CloseState.CLOSED;
        return role == Role.SERVER ? PeerClose.CLOSE : PeerClose.WAIT;
    }

    /**
     * The transport failed (a reset, a broken pipe) while the connection was open: Netty closes the channel itself,
     * and the end is the peer's or the network's doing (1006, remote, §7.1.5), not a close of ours.
     */
    public void transportFailed() {
        if (state == CloseState.OPEN) {
            state = CloseState.CLOSED;
        }
    }

    /**
     * Fails the connection (§7.1.7) from {@code ctx}, which must be between the frame encoder and the application:
     * records the first failure, writes one close frame with {@code code} and {@code reason} unless one was already
     * sent (§5.5.1), and closes TCP once it is written (the close timer bounds the wait for a peer that does not
     * read), or at once without a close frame.
     *
     * @return the exception that carries the code, for the caller to throw or fire
     */
    public ProtocolViolationException fail(ChannelHandlerContext ctx, int code, String reason) {
        recordFailure(code, reason);
        if (ctx.channel().isActive() && !closeFrameQueued) {
            ctx.writeAndFlush(new CloseFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
        return new ProtocolViolationException(code, reason);
    }

    /**
     * Records a failure without acting on it: for a connection whose transport is already gone or whose caller
     * closes it.
     */
    public void recordFailure(int code, String reason) {
        if (ending().failureCode == 0) {
            ending.failureCode = code;
            ending.failureReason = reason;
        }
        state = CloseState.CLOSED;
    }

    /**
     * Fails the connection without a close frame, which would only queue behind what the peer does not read:
     * records {@code code} and {@code reason} for the end event and closes TCP from {@code ctx} at once.
     */
    public void abort(ChannelHandlerContext ctx, int code, String reason) {
        recordFailure(code, reason);
        ctx.close();
    }

    private void armCloseTimer() {
        if (ending().closeTimer == null && channel != null && channel.isActive()) {
            ending.closeTimer = channel.eventLoop().schedule(() -> {
                channel.close();
            }, closeTimeout.toNanos(), NANOSECONDS);
        }
    }

    /**
     * TCP closed: the state is final and the close timer stops. Returns how the connection ended, once; null on
     * later calls.
     */
    public WebSocketClosedEvent transportClosed() {
        state = CloseState.CLOSED;
        if (ending != null && ending.closeTimer != null) {
            ending.closeTimer.cancel(false);
            ending.closeTimer = null;
        }
        if (ending().closedEventTaken) {
            return null;
        }
        ending.closedEventTaken = true;
        for (Runnable watcher : takeEndWatchers()) {
            watcher.run();
        }
        return closedEvent();
    }

    /**
     * Has {@code watcher} run once when TCP closes ({@link #transportClosed()}), which the connection handler reports
     * as long as it is in the pipeline; event loop only. Returns false and keeps nothing when no handler reports it
     * or TCP closed already: the caller then listens to the channel's close future instead.
     */
    public boolean watchEnd(Runnable watcher) {
        if (!closeHandshakeRun || ending != null && ending.closedEventTaken) {
            return false;
        }
        Object watchers = endWatchers;
        if (watchers == null) {
            endWatchers = watcher;
        } else if (watchers instanceof Runnable[]) {
            Runnable[] all = (Runnable[]) watchers;
            Runnable[] more = Arrays.copyOf(all, all.length + 1);
            more[all.length] = watcher;
            endWatchers = more;
        } else {
            endWatchers = new Runnable[] {(Runnable) watchers, watcher};
        }
        return true;
    }

    /**
     * Forgets a watcher given to {@link #watchEnd}; event loop only. Returns false when this connection no longer
     * keeps it (it ran, or the handler left and handed it to the close future): the caller removes it there.
     */
    public boolean unwatchEnd(Runnable watcher) {
        Object watchers = endWatchers;
        if (watchers == watcher) {
            endWatchers = null;
            return true;
        } else if (watchers instanceof Runnable[]) {
            Runnable[] all = (Runnable[]) watchers;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == watcher) {
                    Runnable[] fewer = new Runnable[all.length - 1];
                    System.arraycopy(all, 0, fewer, 0, i);
                    System.arraycopy(all, i + 1, fewer, i, fewer.length - i);
                    endWatchers = fewer.length == 1 ? fewer[0] : fewer;
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The connection handler left the pipeline: nothing reports the end any more, so the watchers listen to the
     * channel's close future from here on, and {@link #close} closes TCP itself.
     */
    public void closeHandshakeStopped() {
        closeHandshakeRun = false;
        for (Runnable watcher : takeEndWatchers()) {
            // A watcher that is itself a listener is added as it is, so its owner can take it off again.
            channel.closeFuture().addListener(watcher instanceof ChannelFutureListener
                ? (ChannelFutureListener) watcher : f -> watcher.run());
        }
    }

    /** The watchers given to {@link #watchEnd}, forgotten here. */
    private Runnable[] takeEndWatchers() {
        Object watchers = endWatchers;
        endWatchers = null;
        if (watchers == null) {
            return NO_WATCHERS;
        }
        return watchers instanceof Runnable[] ? (Runnable[]) watchers : new Runnable[] {(Runnable) watchers};
    }

    /** How the connection ended, from what went each way (§7.1.5, §7.1.6). */
    private WebSocketClosedEvent closedEvent() {
        if (isFailed()) {
            return new WebSocketClosedEvent(ending.failureCode, ending.failureReason, false, false);
        }
        boolean clean = ending.closeFrameSent && closeFrameReceived;
        if (closeFrameReceived) {
            return ending.closeStartedByPeer
                ? new WebSocketClosedEvent(ending.receivedCode, ending.receivedReason, true, clean)
                : new WebSocketClosedEvent(ending.sentCode, ending.sentReason, false, clean);
        }
        // §7.1.5: no close frame received means 1006, whoever started.
        return new WebSocketClosedEvent(CloseStatus.ABNORMAL_CLOSURE, "", !ending.closeStartedByUs, false);
    }

    // ---- WebSocketSession

    @Override
    public boolean isOpen() {
        return state == CloseState.OPEN && channel.isActive();
    }

    @Override
    public ChannelFuture close(int statusCode, String reason) {
        CloseFrame frame = new CloseFrame(statusCode, reason);
        ChannelFuture written = channel.writeAndFlush(frame);
        if (!closeHandshakeRun) {
            // A bare frame codec: nothing else would close TCP after the close frame.
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return channel.closeFuture();
    }

    @Override
    public String toString() {
        return "Connection(" + role + ", " + state + (isFailed() ? ", failed " + ending.failureCode : "") + ')';
    }

    private Ending ending() {
        if (ending == null) {
            ending = new Ending();
        }
        return ending;
    }

    /**
     * What the handshake negotiated beyond the path, made only when there is any: three fields that are null on most
     * connections would cost 8 B on each.
     */
    private record Negotiated(String subprotocol, String extensions, HandshakeCompletedEvent handshake,
                              boolean http2) {
    }

    /** The codes and reasons that went each way, the failure, and the timer that bounds the close. */
    private static final class Ending {
        private boolean closeStartedByUs;
        private boolean closeStartedByPeer;
        /** Our close frame was written to the transport. */
        private boolean closeFrameSent;
        private boolean closedEventTaken;
        private int sentCode;
        private String sentReason = "";
        private int receivedCode;
        private String receivedReason = "";
        private int failureCode;
        private String failureReason = "";
        private ScheduledFuture<?> closeTimer;
    }
}
