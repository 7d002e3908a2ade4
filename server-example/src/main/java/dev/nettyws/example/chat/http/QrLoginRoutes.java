package dev.nettyws.example.chat.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nettyws.example.chat.ChatEvent;
import dev.nettyws.example.chat.ChatJson;
import dev.nettyws.example.chat.ChatNames;
import dev.nettyws.example.chat.ChatRefusal;
import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSession;
import dev.nettyws.example.chat.ChatSubscriber;
import dev.nettyws.example.chat.EventEncoding;
import dev.nettyws.example.chat.JoinedRoom;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.EventExecutor;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP side of scan-to-login ({@link QrLogins}), under {@value #PREFIX}:
 * <pre>
 *   POST /chat/login/start                     {"login":"ID","secret":"S","room":"login-ID"}
 *   GET  /chat/login/qr.svg?login=ID           the QR code of http://HOST/login.html?confirm=ID
 *   POST /chat/login/confirm {"login":"ID","name":"bob"}   204, or 404 (unknown, expired, used); then the nudge
 *   GET  /chat/login/status?login=ID&amp;secret=S  {"confirmed":true,"name":"bob"} or {"confirmed":false}
 * </pre>
 * The nudge is a message posted into the login's room by a member the server joins for the moment
 * ({@value QrLogins#NUDGE_NICK}); the waiting page gets it over whichever transport it chose. Called by
 * {@link HttpChatHandler} on the channel's event loop, after the access rules; stateless besides the logins.
 */
final class QrLoginRoutes {
    static final String PREFIX = HttpChatService.PREFIX + "login/";
    private static final EventEncoding IGNORED = (alloc, event) -> Unpooled.EMPTY_BUFFER;

    private final QrLogins logins;
    private final ChatRooms rooms;
    private final boolean tls;

    QrLoginRoutes(QrLogins logins, ChatRooms rooms, boolean tls) {
        this.logins = logins;
        this.rooms = rooms;
        this.tls = tls;
    }

    /** Answers a request under {@link #PREFIX}. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query, boolean keepAlive) {
        String path = query.path().substring(PREFIX.length());
        boolean post = HttpMethod.POST.equals(request.method());
        if ("start".equals(path) && post) {
            QrLogins.Login login = logins.start(ChatRooms.addressKey(ctx.channel().remoteAddress()));
            if (login == null) {
                HttpReplies.error(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "too many logins from your address",
                    keepAlive);
                return;
            }
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("login", login.id).put("secret", login.secret)
                .put("room", login.room());
            HttpReplies.json(ctx, HttpResponseStatus.OK, utf8(ChatJson.toText(body)), keepAlive);
        } else if ("qr.svg".equals(path) && !post) {
            String id = HttpChatHandler.parameter(query, "login");
            if (id == null || id.length() > 64) {
                HttpReplies.error(ctx, HttpResponseStatus.BAD_REQUEST, "login expected", keepAlive);
                return;
            }
            String url = (tls ? "https://" : "http://") + request.headers().get("Host") + "/login.html?confirm="
                + id.replaceAll("[^A-Za-z0-9_-]", "");
            HttpReplies.body(ctx, "image/svg+xml", utf8(QrLogins.qrSvg(url)), keepAlive);
        } else if ("confirm".equals(path) && post) {
            confirm(ctx, request, keepAlive);
        } else if ("status".equals(path) && !post) {
            String name = logins.status(HttpChatHandler.parameter(query, "login"),
                HttpChatHandler.parameter(query, "secret"));
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("confirmed", name != null);
            if (name != null) {
                body.put("name", name);
            }
            HttpReplies.json(ctx, HttpResponseStatus.OK, utf8(ChatJson.toText(body)), keepAlive);
        } else {
            HttpReplies.error(ctx, HttpResponseStatus.NOT_FOUND, "not found", keepAlive);
        }
    }

    private void confirm(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        JsonNode body;
        try {
            body = ChatJson.parse(request.content().toString(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            body = null;
        }
        String name = body == null ? null : body.path("name").textValue();
        if (name == null || ChatNames.checkNick(name) != null || !body.path("login").isTextual()) {
            HttpReplies.error(ctx, HttpResponseStatus.BAD_REQUEST, "expected {\"login\":\"...\",\"name\":\"...\"}"
                + " with a valid nick as the name", keepAlive);
            return;
        }
        QrLogins.Login login = logins.confirm(body.path("login").textValue(), name);
        if (login == null) {
            HttpReplies.error(ctx, HttpResponseStatus.NOT_FOUND, "no such login", keepAlive);
            return;
        }
        try {
            ChatSession nudge = rooms.join(login.room(), QrLogins.NUDGE_NICK, null, ctx.channel().remoteAddress(),
                new Quiet(ctx));
            nudge.post("{\"type\":\"message\",\"text\":\"confirmed\"}", ctx.executor().ticker().nanoTime());
            nudge.leave();
        } catch (ChatRefusal refusal) {
            // The page learns of it at its next status check (it asks on every nudge and on reconnecting).
        }
        HttpReplies.empty(ctx, keepAlive);
    }

    private static ByteBuf utf8(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    /** The server's nudging member: it hears nothing. */
    private static final class Quiet implements ChatSubscriber {
        private final ChannelHandlerContext ctx;

        Quiet(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public EventExecutor executor() {
            return ctx.executor();
        }

        @Override
        public ByteBufAllocator alloc() {
            return ctx.alloc();
        }

        @Override
        public EventEncoding encoding() {
            return IGNORED;
        }

        @Override
        public void joined(JoinedRoom joined) {
        }

        @Override
        public void send(ChatEvent event) {
        }

        @Override
        public void deliver(ChatEvent event, ByteBuf encoded) {
        }

        @Override
        public void flush() {
        }
    }
}
