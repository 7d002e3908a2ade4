package dev.nettyws.server;

import dev.nettyws.protocol.HandlerNames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The child handler of a server that speaks only WebSocket: each accepted channel gets the server's
 * {@link ConnectionsPerAddressLimit} (unless {@link WebSocketServerConfig#maxConnectionsPerAddress()} is 0), an
 * {@link HttpServerCodec} with the configured HTTP limits, the endpoint {@link WebSocketServer#install installed}
 * after it, and a last handler that answers every other HTTP request with a plain-text 404 (400, 414 or 431 for
 * requests the codec could not parse) and closes the connection.
 * <pre>{@code
 * BoundServer server = BoundServer.bind(Transport.AUTO, 0, new InetSocketAddress("127.0.0.1", 8080),
 *     new WebSocketServerInitializer(config, MyHandler::new));
 * }</pre>
 *
 * <p>Not to be confused with {@link dev.nettyws.handshake.WebSocketInitializer}, the callback that adds the
 * application's WebSocket handlers at the moment of the upgrade: this class builds a new channel's whole pipeline.
 *
 * <p>Sharable: one instance serves every accepted channel, and its connection limit counts them all; use one
 * instance per server. {@link #initChannel} runs on each channel's event loop. Holds no buffers.
 */
@ChannelHandler.Sharable
public class WebSocketServerInitializer extends ChannelInitializer<Channel> {
    private final WebSocketServerConfig config;
    private final Supplier<? extends ChannelHandler> application;
    private final ConnectionsPerAddressLimit limit;

    /**
     * Creates the initializer.
     *
     * @param config the endpoint's configuration, including the HTTP limits
     * @param application called once per upgraded connection for its {@value HandlerNames#APPLICATION} handler
     */
    public WebSocketServerInitializer(WebSocketServerConfig config, Supplier<? extends ChannelHandler> application) {
        this.config = Objects.requireNonNull(config, "config");
        this.application = Objects.requireNonNull(application, "application");
        this.limit = config.maxConnectionsPerAddress() == 0 ? null
            : new ConnectionsPerAddressLimit(config.maxConnectionsPerAddress());
    }

    /** The per-address connection limit shared by the channels, or null when there is none. */
    public ConnectionsPerAddressLimit connectionLimit() {
        return limit;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        if (limit != null) {
            pipeline.addLast(HandlerNames.CONNECTION_LIMIT, limit);
        }
        pipeline.addLast(HandlerNames.HTTP_CODEC, new HttpServerCodec(config.maxInitialLineLength(),
            config.maxHeaderSize(), HttpObjectDecoder.DEFAULT_MAX_CHUNK_SIZE));
        WebSocketServer.install(pipeline, config, application);
        pipeline.addLast(HandlerNames.NOT_FOUND, new NotFoundHandler());
    }
}
