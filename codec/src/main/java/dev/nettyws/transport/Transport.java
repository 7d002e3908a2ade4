package dev.nettyws.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket transport: Linux epoll (native, fewer copies and syscalls) or the JDK's NIO, which works everywhere.
 * {@link #AUTO} picks epoll when {@link Epoll#isAvailable()} and falls back to NIO otherwise.
 *
 * <p>Event loop groups are created with the Netty 4.2 idiom ({@link MultiThreadIoEventLoopGroup} with an
 * {@link IoHandlerFactory}); whoever creates a group shuts it down. Immutable; usable from any thread.
 * Holds no buffers.
 */
public enum Transport {
    /** Epoll when available, else NIO. */
    AUTO,
    /** Linux epoll; {@link #resolve()} fails when the native library cannot be loaded. */
    EPOLL,
    /** The JDK's NIO selector. */
    NIO;

    /**
     * The concrete transport this value stands for.
     *
     * @return {@link #EPOLL} or {@link #NIO}
     * @throws IllegalStateException if epoll was asked for and is unavailable (the cause says why)
     */
    public Transport resolve() {
        switch (this) {
            case AUTO:
                return Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL:
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll transport unavailable", Epoll.unavailabilityCause());
                }
                return EPOLL;
            default:
                return NIO;
        }
    }

    /**
     * Creates an event loop group for this transport.
     *
     * @param threads number of event loops, or 0 for Netty's default (twice the cores)
     * @param name thread name prefix
     * @return a new group, to be shut down by the caller
     */
    public EventLoopGroup newEventLoopGroup(int threads, String name) {
        IoHandlerFactory factory = resolve() == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    /** The server socket channel class for {@code ServerBootstrap.channel(...)}. */
    public Class<? extends ServerSocketChannel> serverChannelClass() {
        return resolve() == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client socket channel class for {@code Bootstrap.channel(...)}. */
    public Class<? extends SocketChannel> channelClass() {
        return resolve() == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** A lower-case name for logs: {@code "epoll"} or {@code "nio"} (resolved). */
    public String displayName() {
        return resolve().name().toLowerCase();
    }
}
