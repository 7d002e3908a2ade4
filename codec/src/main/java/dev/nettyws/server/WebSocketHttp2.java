package dev.nettyws.server;

import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.protocol.HandlerNames;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One call that makes an HTTP/2 connection carry WebSockets (RFC 8441) beside ordinary HTTP/2 requests: for a
 * cleartext connection by prior knowledge (h2c), or for a TLS connection once ALPN chose {@code h2} (in Netty's
 * {@code ApplicationProtocolNegotiationHandler}, with {@link WebSocketServer#install} for {@code http/1.1}).
 *
 * <p>{@link #install} adds Netty's {@link Http2FrameCodec} ({@value HandlerNames#HTTP2_CODEC}), which announces
 * {@code SETTINGS_ENABLE_CONNECT_PROTOCOL = 1} in its first SETTINGS frame, and an {@link Http2MultiplexHandler}
 * ({@value HandlerNames#HTTP2_MULTIPLEX}) that gives every stream a channel of its own. Each stream starts with the
 * extended CONNECT front end ({@value HandlerNames#EXTENDED_CONNECT}): an extended CONNECT to the configured path is
 * judged by the same handshake rules, origin policy, subprotocol and permessage-deflate negotiation as an HTTP/1.1
 * upgrade and answered {@code 200}; its stream then runs the same frame decoder, encoder, connection protocol, limits
 * and timeouts as an HTTP/1.1 connection, with the stream's flow control as backpressure ({@code isWritable}), and a
 * violation closes that stream only. Other streams go to {@code otherStreams}. The application's handler sees the
 * same {@link HandshakeCompletedEvent}, frames and close event as on HTTP/1.1;
 * {@code WebSocketSession.of(channel).isHttp2()} tells it which transport it is on.
 *
 * <p>HTTP/2 limits: a connection without an open stream is closed after the handshake timeout
 * ({@value HandlerNames#HTTP2_IDLE}); at most {@link #DEFAULT_MAX_CONCURRENT_STREAMS} streams at once (WebSockets and
 * requests together), header lists of at most {@link WebSocketServerConfig#maxHeaderSize()} bytes, and Netty's defaults
 * against floods of resets, empty DATA frames and control frames.
 *
 * <p>Stateless; {@code install} runs wherever the pipeline is built. Nothing here holds buffers.
 */
public final class WebSocketHttp2 {
    /** The {@code SETTINGS_MAX_CONCURRENT_STREAMS} a connection announces: {@value}. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 128;

    private WebSocketHttp2() {
    }

    /**
     * Adds HTTP/2 with the WebSocket endpoint to the end of a pipeline (after the TLS handler, if any).
     *
     * @param pipeline a connection's pipeline that will speak HTTP/2 from its next byte
     * @param config the endpoint's configuration
     * @param application called once per WebSocket stream, on its event loop, for the
     *     {@value HandlerNames#APPLICATION} handler: a new handler each time, or a {@link ChannelHandler.Sharable} one
     * @param otherStreams added to every stream that is not a WebSocket, after the front end (it receives Netty's
     *     {@code Http2HeadersFrame} and {@code Http2DataFrame}s): a {@link ChannelHandler.Sharable} handler, e.g. a
     *     {@link ChannelInitializer} of {@link Http2StreamChannel}; or null to answer such requests 404
     */
    public static void install(ChannelPipeline pipeline, WebSocketServerConfig config,
            Supplier<? extends ChannelHandler> application, ChannelHandler otherStreams) {
        Objects.requireNonNull(application, "application");
        install(pipeline, config, (p, afterName, handshake) -> p.addAfter(afterName, HandlerNames.APPLICATION,
            Objects.requireNonNull(application.get(), "the application supplier returned null")), otherStreams);
    }

    /**
     * As {@link #install(ChannelPipeline, WebSocketServerConfig, Supplier, ChannelHandler)}, with an initializer that
     * adds any number of handlers to each WebSocket stream.
     *
     * @param pipeline a connection's pipeline that will speak HTTP/2 from its next byte
     * @param config the endpoint's configuration
     * @param initializer adds the application's WebSocket handlers, on the stream's event loop
     * @param otherStreams the handler for streams that are not WebSockets, or null to answer them 404
     */
    public static void install(ChannelPipeline pipeline, WebSocketServerConfig config, WebSocketInitializer initializer,
            ChannelHandler otherStreams) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(initializer, "initializer");
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
            .initialSettings(settings(config))
            .validateHeaders(true)
            .validateRequiredPseudoHeaders(true)
            .build();
        pipeline.addLast(HandlerNames.HTTP2_CODEC, codec);
        pipeline.addLast(HandlerNames.HTTP2_IDLE, new Http2IdleTimeout(codec.connection(),
            config.handshake().handshakeTimeout()));
        pipeline.addLast(HandlerNames.HTTP2_MULTIPLEX, new Http2MultiplexHandler(
            new StreamInitializer(config, initializer, otherStreams)));
    }

    /**
     * The extended CONNECT front end of one more endpoint, for a server with several: put it on each stream (in the
     * {@code otherStreams} handler of {@link #install}, as a {@link ChannelInitializer} of {@link Http2StreamChannel})
     * before the handlers for ordinary requests. It takes the streams for its path and passes the others on.
     *
     * @param config the endpoint's configuration
     * @param initializer adds the application's WebSocket handlers, on the stream's event loop
     * @return a new handler for one stream's pipeline
     */
    public static ChannelHandler endpoint(WebSocketServerConfig config, WebSocketInitializer initializer) {
        return new ExtendedConnectHandler(Objects.requireNonNull(config, "config"),
            Objects.requireNonNull(initializer, "initializer"), true);
    }

    /**
     * The SETTINGS a WebSocket-carrying connection announces: {@code SETTINGS_ENABLE_CONNECT_PROTOCOL = 1} (RFC 8441
     * §3), {@link #DEFAULT_MAX_CONCURRENT_STREAMS}, and the configuration's header size as the header list limit.
     *
     * @param config the endpoint's configuration
     * @return new settings
     */
    public static Http2Settings settings(WebSocketServerConfig config) {
        return Http2Settings.defaultSettings()
            .connectProtocolEnabled(true)
            .maxConcurrentStreams(DEFAULT_MAX_CONCURRENT_STREAMS)
            .maxHeaderListSize(config.maxHeaderSize());
    }

    /** Puts the front end, then the application's handler for other streams, on every inbound stream. */
    @ChannelHandler.Sharable
    private static final class StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
        private final WebSocketServerConfig config;
        private final WebSocketInitializer initializer;
        private final ChannelHandler otherStreams;

        StreamInitializer(WebSocketServerConfig config, WebSocketInitializer initializer, ChannelHandler otherStreams) {
            this.config = config;
            this.initializer = initializer;
            this.otherStreams = otherStreams;
        }

        @Override
        protected void initChannel(Http2StreamChannel stream) {
            stream.pipeline().addLast(HandlerNames.EXTENDED_CONNECT,
                new ExtendedConnectHandler(config, initializer, otherStreams != null));
            if (otherStreams != null) {
                stream.pipeline().addLast(otherStreams);
            }
        }
    }
}
