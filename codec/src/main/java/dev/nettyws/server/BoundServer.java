package dev.nettyws.server;

import dev.nettyws.frame.CloseStatus;
import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A listening server socket and the event loop group behind it, for examples and tests: {@link #bind} starts one,
 * {@link #close()} stops it, ending every open WebSocket connection with 1001 (going away) first. One group serves
 * both accepting and connection I/O (accepting is cheap; a second group would only add threads); pass 0 threads for
 * Netty's default of twice the cores. Failed accepts (out of file descriptors) pause accepting briefly and are logged
 * without a storm ({@link AcceptErrorHandler}); the server accepts again as soon as descriptors are free.
 *
 * <p>Thread-safe: {@link #close()} may be called from any thread except the group's own event loops, and more than
 * once. Holds no buffers.
 */
public final class BoundServer implements AutoCloseable {
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel channel;
    private final OpenConnections connections;

    private BoundServer(Transport transport, EventLoopGroup group, Channel channel, OpenConnections connections) {
        this.transport = transport;
        this.group = group;
        this.channel = channel;
        this.connections = connections;
    }

    /**
     * Binds a server socket and serves accepted connections with {@code childHandler}, usually a
     * {@link WebSocketServerInitializer}.
     *
     * @param transport epoll, NIO, or {@link Transport#AUTO}; resolved here, so an unavailable epoll fails now
     * @param ioThreads event loops, or 0 for Netty's default
     * @param address where to listen; port 0 picks a free port (see {@link #localAddress()})
     * @param childHandler the handler of each accepted channel
     * @return the bound server; the caller closes it
     * @throws InterruptedException if interrupted while binding (nothing is left running)
     * @throws IllegalStateException if epoll was asked for and is unavailable
     * @throws io.netty.channel.ChannelException or an {@link java.io.IOException} if the address cannot be bound
     */
    public static BoundServer bind(Transport transport, int ioThreads, InetSocketAddress address,
                                   ChannelHandler childHandler) throws InterruptedException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(childHandler, "childHandler");
        Transport resolved = transport.resolve();
        EventLoopGroup group = resolved.newEventLoopGroup(ioThreads, "nettyws-" + resolved.displayName());
        OpenConnections connections = new OpenConnections();
        boolean bound = false;
        try {
            ChannelFuture bind = new ServerBootstrap()
                .group(group)
                .channel(resolved.serverChannelClass())
                .handler(new AcceptErrorHandler())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast(childHandler);
                    }
                })
                .bind(address)
                .sync();
            bound = true;
            return new BoundServer(resolved, group, bind.channel(), connections);
        } finally {
            if (!bound) {
                group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            }
        }
    }

    /** The resolved transport: {@link Transport#EPOLL} or {@link Transport#NIO}. */
    public Transport transport() {
        return transport;
    }

    /** The listening channel. */
    public Channel channel() {
        return channel;
    }

    /** The address actually bound, with the chosen port when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The accepted connections that are still open. */
    public OpenConnections connections() {
        return connections;
    }

    /** Completes when the listening channel closes. */
    public ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /**
     * Stops listening, ends the open connections ({@link OpenConnections#closeAll}: WebSocket connections get a close
     * frame with 1001 going away and reason {@value OpenConnections#GOING_AWAY_REASON}, others are closed), waits for
     * them to close (each WebSocket connection's close timeout bounds its handshake), and shuts the event loop group
     * down, which closes whatever is still open. Waits at most {@value #CLOSE_TIMEOUT_SECONDS} seconds for each step.
     */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!group.isShuttingDown()) {
            connections.closeAll(CloseStatus.GOING_AWAY, OpenConnections.GOING_AWAY_REASON)
                .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
