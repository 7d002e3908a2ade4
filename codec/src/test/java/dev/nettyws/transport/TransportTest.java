package dev.nettyws.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void autoPicksEpollWhenAvailableElseNio() {
        Transport expected = Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
        assertEquals(expected, Transport.AUTO.resolve());
        assertNotEquals(Transport.AUTO, Transport.AUTO.resolve());
    }

    @Test
    void epollIsAvailableOnLinuxX8664() {
        // The native classifier is on the classpath; if this fails the epoll integration tests would be NIO-only.
        if ("Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"))) {
            assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        }
    }

    @Test
    void channelClassesFollowTheTransport() {
        assertEquals(NioServerSocketChannel.class, Transport.NIO.serverChannelClass());
        if (Epoll.isAvailable()) {
            assertEquals(EpollServerSocketChannel.class, Transport.EPOLL.serverChannelClass());
        }
    }

    @Test
    void groupsStartAndStop() throws InterruptedException {
        for (Transport transport : new Transport[] {Transport.NIO, Transport.AUTO}) {
            EventLoopGroup group = transport.newEventLoopGroup(1, "transport-test");
            assertTrue(group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5_000));
        }
    }
}
