package dev.nettyws.client;

import dev.nettyws.PeerText;
import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.HandshakeRequest;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.internal.Http2Fields;
import dev.nettyws.internal.Http2StreamData;
import dev.nettyws.internal.WebSocketPipeline;
import dev.nettyws.protocol.HandlerNames;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client's opening handshake on an HTTP/2 stream (RFC 8441 §4-§5): sends the extended CONNECT ({@code :method
 * CONNECT}, {@code :protocol websocket}, {@code :scheme}, {@code :path}, {@code :authority},
 * {@code sec-websocket-version: 13}, the offers), and on a {@code 200} checks the subprotocol and extensions as over
 * HTTP/1.1, then puts {@link Http2StreamData} and the WebSocket handlers in its place. Any other status, a reset or
 * the handshake timeout fails the handshake future with a {@link ClientHandshakeException} and closes the stream.
 *
 * <p>One instance per stream channel; runs on its event loop. Frames before the response are released here.
 */
final class ExtendedConnectClient extends ChannelInboundHandlerAdapter {
    private static final AsciiString PROTOCOL = Http2Headers.PseudoHeaderName.PROTOCOL.value();

    private final URI uri;
    private final WebSocketClientConfig config;
    private final WebSocketInitializer initializer;
    private Promise<HandshakeCompletedEvent> promise;
    private ScheduledFuture<?> timeout;
    private Http2Headers request;
    private boolean sent;
    private boolean done;

    ExtendedConnectClient(URI uri, WebSocketClientConfig config, WebSocketInitializer initializer) {
        this.uri = uri;
        this.config = config;
        this.initializer = initializer;
    }

    /** Completes with what was negotiated, or fails; listeners run on the stream's event loop. */
    Promise<HandshakeCompletedEvent> handshakeFuture() {
        return promise;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        promise = ctx.executor().newPromise();
        if (ctx.channel().isActive()) {
            send(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, "the stream closed before the response", -1);
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    private void send(ChannelHandlerContext ctx) {
        if (sent) {
            return;
        }
        sent = true;
        URI ascii = URI.create(uri.toASCIIString());
        request = new DefaultHttp2Headers().method("CONNECT").scheme(ClientHandshaker.isSecure(uri) ? "https" : "http")
            .path(ClientHandshaker.target(ascii)).authority(ClientHandshaker.hostHeader(ascii));
        request.set(PROTOCOL, "websocket");
        request.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
        if (config.handshake().origin() != null) {
            request.set(HttpHeaderNames.ORIGIN, config.handshake().origin());
        }
        if (!config.handshake().subprotocols().isEmpty()) {
            request.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, String.join(", ", config.handshake().subprotocols()));
        }
        List<String> offers = ClientNegotiation.offers(config);
        if (!offers.isEmpty()) {
            request.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, String.join(", ", offers));
        }
        for (Map.Entry<String, String> header : config.handshake().headers()) {
            // HTTP/2 field names are lower case (RFC 9113 §8.2.1).
            request.add(header.getKey().toLowerCase(Locale.ROOT), header.getValue());
        }
        long millis = config.handshake().handshakeTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> fail(ctx, "no response within " + millis + " ms (timeout)", -1),
            millis, TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(request, false)).addListener(f -> {
            if (!f.isSuccess()) {
                fail(ctx, "could not send the request: " + f.cause(), -1);
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof Http2HeadersFrame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Http2Headers headers = ((Http2HeadersFrame) msg).headers();
        CharSequence status = headers.status();
        if (status != null && status.length() == 3 && status.charAt(0) == '1') {
            return;   // an interim response; the real answer follows
        }
        if (status == null || !AsciiString.contentEquals("200", status)) {
            fail(ctx, "the server answered " + status + " instead of 200", statusCode(status));
            return;
        }
        if (((Http2HeadersFrame) msg).isEndStream()) {
            // A 200 that ends the stream opens no tunnel (RFC 8441 §5, RFC 9113 §8.5).
            fail(ctx, "the server answered 200 and ended the stream", 200);
            return;
        }
        HttpHeaders responseHeaders = Http2Fields.regular(headers);
        ClientNegotiation negotiation = ClientNegotiation.check(responseHeaders, config, ClientNegotiation.offers(
            config));
        if (negotiation.problem != null) {
            fail(ctx, negotiation.problem, 200);
            return;
        }
        switchPipeline(ctx, responseHeaders, negotiation);
    }

    /** A three-digit {@code :status} as a number, or -1 (Netty does not check its value). */
    private static int statusCode(CharSequence status) {
        if (status == null || status.length() != 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + c - '0';
        }
        return code;
    }

    private void switchPipeline(ChannelHandlerContext ctx, HttpHeaders responseHeaders,
            ClientNegotiation negotiation) {
        done = true;
        cancelTimeout();
        HttpHeaders sentHeaders = Http2Fields.regular(request);
        String target = request.path().toString();
        QueryStringDecoder decoded = new QueryStringDecoder(target);
        HandshakeRequest sent = new HandshakeRequest("CONNECT", target, request.authority().toString(), sentHeaders,
            HandshakeRequest.HTTP_2, request.scheme().toString());
        List<String> accepted = responseHeaders.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        HandshakeCompletedEvent event = new HandshakeCompletedEvent(sent, decoded.path(), decoded.parameters(),
            responseHeaders, responseHeaders.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
            accepted.isEmpty() ? null : String.join(", ", accepted));
        ChannelPipeline pipeline = ctx.pipeline();
        try {
            pipeline.addAfter(ctx.name(), HandlerNames.HTTP2_STREAM,
                new Http2StreamData(config.connection().closeTimeout()));
            String last = WebSocketPipeline.install(pipeline, HandlerNames.HTTP2_STREAM, config,
                negotiation.extensions, event);
            initializer.initialize(pipeline, last, event);
        } catch (Throwable t) {
            done = false;
            fail(ctx, "the initializer failed: " + t, 200);
            return;
        }
        ctx.fireUserEventTriggered(event);
        pipeline.remove(this);
        promise.trySuccess(event);
    }

    private void fail(ChannelHandlerContext ctx, String problem, int status) {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        promise.tryFailure(new ClientHandshakeException("WebSocket handshake (HTTP/2) with " + uri + " failed: "
            + PeerText.forLog(problem, 1024), status, null));
        ctx.close();
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
