package dev.nettyws.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.internal.SlowPeerDetector;
import dev.nettyws.testsupport.HandshakeRequest;
import dev.nettyws.testsupport.RawHttpResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP phase's backpressure (RFC 9112 §9.3.2 pipelining): requests beyond the outstanding bound, and every request
 * while the peer does not read, wait and stop the channel's reading, whatever the application's HTTP handler does; a
 * peer that never reads is cut off by the outbound limits. The peer's reading is simulated: while it "does not read",
 * flushed bytes stay in the channel's outbound buffer as they do behind a full TCP window. Water marks 32/64 KiB.
 */
class HttpBackpressureHandlerTest {
    private static final int MAX_PIPELINED = 4;
    private static final long STALL_MILLIS = 2_000;
    private static final long MAX_PENDING = 1 << 20;

    private boolean peerReading = true;
    private final EmbeddedChannel channel = new EmbeddedChannel() {
        @Override
        protected void doWrite(ChannelOutboundBuffer in) throws Exception {
            if (peerReading) {
                super.doWrite(in);
            }
        }
    };
    private final HttpBackpressureHandler backpressure = new HttpBackpressureHandler(MAX_PIPELINED, MAX_PENDING,
        Duration.ofMillis(STALL_MILLIS));
    private final CarelessPages pages = new CarelessPages();

    HttpBackpressureHandlerTest() {
        channel.freezeTime();
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        channel.pipeline().addLast(new HttpServerCodec(), backpressure, pages);
    }

    @AfterEach
    void releaseEverything() {
        pages.hold = false;
        channel.finishAndReleaseAll();
    }

