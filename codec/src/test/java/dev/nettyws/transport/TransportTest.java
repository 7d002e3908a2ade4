package dev.nettyws.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransportTest {
    private static boolean linuxX8664() {
        return "Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"));
    }

    @Test
    void autoPicksEpollWhenAvailableElseNio() {
        Transport expected = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertEquals(expected, Transport.AUTO.resolve());
        assertNotEquals(Transport.AUTO, Transport.AUTO.resolve());
    }

    @Test
    void epollIsAvailableOnLinuxX8664() {
        // The native classifier is on the classpath; if this fails the epoll integration tests would be NIO-only.
        if (linuxX8664()) {
            assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        }
    }

    @Test
    void ioUringResolvesToItselfOrSaysWhyNot() {
        if (IoUring.isAvailable()) {
            assertEquals(Transport.IO_URING, Transport.IO_URING.resolve());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, Transport.IO_URING::resolve);
            assertEquals("io_uring transport unavailable", e.getMessage());
            assertEquals(IoUring.unavailabilityCause(), e.getCause());
        }
    }

    @Test
    void channelClassesFollowTheTransport() {
        assertEquals(NioServerSocketChannel.class, Transport.NIO.serverChannelClass());
        assertEquals(NioSocketChannel.class, Transport.NIO.channelClass());
        if (Epoll.isAvailable()) {
            assertEquals(EpollServerSocketChannel.class, Transport.EPOLL.serverChannelClass());
            assertEquals(EpollSocketChannel.class, Transport.EPOLL.channelClass());
        }
        if (IoUring.isAvailable()) {
            assertEquals(IoUringServerSocketChannel.class, Transport.IO_URING.serverChannelClass());
            assertEquals(IoUringSocketChannel.class, Transport.IO_URING.channelClass());
            assertEquals("io_uring", Transport.IO_URING.displayName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void groupsStartStopAndTellTheirTransport(Transport transport) throws InterruptedException {
        if (transport == Transport.IO_URING && !IoUring.isAvailable()) {
            return;
        }
        EventLoopGroup group = transport.newEventLoopGroup(1, "transport-test");
        try {
            assertEquals(transport.resolve(), Transport.of(group, Transport.NIO));
        } finally {
            assertTrue(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5_000));
        }
    }

    @Test
    void aGroupOfNoKnownTransportGivesTheFallback() throws InterruptedException {
        EventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            assertEquals(Transport.EPOLL, Transport.of(group, Transport.EPOLL));
        } finally {
            assertTrue(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5_000));
        }
    }
}
