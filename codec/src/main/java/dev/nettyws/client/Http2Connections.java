package dev.nettyws.client;

import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.protocol.HandlerNames;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The HTTP/2 connections of a {@link WebSocketClient} (RFC 8441): one per scheme, host and port, opened on first
 * use and shared by every WebSocket to that origin, each on a stream of its own, until it carries as many as the
 * server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}; then the next WebSocket opens the next connection. A connection
 * is usable once the server's first SETTINGS announced {@code SETTINGS_ENABLE_CONNECT_PROTOCOL = 1}; a server that
 * did not (or whose ALPN chose HTTP/1.1) is remembered, and it and later WebSockets to it take the HTTP/1.1 path.
 *
 * <p>Thread-safe: {@link #connect} may be called from any thread. Holds no buffers; the SETTINGS frames it reads
 * hold none either.
 */
final class Http2Connections {
    /** Why a connection cannot carry WebSockets; the caller falls back to HTTP/1.1. */
    static final class NoExtendedConnect extends Exception {
        private static final long serialVersionUID = 1L;

        NoExtendedConnect(String message) {
            super(message, null, false, false);
        }
    }

    /** The WebSocket streams open or opening on a connection, against the server's concurrent stream limit. */
    private static final AttributeKey<AtomicInteger> STREAMS = AttributeKey.valueOf(Http2Connections.class, "streams");

    private final WebSocketClientConfig config;
    private final BiFunction<Channel, URI, SslHandler> tls;
    private final Function<EventLoop, Bootstrap> bootstraps;
    private final ConcurrentMap<String, Future<Channel>> connections = new ConcurrentHashMap<>();
    private final Set<String> http1Only = ConcurrentHashMap.newKeySet();

    /**
     * Creates the connections of one client.
     *
     * @param config the client's settings
     * @param bootstraps the client's TCP connection settings, for an event loop
     * @param tls a TLS handler offering {@code h2} and {@code http/1.1} by ALPN for a channel and a {@code wss} URI
     */
    Http2Connections(WebSocketClientConfig config, Function<EventLoop, Bootstrap> bootstraps,
            BiFunction<Channel, URI, SslHandler> tls) {
        this.config = config;
        this.bootstraps = bootstraps;
        this.tls = tls;
    }

    private static String key(URI uri) {
        return uri.getScheme().toLowerCase() + "://" + uri.getHost().toLowerCase() + ':' + ClientHandshaker.port(uri);
    }

    /** Whether the origin of {@code uri} is known to take WebSockets over HTTP/1.1 only. */
    boolean isHttp1Only(URI uri) {
        return http1Only.contains(key(uri));
    }

    /**
     * Opens a WebSocket on a stream of the origin's HTTP/2 connection.
     *
     * @return completes with the stream channel once the handshake succeeded; fails with {@link NoExtendedConnect}
     *     when the server does not take WebSockets over HTTP/2, or with the connect or handshake failure
     */
    Future<Channel> connect(EventLoop loop, String host, int port, URI uri, WebSocketInitializer initializer) {
        return connect(loop, host, port, uri, initializer, false);
    }

    /** As above; {@code retried}: a full connection sent this call here already, so a full one now is a refusal. */
    private Future<Channel> connect(EventLoop loop, String host, int port, URI uri, WebSocketInitializer initializer,
            boolean retried) {
        String key = key(uri);
        Promise<Channel> result = loop.newPromise();
        Future<Channel> connection = connections.computeIfAbsent(key, k -> open(loop, host, port, uri, k));
        connection.addListener(opened -> {
            try {
                if (!opened.isSuccess()) {
                    if (opened.cause() instanceof NoExtendedConnect) {
                        http1Only.add(key);
                    }
                    result.tryFailure(opened.cause());
                    return;
                }
                Channel parent = (Channel) opened.getNow();
                Http2FrameCodec codec = parent.pipeline().get(Http2FrameCodec.class);
                if (!parent.isActive() || codec == null) {
                    connections.remove(key, connection);
                    result.tryFailure(new ClientHandshakeException("WebSocket handshake (HTTP/2) with " + uri
                        + " failed: the connection closed", -1, null));
                    return;
                }
                AtomicInteger streams = parent.attr(STREAMS).get();
                if (streams.incrementAndGet() > codec.connection().local().maxActiveStreams()) {
                    streams.decrementAndGet();
                    connections.remove(key, connection);
                    closeIfIdle(parent, streams);
                    if (retried) {
                        // Even a new connection is full: a server announcing no streams (0) would otherwise have us
                        // open connections without end.
                        result.tryFailure(new ClientHandshakeException("WebSocket handshake (HTTP/2) with " + uri
                            + " failed: the server allows no more streams", -1, null));
                        return;
                    }
                    // Full (the server's SETTINGS_MAX_CONCURRENT_STREAMS): the next WebSockets get a new connection.
                    connect(loop, host, port, uri, initializer, true).addListener(next -> {
                        if (next.isSuccess()) {
                            result.trySuccess((Channel) next.getNow());
                        } else {
                            result.tryFailure(next.cause());
                        }
                    });
                    return;
                }
                openStream(parent, streams, key, connection, uri, initializer, result);
            } catch (RuntimeException e) {
                result.tryFailure(e);
            }
        });
        return result;
    }

    /** Closes a connection no longer offered to new WebSockets once it carries none. */
    private static void closeIfIdle(Channel connection, AtomicInteger streams) {
        if (streams.get() == 0) {
            connection.close();
        }
    }

    private void openStream(Channel connection, AtomicInteger streams, String key, Future<Channel> offered, URI uri,
            WebSocketInitializer initializer, Promise<Channel> result) {
        new Http2StreamChannelBootstrap(connection).handler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.closeFuture().addListener(closed -> {
                    streams.decrementAndGet();
                    if (connections.get(key) != offered) {
                        // A full connection that was replaced: it ends with its last WebSocket.
                        closeIfIdle(connection, streams);
                    }
                });
                ExtendedConnectClient handshaker = new ExtendedConnectClient(uri, config, initializer);
                stream.pipeline().addLast(HandlerNames.HANDSHAKER, handshaker);
                handshaker.handshakeFuture().addListener(done -> {
                    if (done.isSuccess()) {
                        result.trySuccess(stream);
                    } else {
                        result.tryFailure(done.cause());
                    }
                });
            }
        }).open().addListener(opened -> {
            if (!opened.isSuccess()) {
                streams.decrementAndGet();
                result.tryFailure(opened.cause());
            }
        });
    }

    private Future<Channel> open(EventLoop loop, String host, int port, URI uri, String key) {
        Promise<Channel> ready = loop.newPromise();
        Bootstrap bootstrap = bootstraps.apply(loop)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    if (ClientHandshaker.isSecure(uri)) {
                        ch.pipeline().addLast("ws-tls", tls.apply(ch, uri));
                        ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(
                                ApplicationProtocolNames.HTTP_1_1) {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    addHttp2(ctx.pipeline(), ready);
                                } else {
                                    ready.tryFailure(new NoExtendedConnect("ALPN chose " + protocol));
                                    ctx.close();
                                }
                            }
                        });
                    } else {
                        addHttp2(ch.pipeline(), ready);
                    }
                }
            });
        long millis = config.handshake().handshakeTimeout().toMillis();
        bootstrap.connect(host, port).addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
                ready.tryFailure(connected.cause());
                return;
            }
            // A server that says nothing in time: a failed handshake, not a reason to try HTTP/1.1 as well.
            ScheduledFuture<?> timeout = loop.schedule(() -> {
                if (ready.tryFailure(new ClientHandshakeException("WebSocket handshake (HTTP/2) with " + uri
                        + " failed: no HTTP/2 SETTINGS within " + millis + " ms (timeout)", -1, null))) {
                    connected.channel().close();
                }
            }, millis, TimeUnit.MILLISECONDS);
            ready.addListener(done -> timeout.cancel(false));
        });
        ready.addListener(done -> {
            if (done.isSuccess()) {
                ((Channel) done.getNow()).closeFuture().addListener(closed -> connections.remove(key, ready));
            } else {
                connections.remove(key, ready);
            }
        });
        return ready;
    }

    /** Client HTTP/2 on a connection: the codec, a multiplexer refusing pushes, and the SETTINGS watch. */
    private static void addHttp2(ChannelPipeline pipeline, Promise<Channel> ready) {
        pipeline.addLast(HandlerNames.HTTP2_CODEC, Http2FrameCodecBuilder.forClient()
            .initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build());
        pipeline.addLast(HandlerNames.HTTP2_MULTIPLEX, new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
        pipeline.addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2SettingsFrame && !ready.isDone()) {
                    Boolean enabled = ((Http2SettingsFrame) msg).settings().connectProtocolEnabled();
                    if (Boolean.TRUE.equals(enabled)) {
                        ctx.channel().attr(STREAMS).set(new AtomicInteger());
                        ready.trySuccess(ctx.channel());
                    } else {
                        ready.tryFailure(new NoExtendedConnect(
                            "the server did not announce SETTINGS_ENABLE_CONNECT_PROTOCOL"));
                        ctx.close();
                    }
                }
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                ready.tryFailure(new NoExtendedConnect("the connection closed before the server's SETTINGS"));
                ctx.fireChannelInactive();
            }
        });
    }
}