    private static ByteBuf pipelined(int count, String prefix) {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < count; i++) {
            requests.append(new String(HandshakeRequest.plainGet(prefix + i).bytes(), StandardCharsets.ISO_8859_1));
        }
        return Unpooled.copiedBuffer(requests, StandardCharsets.ISO_8859_1);
    }

    private void peerReadsEverything() {
        peerReading = true;
        channel.unsafe().flush();
        channel.runPendingTasks();
    }

    @Test
    void requestsBeyondTheOutstandingBoundWaitAndReadingStops() {
        pages.hold = true;
        channel.writeInbound(pipelined(10, "/p"));
        assertEquals(List.of("/p0", "/p1", "/p2", "/p3"), pages.requests, "only the bound reaches the application");
        assertEquals(MAX_PIPELINED, backpressure.outstandingRequests());
        assertFalse(channel.config().isAutoRead(), "reading stops while requests wait");

        pages.answerOne();
        channel.runPendingTasks();
        assertEquals(5, pages.requests.size(), "one answer lets one more request in");
        assertFalse(channel.config().isAutoRead());

        while (!pages.held.isEmpty()) {
            pages.answerOne();
            channel.runPendingTasks();
        }
        assertEquals(10, pages.requests.size());
        assertEquals("/p9", pages.requests.get(9));
        assertEquals(0, backpressure.heldMessages());
        assertTrue(channel.config().isAutoRead(), "reading resumes once nothing waits");
        RawHttpResponse response = RawHttpResponse.read(channel);
        for (int i = 0; i < 10; i++) {
            assertTrue(response.body().startsWith("page /p" + i + "\0"), "answers in request order");
            response = i < 9 ? RawHttpResponse.parse(response.rest()) : response;
        }
    }

    @Test
    void peerThatDoesNotReadGetsNoNewRequestsOnceTheChannelIsUnwritable() {
        peerReading = false;
        // Fewer than the 128 unanswered requests after which Netty's HttpServerCodec gives up (maxPipelineDepth).
        channel.writeInbound(pipelined(100, "/"));
        // The careless handler answers each request with 10 KiB and never looks at isWritable(): the 64 KiB high
        // water mark is crossed after 7 answers, and the rest of what the codec decoded waits.
        assertFalse(channel.isWritable());
        assertEquals(7, pages.requests.size());
        assertTrue(SlowPeerDetector.pendingBytes(channel) <= 64 * 1024 + CarelessPages.SIZE + 1024,
            "queued: " + SlowPeerDetector.pendingBytes(channel));
        assertEquals(2 * (100 - 7), backpressure.heldMessages(), "each waiting request and its LastHttpContent");
        assertFalse(channel.config().isAutoRead());

        for (int round = 0; round < 100 && pages.requests.size() < 100; round++) {
            peerReadsEverything();
            peerReading = false;
            channel.runPendingTasks();
        }
        peerReadsEverything();
        assertEquals(100, pages.requests.size(), "a peer that reads gets every answer");
        assertTrue(channel.config().isAutoRead());
        assertEquals(0, backpressure.heldMessages());
    }

    @Test
    void peerThatNeverReadsIsClosedAtTheWriteStallTimeout() {
        peerReading = false;
        channel.writeInbound(pipelined(100, "/"));
        assertFalse(channel.isWritable());
        channel.advanceTimeBy(STALL_MILLIS - 1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(channel.isOpen(), "the stalled connection is closed");
        assertEquals(0, backpressure.heldMessages(), "what waited is released");
    }

    @Test
    void responseThatWouldQueueBeyondThePendingLimitClosesTheConnection() {
        peerReading = false;
        pages.size = 200 * 1024;
        channel.writeInbound(pipelined(1, "/big"));
        assertTrue(channel.isOpen(), "200 KiB queued: within the 1 MiB limit");
        pages.size = 2 << 20;
        pages.answerNow(channel, "/huge");
        assertFalse(channel.isOpen(), "2 MiB more while unwritable exceeds the limit");
    }

    @Test
    void bodyOfAPassedRequestFlowsWhileTheNextRequestWaits() {
        HttpBackpressureHandler one = new HttpBackpressureHandler(1, MAX_PENDING, Duration.ofMillis(STALL_MILLIS));
        channel.pipeline().replace(backpressure, "one", one);
        pages.hold = true;
        channel.writeInbound(Unpooled.copiedBuffer("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 6\r\n"
            + "\r\nabc", StandardCharsets.ISO_8859_1));
        assertTrue(channel.config().isAutoRead(), "the body of the one request in progress is still read");
        channel.writeInbound(Unpooled.copiedBuffer("def" + new String(HandshakeRequest.plainGet("/next").bytes(),
            StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1));
        assertEquals(List.of("/upload"), pages.requests);
        assertEquals(6, pages.bodyBytes, "the whole body reached the application");
        assertFalse(channel.config().isAutoRead(), "the next request waits for the answer");
        pages.answerOne();
        channel.runPendingTasks();
        assertEquals(List.of("/upload", "/next"), pages.requests);
    }

    @Test
    void informationalResponsesDoNotEndAnExchange() {
        pages.hold = true;
        channel.writeInbound(pipelined(5, "/c"));
        assertEquals(MAX_PIPELINED, pages.requests.size());
        channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        channel.runPendingTasks();
        assertEquals(MAX_PIPELINED, pages.requests.size(), "100 Continue answers nothing");
        assertEquals(MAX_PIPELINED, backpressure.outstandingRequests());
    }

    @Test
    void upgradeRemovesTheHandlerAndReadingGoesOn() {
        EmbeddedChannel ws = new EmbeddedChannel(new HttpServerCodec(),
            new HttpBackpressureHandler(MAX_PIPELINED, MAX_PENDING, Duration.ofMillis(STALL_MILLIS)),
            new UpgradeHandler(WebSocketServerConfig.builder().path("/chat").build(),
                (pipeline, after, event) -> { }));
        ws.writeInbound(HandshakeRequest.to("/chat").toBuf());
        assertEquals(101, RawHttpResponse.read(ws).status());
        assertNull(ws.pipeline().get(HttpBackpressureHandler.class), "the HTTP phase is over");
        assertTrue(ws.config().isAutoRead());
        ws.finishAndReleaseAll();
    }

    @Test
    void heldUpgradeRequestUpgradesOnceTheEarlierAnswerIsSent() {
        EmbeddedChannel ws = new EmbeddedChannel() {
            @Override
            protected void doWrite(ChannelOutboundBuffer in) throws Exception {
                if (peerReading) {
                    super.doWrite(in);
                }
            }
        };
        ws.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024));
        CarelessPages big = new CarelessPages();
        big.size = 100 * 1024;
        HandshakeCompletedEvent[] upgraded = new HandshakeCompletedEvent[1];
        ws.pipeline().addLast(new HttpServerCodec(),
            new HttpBackpressureHandler(MAX_PIPELINED, MAX_PENDING, Duration.ofMillis(STALL_MILLIS)),
            new UpgradeHandler(WebSocketServerConfig.builder().path("/chat").build(),
                (pipeline, after, event) -> upgraded[0] = event), big);
        peerReading = false;
        ws.writeInbound(Unpooled.copiedBuffer(new String(HandshakeRequest.plainGet("/page").bytes(),
            StandardCharsets.ISO_8859_1) + new String(HandshakeRequest.to("/chat").bytes(),
            StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1));
        assertNull(upgraded[0], "the upgrade waits behind 100 KiB the peer has not read");
        peerReading = true;
        ws.unsafe().flush();
        ws.runPendingTasks();
        RawHttpResponse page = RawHttpResponse.read(ws);
        assertEquals(200, page.status());
        assertEquals(101, RawHttpResponse.parse(page.rest()).status());
        assertEquals("/chat", upgraded[0].path());
        assertTrue(ws.config().isAutoRead());
        assertNull(ws.pipeline().get(UpgradeHandler.class), "the switch completed");
        ws.finishAndReleaseAll();
    }

    /**
     * An HTTP handler that answers every request on its head with {@link #size} bytes and never looks at
     * {@code isWritable()}, like many do; with {@link #hold} it answers later, in order, on {@link #answerOne()}.
     */
    private static final class CarelessPages extends ChannelInboundHandlerAdapter {
        static final int SIZE = 10 * 1024;
        final List<String> requests = new ArrayList<>();
        final List<String> held = new ArrayList<>();
        boolean hold;
        int size = SIZE;
        int bodyBytes;
        private ChannelHandlerContext ctx;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                String uri = ((HttpRequest) msg).uri();
                requests.add(uri);
                if (hold) {
                    held.add(uri);
                } else {
                    answerNow(ctx.channel(), uri);
                }
            } else if (msg instanceof HttpContent) {
                bodyBytes += ((HttpContent) msg).content().readableBytes();
            }
            ReferenceCountUtil.release(msg);
        }

        void answerOne() {
            answerNow(ctx.channel(), held.remove(0));
        }

        void answerNow(io.netty.channel.Channel channel, String uri) {
            byte[] prefix = ("page " + uri).getBytes(StandardCharsets.UTF_8);
            ByteBuf body = Unpooled.buffer(Math.max(size, prefix.length));
            body.writeBytes(prefix);
            body.writerIndex(Math.max(size, prefix.length));
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            ctx.writeAndFlush(response);
        }
    }
}
