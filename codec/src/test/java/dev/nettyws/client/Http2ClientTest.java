package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.server.WebSocketHttp2;
import dev.nettyws.server.WebSocketServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.FrameEcho;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Our client over HTTP/2 (RFC 8441) against our own server on 127.0.0.1, cleartext by prior knowledge: several
 * WebSockets on one connection, subprotocol negotiation, echo and the close handshake on a stream, a refusal's
 * status, and the fallback to an HTTP/1.1 upgrade when the server does not speak HTTP/2.
 */
class Http2ClientTest {
    private static final WebSocketServerConfig ENDPOINT = WebSocketServerConfig.builder().handshake(
        ServerHandshakeConfig.builder().path("/chat").subprotocols("chat.v2", "chat").build()).build();

    private EventLoopGroup serverGroup;
    private WebSocketClient client;

    /**
     * Both protocols on one cleartext port, as a server behind a TLS-terminating proxy might run: the HTTP/2 client
     * preface ({@code PRI * HTTP/2.0}) selects HTTP/2 with WebSockets, anything else HTTP/1.1 with the upgrade.
     */
    private static final class PrefaceSwitch extends ByteToMessageDecoder {
        private final boolean http2;

        PrefaceSwitch(boolean http2) {
            this.http2 = http2;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 3) {
                return;
            }
            boolean preface = in.getByte(in.readerIndex()) == 'P' && in.getByte(in.readerIndex() + 1) == 'R'
                && in.getByte(in.readerIndex() + 2) == 'I';
            if (preface && http2) {
                WebSocketHttp2.install(ctx.pipeline(), ENDPOINT, () -> FrameEcho.INSTANCE, null);
            } else {
                ctx.pipeline().addLast(new HttpServerCodec());
                WebSocketServer.install(ctx.pipeline(), ENDPOINT, () -> FrameEcho.INSTANCE);
                ctx.pipeline().addLast(new NotFound());
            }
            ctx.pipeline().remove(this);
        }
    }

    /** The HTTP/1.1 server's answer to anything else, the HTTP/2 preface included: 404, then close. */
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

    private int start(boolean http2) throws InterruptedException {
        serverGroup = Transport.AUTO.newEventLoopGroup(1, "h2-server");
        Channel server = new ServerBootstrap().group(serverGroup).channel(Transport.AUTO.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new PrefaceSwitch(http2));
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        client = new WebSocketClient(WebSocketClientConfig.builder().threads(1).http2(true).handshake(
            ClientHandshakeConfig.builder().subprotocols("chat", "chat.v2").build()).build());
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private Channel connect(URI uri, Collector collector) throws InterruptedException {
        Future<Channel> connected = client.connect(uri, collector);
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
        assertTrue(connected.isSuccess(), () -> String.valueOf(connected.cause()));
        return connected.getNow();
    }

    @Test
    void severalWebSocketsShareOneHttp2Connection() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + start(true) + "/chat");
        List<Channel> channels = new ArrayList<>();
        List<Collector> collectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Collector collector = new Collector();
            channels.add(connect(uri, collector));
            collectors.add(collector);
            HandshakeCompletedEvent event = collector.next(HandshakeCompletedEvent.class);
            assertEquals("chat.v2", event.subprotocol());
            assertTrue(event.request().isHttp2());
        }
        Channel connection = assertInstanceOf(Http2StreamChannel.class, channels.get(0)).parent();
        for (Channel ch : channels) {
            assertSame(connection, ch.parent(), "one TCP connection carries every WebSocket");
            assertTrue(WebSocketSession.of(ch).isHttp2());
        }
        for (int i = 0; i < 3; i++) {
            channels.get(i).writeAndFlush(new TextFrame("hello " + i));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("hello " + i, collectors.get(i).next(Collector.Message.class).text());
        }
        WebSocketSession.of(channels.get(0)).close(CloseStatus.NORMAL_CLOSURE, "bye");
        WebSocketClosedEvent closed = collectors.get(0).next(WebSocketClosedEvent.class);
        assertEquals(CloseStatus.NORMAL_CLOSURE, closed.statusCode());
        assertTrue(closed.clean(), closed::toString);
        assertFalse(closed.remote());
        // The others and the connection live on.
        channels.get(2).writeAndFlush(new TextFrame("still here"));
        assertEquals("still here", collectors.get(2).next(Collector.Message.class).text());
        assertTrue(connection.isActive());
    }

    @Test
    void aFullConnectionMakesTheNextWebSocketOpenAnother() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + start(true) + "/chat");
        int count = WebSocketHttp2.DEFAULT_MAX_CONCURRENT_STREAMS + 1;
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            channels.add(connect(uri, new Collector()));
        }
        Channel first = channels.get(0).parent();
        for (Channel ch : channels.subList(0, count - 1)) {
            assertSame(first, ch.parent(), "the server's stream limit fills the first connection");
        }
        Channel second = channels.get(count - 1).parent();
        assertTrue(second != first && second.isActive(), "the one over the limit opened a second connection");
        for (Channel ch : channels) {
            ch.close();
        }
        // The full connection is offered to nobody any more: it ends with its last WebSocket.
        assertTrue(first.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS), "the full connection closed");
    }

    @Test
    void aServerThatAllowsNoStreamsFailsTheConnectAfterOneMoreConnection() throws Exception {
        serverGroup = Transport.AUTO.newEventLoopGroup(1, "h2-server");
        AtomicInteger accepted = new AtomicInteger();
        Channel server = new ServerBootstrap().group(serverGroup).channel(Transport.AUTO.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    accepted.incrementAndGet();
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().initialSettings(
                        new Http2Settings().maxConcurrentStreams(0).connectProtocolEnabled(true)).build(),
                        new Http2MultiplexHandler(new NotFound()));
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        client = new WebSocketClient(WebSocketClientConfig.builder().threads(1).http2(true).build());
        URI uri = URI.create("ws://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + "/chat");
        Future<Channel> connected = client.connect(uri, new Collector());
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class, connected.cause());
        assertTrue(e.getMessage().contains("no more streams"), e.getMessage());
        assertEquals(2, accepted.get(), "one connection, and one more to try: not one per attempt without end");
    }

    @Test
    void aRefusedExtendedConnectFailsWithTheServersStatus() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + start(true) + "/elsewhere");
        Future<Channel> connected = client.connect(uri, new Collector());
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS));
        ClientHandshakeException e = assertInstanceOf(ClientHandshakeException.class, connected.cause());
        assertEquals(404, e.status(), e.getMessage());
    }

    @Test
    void aServerWithoutHttp2GetsAnHttp11Upgrade() throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + start(false) + "/chat");
        for (int i = 0; i < 2; i++) {
            Collector collector = new Collector();
            Channel ch = connect(uri, collector);
            assertFalse(ch instanceof Http2StreamChannel);
            assertFalse(collector.next(HandshakeCompletedEvent.class).request().isHttp2());
            ch.writeAndFlush(new TextFrame("over HTTP/1.1"));
            assertEquals("over HTTP/1.1", collector.next(Collector.Message.class).text());
        }
    }
}
