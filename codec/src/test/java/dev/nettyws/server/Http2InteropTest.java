package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.Frame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSockets over HTTP/2 (RFC 8441) on 127.0.0.1 against an independent HTTP/2 peer: the Python {@code h2} library
 * ({@code interop/python/h2_client.py}, Debian python3-h2 for {@code /usr/bin/python3}) over cleartext h2c by prior
 * knowledge. The server is {@link WebSocketHttp2#install} with an echo application and a page for other streams.
 */
class Http2InteropTest {
    private static final long PEER_SECONDS = 30;
    private static final long MAX_PENDING = 128 << 10;
    private static EventLoopGroup group;
    private static Channel server;
    private static final BlockingQueue<Object> EVENTS = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        // The outbound limit at its minimum for 16 KiB messages, so a peer that never reads is cut off soon.
        WebSocketServerConfig config = WebSocketServerConfig.builder().path("/ws").maxMessageLength(16 << 10)
            .connection(ConnectionConfig.builder().maxPendingWriteBytes(MAX_PENDING).build()).build();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    WebSocketHttp2.install(ch.pipeline(), config, Echo::new, new Page());
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Echoes every message and records the handshake and close events with the transport it ran on. */
    static final class Echo extends SimpleChannelInboundHandler<Frame> {
        Echo() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame message) {
            ctx.writeAndFlush(message);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof HandshakeCompletedEvent || event instanceof WebSocketClosedEvent) {
                EVENTS.add(event);
            }
            if (event instanceof HandshakeCompletedEvent) {
                EVENTS.add(WebSocketSession.of(ctx.channel()).isHttp2() ? "http2" : "http1");
            }
        }
    }

    /** An ordinary HTTP/2 handler: answers every request head with 200 "page", whatever follows. */
    @ChannelHandler.Sharable
    static final class Page extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean head = msg instanceof Http2HeadersFrame;
            ReferenceCountUtil.release(msg);
            if (head) {
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(ByteBufUtil.writeUtf8(ctx.alloc(), "page"), true));
            }
        }
    }

    private static String run(String scenario) throws IOException, InterruptedException {
        Path script = interop().resolve("python/h2_client.py");
        Path log = Paths.get("target", "h2-client-" + scenario + ".log");
        Files.createDirectories(log.getParent());
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(port), scenario)
            .redirectError(log.toFile()).start();
        try {
            boolean done = process.waitFor(PEER_SECONDS, TimeUnit.SECONDS);
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(done && process.exitValue() == 0, "h2 peer failed (" + scenario + "): " + out + "\n"
                + Files.readString(log));
            return out;
        } finally {
            process.destroyForcibly();
        }
    }

    private static Path interop() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("interop/python"))) {
                return dir.resolve("interop");
            }
        }
        throw new IllegalStateException("no interop/ folder above " + Paths.get("").toAbsolutePath());
    }

    @Test
    void rfc8441Section3TheServerAnnouncesExtendedConnect() throws Exception {
        assertEquals("{\"enableConnectProtocol\": 1}", run("settings"));
    }

    @Test
    void rfc8441Section4MalformedAndRefusedRequestsGetTheirStatus() throws Exception {
        String result = run("refusals");
        assertTrue(result.contains("\"get\": 405"), result);
        assertTrue(result.contains("\"noProtocol\": 400"), result);
        assertTrue(result.contains("\"otherProtocol\": 400"), result);
        assertTrue(result.contains("\"noVersion\": 400"), result);
        assertTrue(result.contains("\"wrongVersion\": 400"), result);
        assertTrue(result.contains("\"badScheme\": 400"), result);
        assertTrue(result.contains("\"foreignOrigin\": 403"), result);
        assertTrue(result.contains("\"endStream\": 400"), result);
        // Malformed in HTTP/2's own terms (RFC 9113 §8.1.1): a stream error of type PROTOCOL_ERROR (1).
        assertTrue(result.contains("\"noAuthority\": 400"), result);
        assertTrue(result.contains("\"noScheme\": \"RST_STREAM 1\""), result);
        // Another path is the application's: its handler answers.
        assertTrue(result.contains("\"unknownPath\": 200"), result);
    }

    @Test
    void manyWebSocketsAndARequestShareOneConnectionAndAViolationClosesOnlyItsStream() throws Exception {
        EVENTS.clear();
        String result = run("multiplex");
        assertTrue(result.contains("\"statuses\": [200, 200, 200]"), result);
        assertTrue(result.contains("\"getStatus\": 200, \"getBody\": \"page\""), result);
        assertTrue(result.contains("\"violator\": [[8, 1002, \"unmasked frame from client\"]]"), result);
        assertTrue(result.contains("\"violatorEnded\": true"), result);
        assertTrue(result.contains("\"echoes\": [[[1, \"hello 1\"]], [[1, \"hello 2\"]]]"), result);
        assertTrue(result.contains("\"closed\": [8, 1000, \"\"]"), result);
        assertTrue(result.contains("\"last\": [2, \"still here\"]"), result);
        assertTrue(result.contains("\"resets\": []"), result);
        Object first = EVENTS.poll(PEER_SECONDS, TimeUnit.SECONDS);
        assertInstanceOf(HandshakeCompletedEvent.class, first);
        assertEquals("http2", EVENTS.poll(PEER_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void rfc8441Section3ConnectBeforeTheSettingIsAnsweredAndTheConnectionGoesOn() throws Exception {
        // The peer sends its extended CONNECT with the preface, before it could have read the setting: the server
        // announced it in its first frame, so it answers as for any CONNECT; the connection keeps serving.
        String result = run("early");
        assertEquals("{\"early\": 200, \"after\": 200, \"echo\": [1, \"in order\"]}", result);
    }

    @Test
    void rfc8441Section5ResetStreamIsAnAbnormalClosure1006() throws Exception {
        EVENTS.clear();
        String result = run("reset");
        assertTrue(result.contains("\"status\": 200"), result);
        assertTrue(result.contains("\"other\": [1, \"after reset\"]"), result);
        WebSocketClosedEvent closed = awaitClosed();
        assertEquals(1006, closed.statusCode());
        assertTrue(closed.remote());
        assertFalse(closed.clean());
    }

    @Test
    void aStreamThatNeverReadsIsResetOnceItsQueuedBytesPassTheLimit() throws Exception {
        EVENTS.clear();
        String result = run("stall");
        // The peer opened no window: it received nothing, and its stream was reset (CANCEL, 8) by the write limit.
        assertEquals("{\"status\": 200, \"reset\": 8, \"received\": 0}", result);
        WebSocketClosedEvent closed = awaitClosed();
        assertEquals(1008, closed.statusCode());
        assertEquals(ConnectionConfig.PENDING_LIMIT_REASON, closed.reason());
        assertFalse(closed.remote());
    }

    private static WebSocketClosedEvent awaitClosed() throws InterruptedException {
        for (Object event = EVENTS.poll(PEER_SECONDS, TimeUnit.SECONDS); event != null;
                event = EVENTS.poll(PEER_SECONDS, TimeUnit.SECONDS)) {
            if (event instanceof WebSocketClosedEvent) {
                return (WebSocketClosedEvent) event;
            }
        }
        throw new AssertionError("no close event");
    }
}
