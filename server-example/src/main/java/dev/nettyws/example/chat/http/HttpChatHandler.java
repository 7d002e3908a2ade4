package dev.nettyws.example.chat.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nettyws.example.chat.ChatJson;
import dev.nettyws.example.chat.ChatRefusal;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSession;
import dev.nettyws.protocol.HandlerNames;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * The chat's HTTP transports on one connection ({@link HttpChatService} lists the requests): behind Netty's HTTP codec
 * and a bounded {@link io.netty.handler.codec.http.HttpObjectAggregator}, so that every request comes whole; requests
 * for paths outside {@value HttpChatService#PREFIX} go on to the next handler.
 *
 * <p>Every request is checked by {@link HttpAccess} first (403), then by method (405) and, for posts, content type
 * (415). A join goes through {@link ChatRooms#join}, with its rules: a bad nick or room is 400, no room or session
 * left 503, each with an error event. A poll or post names its session; it is handed to the session's event loop,
 * which answers on this connection.
 *
 * <p><b>Event streams.</b> A {@code GET /chat/events} makes this connection the stream of its session: the handlers
 * after the HTTP backpressure handler but this one leave the pipeline (the WebSocket endpoints, with their timers for
 * HTTP exchanges, which a stream outlasts), anything more the client sends is dropped, and the session ends when the
 * connection closes. The backpressure handler stays: it closes a connection whose client leaves more than the
 * outbound limit unread, and the session writes only while the channel is writable.
 *
 * <p>One instance per channel, called on its event loop. It releases every request it takes.
 */
public final class HttpChatHandler extends ChannelInboundHandlerAdapter {
    static final String SESSION_PATH = HttpChatService.PREFIX + "session";
    static final String POLL_PATH = HttpChatService.PREFIX + "poll";
    static final String SEND_PATH = HttpChatService.PREFIX + "send";
    static final String LEAVE_PATH = HttpChatService.PREFIX + "leave";
    static final String EVENTS_PATH = HttpChatService.PREFIX + "events";

    private final HttpChatService service;
    private HttpChatSession streaming;

    HttpChatHandler(HttpChatService service) {
        this.service = service;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (streaming != null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof FullHttpRequest)) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = (FullHttpRequest) msg;
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        if (!query.path().startsWith(HttpChatService.PREFIX)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            route(ctx, request, query);
        } finally {
            request.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String refusal = request.decoderResult().isFailure() ? "malformed request" : service.access().refusal(request);
        if (refusal != null) {
            HttpReplies.error(ctx, request.decoderResult().isFailure() ? HttpResponseStatus.BAD_REQUEST
                : HttpResponseStatus.FORBIDDEN, refusal, false);
            return;
        }
        String path = query.path();
        if (path.startsWith(QrLoginRoutes.PREFIX)) {
            if (HttpMethod.POST.equals(request.method()) && !isJson(request)) {
                HttpReplies.error(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "application/json expected",
                    keepAlive);
            } else {
                service.logins().handle(ctx, request, query, keepAlive);
            }
            return;
        }
        HttpMethod expected = POLL_PATH.equals(path) || EVENTS_PATH.equals(path) ? HttpMethod.GET : HttpMethod.POST;
        if (!List.of(SESSION_PATH, POLL_PATH, SEND_PATH, LEAVE_PATH, EVENTS_PATH).contains(path)) {
            HttpReplies.error(ctx, HttpResponseStatus.NOT_FOUND, "not found", keepAlive);
        } else if (!expected.equals(request.method())) {
            HttpReplies.error(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "use " + expected, keepAlive);
        } else if (expected == HttpMethod.POST && !LEAVE_PATH.equals(path) && !isJson(request)) {
            HttpReplies.error(ctx, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "application/json expected", keepAlive);
        } else if (SESSION_PATH.equals(path)) {
            join(ctx, request, keepAlive);
        } else if (EVENTS_PATH.equals(path)) {
            stream(ctx, request, query);
        } else {
            toSession(ctx, request, query, path, keepAlive);
        }
    }

    private static boolean isJson(FullHttpRequest request) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && HttpHeaderValues.APPLICATION_JSON.contentEqualsIgnoreCase(
            HttpUtil.getMimeType(type));
    }

    private void join(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        JsonNode body;
        try {
            body = ByteBufUtil.isText(request.content(), StandardCharsets.UTF_8)
                ? ChatJson.parse(request.content().toString(StandardCharsets.UTF_8)) : null;
        } catch (UncheckedIOException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !optionalText(body, "room") || !optionalText(body, "since")
                || !body.path("nick").isTextual()) {
            HttpReplies.error(ctx, HttpResponseStatus.BAD_REQUEST,
                "expected {\"room\":\"...\",\"nick\":\"...\",\"since\":\"...\"}", keepAlive);
            return;
        }
        HttpChatSession session = open(ctx, body.path("room").textValue(), body.path("nick").textValue(),
            body.path("since").textValue(), keepAlive);
        if (session != null) {
            HttpReplies.json(ctx, HttpResponseStatus.OK, ChatJson.session(session.id()).content(), keepAlive);
        }
    }

    private static boolean optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() || value.isTextual();
    }

    /** Makes a session on this channel's event loop and joins; answers a refusal and returns null. */
    private HttpChatSession open(ChannelHandlerContext ctx, String room, String nick, String since,
                                 boolean keepAlive) {
        Object address = ChatRooms.addressKey(ctx.channel().remoteAddress());
        HttpSessions sessions = service.sessions();
        try {
            sessions.reserve(address);
        } catch (ChatRefusal refusal) {
            HttpReplies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, refusal.getMessage(), keepAlive);
            return null;
        }
        HttpChatSession session = new HttpChatSession(HttpSessions.newId(), address, ctx, service.settings(),
            sessions, service.maxQueuedBytes());
        sessions.add(session);
        ChatSession chat;
        try {
            chat = service.rooms().join(room, nick, since, ctx.channel().remoteAddress(), session);
        } catch (ChatRefusal refusal) {
            session.end(refusal.getMessage());
            HttpReplies.error(ctx, refusal.kind() == ChatRefusal.Kind.INVALID ? HttpResponseStatus.BAD_REQUEST
                : HttpResponseStatus.SERVICE_UNAVAILABLE, refusal.getMessage(), keepAlive);
            return null;
        } catch (RuntimeException e) {
            // The session is counted and listed already: give its place back before the error goes on.
            session.end("cannot join now");
            throw e;
        }
        session.started(chat);
        if (session.ended()) {
            // Ended while joining (its history overflowed the queue, or the room refused it at once): no session.
            HttpReplies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "session ended while joining", keepAlive);
            return null;
        }
        return session;
    }

    private void stream(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        String since = request.headers().get("Last-Event-ID");
        HttpChatSession session = open(ctx, parameter(query, "room"), parameter(query, "nick"),
            since != null ? since : parameter(query, "since"), false);
        if (session == null) {
            return;
        }
        streaming = session;
        ChannelPipeline pipeline = ctx.pipeline();
        List<String> after = new ArrayList<>();
        boolean seen = false;
        for (String name : pipeline.names()) {
            if (seen && !name.equals(ctx.name()) && pipeline.get(name) != null) {
                after.add(name);
            }
            seen |= HandlerNames.HTTP_BACKPRESSURE.equals(name);
        }
        after.forEach(pipeline::remove);
        ctx.writeAndFlush(HttpReplies.streamHead(request.protocolVersion()));
        session.attachStream(ctx);
    }

    private void toSession(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query, String path,
                           boolean keepAlive) {
        HttpChatSession session = service.sessions().get(parameter(query, "session"));
        if (session == null) {
            HttpReplies.error(ctx, HttpResponseStatus.NOT_FOUND, "no such session", keepAlive);
            return;
        }
        Runnable task;
        if (POLL_PATH.equals(path)) {
            long since;
            try {
                String value = parameter(query, "since");
                since = value == null ? 0 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                HttpReplies.error(ctx, HttpResponseStatus.BAD_REQUEST, "since must be a number", keepAlive);
                return;
            }
            boolean wait = "1".equals(parameter(query, "wait")) || "true".equals(parameter(query, "wait"));
            task = () -> session.poll(ctx, since, wait, keepAlive);
        } else if (SEND_PATH.equals(path)) {
            if (!ByteBufUtil.isText(request.content(), StandardCharsets.UTF_8)) {
                HttpReplies.error(ctx, HttpResponseStatus.BAD_REQUEST, "text is not valid UTF-8", keepAlive);
                return;
            }
            String json = request.content().toString(StandardCharsets.UTF_8);
            task = () -> session.post(ctx, json, keepAlive);
        } else {
            task = () -> {
                session.end("left");
                HttpReplies.empty(ctx, keepAlive);
            };
        }
        try {
            session.executor().execute(task);
        } catch (RejectedExecutionException e) {
            // The session's event loop is shutting down with the server, which closes this connection too.
            ctx.close();
        }
    }

    /** The first value of a query parameter, or null. */
    static String parameter(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (streaming != null) {
            streaming.drainStream();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (streaming != null) {
            streaming.end("stream closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
