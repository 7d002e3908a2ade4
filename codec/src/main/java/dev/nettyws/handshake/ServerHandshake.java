package dev.nettyws.handshake;

import dev.nettyws.PeerText;
import dev.nettyws.frame.Frame;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The server's decision on one opening handshake request (RFC 6455 §4.2.1, §4.2.2): every rule checked in order,
 * the first failure refusing the request. Separate from {@link UpgradeDecoder}, which only moves messages and
 * switches the pipeline. Package-private; called on the event loop.
 *
 * <p>Order of the checks, and the answers:
 * <ol>
 *   <li>method GET, else 405 with {@code Allow: GET} (§4.2.1 item 1; RFC 9110 §15.5.6 requires Allow);</li>
 *   <li>HTTP/1.1 or later, else 400 (§4.2.1 item 1);</li>
 *   <li>exactly one {@code Host}, else 400 (§4.2.1 item 2; RFC 9112 §3.2);</li>
 *   <li>an authority that parses (the {@code Host}, or an absolute-form target's, which replaces it, RFC 9112
 *       §3.2.2), else 400; one of {@link ServerHandshakeConfig#allowedHosts()}, else 421 Misdirected Request (RFC
 *       9110 §15.5.20; DNS rebinding);</li>
 *   <li>{@code Upgrade} lists {@code websocket}, else 426 Upgrade Required naming websocket (§4.2.1 item 3;
 *       RFC 9110 §15.5.22: a 426 carries Upgrade): a plain GET of the endpoint gets told what it needs;</li>
 *   <li>{@code Connection} lists {@code upgrade}, else 400 (§4.2.1 item 4);</li>
 *   <li>exactly one {@code Sec-WebSocket-Version: 13}, else 426 with {@code Sec-WebSocket-Version: 13} (§4.2.2
 *       item 4, §4.4). Checked before the key, so the obsolete draft-76 handshake (Key1/Key2, no version) learns
 *       the version it must speak;</li>
 *   <li>exactly one {@code Sec-WebSocket-Key} of 16 bytes in base64, else 400 (§4.2.1 item 5);</li>
 *   <li>no body ({@code Content-Length} above 0, any {@code Transfer-Encoding}, or aggregated content), else 400:
 *       §4.1 describes no body, and bytes after the head must be frames;</li>
 *   <li>a request target that decodes, else 400;</li>
 *   <li>at most one {@code Origin}, else 400; the {@link OriginPolicy}, given the origin the request addressed
 *       (scheme of the connection, the authority above), or {@code allowMissingOrigin}, else 403 (§4.2.2 item 4,
 *       §10.2);</li>
 *   <li>a subprotocol when {@code requireSubprotocol}, else 400 (§4.2.2 item 5.4);</li>
 *   <li>the {@link HandshakeInterceptor}: its rejection, or 500 if it throws;</li>
 *   <li>a well-formed {@code Sec-WebSocket-Extensions} when a negotiator is configured, else 400; the negotiator's
 *       choice, 500 if it throws or accepts what was not offered (§9.1).</li>
 * </ol>
 */
final class ServerHandshake {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(ServerHandshake.class);
    private static final String VERSION = "13";

    /** Why the request is refused, or null when it is accepted. */
    final HandshakeRejection rejection;
    /** The accepted handshake's {@code Sec-WebSocket-Accept}. */
    final String accept;
    /** The selected subprotocol, or null. */
    final String subprotocol;
    /** The accepted extensions, or null. */
    final ServerExtensionNegotiator.Negotiated extensions;
    /** What the application learns; null when refused. */
    final HandshakeCompletedEvent event;

    private ServerHandshake(HandshakeRejection rejection) {
        this(rejection, null, null, null, null);
    }

    private ServerHandshake(HandshakeRejection rejection, String accept, String subprotocol,
            ServerExtensionNegotiator.Negotiated extensions, HandshakeCompletedEvent event) {
        this.rejection = rejection;
        this.accept = accept;
        this.subprotocol = subprotocol;
        this.extensions = extensions;
        this.event = event;
    }

    private static ServerHandshake refuse(HttpResponseStatus status, String reason) {
        return new ServerHandshake(HandshakeRejection.of(status, reason));
    }

