package dev.nettyws.internal;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;

/**
 * The header fields of an HTTP/2 request or response as the transport-neutral handshake reads them: without the
 * pseudo-header fields ({@code :method}, {@code :path}...), which the front ends read themselves. Stateless; any
 * thread; no buffers.
 */
public final class Http2Fields {
    private Http2Fields() {
    }

    /** A copy of {@code headers} without its pseudo-header fields. */
    public static HttpHeaders regular(Http2Headers headers) {
        HttpHeaders result = new DefaultHttpHeaders(false);
        for (Map.Entry<CharSequence, CharSequence> header : headers) {
            if (!Http2Headers.PseudoHeaderName.hasPseudoHeaderFormat(header.getKey())) {
                result.add(header.getKey(), header.getValue());
            }
        }
        return result;
    }
}
