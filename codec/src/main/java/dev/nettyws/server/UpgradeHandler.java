package dev.nettyws.server;

import static dev.nettyws.internal.HeaderNames.CONNECTION;
import static dev.nettyws.internal.HeaderNames.CONTENT_LENGTH;
import static dev.nettyws.internal.HeaderNames.CONTENT_TYPE;
import static dev.nettyws.internal.HeaderNames.SEC_WEBSOCKET_ACCEPT;
import static dev.nettyws.internal.HeaderNames.SEC_WEBSOCKET_EXTENSIONS;
import static dev.nettyws.internal.HeaderNames.SEC_WEBSOCKET_PROTOCOL;
import static dev.nettyws.internal.HeaderNames.UPGRADE;

import dev.nettyws.PeerText;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.HandshakeInterceptor;
import dev.nettyws.handshake.HandshakeRejection;
import dev.nettyws.handshake.HandshakeRequest;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.internal.ServerHandshake;
import dev.nettyws.internal.WebSocketPipeline;
import dev.nettyws.protocol.HandlerNames;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecoder;
import io.netty.handler.codec.http.HttpContentEncoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpObjectEncoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 front end of a WebSocket endpoint (RFC 6455 §4.2), placed right after Netty's {@link HttpServerCodec}
 * (an {@link HttpObjectAggregator} may sit in between; {@link WebSocketServer#install} puts it there). Requests for
 * other paths go on to the application's HTTP handlers behind it, so one port serves pages and WebSockets. For the
 * endpoint's path it turns the request into a {@link HandshakeRequest}, lets the transport-neutral handshake core
 * decide, and writes the refusal (a short plain-text reason, then the connection closes) or the {@code 101}.
 *
 * <p>On acceptance it installs the WebSocket handlers (see {@link HandlerNames}) right after itself, calls the
 * {@link WebSocketInitializer}, writes the 101, removes the HTTP handlers in front, fires the
 * {@link HandshakeCompletedEvent} and removes itself. Why it acts on the request head at once: what follows the
 * head is frames, so the HTTP decoder must not parse it; the removed decoder hands those bytes over and they are held
 * until the event is out, so the application sees the event before any frame.
 *
 * <p>Why it watches responses: an upgrade pipelined behind an unanswered request could not get its 101 in order
 * (refused with 400 once the earlier responses are written), and the timer below depends on them. Requests the HTTP
 * decoder could not parse are answered here on any path (431, 414, 400).
 *
 * <p>Why one timer runs from the accept until the upgrade, whatever the client does: while no request is under way
 * and no response owed, {@link dev.nettyws.handshake.ServerHandshakeConfig#handshakeTimeout()} bounds the wait for
 * the next request head (408, then close); from the head of a request for another path until its body has arrived
 * and every response owed is written, {@link dev.nettyws.handshake.ServerHandshakeConfig#httpExchangeTimeout()}
 * (close without an answer, one may be under way); after a refusal, the handshake timeout again for the answer to be
 * written. So no client holds a connection by sending, or reading, slowly.
 *
 * <p>One instance per channel, not sharable; every method runs on the channel's event loop, and so do the
 * {@link HandshakeInterceptor} and the {@link WebSocketInitializer}. Messages passed through belong to the next
 * handler; this one releases what it consumes: the upgrade request (and its empty {@link LastHttpContent}), and
 * everything that arrives after a refusal.
 */
public class UpgradeHandler extends ChannelDuplexHandler {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(UpgradeHandler.class);

    /** What this handler does with the next inbound message. */
    private enum State {
        /** Waiting for a request head. */
        IDLE,
        /** Passing on the content of a request for another path. */
        PASS_THROUGH,
        /** A request was refused; everything inbound is released until the connection closes. */
        REFUSED,
        /** The pipeline was switched; waiting for the upgrade request's LastHttpContent to leave. */
        SWITCHED
    }

    private final WebSocketServerConfig config;
    private final ServerExtensionNegotiator negotiator;
    private final WebSocketInitializer initializer;

    private State state = State.IDLE;
    private boolean accepted;
    private ScheduledFuture<?> timeout;
    /** Requests passed to the application whose final response has not been written yet. */
    private int pendingResponses;
    private final FinalResponses responses = new FinalResponses();
    /** A refusal waiting for the responses to earlier, pipelined requests. */
    private HandshakeRejection deferredRejection;
    /** Inbound messages held during the switch, until the event has been fired; null outside it. */
    private List<Object> held;
    private boolean readCompleteHeld;
    /** Whether the upgrade request's LastHttpContent arrived while messages were held. */
    private boolean lastContentSeen;

    /**
     * Creates the handler for one channel.
     *
     * @param config the endpoint: handshake, framing, connection, aggregation and compression settings
     * @param initializer adds the application's WebSocket handlers
     */
    public UpgradeHandler(WebSocketServerConfig config, WebSocketInitializer initializer) {
        this(config, config.extensionNegotiator(), initializer);
    }

    /** With an extension negotiator of its own instead of the configuration's compression. */
    UpgradeHandler(WebSocketServerConfig config, ServerExtensionNegotiator negotiator,
            WebSocketInitializer initializer) {
        this.config = Objects.requireNonNull(config, "config");
        this.negotiator = Objects.requireNonNull(negotiator, "negotiator");
        this.initializer = Objects.requireNonNull(initializer, "initializer");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            onAccept(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        onAccept(ctx);
        ctx.fireChannelActive();
    }

    private void onAccept(ChannelHandlerContext ctx) {
        if (!accepted) {
            accepted = true;
            startTimeout(ctx, config.handshake().handshakeTimeout());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        releaseHeld();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case IDLE:
                if (msg instanceof HttpRequest) {
                    onRequest(ctx, (HttpRequest) msg);
                } else {
                    ctx.fireChannelRead(msg);
                }
                return;
            case PASS_THROUGH:
                if (msg instanceof LastHttpContent) {
                    state = State.IDLE;
                    ctx.fireChannelRead(msg);
                    if (pendingResponses == 0 && state == State.IDLE) {
                        startTimeout(ctx, config.handshake().handshakeTimeout());
                    }
                } else {
                    ctx.fireChannelRead(msg);
                }
                return;
            case REFUSED:
                ReferenceCountUtil.release(msg);
                return;
            default:
                onSwitchedRead(ctx, msg);
        }
    }

    private void onSwitchedRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent) {
            // The empty LastHttpContent the HTTP decoder emitted with the request: HTTP, not WebSocket.
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                if (held == null) {
                    removeSelf(ctx);
                } else {
                    lastContentSeen = true;
                }
            }
        } else if (held != null) {
            held.add(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (held != null) {
            readCompleteHeld = true;
            return;
        }
        ctx.fireChannelReadComplete();
        if (state == State.SWITCHED) {
            // The request's LastHttpContent comes in the same read as the request; a read that ended without it
            // means it was never produced (an HTTP decoder other than Netty's), so stop waiting for it.
            removeSelf(ctx);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (responses.ends(msg) && pendingResponses > 0) {
            ctx.write(msg, promise);
            if (--pendingResponses == 0) {
                onResponsesWritten(ctx);
            }
            return;
        }
        ctx.write(msg, promise);
    }

    private void onResponsesWritten(ChannelHandlerContext ctx) {
        if (deferredRejection != null) {
            HandshakeRejection rejection = deferredRejection;
            deferredRejection = null;
            sendRejection(ctx, rejection);
        } else if (state == State.IDLE) {
            startTimeout(ctx, config.handshake().handshakeTimeout());
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            refuse(ctx, request, decoderFailure(result.cause()));
            return;
        }
        if (!config.handshake().matchesPath(request.uri())) {
            startTimeout(ctx, config.handshake().httpExchangeTimeout());
            pendingResponses++;
            if (!(request instanceof LastHttpContent)) {
                state = State.PASS_THROUGH;
            }
            ctx.fireChannelRead(request);
            return;
        }
        if (pendingResponses > 0) {
            refuse(ctx, request, HandshakeRejection.of(HttpResponseStatus.BAD_REQUEST,
                "upgrade request pipelined behind an unanswered request"));
            return;
        }
        ServerHandshake decision = ServerHandshake.evaluate(config.handshake(), negotiator,
            handshakeRequest(ctx, request), ctx.channel());
        if (decision.rejection != null) {
            refuse(ctx, request, decision.rejection);
        } else {
            upgrade(ctx, request, decision);
        }
    }

    /** The transport-neutral view of an HTTP/1.1 upgrade request. */
    private static HandshakeRequest handshakeRequest(ChannelHandlerContext ctx, HttpRequest request) {
        HttpHeaders headers = request.headers();
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        String scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
        return new HandshakeRequest(request.method().name(), request.uri(), hosts.size() == 1 ? hosts.get(0) : null,
            headers, request.protocolVersion().text(), scheme);
    }

    private static HandshakeRejection decoderFailure(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return HandshakeRejection.of(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                "request headers too large");
        }
        if (cause instanceof TooLongHttpLineException) {
            return HandshakeRejection.of(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        return HandshakeRejection.of(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
    }

    private void refuse(ChannelHandlerContext ctx, Object request, HandshakeRejection rejection) {
        state = State.REFUSED;
        ReferenceCountUtil.release(request);
        if (pendingResponses > 0) {
            // The exchange timer keeps running: the earlier responses must be written in time.
            deferredRejection = rejection;
        } else {
            sendRejection(ctx, rejection);
        }
    }

    /**
     * Writes the error response (through the HTTP encoder) and closes the connection once it is written, or when the
     * handshake timeout runs out first (a client that does not read its answer).
     */
    private void sendRejection(ChannelHandlerContext ctx, HandshakeRejection rejection) {
        startTimeout(ctx, config.handshake().handshakeTimeout());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, rejection.status(),
            Unpooled.copiedBuffer(rejection.reason(), CharsetUtil.UTF_8));
        HttpHeaders headers = response.headers();
        headers.add(rejection.headers());
        headers.set(CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.setInt(CONTENT_LENGTH, response.content().readableBytes());
        // A response that names a protocol in Upgrade must list "upgrade" in Connection (RFC 9110 §7.8).
        headers.set(CONNECTION, headers.contains(UPGRADE) ? "Upgrade, close" : "close");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request, ServerHandshake decision) {
        ChannelPipeline pipeline = ctx.pipeline();
        FullHttpResponse response = switchingProtocols(decision);
        HandshakeCompletedEvent event = decision.completedEvent(response.headers());
        try {
            String last = WebSocketPipeline.install(pipeline, ctx.name(), config, decision.extensions, event);
            initializer.initialize(pipeline, last, event);
        } catch (Throwable t) {
            LOGGER.warn("{} WebSocket initializer failed; refusing the handshake", ctx.channel(),
                PeerText.forLog(t));
            response.release();
            refuse(ctx, request, HandshakeRejection.of(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "handshake failed"));
            return;
        }

        state = State.SWITCHED;
        cancelTimeout();
        held = new ArrayList<>(2);
        try {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            // Removing the HTTP decoder hands its unread bytes (pipelined frames) to us; they are held below.
            removeHttpHandlers(pipeline, ctx);
            if (pipeline.context(HandlerNames.NOT_FOUND) != null) {
                // No HTTP request follows a switch: the 404 handler would only cost a context per connection.
                pipeline.remove(HandlerNames.NOT_FOUND);
            }
            ctx.fireUserEventTriggered(event);
        } finally {
            List<Object> messages = held;
            held = null;
            for (Object message : messages) {
                ctx.fireChannelRead(message);
            }
            if (readCompleteHeld) {
                readCompleteHeld = false;
                ctx.fireChannelReadComplete();
            }
        }
        boolean whole = request instanceof LastHttpContent;
        ReferenceCountUtil.release(request);
        if (whole || lastContentSeen) {
            removeSelf(ctx);
        }
    }

    private static FullHttpResponse switchingProtocols(ServerHandshake decision) {
        // No trailers: a 101 has no body, so an empty set saves a header table per handshake.
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER,
            DefaultHttpHeadersFactory.headersFactory().newHeaders(), EmptyHttpHeaders.INSTANCE);
        HttpHeaders headers = response.headers();
        headers.add(UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.add(CONNECTION, "Upgrade");
        headers.add(SEC_WEBSOCKET_ACCEPT, decision.accept);
        if (decision.subprotocol != null) {
            headers.add(SEC_WEBSOCKET_PROTOCOL, decision.subprotocol);
        }
        if (decision.extensions != null) {
            headers.add(SEC_WEBSOCKET_EXTENSIONS, decision.extensions.responseHeaderValue());
        }
        return response;
    }

    /** Removes the HTTP/1.1 handlers between the head and this handler, nearest first. */
    private static void removeHttpHandlers(ChannelPipeline pipeline, ChannelHandlerContext ctx) {
        List<String> names = pipeline.names();
        for (int i = names.indexOf(ctx.name()) - 1; i >= 0; i--) {
            ChannelHandler handler = pipeline.get(names.get(i));
            if (handler != null && isHttpHandler(handler)) {
                pipeline.remove(handler);
            }
        }
    }

    private static boolean isHttpHandler(ChannelHandler handler) {
        return handler instanceof HttpServerCodec || handler instanceof HttpObjectDecoder
            || handler instanceof HttpObjectEncoder || handler instanceof HttpObjectAggregator
            || handler instanceof HttpContentEncoder || handler instanceof HttpContentDecoder
            || handler instanceof HttpServerKeepAliveHandler || handler instanceof HttpServerExpectContinueHandler;
    }

    private void removeSelf(ChannelHandlerContext ctx) {
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    /** (Re)starts the one timer of this handler. */
    private void startTimeout(ChannelHandlerContext ctx, Duration delay) {
        cancelTimeout();
        timeout = ctx.executor().schedule(() -> onTimeout(ctx), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void onTimeout(ChannelHandlerContext ctx) {
        timeout = null;
        if (!ctx.channel().isActive() || state == State.SWITCHED) {
            return;
        }
        if (state == State.IDLE && pendingResponses == 0) {
            state = State.REFUSED;
            sendRejection(ctx, HandshakeRejection.of(HttpResponseStatus.REQUEST_TIMEOUT, "handshake timed out"));
            return;
        }
        // A request still arriving, a response still owed, or an answer the client does not read: no response can
        // be put in between, so the connection just ends.
        LOGGER.debug("{} HTTP exchange timed out ({}); closing", ctx.channel(), state);
        state = State.REFUSED;
        ctx.close();
    }

    private void releaseHeld() {
        if (held != null) {
            for (Object message : held) {
                ReferenceCountUtil.release(message);
            }
            held.clear();
        }
    }
}
