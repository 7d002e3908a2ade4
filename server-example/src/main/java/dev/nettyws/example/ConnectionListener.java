package dev.nettyws.example;

import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketClosedEvent;
import io.netty.channel.Channel;

/**
 * Hears about connections of the example server opening and closing: a hook for tests and monitoring. Called on
 * the connection's event loop, so implementations must be quick and thread-safe across connections.
 */
public interface ConnectionListener {
    /** A listener that does nothing. */
    ConnectionListener NONE = new ConnectionListener() {
    };

    /**
     * A connection was accepted; its pipeline is still empty. A listener may add a handler first (to count the
     * connection's bytes, for instance); the server's own handlers follow it.
     */
    default void accepted(Channel channel) {
    }

    /**
     * The server refused a WebSocket handshake on {@code channel} (an HTTP/2 stream for extended CONNECT) with this
     * HTTP status ({@link HandshakeStatuses} says which answers count).
     */
    default void handshakeRejected(Channel channel, int status) {
    }

    /** The opening handshake of {@code channel} completed. */
    default void opened(Channel channel, HandshakeCompletedEvent handshake) {
    }

    /** {@code channel} closed; the event says with which code (1006 when no close frame was received). */
    default void closed(Channel channel, WebSocketClosedEvent closed) {
    }
}
