/**
 * The WebSocket client: {@link dev.nettyws.client.WebSocketClient} connects to {@code ws://} and {@code wss://} URIs
 * with the settings of a {@link dev.nettyws.client.WebSocketClientConfig}, runs the opening handshake of RFC 6455
 * §4.1 ({@link dev.nettyws.client.ClientHandshaker}) and hands the application a channel whose pipeline masks
 * every frame it writes (§5.3) and rejects masked frames from the server (§5.1).
 *
 * <pre>{@code
 * try (WebSocketClient client = new WebSocketClient(WebSocketClientConfig.DEFAULT)) {
 *     Channel ch = client.connect(URI.create("ws://127.0.0.1:8080/echo"), new MyHandler()).sync().getNow();
 *     ch.writeAndFlush(new TextFrame("hello"));
 * }
 * }</pre>
 *
 * <p>To build the pipeline yourself, add a {@link dev.nettyws.client.ClientHandshaker} (after an {@code SslHandler}
 * for {@code wss}) and add your handlers in its {@link dev.nettyws.handshake.WebSocketInitializer}.
 */
package dev.nettyws.client;
