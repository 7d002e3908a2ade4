package dev.nettyws.protocol;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.internal.Connection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * A WebSocket connection as the application sees it, the same for servers and clients: what the opening handshake
 * established (path, subprotocol, extensions, transport), which end this is, whether the connection is still open,
 * and how to close it. Kept on the channel: {@link #of(Channel)} finds it from any handler.
 *
 * <p>Why the headers are not here: the request and response headers, the target and the query are in the
 * {@link HandshakeCompletedEvent} the application receives first, and are dropped after it unless
 * {@link WebSocketConfig#retainHandshake()} asks to keep the whole event ({@link #handshake()}); kept, they are
 * about a kilobyte and a half on every connection.
 *
 * <p>Every method may be called from any thread once the handshake has completed. Holds no buffers.
 */
public interface WebSocketSession {
    /**
     * The session of a WebSocket channel: set during the pipeline switch of the opening handshake, before the
     * application's handlers are added, on servers and clients alike.
     *
     * @param channel a channel
     * @return its session, or {@code null} if its opening handshake has not completed (or it is no WebSocket)
     */
    static WebSocketSession of(Channel channel) {
        Connection connection = Connection.find(channel);
        return connection == null || connection.path() == null ? null : connection;
    }

    /** The percent-decoded path of the request target, without query, for example {@code /chat/lobby}. */
    String path();

    /** The subprotocol the server selected ({@code Sec-WebSocket-Protocol}), or null if none. */
    String subprotocol();

    /** The accepted {@code Sec-WebSocket-Extensions} as the server sent them, or null if none. */
    String extensions();

    /** Whether the connection runs on an HTTP/2 stream (RFC 8441) rather than on a connection of its own. */
    boolean isHttp2();

    /**
     * The whole handshake event (request target, query, request and response headers) if the connection's
     * {@link WebSocketConfig#retainHandshake()} kept it, otherwise null: the event reaches the application's handlers
     * and its {@code WebSocketInitializer} once, which is where to take what it needs.
     */
    HandshakeCompletedEvent handshake();

    /** Whether this end accepted ({@link Role#SERVER}) or opened ({@link Role#CLIENT}) the connection. */
    Role role();

    /**
     * Whether data may still be sent: no close frame has gone either way, the connection was not failed, and the
     * channel is active.
     */
    boolean isOpen();

    /**
     * Starts the close handshake (RFC 6455 §7.1.2) with a close frame carrying {@code statusCode} and
     * {@code reason}; safe to call from any thread. The returned future completes once TCP is closed: when the
     * handshake completes, or at the latest when {@link ConnectionConfig#closeTimeout()} runs out. If a close is
     * already under way the frame is refused and the future still completes when that close ends.
     *
     * @param statusCode a code valid on the wire, see {@link CloseStatus#isValidOnWire(int)}
     * @param reason a reason of at most 123 UTF-8 bytes, or {@code null}
     * @return the channel's close future
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    ChannelFuture close(int statusCode, String reason);
}
