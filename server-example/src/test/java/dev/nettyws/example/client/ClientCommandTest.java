package dev.nettyws.example.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The terminal client run in-process against Netty's websocketx echo server (an independent peer) on 127.0.0.1:
 * lines in, messages out, the close handshake at end of input, and the exit codes.
 */
class ClientCommandTest {
    private EventLoopGroup group;
    private int port;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Echoes text; "close-me" closes with 4001 "bye"; "binary-please" answers with three bytes. */
    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                String text = ((TextWebSocketFrame) frame).text();
                if ("close-me".equals(text)) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(4001, "bye"));
                    return;
                }
                if ("binary-please".equals(text)) {
                    ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
                    return;
                }
            }
            ctx.writeAndFlush(frame.retain());
        }
    }

    @BeforeEach
    void startServer() throws InterruptedException {
        group = Transport.NIO.newEventLoopGroup(1, "echo-server");
        Channel server = new ServerBootstrap().group(group).channel(Transport.NIO.serverChannelClass())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler("/echo"), new Echo(), new NotFound());
                }
            })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Requests for other paths reach this handler: 404. */
    private static final class NotFound extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            FullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.NOT_FOUND);
            notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @AfterEach
    void stopServer() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private int run(String input, String... args) {
        return run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), args);
    }

    private int run(InputStream in, String... args) {
        ClientCommand command = new ClientCommand(in, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandLine(command).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String lines(String... lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append(System.lineSeparator());
        }
        return text.toString();
    }

    @Test
    void sendsEachLinePrintsEachMessageAndClosesNormallyAtEndOfInput() {
        int exit = run("hello\nwörld €\n\nlast", "ws://127.0.0.1:" + port + "/echo");
        assertEquals(0, exit, err());
        assertEquals(lines("hello", "wörld €", "", "last"), out());
        assertEquals("", err());
    }

    @Test
    void emptyInputJustClosesNormally() {
        assertEquals(0, run("", "ws://127.0.0.1:" + port + "/echo"), err());
        assertEquals("", out());
    }

    @Test
    void binaryMessageIsANoteOnStandardError() {
        assertEquals(0, run("binary-please\n", "ws://127.0.0.1:" + port + "/echo"), err());
        assertEquals("", out());
        assertEquals(lines("[binary message, 3 bytes: 010203]"), err());
    }

    @Test
    void serverClosingWithAnotherCodeEndsTheCommandWhileInputIsOpenAndExitsNonZero() throws IOException {
        // Input stays open: the command must end because the server closed, not because input ended.
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(typing);
        typing.write("one\nclose-me\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();
        try {
            int exit = run(in, "ws://127.0.0.1:" + port + "/echo");
            assertEquals(ClientCommand.EXIT_ABNORMAL_CLOSE, exit);
            assertEquals(lines("one"), out());
            assertTrue(err().contains("the server closed the connection with 4001 (application): bye"), err());
        } finally {
            typing.close();
        }
    }

    @Test
    void handshakeFailureExitsNonZeroWithTheStatus() {
        int exit = run("never sent\n", "ws://127.0.0.1:" + port + "/nowhere");
        assertEquals(ClientCommand.EXIT_CONNECT_FAILED, exit);
        assertTrue(err().contains("404 Not Found"), err());
        assertTrue(err().startsWith("error: cannot connect to ws://127.0.0.1:" + port + "/nowhere"), err());
        assertEquals("", out());
    }

    @Test
    void notAWebSocketUriExitsNonZero() {
        assertEquals(ClientCommand.EXIT_CONNECT_FAILED, run("", "http://127.0.0.1:" + port + "/echo"));
        assertTrue(err().contains("not a ws:// or wss:// URI"), err());
    }

    @Test
    void missingUriIsAUsageError() {
        ClientCommand command = new ClientCommand(new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        CommandLine commandLine = new CommandLine(command);
        commandLine.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        assertEquals(2, commandLine.execute());
        assertTrue(err().contains("Missing required parameter: 'URI'"), err());
    }
}
