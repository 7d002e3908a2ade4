package dev.nettyws.server;

import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.testsupport.Hex;
import dev.nettyws.testsupport.RawHttpResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A server pipeline in an {@link EmbeddedChannel}: the HTTP handlers given (an {@link HttpServerCodec} by default),
 * the {@link UpgradeHandler} under test named "upgrade" (installing the frame codec and the connection handler on
 * upgrade), and a page handler named "pages" standing for the application's HTTP handlers. The initializer adds a
 * {@link Recorder} named "app" that logs the handshake event and every message in order and passes messages on, so
 * frames end up in the channel's inbound queue.
 */
final class TestServer {
    /**
     * "Hello", masked with the key of RFC 6455 §5.7: a new array each time, as the frame decoder unmasks its input
     * in place.
     */
    static byte[] maskedHello() {
        return Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58");
    }

    final EmbeddedChannel channel;
    final Recorder app = new Recorder();
    final Pages pages = new Pages();
    HandshakeCompletedEvent initialized;
    String initializedAfter;
    /** Thrown by the initializer after it added the app handler, when set. */
    RuntimeException initializerFailure;

    TestServer(ServerHandshakeConfig config, ChannelHandler... httpHandlers) {
        this(config, ServerExtensionNegotiator.NONE, httpHandlers);
    }

    TestServer(ServerHandshakeConfig config, ServerExtensionNegotiator negotiator, ChannelHandler... httpHandlers) {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        if (httpHandlers.length == 0) {
            httpHandlers = new ChannelHandler[] {new HttpServerCodec()};
        }
        for (int i = 0; i < httpHandlers.length; i++) {
            channel.pipeline().addLast("http" + i, httpHandlers[i]);
        }
        channel.pipeline().addLast("upgrade", new UpgradeHandler(endpoint(config), negotiator,
            (pipeline, afterName, handshake) -> {
                initialized = handshake;
                initializedAfter = afterName;
                pipeline.addAfter(afterName, "app", app);
                if (initializerFailure != null) {
                    throw initializerFailure;
                }
            }));
        channel.pipeline().addLast("pages", pages);
    }

    /**
     * The endpoint around a handshake configuration: without aggregation, idle timeout and write limits, so that the
     * switched pipeline is the frame codec and the connection handler only.
     */
    static WebSocketServerConfig endpoint(ServerHandshakeConfig handshake) {
        return WebSocketServerConfig.builder().handshake(handshake).aggregate(false)
            .connection(ConnectionConfig.builder().idleTimeout(Duration.ZERO).writeStallTimeout(Duration.ZERO)
                .maxPendingWriteBytes(0).build())
            .build();
    }

    static TestServer at(String path) {
        return new TestServer(ServerHandshakeConfig.builder().path(path).build());
    }

    /** Writes raw bytes inbound. */
    TestServer send(ByteBuf bytes) {
        channel.writeInbound(bytes);
        return this;
    }

    TestServer send(byte[] bytes) {
        return send(Unpooled.wrappedBuffer(bytes));
    }

    TestServer send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads and releases everything written so far, parsed as one response. */
    RawHttpResponse response() {
        return RawHttpResponse.read(channel);
    }

    /** The handler names between head and tail. */
    List<String> names() {
        return new ArrayList<>(channel.pipeline().toMap().keySet());
    }

    /** A masked text frame (RFC 6455 §5.3) with a fixed key. */
    static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            throw new IllegalArgumentException("short texts only");
        }
        byte[] key = {0x12, 0x34, 0x56, 0x78};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(key, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ key[i & 3]);
        }
        return frame;
    }

    /** Logs the handshake event and each message in the order they arrive, and passes messages on. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> log = new ArrayList<>();
        HandshakeCompletedEvent event;
        /** Run when the handshake event arrives, when set. */
        Consumer<ChannelHandlerContext> onHandshake;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeCompletedEvent) {
                event = (HandshakeCompletedEvent) evt;
                log.add("handshake");
                if (onHandshake != null) {
                    onHandshake.accept(ctx);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            log.add(msg.getClass().getSimpleName());
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * The application's HTTP handler: answers each request with 200 and "page " + its URI, once its body has
     * arrived (or on its head, with {@link #answerOnHead}) or, when {@link #hold} is set, on {@link #answerHeld()};
     * passes everything else on.
     */
    static final class Pages extends ChannelInboundHandlerAdapter {
        final List<String> requests = new ArrayList<>();
        boolean hold;
        /** Answers on the request head, before its body, as a page handler ignoring bodies does. */
        boolean answerOnHead;
        private final List<String> held = new ArrayList<>();
        private ChannelHandlerContext ctx;
        private String uri;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        /** Answers the held requests, in order. */
        void answerHeld() {
            for (String heldUri : held) {
                ctx.writeAndFlush(page(heldUri));
            }
            held.clear();
        }

        private static FullHttpResponse page(String uri) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("page " + uri, CharsetUtil.UTF_8));
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            return response;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                uri = ((HttpRequest) msg).uri();
                requests.add(((HttpRequest) msg).method() + " " + uri);
                if (answerOnHead) {
                    ReferenceCountUtil.release(msg);
                    ctx.writeAndFlush(page(uri));
                    return;
                }
            }
            if (!(msg instanceof HttpRequest) && !(msg instanceof HttpContent)) {
                ctx.fireChannelRead(msg);
                return;
            }
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last && !answerOnHead) {
                if (hold) {
                    held.add(uri);
                } else {
                    ctx.writeAndFlush(page(uri));
                }
            }
        }
    }
}
