package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.internal.SlowPeerDetector;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.HttpBackpressureHandler;
import dev.nettyws.server.WebSocketServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.NeverReadingClient;
import dev.nettyws.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks on the HTTP phase of a connection, before any upgrade, over real sockets, against a server whose HTTP
 * handler is careless (keep-alive, answers every request at once, never looks at {@code isWritable()}): pipelined
 * requests from a client that never reads, a request body announced as a gigabyte, and an endless chunked body. The
 * server must hold a bounded number of bytes whatever the client sends, and end every such connection.
 */
@Timeout(60)
class HttpPhaseTest {
    /** The careless handler's response body: about a chat page. */
    private static final int PAGE_BYTES = 3 * 1024;
    private static final long CLIENT_CAP = 64L << 20;

    @Test
    void pipelinedRequestsFromAPeerThatNeverReadsHoldABoundedNumberOfBytesAndEnd() throws Exception {
        ConnectionConfig connection = ConnectionConfig.DEFAULT.toBuilder().writeStallTimeout(Duration.ofSeconds(2))
            .build();
        try (PageServer server = new PageServer(WebSocketServerConfig.builder().connection(connection).build())) {
            long directBefore = PlatformDependent.usedDirectMemory();
            byte[] requests = repeat(HandshakeRequest.plainGet("/").bytes(), 1000);
            long[] max = {0, 0, directBefore};
            long sent;
            try (NeverReadingClient client = NeverReadingClient.connect(server.address())) {
                Channel channel = server.accepted();
                sent = client.writeUntilStuck(requests, CLIENT_CAP, Duration.ofMillis(500), () -> {
                    long[] held = server.held(channel);
                    max[0] = Math.max(max[0], held[0]);
                    max[1] = Math.max(max[1], held[1]);
                    max[2] = Math.max(max[2], PlatformDependent.usedDirectMemory());
                });
                long maxPending = max[0];
                long maxHeld = max[1];
                long maxDirect = max[2];
                assertTrue(sent < CLIENT_CAP, "the server kept reading " + sent + " bytes of requests");
                // The peer's TCP window is full: what the server queued for it stays below the high water mark and
                // one answer, and what it decoded and holds below Netty's codec's 128 unanswered requests.
                assertTrue(maxPending <= 64 * 1024 + PAGE_BYTES + 1024, "queued for the peer: " + maxPending);
                assertTrue(maxHeld <= 2 * 128, "messages held: " + maxHeld);
                if (directBefore >= 0) {
                    assertTrue(maxDirect - directBefore < 32 << 20, "direct memory grew by "
                        + (maxDirect - directBefore));
                }
                assertTrue(channel.closeFuture().await(HostileServer.WAIT_SECONDS, TimeUnit.SECONDS),
                    "the connection of a peer that never reads ends");
            }
            System.out.printf("pipelined, never read: client sent %,d bytes, server answered %,d requests, "
                + "max queued %,d B, max held %d messages, direct memory %+,d B%n", sent, server.answered.get(),
                max[0], max[1], max[2] - directBefore);
        }
    }

    @Test
    void answeredRequestWithAGigabyteBodyThatNeverArrivesEndsAtTheExchangeTimeout() throws Exception {
        try (PageServer server = new PageServer(shortExchange());
             RawWebSocket client = RawWebSocket.connect(server.address())) {
            client.write(HandshakeRequest.plainGet("/").add("Content-Length", "1000000000").bytes());
            client.write(new byte[1000]);
            String head = client.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200 "), head);
            client.readToEnd();
            assertTrue(server.accepted().closeFuture().await(HostileServer.WAIT_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void endlessChunkedBodyTrickledInTimeEndsAtTheExchangeTimeout() throws Exception {
        try (PageServer server = new PageServer(shortExchange());
             RawWebSocket client = RawWebSocket.connect(server.address())) {
            client.write(HandshakeRequest.plainGet("/upload").method("POST").add("Transfer-Encoding", "chunked")
                .bytes());
            Channel channel = server.accepted();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HostileServer.WAIT_SECONDS);
            try {
                while (channel.isOpen() && System.nanoTime() < deadline) {
                    client.write("1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(100);
                }
            } catch (IOException closed) {
                // The server closed while we were trickling.
            }
            assertTrue(channel.closeFuture().await(HostileServer.WAIT_SECONDS, TimeUnit.SECONDS),
                "a body that never ends does not keep the connection");
        }
    }

    private static WebSocketServerConfig shortExchange() {
        return WebSocketServerConfig.builder().handshake(ServerHandshakeConfig.builder()
            .httpExchangeTimeout(Duration.ofSeconds(1)).build()).build();
    }

    private static byte[] repeat(byte[] bytes, int times) {
        byte[] out = new byte[bytes.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(bytes, 0, out, i * bytes.length, bytes.length);
        }
        return out;
    }

    /**
     * A server with a WebSocket endpoint at {@code /ws} and, for every other path, a careless keep-alive page
     * handler; it hands the tests each accepted channel.
     */
    private static final class PageServer implements AutoCloseable {
        final AtomicInteger answered = new AtomicInteger();
        private final BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        private final BoundServer server;

        PageServer(WebSocketServerConfig config) throws InterruptedException {
            WebSocketServerConfig withPath = config.toBuilder()
                .handshake(config.handshake().toBuilder().path(HostileServer.PATH).build()).build();
            server = BoundServer.bind(Transport.AUTO, 1, new InetSocketAddress("127.0.0.1", 0),
                new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec());
                        WebSocketServer.install(ch.pipeline(), withPath, ChannelInboundHandlerAdapter::new);
                        ch.pipeline().addLast(new CarelessPage(answered));
                    }
                });
        }

        InetSocketAddress address() {
            return server.localAddress();
        }

        Channel accepted() throws InterruptedException {
            Channel channel = accepted.poll(HostileServer.WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(channel, "no connection accepted");
            return channel;
        }

        /** Bytes queued for the peer and messages the backpressure handler holds, read on the event loop. */
        long[] held(Channel channel) throws Exception {
            return channel.eventLoop().submit(() -> {
                HttpBackpressureHandler backpressure = channel.pipeline().get(HttpBackpressureHandler.class);
                return new long[] {SlowPeerDetector.pendingBytes(channel),
                    backpressure == null ? 0 : backpressure.heldMessages()};
            }).get();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** Answers every request on its head with a page, keep-alive, whatever the channel's writability. */
    private static final class CarelessPage extends ChannelInboundHandlerAdapter {
        private static final ByteBuf PAGE = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(new byte[PAGE_BYTES]).asReadOnly());
        private final AtomicInteger answered;

        CarelessPage(AtomicInteger answered) {
            this.answered = answered;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    PAGE.duplicate());
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, PAGE_BYTES);
                ctx.writeAndFlush(response);
                answered.incrementAndGet();
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
