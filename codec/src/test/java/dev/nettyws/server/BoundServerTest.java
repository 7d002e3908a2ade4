package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BoundServerTest {
    /** Writes "hi" to each accepted connection and closes it. */
    private static final class Greeter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("hi".getBytes(StandardCharsets.US_ASCII)))
                .addListener(f -> ctx.close());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"EPOLL", "NIO"})
    void bindsAnEphemeralPortOnTheRequestedTransportAndStops(Transport transport) throws Exception {
        if (transport == Transport.EPOLL) {
            assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        }
        BoundServer server = BoundServer.bind(transport, 1, new InetSocketAddress("127.0.0.1", 0), new Greeter());
        try {
            assertEquals(transport, server.transport());
            assertEquals(transport.serverChannelClass(), server.channel().getClass());
            int port = server.localAddress().getPort();
            assertTrue(port > 0);
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                InputStream in = socket.getInputStream();
                assertEquals("hi", new String(in.readNBytes(2), StandardCharsets.US_ASCII));
                assertEquals(-1, in.read());
            }
        } finally {
            server.close();
        }
        assertFalse(server.channel().isOpen());
        assertTrue(server.closeFuture().isDone());
    }
}
