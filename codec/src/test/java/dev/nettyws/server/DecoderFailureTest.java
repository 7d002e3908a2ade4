package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.RawHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the HTTP decoder could not parse: Netty's codec hands on a dummy request whose decoder result is a
 * failure. The upgrade handler answers them, on any path, with the matching status and closes; it neither crashes
 * nor lets the dummy request reach the application.
 */
class DecoderFailureTest {
    private static final String LONG = "x".repeat(300);

    private TestServer server;

    @AfterEach
    void releaseEverything() {
        server.channel.finishAndReleaseAll();
    }

    private void start(HttpDecoderConfig limits) {
        server = new TestServer(ServerHandshakeConfig.builder().path("/chat").build(), new HttpServerCodec(limits));
    }

    private void assertRefused(int status, String reason) {
        RawHttpResponse response = server.response();
        assertEquals(status, response.status());
        assertEquals(reason, response.body());
        assertEquals("close", response.header("Connection"));
        assertFalse(server.channel.isOpen());
        assertNull(server.initialized);
        assertEquals(List.of(), server.pages.requests);
    }

    @Test
    void headersOverTheCodecLimitGet431() {
        start(new HttpDecoderConfig().setMaxHeaderSize(256));
        server.send(HandshakeRequest.to("/chat").add("X-Padding", LONG).toBuf());
        assertRefused(431, "request headers too large");
    }

    @Test
    void headersWithinTheCodecLimitAreAccepted() {
        start(new HttpDecoderConfig().setMaxHeaderSize(512));
        server.send(HandshakeRequest.to("/chat").add("X-Padding", LONG).toBuf());
        assertEquals(101, server.response().status());
    }

    @Test
    void headersOverTheLimitOnAnotherPathGet431Too() {
        start(new HttpDecoderConfig().setMaxHeaderSize(256));
        server.send(HandshakeRequest.plainGet("/index.html").add("X-Padding", LONG).toBuf());
        assertRefused(431, "request headers too large");
    }

    @Test
    void requestLineOverTheCodecLimitGets414() {
        start(new HttpDecoderConfig().setMaxInitialLineLength(64));
        server.send(HandshakeRequest.to("/chat?" + LONG).toBuf());
        assertRefused(414, "request line too long");
    }

    @Test
    void requestLineWithinTheCodecLimitIsAccepted() {
        start(new HttpDecoderConfig().setMaxInitialLineLength(64));
        server.send(HandshakeRequest.to("/chat?room=1").toBuf());
        assertEquals(101, server.response().status());
    }

    @Test
    void unparsableRequestGets400() {
        start(new HttpDecoderConfig());
        server.send(HandshakeRequest.to("/chat").add("Content-Length", "ten").toBuf());
        assertRefused(400, "malformed HTTP request");
    }

    @Test
    void garbageAfterARefusalIsDiscarded() {
        start(new HttpDecoderConfig().setMaxHeaderSize(256));
        server.send(HandshakeRequest.to("/chat").add("X-Padding", LONG).toBuf(HandshakeRequest.to("/chat").bytes()));
        assertRefused(431, "request headers too large");
        assertNull(server.channel.readInbound());
    }
}
