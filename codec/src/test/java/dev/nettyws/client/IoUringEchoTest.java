package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.testsupport.FrameEcho;
import dev.nettyws.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our server and our client on Netty's io_uring transport ({@link Transport#IO_URING}), over real sockets on
 * 127.0.0.1: a text and a 256 KiB binary message (more than one socket read and write) echo back intact, and the
 * close handshake ends the connection. Skipped, saying why, only where the native library cannot load.
 */
class IoUringEchoTest {
    private BoundServer server;
    private WebSocketClient client;

    @BeforeEach
    void start() throws InterruptedException {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring unavailable: " + IoUring.unavailabilityCause());
        server = BoundServer.bind(Transport.IO_URING, 1, new InetSocketAddress("127.0.0.1", 0),
            new WebSocketServerInitializer(WebSocketServerConfig.builder().path("/echo").build(),
                () -> FrameEcho.INSTANCE));
        client = new WebSocketClient(WebSocketClientConfig.builder().transport(Transport.IO_URING).threads(1).build());
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void echoesTextAndLargeBinaryAndClosesOnIoUring() throws Exception {
        assertEquals(Transport.IO_URING, server.transport());
        Collector collector = new Collector();
        Future<Channel> connected = client.connect(
            URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/echo"), collector);
        assertTrue(connected.await(Collector.WAIT_SECONDS, TimeUnit.SECONDS), "connect did not complete");
        Channel channel = connected.getNow();
        assertInstanceOf(IoUringSocketChannel.class, channel);
        collector.next(HandshakeCompletedEvent.class);

        channel.writeAndFlush(new TextFrame("héllo io_uring"));
        assertEquals("héllo io_uring", collector.next(Collector.Message.class).text());

        byte[] large = new byte[256 * 1024];
        new Random(17).nextBytes(large);
        channel.writeAndFlush(new BinaryFrame(Unpooled.wrappedBuffer(large.clone())));
        Collector.Message echoed = collector.next(Collector.Message.class);
        assertFalse(echoed.text);
        assertArrayEquals(large, echoed.data);

        WebSocketSession.of(channel).close(CloseStatus.NORMAL_CLOSURE, "bye");
        WebSocketClosedEvent closed = collector.next(WebSocketClosedEvent.class);
        assertEquals(CloseStatus.NORMAL_CLOSURE, closed.statusCode());
        assertTrue(closed.clean());
        assertTrue(channel.closeFuture().await(Collector.WAIT_SECONDS, TimeUnit.SECONDS), "connection not closed");
    }
}
