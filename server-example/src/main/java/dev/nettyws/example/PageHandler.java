package dev.nettyws.example;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves the chat page, the scan-to-login page and their scripts and style sheet from the jar
 * ({@code dev/nettyws/example/web/}), and answers every other request with 404. GET and HEAD only (405 otherwise);
 * keep-alive is honoured, except after an upgrade request for a path no WebSocket endpoint serves (404, then the
 * connection is closed). The last handler of the example server's HTTP pipeline, after the WebSocket endpoints and
 * the chat's HTTP transports, which pass on requests for other paths.
 *
 * <p>Every response carries the security headers of {@link #SECURITY_HEADERS}: a Content-Security-Policy that lets
 * the page load only its own script and style sheet and connect only to its own origin (its WebSocket included),
 * no framing by other sites, no content-type sniffing, no referrer.
 *
 * <p>One instance per channel, called on its event loop. The files are read once per class; each response gets a
 * duplicate of a shared read-only buffer, which the transport releases. Every inbound message is released.
 */
final class PageHandler extends ChannelInboundHandlerAdapter {
    private static final Map<String, Page> PAGES = Map.of(
        "/", Page.load("index.html", "text/html; charset=UTF-8"),
        "/index.html", Page.load("index.html", "text/html; charset=UTF-8"),
        "/chat.js", Page.load("chat.js", "text/javascript; charset=UTF-8"),
        "/chat.css", Page.load("chat.css", "text/css; charset=UTF-8"),
        "/login.html", Page.load("login.html", "text/html; charset=UTF-8"),
        "/login.js", Page.load("login.js", "text/javascript; charset=UTF-8"));
    /**
     * Headers of every response. {@code connect-src 'self'} covers {@code ws:}/{@code wss:} to the page's own host
     * and port (CSP Level 3); {@code X-Frame-Options} repeats {@code frame-ancestors} for browsers without it.
     */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
        "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        "X-Frame-Options", "DENY",
        "X-Content-Type-Options", "nosniff",
        "Referrer-Policy", "no-referrer",
        "Cross-Origin-Opener-Policy", "same-origin",
        "Cross-Origin-Resource-Policy", "same-origin");

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                respond(ctx, (HttpRequest) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpRequest request) {
        // An upgrade request that no endpoint took wanted another protocol, not a page: answer and close.
        boolean keepAlive = HttpUtil.isKeepAlive(request) && !request.headers().contains(HttpHeaderNames.UPGRADE);
        boolean head = HttpMethod.HEAD.equals(request.method());
        FullHttpResponse response;
        if (!HttpMethod.GET.equals(request.method()) && !head) {
            response = text(HttpResponseStatus.METHOD_NOT_ALLOWED);
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        } else {
            Page page = PAGES.get(new QueryStringDecoder(request.uri()).path());
            if (page == null) {
                response = text(HttpResponseStatus.NOT_FOUND);
            } else {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    page.content.duplicate());
                response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, page.contentType)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
            }
        }
        SECURITY_HEADERS.forEach(response.headers()::set);
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (head) {
            response.content().clear();
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse text(HttpResponseStatus status) {
        ByteBuf body = Unpooled.copiedBuffer(status + "\n", StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** A file of the page, read once. */
    private static final class Page {
        final ByteBuf content;
        final String contentType;

        private Page(ByteBuf content, String contentType) {
            this.content = content;
            this.contentType = contentType;
        }

        static Page load(String name, String contentType) {
            String resource = "web/" + name;
            try (InputStream in = PageHandler.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                ByteBuf content = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(in.readAllBytes()).asReadOnly());
                return new Page(content, contentType);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The bytes served for {@code path}, for tests; null for a 404. */
    static String pageText(String path) {
        Page page = PAGES.get(path);
        return page == null ? null : page.content.toString(StandardCharsets.UTF_8);
    }
}
