package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nettyws.frame.Frame;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.HandshakeInterceptor;
import dev.nettyws.handshake.HandshakeRejection;
import dev.nettyws.handshake.OriginPolicy;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.Hex;
import dev.nettyws.testsupport.RawHttpResponse;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the server decides beyond the protocol rules (RFC 6455 §4.2.2 item 4 and 5.4-5.6): the origin it accepts
 * (§10.2), the subprotocol (§1.9), the extensions (§9.1), and the application's own verdict (authentication).
 */
class NegotiationTest {
    private TestServer server;

    @AfterEach
    void releaseEverything() {
        server.channel.finishAndReleaseAll();
    }

    private RawHttpResponse handshake(ServerHandshakeConfig.Builder config, HandshakeRequest request) {
        return handshake(config, ServerExtensionNegotiator.NONE, request);
    }

    private RawHttpResponse handshake(ServerHandshakeConfig.Builder config, ServerExtensionNegotiator extension,
            HandshakeRequest request) {
        server = new TestServer(config.path("/chat").build(), extension);
        server.send(request.toBuf());
        return server.response();
    }

    private static ServerHandshakeConfig.Builder config() {
        return ServerHandshakeConfig.builder();
    }

    private void assertRefused(RawHttpResponse response, int status, String reason) {
        assertEquals(status, response.status());
        assertEquals(reason, response.body());
        assertFalse(server.channel.isOpen());
        assertNull(server.initialized);
    }

    // Origin (§4.2.2 item 4: "If the server does not validate the origin, it ... MUST NOT accept"; §10.2)

    @Test
    void section10_2_listedOriginIsAccepted() {
        RawHttpResponse response = handshake(config().originPolicy(OriginPolicy.allowList(
            List.of("https://chat.example.com"))), HandshakeRequest.to("/chat").add("Origin", "https://chat.example.com"));
        assertEquals(101, response.status());
    }

    @Test
    void section10_2_unlistedOriginIsRefused403() {
        RawHttpResponse response = handshake(config().originPolicy(OriginPolicy.allowList(
            List.of("https://chat.example.com"))), HandshakeRequest.to("/chat").add("Origin", "https://evil.example"));
        assertRefused(response, 403, "origin not allowed");
    }

    @Test
    void missingOriginIsAcceptedByDefault() {
        RawHttpResponse response = handshake(config().originPolicy((origin, self) -> false),
            HandshakeRequest.to("/chat"));
        assertEquals(101, response.status(), "the policy is not asked without an Origin");
    }

    @Test
    void missingOriginIsRefused403WhenRequired() {
        RawHttpResponse response = handshake(config().allowMissingOrigin(false), HandshakeRequest.to("/chat"));
        assertRefused(response, 403, "missing Origin header");
    }

    @Test
    void repeatedOriginIsRefused() {
        RawHttpResponse response = handshake(config(), HandshakeRequest.to("/chat").add("Origin", "https://a.example")
            .add("Origin", "https://b.example"));
        assertRefused(response, 400, "multiple Origin headers");
    }

    // Subprotocol (§4.2.2 item 5.4: the server selects one of the values the client sent, or none)

    @Test
    void section4_2_2_subprotocolIsChosenInTheServersOrder() {
        RawHttpResponse response = handshake(config().subprotocols("chat.v2", "chat.v1"),
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Protocol", "chat.v1, chat.v2"));
        assertEquals(101, response.status());
        assertEquals("chat.v2", response.header("Sec-WebSocket-Protocol"));
        assertEquals("chat.v2", server.app.event.subprotocol());
        assertEquals("chat.v2", server.initialized.subprotocol());
    }

    @Test
    void section4_2_2_subprotocolOfferedInSeveralHeadersIsFound() {
        RawHttpResponse response = handshake(config().subprotocols("mqtt"),
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Protocol", "soap").add("Sec-WebSocket-Protocol",
                "wamp ,mqtt"));
        assertEquals("mqtt", response.header("Sec-WebSocket-Protocol"));
    }

