package dev.nettyws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.internal.WebSocketAccept;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.testsupport.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's opening handshake, RFC 6455 §4.1: the request it sends and every check of the server's answer. */
class ClientHandshakerTest {
    private static final URI URI_8080 = URI.create("ws://Example.com:8080/chat?room=1&x=%20");

    private EmbeddedChannel channel;
    private ClientHandshaker handshaker;
    private final List<Object> seen = new ArrayList<>();

    /** What the initializer adds: records user events and the text of inbound frames, in order. */
    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            seen.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextFrame) {
                seen.add("text:" + ((TextFrame) msg).text());
            } else if (msg instanceof CloseFrame) {
                seen.add("close:" + ((CloseFrame) msg).statusCode());
            } else {
                seen.add(msg);
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
        }
    }

    @AfterEach
    void tearDown() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** A client around {@code handshake} whose switched pipeline is the frame codec and the connection handler. */
    static WebSocketClientConfig client(ClientHandshakeConfig handshake) {
        return WebSocketClientConfig.builder().handshake(handshake)
            .connection(ConnectionConfig.builder().idleTimeout(Duration.ZERO).writeStallTimeout(Duration.ZERO)
                .maxPendingWriteBytes(0).build())
            .build();
    }

    private void connect(URI uri, ClientHandshakeConfig config) {
        handshaker = new ClientHandshaker(uri, client(config),
            (pipeline, after, handshake) -> pipeline.addAfter(after, "recorder", new Recorder()));
        channel = new EmbeddedChannel(handshaker);
    }

    /** Connects with the defaults and returns the request the handshaker sent. */
    private Request connect() {
        connect(URI_8080, ClientHandshakeConfig.DEFAULT);
        return Request.read(channel);
    }

    private void respond(String head) {
        channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
    }

    private static String accept(Request request) {
        return WebSocketAccept.of(request.headers.get("Sec-WebSocket-Key"));
    }

    private static String ok(Request request, String... extraHeaderLines) {
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept(request) + "\r\n");
        for (String line : extraHeaderLines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private ClientHandshakeException failure() {
        assertTrue(handshaker.handshakeFuture().isDone(), "handshake still pending");
        assertFalse(handshaker.handshakeFuture().isSuccess(), "handshake succeeded");
        assertFalse(channel.isOpen(), "a failed handshake closes the connection");
        return assertInstanceOf(ClientHandshakeException.class, handshaker.handshakeFuture().cause());
    }

    private void assertFailsWith(String response, String messagePart) {
        respond(response);
        ClientHandshakeException e = failure();
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertTrue(e.getMessage().startsWith("WebSocket handshake with " + URI_8080 + " failed: "), e.getMessage());
    }

    private HandshakeCompletedEvent success() {
        assertTrue(handshaker.handshakeFuture().isSuccess(), () -> String.valueOf(handshaker.handshakeFuture()
            .cause()));
        return handshaker.handshakeFuture().getNow();
    }

    // --- The request (§4.1, items 1-12) ---

    @Test
    void section4_1_requestIsGetWithPathAndQueryAndHttp11() {
        Request request = connect();
        assertEquals("GET /chat?room=1&x=%20 HTTP/1.1", request.requestLine);
    }

    @Test
    void section4_1_emptyPathIsSlash() {
        connect(URI.create("ws://example.com"), ClientHandshakeConfig.DEFAULT);
        assertEquals("GET / HTTP/1.1", Request.read(channel).requestLine);
    }

    @Test
    void section4_1_item4_hostHasPortWhenNotDefault() {
        assertEquals("example.com:8080", connect().headers.get("Host"));
    }

    @Test
    void section4_1_item4_hostOmitsDefaultPort() {
        connect(URI.create("ws://example.com:80/"), ClientHandshakeConfig.DEFAULT);
        assertEquals("example.com", Request.read(channel).headers.get("Host"));
        channel.finishAndReleaseAll();
        connect(URI.create("wss://example.com/"), ClientHandshakeConfig.DEFAULT);
        assertEquals("example.com", Request.read(channel).headers.get("Host"));
        channel.finishAndReleaseAll();
        connect(URI.create("wss://example.com:80/"), ClientHandshakeConfig.DEFAULT);
        assertEquals("example.com:80", Request.read(channel).headers.get("Host"));
    }

    @Test
    void section4_1_item4_ipv6HostKeepsBrackets() {
        connect(URI.create("ws://[::1]:9000/"), ClientHandshakeConfig.DEFAULT);
        assertEquals("[::1]:9000", Request.read(channel).headers.get("Host"));
    }

    @Test
    void section4_1_items5And6_upgradeAndConnection() {
        Request request = connect();
        assertEquals(List.of("websocket"), request.headers.getAll("Upgrade"));
        assertEquals(List.of("Upgrade"), request.headers.getAll("Connection"));
    }

    @Test
    void section4_1_item7_keyIsBase64Of16Bytes() {
        String key = connect().headers.get("Sec-WebSocket-Key");
        assertEquals(16, Base64.getDecoder().decode(key).length);
        assertEquals(24, key.length());
    }

    @Test
    void section4_1_item7_keyIsFreshForEveryConnection() {
        String first = connect().headers.get("Sec-WebSocket-Key");
        channel.finishAndReleaseAll();
        String second = connect().headers.get("Sec-WebSocket-Key");
        assertNotEquals(first, second);
    }

    @Test
    void section4_1_item9_version13() {
        assertEquals(List.of("13"), connect().headers.getAll("Sec-WebSocket-Version"));
    }

    @Test
    void section4_1_noOptionalHeadersByDefault() {
        Request request = connect();
        assertNull(request.headers.get("Origin"));
        assertNull(request.headers.get("Sec-WebSocket-Protocol"));
        assertNull(request.headers.get("Sec-WebSocket-Extensions"));
        assertEquals("", request.body);
    }

    @Test
    void section4_1_items8To12_originSubprotocolsExtensionsAndExtraHeaders() {
        connect(URI_8080, ClientHandshakeConfig.builder().origin("https://example.com").subprotocols("chat.v2", "chat")
            .extensions("permessage-deflate; client_max_window_bits", "x-test").header("Cookie", "a=b")
            .header("Authorization", "Bearer t").build());
        Request request = Request.read(channel);
        assertEquals("https://example.com", request.headers.get("Origin"));
        assertEquals("chat.v2, chat", request.headers.get("Sec-WebSocket-Protocol"));
        assertEquals("permessage-deflate; client_max_window_bits, x-test",
            request.headers.get("Sec-WebSocket-Extensions"));
        assertEquals("a=b", request.headers.get("Cookie"));
        assertEquals("Bearer t", request.headers.get("Authorization"));
    }

    // --- Configuration and URI checks ---

    @Test
    void section3_uriWithFragmentIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ClientHandshaker.checkUri(URI.create("ws://example.com/#frag")));
        assertTrue(e.getMessage().contains("fragment"), e.getMessage());
    }

    @Test
    void section3_onlyWsAndWssSchemes() {
        assertThrows(IllegalArgumentException.class, () -> ClientHandshaker.checkUri(URI.create("http://h/")));
        assertThrows(IllegalArgumentException.class, () -> ClientHandshaker.checkUri(URI.create("/relative")));
        ClientHandshaker.checkUri(URI.create("WSS://h/"));
        assertEquals(443, ClientHandshaker.port(URI.create("wss://h/")));
        assertEquals(80, ClientHandshaker.port(URI.create("ws://h/")));
        assertEquals(1234, ClientHandshaker.port(URI.create("ws://h:1234/")));
    }

    @Test
    void serverRoleIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> WebSocketClientConfig.builder()
            .frames(FrameConfig.SERVER_DEFAULT).build());
    }

    @Test
    void section4_1_item10_subprotocolsMustBeUniqueTokens() {
        assertThrows(IllegalArgumentException.class, () -> ClientHandshakeConfig.builder().subprotocols("a b")
            .build());
        assertThrows(IllegalArgumentException.class, () -> ClientHandshakeConfig.builder().subprotocols("a", "a")
            .build());
        assertThrows(IllegalArgumentException.class, () -> ClientHandshakeConfig.builder().subprotocols("")
            .build());
    }

    @Test
    void section9_1_extensionOffersMustBeOneElementEach() {
        assertThrows(IllegalArgumentException.class, () -> ClientHandshakeConfig.builder().extensions("a, b")
            .build());
        assertThrows(IllegalArgumentException.class, () -> ClientHandshakeConfig.builder().extensions("a; =1")
            .build());
        assertThrows(IllegalArgumentException.class, () -> ClientHandshakeConfig.builder().extensions("a\r\nX: y")
            .build());
        ClientHandshakeConfig.builder().extensions("permessage-deflate; client_max_window_bits").build();
    }

    @Test
    void extraHeadersMayNotOverrideHandshakeHeaders() {
        for (String name : List.of("Host", "upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientHandshakeConfig.builder().header(name, "x").build(), name);
            assertTrue(e.getMessage().contains("written by the handshake"), e.getMessage());
        }
    }

    @Test
    void timeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> ClientHandshakeConfig.builder()
            .handshakeTimeout(Duration.ZERO).build());
        assertEquals(Duration.ofSeconds(10), ClientHandshakeConfig.DEFAULT.handshakeTimeout());
    }

    // --- A valid answer and the switch ---

    @Test
    void section4_1_validResponseSwitchesThePipeline() {
        Request request = connect();
        respond(ok(request));
        HandshakeCompletedEvent event = success();
        assertNull(event.subprotocol());
        assertNull(event.extensions());
        assertEquals("/chat?room=1&x=%20", event.uri(), "the request target sent");
        assertEquals("/chat", event.path());
        assertEquals(" ", event.queryParameter("x"));
        assertEquals("example.com:8080", event.request().authority());
        assertEquals(request.headers.get("Sec-WebSocket-Key"), event.requestHeaders().get("Sec-WebSocket-Key"));
        assertEquals("/chat", WebSocketSession.of(channel).path(), "as on a server, the session has the path");
        assertTrue(channel.isOpen());
        assertNull(channel.pipeline().get(HttpClientCodec.class), "HTTP codec removed");
        assertNull(channel.pipeline().get(ClientHandshaker.class), "handshaker removed");
        assertInstanceOf(FrameEncoder.class, channel.pipeline().get(HandlerNames.ENCODER));
        assertInstanceOf(FrameDecoder.class, channel.pipeline().get(HandlerNames.DECODER));
        assertEquals(List.of(HandlerNames.ENCODER, HandlerNames.DECODER, HandlerNames.CONNECTION, "recorder"),
            channel.pipeline().names().subList(0, 4));
        assertEquals(List.of(event), seen, "the initializer's handlers see the event");
    }

    @Test
    void section4_1_headerNamesAndTokensAreCaseInsensitive() {
        Request request = connect();
        respond("HTTP/1.1 101 Switching Protocols\r\nUPGRADE: WebSocket\r\nconnection: keep-alive, UPGRADE\r\n"
            + "sec-websocket-accept: " + accept(request) + "\r\n\r\n");
        success();
    }

    @Test
    void section4_1_item3_connectionTokenInSecondHeaderLine() {
        Request request = connect();
        respond("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(request) + "\r\n\r\n");
        success();
    }

    @Test
    void section5_1_afterTheSwitchEveryFrameIsMasked() {
        respond(ok(connect()));
        success();
        channel.writeOutbound(new TextFrame("Hello"));
        ByteBuf out = channel.readOutbound();
        assertEquals(0x81, out.getUnsignedByte(0));
        assertEquals(0x80 | 5, out.getUnsignedByte(1), "MASK bit set, length 5");
        out.release();
    }

    @Test
    void section5_1_maskedFrameFromServerFailsTheConnection() {
        respond(ok(connect()));
        success();
        channel.writeInbound(Hex.buf("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
        WebSocketClosedEvent closed = assertInstanceOf(WebSocketClosedEvent.class, seen.get(1));
        assertEquals(CloseStatus.PROTOCOL_ERROR, closed.statusCode());
        assertEquals("masked frame from server", closed.reason());
        assertFalse(channel.isOpen());
    }

    @Test
    void framesInTheSameReadAsThe101AreDecodedAfterTheEvent() {
        Request request = connect();
        ByteBuf bytes = Unpooled.buffer();
        bytes.writeCharSequence(ok(request), StandardCharsets.ISO_8859_1);
        bytes.writeBytes(Hex.bytes("81 05 48 65 6c 6c 6f")); // "Hello", unmasked
        bytes.writeBytes(Hex.bytes("81 02 68 69 88 02 03 e8")); // "hi", then close 1000
        channel.writeInbound(bytes);
        HandshakeCompletedEvent event = success();
        assertEquals(event, seen.get(0));
        assertEquals("text:Hello", seen.get(1));
        assertEquals("text:hi", seen.get(2));
        assertEquals(3, seen.size(), "the close frame is the connection handler's: it answers, and waits for TCP");
        ByteBuf answer = channel.readOutbound();
        assertEquals(0x88, answer.getUnsignedByte(0), "a close frame answers the server's");
        answer.release();
    }

    @Test
    void frameSplitBetweenThe101ReadAndTheNextRead() {
        Request request = connect();
        ByteBuf first = Unpooled.buffer();
        first.writeCharSequence(ok(request), StandardCharsets.ISO_8859_1);
        first.writeBytes(Hex.bytes("81 05 48 65"));
        channel.writeInbound(first);
        success();
        channel.writeInbound(Hex.buf("6c 6c 6f"));
        assertEquals("text:Hello", seen.get(1));
    }

    @Test
    void responseSplitAcrossReads() {
        Request request = connect();
        String response = ok(request);
        respond(response.substring(0, 20));
        assertFalse(handshaker.handshakeFuture().isDone());
        respond(response.substring(20));
        success();
    }

    @Test
    void section4_1_item1_interimResponsesBeforeThe101AreSkipped() {
        Request request = connect();
        respond("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
        assertFalse(handshaker.handshakeFuture().isDone());
        respond(ok(request));
        success();
    }

    @Test
    void section4_1_item6_offeredSubprotocolIsReported() {
        connect(URI_8080, ClientHandshakeConfig.builder().subprotocols("a", "b").build());
        respond(ok(Request.read(channel), "Sec-WebSocket-Protocol: b"));
        assertEquals("b", success().subprotocol());
    }

    @Test
    void section4_1_item6_serverMayDeclineEverySubprotocol() {
        connect(URI_8080, ClientHandshakeConfig.builder().subprotocols("a").build());
        respond(ok(Request.read(channel)));
        assertNull(success().subprotocol());
    }

    @Test
    void section4_1_item5_offeredExtensionIsReportedWithParameters() {
        connect(URI_8080, ClientHandshakeConfig.builder().extensions("permessage-deflate; client_max_window_bits")
            .build());
        respond(ok(Request.read(channel), "Sec-WebSocket-Extensions: Permessage-Deflate; server_no_context_takeover"));
        assertEquals("Permessage-Deflate; server_no_context_takeover", success().extensions());
    }

    @Test
    void compressionAppendsTheDeflateOfferAfterTheHandshakesOwnOffers() {
        handshaker = new ClientHandshaker(URI_8080, client(ClientHandshakeConfig.builder().extensions("x-foo")
            .build()).toBuilder().deflate(true).build(), (p, a, h) -> { });
        channel = new EmbeddedChannel(handshaker);
        assertEquals("x-foo, permessage-deflate; client_max_window_bits",
            Request.read(channel).headers.get("Sec-WebSocket-Extensions"));
    }

    @Test
    void rfc7692_section7_aDeflateResponseTheClientCannotHonourFailsTheHandshake() {
        // §7.1.2.2: a response's client_max_window_bits needs a value.
        handshaker = new ClientHandshaker(URI_8080, client(ClientHandshakeConfig.DEFAULT).toBuilder().deflate(true)
            .build(), (p, a, h) -> { });
        channel = new EmbeddedChannel(handshaker);
        respond(ok(Request.read(channel), "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"));
        assertTrue(failure().getMessage().contains("client_max_window_bits needs a value"), failure().getMessage());
        assertFalse(channel.isOpen());
    }

    @Test
    void acceptedDeflateInstallsItsHandlersBeforeTheApplications() {
        handshaker = new ClientHandshaker(URI_8080, client(ClientHandshakeConfig.DEFAULT).toBuilder().deflate(true)
            .build(), (pipeline, after, handshake) -> pipeline.addAfter(after, "recorder", new Recorder()));
        channel = new EmbeddedChannel(handshaker);
        respond(ok(Request.read(channel), "Sec-WebSocket-Extensions: permessage-deflate"));
        assertEquals("permessage-deflate", success().extensions());
        assertEquals(List.of(HandlerNames.ENCODER, HandlerNames.DECODER, HandlerNames.INFLATER, HandlerNames.DEFLATER,
            HandlerNames.CONNECTION, "recorder"), channel.pipeline().names().subList(0, 6));
    }

    @Test
    void responseHeadersAreReported() {
        respond(ok(connect(), "Set-Cookie: s=1"));
        assertEquals("s=1", success().responseHeaders().get("Set-Cookie"));
    }

    // --- Failures (§4.1: the client MUST Fail the WebSocket Connection) ---

    @Test
    void section4_1_item1_non101FailsWithStatusAndReason() {
        connect();
        respond("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nno route!");
        ClientHandshakeException e = failure();
        assertTrue(e.getMessage().contains("404 Not Found"), e.getMessage());
        assertEquals(404, e.status());
    }

    @Test
    void section4_1_item1_200FailsToo() {
        connect();
        respond("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertTrue(failure().getMessage().contains("200 OK instead of 101"), failure().getMessage());
    }

    @Test
    void section4_1_item1_customReasonPhraseIsReported() {
        connect();
        respond("HTTP/1.1 403 Origin not allowed\r\nConnection: close\r\n\r\n");
        assertTrue(failure().getMessage().contains("403 Origin not allowed"), failure().getMessage());
    }

    @Test
    void section4_1_item2_missingUpgradeFails() {
        Request request = connect();
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
            + accept(request) + "\r\n\r\n", "no Upgrade header");
        assertEquals(101, failure().status());
    }

    @Test
    void section4_1_item2_wrongUpgradeFails() {
        Request request = connect();
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + accept(request) + "\r\n\r\n", "Upgrade header is \"h2c\"");
    }

    @Test
    void section4_1_item2_upgradeListingAnotherProtocolFails() {
        Request request = connect();
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket, h2c\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + accept(request) + "\r\n\r\n", "not \"websocket\"");
    }

    @Test
    void section4_1_item3_missingConnectionFails() {
        Request request = connect();
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "
            + accept(request) + "\r\n\r\n", "no Connection header");
    }

    @Test
    void section4_1_item3_connectionWithoutUpgradeTokenFails() {
        Request request = connect();
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: keep-alive, upgraded"
            + "\r\nSec-WebSocket-Accept: " + accept(request) + "\r\n\r\n", "lacks the token \"Upgrade\"");
    }

    @Test
    void section4_1_item4_missingAcceptFails() {
        connect();
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
            "no Sec-WebSocket-Accept");
    }

    @Test
    void section4_1_item4_wrongAcceptFails() {
        Request request = connect();
        String expected = accept(request);
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n", "expected \"" + expected + '"');
    }

    @Test
    void section4_1_item4_acceptComputedFromTheDecodedKeyFails() throws Exception {
        // A server that hashes the decoded 16-byte nonce instead of the key string (§4.1: "not base64-decoded").
        Request request = connect();
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(Base64.getDecoder().decode(request.headers.get("Sec-WebSocket-Key")));
        String wrong = Base64.getEncoder().encodeToString(sha1.digest(WebSocketAccept.GUID.getBytes(
            StandardCharsets.US_ASCII)));
        assertFailsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + wrong + "\r\n\r\n", "Sec-WebSocket-Accept is");
    }

    @Test
    void section4_1_item4_twoAcceptHeadersFail() {
        Request request = connect();
        assertFailsWith(ok(request, "Sec-WebSocket-Accept: " + accept(request)), "Sec-WebSocket-Accept is");
    }

    @Test
    void section4_1_item6_unofferedSubprotocolFails() {
        connect(URI_8080, ClientHandshakeConfig.builder().subprotocols("chat").build());
        assertFailsWith(ok(Request.read(channel), "Sec-WebSocket-Protocol: superchat"),
            "selected subprotocol \"superchat\", which was not offered");
    }

    @Test
    void section4_1_item6_subprotocolWhenNoneOfferedFails() {
        assertFailsWith(ok(connect(), "Sec-WebSocket-Protocol: chat"), "which was not offered");
    }

    @Test
    void section4_1_item6_subprotocolsCompareExactly() {
        connect(URI_8080, ClientHandshakeConfig.builder().subprotocols("chat").build());
        assertFailsWith(ok(Request.read(channel), "Sec-WebSocket-Protocol: Chat"), "which was not offered");
    }

    @Test
    void section4_1_item6_twoSubprotocolsFail() {
        connect(URI_8080, ClientHandshakeConfig.builder().subprotocols("a", "b").build());
        assertFailsWith(ok(Request.read(channel), "Sec-WebSocket-Protocol: a", "Sec-WebSocket-Protocol: b"),
            "more than one subprotocol");
    }

    @Test
    void section4_1_item5_unofferedExtensionFails() {
        assertFailsWith(ok(connect(), "Sec-WebSocket-Extensions: permessage-deflate"),
            "accepted extension \"permessage-deflate\", which was not offered");
    }

    @Test
    void section4_1_item5_secondExtensionNotOfferedFails() {
        connect(URI_8080, ClientHandshakeConfig.builder().extensions("x-a").build());
        assertFailsWith(ok(Request.read(channel), "Sec-WebSocket-Extensions: x-a; p=\"12\", x-b"),
            "accepted extension \"x-b\"");
    }

    @Test
    void section4_1_item5_malformedExtensionsFail() {
        connect(URI_8080, ClientHandshakeConfig.builder().extensions("x-a").build());
        assertFailsWith(ok(Request.read(channel), "Sec-WebSocket-Extensions: x-a; p=\"1"), "malformed");
    }

    @Test
    void invalidHttpFails() {
        connect();
        assertFailsWith("SSH-2.0-OpenSSH_9.2\r\n\r\n", "failed: ");
    }

    @Test
    void connectionClosedBeforeTheResponseFails() {
        connect();
        channel.close();
        assertTrue(failure().getMessage().contains("closed before the handshake completed"));
        assertEquals(-1, failure().status());
    }

    @Test
    void bytesAfterAFailedResponseAreReleased() {
        connect();
        ByteBuf bytes = Unpooled.buffer();
        bytes.writeCharSequence("HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\nbody", StandardCharsets.US_ASCII);
        bytes.writeBytes(Hex.bytes("81 05 48 65 6c 6c 6f"));
        channel.writeInbound(bytes);
        failure();
        assertEquals(0, bytes.refCnt());
        assertTrue(seen.isEmpty());
    }

    @Test
    void handshakeTimesOut() {
        handshaker = new ClientHandshaker(URI_8080, client(ClientHandshakeConfig.builder()
            .handshakeTimeout(Duration.ofSeconds(3)).build()), (p, a, h) -> { });
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(handshaker);
        Request.read(channel);
        channel.advanceTimeBy(2999, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(handshaker.handshakeFuture().isDone(), () -> String.valueOf(handshaker.handshakeFuture().cause()));
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(failure().getMessage().contains("no valid response within 3000 ms (timeout)"),
            failure().getMessage());
    }

    @Test
    void timeoutIsCancelledBySuccess() {
        respond(ok(connect()));
        success();
        channel.advanceTimeBy(1, TimeUnit.HOURS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        assertTrue(handshaker.handshakeFuture().isSuccess());
    }

    @Test
    void initializerFailureFailsTheHandshake() {
        handshaker = new ClientHandshaker(URI_8080, client(ClientHandshakeConfig.DEFAULT),
            (p, a, h) -> {
                throw new IllegalStateException("boom");
            });
        channel = new EmbeddedChannel(handshaker);
        respond(ok(Request.read(channel)));
        ClientHandshakeException e = failure();
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void handshakeFutureNeedsAPipeline() {
        ClientHandshaker unattached = new ClientHandshaker(URI_8080, WebSocketClientConfig.DEFAULT,
            (p, a, h) -> { });
        assertThrows(IllegalStateException.class, unattached::handshakeFuture);
    }

    /** The request as written on the wire, parsed leniently for assertions. */
    private static final class Request {
        final String requestLine;
        final HttpHeaders headers = new DefaultHttpHeaders();
        final String body;

        private Request(String raw) {
            int end = raw.indexOf("\r\n\r\n");
            assertTrue(end > 0, "no complete request head in: " + raw);
            String[] lines = raw.substring(0, end).split("\r\n");
            requestLine = lines[0];
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
            }
            body = raw.substring(end + 4);
        }

        /** Reads and releases everything the channel wrote. */
        static Request read(EmbeddedChannel channel) {
            StringBuilder raw = new StringBuilder();
            for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                raw.append(out.toString(StandardCharsets.ISO_8859_1));
                out.release();
            }
            assertNotNull(raw.length() > 0 ? raw : null, "nothing written");
            return new Request(raw.toString());
        }
    }
}
