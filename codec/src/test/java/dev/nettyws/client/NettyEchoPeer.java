package dev.nettyws.client;

import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Netty's own {@code websocketx} server as an independent peer: {@code HttpServerCodec}, {@code
 * HttpObjectAggregator}, {@code WebSocketServerProtocolHandler} (which answers pings and echoes close frames) and an
 * echo handler that sends every data frame back as it came (so fragments come back as fragments). A text
 * {@code "close-me"} makes it close with 4001 "bye". Optionally behind TLS.
 */
final class NettyEchoPeer implements EchoPeer {
    private final EventLoopGroup group = Transport.NIO.newEventLoopGroup(1, "netty-echo-peer");
    private final Channel server;
    private final boolean tls;
    private final String host;

    private NettyEchoPeer(SslContext sslContext, InetAddress address, String host) throws InterruptedException {
        this.tls = sslContext != null;
        this.host = host;
        this.server = new ServerBootstrap().group(group).channel(Transport.NIO.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ChannelPipeline pipeline = ch.pipeline();
                    if (sslContext != null) {
                        pipeline.addLast(sslContext.newHandler(ch.alloc()));
                    }
                    pipeline.addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                            .websocketPath("/").checkStartsWith(true)
                            .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(64 << 20)
                                .build())
                            .build()),
                        new Echo());
                }
            })
            .bind(new InetSocketAddress(address, 0)).sync().channel();
    }

    /** A plain {@code ws} server on 127.0.0.1. */
    static NettyEchoPeer start() throws InterruptedException {
        return new NettyEchoPeer(null, InetAddress.getLoopbackAddress(), "127.0.0.1");
    }

    /** A {@code wss} server on the loopback address {@code localhost} resolves to, with the given server context. */
    static NettyEchoPeer startTls(SslContext sslContext) throws Exception {
        return new NettyEchoPeer(sslContext, InetAddress.getByName("localhost"), "localhost");
    }

    /** Echoes data frames; closes with 4001 on "close-me". */
    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame && frame.isFinalFragment()
                    && "close-me".equals(((TextWebSocketFrame) frame).text())) {
                ctx.writeAndFlush(new CloseWebSocketFrame(4001, "bye"));
                return;
            }
            ctx.writeAndFlush(frame.retain());
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public String name() {
        return tls ? "netty-websocketx-tls" : "netty-websocketx";
    }

    @Override
    public URI uri(String path) {
        return URI.create((tls ? "wss://" : "ws://") + host + ':' + port() + path);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return name();
    }
}
