package dev.nettyws.server.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.Frame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.ConnectionsPerAddressLimit;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.transport.Transport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real server on 127.0.0.1 for the hostile-client and fault tests: our server pipeline with an echo application
 * that records how every WebSocket connection ended. Text {@value #CLOSE_COMMAND} makes the server start the close
 * handshake (code 4000), so tests can play a peer that never answers it.
 */
final class HostileServer implements AutoCloseable {
    /** The endpoint. */
    static final String PATH = "/ws";
    /** A text message that makes the server send close 4000. */
    static final String CLOSE_COMMAND = "close-me";
    /** Upper bound of every wait in these tests. */
    static final long WAIT_SECONDS = 20;

    private final BoundServer server;
    private final WebSocketServerInitializer initializer;
    private final BlockingQueue<WebSocketClosedEvent> closed = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> exceptions = new LinkedBlockingQueue<>();

    private HostileServer(Transport transport, WebSocketServerConfig config) throws InterruptedException {
        this(transport, config, null);
    }

    private HostileServer(Transport transport, WebSocketServerConfig config, ByteBufAllocator allocator)
            throws InterruptedException {
        initializer = new WebSocketServerInitializer(config,
            () -> new Echo(closed, exceptions));
        server = BoundServer.bind(transport, 1, new InetSocketAddress("127.0.0.1", 0),
            allocator == null ? initializer : new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.config().setAllocator(allocator);
                    ch.pipeline().addLast(initializer);
                }
            });
    }

    /** Starts a server as {@link #start(WebSocketServerConfig)} whose connections allocate from {@code allocator}. */
    static HostileServer start(WebSocketServerConfig config, ByteBufAllocator allocator) throws InterruptedException {
        return new HostileServer(Transport.AUTO, config.toBuilder()
            .handshake(config.handshake().toBuilder().path(PATH).build()).build(), allocator);
    }

    /** Starts a server for {@link #PATH} with {@code config} (whose path is replaced), epoll when available. */
    static HostileServer start(WebSocketServerConfig config) throws InterruptedException {
        return start(Transport.AUTO, config);
    }

    /** Starts a server for {@link #PATH} with {@code config} (whose path is replaced) on {@code transport}. */
    static HostileServer start(Transport transport, WebSocketServerConfig config) throws InterruptedException {
        WebSocketServerConfig withPath = config.toBuilder()
            .handshake(config.handshake().toBuilder().path(PATH).build()).build();
        return new HostileServer(transport, withPath);
    }

    /** Whether no connection ended since the last {@link #awaitClosed()}, waiting a little for late events. */
    boolean noneClosed() throws InterruptedException {
        return closed.poll(200, TimeUnit.MILLISECONDS) == null;
    }

    InetSocketAddress address() {
        return server.localAddress();
    }

    BoundServer bound() {
        return server;
    }

    /** The server's per-address connection limit, or null when it has none. */
    ConnectionsPerAddressLimit connectionLimit() {
        return initializer.connectionLimit();
    }

    /** Waits for the next connection's end, as the application was told. */
    WebSocketClosedEvent awaitClosed() throws InterruptedException {
        WebSocketClosedEvent event = closed.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "the application was not told that a connection ended");
        return event;
    }

    /** Fails if an exception reached the application (an I/O error after a clean close is not one). */
    void assertNoExceptions() throws InterruptedException {
        Throwable caught = exceptions.poll(200, TimeUnit.MILLISECONDS);
        if (caught != null) {
            throw new AssertionError("the application was told about an exception", caught);
        }
    }

    /** Waits until the server holds no connection (accepted channels leave the group when they close). */
    void awaitNoConnections() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (server.connections().size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, server.connections().size(), "connections still open on the server");
    }

    /** Waits until the server has accepted at least {@code count} connections that are still open. */
    void awaitConnections(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (server.connections().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(server.connections().size() >= count, "fewer than " + count + " connections open");
    }

    @Override
    public void close() {
        server.close();
    }

    /** Echoes data messages; records the closed events and the exceptions that reach it. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<WebSocketClosedEvent> closed;
        private final BlockingQueue<Throwable> exceptions;

        Echo(BlockingQueue<WebSocketClosedEvent> closed, BlockingQueue<Throwable> exceptions) {
            this.closed = closed;
            this.exceptions = exceptions;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextFrame && CLOSE_COMMAND.equals(((TextFrame) msg).text())) {
                ReferenceCountUtil.release(msg);
                WebSocketSession.of(ctx.channel()).close(4000, "closing");
            } else if (msg instanceof Frame && !((Frame) msg).isControl()) {
                ctx.writeAndFlush(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketClosedEvent) {
                closed.add((WebSocketClosedEvent) evt);
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
