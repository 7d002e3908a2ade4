package dev.nettyws.handshake;

import io.netty.channel.Channel;

/**
 * The application's say in a handshake that passed every RFC 6455 check and the origin policy: typically
 * authentication from a cookie, a header or a query parameter. It returns null to accept the handshake or a
 * {@link HandshakeRejection} to refuse it; what it learns (a user id, say) it can keep in a channel attribute for
 * the WebSocket handlers, which are installed right after an accepting call. The request is the same whichever
 * transport carried it.
 *
 * <p>Called on the channel's event loop, once per handshake; it must not block (there is no asynchronous variant
 * yet). An exception refuses the handshake with {@code 500 Internal Server Error}; the exception itself is not sent
 * to the client. One instance serves every channel, so implementations must be thread-safe. Holds no buffers.
 */
@FunctionalInterface
public interface HandshakeInterceptor {
    /** Accepts every handshake. */
    HandshakeInterceptor ACCEPT_ALL = (request, channel) -> null;

    /**
     * Decides on a handshake.
     *
     * @param request the handshake request: target, authority, read-only headers
     * @param channel the connection, for its remote address, TLS session and attributes
     * @return null to accept, or why the handshake is refused
     * @throws Exception to refuse with 500
     */
    HandshakeRejection intercept(HandshakeRequest request, Channel channel) throws Exception;
}
