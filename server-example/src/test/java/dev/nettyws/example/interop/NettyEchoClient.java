package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Netty's own {@code websocketx} client ({@link WebSocketClientProtocolHandler}) as an independent peer, on NIO. It
 * sees individual frames, so {@link Message#frames()} counts them. Every received frame is copied and released in
 * the collector, so nothing is left for the leak detector.
 *
 * <p>Close frames: with {@code handleCloseFrames(false)} the application sees the server's close frame and must
 * answer it itself ({@link #awaitServerClose()} does, with the same code); with Netty's default
 * {@code handleCloseFrames(true)} the handler swallows the server's close frame and closes TCP without answering.
 */
final class NettyEchoClient implements EchoClient {
    private static final long TIMEOUT_SECONDS = 10;
    private static final int MAX_FRAME = 32 << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final Channel channel;

    private NettyEchoClient(URI uri, boolean handleCloseFrames) throws Exception {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(uri)
            .version(WebSocketVersion.V13)
            .maxFramePayloadLength(MAX_FRAME)
            .handleCloseFrames(handleCloseFrames)
            .dropPongFrames(false)
            .handshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS))
            .build();
        try {
            ChannelFuture connect = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                            new WebSocketClientProtocolHandler(config), new Collector());
                    }
                })
                .connect(uri.getHost(), uri.getPort());
            assertTrue(connect.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "connect timed out");
            connect.sync();
            channel = connect.channel();
            Object first = inbox.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (first != WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                throw new AssertionError("handshake did not complete: " + first, first instanceof Throwable
                    ? (Throwable) first : null);
            }
        } catch (Exception | AssertionError e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Connects with {@code handleCloseFrames(false)}: close frames reach the test, which answers them. */
    static NettyEchoClient connect(URI uri) throws Exception {
        return new NettyEchoClient(uri, false);
    }

    /** Connects with Netty's default {@code handleCloseFrames(true)}. */
    static NettyEchoClient connectWithDefaultCloseHandling(URI uri) throws Exception {
        return new NettyEchoClient(uri, true);
    }

    @Override
    public void sendText(String text, boolean first, boolean last) throws Exception {
        var payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        send(first ? new TextWebSocketFrame(last, 0, payload) : new ContinuationWebSocketFrame(last, 0, payload));
    }

    @Override
    public void sendBinary(byte[] data, boolean first, boolean last) throws Exception {
        var payload = Unpooled.wrappedBuffer(data);
        send(first ? new BinaryWebSocketFrame(last, 0, payload) : new ContinuationWebSocketFrame(last, 0, payload));
    }

    private void send(WebSocketFrame frame) throws Exception {
        ChannelFuture write = channel.writeAndFlush(frame);
        assertTrue(write.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "write timed out");
        write.sync();
    }

    @Override
    public Message receive() throws Exception {
        return next(Message.class);
    }

    @Override
    public byte[] ping(byte[] payload) throws Exception {
        send(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));
        return next(byte[].class);
    }

    @Override
    public Close close(int code, String reason) throws Exception {
        send(new CloseWebSocketFrame(code, reason));
        return next(Close.class);
    }

    @Override
    public Close awaitServerClose() throws Exception {
        Close close = next(Close.class);
        // RFC 6455 §5.5.1: answer with a close frame; Netty leaves it to the application when it hands over closes.
        send(new CloseWebSocketFrame(close.code(), ""));
        return close;
    }

    /** Whether the server closed the TCP connection within the timeout (after the close handshake it must). */
    boolean awaitDisconnect() throws InterruptedException {
        return channel.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private <T> T next(Class<T> type) throws Exception {
        Object next = inbox.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(next, () -> "no " + type.getSimpleName() + " within " + TIMEOUT_SECONDS + " s");
        if (next instanceof Throwable) {
            throw new AssertionError("Netty client failed", (Throwable) next);
        }
        if (!type.isInstance(next)) {
            throw new AssertionError("expected a " + type.getSimpleName() + ", got " + next);
        }
        return type.cast(next);
    }

    @Override
    public void close() {
        try {
            channel.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Reassembles messages from frames; runs on the client's event loop. */
    private final class Collector extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private boolean text;
        private int frames;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            byte[] bytes = ByteBufUtil.getBytes(frame.content());
            if (frame instanceof PongWebSocketFrame) {
                inbox.add(bytes);
            } else if (frame instanceof CloseWebSocketFrame) {
                CloseWebSocketFrame close = (CloseWebSocketFrame) frame;
                inbox.add(new Close(close.statusCode(), close.reasonText()));
            } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                || frame instanceof ContinuationWebSocketFrame) {
                if (!(frame instanceof ContinuationWebSocketFrame)) {
                    text = frame instanceof TextWebSocketFrame;
                    frames = 0;
                    message.reset();
                }
                frames++;
                message.writeBytes(bytes);
                if (frame.isFinalFragment()) {
                    inbox.add(new Message(text, message.toByteArray(), frames));
                }
            } else {
                inbox.add(new AssertionError("unexpected frame " + frame));
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                inbox.add(evt);
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            inbox.add(cause);
            ctx.close();
        }
    }
}
