package dev.nettyws.internal;

import dev.nettyws.PeerText;
import dev.nettyws.frame.Frame;
import dev.nettyws.handshake.HandshakeCompletedEvent;
import dev.nettyws.handshake.HandshakeRejection;
import dev.nettyws.handshake.HandshakeRequest;
import dev.nettyws.handshake.ServerHandshakeConfig;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server's decision on one opening handshake request (RFC 6455 §4.2.1, §4.2.2), whatever transport carried it:
 * every rule checked in order, the first failure refusing the request. The front ends (the HTTP/1.1 upgrade handler
 * and the HTTP/2 extended CONNECT handler, RFC 8441) turn their request into a
 * {@link HandshakeRequest}, write the answer, and switch their pipeline; they never judge a request themselves.
 *
 * <p>Order of the checks, and the answers. The transport's own rules come first; for HTTP/1.1 (§4.2.1 items 1-5;
 * an extended CONNECT replaces them with {@code :method CONNECT} (else 405 with {@code Allow: CONNECT}), an
 * {@code :authority} (else 400) and no key, its wrong version is answered 400 since HTTP/2 has no {@code Upgrade},
 * and it is accepted with 200 instead of 101):
 * <ol>
 *   <li>method GET, else 405 with {@code Allow: GET} (§4.2.1 item 1; RFC 9110 §15.5.6 requires Allow);</li>
 *   <li>HTTP/1.1 or later, else 400 (§4.2.1 item 1);</li>
 *   <li>exactly one {@code Host}, else 400 (§4.2.1 item 2; RFC 9112 §3.2);</li>
 *   <li>an authority that parses (the {@code Host}, or an absolute-form target's), else 400; one of the
 *       configuration's allowed hosts, else 421 Misdirected Request (RFC 9110 §15.5.20; DNS rebinding);</li>
 *   <li>{@code Upgrade} lists {@code websocket}, else 426 naming websocket (§4.2.1 item 3; RFC 9110 §15.5.22);</li>
 *   <li>{@code Connection} lists {@code upgrade}, else 400 (§4.2.1 item 4);</li>
 * </ol>
 * then the rules of every transport:
 * <ol>
 *   <li>exactly one {@code Sec-WebSocket-Version: 13}, else 426 with {@code Sec-WebSocket-Version: 13} (§4.2.2
 *       item 4, §4.4); checked before the key, so the obsolete draft-76 handshake learns the version it must
 *       speak;</li>
 *   <li>(HTTP/1.1) exactly one {@code Sec-WebSocket-Key} of 16 bytes in base64, else 400 (§4.2.1 item 5);</li>
 *   <li>no body ({@code Content-Length} above 0 or any {@code Transfer-Encoding}), else 400: §4.1 describes no
 *       body, and bytes after the head must be frames;</li>
 *   <li>a request target that decodes, else 400;</li>
 *   <li>at most one {@code Origin}, else 400; the origin policy, given the origin the request addressed (its
 *       scheme and the authority below), or {@code allowMissingOrigin}, else 403 (§4.2.2 item 4, §10.2);</li>
 *   <li>a subprotocol when {@code requireSubprotocol}, else 400 (§4.2.2 item 5.4);</li>
 *   <li>the {@code HandshakeInterceptor}: its rejection, or 500 if it throws;</li>
 *   <li>a well-formed {@code Sec-WebSocket-Extensions} when a negotiator is configured, else 400; the negotiator's
 *       choice, 500 if it throws or accepts what was not offered (§9.1).</li>
 * </ol>
 *
 * <p>Immutable result; {@link #evaluate} is stateless and runs on the channel's event loop.
 */
public final class ServerHandshake {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(ServerHandshake.class);
    private static final String VERSION = "13";

    /** Why the request is refused, or null when it is accepted. */
    public final HandshakeRejection rejection;
    /** The accepted HTTP/1.1 handshake's {@code Sec-WebSocket-Accept}; null over HTTP/2. */
    public final String accept;
    /** The selected subprotocol, or null. */
    public final String subprotocol;
    /** The accepted extensions, or null. */
    public final ServerExtensionNegotiator.Negotiated extensions;
    private final HandshakeRequest request;
    /** The decoded path of the request target. */
    private final String path;

    private ServerHandshake(HandshakeRejection rejection) {
        this(rejection, null, null, null, null, null);
    }

    private ServerHandshake(HandshakeRejection rejection, HandshakeRequest request, String path,
            String accept, String subprotocol, ServerExtensionNegotiator.Negotiated extensions) {
        this.rejection = rejection;
        this.request = request;
        this.path = path;
        this.accept = accept;
        this.subprotocol = subprotocol;
        this.extensions = extensions;
    }

    private static ServerHandshake refuse(HttpResponseStatus status, String reason) {
        return new ServerHandshake(HandshakeRejection.of(status, reason));
    }

    private static ServerHandshake refuse(HandshakeRejection rejection) {
        return new ServerHandshake(rejection);
    }

    /**
     * What the application learns of an accepted handshake.
     *
     * @param responseHeaders the headers of the accepting response the front end writes
     */
    public HandshakeCompletedEvent completedEvent(HttpHeaders responseHeaders) {
        // The query parameters are decoded again only if the application asks for them.
        return new HandshakeCompletedEvent(request, path, null, responseHeaders, subprotocol,
            extensions == null ? null : extensions.responseHeaderValue());
    }

    /**
     * Checks a request for the endpoint; never throws for anything the client sent.
     *
     * @param config the endpoint's handshake settings
     * @param negotiator chooses extensions, {@link ServerExtensionNegotiator#NONE} for none
     * @param request the request
     * @param channel the connection, for the interceptor
     */
    public static ServerHandshake evaluate(ServerHandshakeConfig config, ServerExtensionNegotiator negotiator,
            HandshakeRequest request, Channel channel) {
        HttpHeaders headers = request.headers();
        boolean http2 = request.isHttp2();
        ServerHandshake refused = http2 ? checkExtendedConnect(request) : checkHttp11Head(request);
        if (refused != null) {
            return refused;
        }
        // The authority is the Host, or an absolute-form target's, which replaces it (RFC 9112 §3.2.2).
        String absoluteForm = RequestTarget.absoluteFormAuthority(request.target());
        Authority authority = Authority.parse(absoluteForm != null ? absoluteForm : request.authority().trim());
        if (authority == null) {
            return refuse(HttpResponseStatus.BAD_REQUEST, absoluteForm != null ? "malformed request target"
                : "invalid Host header");
        }
        if (!authority.isAllowedBy(config.allowedHosts())) {
            return refuse(HttpResponseStatus.MISDIRECTED_REQUEST, "host not allowed");
        }
        refused = http2 ? null : checkHttp11Upgrade(request);
        if (refused != null) {
            return refused;
        }
        if (count(headers, HttpHeaderNames.SEC_WEBSOCKET_VERSION) != 1
                || !VERSION.equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION).trim())) {
            // 426 requires an Upgrade header, which HTTP/2 forbids (RFC 9113 §8.2.2): 400 there, as in §4.4.
            return refuse(HandshakeRejection.of(http2 ? HttpResponseStatus.BAD_REQUEST
                : HttpResponseStatus.UPGRADE_REQUIRED, "Sec-WebSocket-Version 13 required")
                .withHeader(HeaderNames.SEC_WEBSOCKET_VERSION, VERSION));
        }
        String key = null;
        if (!http2) {
            // RFC 8441 §5: an extended CONNECT has no key and its answer no accept.
            int keys = count(headers, HttpHeaderNames.SEC_WEBSOCKET_KEY);
            if (keys != 1) {
                return refuse(HttpResponseStatus.BAD_REQUEST, keys == 0 ? "missing Sec-WebSocket-Key"
                    : "multiple Sec-WebSocket-Key headers");
            }
            key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY).trim();
            if (!WebSocketAccept.isValidKey(key)) {
                return refuse(HttpResponseStatus.BAD_REQUEST, "Sec-WebSocket-Key must be 16 bytes in base64");
            }
        }
        if (hasBody(headers)) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "handshake request must not have a body");
        }
        QueryStringDecoder target = new QueryStringDecoder(RequestTarget.originForm(request.target()));
        try {
            target.path();
            target.parameters();
        } catch (IllegalArgumentException e) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "malformed request target");
        }
        int origins = count(headers, HttpHeaderNames.ORIGIN);
        if (origins > 1) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "multiple Origin headers");
        }
        boolean tls = "https".equals(request.scheme());
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origins == 0 ? !config.allowMissingOrigin()
            : !config.originPolicy().allows(origin, Origins.serverOrigin(authority, tls))) {
            return refuse(HttpResponseStatus.FORBIDDEN, origins == 0 ? "missing Origin header"
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
        List<String> extensionHeaders = negotiator == ServerExtensionNegotiator.NONE ? List.of()
            : headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        if (!extensionHeaders.isEmpty()) {
            List<ExtensionOffer> offers;
            try {
                offers = ExtensionOffer.parse(extensionHeaders);
            } catch (IllegalArgumentException e) {
                return refuse(HttpResponseStatus.BAD_REQUEST, "malformed Sec-WebSocket-Extensions");
            }
            if (!offers.isEmpty()) {
                try {
                    extensions = negotiator.negotiate(offers);
                    if (extensions != null) {
                        checkNegotiated(extensions, offers);
                    }
                } catch (RuntimeException e) {
                    LOGGER.warn("{} extension negotiation failed", channel, PeerText.forLog(e));
                    return refuse(HttpResponseStatus.INTERNAL_SERVER_ERROR, "handshake failed");
                }
            }
        }
        // The endpoint's own path when they are equal, so that a connection that keeps it shares one string.
        String path = target.path().equals(config.path()) ? config.path() : target.path();
        return new ServerHandshake(null, request, path, key == null ? null : WebSocketAccept.of(key), subprotocol,
            extensions);
    }

    /**
     * The method and authority of an HTTP/2 extended CONNECT (RFC 8441 §4): null if right, else the refusal. The
     * front end has checked the pseudo-header fields HTTP/2 itself requires ({@code :protocol}, {@code :scheme},
     * {@code :path}).
     */
    private static ServerHandshake checkExtendedConnect(HandshakeRequest request) {
        if (!"CONNECT".equals(request.method())) {
            return refuse(HandshakeRejection.of(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method must be CONNECT with :protocol websocket").withHeader(HeaderNames.ALLOW, "CONNECT"));
        }
        if (request.authority() == null) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "missing :authority");
        }
        return null;
    }

    /** The request line and Host of an HTTP/1.1 upgrade (§4.2.1 items 1-2): null if right, else the refusal. */
    private static ServerHandshake checkHttp11Head(HandshakeRequest request) {
        HttpHeaders headers = request.headers();
        if (!"GET".equals(request.method())) {
            return refuse(HandshakeRejection.of(HttpResponseStatus.METHOD_NOT_ALLOWED, "method must be GET")
                .withHeader(HeaderNames.ALLOW, "GET"));
        }
        if (!isHttp11OrLater(request.version())) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "HTTP/1.1 or later required");
        }
        int hosts = count(headers, HttpHeaderNames.HOST);
        if (hosts != 1) {
            return refuse(HttpResponseStatus.BAD_REQUEST, hosts == 0 ? "missing Host header"
                : "multiple Host headers");
        }
        return null;
    }

    /** The upgrade fields of an HTTP/1.1 request (§4.2.1 items 3-4): null if it has them, else the refusal. */
    private static ServerHandshake checkHttp11Upgrade(HandshakeRequest request) {
        HttpHeaders headers = request.headers();
        if (!containsToken(headers, HttpHeaderNames.UPGRADE, "websocket")) {
            return refuse(HandshakeRejection.of(HttpResponseStatus.UPGRADE_REQUIRED, "Upgrade: websocket required")
                .withHeader(HeaderNames.UPGRADE, "websocket")
                .withHeader(HeaderNames.SEC_WEBSOCKET_VERSION, VERSION));
        }
        if (!containsToken(headers, HttpHeaderNames.CONNECTION, "upgrade")) {
            return refuse(HttpResponseStatus.BAD_REQUEST, "Connection: Upgrade required");
        }
        return null;
    }

    /** Whether {@code version}, a protocol name such as {@code HTTP/1.1}, is HTTP/1.1 or later. */
    private static boolean isHttp11OrLater(String version) {
        if (HandshakeRequest.HTTP_1_1.equals(version)) {
            return true;
        }
        if (!version.startsWith("HTTP/")) {
            return false;
        }
        int dot = version.indexOf('.');
        try {
            int major = Integer.parseInt(version.substring(5, dot < 0 ? version.length() : dot));
            int minor = dot < 0 ? 0 : Integer.parseInt(version.substring(dot + 1));
            return major > 1 || major == 1 && minor >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether the request announces a body (RFC 9112 §6.3); an aggregator in front sets Content-Length. */
    private static boolean hasBody(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return true;
        }
        if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return false;
        }
        for (String length : headers.getAll(HttpHeaderNames.CONTENT_LENGTH)) {
            if (!"0".equals(length.trim())) {
                return true;
            }
        }
        return false;
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
    public static boolean containsToken(HttpHeaders headers, CharSequence name, String token) {
        // Most requests send the field once: its first value answers without a list of all of them.
        String first = headers.get(name);
        if (first == null) {
            return false;
        }
        if (containsToken(first, token)) {
            return true;
        }
        for (String value : headers.getAll(name)) {
            if (containsToken(value, token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many {@code name} fields {@code headers} has, without collecting their values. (Not through
     * {@code valueCharSequenceIterator}: on read-only headers, Netty's never ends once the last value was taken.)
     */
    private static int count(HttpHeaders headers, AsciiString name) {
        int count = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext();) {
            if (name.contentEqualsIgnoreCase(it.next().getKey())) {
                count++;
            }
        }
        return count;
    }

    private static boolean containsToken(String value, String token) {
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
        return false;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
