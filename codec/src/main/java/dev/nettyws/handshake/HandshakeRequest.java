package dev.nettyws.handshake;

import dev.nettyws.internal.ReadOnlyHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Objects;

/**
 * An opening handshake request, whatever carried it: an HTTP/1.1 upgrade ({@code GET} with {@code Upgrade:
 * websocket}, RFC 6455 §4.1) or an HTTP/2 extended {@code CONNECT} ({@code :protocol websocket}, RFC 8441 §4). The
 * handshake rules, the origin policy and the application's {@link HandshakeInterceptor} see this, so they need not
 * care which transport it came on; the {@link HandshakeCompletedEvent} carries it on.
 *
 * <p>Immutable and thread-safe; the headers are a read-only copy and hold no buffers.
 */
public final class HandshakeRequest {
    /** The protocol name of an HTTP/1.1 request, as in {@link #version()}. */
    public static final String HTTP_1_1 = "HTTP/1.1";

    private final String method;
    private final String target;
    private final String authority;
    private final HttpHeaders headers;
    private final String version;
    private final String scheme;

    /**
     * Creates a request.
     *
     * @param method the request method ({@code GET} for HTTP/1.1, {@code CONNECT} for HTTP/2)
     * @param target the request target as sent ({@code :path} for HTTP/2), e.g. {@code /chat?room=lobby}
     * @param authority the host and port the request is for ({@code Host}, or {@code :authority}), or null if it
     *     named none or more than one
     * @param headers the request headers; copied read-only unless they are read-only already
     * @param version the protocol, e.g. {@value #HTTP_1_1} or {@code HTTP/2}
     * @param scheme {@code http} or {@code https} (for HTTP/1.1: whether the connection runs TLS)
     */
    public HandshakeRequest(String method, String target, String authority, HttpHeaders headers, String version,
            String scheme) {
        this.method = Objects.requireNonNull(method, "method");
        this.target = Objects.requireNonNull(target, "target");
        this.authority = authority;
        this.headers = ReadOnlyHeaders.copyOf(Objects.requireNonNull(headers, "headers"));
        this.version = Objects.requireNonNull(version, "version");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    /** The request method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The request target as sent, e.g. {@code /chat?room=lobby}. */
    public String target() {
        return target;
    }

    /** The host and port the request is for ({@code Host} or {@code :authority}), or null. */
    public String authority() {
        return authority;
    }

    /** The request headers, read-only: cookies, authorization, {@code Origin}, the {@code Sec-WebSocket-*} fields. */
    public HttpHeaders headers() {
        return headers;
    }

    /** The protocol the request came on, e.g. {@value #HTTP_1_1}. */
    public String version() {
        return version;
    }

    /** {@code http} or {@code https}: whether the request came over TLS. */
    public String scheme() {
        return scheme;
    }

    @Override
    public String toString() {
        return "HandshakeRequest(" + method + ' ' + target + ' ' + version + ", authority=" + authority + ", scheme="
            + scheme + ')';
    }
}
