package dev.nettyws.example.chat.http;

import dev.nettyws.example.chat.ChatJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The responses of the chat's HTTP transports: JSON bodies (a poll's events, an error event), 204 for a posted
 * message, with headers that keep them out of caches and content sniffing. Each is written and flushed at once, and
 * the connection closes after it unless kept alive. Stateless; callable from any thread (Netty hands the write to the
 * channel's event loop). The channel releases the bodies.
 */
final class HttpReplies {
    private HttpReplies() {
    }

    /** Writes a JSON response; {@code body} becomes the channel's. */
    static void json(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        send(ctx, response, keepAlive);
    }

    /** Writes a response of another type; {@code body} becomes the channel's. */
    static void body(ChannelHandlerContext ctx, String contentType, ByteBuf body, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        send(ctx, response, keepAlive);
    }

    /** Writes an error event with its reason. */
    static void error(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, boolean keepAlive) {
        json(ctx, status, ChatJson.error(reason).content(), keepAlive);
    }

    /** Writes 204 No Content. */
    static void empty(ChannelHandlerContext ctx, boolean keepAlive) {
        send(ctx, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
            Unpooled.EMPTY_BUFFER), keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        secure(response.headers());
        if (!HttpResponseStatus.NO_CONTENT.equals(response.status())) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The headers of every response: never cached, never sniffed, not for other sites' pages. */
    static void secure(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
            .set("X-Content-Type-Options", "nosniff")
            .set("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** The head of an event stream (chunked on HTTP/1.1, up to the connection's end on HTTP/1.0). */
    static HttpResponse streamHead(HttpVersion version) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            // Asks proxies such as nginx not to buffer the stream.
            .set("X-Accel-Buffering", "no");
        secure(head.headers());
        if (HttpVersion.HTTP_1_1.equals(version)) {
            HttpUtil.setTransferEncodingChunked(head, true);
        } else {
            HttpUtil.setKeepAlive(head, false);
        }
        return head;
    }
}