    private static ServerHandshake refuse(HandshakeRejection rejection) {
        return new ServerHandshake(rejection);
    }

    /** Checks a request for the endpoint; never throws for anything the client sent. */
    static ServerHandshake evaluate(ServerHandshakeConfig config, HttpRequest request, Channel channel) {
        HttpHeaders headers = request.headers();
        if (!HttpMethod.GET.equals(request.method())) {
            return refuse(HandshakeRejection.of(HttpResponseStatus.METHOD_NOT_ALLOWED, "method must be GET")
                .withHeader(HeaderNames.ALLOW, "GET"));
        }
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() < 1 || version.majorVersion() == 1 && version.minorVersion() < 1) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 or later required");
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            return refuse(HttpResponseStatus.BAD_REQUEST, hosts.isEmpty() ? "missing Host header"
                : "multiple Host headers");
        }
        String absoluteForm = RequestTarget.absoluteFormAuthority(request.uri());
        Authority authority = Authority.parse(absoluteForm != null ? absoluteForm : hosts.get(0).trim());
        if (authority == null) {
            return refuse(HttpResponseStatus.BAD_REQUEST, absoluteForm != null ? "malformed request target"
                : "invalid Host header");
        }
        if (!config.allowsHost(authority)) {
            return refuse(HttpResponseStatus.MISDIRECTED_REQUEST, "host not allowed");
        }
        if (!containsToken(headers, HttpHeaderNames.UPGRADE, "websocket")) {
            return refuse(HandshakeRejection.of(HttpResponseStatus.UPGRADE_REQUIRED, "Upgrade: websocket required")
                .withHeader(HeaderNames.UPGRADE, "websocket")
                .withHeader(HeaderNames.SEC_WEBSOCKET_VERSION, VERSION));
        }
        if (!containsToken(headers, HttpHeaderNames.CONNECTION, "upgrade")) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "Connection: Upgrade required");
        }
        List<String> versions = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (versions.size() != 1 || !VERSION.equals(versions.get(0).trim())) {
            return refuse(HandshakeRejection.of(HttpResponseStatus.UPGRADE_REQUIRED,
                "Sec-WebSocket-Version 13 required").withHeader(HeaderNames.SEC_WEBSOCKET_VERSION, VERSION));
        }
        List<String> keys = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (keys.size() != 1) {
            return refuse(HttpResponseStatus.BAD_REQUEST, keys.isEmpty() ? "missing Sec-WebSocket-Key"
                : "multiple Sec-WebSocket-Key headers");
        }
        String key = keys.get(0).trim();
        if (!WebSocketAccept.isValidKey(key)) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "Sec-WebSocket-Key must be 16 bytes in base64");
        }
        if (hasBody(request)) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "handshake request must not have a body");
        }
        QueryStringDecoder target = new QueryStringDecoder(RequestTarget.originForm(request.uri()));
        String path;
        try {
            path = target.path();
            target.parameters();
        } catch (IllegalArgumentException e) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "malformed request target");
        }
        List<String> origins = headers.getAll(HttpHeaderNames.ORIGIN);
        if (origins.size() > 1) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "multiple Origin headers");
        }
        boolean tls = channel.pipeline().get(SslHandler.class) != null;
        if (origins.isEmpty() ? !config.allowMissingOrigin()
            : !config.originPolicy().allows(origins.get(0), Origins.serverOrigin(authority, tls))) {
            return refuse(HttpResponseStatus.FORBIDDEN, origins.isEmpty() ? "missing Origin header"
                : "origin not allowed");
        }
        String subprotocol = selectSubprotocol(config.subprotocols(), headers);
        if (subprotocol == null && config.requireSubprotocol()) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "no supported subprotocol offered");
        }
        try {
            HandshakeRejection rejection = config.interceptor().intercept(request, channel);
            if (rejection != null) {
                return refuse(rejection);
            }
        } catch (Exception e) {
            LOGGER.warn("{} handshake interceptor failed", channel, PeerText.forLog(e));
            return refuse(HttpResponseStatus.INTERNAL_SERVER_ERROR, "handshake failed");
        }
        ServerExtensionNegotiator.Negotiated extensions = null;
        List<String> extensionHeaders = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        if (config.extensionNegotiator() != ServerExtensionNegotiator.NONE && !extensionHeaders.isEmpty()) {
            List<ExtensionOffer> offers;
            try {
                offers = ExtensionOffer.parse(extensionHeaders);
            } catch (IllegalArgumentException e) {
                return refuse(HttpResponseStatus.BAD_REQUEST, "malformed Sec-WebSocket-Extensions");
            }
            if (!offers.isEmpty()) {
                try {
                    extensions = config.extensionNegotiator().negotiate(offers);
                    if (extensions != null) {
                        checkNegotiated(extensions, offers);
                    }
                } catch (RuntimeException e) {
                    LOGGER.warn("{} extension negotiation failed", channel, PeerText.forLog(e));
                    return refuse(HttpResponseStatus.INTERNAL_SERVER_ERROR, "handshake failed");
                }
            }
        }
        HandshakeCompletedEvent event = new HandshakeCompletedEvent(request.uri(), path, target.parameters(),
            headers.copy(), subprotocol, extensions == null ? null : extensions.responseHeaderValue());
        return new ServerHandshake(null, WebSocketAccept.of(key), subprotocol, extensions, event);
    }

    /** Whether the request announces or carries a body (RFC 9112 §6.3). */
    private static boolean hasBody(HttpRequest request) {
        HttpHeaders headers = request.headers();
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        for (String length : headers.getAll(HttpHeaderNames.CONTENT_LENGTH)) {
            if (!"0".equals(length.trim())) {
                return true;
            }
        }
        return request instanceof FullHttpRequest && ((FullHttpRequest) request).content().isReadable();
    }

    /** The first of the server's subprotocols, in its order, that the client offered (§4.2.2 item 5.4). */
    private static String selectSubprotocol(List<String> supported, HttpHeaders headers) {
        if (supported.isEmpty()) {
            return null;
        }
        List<String> offered = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (offered.isEmpty()) {
            return null;
        }
        Set<String> offers = new HashSet<>();
        for (String value : offered) {
            for (String element : value.split(",")) {
                offers.add(element.trim());
            }
        }
        for (String subprotocol : supported) {
            if (offers.contains(subprotocol)) {
                return subprotocol;
            }
        }
        return null;
    }

    /** A negotiator's answer must name only offered extensions (§9.1) and claim only RSV bits. */
    private static void checkNegotiated(ServerExtensionNegotiator.Negotiated negotiated, List<ExtensionOffer> offers) {
        String value = negotiated.responseHeaderValue();
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("negotiated extensions without a response header value");
        }
        Set<String> offeredNames = new HashSet<>();
        for (ExtensionOffer offer : offers) {
            offeredNames.add(offer.name());
        }
        for (ExtensionOffer accepted : ExtensionOffer.parse(List.of(value))) {
            if (!offeredNames.contains(accepted.name())) {
                throw new IllegalStateException("accepted extension that was not offered: " + accepted.name());
            }
        }
        int allRsv = Frame.RSV1 | Frame.RSV2 | Frame.RSV3;
        if ((negotiated.rsvBits() & ~allRsv) != 0) {
            throw new IllegalStateException("rsvBits outside RSV1-RSV3: 0x" + Integer.toHexString(
                negotiated.rsvBits()));
        }
    }

    /**
     * Whether a comma-separated header (RFC 9110 §5.6.1), possibly repeated, lists {@code token}, ignoring case and
     * optional whitespace.
     */
    static boolean containsToken(HttpHeaders headers, CharSequence name, String token) {
        for (String value : headers.getAll(name)) {
            int start = 0;
            while (start <= value.length()) {
                int end = value.indexOf(',', start);
                if (end < 0) {
                    end = value.length();
                }
                int from = start;
                int to = end;
                while (from < to && isWhitespace(value.charAt(from))) {
                    from++;
                }
                while (to > from && isWhitespace(value.charAt(to - 1))) {
                    to--;
                }
                if (to - from == token.length() && value.regionMatches(true, from, token, 0, token.length())) {
                    return true;
                }
                start = end + 1;
            }
        }
        return false;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
