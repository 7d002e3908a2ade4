package dev.nettyws.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
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
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;

/**
 * The socket transport: Linux epoll (native, fewer copies and syscalls), Linux io_uring (native, submission and
 * completion rings; needs a kernel that allows it) or the JDK's NIO, which works everywhere. {@link #AUTO} picks
 * epoll when {@link Epoll#isAvailable()} and falls back to NIO otherwise: io_uring is offered but not chosen by
 * default, because it did not win on this project's measured workloads (the README's Performance section).
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
    /**
     * Linux io_uring; {@link #resolve()} fails when the native library cannot be loaded or the kernel refuses
     * io_uring (too old, or disabled by {@code kernel.io_uring_disabled} or a seccomp filter).
     */
    IO_URING,
    /** The JDK's NIO selector. */
    NIO;

    /**
     * The concrete transport this value stands for.
     *
     * @return {@link #EPOLL}, {@link #IO_URING} or {@link #NIO}
     * @throws IllegalStateException if a native transport was asked for and is unavailable (the cause says why)
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
            case IO_URING:
                if (!IoUring.isAvailable()) {
                    throw new IllegalStateException("io_uring transport unavailable", IoUring.unavailabilityCause());
                }
                return IO_URING;
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
        IoHandlerFactory factory;
        switch (resolve()) {
            case EPOLL:
                factory = EpollIoHandler.newFactory();
                break;
            case IO_URING:
                factory = IoUringIoHandler.newFactory();
                break;
            default:
                factory = NioIoHandler.newFactory();
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    /** The server socket channel class for {@code ServerBootstrap.channel(...)}. */
    public Class<? extends ServerSocketChannel> serverChannelClass() {
        switch (resolve()) {
            case EPOLL:
                return EpollServerSocketChannel.class;
            case IO_URING:
                return IoUringServerSocketChannel.class;
            default:
                return NioServerSocketChannel.class;
        }
    }

    /** The client socket channel class for {@code Bootstrap.channel(...)}. */
    public Class<? extends SocketChannel> channelClass() {
        switch (resolve()) {
            case EPOLL:
                return EpollSocketChannel.class;
            case IO_URING:
                return IoUringSocketChannel.class;
            default:
                return NioSocketChannel.class;
        }
    }

    /**
     * The transport whose I/O handler a group's event loops run, so that channels match a group someone else created.
     *
     * @param group an event loop group
     * @param fallback what to return when the group does not tell (not an {@link IoEventLoopGroup})
     * @return {@link #EPOLL}, {@link #IO_URING}, {@link #NIO} or {@code fallback}
     */
    public static Transport of(EventLoopGroup group, Transport fallback) {
        if (group instanceof IoEventLoopGroup) {
            IoEventLoopGroup ioGroup = (IoEventLoopGroup) group;
            if (ioGroup.isIoType(NioIoHandler.class)) {
                return NIO;
            }
            if (ioGroup.isIoType(EpollIoHandler.class)) {
                return EPOLL;
            }
            if (ioGroup.isIoType(IoUringIoHandler.class)) {
                return IO_URING;
            }
        }
        return fallback;
    }

    /** A lower-case name for logs: {@code "epoll"}, {@code "io_uring"} or {@code "nio"} (resolved). */
    public String displayName() {
        return resolve().name().toLowerCase(Locale.ROOT);
    }
}
