package dev.nettyws.internal.deflate;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.Role;
import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.protocol.HandlerNames;
import io.netty.channel.ChannelPipeline;
import java.util.List;
import java.util.Objects;

/**
 * The server side of permessage-deflate negotiation (RFC 7692 §5, §7): accepts the first valid
 * {@code permessage-deflate} offer, answers with the agreed parameters, and installs a {@link PerMessageInflater}
 * and a {@link PerMessageDeflater} after the frame decoder. {@code WebSocketServerConfig} makes one from its
 * {@code compression()} setting.
 *
 * <p><b>Accepting.</b> Every configuration RFC 7692 allows is supported, so an offer is declined only when it is
 * invalid (§7: a parameter repeated, unknown, with a value where none belongs, or a window value outside 8-15); the
 * next offer is then tried. The response:
 * <ul>
 *   <li>{@code server_no_context_takeover} if the client asked for it or {@link PerMessageDeflateConfig} says
 *       so;</li>
 *   <li>{@code client_no_context_takeover} if the client offered it (it promised to reset anyway; confirming lets the
 *       server inflate with a shared inflater), the configuration asks for it, or the frame configuration's
 *       {@link dev.nettyws.frame.MemoryBudget} has no room left for another inflater kept between messages;</li>
 *   <li>{@code server_max_window_bits}: the smaller of the offered value and the configured one when offered,
 *       else the configured one when below 15;</li>
 *   <li>{@code client_max_window_bits}: only when the client offered it (§7.1.2.2), with the smaller of the offered
 *       value (15 without one) and the configured one, when that is below 15.</li>
 * </ul>
 *
 * <p>Thread-safe and stateless: one instance serves every channel; {@link #negotiate} runs on each channel's event
 * loop.
 */
public final class PerMessageDeflateServerNegotiator implements ServerExtensionNegotiator {
    private final PerMessageDeflateConfig config;
    private final FrameConfig frames;

    /**
     * Creates a negotiator.
     *
     * @param config what the server wants
     * @param frames the connection's frame settings (see {@link #install(ChannelPipeline, String,
     *     PerMessageDeflateParameters, Role, PerMessageDeflateConfig, FrameConfig) install} for how they apply)
     */
    public PerMessageDeflateServerNegotiator(PerMessageDeflateConfig config, FrameConfig frames) {
        this.config = Objects.requireNonNull(config, "config");
        this.frames = Objects.requireNonNull(frames, "frames");
    }

    /** The configuration. */
    public PerMessageDeflateConfig config() {
        return config;
    }

    @Override
    public Negotiated negotiate(List<ExtensionOffer> offers) {
        for (ExtensionOffer offer : offers) {
            if (!PerMessageDeflateParameters.EXTENSION_NAME.equalsIgnoreCase(offer.name())) {
                continue;
            }
            PerMessageDeflateParameters accepted = accept(offer);
            if (accepted != null) {
                return new Accepted(accepted, Role.SERVER, config, frames);
            }
        }
        return null;
    }