    @Test
    void section4_2_2_noCommonSubprotocolProceedsWithoutOne() {
        RawHttpResponse response = handshake(config().subprotocols("chat.v2"),
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Protocol", "chat.v1"));
        assertEquals(101, response.status());
        assertFalse(response.headers().contains("Sec-WebSocket-Protocol"));
        assertNull(server.app.event.subprotocol());
    }

    @Test
    void section4_2_2_noCommonSubprotocolIsRefusedWhenRequired() {
        RawHttpResponse response = handshake(config().subprotocols("chat.v2").requireSubprotocol(true),
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Protocol", "chat.v1"));
        assertRefused(response, 400, "no supported subprotocol offered");
    }

    @Test
    void section4_2_2_noOfferIsRefusedWhenRequired() {
        RawHttpResponse response = handshake(config().subprotocols("chat.v2").requireSubprotocol(true),
            HandshakeRequest.to("/chat"));
        assertRefused(response, 400, "no supported subprotocol offered");
    }

    @Test
    void section4_1_serverWithoutSubprotocolsNeverSendsOne() {
        RawHttpResponse response = handshake(config(), HandshakeRequest.to("/chat").add("Sec-WebSocket-Protocol",
            "chat"));
        assertEquals(101, response.status());
        assertFalse(response.headers().contains("Sec-WebSocket-Protocol"));
    }

    @Test
    void subprotocolsAreCaseSensitive() {
        RawHttpResponse response = handshake(config().subprotocols("Chat"),
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Protocol", "chat"));
        assertFalse(response.headers().contains("Sec-WebSocket-Protocol"));
    }

    // Interceptor: the application's verdict

    @Test
    void interceptorRefusalIsSentWithItsStatusAndHeaders() {
        HandshakeInterceptor auth = (request, channel) -> request.headers().contains("Cookie") ? null
            : HandshakeRejection.of(HttpResponseStatus.UNAUTHORIZED, "login first")
                .withHeader("WWW-Authenticate", "Bearer");
        RawHttpResponse response = handshake(config().interceptor(auth), HandshakeRequest.to("/chat"));
        assertRefused(response, 401, "login first");
        assertEquals("Bearer", response.header("WWW-Authenticate"));
        assertEquals("close", response.header("Connection"));
    }

    @Test
    void interceptorAcceptanceUpgradesAndCanLeaveAttributesForTheHandlers() {
        AttributeKey<String> user = AttributeKey.valueOf(NegotiationTest.class, "user");
        HandshakeInterceptor auth = (request, channel) -> {
            channel.attr(user).set(request.headers().get("Cookie"));
            return null;
        };
        RawHttpResponse response = handshake(config().interceptor(auth), HandshakeRequest.to("/chat")
            .add("Cookie", "session=42"));
        assertEquals(101, response.status());
        assertEquals("session=42", server.channel.attr(user).get());
    }

    @Test
    void interceptorThatThrowsRefuses500WithoutDetails() {
        HandshakeInterceptor broken = (request, channel) -> {
            throw new IllegalStateException("database down: secret");
        };
        RawHttpResponse response = handshake(config().interceptor(broken), HandshakeRequest.to("/chat"));
        assertRefused(response, 500, "handshake failed");
    }

    @Test
    void interceptorIsNotAskedAboutInvalidHandshakes() {
        AtomicInteger calls = new AtomicInteger();
        HandshakeInterceptor counting = (request, channel) -> {
            calls.incrementAndGet();
            return null;
        };
        handshake(config().interceptor(counting), HandshakeRequest.to("/chat").remove("Sec-WebSocket-Key"));
        assertEquals(0, calls.get());
        server.channel.finishAndReleaseAll();
        handshake(config().interceptor(counting).originPolicy((origin, self) -> false), HandshakeRequest.to("/chat")
            .add("Origin", "https://x.example"));
        assertEquals(0, calls.get());
    }

    @Test
    void interceptorSeesTheRequestAndChannel() {
        List<Object> seen = new ArrayList<>();
        HandshakeInterceptor recording = (request, channel) -> {
            seen.add(request.target());
            seen.add(channel);
            return null;
        };
        handshake(config().interceptor(recording), HandshakeRequest.to("/chat?token=abc"));
        assertEquals("/chat?token=abc", seen.get(0));
        assertSame(server.channel, seen.get(1));
    }

    @Test
    void rejectionMustBeAnErrorOrRedirect() {
        server = TestServer.at("/chat");
        assertThrows(IllegalArgumentException.class, () -> HandshakeRejection.of(HttpResponseStatus.OK, "ok"));
        assertThrows(IllegalArgumentException.class,
            () -> HandshakeRejection.of(HttpResponseStatus.SWITCHING_PROTOCOLS, ""));
        HandshakeRejection redirect = HandshakeRejection.of(HttpResponseStatus.FOUND, "login");
        HandshakeRejection located = redirect.withHeader("Location", "/login");
        assertFalse(redirect.headers().contains("Location"), "withHeader returns a copy");
        assertEquals("/login", located.headers().get("Location"));
    }

    // Extensions (§9.1)

    /** Accepts "x-test" with RSV1 and installs a pass-through handler named "x-test" after the decoder. */
    private static final class TestExtension implements ServerExtensionNegotiator {
        final List<List<ExtensionOffer>> offered = new ArrayList<>();
        String answer = "x-test; p=1";
        String installed = "x-test-out";

        @Override
        public Negotiated negotiate(List<ExtensionOffer> offers) {
            offered.add(offers);
            for (ExtensionOffer offer : offers) {
                if (offer.name().equals("x-test")) {
                    return new Negotiated() {
                        @Override
                        public String responseHeaderValue() {
                            return answer;
                        }

                        @Override
                        public int rsvBits() {
                            return Frame.RSV1;
                        }

                        @Override
                        public String install(ChannelPipeline pipeline, String encoderName, String decoderName) {
                            pipeline.addAfter(decoderName, "x-test-in", new ChannelInboundHandlerAdapter());
                            pipeline.addAfter("x-test-in", "x-test-out", new ChannelOutboundHandlerAdapter());
                            return installed;
                        }
                    };
                }
            }
            return null;
        }
    }

    @Test
    void section9_1_acceptedExtensionIsAnsweredInstalledAndAllowedItsRsvBit() {
        TestExtension extension = new TestExtension();
        server = new TestServer(config().path("/chat").build(), extension);
        // A text frame with RSV1 set: allowed only because the extension claimed RSV1.
        byte[] rsv1Frame = Hex.bytes("c1 85 37 fa 21 3d 7f 9f 4d 51 58");
        server.send(HandshakeRequest.to("/chat").add("Sec-WebSocket-Extensions", "x-other, x-test; q")
            .toBuf(rsv1Frame));
        RawHttpResponse response = server.response();
        assertEquals(101, response.status());
        assertEquals("x-test; p=1", response.header("Sec-WebSocket-Extensions"));
        assertEquals(List.of(List.of(new ExtensionOffer("x-other", Map.of()),
            ExtensionOffer.parse(List.of("x-test; q")).get(0))), extension.offered);
        assertEquals(List.of("ws-encoder", "ws-decoder", "x-test-in", "x-test-out", "ws-connection", "app", "pages"),
            server.names());
        assertEquals("ws-connection", server.initializedAfter);
        assertEquals("x-test; p=1", server.app.event.extensions());
        TextFrame frame = assertInstanceOf(TextFrame.class, server.channel.readInbound());
        assertEquals(Frame.RSV1, frame.rsv());
        frame.release();
    }

    @Test
    void section9_1_declinedOffersGiveNoExtensionsHeaderAndNoRsvBits() {
        TestExtension extension = new TestExtension();
        server = new TestServer(config().path("/chat").build(), extension);
        server.send(HandshakeRequest.to("/chat").add("Sec-WebSocket-Extensions", "x-other").toBuf());
        RawHttpResponse response = server.response();
        assertEquals(101, response.status());
        assertFalse(response.headers().contains("Sec-WebSocket-Extensions"));
        assertNull(server.app.event.extensions());
        assertEquals(List.of("ws-encoder", "ws-decoder", "ws-connection", "app", "pages"), server.names());
    }

    @Test
    void negotiatorIsNotAskedWithoutOffers() {
        TestExtension extension = new TestExtension();
        handshake(config(), extension, HandshakeRequest.to("/chat"));
        assertEquals(List.of(), extension.offered);
    }

    @Test
    void section9_1_malformedExtensionsHeaderIsRefused() {
        RawHttpResponse response = handshake(config(), new TestExtension(),
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Extensions", "x-test; ="));
        assertRefused(response, 400, "malformed Sec-WebSocket-Extensions");
    }

    @Test
    void withoutANegotiatorExtensionOffersAreIgnored() {
        RawHttpResponse response = handshake(config(), HandshakeRequest.to("/chat")
            .add("Sec-WebSocket-Extensions", "permessage-deflate; ; garbage"));
        assertEquals(101, response.status());
        assertFalse(response.headers().contains("Sec-WebSocket-Extensions"));
    }

    @Test
    void section9_1_acceptingAnExtensionThatWasNotOfferedIsAServerError() {
        TestExtension extension = new TestExtension();
        extension.answer = "x-sneaky";
        RawHttpResponse response = handshake(config(), extension,
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Extensions", "x-test"));
        assertRefused(response, 500, "handshake failed");
    }

    @Test
    void extensionInstallThatNamesNoHandlerIsAServerError() {
        TestExtension extension = new TestExtension();
        extension.installed = "missing";
        RawHttpResponse response = handshake(config(), extension,
            HandshakeRequest.to("/chat").add("Sec-WebSocket-Extensions", "x-test"));
        assertRefused(response, 500, "handshake failed");
    }

    // What the application learns

    @Test
    void handshakeEventCarriesTheRequest() {
        server = new TestServer(config().path("/chat").matchPrefix(true).subprotocols("v1").build());
        server.send(HandshakeRequest.to("/chat/room%201?user=ann&tag=a&tag=b").add("Sec-WebSocket-Protocol", "v1")
            .add("Cookie", "session=42").toBuf());
        assertEquals(101, server.response().status());
        HandshakeCompletedEvent event = server.app.event;
        assertSame(server.initialized, event, "the initializer and the handlers see the same event");
        assertEquals("/chat/room%201?user=ann&tag=a&tag=b", event.uri());
        assertEquals("/chat/room 1", event.path());
        assertEquals("ann", event.queryParameter("user"));
        assertEquals(List.of("a", "b"), event.queryParameters().get("tag"));
        assertNull(event.queryParameter("none"));
        assertEquals("session=42", event.requestHeaders().get("cookie"));
        assertEquals("v1", event.subprotocol());
        assertNull(event.extensions());
        assertThrows(UnsupportedOperationException.class, () -> event.queryParameters().put("x", List.of()));
    }
}
