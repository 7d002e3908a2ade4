package dev.nettyws.extension.deflate;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.ClientHandshakeCompletedEvent;
import dev.nettyws.handshake.ExtensionOffer;
import io.netty.channel.ChannelPipeline;
import java.util.List;
import java.util.Objects;

/**
 * The client side of permessage-deflate negotiation (RFC 7692 §5, §7): writes the offer for
 * {@link dev.nettyws.handshake.ClientHandshakeConfig.Builder#extensions}, validates the server's response, and
 * installs the handlers from a {@link dev.nettyws.handshake.ClientWebSocketInitializer}:
 * <pre>{@code
 * PerMessageDeflateClientNegotiator deflate = new PerMessageDeflateClientNegotiator(PerMessageDeflateConfig.DEFAULT);
 * ClientHandshakeConfig handshake = ClientHandshakeConfig.builder().extensions(deflate.offer()).build();
 * ClientWebSocketInitializer init = (pipeline, after, event) -> {
 *     String last = deflate.install(pipeline, after, frames, event);  // throws if the response is invalid
 *     pipeline.addAfter(last, "app", new MyHandler());
 * };
 * }</pre>
 * {@code WebSocketClientConfig.Builder.compression(...)} does all of that for a {@code WebSocketClient}.
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
     * @param accepted the extensions the server accepted ({@link ClientHandshakeCompletedEvent#extensions()})
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
     * Validates the server's answer and, if it accepted permessage-deflate, replaces the frame decoder with one that
     * allows RSV1 and adds a {@link PerMessageInflater} and a {@link PerMessageDeflater} after it (see
     * {@link PerMessageDeflateServerNegotiator#install(ChannelPipeline, String, PerMessageDeflateParameters, Role,
     * PerMessageDeflateConfig, FrameConfig)}). Call it from the
     * {@link dev.nettyws.handshake.ClientWebSocketInitializer}, before any frame has been read.
     *
     * @param pipeline the channel's pipeline
     * @param decoderName the frame decoder's name (the initializer's {@code afterName})
     * @param frames the connection's frame settings (its message limit also bounds inflated messages)
     * @param handshake the completed handshake
     * @return the name to add the next handlers after: the deflater's, or {@code decoderName} if not accepted
     * @throws IllegalArgumentException if the answer breaks a rule of §7 (fails the handshake when thrown from the
     *     initializer)
     */
    public String install(ChannelPipeline pipeline, String decoderName, FrameConfig frames,
            ClientHandshakeCompletedEvent handshake) {
        PerMessageDeflateParameters agreed = validate(handshake.extensions());
        if (agreed == null) {
            return decoderName;
        }
        return PerMessageDeflateServerNegotiator.install(pipeline, decoderName, agreed, Role.CLIENT, config, frames);
    }
}