    /**
     * The response to one offer, or null to decline it (§7: invalid offers are declined).
     *
     * @param offer an element named {@value PerMessageDeflateParameters#EXTENSION_NAME}
     * @return the parameters of the response, or null
     */
    public PerMessageDeflateParameters accept(ExtensionOffer offer) {
        PerMessageDeflateParameters offered;
        try {
            offered = PerMessageDeflateParameters.parse(offer, false);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int serverBits = 0;
        if (offered.serverMaxWindowBits() > 0) {
            serverBits = Math.min(offered.serverMaxWindowBits(), config.serverMaxWindowBits());
        } else if (config.serverMaxWindowBits() < PerMessageDeflateConfig.MAX_WINDOW_BITS) {
            serverBits = config.serverMaxWindowBits();
        }
        int clientBits = 0;
        if (offered.clientMaxWindowBits() != 0) {
            int bits = Math.min(offered.effectiveClientWindowBits(), config.clientMaxWindowBits());
            if (bits < PerMessageDeflateConfig.MAX_WINDOW_BITS) {
                clientBits = bits;
            }
        }
        // A client that keeps its context needs an inflater of ours for the connection's life: without room for one
        // in the memory budget, the client is asked to reset after each message (§7.1.1.2 allows it unasked).
        boolean clientNoContextTakeover = offered.clientNoContextTakeover() || config.clientNoContextTakeover()
            || !frames.memoryBudget().hasRoomForContext(PerMessageInflater.CONTEXT_BYTES);
        return new PerMessageDeflateParameters(
            offered.serverNoContextTakeover() || config.serverNoContextTakeover(), clientNoContextTakeover,
            serverBits, clientBits);
    }

    /** One agreement, on either end; installs the handlers for its parameters. */
    static final class Accepted implements Negotiated {
        private final PerMessageDeflateParameters parameters;
        private final Role role;
        private final PerMessageDeflateConfig config;
        private final FrameConfig frames;

        Accepted(PerMessageDeflateParameters parameters, Role role, PerMessageDeflateConfig config,
                FrameConfig frames) {
            this.parameters = parameters;
            this.role = role;
            this.config = config;
            this.frames = frames;
        }

        @Override
        public String responseHeaderValue() {
            return parameters.toString();
        }

        @Override
        public int rsvBits() {
            return Frame.RSV1;
        }

        @Override
        public String install(ChannelPipeline pipeline, String encoderName, String decoderName) {
            return PerMessageDeflateServerNegotiator.install(pipeline, decoderName, parameters, role, config, frames);
        }

        @Override
        public String toString() {
            return parameters.toString();
        }
    }

    /**
     * Sets up a connection on which permessage-deflate was agreed, before any frame has been read: replaces the
     * frame decoder by one that allows RSV1 and whose size limits are {@link #wireBound widened} to what a message of
     * the configured size may take when compressed (DEFLATE can grow incompressible data a little, and with context
     * takeover a sender cannot fall back to sending it uncompressed); then adds a {@link PerMessageInflater}, which
     * holds every message, compressed or not, to the configured {@link FrameConfig#maxMessageLength()}, and a
     * {@link PerMessageDeflater} after it.
     *
     * @param pipeline the channel's pipeline
     * @param decoderName the name of its {@link FrameDecoder}
     * @param parameters what was agreed
     * @param role this endpoint's role
     * @param config this endpoint's wishes (it may compress with a smaller window or without context takeover)
     * @param frames this endpoint's frame settings
     * @return the name of the last handler added
     */
    public static String install(ChannelPipeline pipeline, String decoderName, PerMessageDeflateParameters parameters,
            Role role, PerMessageDeflateConfig config, FrameConfig frames) {
        FrameConfig wire = frames.toBuilder().allowedRsvBits(frames.allowedRsvBits() | Frame.RSV1)
            .maxFramePayloadLength(wireBound(frames.maxFramePayloadLength()))
            .maxMessageLength(wireBound(frames.maxMessageLength())).build();
        pipeline.replace(decoderName, decoderName, new FrameDecoder(wire));
        Role peer = role == Role.SERVER ? Role.CLIENT : Role.SERVER;
        pipeline.addAfter(decoderName, HandlerNames.INFLATER, new PerMessageInflater(frames.maxMessageLength(),
            frames.validateUtf8(), parameters.noContextTakeover(peer), frames.memoryBudget()));
        // Our own configuration may ask for less than what was agreed (a smaller window, no context takeover).
        int windowBits = Math.min(parameters.windowBits(role), role == Role.SERVER ? config.serverMaxWindowBits()
            : config.clientMaxWindowBits());
        boolean noContextTakeover = parameters.noContextTakeover(role) || (role == Role.SERVER
            ? config.serverNoContextTakeover() : config.clientNoContextTakeover());
        pipeline.addAfter(HandlerNames.INFLATER, HandlerNames.DEFLATER, new PerMessageDeflater(
            config.compressionLevel(), windowBits, noContextTakeover, config.compressionThreshold(),
            frames.memoryBudget()));
        return HandlerNames.DEFLATER;
    }

    /** {@link PerMessageDeflateConfig#maxCompressedLength}, capped to what a frame limit can say. */
    static int wireBound(int length) {
        return (int) Math.min(Integer.MAX_VALUE, PerMessageDeflateConfig.maxCompressedLength(length));
    }
}
