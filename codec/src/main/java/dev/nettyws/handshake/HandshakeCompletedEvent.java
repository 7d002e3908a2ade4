package dev.nettyws.handshake;

import dev.nettyws.PeerText;
import dev.nettyws.internal.ReadOnlyHeaders;
import dev.nettyws.internal.RequestTarget;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a successful opening handshake established, on a server and on a client alike (RFC 6455 §4.1, §4.2.2): the
 * request (target, path, query, headers), the response headers, the subprotocol and the extensions. It is fired as
 * a user event through the WebSocket handlers, first, before any frame; it is handed to the
 * {@link WebSocketInitializer}; {@code WebSocketSession.of(channel)} keeps path, subprotocol and extensions, and the
 * whole event only when the configuration asks to ({@code WebSocketConfig.retainHandshake()}).
 *
 * <p>Immutable and safe to share between threads; the headers are read-only. Holds no buffers: nobody needs to
 * release it.
 */
public final class HandshakeCompletedEvent {
    private final HandshakeRequest request;
    private final String path;
    /** Decoded from the request target on first use when not given. */
    private volatile Map<String, List<String>> queryParameters;
    private final HttpHeaders responseHeaders;
    private final String subprotocol;
    private final String extensions;

    /**
     * Creates an event.
     *
     * @param request the handshake request (the one received, on a server; the one sent, on a client)
     * @param path the percent-decoded path of the request target, without query
     * @param queryParameters the decoded query parameters, copied; or null to decode them from the request target
     *     when first asked for (what the server does: most applications never ask)
     * @param responseHeaders the headers of the accepting response; copied read-only unless they are read-only
     * @param subprotocol the selected subprotocol, or null
     * @param extensions the accepted {@code Sec-WebSocket-Extensions} value, or null
     */
    public HandshakeCompletedEvent(HandshakeRequest request, String path, Map<String, List<String>> queryParameters,
            HttpHeaders responseHeaders, String subprotocol, String extensions) {
        this.request = Objects.requireNonNull(request, "request");
        this.path = Objects.requireNonNull(path, "path");
        this.queryParameters = queryParameters == null ? null : readOnlyCopy(queryParameters);
        this.responseHeaders = ReadOnlyHeaders.copyOf(Objects.requireNonNull(responseHeaders, "responseHeaders"));
        this.subprotocol = subprotocol;
        this.extensions = extensions;
    }

    /** The handshake request: method, target, authority, headers, protocol version and scheme. */
    public HandshakeRequest request() {
        return request;
    }

    /** The request target as sent, for example {@code /chat/lobby?token=abc}. */
    public String uri() {
        return request.target();
    }

    /** The path of the request target without query, percent-decoded, for example {@code /chat/lobby}. */
    public String path() {
        return path;
    }

    /** The query parameters, decoded, in order; a name maps to every value it was given. */
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> parameters = queryParameters;
        if (parameters == null) {
            // The server validated the target before accepting it; decoding it again gives the same parameters.
            parameters = readOnlyCopy(new QueryStringDecoder(RequestTarget.originForm(request.target())).parameters());
            queryParameters = parameters;
        }
        return parameters;
    }

    private static Map<String, List<String>> readOnlyCopy(Map<String, List<String>> queryParameters) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> parameter : queryParameters.entrySet()) {
            parameters.put(parameter.getKey(), Collections.unmodifiableList(new ArrayList<>(parameter.getValue())));
        }
        return Collections.unmodifiableMap(parameters);
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParameter(String name) {
        List<String> values = queryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The request headers (cookies, authorization, user agent...), read-only. */
    public HttpHeaders requestHeaders() {
        return request.headers();
    }

    /** The headers of the accepting response ({@code 101 Switching Protocols} on HTTP/1.1), read-only. */
    public HttpHeaders responseHeaders() {
        return responseHeaders;
    }

    /** The subprotocol the server selected ({@code Sec-WebSocket-Protocol}), or null if none. */
    public String subprotocol() {
        return subprotocol;
    }

    /**
     * The accepted extensions as the server sent them in {@code Sec-WebSocket-Extensions}, for example
     * {@code permessage-deflate; server_no_context_takeover}, or null if none.
     */
    public String extensions() {
        return extensions;
    }

    @Override
    public String toString() {
        return "HandshakeCompletedEvent(uri=" + PeerText.forLog(uri()) + ", subprotocol=" + subprotocol
            + ", extensions=" + PeerText.forLog(extensions) + ')';
    }
}
