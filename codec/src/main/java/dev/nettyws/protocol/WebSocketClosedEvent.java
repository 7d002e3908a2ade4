package dev.nettyws.protocol;

import dev.nettyws.PeerText;
import dev.nettyws.frame.CloseStatus;

/**
 * The user event fired exactly once per WebSocket connection, when the channel becomes inactive, just before
 * {@code channelInactive} reaches the application's handlers. It says how the WebSocket connection ended (RFC 6455
 * §7.1.5, §7.1.6):
 *
 * <ul>
 *   <li>the peer sent a close frame first: the peer's code and reason, 1005 (no status received) when the frame had
 *       no code; {@link #remote()} is {@code true};</li>
 *   <li>we sent a close frame first and the peer answered: our code and reason;</li>
 *   <li>the connection was failed because the peer broke the protocol (or a limit): the code we failed it with,
 *       e.g. 1002, 1007 or 1009, and the reason we sent; {@link #clean()} is {@code false};</li>
 *   <li>no close frame was received before TCP closed (the connection dropped, or the peer never answered our
 *       close within the close timeout): 1006 (abnormal closure) and an empty reason.</li>
 * </ul>
 *
 * <p>Immutable; no buffers. Fired on the channel's event loop.
 */
public final class WebSocketClosedEvent {
    private final int statusCode;
    private final String reason;
    private final boolean remote;
    private final boolean clean;

    /**
     * Creates an event.
     *
     * @param statusCode the close code, see the class description
     * @param reason the close reason, never {@code null}
     * @param remote whether the peer (or the network) ended the connection, rather than this endpoint
     * @param clean whether close frames were exchanged in both directions
     */
    public WebSocketClosedEvent(int statusCode, String reason, boolean remote, boolean clean) {
        this.statusCode = statusCode;
        this.reason = reason == null ? "" : reason;
        this.remote = remote;
        this.clean = clean;
    }

    /** The close code (RFC 6455 §7.4), see the class description. */
    public int statusCode() {
        return statusCode;
    }

    /** The close reason; empty when there was none. */
    public String reason() {
        return reason;
    }

    /**
     * Whether the close started at the peer: it sent the first close frame, or TCP dropped while the connection was
     * open. {@code false} when this endpoint sent the first close frame or failed the connection.
     */
    public boolean remote() {
        return remote;
    }

    /** Whether the close handshake completed: a close frame was received and one was sent (RFC 6455 §7.1.4). */
    public boolean clean() {
        return clean;
    }

    @Override
    public String toString() {
        return "WebSocketClosedEvent(" + statusCode + ' ' + CloseStatus.name(statusCode) + ", \""
            + PeerText.forLog(reason) + "\", " + (remote ? "remote" : "local") + (clean ? ", clean" : ", not clean")
            + ')';
    }
}
