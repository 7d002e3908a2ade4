package dev.nettyws.server;

import dev.nettyws.frame.Role;
import dev.nettyws.handshake.UpgradeDecoder;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.protocol.ConnectionHandler;
import dev.nettyws.protocol.MessageAggregator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One call that turns an HTTP pipeline into a WebSocket server endpoint.
 *
 * <p>{@link #install} puts an {@link UpgradeDecoder} right after the pipeline's {@link HttpServerCodec}. Requests for
 * the configured path that are valid opening handshakes (RFC 6455 §4.2) are answered 101; the codec is then replaced
 * and the pipeline becomes, from the head:
 *
 * <pre>
 *   ... ws-encoder  ws-decoder  ws-connection  [ws-aggregator]  ws-app  (handlers that were after the codec)
 * </pre>
 *
 * <p>{@code ws-encoder} and {@code ws-decoder} frame bytes ({@code FrameEncoder}, {@code FrameDecoder}),
 * {@code ws-connection} is the {@link ConnectionHandler} (ping/pong, the close handshake, close events),
 * {@code ws-aggregator} the {@link MessageAggregator} when {@link WebSocketServerConfig#aggregateMessages()} is on,
 * and {@code ws-app} a new handler from the application supplier, which receives data frames and user events
 * ({@code HandshakeCompletedEvent} first, a {@code WebSocketClosedEvent} last) and writes frames.
 *
 * <p>Stateless; {@code install} is called wherever the pipeline is built, usually in
 * {@code ChannelInitializer.initChannel} on the channel's event loop. Nothing here holds buffers.
 */
public final class WebSocketServer {
    /** The name of the upgrade decoder {@link #install} adds. */
    public static final String UPGRADE_HANDLER_NAME = "ws-upgrade";
    /** The name of the connection protocol handler added on upgrade. */
    public static final String CONNECTION_HANDLER_NAME = "ws-connection";
    /** The name of the message aggregator added on upgrade, when aggregation is on. */
    public static final String AGGREGATOR_NAME = "ws-aggregator";
    /** The name of the application handler added on upgrade. */
    public static final String APPLICATION_HANDLER_NAME = "ws-app";

    private WebSocketServer() {
    }

    /**
     * Installs a WebSocket endpoint into a pipeline that already holds an {@link HttpServerCodec}, and applies the
     * configuration's write buffer water marks to the channel. Requests the endpoint does not take (another path)
     * continue to the handlers after the codec.
     *
     * @param pipeline a pipeline with an {@link HttpServerCodec}
     * @param config the endpoint's configuration
     * @param application called once per upgraded connection, on its event loop; returns a new handler, or a
     *     {@link ChannelHandler.Sharable} one, for {@code ws-app}
     * @throws IllegalArgumentException if the pipeline has no {@link HttpServerCodec}
     * @throws IllegalArgumentException if the pipeline already has a handler named {@value #UPGRADE_HANDLER_NAME}
     */
    public static void install(ChannelPipeline pipeline, WebSocketServerConfig config,
                               Supplier<? extends ChannelHandler> application) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(application, "application");
        ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
        if (codec == null) {
            throw new IllegalArgumentException("no HttpServerCodec in the pipeline " + pipeline.names()
                + ": add one before installing the WebSocket endpoint");
        }
        pipeline.channel().config().setWriteBufferWaterMark(config.writeBufferWaterMark());
        pipeline.addAfter(codec.name(), UPGRADE_HANDLER_NAME,
            new UpgradeDecoder(config.handshake(), config.frame(), initializer(config, application)));
    }

    private static WebSocketInitializer initializer(WebSocketServerConfig config,
                                                    Supplier<? extends ChannelHandler> application) {
        return (pipeline, afterName, handshake) -> {
            ChannelHandler app = Objects.requireNonNull(application.get(), "the application supplier returned null");
            pipeline.addAfter(afterName, CONNECTION_HANDLER_NAME, new ConnectionHandler(Role.SERVER,
                config.connection()));
            String last = CONNECTION_HANDLER_NAME;
            if (config.aggregateMessages()) {
                pipeline.addAfter(last, AGGREGATOR_NAME, new MessageAggregator(config.maxAggregatedMessageLength()));
                last = AGGREGATOR_NAME;
            }
            pipeline.addAfter(last, APPLICATION_HANDLER_NAME, app);
        };
    }
}
