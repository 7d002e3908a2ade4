package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.Hex;
import dev.nettyws.testsupport.RawHttpResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The switch from HTTP to WebSocket (RFC 6455 §4.2.2: once the 101 is sent, "the server considers the WebSocket
 * connection to be established" and frames may follow at once): no byte after the request may be lost or parsed
 * as HTTP, wherever the reads split the stream; the HTTP handlers leave, the frame codec and the application's
 * handlers take their place; requests for other paths keep reaching the application's HTTP handlers.
 */
class PipelineSwitchTest {
    private static final List<String> SWITCHED = List.of("ws-encoder", "ws-decoder", "ws-connection", "app", "pages");

    private TestServer server = TestServer.at("/chat");

    @AfterEach
    void releaseEverything() {
        server.channel.finishAndReleaseAll();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private void assertText(String expected) {
        TextFrame frame = assertInstanceOf(TextFrame.class, server.channel.readInbound());
        try {
            assertEquals(expected, frame.text());
        } finally {
            frame.release();
        }
    }

    private void assertSwitched() {
        RawHttpResponse response = server.response();
        assertEquals(101, response.status());
        assertEquals(SWITCHED, server.names());
    }

    @Test
    void frameInTheSameReadAsTheRequestIsDecodedAfterTheEvent() {
        server.send(HandshakeRequest.to("/chat").toBuf(TestServer.maskedHello()));
        assertSwitched();
        assertText("Hello");
        assertNull(server.channel.readInbound());
        assertEquals(List.of("handshake", "TextFrame"), server.app.log, "no LastHttpContent, event first");
        assertEquals("ws-connection", server.initializedAfter);
    }

    @Test
    void severalFramesInTheSameReadAsTheRequest() {
        server.send(HandshakeRequest.to("/chat").toBuf(concat(TestServer.maskedHello(), TestServer.maskedText("one"),
            TestServer.maskedText("two"))));
        assertSwitched();
        assertText("Hello");
        assertText("one");
        assertText("two");
        assertEquals(List.of("handshake", "TextFrame", "TextFrame", "TextFrame"), server.app.log);
    }

    @Test
    void requestWithHalfAFrameThenTheRest() {
        byte[] frame = TestServer.maskedHello();
        server.send(HandshakeRequest.to("/chat").toBuf(Arrays.copyOf(frame, 5)));
        assertSwitched();
        assertNull(server.channel.readInbound());
        server.send(Arrays.copyOfRange(frame, 5, frame.length));
        assertText("Hello");
    }

    @Test
    void frameInALaterRead() {
        server.send(HandshakeRequest.to("/chat").toBuf());
        assertSwitched();
        assertEquals(List.of("handshake"), server.app.log);
        server.send(TestServer.maskedHello());
        assertText("Hello");
    }

    @Test
    void everySplitOfRequestAndFramesGivesTheSameResult() {
        byte[] stream = concat(HandshakeRequest.to("/chat").bytes(), TestServer.maskedHello(),
            TestServer.maskedText("again"));
        for (int split = 1; split < stream.length; split++) {
            server.channel.finishAndReleaseAll();
            server = TestServer.at("/chat");
            server.send(Arrays.copyOfRange(stream, 0, split));
            server.send(Arrays.copyOfRange(stream, split, stream.length));
            assertSwitched();
            assertText("Hello");
            assertText("again");
            assertNull(server.channel.readInbound(), "split at " + split);
            assertEquals(List.of("handshake", "TextFrame", "TextFrame"), server.app.log, "split at " + split);
        }
    }

    @Test
    void oneByteAtATime() {
        byte[] stream = concat(HandshakeRequest.to("/chat").bytes(), TestServer.maskedHello());
        for (byte b : stream) {
            server.send(new byte[] {b});
        }
        assertSwitched();
        assertText("Hello");
    }

    @Test
    void aggregatorBeforeTheDecoderIsRemovedToo() {
        server = new TestServer(ServerHandshakeConfig.builder().path("/chat").build(), new HttpServerCodec(),
            new HttpObjectAggregator(1024));
        server.send(HandshakeRequest.to("/chat").toBuf(TestServer.maskedHello()));
        assertSwitched();
        assertText("Hello");
        assertEquals(List.of("handshake", "TextFrame"), server.app.log);
    }

    @Test
    void separateRequestDecoderAndResponseEncoderAreRemoved() {
        server = new TestServer(ServerHandshakeConfig.builder().path("/chat").build(), new HttpRequestDecoder(),
            new HttpResponseEncoder(), new HttpServerKeepAliveHandler());
        server.send(HandshakeRequest.to("/chat").toBuf(TestServer.maskedHello()));
        assertSwitched();
        assertText("Hello");
    }

    @Test
    void otherHandlersInFrontStay() {
        ChannelInboundHandlerAdapter other = new ChannelInboundHandlerAdapter();
        server = new TestServer(ServerHandshakeConfig.builder().path("/chat").build(), other, new HttpServerCodec());
        server.send(HandshakeRequest.to("/chat").toBuf(TestServer.maskedHello()));
        assertEquals(101, server.response().status());
        assertEquals(List.of("http0", "ws-encoder", "ws-decoder", "ws-connection", "app", "pages"), server.names());
        assertText("Hello");
    }

    @Test
    void framesWrittenAfterTheSwitchAreEncodedUnmasked() {
        server.send(HandshakeRequest.to("/chat").toBuf());
        assertSwitched();
        server.channel.writeOutbound(new TextFrame("Hello"));
        ByteBuf out = server.channel.readOutbound();
        try {
            // RFC 6455 §5.7, unmasked "Hello" from the server.
            assertEquals("81 05 48 65 6c 6c 6f", Hex.of(out));
        } finally {
            out.release();
        }
    }

    @Test
    void frameWrittenOnTheHandshakeEventFollowsThe101() {
        server.app.onHandshake = ctx -> ctx.writeAndFlush(new TextFrame("welcome"));
        server.send(HandshakeRequest.to("/chat").toBuf());
        RawHttpResponse response = server.response();
        assertEquals(101, response.status());
        assertArrayEquals(Hex.bytes("81 07 77 65 6c 63 6f 6d 65"), response.rest());
    }

    @Test
    void section5_1_frameDecoderIsInPlaceAndClosesThroughTheEncoder() {
        // An unmasked frame from a client fails the connection with 1002 (§5.1), sent by the frame encoder.
        server.send(HandshakeRequest.to("/chat").toBuf(Hex.bytes("81 05 48 65 6c 6c 6f")));
        RawHttpResponse response = server.response();
        assertEquals(101, response.status());
        EmbeddedChannel client = new EmbeddedChannel(new dev.nettyws.frame.FrameDecoder(FrameConfig.CLIENT_DEFAULT));
        client.writeInbound(Unpooled.wrappedBuffer(response.rest()));
        CloseFrame close = assertInstanceOf(CloseFrame.class, client.readInbound());
        assertEquals(1002, close.statusCode());
        close.release();
        assertFalse(client.finishAndReleaseAll());
        assertFalse(server.channel.isOpen());
    }

    @Test
    void otherPathsPassThroughToTheApplication() {
        server.send(HandshakeRequest.plainGet("/index.html").toBuf());
        RawHttpResponse page = server.response();
        assertEquals(200, page.status());
        assertEquals("page /index.html", page.body());
        assertEquals(List.of("GET /index.html"), server.pages.requests);
        assertTrue(server.channel.isOpen());
        assertEquals(List.of("http0", "upgrade", "pages"), server.names());
        assertNull(server.initialized);
    }

    @Test
    void upgradeRequestForAnotherPathPassesThrough() {
        server.send(HandshakeRequest.to("/other").toBuf());
        assertEquals("page /other", server.response().body());
        assertEquals(List.of("GET /other"), server.pages.requests);
        assertEquals(List.of("http0", "upgrade", "pages"), server.names());
    }

    @Test
    void upgradeAfterPlainRequestsOnTheSameConnection() {
        server.send(HandshakeRequest.plainGet("/index.html").toBuf());
        assertEquals("page /index.html", server.response().body());
        server.send(HandshakeRequest.plainGet("/app.js").method("POST").add("Content-Length", "5").body("hello")
            .toBuf());
        assertEquals("page /app.js", server.response().body());
        server.send(HandshakeRequest.to("/chat").toBuf(TestServer.maskedHello()));
        assertSwitched();
        assertText("Hello");
        assertEquals(List.of("GET /index.html", "POST /app.js"), server.pages.requests);
    }

    @Test
    void chunkedRequestForAnotherPathPassesThroughWhole() {
        server.send(HandshakeRequest.plainGet("/upload").method("POST").add("Transfer-Encoding", "chunked")
            .body("5\r\nhello\r\n0\r\n\r\n").toBuf());
        assertEquals("page /upload", server.response().body());
        server.send(HandshakeRequest.to("/chat").toBuf());
        assertSwitched();
    }

    @Test
    void upgradePipelinedBehindAnAnsweredRequestIsAccepted() {
        server.send(Unpooled.wrappedBuffer(HandshakeRequest.plainGet("/index.html").bytes(),
            HandshakeRequest.to("/chat").bytes(), TestServer.maskedHello()));
        RawHttpResponse page = server.response();
        assertEquals("page /index.html", page.body());
        RawHttpResponse upgrade = RawHttpResponse.parse(page.rest());
        assertEquals(101, upgrade.status());
        assertEquals(SWITCHED, server.names());
        assertText("Hello");
    }

    @Test
    void upgradePipelinedBehindAnUnansweredRequestIsRefusedAfterItsResponse() {
        server.pages.hold = true;
        server.send(Unpooled.wrappedBuffer(HandshakeRequest.plainGet("/slow").bytes(),
            HandshakeRequest.to("/chat").bytes(), TestServer.maskedHello()));
        assertNull(server.channel.readOutbound(), "nothing may overtake the pending response");
        assertTrue(server.channel.isOpen());
        server.pages.answerHeld();
        RawHttpResponse page = server.response();
        assertEquals("page /slow", page.body());
        RawHttpResponse refusal = RawHttpResponse.parse(page.rest());
        assertEquals(400, refusal.status());
        assertEquals("upgrade request pipelined behind an unanswered request", refusal.body());
        assertFalse(server.channel.isOpen());
        assertNull(server.initialized);
        assertNull(server.channel.readInbound());
    }

    @Test
    void failingInitializerRefusesWith500() {
        server.initializerFailure = new IllegalStateException("boom");
        server.send(HandshakeRequest.to("/chat").toBuf(TestServer.maskedHello()));
        RawHttpResponse response = server.response();
        assertEquals(500, response.status());
        assertEquals("handshake failed", response.body());
        assertFalse(server.channel.isOpen());
        assertEquals(List.of(), server.app.log, "no event and no frame for the application");
    }

    @Test
    void aggregatedRequestWithoutSeparateLastContentSwitchesAtOnce() {
        EmbeddedChannel channel = new EmbeddedChannel(new UpgradeHandler(
            TestServer.endpoint(ServerHandshakeConfig.builder().path("/chat").build()),
            (pipeline, after, event) -> { }));
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/chat");
        copyHandshakeHeaders(request);
        channel.writeInbound(request);
        assertEquals(0, request.refCnt(), "the request is released");
        FullHttpResponse response = assertInstanceOf(FullHttpResponse.class, channel.readOutbound());
        assertEquals(101, response.status().code());
        response.release();
        assertEquals(List.of("ws-encoder", "ws-decoder", "ws-connection"),
            new ArrayList<>(channel.pipeline().toMap().keySet()));
        assertNull(channel.readOutbound(), "nothing but the 101");
        channel.finishAndReleaseAll();
    }

    @Test
    void withoutLastContentTheDecoderLeavesAtTheEndOfTheRead() {
        EmbeddedChannel channel = new EmbeddedChannel(new UpgradeHandler(
            TestServer.endpoint(ServerHandshakeConfig.builder().path("/chat").build()),
            (pipeline, after, event) -> { }));
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/chat");
        copyHandshakeHeaders(request);
        channel.writeInbound(request);
        FullHttpResponse response = assertInstanceOf(FullHttpResponse.class, channel.readOutbound());
        assertEquals(101, response.status().code());
        response.release();
        assertEquals(List.of("ws-encoder", "ws-decoder", "ws-connection"),
            new ArrayList<>(channel.pipeline().toMap().keySet()));
        assertNull(channel.readOutbound(), "nothing but the 101");
        channel.finishAndReleaseAll();
    }

    private static void copyHandshakeHeaders(HttpRequest request) {
        request.headers().add("Host", "localhost").add("Upgrade", "websocket").add("Connection", "Upgrade")
            .add("Sec-WebSocket-Key", HandshakeRequest.KEY).add("Sec-WebSocket-Version", "13");
    }

    @Test
    void handlersAfterTheDecoderSeeNoHandshakeTraffic() {
        server.send(HandshakeRequest.to("/chat").toBuf(TestServer.maskedHello()));
        assertSwitched();
        assertEquals(List.of(), server.pages.requests);
        assertText("Hello");
    }

    @Test
    void connectionClosedMidRequestUpgradesNothingAndLeavesNothingBehind() {
        server.send(Arrays.copyOf(HandshakeRequest.to("/chat").bytes(), 30));
        assertTrue(server.channel.close().isSuccess());
        assertNull(server.initialized);
        assertEquals(List.of(), server.pages.requests);
        assertFalse(server.channel.finishAndReleaseAll(), "no message left in the channel");
    }
}
