/**
 * The opening handshake (RFC 6455 §4), independent of the transport that carries it: the settings of each end
 * ({@link dev.nettyws.handshake.ServerHandshakeConfig}, {@link dev.nettyws.handshake.ClientHandshakeConfig}), the
 * request as every front end presents it ({@link dev.nettyws.handshake.HandshakeRequest}), the server's policies
 * ({@link dev.nettyws.handshake.OriginPolicy}, {@link dev.nettyws.handshake.HandshakeInterceptor},
 * {@link dev.nettyws.handshake.HandshakeRejection}), what a successful handshake established
 * ({@link dev.nettyws.handshake.HandshakeCompletedEvent}) and the callback that adds the application's handlers
 * ({@link dev.nettyws.handshake.WebSocketInitializer}), one for servers and clients.
 *
 * <p>The HTTP/1.1 front ends are {@link dev.nettyws.server.UpgradeHandler} (server) and
 * {@link dev.nettyws.client.ClientHandshaker} (client).
 */
package dev.nettyws.handshake;
