package dev.nettyws.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.client.WebSocketClientConfig;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.URI;
import org.junit.jupiter.api.Test;

class WebSocketClientTesterTest {
    private static final URI FEED = URI.create("ws://example.com/feed?x=1");

    /** Says hello when connected, echoes what it gets, closes on "bye". */
    private static final class Greeter extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeCompletedEvent) {
                ctx.writeAndFlush(new TextFrame("hello"));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextFrame && "bye".equals(((TextFrame) msg).text())) {
                ((TextFrame) msg).release();
                WebSocketSession.of(ctx.channel()).close(4000, "asked to");
                return;
            }
            new Echo().channelRead(ctx, msg);
        }
    }

    @Test
    void scriptedServerTalksToTheClientHandler() {
        try (WebSocketClientTester server = WebSocketClientTester.create(FEED, WebSocketClientConfig.DEFAULT,
                new Greeter())) {
            HttpMessage request = server.acceptHandshake();
            assertEquals("GET /feed?x=1 HTTP/1.1", request.startLine());
            assertEquals("example.com", request.header("Host"));
            assertTrue(server.handshakeFuture().isSuccess());
            assertEquals("hello", server.readText());
            server.sendBinary(new byte[] {7, 8});
            assertArrayEquals(new byte[] {7, 8}, server.readBinary());
            server.sendPing(new byte[] {1});
            assertArrayEquals(new byte[] {1}, server.readPong());
            server.sendText("bye");
            server.assertClosed(4000, "asked to");
            assertEquals(4000, server.closedEvent().statusCode());
        }
    }

    @Test
    void serverInitiatedCloseIsAnsweredAndTheServerClosesTcp() {
        try (WebSocketClientTester server = WebSocketClientTester.create(FEED, WebSocketClientConfig.DEFAULT,
                new Greeter())) {
            server.acceptHandshake();
            assertEquals("hello", server.readText());
            server.sendClose(1001, "going away");
            assertEquals(new CloseReceived(1001, ""), server.readClose());
            server.assertChannelOpen();
            server.dropConnection();
            assertEquals(1001, server.closedEvent().statusCode());
            assertTrue(server.closedEvent().clean());
        }
    }

    @Test
    void maskedServerFrameFailsTheClientWith1002() {
        try (WebSocketClientTester server = WebSocketClientTester.create(FEED, WebSocketClientConfig.DEFAULT,
                new Greeter())) {
            server.acceptHandshake();
            assertEquals("hello", server.readText());
            // A masked text frame from the server (RFC 6455 §5.1): key 0, payload "a".
            server.sendRaw(new byte[] {(byte) 0x81, (byte) 0x81, 0, 0, 0, 0, 'a'});
            assertEquals(CloseStatus.PROTOCOL_ERROR, server.readClose().code());
        }
    }

    @Test
    void wrongAcceptFailsTheHandshake() {
        try (WebSocketClientTester server = WebSocketClientTester.create(FEED, WebSocketClientConfig.DEFAULT,
                new Greeter())) {
            server.readHandshakeRequest();
            server.respond("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: wrong\r\n\r\n");
            assertFalse(server.handshakeFuture().isSuccess());
            assertInstanceOf(ClientHandshakeException.class, server.handshakeFuture().cause());
            server.assertChannelClosed();
        }
    }

    @Test
    void unmaskedClientFrameWouldBeReported() {
        FrameReader reader = new FrameReader(true);
        io.netty.buffer.ByteBuf bytes = io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 1, 'a'});
        try {
            AssertionError error = assertThrows(AssertionError.class, () -> reader.read(bytes));
            assertTrue(error.getMessage().contains("RFC 6455 §5.3"), error.getMessage());
        } finally {
            bytes.release();
        }
    }
}
