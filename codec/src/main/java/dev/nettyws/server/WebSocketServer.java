package dev.nettyws.server;

import dev.nettyws.frame.Role;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.HttpBackpressureHandler;
import dev.nettyws.handshake.UpgradeDecoder;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.protocol.ConnectionHandler;
import dev.nettyws.protocol.MessageAggregator;
import dev.nettyws.protocol.WebSocketClosedEvent;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One call that adds a WebSocket endpoint to an HTTP server pipeline.
 *
 * <p>{@link #install} puts an {@link HttpBackpressureHandler} named {@value #BACKPRESSURE_NAME} and an
 * {@link UpgradeDecoder} named {@value #UPGRADE_NAME} right after the pipeline's {@link HttpServerCodec} (or after the
 * later of an {@link HttpRequestDecoder} and {@link HttpResponseEncoder}). Requests for other paths pass through
 * them untouched to the handlers after them, so one port serves the application's HTTP pages and the WebSocket
 * endpoint; the backpressure handler keeps a client that pipelines requests and does not read the answers from
 * making the server queue without bound, however the HTTP handlers write. A valid opening handshake for the
 * configured path (RFC 6455 §4.2) is answered {@code 101}, the HTTP handlers in front are removed, and the pipeline
 * becomes, from the head:
 *
 * <pre>
 *   ws-encoder  ws-decoder  [ws-inflater  ws-deflater]  ws-connection  [ws-aggregator]  ws-application  (...)
 * </pre>
 *
 * <p>({@code (...)}: the handlers that were after the codec.) {@code ws-inflater} and {@code ws-deflater} are there
 * when {@link WebSocketServerConfig#compression()} is set and the client offered permessage-deflate (RFC 7692).
 *
 * <p>{@code ws-encoder} and {@code ws-decoder} are the frame codec ({@link UpgradeDecoder#ENCODER_NAME},
 * {@link UpgradeDecoder#DECODER_NAME}), {@value #CONNECTION_NAME} the {@link ConnectionHandler} (ping/pong, the close
 * handshake, idle timeout), {@value #AGGREGATOR_NAME} a {@link MessageAggregator} when
 * {@link WebSocketServerConfig#aggregate()} is on, and {@value #APPLICATION_NAME} a handler from the application's
 * supplier. The application handler receives a {@link HandshakeCompletedEvent} first, then data frames (whole
 * messages when aggregating; it owns and releases each), and a {@link WebSocketClosedEvent} last; it writes frames,
 * and starts a close with {@link ConnectionHandler#close(io.netty.channel.Channel, int, String)} or
 * {@code channel.close()} (1000).
 *
 * <p>The same composition is available as a {@link WebSocketInitializer} ({@link #webSocketInitializer}) for
 * pipelines that place the {@link UpgradeDecoder} themselves, and as a ready child handler for a server that only
 * speaks WebSocket ({@link WebSocketServerInitializer}).
 *
 * <p>Stateless. {@code install} runs wherever the pipeline is built, usually in {@code ChannelInitializer.initChannel}
 * on the channel's event loop. Nothing here holds buffers.
 */
public final class WebSocketServer {
    /** The name of the {@link HttpBackpressureHandler} that {@link #install} adds; it leaves at the upgrade. */
    public static final String BACKPRESSURE_NAME = "http-backpressure";
    /** The name of the {@link UpgradeDecoder} that {@link #install} adds; it removes itself after the upgrade. */
    public static final String UPGRADE_NAME = "ws-upgrade";
    /** The name of the {@link ConnectionHandler} added on upgrade. */
    public static final String CONNECTION_NAME = "ws-connection";
    /** The name of the {@link MessageAggregator} added on upgrade when aggregation is on. */
    public static final String AGGREGATOR_NAME = "ws-aggregator";
    /** The name of the application's handler added on upgrade. */
    public static final String APPLICATION_NAME = "ws-application";

    private WebSocketServer() {
    }

    /**
     * Installs a WebSocket endpoint into a pipeline that already holds Netty's HTTP server codec, with an
     * {@link HttpBackpressureHandler} in front of it unless the pipeline has one, and applies the configuration's
     * write buffer water marks to the channel. Requests the endpoint does not take (other paths) continue to the
     * handlers after the codec; add those before or after this call.
     *
     * @param pipeline a pipeline with an {@link HttpServerCodec}, or an {@link HttpRequestDecoder} and an
     *     {@link HttpResponseEncoder}
     * @param config the endpoint's configuration
     * @param application called once per upgraded connection, on its event loop, for the {@value #APPLICATION_NAME}
     *     handler: a new handler each time, or a {@link ChannelHandler.Sharable} one
     * @throws IllegalArgumentException if the pipeline has no HTTP server codec, or already has a handler named
     *     {@value #UPGRADE_NAME}
     */
    public static void install(ChannelPipeline pipeline, WebSocketServerConfig config,
                               Supplier<? extends ChannelHandler> application) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(application, "application");
        String codec = httpCodecName(pipeline);
        ChannelHandlerContext backpressure = pipeline.context(HttpBackpressureHandler.class);
        String before;
        if (backpressure == null) {
            pipeline.addAfter(codec, BACKPRESSURE_NAME, httpBackpressure(config));
            before = BACKPRESSURE_NAME;
        } else {
            before = backpressure.name();
        }
        pipeline.addAfter(before, UPGRADE_NAME, new UpgradeDecoder(config.upgradeHandshake(), config.frames(),
            webSocketInitializer(config, application)));
        pipeline.channel().config().setWriteBufferWaterMark(config.writeBufferWaterMark());
    }

    /**
     * A new {@link HttpBackpressureHandler} with the configuration's limits: {@link
     * WebSocketServerConfig#maxPipelinedRequests()}, and the outbound limits of its connection configuration
     * ({@link dev.nettyws.protocol.ConnectionConfig#maxPendingWriteBytes()} and
     * {@link dev.nettyws.protocol.ConnectionConfig#writeStallTimeout()}) applied from the first byte. For pipelines
     * that place the {@link UpgradeDecoder}s themselves: add it once per channel, right after the HTTP codec.
     *
     * @param config the configuration whose limits apply
     * @return a handler for one channel
     */
    public static HttpBackpressureHandler httpBackpressure(WebSocketServerConfig config) {
        return new HttpBackpressureHandler(config.maxPipelinedRequests(), config.connection().maxPendingWriteBytes(),
            config.connection().writeStallTimeout());
    }

    /**
     * The {@link WebSocketInitializer} that {@link #install} gives its {@link UpgradeDecoder}: it adds the
     * {@link ConnectionHandler}, the {@link MessageAggregator} when aggregating, and the application's handler.
     *
     * @param config the endpoint's configuration (its connection and aggregation settings are used)
     * @param application called once per upgraded connection for the {@value #APPLICATION_NAME} handler
     * @return an initializer that may be shared by every channel
     */
    public static WebSocketInitializer webSocketInitializer(WebSocketServerConfig config,
                                                            Supplier<? extends ChannelHandler> application) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(application, "application");
        return (pipeline, afterName, handshake) -> {
            ChannelHandler handler = Objects.requireNonNull(application.get(),
                "the application supplier returned null");
            pipeline.addAfter(afterName, CONNECTION_NAME, new ConnectionHandler(Role.SERVER, config.connection()));
            String last = CONNECTION_NAME;
            if (config.aggregate()) {
                pipeline.addAfter(last, AGGREGATOR_NAME, new MessageAggregator(config.maxAggregatedMessageLength(),
                    config.frames().memoryBudget()));
                last = AGGREGATOR_NAME;
            }
            pipeline.addAfter(last, APPLICATION_NAME, handler);
        };
    }

    /** The name of the HTTP server codec, or of the later of the request decoder and response encoder. */
    private static String httpCodecName(ChannelPipeline pipeline) {
        ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
        if (codec != null) {
            return codec.name();
        }
        ChannelHandlerContext decoder = pipeline.context(HttpRequestDecoder.class);
        ChannelHandlerContext encoder = pipeline.context(HttpResponseEncoder.class);
        if (decoder == null || encoder == null) {
            throw new IllegalArgumentException("no HttpServerCodec (or HttpRequestDecoder and HttpResponseEncoder) "
                + "in the pipeline " + pipeline.names() + ": add one before installing the WebSocket endpoint");
        }
        List<String> names = pipeline.names();
        return names.indexOf(decoder.name()) > names.indexOf(encoder.name()) ? decoder.name() : encoder.name();
    }
}
