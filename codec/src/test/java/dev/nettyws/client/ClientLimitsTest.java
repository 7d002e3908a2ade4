package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.WebSocketAccept;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.server.BoundServer;
import dev.nettyws.server.WebSocketServerConfig;
import dev.nettyws.server.WebSocketServerInitializer;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.transport.Transport;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21 on real sockets: a client configured for N-byte messages echoes a message of exactly N bytes with the
 * default outbound limits (derived from the message limit), to our server and to Python {@code websockets}; and a
 * server that resets TCP right after a completed close handshake gives the application the clean close event and no
 * exception.
 */
@Timeout(120)
class ClientLimitsTest {
    /** The client's (and our server's) message limit: the case the conformance run failed. */
    private static final int MAX = 16 << 20;
    private static final long WAIT_SECONDS = 30;

    /** Echoes binary messages; queues text messages, the closed event and any exception for the test. */
    private static final class EchoBinary extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryFrame) {
                ctx.writeAndFlush(msg);
            } else {
                if (msg instanceof TextFrame) {
                    events.add(((TextFrame) msg).text());
                }
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketClosedEvent) {
                events.add(evt);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(cause);
        }

        Object next() throws InterruptedException {
            Object event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(event, "nothing happened within " + WAIT_SECONDS + " s");
            return event;
        }
    }

    /** Our server's side of the exchange: "send N" sends N seeded random bytes and checks they come back. */
    private static final class SendAndCheck extends ChannelInboundHandlerAdapter {
        private byte[] sent;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextFrame && ((TextFrame) msg).text().startsWith("send ")) {
                    int size = Integer.parseInt(((TextFrame) msg).text().substring(5));
                    sent = new byte[size];
                    new Random(size).nextBytes(sent);
                    ctx.writeAndFlush(new BinaryFrame(Unpooled.wrappedBuffer(sent)));
                } else if (msg instanceof BinaryFrame) {
                    byte[] back = ByteBufUtil.getBytes(((BinaryFrame) msg).content());
                    ctx.writeAndFlush(new TextFrame(Arrays.equals(sent, back) ? "ok"
                        : "differs: " + back.length + " bytes back"));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static WebSocketClientConfig clientConfig() {
        // Only the frame limit is set: the outbound limit is the default, derived from it.
        return WebSocketClientConfig.builder().transport(Transport.AUTO).threads(1).aggregate(true)
            .frames(FrameConfig.builder().role(Role.CLIENT).maxLength(MAX).build()).build();
    }

    private static void assertEchoesItsMaximum(URI uri) throws Exception {
        try (WebSocketClient client = new WebSocketClient(clientConfig())) {
            EchoBinary app = new EchoBinary();
            Future<Channel> connected = client.connect(uri, app);
            assertTrue(connected.await(WAIT_SECONDS, TimeUnit.SECONDS) && connected.isSuccess(),
                () -> "handshake: " + connected.cause());
            Channel channel = connected.getNow();
            channel.writeAndFlush(new TextFrame("send " + MAX));
            assertEquals("ok", app.next(), "the server got back exactly the " + MAX + " bytes it sent");
            channel.writeAndFlush(new CloseFrame(CloseStatus.NORMAL_CLOSURE, null));
            WebSocketClosedEvent closed = assertInstanceOf(WebSocketClosedEvent.class, app.next());
            assertEquals(CloseStatus.NORMAL_CLOSURE, closed.statusCode(), closed.toString());
            assertTrue(closed.clean(), closed.toString());
        }
    }

    @Test
    void echoesAMessageOfExactlyItsMaximumToOurServer() throws Exception {
        WebSocketServerConfig config = WebSocketServerConfig.builder().path("/echo").maxMessageLength(MAX).build();
        try (BoundServer server = BoundServer.bind(Transport.AUTO, 1,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new WebSocketServerInitializer(config, SendAndCheck::new))) {
            assertEchoesItsMaximum(URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + "/echo"));
        }
    }

    @Test
    void echoesAMessageOfExactlyItsMaximumToPythonWebsockets() throws Exception {
        try (ProcessEchoPeer python = ProcessEchoPeer.python()) {
            assertEchoesItsMaximum(python.uri("/"));
        }
    }

    @Test
    void serverResettingRightAfterTheCloseHandshakeIsACleanCloseWithoutAnException() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             WebSocketClient client = new WebSocketClient(clientConfig())) {
            EchoBinary app = new EchoBinary();
            Future<Channel> connected = client.connect(URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/"),
                app);
            try (Socket peer = listener.accept()) {
                peer.setSoTimeout(10_000);
                InputStream in = peer.getInputStream();
                OutputStream out = peer.getOutputStream();
                acceptHandshake(in, out);
                assertTrue(connected.await(WAIT_SECONDS, TimeUnit.SECONDS) && connected.isSuccess());
                // The server closes first (§7.1.2), reads the client's answer, and resets instead of a FIN.
                out.write(FrameBytes.close(CloseStatus.NORMAL_CLOSURE, "bye").bytes());
                out.flush();
                DataInputStream frames = new DataInputStream(in);
                int b0 = frames.readUnsignedByte();
                int b1 = frames.readUnsignedByte();
                assertEquals(0x88, b0, "the client answers with a close frame");
                frames.readFully(new byte[(b1 & 0x7f) + 4]);
                peer.setSoLinger(true, 0);
            }
            // Nothing before the closed event either: the reset is not the application's business.
            WebSocketClosedEvent closed = assertInstanceOf(WebSocketClosedEvent.class, app.next());
            assertEquals(CloseStatus.NORMAL_CLOSURE, closed.statusCode(), closed.toString());
            assertTrue(closed.clean() && closed.remote(), closed.toString());
            assertNull(app.events.poll(500, TimeUnit.MILLISECONDS), "nothing after the clean close");
        }
    }

    /** Reads the client's opening handshake and answers 101 with the matching accept value (RFC 6455 §4.2.2). */
    private static void acceptHandshake(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client closed during the handshake");
            }
            head.write(b);
        }
        Matcher key = Pattern.compile("(?i)sec-websocket-key:\\s*(\\S+)").matcher(head.toString(
            StandardCharsets.ISO_8859_1));
        assertTrue(key.find(), head::toString);
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + WebSocketAccept.of(key.group(1)) + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
