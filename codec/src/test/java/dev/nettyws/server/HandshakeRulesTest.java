package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.internal.ServerHandshake;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.RawHttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's requirements on the client's opening handshake (RFC 6455 §4.2.1), each with a request that meets it
 * and one that does not. A refused request gets an HTTP error with a plain-text reason and Connection: close, the
 * connection closes, and nothing is upgraded or passed to the application.
 */
class HandshakeRulesTest {
    private final TestServer server = TestServer.at("/chat");

    @AfterEach
    void releaseEverything() {
        server.channel.finishAndReleaseAll();
    }

    private RawHttpResponse accepted(HandshakeRequest request) {
        server.send(request.toBuf());
        RawHttpResponse response = server.response();
        assertEquals(101, response.status(), response.body());
        assertTrue(server.channel.isOpen());
        assertEquals(List.of("ws-encoder", "ws-decoder", "ws-connection", "app", "pages"), server.names());
        return response;
    }

    private RawHttpResponse refused(HandshakeRequest request, int status, String reason) {
        server.send(request.toBuf());
        RawHttpResponse response = server.response();
        assertEquals(status, response.status());
        assertEquals(reason, response.body());
        assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        assertTrue(ServerHandshake.containsToken(response.headers(), "Connection", "close"));
        assertFalse(server.channel.isOpen(), "closed after the refusal");
        assertNull(server.initialized, "initializer not called");
        assertEquals(List.of(), server.pages.requests, "nothing passed to the application");
        assertNull(server.channel.readInbound());
        return response;
    }

    @Test
    void section4_2_2_acceptedHandshakeIsAnswered101WithTheAcceptKey() {
        RawHttpResponse response = accepted(HandshakeRequest.to("/chat"));
        assertEquals("HTTP/1.1 101 Switching Protocols", response.statusLine());
        assertEquals("websocket", response.header("Upgrade"));
        assertEquals("Upgrade", response.header("Connection"));
        assertEquals(HandshakeRequest.ACCEPT, response.header("Sec-WebSocket-Accept"));
        assertEquals(3, response.headers().size(), "nothing else: " + response.headers());
        assertEquals(0, response.rest().length);
    }

