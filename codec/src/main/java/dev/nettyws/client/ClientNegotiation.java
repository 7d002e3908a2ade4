package dev.nettyws.client;

import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.internal.deflate.PerMessageDeflateClientNegotiator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client's check of what the server chose from its offers (RFC 6455 §4.1, the subprotocol and extension rules;
 * RFC 7692 §7), the same for an HTTP/1.1 {@code 101} and an HTTP/2 {@code 200} (RFC 8441 §5). Immutable result; runs
 * on the channel's event loop; holds no buffers.
 */
final class ClientNegotiation {
    /** The first rule the response breaks, or null. */
    final String problem;
    /** The accepted extensions to install, or null. */
    final ServerExtensionNegotiator.Negotiated extensions;

    private ClientNegotiation(String problem, ServerExtensionNegotiator.Negotiated extensions) {
        this.problem = problem;
        this.extensions = extensions;
    }

    private static ClientNegotiation problem(String problem) {
        return new ClientNegotiation(problem, null);
    }

    /** The handshake's own extension offers, then permessage-deflate's when compressing. */
    static List<String> offers(WebSocketClientConfig config) {
        PerMessageDeflateClientNegotiator deflate = config.deflateNegotiator();
        if (deflate == null) {
            return config.handshake().extensions();
        }
        List<String> offers = new ArrayList<>(config.handshake().extensions());
        offers.add(deflate.offer());
        return offers;
    }

    /**
     * Checks the accepting response's subprotocol and extensions against what was offered.
     *
     * @param headers the response headers
     * @param config the client's settings
     * @param offers the extension offers sent
     */
    static ClientNegotiation check(HttpHeaders headers, WebSocketClientConfig config, List<String> offers) {
        List<String> protocols = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (protocols.size() > 1) {
            return problem("the response selects more than one subprotocol: " + protocols);
        }
        if (protocols.size() == 1 && !config.handshake().subprotocols().contains(protocols.get(0))) {
            return problem("the server selected subprotocol \"" + protocols.get(0) + "\", which was not offered "
                + "(offered: " + config.handshake().subprotocols() + ')');
        }
        List<ExtensionOffer> extensions;
        try {
            extensions = ExtensionOffer.parse(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
        } catch (IllegalArgumentException e) {
            return problem("the response's Sec-WebSocket-Extensions is malformed: " + e.getMessage());
        }
        List<String> offered = new ArrayList<>();
        for (ExtensionOffer offer : ExtensionOffer.parse(offers)) {
            offered.add(offer.name().toLowerCase(Locale.ROOT));
        }
        for (ExtensionOffer extension : extensions) {
            if (!offered.contains(extension.name().toLowerCase(Locale.ROOT))) {
                return problem("the server accepted extension \"" + extension.name() + "\", which was not offered");
            }
        }
        ServerExtensionNegotiator.Negotiated negotiated = null;
        if (config.deflateNegotiator() != null) {
            try {
                negotiated = config.deflateNegotiator().negotiated(extensions, config.frames());
            } catch (IllegalArgumentException e) {
                return problem("the response's permessage-deflate parameters are invalid (RFC 7692 §7): "
                    + e.getMessage());
            }
        }
        return new ClientNegotiation(null, negotiated);
    }
}
