package dev.nettyws.server;

import dev.nettyws.PeerText;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.HandshakeRejection;
import dev.nettyws.handshake.HandshakeRequest;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.internal.Http2Fields;
import dev.nettyws.internal.Http2StreamData;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.internal.ServerHandshake;
import dev.nettyws.internal.WebSocketPipeline;
import dev.nettyws.protocol.HandlerNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.Map;

/**
 * The HTTP/2 front end of a WebSocket endpoint (RFC 8441 §4-§5), first in the pipeline of every inbound stream of a
 * connection set up by {@link WebSocketHttp2}. A stream whose {@code :path} is not the endpoint's goes on to the
 * application's HTTP/2 handlers (or is answered 404 when there are none). For the endpoint's path the request must be
 * an extended CONNECT: {@code :method CONNECT} (else 405 with {@code allow: CONNECT}), {@code :protocol websocket}
 * (else 400), {@code :scheme} http or https (else 400), the stream left open (else 400); then the transport-neutral
 * handshake core decides exactly as for HTTP/1.1 (version, origin, hosts, subprotocol, interceptor, extensions).
 * Accepted: a {@code 200} without END_STREAM, and the stream pipeline becomes {@code ws-h2-stream} (DATA frames to
 * bytes) followed by the WebSocket handlers of {@link HandlerNames}. Refused: the status, the reason as text, and
 * END_STREAM.
 *
 * <p>One instance per stream; runs on the stream channel's event loop. The request HEADERS frame holds no buffer;
 * frames of a refused stream are released here, those of other paths pass on and belong to the next handler.
 */
final class ExtendedConnectHandler extends ChannelInboundHandlerAdapter {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(ExtendedConnectHandler.class);
    private static final AsciiString PROTOCOL = Http2Headers.PseudoHeaderName.PROTOCOL.value();
    private static final AsciiString CONNECT = AsciiString.cached("CONNECT");

    private final WebSocketServerConfig config;
    private final ServerExtensionNegotiator negotiator;
    private final WebSocketInitializer initializer;
    private final boolean passOthers;
    private boolean refused;

    /**
     * Creates the front end of one stream.
     *
     * @param config the endpoint
     * @param initializer adds the application's handlers to an accepted WebSocket
     * @param passOthers whether requests for other paths go on to the next handler, rather than being answered 404
     */
    ExtendedConnectHandler(WebSocketServerConfig config, WebSocketInitializer initializer, boolean passOthers) {
        this.config = config;
        this.negotiator = config.extensionNegotiator();
        this.initializer = initializer;
        this.passOthers = passOthers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof Http2HeadersFrame)) {
            // A stream always starts with HEADERS; anything else is not ours to judge.
            ctx.fireChannelRead(msg);
            return;
        }
        Http2HeadersFrame frame = (Http2HeadersFrame) msg;
        Http2Headers headers = frame.headers();
        CharSequence path = headers.path();
        if (path == null || !config.handshake().matchesPath(path.toString())) {
            if (passOthers) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            } else {
                refuse(ctx, HandshakeRejection.of(HttpResponseStatus.NOT_FOUND, "not found"));
            }
            return;
        }
        HandshakeRejection malformed = checkPseudoHeaders(frame);
        if (malformed != null) {
            refuse(ctx, malformed);
            return;
        }
        HandshakeRequest request = new HandshakeRequest(headers.method().toString(), path.toString(),
            headers.authority() == null ? null : headers.authority().toString(), Http2Fields.regular(headers),
            HandshakeRequest.HTTP_2, isTls(ctx.channel()) ? "https" : "http");
        ServerHandshake decision = ServerHandshake.evaluate(config.handshake(), negotiator, request, ctx.channel());
        if (decision.rejection != null) {
            refuse(ctx, decision.rejection);
        } else {
            accept(ctx, decision);
        }
    }

    /** Whether the connection under a stream runs TLS: its origin is https, whatever {@code :scheme} claims. */
    private static boolean isTls(Channel stream) {
        Channel connection = stream.parent() != null ? stream.parent() : stream;
        return connection.pipeline().get(SslHandler.class) != null;
    }

    /** The pseudo-header fields of an extended CONNECT beyond what Netty's codec checks (RFC 8441 §4). */
    private static HandshakeRejection checkPseudoHeaders(Http2HeadersFrame frame) {
        Http2Headers headers = frame.headers();
        if (!CONNECT.contentEquals(headers.method())) {
            return null;   // the handshake core answers 405 with the allowed method
        }
        CharSequence protocol = headers.get(PROTOCOL);
        if (protocol == null) {
            return HandshakeRejection.of(HttpResponseStatus.BAD_REQUEST, "missing :protocol");
        }
        if (!AsciiString.contentEquals("websocket", protocol)) {
            return HandshakeRejection.of(HttpResponseStatus.BAD_REQUEST, "unsupported :protocol");
        }
        CharSequence scheme = headers.scheme();
        if (scheme == null
                || !AsciiString.contentEquals("https", scheme) && !AsciiString.contentEquals("http", scheme)) {
            return HandshakeRejection.of(HttpResponseStatus.BAD_REQUEST, "invalid :scheme");
        }
        if (frame.isEndStream()) {
            return HandshakeRejection.of(HttpResponseStatus.BAD_REQUEST, "extended CONNECT must leave the stream open");
        }
        return null;
    }

    private void accept(ChannelHandlerContext ctx, ServerHandshake decision) {
        ChannelPipeline pipeline = ctx.pipeline();
        Http2Headers response = new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText());
        if (decision.subprotocol != null) {
            response.add(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, decision.subprotocol);
        }
        if (decision.extensions != null) {
            response.add(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, decision.extensions.responseHeaderValue());
        }
        HandshakeCompletedEvent event = decision.completedEvent(Http2Fields.regular(response));
        ctx.channel().config().setWriteBufferWaterMark(config.writeBufferWaterMark());
        try {
            pipeline.addAfter(ctx.name(), HandlerNames.HTTP2_STREAM,
                new Http2StreamData(config.connection().closeTimeout()));
            String last = WebSocketPipeline.install(pipeline, HandlerNames.HTTP2_STREAM, config, decision.extensions,
                event);
            initializer.initialize(pipeline, last, event);
        } catch (Throwable t) {
            LOGGER.warn("{} WebSocket initializer failed; refusing the handshake", ctx.channel(), PeerText.forLog(t));
            refuse(ctx, HandshakeRejection.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, "handshake failed"));
            return;
        }
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(response, false))
            .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        ctx.fireUserEventTriggered(event);
        pipeline.remove(this);
    }

    /** Answers with the status and the reason as text, and ends the stream; the stream channel closes after it. */
    private void refuse(ChannelHandlerContext ctx, HandshakeRejection rejection) {
        refused = true;
        Http2Headers response = new DefaultHttp2Headers().status(rejection.status().codeAsText());
        for (Map.Entry<String, String> header : rejection.headers()) {
            response.add(AsciiString.of(header.getKey()).toLowerCase(), header.getValue());
        }
        ByteBuf reason = ByteBufUtil.writeUtf8(ctx.alloc(), rejection.reason());
        response.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.setInt(HttpHeaderNames.CONTENT_LENGTH, reason.readableBytes());
        ctx.write(new DefaultHttp2HeadersFrame(response, false));
        // Closed from here, not from the tail: after a failed initializer the WebSocket handlers it left behind
        // would otherwise write a close frame and a second END_STREAM into the ended stream.
        ctx.writeAndFlush(new DefaultHttp2DataFrame(reason, true)).addListener(f -> ctx.close());
    }
}