    @Test
    void section4_2_2_responseHeadIsExactlyTheRfcExample() {
        server.send(HandshakeRequest.to("/chat").toBuf());
        assertEquals("HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            + "\r\n", server.response().head());
    }

    // §4.2.1 item 1: "An HTTP/1.1 or higher GET request"

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "CONNECT"})
    void section4_2_1_1_methodOtherThanGetIsRefused405WithAllow(String method) {
        RawHttpResponse response = refused(HandshakeRequest.to("/chat").method(method), 405, "method must be GET");
        assertEquals("GET", response.header("Allow"));
    }

    @Test
    void section4_2_1_1_headIsRefused405WithoutBody() {
        server.send(HandshakeRequest.to("/chat").method("HEAD").toBuf());
        RawHttpResponse response = RawHttpResponse.readHeadResponse(server.channel);
        assertEquals(405, response.status());
        assertEquals("GET", response.header("Allow"));
        assertEquals(0, response.rest().length, "a response to HEAD has no body (RFC 9110 §9.3.2)");
        assertFalse(server.channel.isOpen());
        assertNull(server.initialized);
    }

    @Test
    void section4_2_1_1_http10IsRefused() {
        refused(HandshakeRequest.to("/chat").version("HTTP/1.0"), 400, "HTTP/1.1 or later required");
    }

    @Test
    void section4_2_1_1_http11IsAccepted() {
        accepted(HandshakeRequest.to("/chat").version("HTTP/1.1"));
    }

    @Test
    void section4_2_1_1_absoluteFormTargetIsAccepted() {
        accepted(HandshakeRequest.to("http://localhost/chat?room=1"));
        assertEquals("/chat", server.app.event.path());
        assertEquals("1", server.app.event.queryParameter("room"));
    }

    // §4.2.1 item 2: "A |Host| header field containing the server's authority."

    @Test
    void section4_2_1_2_missingHostIsRefused() {
        refused(HandshakeRequest.to("/chat").remove("Host"), 400, "missing Host header");
    }

    @Test
    void section4_2_1_2_repeatedHostIsRefused() {
        refused(HandshakeRequest.to("/chat").add("Host", "other.example.com"), 400, "multiple Host headers");
    }

    // §4.2.1 item 3: "An |Upgrade| header field containing the value "websocket", ASCII case-insensitive"

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "WebSocket", "WEBSOCKET", "h2c, websocket", "foo,websocket ,bar"})
    void section4_2_1_3_upgradeListingWebsocketIsAccepted(String upgrade) {
        accepted(HandshakeRequest.to("/chat").set("Upgrade", upgrade));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2c", "websockets", "web socket", "websocket/13x", ""})
    void section4_2_1_3_upgradeWithoutWebsocketIsRefused426(String upgrade) {
        RawHttpResponse response = refused(HandshakeRequest.to("/chat").set("Upgrade", upgrade), 426,
            "Upgrade: websocket required");
        assertEquals("websocket", response.header("Upgrade"));
        assertEquals("13", response.header("Sec-WebSocket-Version"));
        assertTrue(ServerHandshake.containsToken(response.headers(), "Connection", "upgrade"));
    }

    @Test
    void section4_2_1_3_plainGetOfTheEndpointIsRefused426() {
        RawHttpResponse response = refused(HandshakeRequest.plainGet("/chat"), 426, "Upgrade: websocket required");
        assertEquals("websocket", response.header("Upgrade"));
    }

    // §4.2.1 item 4: "A |Connection| header field that includes the token "Upgrade", ASCII case-insensitive"

    @ParameterizedTest
    @ValueSource(strings = {"Upgrade", "upgrade", "keep-alive, Upgrade", "Upgrade,keep-alive", "close , UPGRADE"})
    void section4_2_1_4_connectionListingUpgradeIsAccepted(String connection) {
        accepted(HandshakeRequest.to("/chat").set("Connection", connection));
    }

    @Test
    void section4_2_1_4_upgradeTokenInASecondConnectionHeaderIsAccepted() {
        accepted(HandshakeRequest.to("/chat").set("Connection", "keep-alive").add("Connection", "Upgrade"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep-alive", "upgraded", "Upgrade-Insecure", "close"})
    void section4_2_1_4_connectionWithoutUpgradeIsRefused(String connection) {
        refused(HandshakeRequest.to("/chat").set("Connection", connection), 400, "Connection: Upgrade required");
    }

    @Test
    void section4_2_1_4_missingConnectionIsRefused() {
        refused(HandshakeRequest.to("/chat").remove("Connection"), 400, "Connection: Upgrade required");
    }

    // §4.2.1 item 5: "A |Sec-WebSocket-Key| header field with a base64-encoded value that, when decoded, is 16
    // bytes in length."

    @Test
    void section4_2_1_5_missingKeyIsRefused() {
        refused(HandshakeRequest.to("/chat").remove("Sec-WebSocket-Key"), 400, "missing Sec-WebSocket-Key");
    }

    @Test
    void section4_2_1_5_repeatedKeyIsRefused() {
        refused(HandshakeRequest.to("/chat").add("Sec-WebSocket-Key", "x3JJHMbDL1EzLkh9GBhXDw=="), 400,
            "multiple Sec-WebSocket-Key headers");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA=", "not base64 at all!!!!!!",
        "dGhlIHNhbXBsZSBub25jZQ==, x3JJHMbDL1EzLkh9GBhXDw=="})
    void section4_2_1_5_keyThatIsNot16BytesIsRefused(String key) {
        refused(HandshakeRequest.to("/chat").set("Sec-WebSocket-Key", key), 400,
            "Sec-WebSocket-Key must be 16 bytes in base64");
    }

    @Test
    void section4_2_1_5_otherValidKeyIsAccepted() {
        RawHttpResponse response = accepted(HandshakeRequest.to("/chat")
            .set("Sec-WebSocket-Key", "x3JJHMbDL1EzLkh9GBhXDw=="));
        assertEquals("HSmrc0sMlYUkAGmm5OPpG2HaGWk=", response.header("Sec-WebSocket-Accept"));
    }

    // §4.2.1 item 6 and §4.2.2 item 4 / §4.4: "Sec-WebSocket-Version: 13"; otherwise 426 naming the version.

    @ParameterizedTest
    @ValueSource(strings = {"8", "7", "14", "13, 8", "", "thirteen"})
    void section4_4_unsupportedVersionIsRefused426WithVersion13(String version) {
        RawHttpResponse response = refused(HandshakeRequest.to("/chat").set("Sec-WebSocket-Version", version), 426,
            "Sec-WebSocket-Version 13 required");
        assertEquals("13", response.header("Sec-WebSocket-Version"));
    }

    @Test
    void section4_4_missingVersionIsRefused426WithVersion13() {
        RawHttpResponse response = refused(HandshakeRequest.to("/chat").remove("Sec-WebSocket-Version"), 426,
            "Sec-WebSocket-Version 13 required");
        assertEquals("13", response.header("Sec-WebSocket-Version"));
    }

    @Test
    void section4_4_repeatedVersionIsRefused426() {
        refused(HandshakeRequest.to("/chat").add("Sec-WebSocket-Version", "13"), 426,
            "Sec-WebSocket-Version 13 required");
    }

    @Test
    void section4_4_obsoleteDraft76HandshakeIsRefused426WithVersion13() {
        HandshakeRequest draft76 = HandshakeRequest.to("/chat").set("Upgrade", "WebSocket")
            .remove("Sec-WebSocket-Key").remove("Sec-WebSocket-Version")
            .add("Origin", "http://example.com")
            .add("Sec-WebSocket-Key1", "4 @1  46546xW%0l 1 5")
            .add("Sec-WebSocket-Key2", "12998 5 Y3 1  .P00")
            .body("^n:ds[4U");
        RawHttpResponse response = refused(draft76, 426, "Sec-WebSocket-Version 13 required");
        assertEquals("13", response.header("Sec-WebSocket-Version"));
    }

    // The handshake has no body: what follows the head are frames.

    @Test
    void requestWithContentLengthBodyIsRefused() {
        refused(HandshakeRequest.to("/chat").add("Content-Length", "5").body("hello"), 400,
            "handshake request must not have a body");
    }

    @Test
    void requestWithChunkedBodyIsRefused() {
        refused(HandshakeRequest.to("/chat").add("Transfer-Encoding", "chunked").body("5\r\nhello\r\n0\r\n\r\n"),
            400, "handshake request must not have a body");
    }

    @Test
    void requestWithContentLengthZeroIsAccepted() {
        accepted(HandshakeRequest.to("/chat").add("Content-Length", "0"));
    }

    @Test
    void malformedQueryIsRefused() {
        refused(HandshakeRequest.to("/chat?room=%zz"), 400, "malformed request target");
    }

    @Test
    void refusalKeepsTheHttpPipelineAndReleasesWhatFollows() {
        server.send(HandshakeRequest.to("/chat").remove("Sec-WebSocket-Key").toBuf(TestServer.maskedText("hi")));
        assertEquals(400, server.response().status());
        assertFalse(server.channel.isOpen());
        assertNull(server.channel.readInbound(), "the bytes after a refused request are dropped");
    }
}
