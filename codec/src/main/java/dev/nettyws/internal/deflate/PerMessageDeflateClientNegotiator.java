package dev.nettyws.internal.deflate;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.ServerExtensionNegotiator;
import java.util.List;
import java.util.Objects;

/**
 * The client side of permessage-deflate negotiation (RFC 7692 §5, §7): writes the offer the client's handshake adds
 * to its own extension offers, and validates the server's response, which yields what to install. The client's
 * handshaker uses it when {@code WebSocketClientConfig.compression()} is set.
 *
 * <p><b>Validating</b> (§7, "the client MUST Fail the WebSocket Connection if"): more than one permessage-deflate
 * element, a parameter repeated, unknown or with a wrong value, {@code client_max_window_bits} without a value,
 * {@code server_max_window_bits} larger than offered, or {@code client_max_window_bits} larger than offered. A
 * server may add {@code server_no_context_takeover}, {@code client_no_context_takeover} (which this client then
 * honours) and window limits. The handshake fails and the connection is closed; no frame has been exchanged.
 *
 * <p>Thread-safe and stateless: one instance may serve every connection.
 */
public final class PerMessageDeflateClientNegotiator {
    private final PerMessageDeflateConfig config;
    private final PerMessageDeflateParameters offered;

    /**
     * Creates a negotiator.
     *
     * @param config what the client offers and how it compresses
     */
    public PerMessageDeflateClientNegotiator(PerMessageDeflateConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        int serverBits = config.serverMaxWindowBits() < PerMessageDeflateConfig.MAX_WINDOW_BITS
            ? config.serverMaxWindowBits() : 0;
        int clientBits = config.clientMaxWindowBits() < PerMessageDeflateConfig.MAX_WINDOW_BITS
            ? config.clientMaxWindowBits() : PerMessageDeflateParameters.NO_VALUE;
        this.offered = new PerMessageDeflateParameters(config.serverNoContextTakeover(),
            config.clientNoContextTakeover(), serverBits, clientBits);
    }

    /** The configuration. */
    public PerMessageDeflateConfig config() {
        return config;
    }

    /** The offer, one {@code Sec-WebSocket-Extensions} element: {@code permessage-deflate; client_max_window_bits}. */
    public String offer() {
        return offered.toString();
    }

    /**
     * Validates the server's answer.
     *
     * @param accepted the extensions the server accepted (parsed {@code Sec-WebSocket-Extensions})
     * @return the agreed parameters, or null if the server did not accept permessage-deflate
     * @throws IllegalArgumentException naming the rule the answer breaks
     */
    public PerMessageDeflateParameters validate(List<ExtensionOffer> accepted) {
        PerMessageDeflateParameters result = null;
        for (ExtensionOffer element : accepted) {
            if (!PerMessageDeflateParameters.EXTENSION_NAME.equalsIgnoreCase(element.name())) {
                continue;
            }
            if (result != null) {
                throw new IllegalArgumentException("permessage-deflate accepted twice");
            }
            result = PerMessageDeflateParameters.parse(element, true);
        }
        if (result == null) {
            return null;
        }
        if (offered.serverMaxWindowBits() > 0 && result.effectiveServerWindowBits() > offered.serverMaxWindowBits()) {
            throw new IllegalArgumentException("server_max_window_bits=" + result.effectiveServerWindowBits()
                + " exceeds the offered " + offered.serverMaxWindowBits());
        }
        if (offered.clientMaxWindowBits() > 0 && result.clientMaxWindowBits() > offered.clientMaxWindowBits()) {
            throw new IllegalArgumentException("client_max_window_bits=" + result.clientMaxWindowBits()
                + " exceeds the offered " + offered.clientMaxWindowBits());
        }
        return result;
    }

    /**
     * Validates the server's answer and says what to install for it.
     *
     * @param accepted the extensions the server accepted
     * @param frames the connection's frame settings (its message limit also bounds inflated messages)
     * @return the agreement, or null if the server did not accept permessage-deflate
     * @throws IllegalArgumentException naming the rule the answer breaks
     */
    public ServerExtensionNegotiator.Negotiated negotiated(List<ExtensionOffer> accepted, FrameConfig frames) {
        PerMessageDeflateParameters agreed = validate(accepted);
        return agreed == null ? null
            : new PerMessageDeflateServerNegotiator.Accepted(agreed, Role.CLIENT, config, frames);
    }
}
