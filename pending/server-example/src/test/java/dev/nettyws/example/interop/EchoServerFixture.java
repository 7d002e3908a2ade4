package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The example server running in-process on 127.0.0.1 and an ephemeral port, on exactly the transport asked for
 * (epoll must really be available: the tests run on Linux), recording the close each connection ended with as the
 * server saw it.
 */
final class EchoServerFixture implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 10;

    private final BlockingQueue<EchoClient.Close> closes = new LinkedBlockingQueue<>();
    private final ExampleServer server;

    private EchoServerFixture(Transport transport) throws InterruptedException {
        server = ExampleServer.start(transport, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.DEFAULT_MAX_MESSAGE_BYTES, new ConnectionListener() {
                @Override
                public void closed(Channel channel, WebSocketClosedEvent closed) {
                    closes.add(new EchoClient.Close(closed.statusCode(), closed.reason()));
                }
            });
    }

    static EchoServerFixture start(Transport transport) throws InterruptedException {
        if (transport == Transport.EPOLL) {
            assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        }
        EchoServerFixture fixture = new EchoServerFixture(transport);
        assertEquals(transport, fixture.server.transport());
        return fixture;
    }

    URI echoUri() {
        return server.echoUri();
    }

    /** The close of the next connection to end, as the server saw it; fails after a bounded wait. */
    EchoClient.Close awaitClose() throws InterruptedException {
        EchoClient.Close close = closes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(close, "the server saw no connection close within " + TIMEOUT_SECONDS + " s");
        return close;
    }

    @Override
    public void close() {
        server.close();
    }
}
