package dev.nettyws.example.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.example.ConnectionListener;
import dev.nettyws.example.ExampleServer;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The example server running in-process on 127.0.0.1 and an ephemeral port, on exactly the transport asked for
 * (epoll must really be available: the tests run on Linux), watching each connection from the server side: the close
 * frames the client sent and the {@link WebSocketClosedEvent} each connection ended with.
 *
 * <p>For the server-initiated close, a connection whose request target has the query {@code ?server-close} is closed
 * by the server with {@link #SERVER_CLOSE} right after the handshake. This is test wiring around the unchanged
 * {@code /echo} service (a {@link ConnectionListener}), not a feature of the example server.
 */
final class EchoServerFixture implements AutoCloseable {
    /** The code and reason the server closes {@code ?server-close} connections with. */
    static final EchoClient.Close SERVER_CLOSE = new EchoClient.Close(4001, "server bye");
    /** The query that asks for the server-initiated close. */
    static final String SERVER_CLOSE_QUERY = "server-close";

    private static final long TIMEOUT_SECONDS = 10;

    private final BlockingQueue<WebSocketClosedEvent> closes = new LinkedBlockingQueue<>();
    private final BlockingQueue<EchoClient.Close> clientCloseFrames = new LinkedBlockingQueue<>();
    private final ExampleServer server;

    private EchoServerFixture(Transport transport, boolean deflate) throws InterruptedException {
        server = ExampleServer.start(transport, new InetSocketAddress("127.0.0.1", 0),
            ExampleServer.echoConfig(ExampleServer.DEFAULT_MAX_MESSAGE_BYTES, deflate), new ConnectionListener() {
                @Override
                public void opened(Channel channel, HandshakeCompletedEvent handshake) {
                    channel.pipeline().addBefore(HandlerNames.CONNECTION, "test-close-sniffer",
                        new CloseSniffer());
                    if (handshake.queryParameters().containsKey(SERVER_CLOSE_QUERY)) {
                        WebSocketSession.of(channel).close(SERVER_CLOSE.code(), SERVER_CLOSE.reason());
                    }
                }

                @Override
                public void closed(Channel channel, WebSocketClosedEvent closed) {
                    closes.add(closed);
                }
            });
    }

    /** The example server as {@code Main} runs it: permessage-deflate negotiated with clients that offer it. */
    static EchoServerFixture start(Transport transport) throws InterruptedException {
        return start(transport, true);
    }

    /** The example server, with permessage-deflate or (as with {@code --no-deflate}) without. */
    static EchoServerFixture start(Transport transport, boolean deflate) throws InterruptedException {
        if (transport == Transport.EPOLL) {
            assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
        }
        EchoServerFixture fixture = new EchoServerFixture(transport, deflate);
        assertEquals(transport, fixture.server.transport());
        return fixture;
    }

    URI echoUri() {
        return server.echoUri();
    }

    /** The URI of {@code /echo} on which the server closes first, with {@link #SERVER_CLOSE}. */
    URI serverCloseUri() {
        return URI.create(server.echoUri() + "?" + SERVER_CLOSE_QUERY);
    }

    /** How the next connection to end ended, as the server saw it; fails after a bounded wait. */
    WebSocketClosedEvent awaitClosed() throws InterruptedException {
        WebSocketClosedEvent closed = closes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(closed, "the server saw no connection close within " + TIMEOUT_SECONDS + " s");
        return closed;
    }

    /** The next close frame a client sent, as the server decoded it; fails after a bounded wait. */
    EchoClient.Close awaitClientCloseFrame() throws InterruptedException {
        EchoClient.Close close = clientCloseFrames.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(close, "the client sent no close frame within " + TIMEOUT_SECONDS + " s");
        return close;
    }

    /** A close frame the client sent that was not taken yet, or null; does not wait. */
    EchoClient.Close pollClientCloseFrame() {
        return clientCloseFrames.poll();
    }

    /** Asserts how a close the client started with {@code sent} ended on the server (RFC 6455 §7.1.5, §7.1.6). */
    void assertClientStartedClose(EchoClient.Close sent) throws InterruptedException {
        assertEquals(sent, awaitClientCloseFrame(), "the close frame the server received");
        WebSocketClosedEvent closed = awaitClosed();
        assertEquals(sent, new EchoClient.Close(closed.statusCode(), closed.reason()), "the server's close event");
        assertTrue(closed.remote(), () -> "the client started the close: " + closed);
        assertTrue(closed.clean(), () -> "close frames went both ways: " + closed);
    }

    /**
     * Asserts how the server-initiated close ended on the server: the client answered with a close frame (§5.5.1;
     * returned, its code and reason are the client's choice) and the close event reports the server's code.
     */
    EchoClient.Close assertServerStartedClose() throws InterruptedException {
        EchoClient.Close answer = awaitClientCloseFrame();
        WebSocketClosedEvent closed = awaitClosed();
        assertEquals(SERVER_CLOSE, new EchoClient.Close(closed.statusCode(), closed.reason()),
            "the server's close event");
        assertTrue(!closed.remote() && closed.clean(), () -> "a clean close started by the server: " + closed);
        return answer;
    }

    @Override
    public void close() {
        server.close();
    }

    /** Notes every close frame on its way from the decoder to the connection handler, and passes it on. */
    private final class CloseSniffer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof CloseFrame) {
                CloseFrame frame = (CloseFrame) msg;
                clientCloseFrames.add(new EchoClient.Close(frame.statusCode(), frame.reasonText()));
            }
            ctx.fireChannelRead(msg);
        }
    }
}
