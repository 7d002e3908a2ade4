package dev.nettyws.internal;

import static dev.nettyws.protocol.HandlerNames.CONNECTION;
import static dev.nettyws.protocol.HandlerNames.DECODER;
import static dev.nettyws.protocol.HandlerNames.ENCODER;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.protocol.WebSocketConfig;
import io.netty.channel.ChannelPipeline;

/**
 * The one place where the WebSocket handlers of a connection are put together, for every front end (the server's
 * upgrade handler, the client's handshaker): the connection state, then, after the handler that ran the handshake,
 * the handlers named in {@link HandlerNames} in their order. Stateless; runs on the channel's event loop during the
 * pipeline switch.
 */
public final class WebSocketPipeline {
    private WebSocketPipeline() {
    }

    /**
     * Installs the WebSocket handlers of one connection after {@code afterName}, before any frame has been read.
     *
     * @param pipeline the channel's pipeline
     * @param afterName the handler that ran the handshake
     * @param config the connection's settings; its frame role is this end's
     * @param extensions the negotiated extensions, or null
     * @param handshake what the handshake established
     * @return the name of the last handler installed, after which the application's handlers go
     */
    public static String install(ChannelPipeline pipeline, String afterName, WebSocketConfig config,
            ServerExtensionNegotiator.Negotiated extensions, HandshakeCompletedEvent handshake) {
        FrameConfig frames = config.frames();
        ConnectionConfig connection = config.connection();
        Connection.install(pipeline.channel(), frames.role(), connection).established(handshake,
            config.retainHandshake());
        if (extensions != null && extensions.rsvBits() != 0) {
            frames = frames.toBuilder().allowedRsvBits(frames.allowedRsvBits() | extensions.rsvBits()).build();
        }
        // The encoder on the head side: the decoder and the connection handler write close frames through it.
        pipeline.addAfter(afterName, ENCODER, new FrameEncoder(frames));
        pipeline.addAfter(ENCODER, DECODER, new FrameDecoder(frames));
        String last = DECODER;
        if (extensions != null) {
            last = extensions.install(pipeline, ENCODER, DECODER);
            if (last == null || pipeline.context(last) == null) {
                throw new IllegalStateException("extension install returned an unknown handler: " + last);
            }
        }
        // The connection handler also joins fragmented messages when the configuration aggregates.
        pipeline.addAfter(last, CONNECTION, new ConnectionHandler(config));
        return CONNECTION;
    }
}
