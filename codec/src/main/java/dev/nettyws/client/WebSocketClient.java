package dev.nettyws.client;

import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A WebSocket client: connects to {@code ws://} and {@code wss://} URIs, performs the opening handshake (RFC 6455
 * §4.1) and hands the application a channel that reads and writes {@link dev.nettyws.frame.Frame}s.
 *
 * <pre>{@code
 * try (WebSocketClient client = new WebSocketClient(WebSocketClientConfig.DEFAULT)) {
 *     Channel ch = client.connect(URI.create("ws://127.0.0.1:8080/echo"), new MyHandler()).sync().getNow();
 *     ch.writeAndFlush(new TextFrame("hello"));
 *     WebSocketSession.of(ch).close(CloseStatus.NORMAL_CLOSURE, "bye").sync();
 * }
 * }</pre>
 *
 * <p><b>The pipeline</b> of a connected channel is the server's, with the roles swapped: {@code [ws-tls]} and the
 * handlers of {@link HandlerNames} (frame codec that masks every frame it writes, permessage-deflate when
 * negotiated, the connection protocol, keepalive, the aggregator when aggregating), then the application's handler
 * named {@value HandlerNames#APPLICATION}. That handler is added when the handshake has succeeded, so it sees
 * {@code handlerAdded} and then a {@link HandshakeCompletedEvent} user event, never {@code channelActive}; the first
 * frames follow. What was negotiated is also in {@code WebSocketSession.of(channel)}, as on a server. The
 * connection protocol answers pings, runs the close handshake (a client waits for the server to close TCP, at most
 * the close timeout) and fires one {@link dev.nettyws.protocol.WebSocketClosedEvent} saying how the connection ended.
 *
 * <p><b>HTTP/2.</b> With {@link WebSocketClientConfig#http2()} a WebSocket goes on a stream of one shared HTTP/2
 * connection per origin (RFC 8441 extended CONNECT; ALPN {@code h2} for {@code wss}, prior knowledge for
 * {@code ws}); the channel handed to the application is then an {@code Http2StreamChannel} with the same handlers
 * after {@value HandlerNames#HTTP2_STREAM}, and {@code WebSocketSession.of(channel).isHttp2()} is true. A server
 * that does not announce {@code SETTINGS_ENABLE_CONNECT_PROTOCOL} gets the HTTP/1.1 upgrade instead, from then on.
 *
 * <p><b>Buffers.</b> Every frame the application reads is its own: it releases it (or passes it on). Frames it
 * writes are released by the encoder, which masks them into a new buffer (§5.3). Frames read are slices of the
 * decoder's input, so hold on to copies rather than frames.
 *
 * <p><b>Threads.</b> One connection costs no thread: all connections share the client's event loop group, and every
 * handler runs on its channel's event loop, so handlers must not block. {@link #connect} may be called from any
 * thread, often, concurrently. The client creates its group (epoll when available, else NIO) unless the
 * configuration supplies one; {@link #close()} shuts down only a group it created.
 */
public final class WebSocketClient implements AutoCloseable {
    private final WebSocketClientConfig config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Class<? extends SocketChannel> channelClass;
    private final SslContext sslContext;
    /** The HTTP/2 connections, when {@link WebSocketClientConfig#http2()}; else null. */
    private final Http2Connections http2;
    /** For {@code wss} over HTTP/2: offers h2 and http/1.1 by ALPN; built on first use. */
    private volatile SslContext alpnSslContext;

    /**
     * Creates a client and, unless the configuration supplies one, its event loop group.
     *
     * @param config the settings
     * @throws IllegalStateException if the TLS context cannot be built from the trust settings, or epoll was asked
     *     for and is unavailable
     */
    public WebSocketClient(WebSocketClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.sslContext = config.sslContext() != null ? config.sslContext() : newSslContext(config);
        if (config.eventLoopGroup() != null) {
            this.group = config.eventLoopGroup();
            this.ownsGroup = false;
            this.channelClass = channelClassFor(group, config.transport());
        } else {
            this.group = config.transport().newEventLoopGroup(config.threads(), "nettyws-client");
            this.ownsGroup = true;
            this.channelClass = config.transport().channelClass();
        }
        this.http2 = config.http2() ? new Http2Connections(config, this::newBootstrap, this::newAlpnSslHandler) : null;
    }

    private static SslContext newSslContext(WebSocketClientConfig config) {
        return newSslContext(config, SslContextBuilder.forClient());
    }

    private static SslContext newSslContext(WebSocketClientConfig config, SslContextBuilder builder) {
        builder.endpointIdentificationAlgorithm("HTTPS");
        if (!config.trustedCertificates().isEmpty()) {
            builder.trustManager(config.trustedCertificates());
        } else if (config.trustManager() != null) {
            builder.trustManager(config.trustManager());
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    private static Class<? extends SocketChannel> channelClassFor(EventLoopGroup group, Transport transport) {
        return Transport.of(group, transport).channelClass();
    }

    /** The settings. */
    public WebSocketClientConfig config() {
        return config;
    }

    /** The event loop group the connections run on. */
    public EventLoopGroup group() {
        return group;
    }

    /**
     * Connects to {@code uri} and performs the opening handshake.
     *
     * @param uri a {@code ws://} or {@code wss://} URI without fragment
     * @param application the handler to put at the end of the pipeline once the handshake succeeded; one per
     *     connection unless it is {@link ChannelHandler.Sharable}
     * @return completes, on the channel's event loop, with the channel when the handshake succeeded; fails with a
     *     {@link dev.nettyws.handshake.ClientHandshakeException} when the server's answer was not a valid upgrade
     *     or the handshake timed out, or with the connect failure (such as {@link java.net.ConnectException}). The
     *     channel is closed on failure. Cancelling it before completion closes the connection.
     * @throws IllegalArgumentException if the URI is not a WebSocket URI
     */
    public Future<Channel> connect(URI uri, ChannelHandler application) {
        ClientHandshaker.checkUri(uri);
        Objects.requireNonNull(application, "application");
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = ClientHandshaker.port(uri);
        EventLoop loop = group.next();
        if (http2 == null || http2.isHttp1Only(uri)) {
            return connectHttp1(loop, host, port, uri, application);
        }
        Promise<Channel> result = loop.newPromise();
        String h1Host = host;
        http2.connect(loop, host, port, uri, (p, afterName, handshake) -> p.addAfter(afterName,
            HandlerNames.APPLICATION, application)).addListener(done -> {
                if (done.isSuccess()) {
                    result.trySuccess((Channel) done.getNow());
                } else if (done.cause() instanceof Http2Connections.NoExtendedConnect) {
                    connectHttp1(loop, h1Host, port, uri, application).addListener(h1 -> {
                        if (h1.isSuccess()) {
                            result.trySuccess((Channel) h1.getNow());
                        } else {
                            result.tryFailure(h1.cause());
                        }
                    });
                } else {
                    result.tryFailure(done.cause());
                }
            });
        return result;
    }

    /** Connects a TCP connection of its own and upgrades it (RFC 6455 §4.1). */
    private Future<Channel> connectHttp1(EventLoop loop, String host, int port, URI uri, ChannelHandler application) {
        Promise<Channel> result = loop.newPromise();
        String sniHost = host;
        // A connection that never came up fails with the connect error (refused, timed out), not with the
        // handshaker's "closed before the handshake": whichever of the two futures completes last settles it.
        AtomicReference<ChannelFuture> connectFuture = new AtomicReference<>();
        AtomicReference<Throwable> handshakeFailure = new AtomicReference<>();
        Bootstrap bootstrap = newBootstrap(loop)
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ChannelPipeline pipeline = ch.pipeline();
                    if (ClientHandshaker.isSecure(uri)) {
                        pipeline.addLast("ws-tls", newSslHandler(ch, sniHost, port));
                    }
                    ClientHandshaker handshaker = install(pipeline, uri, config, application);
                    handshaker.handshakeFuture().addListener(done -> {
                        if (done.isSuccess()) {
                            if (!result.trySuccess(ch)) {
                                ch.close();
                            }
                        } else {
                            handshakeFailure.set(done.cause());
                            settleFailure(result, connectFuture.get(), done.cause());
                        }
                    });
                }
            });
        ChannelFuture connecting = bootstrap.connect(host, port);
        connectFuture.set(connecting);
        connecting.addListener(connected -> settleFailure(result, connecting, handshakeFailure.get()));
        Channel channel = connecting.channel();
        result.addListener(done -> {
            if (done.isCancelled()) {
                channel.close();
            }
        });
        return result;
    }

    /** A TCP connection of this client on {@code loop}: no Nagle, the connect bounded by the handshake timeout. */
    private Bootstrap newBootstrap(EventLoop loop) {
        return new Bootstrap()
            .group(loop)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.handshake().handshakeTimeout().toMillis()));
    }

    /**
     * Fails {@code result} once the connect attempt is over: with its error if it failed (unless the handshaker
     * closed the channel itself, on its timeout, which then says more), otherwise with the handshake's failure, if
     * any yet.
     */
    private static void settleFailure(Promise<Channel> result, ChannelFuture connect, Throwable handshakeFailure) {
        if (connect == null || !connect.isDone()) {
            return;
        }
        if (!connect.isSuccess()) {
            boolean closedByHandshaker = connect.cause() instanceof ClosedChannelException && handshakeFailure != null;
            result.tryFailure(closedByHandshaker ? handshakeFailure : connect.cause());
        } else if (handshakeFailure != null) {
            result.tryFailure(handshakeFailure);
        }
    }

    /** A TLS handler offering h2 and http/1.1 by ALPN, unless the configuration brought its own context. */
    private SslHandler newAlpnSslHandler(Channel ch, URI uri) {
        SslContext context = sslContext;
        if (config.sslContext() == null) {
            context = alpnSslContext;
            if (context == null) {
                context = newSslContext(config, SslContextBuilder.forClient().applicationProtocolConfig(
                    new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)));
                alpnSslContext = context;
            }
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return newSslHandler(context, ch, host, ClientHandshaker.port(uri));
    }

    /**
     * A TLS handler for {@code host} that verifies the host name and sends it as SNI, also for single-label names
     * such as {@code localhost} for which the JDK would not send it by itself.
     */
    private SslHandler newSslHandler(Channel ch, String host, int port) {
        return newSslHandler(sslContext, ch, host, port);
    }

    private static SslHandler newSslHandler(SslContext context, Channel ch, String host, int port) {
        SslHandler handler = context.newHandler(ch.alloc(), host, port);
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
                engine.setSSLParameters(parameters);
            } catch (IllegalArgumentException e) {
                // Not a name SNI can carry (RFC 6066 §3); connect without SNI.
            }
        }
        return handler;
    }

    /**
     * Adds the client side of a WebSocket connection to the end of a pipeline whose transport (and TLS, if any) is in
     * place: a {@link ClientHandshaker} named {@value HandlerNames#HANDSHAKER}, which sends the opening handshake as
     * soon as the channel is active and, once the server accepted it, installs the WebSocket handlers and
     * {@code application} as {@value HandlerNames#APPLICATION}. {@link #connect} uses it; tests use it on an
     * {@link io.netty.channel.embedded.EmbeddedChannel} (the nettyws test kit does).
     *
     * @param pipeline the channel's pipeline
     * @param uri the {@code ws://} or {@code wss://} URI of the request
     * @param config the client's settings (its transport, group and TLS settings are not used here)
     * @param application the handler to add once the handshake succeeded
     * @return the handshaker, whose {@link ClientHandshaker#handshakeFuture()} tells how the handshake ended
     * @throws IllegalArgumentException if the URI is not a WebSocket URI
     */
    public static ClientHandshaker install(ChannelPipeline pipeline, URI uri, WebSocketClientConfig config,
                                           ChannelHandler application) {
        Objects.requireNonNull(application, "application");
        ClientHandshaker handshaker = new ClientHandshaker(uri, config,
            (p, afterName, handshake) -> p.addAfter(afterName, HandlerNames.APPLICATION, application));
        pipeline.addLast(HandlerNames.HANDSHAKER, handshaker);
        return handshaker;
    }

    /**
     * Shuts down the event loop group if this client created it, closing every connection without a close
     * handshake, and waits for it to terminate (at most a few seconds). Does nothing for a supplied group. Must not
     * be called from one of the group's event loops.
     */
    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
