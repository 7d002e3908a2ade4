/**
 * The WebSocket connection once the opening handshake is done, the same for servers and clients: its settings
 * ({@link dev.nettyws.protocol.WebSocketConfig}, {@link dev.nettyws.protocol.ConnectionConfig}), the application's
 * view of it ({@link dev.nettyws.protocol.WebSocketSession}: handshake, role, close), how it ended
 * ({@link dev.nettyws.protocol.WebSocketClosedEvent}), and the names of the handlers that run it
 * ({@link dev.nettyws.protocol.HandlerNames}): ping/pong and the close handshake (RFC 6455 §5.5, §7), keepalive and
 * the idle timeout, limits for peers that do not read, and message aggregation (§5.4).
 */
package dev.nettyws.protocol;
