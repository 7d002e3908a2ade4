package dev.nettyws.server;

import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Watches the outbound messages of an HTTP/1.1 connection for the end of each final response (RFC 9110 §15: a
 * response other than 1xx), which is what ends an exchange: a {@link LastHttpContent} (a {@code FullHttpResponse}
 * is one) or an {@link HttpChunkedInput}, unless it ends an informational response such as {@code 100 Continue}.
 * One instance per channel, on its event loop.
 */
final class FinalResponses {
    /** Whether the response being written is informational (1xx). */
    private boolean informational;

    /** Whether {@code msg}, written next, completes a final response. */
    boolean ends(Object msg) {
        if (msg instanceof HttpResponse) {
            informational = ((HttpResponse) msg).status().codeClass() == HttpStatusClass.INFORMATIONAL;
        }
        if (msg instanceof LastHttpContent || msg instanceof HttpChunkedInput) {
            boolean ends = !informational;
            informational = false;
            return ends;
        }
        return false;
    }
}
