package dev.nettyws.handshake;

import dev.nettyws.PeerText;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What a client's successful opening handshake established (RFC 6455 §4.1): the URI, the subprotocol the server
 * selected, the extensions it accepted and the response headers. The {@link ClientHandshaker} passes it to the
 * {@link ClientWebSocketInitializer}, fires it as a user event through the new WebSocket handlers before the first
 * frame is read, and completes its {@link ClientHandshaker#handshakeFuture() handshake future} with it; all on the
 * channel's event loop.
 *
 * <p>Immutable and holds no buffers: nobody needs to release it.
 */
public final class ClientHandshakeCompletedEvent {
    private final URI uri;
    private final String subprotocol;
    private final List<ExtensionOffer> extensions;
    private final HttpHeaders responseHeaders;

    /**
     * Creates an event.
     *
     * @param uri the URI connected to
     * @param subprotocol the selected subprotocol, or null
     * @param extensions the accepted extensions in the server's order; copied
     * @param responseHeaders the headers of the 101 response; kept as given, so pass a copy
     */
    public ClientHandshakeCompletedEvent(URI uri, String subprotocol, List<ExtensionOffer> extensions,
            HttpHeaders responseHeaders) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.subprotocol = subprotocol;
        this.extensions = List.copyOf(extensions);
        this.responseHeaders = Objects.requireNonNull(responseHeaders, "responseHeaders");
    }

    /** The URI connected to. */
    public URI uri() {
        return uri;
    }

    /** The subprotocol the server selected from the offered ones ({@code Sec-WebSocket-Protocol}), or null. */
    public String subprotocol() {
        return subprotocol;
    }

    /**
     * The extensions the server accepted, in its order, with their parameters (for example
     * {@code permessage-deflate; server_no_context_takeover}); empty if none. Each one's name was offered.
     */
    public List<ExtensionOffer> extensions() {
        return extensions;
    }

    /** The headers of the {@code 101 Switching Protocols} response; do not modify. */
    public HttpHeaders responseHeaders() {
        return responseHeaders;
    }

    @Override
    public String toString() {
        return "ClientHandshakeCompletedEvent(uri=" + uri + ", subprotocol=" + PeerText.forLog(subprotocol)
            + ", extensions=" + PeerText.forLog(String.valueOf(extensions)) + ')';
    }
}
