package dev.nettyws.handshake;

import dev.nettyws.PeerText;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.FrameEncoder;
import dev.nettyws.frame.Role;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentDecoder;
import io.netty.handler.codec.http.HttpContentEncoder;
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
 * The server side of the opening handshake (RFC 6455 §4.2): answers WebSocket upgrade requests for one endpoint
 * and switches the connection from HTTP to WebSocket frames.
 *
 * <p><b>Place.</b> Right after Netty's {@link HttpServerCodec} (or {@code HttpRequestDecoder} and
 * {@code HttpResponseEncoder}); an {@link HttpObjectAggregator} may sit in between. The application's HTTP handlers
 * go after it: requests for other paths (see {@link ServerHandshakeConfig#matchesPath(String)}) pass through
 * untouched, so one port serves pages and WebSockets, over keep-alive connections on which an upgrade may follow
 * ordinary requests.
 * <pre>
 *   HttpServerCodec - UpgradeDecoder - [application HTTP handlers]
 * </pre>
 *
 * <p><b>The switch.</b> For an accepted request it installs, right after itself, a {@link FrameEncoder} named
 * {@value #ENCODER_NAME} and a {@link FrameDecoder} named {@value #DECODER_NAME} (the encoder on the head side, as
 * the decoder writes its close frames through it), then the negotiated extension handlers, then calls the
 * {@link WebSocketInitializer} to add the rest. It writes {@code 101 Switching Protocols} through the still
 * present HTTP encoder, removes the HTTP handlers in front of it (the codec, an aggregator, content compressors,
 * keep-alive and expect-continue handlers; others stay), fires a {@link HandshakeCompletedEvent} and removes
 * itself. It acts on the {@link HttpRequest} as soon as the HTTP decoder emits it, so the decoder never parses
 * what follows the request: a removed {@code ByteToMessageDecoder} hands its unread bytes to the next handler,
 * and this handler holds them until the event has been fired and then forwards them to the frame decoder. Frames
 * that arrive in the same read as the request, or split across reads, are therefore decoded exactly once, after
 * the event. Handlers after this one (the application's HTTP handlers) stay in the pipeline after the WebSocket
 * handlers; the application's WebSocket handler normally consumes every frame, so they see none.
 *
 * <p><b>Refusals.</b> A request for the endpoint that breaks a rule of RFC 6455 §4.2.1, or is refused by the origin
 * policy, the subprotocol requirement or the interceptor, is answered with an HTTP error carrying a short plain-text
 * reason and {@code Connection: close}, and the connection is closed once the answer is written; nothing is upgraded.
 * The codes: 405 (with {@code Allow: GET}) for a method other than GET; 426 for a missing {@code Upgrade: websocket} or
 * an unsupported {@code Sec-WebSocket-Version} (with {@code Sec-WebSocket-Version: 13}, so the obsolete draft-76
 * handshake gets 426 too); 403 for a refused or missing-but-required origin; the interceptor's own status; 500 when the
 * interceptor, the extension negotiator or the initializer throws; 400 for every other rule (HTTP/1.0, Host,
 * Connection, Sec-WebSocket-Key, a body, a required subprotocol). A request the HTTP decoder could not parse, on any
 * path, is answered here too (the application would otherwise see a dummy request): 431 when its headers exceed the
 * codec's limit, 414 when its request line does, 400 otherwise. If the upgrade request arrives pipelined behind a
 * request whose response is still outstanding, the 101 could not be sent in order: it is refused with 400 once the
 * earlier responses are written.
 *
 * <p><b>Timeouts.</b> A timer runs from the moment the connection is accepted ({@code channelActive}, or
 * {@code handlerAdded} on an active channel) until the upgrade, whatever the client does:
 * <ul>
 *   <li>while no request is under way and no response owed, {@link ServerHandshakeConfig#handshakeTimeout()}
 *       for the next request head (after accept, and again after each plain HTTP exchange); on expiry the client
 *       gets {@code 408 Request Timeout} and the connection closes;</li>
 *   <li>from the head of a request for another path until its body has arrived and every response owed has been
 *       written (this handler watches outbound {@link LastHttpContent}s),
 *       {@link ServerHandshakeConfig#httpExchangeTimeout()}, restarted by each request head; on expiry the
 *       connection closes without an answer, since a response may be under way;</li>
 *   <li>after a refusal (or the 408), {@code handshakeTimeout} again for the answer to be written; then the
 *       connection closes anyway, so a client that does not read its refusal does not keep the connection.</li>
 * </ul>
 *
 * <p><b>Threads and buffers.</b> One instance per channel, not sharable; every method runs on the channel's event
 * loop, and so do the {@link HandshakeInterceptor}, the {@link ServerExtensionNegotiator} and the
 * {@link WebSocketInitializer}. Messages passed through are owned by the next handler as usual. This handler
 * releases what it consumes: the upgrade request (and its empty {@link LastHttpContent}), and everything that
 * arrives after a refusal.
 */
public class UpgradeDecoder extends ChannelDuplexHandler {
    /** The name of the {@link FrameEncoder} installed by the switch. */
    public static final String ENCODER_NAME = "ws-encoder";
    /** The name of the {@link FrameDecoder} installed by the switch. */
    public static final String DECODER_NAME = "ws-decoder";

    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(UpgradeDecoder.class);

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

    private final ServerHandshakeConfig handshake;
    private final FrameConfig frames;
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
     * @param handshake the endpoint and its policies
     * @param frames the settings of the frame encoder and decoder; role {@link Role#SERVER}. RSV bits of
     *     negotiated extensions are added to {@link FrameConfig#allowedRsvBits()} per connection.
     * @param initializer adds the application's WebSocket handlers
     * @throws IllegalArgumentException if {@code frames} is not for a server
     */
    public UpgradeDecoder(ServerHandshakeConfig handshake, FrameConfig frames, WebSocketInitializer initializer) {
        this.handshake = Objects.requireNonNull(handshake, "handshake");
        this.frames = Objects.requireNonNull(frames, "frames");
        this.initializer = Objects.requireNonNull(initializer, "initializer");
        if (frames.role() != Role.SERVER) {
            throw new IllegalArgumentException("frames must have role SERVER: " + frames.role());
        }
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
            startTimeout(ctx, handshake.handshakeTimeout());
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
                        startTimeout(ctx, handshake.handshakeTimeout());
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
            startTimeout(ctx, handshake.handshakeTimeout());
        }
    }

    private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            refuse(ctx, request, decoderFailure(result.cause()));
            return;
        }
        if (!handshake.matchesPath(request.uri())) {
            startTimeout(ctx, handshake.httpExchangeTimeout());
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
        ServerHandshake decision = ServerHandshake.evaluate(handshake, request, ctx.channel());
        if (decision.rejection != null) {
            refuse(ctx, request, decision.rejection);
        } else {
            upgrade(ctx, request, decision);
        }
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
        startTimeout(ctx, handshake.handshakeTimeout());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, rejection.status(),
            Unpooled.copiedBuffer(rejection.reason(), CharsetUtil.UTF_8));
        HttpHeaders headers = response.headers();
        headers.add(rejection.headers());
        headers.set(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        headers.setInt(HeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        // A response that names a protocol in Upgrade must list "upgrade" in Connection (RFC 9110 §7.8).
        headers.set(HeaderNames.CONNECTION, headers.contains(HeaderNames.UPGRADE) ? "Upgrade, close"
            : "close");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request, ServerHandshake decision) {
        ChannelPipeline pipeline = ctx.pipeline();
        FrameConfig config = frames;
        if (decision.extensions != null && decision.extensions.rsvBits() != 0) {
            config = frames.toBuilder().allowedRsvBits(frames.allowedRsvBits() | decision.extensions.rsvBits())
                .build();
        }
        try {
            pipeline.addAfter(ctx.name(), ENCODER_NAME, new FrameEncoder(config));
            pipeline.addAfter(ENCODER_NAME, DECODER_NAME, new FrameDecoder(config));
            String last = DECODER_NAME;
            if (decision.extensions != null) {
                last = decision.extensions.install(pipeline, ENCODER_NAME, DECODER_NAME);
                if (last == null || pipeline.context(last) == null) {
                    throw new IllegalStateException("extension install returned an unknown handler: " + last);
                }
            }
            initializer.initialize(pipeline, last, decision.event);
        } catch (Throwable t) {
            LOGGER.warn("{} WebSocket initializer failed; refusing the handshake", ctx.channel(),
                PeerText.forLog(t));
            refuse(ctx, request, HandshakeRejection.of(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "handshake failed"));
            return;
        }

        state = State.SWITCHED;
        cancelTimeout();
        held = new ArrayList<>(2);
        try {
            ctx.writeAndFlush(switchingProtocols(decision)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            // Removing the HTTP decoder hands its unread bytes (pipelined frames) to us; they are held below.
            removeHttpHandlers(pipeline, ctx);
            ctx.fireUserEventTriggered(decision.event);
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
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
        HttpHeaders headers = response.headers();
        headers.add(HeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.add(HeaderNames.CONNECTION, "Upgrade");
        headers.add(HeaderNames.SEC_WEBSOCKET_ACCEPT, decision.accept);
        if (decision.subprotocol != null) {
            headers.add(HeaderNames.SEC_WEBSOCKET_PROTOCOL, decision.subprotocol);
        }
        if (decision.extensions != null) {
            headers.add(HeaderNames.SEC_WEBSOCKET_EXTENSIONS, decision.extensions.responseHeaderValue());
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
