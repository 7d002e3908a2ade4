package dev.nettyws.internal;

import io.netty.channel.ChannelPipeline;
import java.util.List;

/**
 * Chooses which of a client's {@code Sec-WebSocket-Extensions} offers the server accepts (RFC 6455 §9.1,
 * §4.2.2 item 5.6), and installs what the accepted extensions need. An extension such as permessage-deflate
 * (RFC 7692) plugs in here: it answers with its response parameters, claims the RSV bit it uses, and installs its
 * inflater and deflater next to the frame decoder and encoder.
 *
 * <p>{@link #negotiate(List)} is called on the channel's event loop, once per handshake that offers at least one
 * extension, after the request passed every other check except the {@link HandshakeInterceptor}; it must not
 * block. One instance serves every channel, so it must be thread-safe; per-connection state belongs in the
 * {@link Negotiated} it returns. The default, {@link #NONE}, accepts nothing.
 */
@FunctionalInterface
public interface ServerExtensionNegotiator {
    /** Accepts no extension. */
    ServerExtensionNegotiator NONE = offers -> null;

    /**
     * Chooses from the client's offers, in the client's order of preference. The server must not accept an
     * extension the client did not offer (§9.1); the upgrade handler refuses the handshake with 500 if a name in
     * the response was not offered.
     *
     * @param offers the parsed offers, never empty
     * @return what was accepted, or null to accept nothing (the response then has no extensions header)
     */
    Negotiated negotiate(List<ExtensionOffer> offers);

    /**
     * The outcome of one successful negotiation: the response header value and what the connection needs. Used on
     * the channel's event loop only, and dropped without {@link #install} if the handshake is refused afterwards,
     * so it must not hold resources that need releasing until it installs them.
     */
    interface Negotiated {
        /**
         * The {@code Sec-WebSocket-Extensions} response value, for example
         * {@code "permessage-deflate; server_no_context_takeover"}.
         */
        String responseHeaderValue();

        /**
         * The RSV bits the accepted extensions give meaning to (combination of {@link dev.nettyws.frame.Frame#RSV1},
         * RSV2 and RSV3); the frame decoder allows these on the first frame of a data message.
         */
        int rsvBits();

        /**
         * Installs the extensions' handlers. Called during the pipeline switch, after the frame encoder and
         * decoder are in place and before the {@link WebSocketInitializer}. Inbound, frames flow from the decoder
         * towards the tail; outbound, they flow towards the encoder. So an inflater goes right after
         * {@code decoderName}, and a deflater goes after it too (outbound it then runs before the encoder).
         *
         * @param pipeline the channel's pipeline
         * @param encoderName the name of the {@link dev.nettyws.frame.FrameEncoder}
         * @param decoderName the name of the {@link dev.nettyws.frame.FrameDecoder}
         * @return the name of the last handler added, after which the remaining WebSocket handlers go;
         *     {@code decoderName} if none was added
         */
        String install(ChannelPipeline pipeline, String encoderName, String decoderName);
    }
}
