package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The extended CONNECT front end (RFC 8441 §4-§5) on one stream, in an {@link EmbeddedChannel} standing for the
 * HTTP/2 stream channel: HEADERS frames in, the response HEADERS (and DATA) out; after acceptance DATA frames carry
 * the WebSocket bytes both ways.
 */
class ExtendedConnectTest {
    private static final WebSocketServerConfig CONFIG = WebSocketServerConfig.builder()
        .handshake(ServerHandshakeConfig.builder().path("/ws").subprotocols("chat.v2", "chat.v1").build())
        .deflate(true)
        .build();

    private final List<Object> received = new ArrayList<>();
    private EmbeddedChannel channel;

    @AfterEach
    void finish() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel stream(WebSocketServerConfig config) {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(HandlerNames.EXTENDED_CONNECT, new ExtendedConnectHandler(config,
            (pipeline, afterName, handshake) -> pipeline.addAfter(afterName, "app", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    received.add(msg);
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    received.add(evt);
                }
            }), false));
        return channel;
    }

    private static Http2Headers connect() {
        return new DefaultHttp2Headers().method("CONNECT").scheme("https").path("/ws?room=lobby")
            .authority("127.0.0.1:8443").add(":protocol", "websocket").add("sec-websocket-version", "13");
    }

    private Http2Headers answer(Http2Headers request, boolean endStream) {
        EmbeddedChannel ch = stream(CONFIG);
        ch.writeInbound(new DefaultHttp2HeadersFrame(request, endStream));
        Http2HeadersFrame response = assertInstanceOf(Http2HeadersFrame.class, ch.readOutbound());
        return response.headers();
    }

    private Http2Headers refused(Http2Headers request, String status, String reason) {
        Http2Headers headers = answer(request, false);
        assertEquals(status, headers.status().toString());
        Http2DataFrame body = assertInstanceOf(Http2DataFrame.class, channel.readOutbound());
        try {
            assertEquals(reason, body.content().toString(StandardCharsets.UTF_8));
            assertTrue(body.isEndStream());
        } finally {
            body.release();
        }
        assertFalse(channel.isActive(), "a refused stream closes");
        return headers;
    }

    @Test
    void anInitializerThatThrowsGets500AndNothingMoreIsWrittenIntoTheEndedStream() {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(HandlerNames.EXTENDED_CONNECT, new ExtendedConnectHandler(CONFIG,
            (pipeline, afterName, handshake) -> {
                throw new IllegalStateException("application bug");
            }, false));
        channel.writeInbound(new DefaultHttp2HeadersFrame(connect(), false));
        Http2HeadersFrame response = assertInstanceOf(Http2HeadersFrame.class, channel.readOutbound());
        assertEquals("500", response.headers().status().toString());
        Http2DataFrame body = assertInstanceOf(Http2DataFrame.class, channel.readOutbound());
        assertTrue(body.isEndStream());
        body.release();
        assertFalse(channel.isActive(), "a refused stream closes");
        // No close frame and no second END_STREAM from the WebSocket handlers the failed switch left behind.
        assertNull(channel.readOutbound());
    }

    @Test
    void rfc8441Section5AcceptsWith200AndNoAcceptHeader() {
        Http2Headers headers = answer(connect().add("sec-websocket-protocol", "chat.v1, chat.v2"), false);
        assertEquals("200", headers.status().toString());
        assertNull(headers.get("sec-websocket-accept"));
        assertEquals("chat.v2", headers.get("sec-websocket-protocol").toString());
        assertTrue(channel.isActive());
        HandshakeCompletedEvent event = assertInstanceOf(HandshakeCompletedEvent.class, received.get(0));
        assertEquals("/ws", event.path());
        assertEquals("lobby", event.queryParameter("room"));
        assertTrue(event.request().isHttp2());
        assertEquals("CONNECT", event.request().method());
        assertTrue(WebSocketSession.of(channel).isHttp2());
        List<String> names = channel.pipeline().names();
        assertEquals(HandlerNames.HTTP2_STREAM, names.get(0));
        assertTrue(names.contains(HandlerNames.ENCODER) && names.contains(HandlerNames.DECODER), names::toString);
        assertFalse(names.contains(HandlerNames.EXTENDED_CONNECT));
    }

    @Test
    void rfc8441Section4NegotiatesPermessageDeflateAsOverHttp11() {
        Http2Headers headers = answer(connect().add("sec-websocket-extensions", "permessage-deflate"), false);
        assertEquals("200", headers.status().toString());
        assertTrue(headers.get("sec-websocket-extensions").toString().startsWith("permessage-deflate"));
        assertTrue(channel.pipeline().names().contains(HandlerNames.INFLATER));
    }

    @Test
    void rfc8441Section4OtherMethodIs405AllowingConnect() {
        Http2Headers headers = refused(connect().method("GET"), "405",
            "method must be CONNECT with :protocol websocket");
        assertEquals("CONNECT", headers.get("allow").toString());
    }

    @Test
    void rfc8441Section4MissingProtocolIs400() {
        Http2Headers request = connect();
        request.remove(":protocol");
        refused(request, "400", "missing :protocol");
    }

    @Test
    void rfc8441Section4OtherProtocolIs400() {
        refused(connect().set(":protocol", "webtransport"), "400", "unsupported :protocol");
    }

    @Test
    void rfc8441Section4InvalidSchemeIs400() {
        refused(connect().scheme("ftp"), "400", "invalid :scheme");
    }

    @Test
    void rfc8441Section4MissingAuthorityIs400() {
        Http2Headers request = connect();
        request.remove(":authority");
        refused(request, "400", "missing :authority");
    }

    @Test
    void rfc6455Section44WrongVersionIs400NamingVersion13() {
        Http2Headers headers = refused(connect().set("sec-websocket-version", "8"), "400",
            "Sec-WebSocket-Version 13 required");
        assertEquals("13", headers.get("sec-websocket-version").toString());
    }

    @Test
    void rfc6455Section44MissingVersionIs400() {
        Http2Headers request = connect();
        request.remove("sec-websocket-version");
        refused(request, "400", "Sec-WebSocket-Version 13 required");
    }

    @Test
    void rfc6455Section10Point2ForeignOriginIs403() {
        refused(connect().add("origin", "https://evil.example"), "403", "origin not allowed");
    }

    @Test
    void sameOriginIsAcceptedWithTheConnectionScheme() {
        // The stream's connection runs no TLS here, so its origin is http, whatever :scheme says.
        assertEquals("200", answer(connect().add("origin", "http://127.0.0.1:8443"), false).status().toString());
    }

    @Test
    void hostNotAllowedIs421() {
        refused(connect().authority("evil.example"), "421", "host not allowed");
    }

    @Test
    void requiredSubprotocolMissingIs400() {
        EmbeddedChannel ch = stream(CONFIG.toBuilder().handshake(CONFIG.handshake().toBuilder()
            .requireSubprotocol(true).build()).build());
        ch.writeInbound(new DefaultHttp2HeadersFrame(connect(), false));
        Http2HeadersFrame response = assertInstanceOf(Http2HeadersFrame.class, ch.readOutbound());
        assertEquals("400", response.headers().status().toString());
    }

    @Test
    void rfc8441Section4ConnectThatEndsItsStreamIs400() {
        Http2Headers headers = answer(connect(), true);
        assertEquals("400", headers.status().toString());
    }

    @Test
    void otherPathIs404WithoutAnHttpHandler() {
        refused(connect().path("/elsewhere"), "404", "not found");
    }

    @Test
    void rfc8441Section5DataFramesCarryTheWebSocketBytesBothWays() {
        answer(connect(), false);
        // "Hello", masked with the key of RFC 6455 §5.7.
        ByteBuf hello = Unpooled.wrappedBuffer(TestServer.maskedHello());
        channel.writeInbound(new DefaultHttp2DataFrame(hello, false));
        TextFrame text = assertInstanceOf(TextFrame.class, received.get(1));
        assertEquals("Hello", text.text());
        channel.writeAndFlush(text);
        ByteBuf out = Unpooled.buffer();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            Http2DataFrame data = assertInstanceOf(Http2DataFrame.class, msg);
            assertFalse(data.isEndStream());
            out.writeBytes(data.content());
            data.release();
        }
        assertEquals("810548656c6c6f", io.netty.buffer.ByteBufUtil.hexDump(out));
        out.release();
    }

    @Test
    void rfc8441Section5EndStreamWithoutCloseIsAbnormal1006AndEndsOurHalf() {
        answer(connect(), false);
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        Http2DataFrame fin = assertInstanceOf(Http2DataFrame.class, channel.readOutbound());
        assertTrue(fin.isEndStream());
        fin.release();
        assertFalse(channel.isActive());
        WebSocketClosedEvent closed = assertInstanceOf(WebSocketClosedEvent.class, received.get(received.size() - 1));
        assertEquals(1006, closed.statusCode());
        assertFalse(closed.clean());
    }

    @Test
    void rfc8441Section5CloseHandshakeEndsWithEndStreamNotAReset() {
        answer(connect(), false);
        // A masked close frame 1000 (key 0): 88 82 00000000 03 e8.
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {
            (byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8}), false));
        boolean endStream = false;
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            Http2DataFrame data = assertInstanceOf(Http2DataFrame.class, msg);
            endStream |= data.isEndStream();
            data.release();
        }
        assertTrue(endStream, "the server's close is followed by END_STREAM (its FIN)");
        assertTrue(channel.isActive(), "waits for the peer's END_STREAM rather than resetting");
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        assertFalse(channel.isActive());
        WebSocketClosedEvent closed = assertInstanceOf(WebSocketClosedEvent.class, received.get(received.size() - 1));
        assertEquals(1000, closed.statusCode());
        assertTrue(closed.clean());
        assertNotNull(WebSocketSession.of(channel));
    }

    @Test
    void aSecondCloseWhileWaitingForThePeersEndStreamClosesAtOnce() {
        answer(connect(), false);
        // The peer's close frame 1000 (key 0): the server answers it and sends END_STREAM, then waits.
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {
            (byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8}), false));
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
        assertTrue(channel.isActive(), "waits for the peer's END_STREAM");
        channel.close();
        assertFalse(channel.isActive(), "a second close does not wait");
    }
}
