/**
 * The opening handshake (RFC 6455 §4): the HTTP/1.1 upgrade that turns a connection into a WebSocket.
 *
 * <p>Server side: put an {@link dev.nettyws.handshake.UpgradeDecoder} right after Netty's
 * {@code HttpServerCodec}, configured with a {@link dev.nettyws.handshake.ServerHandshakeConfig} (endpoint path,
 * subprotocols, {@link dev.nettyws.handshake.OriginPolicy}, {@link dev.nettyws.handshake.HandshakeInterceptor},
 * {@link dev.nettyws.handshake.ServerExtensionNegotiator}, timeout), the frame settings, and a
 * {@link dev.nettyws.handshake.WebSocketInitializer} that adds the application's handlers. Requests for other
 * paths pass through to the application's HTTP handlers; an accepted handshake replaces the HTTP handlers with the
 * frame encoder and decoder, and the application learns what was negotiated from a
 * {@link dev.nettyws.handshake.HandshakeCompletedEvent}.
 *
 * <pre>{@code
 * ch.pipeline()
 *     .addLast("http", new HttpServerCodec())
 *     .addLast("ws-upgrade", new UpgradeDecoder(
 *         ServerHandshakeConfig.builder().path("/chat").subprotocols("chat.v1").build(),
 *         FrameConfig.SERVER_DEFAULT,
 *         (pipeline, after, handshake) -> pipeline.addAfter(after, "chat", new ChatHandler())))
 *     .addLast("pages", new StaticPageHandler());
 * }</pre>
 *
 * <p>{@link dev.nettyws.handshake.WebSocketAccept} computes and checks the key and accept values for both sides.
 */
package dev.nettyws.handshake;
