package dev.nettyws.example;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;

/**
 * Tells the {@link ConnectionListener} of every WebSocket handshake the server refused, with its HTTP status: an
 * answer other than 101 (HTTP/1.1) or 200 (HTTP/2) to a request for a WebSocket ({@code Upgrade: websocket}, or an
 * extended CONNECT with {@code :protocol websocket}), to a request the HTTP decoder could not read (the endpoints
 * answer 400, 414 or 431 without knowing what was asked), or before the first request (the handshake timer's 408).
 * Answers to other requests (pages, the chat's HTTP transports) are not handshakes and are not counted.
 *
 * <p>Watches the messages the HTTP codec passes, so it sits right after it (on HTTP/2, first on each stream), and
 * leaves with the other HTTP handlers at the upgrade. The codec gives no rejection event of its own, so the answer
 * is read on its way out. Passes every message on unchanged and holds no buffers. Not sharable: one per connection
 * or stream, used on its event loop.
 */
final class HandshakeStatuses extends ChannelDuplexHandler {
    static final String NAME = "handshake-statuses";

    private final ConnectionListener listener;
    /** Whether the request being answered asked for a WebSocket, or could not be read; true before the first one. */
    private boolean handshake = true;

    HandshakeStatuses(ConnectionListener listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            handshake = request.decoderResult().isFailure()
                || request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        } else if (msg instanceof Http2HeadersFrame frame && frame.headers().method() != null) {
            Http2Headers headers = frame.headers();
            handshake = HttpMethod.CONNECT.asciiName().contentEquals(headers.method())
                && HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(headers.get(Http2Headers.PseudoHeaderName
                    .PROTOCOL.value()));
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        int code = 0;
        boolean streamAnswered = false;
        if (msg instanceof HttpResponse response) {
            code = response.status().code();
        } else if (msg instanceof Http2HeadersFrame frame && frame.headers().status() != null) {
            code = AsciiString.of(frame.headers().status()).parseInt(); // no String per response
            streamAnswered = code >= 200;
        }
        boolean accepted = code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()
            || streamAnswered && code == HttpResponseStatus.OK.code();
        if (code >= 200 && handshake && !accepted) {
            listener.handshakeRejected(ctx.channel(), code);
        }
        if (code >= 200) {
            // A kept-alive connection's next request says what it is; an idle one's timeout is no handshake.
            handshake = false;
        }
        ctx.write(msg, promise);
        if (streamAnswered) {
            // One request per stream: nothing more to watch here.
            ctx.pipeline().remove(this);
        }
    }
}
