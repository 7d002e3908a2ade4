package dev.nettyws.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which answers {@link HandshakeStatuses} reports as refused handshakes, on HTTP/1.1 and on an HTTP/2 stream. */
class HandshakeStatusesTest {
    private final List<Integer> refused = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new HandshakeStatuses(new ConnectionListener() {
        @Override
        public void handshakeRejected(Channel channel, int status) {
            refused.add(status);
        }
    }));

    private void exchange(FullHttpRequest request, HttpResponseStatus status) {
        channel.writeInbound(request);
        ReferenceCountUtil.release(channel.readInbound());
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
        ReferenceCountUtil.release(channel.readOutbound());
    }

    private static FullHttpRequest get(String uri, boolean upgrade) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        if (upgrade) {
            request.headers().set(HttpHeaderNames.UPGRADE, "WebSocket").set(HttpHeaderNames.CONNECTION, "Upgrade");
        }
        return request;
    }

    @Test
    void http1AnswersToWebSocketRequestsOtherThan101AreRefusals() {
        exchange(get("/chat", true), HttpResponseStatus.FORBIDDEN);
        exchange(get("/", false), HttpResponseStatus.NOT_FOUND);
        exchange(get("/echo", true), HttpResponseStatus.SWITCHING_PROTOCOLS);
        assertEquals(List.of(403), refused, "a page's 404 and a 101 are not refusals");
        channel.finishAndReleaseAll();
    }

    @Test
    void http1UnreadableRequestsAndATimeoutBeforeAnyRequestAreRefusals() {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT));
        ReferenceCountUtil.release(channel.readOutbound());
        FullHttpRequest malformed = get("/", false);
        malformed.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header")));
        exchange(malformed, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
        exchange(get("/", false), HttpResponseStatus.OK);
        // Idle after an answer: the endpoint's timeout is no handshake.
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT));
        ReferenceCountUtil.release(channel.readOutbound());
        assertEquals(List.of(408, 431), refused);
        channel.finishAndReleaseAll();
    }

    @Test
    void anHttp2ExtendedConnectAnsweredOtherThan200IsARefusal() {
        Http2Headers connect = new DefaultHttp2Headers().method("CONNECT").path("/chat").scheme("https")
            .authority("localhost");
        connect.set(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
        channel.writeInbound(new DefaultHttp2HeadersFrame(connect));
        channel.readInbound();
        channel.writeOutbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("400"), true));
        channel.readOutbound();
        assertEquals(List.of(400), refused);
        assertEquals(null, channel.pipeline().get(HandshakeStatuses.class), "one request per stream: it left");
        channel.finishAndReleaseAll();
    }

    @Test
    void anHttp2PageRequestIsNoHandshake() {
        channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path("/")
            .scheme("https").authority("localhost"), true));
        channel.readInbound();
        channel.writeOutbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("404"), true));
        channel.readOutbound();
        assertEquals(List.of(), refused);
        channel.finishAndReleaseAll();
    }
}
