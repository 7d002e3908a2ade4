package dev.nettyws.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a WebSocket-only server: answers an HTTP request that no endpoint took with a plain-text
 * 404, or with 400, 414 or 431 when the codec could not parse it, then closes the connection. Releases every message
 * it receives (requests and their content); once it has answered, it ignores the rest of the input.
 *
 * <p>One instance per channel; called on the channel's event loop only.
 */
final class NotFoundHandler extends ChannelInboundHandlerAdapter {
    private boolean answered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!answered && msg instanceof HttpRequest) {
                answered = true;
                respond(ctx, statusFor(((HttpRequest) msg).decoderResult()));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static HttpResponseStatus statusFor(DecoderResult result) {
        if (result.isSuccess()) {
            return HttpResponseStatus.NOT_FOUND;
        }
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
            : HttpResponseStatus.BAD_REQUEST;
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status) {
        ByteBuf body = ByteBufUtil.writeUtf8(ctx.alloc(), status + "\n");
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
