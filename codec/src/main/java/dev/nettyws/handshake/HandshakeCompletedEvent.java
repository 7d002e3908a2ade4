package dev.nettyws.handshake;

import dev.nettyws.PeerText;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a successful opening handshake established: the request target, the request headers, and the negotiated
 * subprotocol and extensions (RFC 6455 §4.2.2). The {@link UpgradeDecoder} passes it to the
 * {@link WebSocketInitializer} and then fires it as a user event ({@code userEventTriggered}) through the new
 * WebSocket handlers, before the first frame is read, on the channel's event loop.
 *
 * <p>Immutable and holds no buffers: nobody needs to release it.
 */
public final class HandshakeCompletedEvent {
    private final String uri;
    private final String path;
    private final Map<String, List<String>> queryParameters;
    private final HttpHeaders requestHeaders;
    private final String subprotocol;
    private final String extensions;

    /**
     * Creates an event.
     *
     * @param uri the request target as sent
     * @param path the percent-decoded path, without query
     * @param queryParameters the decoded query parameters; copied
     * @param requestHeaders the request headers; kept as given, so pass a copy
     * @param subprotocol the selected subprotocol, or null
     * @param extensions the {@code Sec-WebSocket-Extensions} response value, or null
     */
    public HandshakeCompletedEvent(String uri, String path, Map<String, List<String>> queryParameters,
            HttpHeaders requestHeaders, String subprotocol, String extensions) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.path = Objects.requireNonNull(path, "path");
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> parameter : queryParameters.entrySet()) {
            parameters.put(parameter.getKey(), Collections.unmodifiableList(new ArrayList<>(parameter.getValue())));
        }
        this.queryParameters = Collections.unmodifiableMap(parameters);
        this.requestHeaders = Objects.requireNonNull(requestHeaders, "requestHeaders");
        this.subprotocol = subprotocol;
        this.extensions = extensions;
    }

    /** The request target as sent, for example {@code /chat/lobby?token=abc}. */
    public String uri() {
        return uri;
    }

    /** The path of the request target without query, percent-decoded, for example {@code /chat/lobby}. */
    public String path() {
        return path;
    }

    /** The query parameters, decoded, in order; a name maps to every value it was given. */
    public Map<String, List<String>> queryParameters() {
        return queryParameters;
    }

    /** The first value of query parameter {@code name}, or null. */
    public String queryParameter(String name) {
        List<String> values = queryParameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** A copy of the request headers (cookies, authorization, user agent...); do not modify. */
    public HttpHeaders requestHeaders() {
        return requestHeaders;
    }

    /** The subprotocol the server selected ({@code Sec-WebSocket-Protocol}), or null if none. */
    public String subprotocol() {
        return subprotocol;
    }

    /** The accepted extensions as sent in {@code Sec-WebSocket-Extensions}, or null if none. */
    public String extensions() {
        return extensions;
    }

    @Override
    public String toString() {
        return "HandshakeCompletedEvent(uri=" + PeerText.forLog(uri) + ", subprotocol=" + subprotocol + ", extensions="
            + PeerText.forLog(extensions) + ')';
    }
}
