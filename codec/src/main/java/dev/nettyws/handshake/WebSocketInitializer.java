package dev.nettyws.handshake;

import io.netty.channel.ChannelPipeline;

/**
 * Adds the application's WebSocket handlers when a handshake succeeds. The {@link UpgradeDecoder} calls it on the
 * channel's event loop during the pipeline switch: after the frame encoder and decoder (and any negotiated
 * extension handlers) are installed, before the {@code 101 Switching Protocols} response is written and before the
 * HTTP handlers are removed. No frame has been read yet; the first frames, and then a
 * {@link HandshakeCompletedEvent}, reach the handlers right after it returns.
 *
 * <p><b>Order.</b> Add the handlers one after the other, each after the previous one, starting at
 * {@code afterName}:
 * <pre>{@code
 * (pipeline, afterName, handshake) -> {
 *     pipeline.addAfter(afterName, "ws-protocol", new ProtocolHandler(...));
 *     pipeline.addAfter("ws-protocol", "app", new ChatHandler(handshake.path()));
 * }
 * }</pre>
 * Adding each of them after {@code afterName} would reverse their order.
 *
 * <p>If it throws, the handshake is refused with {@code 500 Internal Server Error} and the connection closed; the
 * handlers it added see the connection close without a {@link HandshakeCompletedEvent}.
 */
@FunctionalInterface
public interface WebSocketInitializer {
    /**
     * Adds handlers after {@code afterName}.
     *
     * @param pipeline the channel's pipeline
     * @param afterName the handler to add after: the frame decoder, or the last extension handler
     * @param handshake what was negotiated; the same event is fired through the pipeline after the switch
     * @throws Exception to refuse the handshake with 500
     */
    void initialize(ChannelPipeline pipeline, String afterName, HandshakeCompletedEvent handshake) throws Exception;
}
