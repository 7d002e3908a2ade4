package dev.nettyws.server;

import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
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
 * <p>{@link #install} puts an {@link HttpBackpressureHandler} named {@value HandlerNames#HTTP_BACKPRESSURE} (unless
 * one of that name is there already) and an {@link UpgradeHandler} named {@value HandlerNames#UPGRADE} right after the
 * pipeline's {@link HttpServerCodec} (or after the later of an {@link HttpRequestDecoder} and
 * {@link HttpResponseEncoder}). Requests for other paths pass through them untouched to the handlers after them, so
 * one port serves the application's HTTP pages and the WebSocket endpoint; the backpressure handler keeps a client
 * that pipelines requests and does not read the answers from making the server queue without bound, however the HTTP
 * handlers write. A valid opening handshake for the configured path (RFC 6455 §4.2) is answered {@code 101}, the HTTP
 * handlers in front are removed, and the pipeline becomes, from the head:
 *
 * <pre>
 *   ws-encoder  ws-decoder  [ws-inflater  ws-deflater]  ws-connection  ws-application  (...)
 * </pre>
 *
 * <p>({@code (...)}: the handlers that were after the codec; see {@link HandlerNames} for when the optional ones are
 * there.) {@value HandlerNames#APPLICATION} is a handler from the application's supplier. It receives a
 * {@link HandshakeCompletedEvent} first, then data frames (whole messages when aggregating; it owns and releases
 * each), and a {@link WebSocketClosedEvent} last; it writes frames, and closes with
 * {@link WebSocketSession#close(int, String)} or {@code channel.close()} (1000). A pipeline that needs more than one
 * application handler uses an {@link UpgradeHandler} with a {@link dev.nettyws.handshake.WebSocketInitializer} of
 * its own; a server that only speaks WebSocket uses {@link WebSocketServerInitializer}.
 *
 * <p>Stateless. {@code install} runs wherever the pipeline is built, usually in {@code ChannelInitializer.initChannel}
 * on the channel's event loop. Nothing here holds buffers.
 */
public final class WebSocketServer {
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
     * @param application called once per upgraded connection, on its event loop, for the
     *     {@value HandlerNames#APPLICATION} handler: a new handler each time, or a {@link ChannelHandler.Sharable} one
     * @throws IllegalArgumentException if the pipeline has no HTTP server codec, or already has a handler named
     *     {@value HandlerNames#UPGRADE}
     */
    public static void install(ChannelPipeline pipeline, WebSocketServerConfig config,
                               Supplier<? extends ChannelHandler> application) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(application, "application");
        String before = HandlerNames.HTTP_BACKPRESSURE;
        if (pipeline.context(before) == null) {
            pipeline.addAfter(httpCodecName(pipeline), before, httpBackpressure(config));
        }
        pipeline.addAfter(before, HandlerNames.UPGRADE, new UpgradeHandler(config,
            (p, afterName, handshake) -> p.addAfter(afterName, HandlerNames.APPLICATION,
                Objects.requireNonNull(application.get(), "the application supplier returned null"))));
        pipeline.channel().config().setWriteBufferWaterMark(config.writeBufferWaterMark());
    }

    /**
     * A new {@link HttpBackpressureHandler} with the configuration's limits: {@link
     * WebSocketServerConfig#maxPipelinedRequests()}, and the outbound limits of its connection configuration
     * ({@link dev.nettyws.protocol.ConnectionConfig#maxPendingWriteBytes()} and
     * {@link dev.nettyws.protocol.ConnectionConfig#writeStallTimeout()}) applied from the first byte. For pipelines
     * that place the {@link UpgradeHandler}s themselves: add it once per channel, right after the HTTP codec, named
     * {@value HandlerNames#HTTP_BACKPRESSURE}.
     *
     * @param config the configuration whose limits apply
     * @return a handler for one channel
     */
    public static HttpBackpressureHandler httpBackpressure(WebSocketServerConfig config) {
        return new HttpBackpressureHandler(config.maxPipelinedRequests(), config.connection().maxPendingWriteBytes(),
            config.connection().writeStallTimeout());
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
