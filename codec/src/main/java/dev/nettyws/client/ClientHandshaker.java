package dev.nettyws.client;

import dev.nettyws.PeerText;
import dev.nettyws.handshake.ClientHandshakeException;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.HandshakeRequest;
import dev.nettyws.handshake.WebSocketInitializer;
import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.HeaderNames;
import dev.nettyws.internal.HttpTokens;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.internal.WebSocketAccept;
import dev.nettyws.internal.WebSocketPipeline;
import dev.nettyws.internal.deflate.PerMessageDeflateClientNegotiator;
import dev.nettyws.protocol.HandlerNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the opening handshake (RFC 6455 §4.1) over HTTP/1.1, the counterpart of the server's
 * {@link dev.nettyws.server.UpgradeHandler}: alone, or right after an {@code SslHandler} for {@code wss}, it puts
 * Netty's {@link HttpClientCodec} in front of itself ({@value HandlerNames#CLIENT_HTTP_CODEC}), sends the request
 * when the channel becomes active (a fresh {@code Sec-WebSocket-Key} from a {@link SecureRandom} for every
 * connection; the configuration's origin, subprotocols, extension offers with permessage-deflate's last, and extra
 * headers), and validates the answer by every rule of §4.1 and RFC 7692 §7. The first broken rule, a connection
 * that ends first or the handshake timeout (which runs from registration, so it covers TCP and TLS too) fails the
 * {@link #handshakeFuture()} with a {@link ClientHandshakeException} naming the rule, and closes the connection.
 *
 * <p>On a valid answer it installs the WebSocket handlers (see {@link HandlerNames}), calls the
 * {@link WebSocketInitializer}, removes the HTTP codec, fires the {@link HandshakeCompletedEvent}, completes the
 * future and removes itself. The application's handlers are added only then, so nothing writes a frame before the
 * answer (§4.1: the client "MUST wait for a response from the server"); frames that arrived with the answer are
 * held until the event is out.
 *
 * <p>One instance per channel, not sharable; every method runs on the channel's event loop, and so do the
 * initializer and the future's listeners. This handler releases what it consumes: the HTTP response and its
 * content, and whatever arrives after a failure.
 */
public class ClientHandshaker extends ChannelInboundHandlerAdapter {
    private static final SecureRandom KEYS = new SecureRandom();
    private static final AsciiString WEBSOCKET = AsciiString.cached("websocket");
    private static final AsciiString UPGRADE = AsciiString.cached("Upgrade");
    private static final AsciiString VERSION_13 = AsciiString.cached("13");
    // Request header names in the capitalisation of RFC 6455; HeaderNames has the response's.
    private static final AsciiString HOST = AsciiString.cached("Host");
    private static final AsciiString ORIGIN = AsciiString.cached("Origin");
    private static final AsciiString SEC_WEBSOCKET_KEY = AsciiString.cached("Sec-WebSocket-Key");

    /** Where the handshake is. */
    private enum State {
        /** The request has not been sent (the channel is not active yet). */
        NEW,
        /** The request was sent; waiting for the response head. */
        AWAITING_RESPONSE,
        /** The response head was valid; waiting for the end of the response to switch. */
        AWAITING_END,
        /** Switching the pipeline; bytes handed over by the HTTP decoder are held. */
        SWITCHING,
        /** Switched; this handler is being removed. */
        DONE,
        /** Failed; everything inbound is released until the connection closes. */
        FAILED
    }

    private final URI uri;
    private final WebSocketClientConfig config;
    private final WebSocketInitializer initializer;

    private State state = State.NEW;
    private HttpClientCodec codec;
    private Promise<HandshakeCompletedEvent> handshakePromise;
    private ScheduledFuture<?> timeout;
    private String key;
    private FullHttpRequest request;
    private HandshakeCompletedEvent completed;
    private ServerExtensionNegotiator.Negotiated extensions;
    /** Bytes after the 101 response, handed over by the removed HTTP decoder during the switch. */
    private ByteBuf held;

    /**
     * Creates a handshaker for one connection.
     *
     * @param uri a {@code ws} or {@code wss} URI with a host and without a fragment (§3)
     * @param config the client's settings (its transport, group and TLS settings are not used here)
     * @param initializer adds the application's handlers on success
     * @throws IllegalArgumentException if the URI is not a WebSocket URI
     */
    public ClientHandshaker(URI uri, WebSocketClientConfig config, WebSocketInitializer initializer) {
        this.uri = checkUri(uri);
        this.config = Objects.requireNonNull(config, "config");
        this.initializer = Objects.requireNonNull(initializer, "initializer");
    }

    /**
     * Checks that {@code uri} is a WebSocket URI (§3): scheme {@code ws} or {@code wss} (case-insensitive), a host,
     * no fragment.
     *
     * @param uri the URI
     * @return the URI
     * @throws IllegalArgumentException if it is not
     */
    public static URI checkUri(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme();
        if (scheme == null || !"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URI has no host: " + uri);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a WebSocket URI must not have a fragment (RFC 6455 §3): " + uri);
        }
        return uri;
    }

    /** Whether {@code uri} (already checked) is a {@code wss} URI. */
    public static boolean isSecure(URI uri) {
        return "wss".equalsIgnoreCase(uri.getScheme());
    }

    /** The port of {@code uri} (already checked), or the scheme's default: 80 for {@code ws}, 443 for {@code wss}. */
    public static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : isSecure(uri) ? 443 : 80;
    }

    /**
     * Completes when the handshake succeeded, with what was negotiated, or fails with a
     * {@link ClientHandshakeException}; listeners run on the channel's event loop.
     *
     * @throws IllegalStateException before this handler has been added to a pipeline
     */
    public Future<HandshakeCompletedEvent> handshakeFuture() {
        if (handshakePromise == null) {
            throw new IllegalStateException("not added to a pipeline yet");
        }
        return handshakePromise;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        handshakePromise = ctx.executor().newPromise();
        codec = new HttpClientCodec();
        ctx.pipeline().addBefore(ctx.name(), HandlerNames.CLIENT_HTTP_CODEC, codec);
        if (ctx.channel().isRegistered()) {
            startTimeout(ctx);
        }
        if (ctx.channel().isActive()) {
            sendRequest(ctx);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
        ByteBuf bytes = held;
        held = null;
        if (state == State.DONE) {
            if (bytes != null) {
                ctx.fireChannelRead(bytes);
                ctx.fireChannelReadComplete();
            }
            return;
        }
        if (bytes != null) {
            bytes.release();
        }
        if (handshakePromise != null && !handshakePromise.isDone()) {
            state = State.FAILED;
            handshakePromise.tryFailure(new ClientHandshakeException(prefix()
                + "the handshaker was removed before the handshake completed", -1, null));
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        startTimeout(ctx);
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sendRequest(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(ctx, "the connection closed before the handshake completed", -1, null);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.FAILED || state == State.DONE) {
            return;
        }
        fail(ctx, String.valueOf(cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage()), -1,
            cause);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // During the switch the bytes held here have not been passed on yet; handlerRemoved signals after them.
        if (state != State.SWITCHING) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case AWAITING_RESPONSE:
                if (msg instanceof HttpResponse) {
                    onResponseHead(ctx, (HttpResponse) msg);
                }
                if (msg instanceof LastHttpContent && state == State.AWAITING_END) {
                    ReferenceCountUtil.release(msg);
                    switchPipeline(ctx);
                    return;
                }
                ReferenceCountUtil.release(msg);
                return;
            case AWAITING_END:
                ReferenceCountUtil.release(msg);
                if (msg instanceof LastHttpContent) {
                    switchPipeline(ctx);
                }
                return;
            case SWITCHING:
                if (msg instanceof ByteBuf) {
                    hold((ByteBuf) msg);
                } else {
                    ReferenceCountUtil.release(msg);
                }
                return;
            case DONE:
                ctx.fireChannelRead(msg);
                return;
            default:
                // NEW (nothing can be read before the request), FAILED: drop.
                ReferenceCountUtil.release(msg);
        }
    }

    private void hold(ByteBuf bytes) {
        if (held == null) {
            held = bytes;
        } else {
            held = Unpooled.wrappedBuffer(held, bytes);
        }
    }

    private void startTimeout(ChannelHandlerContext ctx) {
        if (timeout != null || state == State.FAILED || state == State.DONE) {
            return;
        }
        long millis = config.handshake().handshakeTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> fail(ctx, "no valid response within " + millis + " ms (timeout)",
            -1, null), millis, TimeUnit.MILLISECONDS);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void sendRequest(ChannelHandlerContext ctx) {
        if (state != State.NEW) {
            return;
        }
        state = State.AWAITING_RESPONSE;
        key = newKey();
        request = newRequest();
        ctx.writeAndFlush(request).addListener(future -> {
            if (!future.isSuccess()) {
                fail(ctx, "could not send the request: " + future.cause(), -1, future.cause());
            }
        });
    }

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64-encoded (§4.1 item 7). */
    private static String newKey() {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    private FullHttpRequest newRequest() {
        URI ascii = URI.create(uri.toASCIIString());
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String target = ascii.getRawQuery() == null ? path : path + '?' + ascii.getRawQuery();
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add(HOST, hostHeader(ascii));
        headers.add(HeaderNames.UPGRADE, WEBSOCKET);
        headers.add(HeaderNames.CONNECTION, UPGRADE);
        headers.add(SEC_WEBSOCKET_KEY, key);
        headers.add(HeaderNames.SEC_WEBSOCKET_VERSION, VERSION_13);
        if (config.handshake().origin() != null) {
            headers.add(ORIGIN, config.handshake().origin());
        }
        if (!config.handshake().subprotocols().isEmpty()) {
            headers.add(HeaderNames.SEC_WEBSOCKET_PROTOCOL, String.join(", ", config.handshake().subprotocols()));
        }
        List<String> offers = extensionOffers();
        if (!offers.isEmpty()) {
            headers.add(HeaderNames.SEC_WEBSOCKET_EXTENSIONS, String.join(", ", offers));
        }
        headers.add(config.handshake().headers());
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target, Unpooled.EMPTY_BUFFER,
            headers, HttpHeaders.EMPTY_HEADERS);
    }

    /** The handshake's own extension offers, then permessage-deflate's when compressing. */
    private List<String> extensionOffers() {
        PerMessageDeflateClientNegotiator deflate = config.deflateNegotiator();
        if (deflate == null) {
            return config.handshake().extensions();
        }
        List<String> offers = new ArrayList<>(config.handshake().extensions());
        offers.add(deflate.offer());
        return offers;
    }

    /** §4.1 item 4: host, and the port only when it is not the scheme's default. */
    private static String hostHeader(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        int defaultPort = isSecure(uri) ? 443 : 80;
        return port < 0 || port == defaultPort ? host : host + ':' + port;
    }

    /** Checks the response head (§4.1); on success moves to AWAITING_END with the event ready. */
    private void onResponseHead(ChannelHandlerContext ctx, HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            Throwable cause = response.decoderResult().cause();
            fail(ctx, "the response is not valid HTTP: " + cause.getMessage(), -1, cause);
            return;
        }
        HttpResponseStatus status = response.status();
        if (status.codeClass() == HttpStatusClass.INFORMATIONAL
                && status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            // An interim response (100, 102, 103): the real answer follows (RFC 9110 §15.2).
            return;
        }
        if (status.code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            fail(ctx, "the server answered " + status.code() + ' ' + status.reasonPhrase()
                + " instead of 101 Switching Protocols", status.code(), null);
            return;
        }
        String problem = validate(response.headers());
        if (problem != null) {
            fail(ctx, problem, status.code(), null);
            return;
        }
        completed = completedEvent(response.headers());
        state = State.AWAITING_END;
    }

    /** What the application learns: the request sent, the 101's headers, subprotocol and extensions. */
    private HandshakeCompletedEvent completedEvent(HttpHeaders responseHeaders) {
        QueryStringDecoder target = new QueryStringDecoder(request.uri());
        HandshakeRequest sent = new HandshakeRequest(request.method().name(), request.uri(),
            request.headers().get(HttpHeaderNames.HOST), request.headers(), HandshakeRequest.HTTP_1_1,
            isSecure(uri) ? "https" : "http");
        List<String> accepted = responseHeaders.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        return new HandshakeCompletedEvent(sent, target.path(), target.parameters(), responseHeaders,
            responseHeaders.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL),
            accepted.isEmpty() ? null : String.join(", ", accepted));
    }

    /** The first rule of §4.1 the 101 response's headers break, or null. */
    private String validate(HttpHeaders headers) {
        List<String> upgrade = HttpTokens.elements(headers.getAll(HttpHeaderNames.UPGRADE));
        if (upgrade.isEmpty()) {
            return "the response has no Upgrade header";
        }
        if (upgrade.size() != 1 || !WEBSOCKET.contentEqualsIgnoreCase(upgrade.get(0))) {
            return "the response's Upgrade header is \"" + String.join(", ", upgrade) + "\", not \"websocket\"";
        }
        List<String> connection = HttpTokens.elements(headers.getAll(HttpHeaderNames.CONNECTION));
        if (connection.isEmpty()) {
            return "the response has no Connection header";
        }
        if (connection.stream().noneMatch(UPGRADE::contentEqualsIgnoreCase)) {
            return "the response's Connection header \"" + String.join(", ", connection)
                + "\" lacks the token \"Upgrade\"";
        }
        List<String> accept = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
        String expected = WebSocketAccept.of(key);
        if (accept.isEmpty()) {
            return "the response has no Sec-WebSocket-Accept header";
        }
        if (accept.size() != 1 || !expected.equals(accept.get(0).trim())) {
            return "the response's Sec-WebSocket-Accept is \"" + String.join(", ", accept) + "\", expected \""
                + expected + '"';
        }
        List<String> protocols = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (protocols.size() > 1) {
            return "the response selects more than one subprotocol: " + protocols;
        }
        if (protocols.size() == 1 && !config.handshake().subprotocols().contains(protocols.get(0))) {
            return "the server selected subprotocol \"" + protocols.get(0) + "\", which was not offered (offered: "
                + config.handshake().subprotocols() + ')';
        }
        List<ExtensionOffer> extensions;
        try {
            extensions = ExtensionOffer.parse(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
        } catch (IllegalArgumentException e) {
            return "the response's Sec-WebSocket-Extensions is malformed: " + e.getMessage();
        }
        List<String> offered = new ArrayList<>();
        for (ExtensionOffer offer : ExtensionOffer.parse(extensionOffers())) {
            offered.add(offer.name().toLowerCase(Locale.ROOT));
        }
        for (ExtensionOffer extension : extensions) {
            if (!offered.contains(extension.name().toLowerCase(Locale.ROOT))) {
                return "the server accepted extension \"" + extension.name() + "\", which was not offered";
            }
        }
        if (config.deflateNegotiator() != null) {
            try {
                this.extensions = config.deflateNegotiator().negotiated(extensions, config.frames());
            } catch (IllegalArgumentException e) {
                return "the response's permessage-deflate parameters are invalid (RFC 7692 §7): " + e.getMessage();
            }
        }
        return null;
    }

    private void switchPipeline(ChannelHandlerContext ctx) {
        cancelTimeout();
        state = State.SWITCHING;
        ChannelPipeline pipeline = ctx.pipeline();
        try {
            String last = WebSocketPipeline.install(pipeline, ctx.name(), config, extensions, completed);
            initializer.initialize(pipeline, last, completed);
        } catch (Throwable t) {
            fail(ctx, "the initializer failed: " + t, HttpResponseStatus.SWITCHING_PROTOCOLS.code(), t);
            return;
        }
        // The removed HTTP decoder hands the bytes after the response to this handler (held until the event).
        pipeline.remove(codec);
        state = State.DONE;
        ctx.fireUserEventTriggered(completed);
        // Out of the pipeline before the future completes: its listeners see the pipeline as it stays.
        if (!ctx.isRemoved()) {
            pipeline.remove(this);
        }
        handshakePromise.trySuccess(completed);
    }

    private void fail(ChannelHandlerContext ctx, String problem, int status, Throwable cause) {
        if (state == State.FAILED || state == State.DONE) {
            return;
        }
        state = State.FAILED;
        cancelTimeout();
        if (held != null) {
            held.release();
            held = null;
        }
        // The problem quotes the server's reason phrase and header values: made safe for whoever logs the message.
        handshakePromise.tryFailure(new ClientHandshakeException(prefix() + PeerText.forLog(problem, 1024), status,
            cause));
        ctx.close();
    }

    private String prefix() {
        return "WebSocket handshake with " + uri + " failed: ";
    }
}
