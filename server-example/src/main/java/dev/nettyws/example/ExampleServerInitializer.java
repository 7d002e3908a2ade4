package dev.nettyws.example;

import dev.nettyws.example.chat.ChatHandler;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.http.HttpChatService;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.server.ConnectionsPerAddressLimit;
import dev.nettyws.server.UpgradeHandler;
import dev.nettyws.server.WebSocketHttp2;
import dev.nettyws.server.WebSocketServer;
import dev.nettyws.server.WebSocketServerConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.function.Supplier;

/**
 * The pipeline of an example server connection: the per-address connection limit (which leaves once it admitted the
 * connection), TLS (when configured), the HTTP codec, the HTTP phase's backpressure (with the chat's outbound limits;
 * it leaves at the upgrade), the {@code /echo} and {@code /chat} endpoints one after the other, the chat's HTTP
 * transports ({@link HttpChatService}, behind a bounded aggregator), and the {@link PageHandler} for everything else.
 * <pre>
 *   [wire-bytes]  [connections-per-address]  [tls]  http-codec  [handshake-statuses]  http-backpressure
 *       ws-upgrade-echo  ws-upgrade-chat  http-aggregator  http-chat  pages
 * </pre>
 * The handlers in brackets are there when configured: {@code wire-bytes} and {@code handshake-statuses} with a
 * {@link ConnectionListener} that measures ({@link ServerMetrics}).
 * With TLS, ALPN chooses: {@code http/1.1} gets the pipeline above, {@code h2} gets {@link WebSocketHttp2} with both
 * endpoints, the chat's HTTP transports and the pages on each stream ({@code ws-h2-connect  ws-upgrade-echo  h2-http
 * http-aggregator  http-chat  pages}), so a browser's chat WebSocket rides on the page's own HTTP/2 connection.
 * Each endpoint's {@link UpgradeHandler} passes requests for other paths on. The one that upgrades installs the
 * WebSocket handlers; its initializer removes the other endpoint and the page handler (they have no more work, and
 * the application's writes, which start at the tail of the pipeline, would otherwise pass through them) and adds
 * the endpoint's application handler.
 *
 * <p>Sharable; {@link #initChannel} runs on each accepted channel's event loop.
 */
@ChannelHandler.Sharable
final class ExampleServerInitializer extends ChannelInitializer<Channel> {
    static final String TLS_NAME = "tls";
    static final String HTTP_CODEC_NAME = "http-codec";
    static final String ECHO_UPGRADE_NAME = "ws-upgrade-echo";
    static final String CHAT_UPGRADE_NAME = "ws-upgrade-chat";
    static final String PAGES_NAME = "pages";
    static final String HTTP_AGGREGATOR_NAME = "http-aggregator";
    static final String HTTP_CHAT_NAME = "http-chat";
    static final String ALPN_NAME = "alpn";
    static final String H2_HTTP_NAME = "h2-http";
    private static final List<String> HTTP_ONLY = List.of(HandshakeStatuses.NAME, ECHO_UPGRADE_NAME, CHAT_UPGRADE_NAME,
        H2_HTTP_NAME, HTTP_AGGREGATOR_NAME, HTTP_CHAT_NAME, PAGES_NAME);

    private final SslContext sslContext;
    private final WebSocketServerConfig echo;
    private final WebSocketServerConfig chat;
    private final WebSocketInitializer echoInitializer;
    private final WebSocketInitializer chatInitializer;
    private final ConnectionsPerAddressLimit limit;
    private final HttpChatService http;
    private final ConnectionListener listener;
    private final Http2Streams http2Streams = new Http2Streams();

    ExampleServerInitializer(SslContext sslContext, WebSocketServerConfig echo, WebSocketServerConfig chat,
                             ChatRooms rooms, HttpChatService http, ConnectionListener listener) {
        this.sslContext = sslContext;
        this.http = http;
        this.listener = listener;
        this.echo = echo;
        this.chat = chat;
        this.echoInitializer = removingOthers(ECHO_UPGRADE_NAME, echo, () -> new EchoHandler(listener));
        this.chatInitializer = removingOthers(CHAT_UPGRADE_NAME, chat, ChatHandler.factory(rooms, listener));
        this.limit = chat.maxConnectionsPerAddress() == 0 ? null
            : new ConnectionsPerAddressLimit(chat.maxConnectionsPerAddress());
    }

