package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.server.UpgradeHandler;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameEcho;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our client against our own server ({@link UpgradeHandler} and {@link ConnectionHandler}) on 127.0.0.1: subprotocol
 * negotiation (RFC 6455 §4.2.2), echo, the close handshake (§7.1.1: the server closes TCP), a refused path.
 */
class OwnServerTest {
    private EventLoopGroup serverGroup;
    private WebSocketClient client;
    private int port;

    /** Other paths pass through the upgrade handler to the HTTP handlers: 404. */
    private static final class NotFound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.NOT_FOUND);
                response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
            ReferenceCountUtil.release(msg);
        }
    }

    @BeforeEach
    void start() throws InterruptedException {
        serverGroup = Transport.AUTO.newEventLoopGroup(1, "own-server");
        WebSocketServerConfig endpoint = WebSocketServerConfig.builder().handshake(ServerHandshakeConfig.builder()
            .path("/chat").subprotocols("chat.v2", "chat").build()).aggregate(false).build();
        Channel server = new ServerBootstrap().group(serverGroup).channel(Transport.AUTO.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new UpgradeHandler(endpoint,
                        (pipeline, after, event) -> pipeline.addAfter(after, "echo", FrameEcho.INSTANCE)),
                        new NotFound());
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        client = new WebSocketClient(WebSocketClientConfig.builder().threads(1).handshake(ClientHandshakeConfig
            .builder().subprotocols("chat", "chat.v2").build()).build());
    }

    @AfterEach
    void stop() {
        client.close();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void handshakeEchoAndCloseHandshake() throws Exception {
        Collector collector = new Collector();
        Future<Channel> connected = client.connect(URI.create("ws://127.0.0.1:" + port + "/chat"), collector);
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(connected.isSuccess(), () -> String.valueOf(connected.cause()));
        Channel ch = connected.getNow();
        assertEquals("chat.v2", collector.next(HandshakeCompletedEvent.class).subprotocol(),
            "the server's preference decides");
        ch.writeAndFlush(new TextFrame("ping-pong"));
        assertEquals("ping-pong", collector.next(Collector.Message.class).text());
        WebSocketSession.of(ch).close(CloseStatus.NORMAL_CLOSURE, "bye");
        WebSocketClosedEvent closed = collector.next(WebSocketClosedEvent.class);
        assertEquals(CloseStatus.NORMAL_CLOSURE, closed.statusCode());
        assertTrue(closed.clean());
        assertFalse(closed.remote());
        assertTrue(ch.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void wrongPathIsRefusedWithTheServersStatus() throws Exception {
        Future<Channel> connected = client.connect(URI.create("ws://127.0.0.1:" + port + "/other"),
            new Collector());
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class, connected.cause());
        assertEquals(404, e.status(), e.getMessage());
    }
}
