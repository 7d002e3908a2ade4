package dev.nettyws.client;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.internal.deflate.PerMessageDeflateClientNegotiator;
import dev.nettyws.internal.deflate.PerMessageDeflateParameters;
import dev.nettyws.protocol.WebSocketConfig;
import dev.nettyws.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManager;

/**
 * Everything a {@link WebSocketClient} needs that does not depend on the URI: the opening handshake
 * ({@link ClientHandshakeConfig}: subprotocols, extensions, origin, headers, timeout), what every connection needs
 * once open (see {@link WebSocketConfig}: framing with role {@link Role#CLIENT}, so every frame written is masked,
 * the connection protocol, aggregation, permessage-deflate), TLS trust for {@code wss}, and the threads. Immutable;
 * build one with {@link #builder()} or use {@link #DEFAULT}.
 *
 * <p>Safe to share between clients and threads. The event loop group it may carry is shared, not owned: whoever
 * created it shuts it down. Holds no buffers.
 */
public final class WebSocketClientConfig extends WebSocketConfig {
    /**
     * Client frame defaults, handshake defaults, connection defaults, no aggregation, no compression, the JDK's
     * trusted CAs, an own event loop group.
     */
    public static final WebSocketClientConfig DEFAULT = builder().build();

    private final ClientHandshakeConfig handshake;
    private final SslContext sslContext;
    private final List<X509Certificate> trustedCertificates;
    private final TrustManager trustManager;
    private final Transport transport;
    private final EventLoopGroup eventLoopGroup;
    private final int threads;
    /** Made once from {@link #compression()} for every connection's handshake. */
    private final PerMessageDeflateClientNegotiator deflateNegotiator;

    private WebSocketClientConfig(Builder builder) {
        // Netty's default high water mark: the client leaves its channels' water marks alone.
        super(builder, WriteBufferWaterMark.DEFAULT.high());
        this.handshake = builder.handshake;
        this.sslContext = builder.sslContext;
        this.trustedCertificates = List.copyOf(builder.trustedCertificates);
        this.trustManager = builder.trustManager;
        this.transport = builder.transport;
        this.eventLoopGroup = builder.eventLoopGroup;
        this.threads = builder.threads;
        this.deflateNegotiator = compression() == null ? null : new PerMessageDeflateClientNegotiator(compression());
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * What the opening handshake offers and sends, and its timeout (which also bounds the TCP connect). When
     * {@link #compression()} is set, the handshake offers permessage-deflate after these extension offers.
     */
    public ClientHandshakeConfig handshake() {
        return handshake;
    }

    /**
     * The TLS context for {@code wss} URIs, or null to build one from {@link #trustedCertificates()} or
     * {@link #trustManager()} (or the JDK's trusted CAs when neither is set), with host name verification.
     */
    public SslContext sslContext() {
        return sslContext;
    }

    /** Certificates to trust for {@code wss} instead of the JDK's CAs (for example a test server's); may be empty. */
    public List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    /** A trust manager to use for {@code wss} instead of the JDK's, or null. */
    public TrustManager trustManager() {
        return trustManager;
    }

    /** The transport of the event loop group the client creates; ignored when a group is supplied. */
    public Transport transport() {
        return transport;
    }

    /**
     * An event loop group to use instead of creating one, or null. The client does not shut it down. A group of
     * Netty 4.2's {@code MultiThreadIoEventLoopGroup} kind tells the client which socket channel type fits it; for
     * any other kind, {@link #transport()} must match it.
     */
    public EventLoopGroup eventLoopGroup() {
        return eventLoopGroup;
    }

    /** The number of event loop threads the client creates, or 0 for Netty's default (twice the cores). */
    public int threads() {
        return threads;
    }

    /** The permessage-deflate negotiator for {@link #compression()}, or null. */
    PerMessageDeflateClientNegotiator deflateNegotiator() {
        return deflateNegotiator;
    }

    @Override
    public String toString() {
        return "WebSocketClientConfig(handshake=" + handshake + ", " + webSocketToString() + ", transport="
            + transport + ", threads=" + threads + ", sharedGroup=" + (eventLoopGroup != null) + ')';
    }

    /** Builds a {@link WebSocketClientConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder extends WebSocketConfig.Builder<WebSocketClientConfig, Builder> {
        private ClientHandshakeConfig handshake = ClientHandshakeConfig.DEFAULT;
        private SslContext sslContext;
        private List<X509Certificate> trustedCertificates = List.of();
        private TrustManager trustManager;
        private Transport transport = Transport.AUTO;
        private EventLoopGroup eventLoopGroup;
        private int threads;

        private Builder() {
            super(FrameConfig.CLIENT_DEFAULT, false);
        }

        private Builder(WebSocketClientConfig config) {
            super(config);
            handshake = config.handshake;
            sslContext = config.sslContext;
            trustedCertificates = config.trustedCertificates;
            trustManager = config.trustManager;
            transport = config.transport;
            eventLoopGroup = config.eventLoopGroup;
            threads = config.threads;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** See {@link WebSocketClientConfig#handshake()}. */
        public Builder handshake(ClientHandshakeConfig handshake) {
            this.handshake = Objects.requireNonNull(handshake, "handshake");
            return this;
        }

        /** See {@link WebSocketClientConfig#sslContext()}; it must be a client context. */
        public Builder sslContext(SslContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** See {@link WebSocketClientConfig#trustedCertificates()}. */
        public Builder trustCertificates(X509Certificate... certificates) {
            this.trustedCertificates = Arrays.asList(certificates.clone());
            return this;
        }

        /** See {@link WebSocketClientConfig#trustManager()}. */
        public Builder trustManager(TrustManager trustManager) {
            this.trustManager = trustManager;
            return this;
        }

        /** See {@link WebSocketClientConfig#transport()}. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** See {@link WebSocketClientConfig#eventLoopGroup()}. */
        public Builder eventLoopGroup(EventLoopGroup eventLoopGroup) {
            this.eventLoopGroup = eventLoopGroup;
            return this;
        }

        /** See {@link WebSocketClientConfig#threads()}. */
        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the frame role is not the client's, the aggregation limit is invalid,
         *     the thread count is negative, the SSL context is a server's, more than one trust option is set,
         *     compression is set while the handshake offers permessage-deflate itself, or the connection's outbound
         *     limit was set below what the message limit needs ({@link #connection()})
         */
        @Override
        public WebSocketClientConfig build() {
            checkWebSocket(Role.CLIENT);
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0: " + threads);
            }
            if (sslContext != null && !sslContext.isClient()) {
                throw new IllegalArgumentException("sslContext must be a client context");
            }
            int trustOptions = (sslContext != null ? 1 : 0) + (trustedCertificates.isEmpty() ? 0 : 1)
                + (trustManager != null ? 1 : 0);
            if (trustOptions > 1) {
                throw new IllegalArgumentException("set one of sslContext, trustCertificates and trustManager");
            }
            if (compressionSet()) {
                for (ExtensionOffer offer : ExtensionOffer.parse(handshake.extensions())) {
                    if (PerMessageDeflateParameters.EXTENSION_NAME.equalsIgnoreCase(offer.name())) {
                        throw new IllegalArgumentException("compression is set and the handshake already offers "
                            + PerMessageDeflateParameters.EXTENSION_NAME);
                    }
                }
            }
            return new WebSocketClientConfig(this);
        }
    }
}
