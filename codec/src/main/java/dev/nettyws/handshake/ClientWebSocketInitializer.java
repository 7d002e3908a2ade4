package dev.nettyws.handshake;

import io.netty.channel.ChannelPipeline;

/**
 * Adds a client's WebSocket handlers when its handshake succeeds. The {@link ClientHandshaker} calls it on the
 * channel's event loop during the pipeline switch: after the frame encoder and decoder are installed and before the
 * HTTP codec is removed. No frame has been read yet; the frames that arrived with the 101 response, and then all
 * later ones, reach the handlers right after the {@link ClientHandshakeCompletedEvent}.
 *
 * <p><b>Order.</b> Add the handlers one after the other, each after the previous one, starting at
 * {@code afterName}:
 * <pre>{@code
 * (pipeline, afterName, handshake) -> {
 *     pipeline.addAfter(afterName, "ws-connection", new ConnectionHandler(Role.CLIENT, connectionConfig));
 *     pipeline.addAfter("ws-connection", "app", new MyHandler());
 * }
 * }</pre>
 *
 * <p>If it throws, the handshake fails with that exception as the cause and the connection is closed.
 */
@FunctionalInterface
public interface ClientWebSocketInitializer {
    /**
     * Adds handlers after {@code afterName}.
     *
     * @param pipeline the channel's pipeline
     * @param afterName the handler to add after: the frame decoder
     * @param handshake what was negotiated (for example, the extensions whose handlers to add)
     * @throws Exception to fail the handshake
     */
    void initialize(ChannelPipeline pipeline, String afterName, ClientHandshakeCompletedEvent handshake)
        throws Exception;
}
