package dev.nettyws.handshake;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * Why a handshake is refused: the HTTP status, a short reason sent as the plain-text body, and optional extra
 * response headers (for example {@code WWW-Authenticate} with a 401, {@code Location} with a redirect). The
 * server's upgrade handler answers with it, adds {@code Connection: close} and closes the connection once the answer
 * is written (RFC 6455 §4.2.1: the server stops processing the handshake and returns an HTTP error).
 *
 * <p>Immutable and thread-safe. Holds no buffers: the body is made from the reason when the answer is written.
 */
public final class HandshakeRejection {
    private final HttpResponseStatus status;
    private final String reason;
    private final HttpHeaders headers;

    private HandshakeRejection(HttpResponseStatus status, String reason, HttpHeaders headers) {
        this.status = status;
        this.reason = reason;
        this.headers = headers;
    }

    /**
     * A rejection without extra headers.
     *
     * @param status a redirect (3xx) or error (4xx, 5xx) status
     * @param reason the plain-text response body; keep it short and free of secrets
     * @return the rejection
     * @throws IllegalArgumentException if the status is informational (1xx) or successful (2xx)
     */
    public static HandshakeRejection of(HttpResponseStatus status, String reason) {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        if (status.code() < 300 || status.code() > 599) {
            throw new IllegalArgumentException("a rejection needs a 3xx, 4xx or 5xx status: " + status);
        }
        return new HandshakeRejection(status, reason, EmptyHttpHeaders.INSTANCE);
    }

    /**
     * A copy of this rejection with one more response header.
     *
     * @param name the header name
     * @param value the header value
     * @return the new rejection
     */
    public HandshakeRejection withHeader(CharSequence name, Object value) {
        HttpHeaders copy = new DefaultHttpHeaders().add(headers).add(name, value);
        return new HandshakeRejection(status, reason, copy);
    }

    /** The response status. */
    public HttpResponseStatus status() {
        return status;
    }

    /** The plain-text response body. */
    public String reason() {
        return reason;
    }

    /** Extra response headers; do not modify. */
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "HandshakeRejection(" + status + ", " + reason + ')';
    }
}
