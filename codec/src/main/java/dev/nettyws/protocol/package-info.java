/**
 * The WebSocket connection protocol, shared by servers and clients: {@link dev.nettyws.protocol.ConnectionHandler}
 * answers pings, runs the close handshake (RFC 6455 §5.5, §7) and reports how the connection ended with a
 * {@link dev.nettyws.protocol.WebSocketClosedEvent}; {@link dev.nettyws.protocol.MessageAggregator} optionally joins
 * fragmented messages (§5.4); {@link dev.nettyws.protocol.ConnectionConfig} holds their settings.
 */
package dev.nettyws.protocol;
