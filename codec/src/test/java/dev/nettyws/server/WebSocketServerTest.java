package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Opcode;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.protocol.HandlerNames;
import dev.nettyws.protocol.WebSocketClosedEvent;
import dev.nettyws.protocol.WebSocketSession;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.RawHttpResponse;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketServer#install} and {@link WebSocketServerInitializer} on an {@link EmbeddedChannel}: where the
 * handlers go, what the pipeline becomes after the upgrade (RFC 6455 §4.2.2), and that requests for other paths
 * still reach the application's HTTP handlers.
 */
class WebSocketServerTest {
    private static final WebSocketServerConfig ECHO = WebSocketServerConfig.builder().path("/echo").build();
    private static final int MASK = 0x37fa213d;

    private final List<Object> received = new ArrayList<>();
    private EmbeddedChannel channel;

    @AfterEach
    void releaseEverything() {
        received.forEach(ReferenceCountUtil::release);
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** The application's WebSocket handler: keeps every message and event (released after the test). */
    private final class Recorder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.add(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            received.add(evt);
        }
    }

    /** The application's HTTP handler, after the codec: keeps what reaches it. */
    private final class Pages extends ChannelInboundHandlerAdapter {
        final List<Object> requests = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            requests.add(msg);
            received.add(msg);
        }
    }

    private Pages installIntoHttpPipeline(WebSocketServerConfig config) {
        channel = new EmbeddedChannel();
        Pages pages = new Pages();
        channel.pipeline().addLast("codec", new HttpServerCodec()).addLast("pages", pages);
        WebSocketServer.install(channel.pipeline(), config, Recorder::new);
        return pages;
    }

    private void upgrade() {
        channel.writeInbound(HandshakeRequest.to("/echo").toBuf());
        RawHttpResponse response = RawHttpResponse.read(channel);
        assertEquals(101, response.status(), response.head());
        assertEquals(HandshakeRequest.ACCEPT, response.header("Sec-WebSocket-Accept"));
    }

    private List<WireFrame> written() {
        List<WireFrame> frames = new ArrayList<>();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null;) {
            try {
                frames.addAll(WireFrame.readAll(buf));
            } finally {
                buf.release();
            }
        }
        return frames;
    }

    private static ByteBuf maskedText(String text, boolean fin) {
        return FrameBytes.text(text).fin(fin).mask(MASK).buf();
    }

    @Test
    void installPutsTheBackpressureHandlerAndTheUpgradeHandlerRightAfterTheHttpServerCodec() {
        installIntoHttpPipeline(ECHO);
        assertEquals(List.of("codec", HandlerNames.HTTP_BACKPRESSURE, HandlerNames.UPGRADE, "pages"),
            names());
        assertEquals(ECHO.writeBufferWaterMark(), channel.config().getWriteBufferWaterMark());
    }

    @Test
    void installAfterTheLaterOfASeparateRequestDecoderAndResponseEncoder() {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast("encoder", new HttpResponseEncoder()).addLast("decoder", new HttpRequestDecoder());
        WebSocketServer.install(channel.pipeline(), ECHO, Recorder::new);
        assertEquals(List.of("encoder", "decoder", HandlerNames.HTTP_BACKPRESSURE, HandlerNames.UPGRADE),
            names());
    }

    @Test
    void installWithoutHttpServerCodecFailsClearly() {
        channel = new EmbeddedChannel();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WebSocketServer.install(channel.pipeline(), ECHO, Recorder::new));
        assertTrue(e.getMessage().startsWith("no HttpServerCodec"), e.getMessage());
    }

    @Test
    void upgradeReplacesTheCodecWithTheWebSocketHandlersInOrder() {
        installIntoHttpPipeline(ECHO);
        upgrade();
        assertEquals(List.of(HandlerNames.ENCODER, HandlerNames.DECODER, HandlerNames.CONNECTION,
            HandlerNames.APPLICATION, "pages"), names(), "the connection handler aggregates: no handler of its own");
        HandshakeCompletedEvent event = assertInstanceOf(HandshakeCompletedEvent.class, received.get(0));
        assertEquals("/echo", event.path());
        WebSocketSession session = WebSocketSession.of(channel);
        assertEquals("/echo", session.path(), "the application learns the path from the channel");
        assertNull(session.subprotocol());
        assertNull(session.extensions());
        assertFalse(session.isHttp2());
        assertNull(session.handshake(), "the headers are not kept unless retainHandshake asks");
        assertEquals(Role.SERVER, session.role());
        assertTrue(session.isOpen());
    }

    @Test
    void requestForAnotherPathReachesTheApplicationsHttpHandler() {
        Pages pages = installIntoHttpPipeline(ECHO);
        channel.writeInbound(HandshakeRequest.plainGet("/index.html").toBuf());
        HttpRequest request = assertInstanceOf(HttpRequest.class, pages.requests.get(0));
        assertEquals("/index.html", request.uri());
        assertEquals(List.of("codec", HandlerNames.HTTP_BACKPRESSURE, HandlerNames.UPGRADE, "pages"),
            names(), "nothing upgraded");
        assertNull(channel.readOutbound(), "the endpoint answered nothing itself");
    }

    @Test
    void fragmentedMessageReachesTheApplicationWhole() {
        // RFC 6455 §5.4: a fragmented message is one message; the connection handler joins it.
        installIntoHttpPipeline(ECHO);
        upgrade();
        channel.writeInbound(maskedText("Hel", false));
        channel.writeInbound(FrameBytes.continuation("lo".getBytes(StandardCharsets.UTF_8)).mask(MASK).buf());
        TextFrame whole = assertInstanceOf(TextFrame.class, received.get(1));
        assertTrue(whole.isFinal());
        assertEquals("Hello", whole.text());
    }

    @Test
    void withoutAggregationFragmentsReachTheApplicationAsTheyCame() {
        installIntoHttpPipeline(ECHO.toBuilder().aggregate(false).build());
        upgrade();
        channel.writeInbound(FrameBytes.binary(new byte[] {1}).fin(false).mask(MASK).buf());
        channel.writeInbound(FrameBytes.continuation(new byte[] {2}).mask(MASK).buf());
        assertFalse(assertInstanceOf(BinaryFrame.class, received.get(1)).isFinal());
        assertTrue(assertInstanceOf(ContinuationFrame.class, received.get(2)).isFinal());
    }

    @Test
    void messageOverTheAggregationLimitIsClosedWith1009() {
        // RFC 6455 §7.4.1: 1009, a message too big to process.
        installIntoHttpPipeline(ECHO.toBuilder().maxAggregatedMessageLength(4).build());
        upgrade();
        channel.writeInbound(maskedText("abc", false));
        channel.writeInbound(FrameBytes.continuation("de".getBytes(StandardCharsets.UTF_8)).mask(MASK).buf());
        List<WireFrame> frames = written();
        assertEquals(1, frames.size(), frames::toString);
        assertEquals(Opcode.CLOSE.code(), frames.get(0).opcode());
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, frames.get(0).closeCode());
        assertEquals(1, received.size(), "only the handshake event, no partial message: " + received);
    }

    @Test
    void peerCloseIsAnsweredAndReportedToTheApplication() {
        // RFC 6455 §5.5.1: the close is echoed; the server then closes TCP (§7.1.1).
        installIntoHttpPipeline(ECHO);
        upgrade();
        channel.writeInbound(FrameBytes.close(4000, "bye").mask(MASK).buf());
        List<WireFrame> frames = written();
        assertEquals(1, frames.size(), frames::toString);
        assertEquals(4000, frames.get(0).closeCode());
        assertFalse(channel.isOpen());
        WebSocketClosedEvent closed = assertInstanceOf(WebSocketClosedEvent.class, received.get(received.size() - 1));
        assertEquals(4000, closed.statusCode());
        assertEquals("bye", closed.reason());
        assertTrue(closed.remote());
        assertTrue(closed.clean());
    }

    @Test
    void applicationSupplierIsCalledOncePerUpgrade() {
        int[] calls = {0};
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(new HttpServerCodec());
        WebSocketServer.install(channel.pipeline(), ECHO, () -> {
            calls[0]++;
            return new Recorder();
        });
        assertEquals(0, calls[0], "nothing created before a handshake");
        upgrade();
        assertEquals(1, calls[0]);
    }

    @Test
    void retainHandshakeKeepsTheWholeEventForTheSession() {
        installIntoHttpPipeline(ECHO.toBuilder().retainHandshake(true).build());
        upgrade();
        HandshakeCompletedEvent event = assertInstanceOf(HandshakeCompletedEvent.class, received.get(0));
        assertSame(event, WebSocketSession.of(channel).handshake(), "asked for: kept with its headers");
        assertEquals("websocket", WebSocketSession.of(channel).handshake().requestHeaders().get("Upgrade"));
    }

    @Test
    void initializerBuildsCodecEndpointAndFallback() {
        channel = new EmbeddedChannel(new WebSocketServerInitializer(ECHO, Recorder::new));
        // The per-address limit admitted the channel and left.
        assertEquals(List.of(HandlerNames.HTTP_CODEC, HandlerNames.HTTP_BACKPRESSURE,
            HandlerNames.UPGRADE, HandlerNames.NOT_FOUND), names());
        upgrade();
        assertEquals(List.of(HandlerNames.ENCODER, HandlerNames.DECODER, HandlerNames.CONNECTION,
            HandlerNames.APPLICATION), names(), "the 404 handler left with HTTP");
    }

    @Test
    void initializerAnswersOtherPathsWith404AndCloses() {
        channel = new EmbeddedChannel(new WebSocketServerInitializer(ECHO, Recorder::new));
        channel.writeInbound(HandshakeRequest.to("/elsewhere").toBuf());
        RawHttpResponse response = RawHttpResponse.read(channel);
        assertEquals(404, response.status(), response.head());
        assertFalse(channel.isOpen());
    }

    @Test
    void initializerAppliesTheHttpLimits() {
        // A request line longer than the configured limit is refused by the endpoint with 414.
        WebSocketServerConfig config = ECHO.toBuilder().maxInitialLineLength(64).build();
        channel = new EmbeddedChannel(new WebSocketServerInitializer(config, Recorder::new));
        channel.writeInbound(HandshakeRequest.to("/echo?" + "x".repeat(100)).toBuf());
        assertEquals(414, RawHttpResponse.read(channel).status());
    }

    private List<String> names() {
        List<String> names = new ArrayList<>(channel.pipeline().names());
        names.removeIf(name -> name.startsWith("DefaultChannelPipeline$TailContext"));
        return names;
    }
}