    private static WebSocketInitializer removingOthers(String self, WebSocketServerConfig config,
                                                       Supplier<? extends ChannelHandler> application) {
        return (pipeline, afterName, handshake) -> {
            for (String name : HTTP_ONLY) {
                if (!name.equals(self) && pipeline.get(name) != null) {
                    pipeline.remove(name);
                }
            }
            pipeline.addAfter(afterName, HandlerNames.APPLICATION, application.get());
        };
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline pipeline = ch.pipeline();
        listener.accepted(ch);
        if (limit != null) {
            pipeline.addLast(HandlerNames.CONNECTION_LIMIT, limit);
        }
        if (sslContext != null) {
            pipeline.addLast(TLS_NAME, sslContext.newHandler(ch.alloc()));
            pipeline.addLast(ALPN_NAME, new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                @Override
                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        addHttp2(ctx.pipeline());
                    } else {
                        addHttp1(ctx.pipeline());
                    }
                }
            });
            return;
        }
        addHttp1(pipeline);
    }

    /**
     * HTTP/2 (ALPN h2): the chat and the echo endpoint by extended CONNECT (RFC 8441), the pages on the other streams
     * through Netty's HTTP/2-to-HTTP/1.1 object codec, all multiplexed on the one connection.
     */
    private void addHttp2(ChannelPipeline pipeline) {
        WebSocketHttp2.install(pipeline, chat, chatInitializer, http2Streams);
    }

    /**
     * What follows the chat's front end on every HTTP/2 stream: the echo endpoint, then, as HTTP/1.1 objects, the
     * chat's HTTP transports and the pages.
     */
    @ChannelHandler.Sharable
    private final class Http2Streams extends ChannelInitializer<Http2StreamChannel> {
        @Override
        protected void initChannel(Http2StreamChannel stream) {
            if (listener != ConnectionListener.NONE) {
                stream.pipeline().addFirst(HandshakeStatuses.NAME, new HandshakeStatuses(listener));
            }
            stream.pipeline().addLast(ECHO_UPGRADE_NAME, WebSocketHttp2.endpoint(echo, echoInitializer));
            stream.pipeline().addLast(H2_HTTP_NAME, new Http2StreamFrameToHttpObjectCodec(true));
            stream.pipeline().addLast(HTTP_AGGREGATOR_NAME, new HttpObjectAggregator(http.maxBodyBytes()));
            stream.pipeline().addLast(HTTP_CHAT_NAME, http.newHandler());
            stream.pipeline().addLast(PAGES_NAME, new PageHandler());
        }
    }

    private void addHttp1(ChannelPipeline pipeline) {
        Channel ch = pipeline.channel();
        pipeline.addLast(HTTP_CODEC_NAME, new HttpServerCodec(chat.maxInitialLineLength(), chat.maxHeaderSize(),
            HttpObjectDecoder.DEFAULT_MAX_CHUNK_SIZE));
        if (listener != ConnectionListener.NONE) {
            pipeline.addLast(HandshakeStatuses.NAME, new HandshakeStatuses(listener));
        }
        pipeline.addLast(HandlerNames.HTTP_BACKPRESSURE, WebSocketServer.httpBackpressure(chat));
        pipeline.addLast(ECHO_UPGRADE_NAME, new UpgradeHandler(echo, echoInitializer));
        pipeline.addLast(CHAT_UPGRADE_NAME, new UpgradeHandler(chat, chatInitializer));
        pipeline.addLast(HTTP_AGGREGATOR_NAME, new HttpObjectAggregator(http.maxBodyBytes()));
        pipeline.addLast(HTTP_CHAT_NAME, http.newHandler());
        pipeline.addLast(PAGES_NAME, new PageHandler());
        ch.config().setWriteBufferWaterMark(chat.writeBufferWaterMark());
    }
}
