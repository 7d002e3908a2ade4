package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-address connection limit on channels with a given remote address: counting per IPv4 address and per IPv6
 * /64, refusing (closing) the connection over the limit before the handlers after it see it, counting down on close.
 */
class ConnectionsPerAddressLimitTest {
    private static final AttributeKey<Boolean> SERVED = AttributeKey.valueOf("served");

    private final ConnectionsPerAddressLimit limit = new ConnectionsPerAddressLimit(2);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeAll() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** A registered channel from {@code address}, with the limit first and a handler that records activation. */
    private EmbeddedChannel from(String address) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(address), 40000);
        EmbeddedChannel channel = new EmbeddedChannel(false, false) {
            @Override
            protected SocketAddress remoteAddress0() {
                return remote;
            }
        };
        channel.pipeline().addLast(limit, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.channel().attr(SERVED).set(true);
                ctx.fireChannelActive();
            }
        });
        channel.register();
        channels.add(channel);
        return channel;
    }

    @Test
    void connectionsBeyondTheLimitOfOneAddressAreClosedAtOnce() throws Exception {
        EmbeddedChannel first = from("192.0.2.1");
        EmbeddedChannel second = from("192.0.2.1");
        EmbeddedChannel third = from("192.0.2.1");
        assertTrue(first.isOpen());
        assertTrue(second.isOpen());
        assertFalse(third.isOpen(), "the third connection of one address is closed");
        assertNull(third.attr(SERVED).get(), "no handler after it served it");
        assertNull(first.pipeline().get(ConnectionsPerAddressLimit.class), "an admitted channel no longer has it");
        assertEquals(1, limit.refusedConnections());
        assertEquals(2, limit.openConnections(InetAddress.getByName("192.0.2.1")));
        assertTrue(from("192.0.2.2").isOpen(), "another address has its own count");
    }

    @Test
    void closingAConnectionMakesRoomAndTheEntryGoesWhenNoneIsLeft() throws Exception {
        EmbeddedChannel first = from("192.0.2.1");
        from("192.0.2.1");
        first.close();
        assertTrue(from("192.0.2.1").isOpen());
        for (EmbeddedChannel channel : channels) {
            channel.close();
        }
        assertEquals(0, limit.openConnections(InetAddress.getByName("192.0.2.1")));
        assertEquals(0, limit.refusedConnections());
    }

    @Test
    void ipv6AddressesCountByTheirSlash64AndMappedIpv4AsIpv4() throws Exception {
        assertEquals(ConnectionsPerAddressLimit.key(InetAddress.getByName("2001:db8:1:2::1")),
            ConnectionsPerAddressLimit.key(InetAddress.getByName("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        assertNotEquals(ConnectionsPerAddressLimit.key(InetAddress.getByName("2001:db8:1:2::1")),
            ConnectionsPerAddressLimit.key(InetAddress.getByName("2001:db8:1:3::1")));
        assertEquals(ConnectionsPerAddressLimit.key(InetAddress.getByName("192.0.2.7")),
            ConnectionsPerAddressLimit.key(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7})));
        from("2001:db8:1:2::1");
        from("2001:db8:1:2::2");
        assertFalse(from("2001:db8:1:2:abcd::9").isOpen(), "one /64 is one subscriber");
        assertTrue(from("2001:db8:1:3::1").isOpen());
    }

    @Test
    void limitMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ConnectionsPerAddressLimit(0));
    }

    @Test
    void refusalsAreLoggedOncePerIntervalWithTheirCount() {
        RateLimitedLog log = new RateLimitedLog(1, TimeUnit.HOURS);
        assertEquals(1, log.count(), "the first event is reported at once");
        for (int i = 0; i < 999; i++) {
            assertEquals(0, log.count(), "then counted, not logged");
        }
        assertEquals(999, log.drain());
        assertEquals(0, log.drain());
        RateLimitedLog everyTime = new RateLimitedLog(0, TimeUnit.SECONDS);
        assertEquals(1, everyTime.count());
        assertEquals(1, everyTime.count());
    }
}
