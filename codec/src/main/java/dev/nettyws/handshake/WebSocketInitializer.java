package dev.nettyws.handshake;

import io.netty.channel.ChannelPipeline;

/**
 * Adds the application's WebSocket handlers when an opening handshake succeeds, on a server and on a client alike.
 * It is called on the channel's event loop during the pipeline switch, once the WebSocket handlers of nettyws are in
 * place (frame codec, negotiated extensions, connection protocol, keepalive, aggregator; see
 * {@link dev.nettyws.protocol.HandlerNames}) and {@code WebSocketSession.of(channel)} answers, but before the HTTP
 * handlers are removed. Right after it returns the {@link HandshakeCompletedEvent} is fired through the new handlers,
 * and only then the first frames: frames that arrived together with the handshake are held until the event is out.
 *
 * <p><b>Order.</b> Add the handlers one after the other, each after the previous one, starting at
 * {@code afterName}:
 * <pre>{@code
 * (pipeline, afterName, handshake) -> {
 *     pipeline.addAfter(afterName, "auth", new SessionCheck(handshake.requestHeaders()));
 *     pipeline.addAfter("auth", "app", new ChatHandler(handshake.path()));
 * }
 * }</pre>
 * Adding each of them after {@code afterName} would reverse their order.
 *
 * <p>If it throws, the handshake fails: a server refuses it with {@code 500 Internal Server Error}, a client fails
 * its handshake future with the exception as the cause; the connection is closed either way, and the handlers it
 * added see it close without a {@link HandshakeCompletedEvent}. One instance may serve every channel. Holds no buffers.
 */
@FunctionalInterface
public interface WebSocketInitializer {
    /**
     * Adds handlers after {@code afterName}.
     *
     * @param pipeline the channel's pipeline
     * @param afterName the handler to add after: the last of the WebSocket handlers nettyws installed
     * @param handshake what was negotiated; the same event is fired through the pipeline right after
     * @throws Exception to fail the handshake
     */
    void initialize(ChannelPipeline pipeline, String afterName, HandshakeCompletedEvent handshake) throws Exception;
}
