package dev.nettyws.client;

import dev.nettyws.extension.deflate.PerMessageDeflateClientNegotiator;
import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.extension.deflate.PerMessageDeflateParameters;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.ClientHandshakeConfig;
import dev.nettyws.handshake.ExtensionOffer;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManager;

/**
 * Everything a {@link WebSocketClient} needs that does not depend on the URI: the frame settings, the handshake
 * settings, whether messages are aggregated, TLS trust for {@code wss}, and the threads. Immutable; build one with
 * {@link #builder()} or use {@link #DEFAULT}.
 *
 * <p>Safe to share between clients and threads. The event loop group it may carry is shared, not owned: whoever
 * created it shuts it down.
 */
public final class WebSocketClientConfig {
    /**
     * Client frame defaults, handshake defaults, connection defaults, no aggregation, the JDK's trusted CAs, an own
     * event loop group.
     */
    public static final WebSocketClientConfig DEFAULT = builder().build();

    private final FrameConfig frames;
    private final ClientHandshakeConfig handshake;
    private final ConnectionConfig connection;
    private final boolean aggregate;
    private final SslContext sslContext;
    private final List<X509Certificate> trustedCertificates;
    private final TrustManager trustManager;
    private final Transport transport;
    private final EventLoopGroup eventLoopGroup;
    private final int threads;
    private final PerMessageDeflateClientNegotiator compression;
    private final ClientHandshakeConfig upgradeHandshake;

    private WebSocketClientConfig(Builder builder) {
        this.frames = builder.frames;
        this.handshake = builder.handshake;
        // As on a server (WebSocketServerConfig.connection()): room to send back a message of the limit.
        long payload = builder.compression == null ? frames.maxMessageLength()
            : PerMessageDeflateConfig.maxCompressedLength(frames.maxMessageLength());
        this.connection = builder.connection.fitTo(payload + ConnectionConfig.MAX_FRAME_HEADER_LENGTH,
            WriteBufferWaterMark.DEFAULT.high());
        this.aggregate = builder.aggregate;
        this.sslContext = builder.sslContext;
        this.trustedCertificates = List.copyOf(builder.trustedCertificates);
        this.trustManager = builder.trustManager;
        this.transport = builder.transport;
        this.eventLoopGroup = builder.eventLoopGroup;
        this.threads = builder.threads;
        this.compression = builder.compression == null ? null
            : new PerMessageDeflateClientNegotiator(builder.compression);
        if (compression == null) {
            this.upgradeHandshake = handshake;
        } else {
            List<String> offers = new ArrayList<>(handshake.extensions());
            offers.add(compression.offer());
            this.upgradeHandshake = handshake.toBuilder().extensions(offers).build();
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The frame settings; the role is {@link Role#CLIENT}, so every frame written is masked. */
    public FrameConfig frames() {
        return frames;
    }

    /** What the opening handshake offers and sends, and its timeout (which also bounds the TCP connect). */
    public ClientHandshakeConfig handshake() {
        return handshake;
    }

    /**
     * The connection protocol settings of the {@link dev.nettyws.protocol.ConnectionHandler}: close timeout (how long
     * the client waits for the server to close TCP after the close handshake, RFC 6455 §7.1.1), idle timeout,
     * keepalive pings, whether pongs reach the application, and the outbound limit, fitted to the frame
     * configuration's message limit as on a server ({@code WebSocketServerConfig.connection()}, with Netty's default
     * high water mark of 64 KiB): a client configured for N-byte messages can always send one back.
     */
    public ConnectionConfig connection() {
        return connection;
    }

    /**
     * Whether fragmented messages are joined before they reach the application, which then sees each message as
     * one final {@link dev.nettyws.frame.TextFrame} or {@link dev.nettyws.frame.BinaryFrame} (by a
     * {@link dev.nettyws.protocol.MessageAggregator} limited to {@link FrameConfig#maxMessageLength()}). Default
     * false: the application sees the frames as they arrive, continuation frames included.
     */
    public boolean aggregate() {
        return aggregate;
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

    /**
     * The permessage-deflate settings (RFC 7692), or null when compression is off (the default). When set, the
     * client offers permessage-deflate after the handshake's own extension offers, validates the server's answer
     * (an invalid one fails the handshake) and, if it was accepted, compresses and decompresses messages.
     */
    public PerMessageDeflateConfig compression() {
        return compression == null ? null : compression.config();
    }

    /** The negotiator for {@link #compression()}, or null. */
    public PerMessageDeflateClientNegotiator compressionNegotiator() {
        return compression;
    }

    /** The handshake the client sends: {@link #handshake()} plus the permessage-deflate offer when compressing. */
    public ClientHandshakeConfig upgradeHandshake() {
        return upgradeHandshake;
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

    @Override
    public String toString() {
        return "WebSocketClientConfig(frames=" + frames + ", handshake=" + handshake + ", connection=" + connection
            + ", aggregate=" + aggregate + ", compression=" + compression()
            + ", transport=" + transport + ", threads=" + threads + ", sharedGroup=" + (eventLoopGroup != null) + ')';
    }

    /** Builds a {@link WebSocketClientConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private FrameConfig frames = FrameConfig.CLIENT_DEFAULT;
        private ClientHandshakeConfig handshake = ClientHandshakeConfig.DEFAULT;
        private ConnectionConfig connection = ConnectionConfig.DEFAULT;
        private boolean aggregate;
        private SslContext sslContext;
        private List<X509Certificate> trustedCertificates = List.of();
        private TrustManager trustManager;
        private Transport transport = Transport.AUTO;
        private EventLoopGroup eventLoopGroup;
        private int threads;
        private PerMessageDeflateConfig compression;

        private Builder() {
        }

        private Builder(WebSocketClientConfig config) {
            frames = config.frames;
            handshake = config.handshake;
            connection = config.connection;
            aggregate = config.aggregate;
            sslContext = config.sslContext;
            trustedCertificates = config.trustedCertificates;
            trustManager = config.trustManager;
            transport = config.transport;
            eventLoopGroup = config.eventLoopGroup;
            threads = config.threads;
            compression = config.compression();
        }

        /** See {@link WebSocketClientConfig#frames()}; the role must be {@link Role#CLIENT}. */
        public Builder frames(FrameConfig frames) {
            this.frames = Objects.requireNonNull(frames, "frames");
            return this;
        }

        /**
         * Sets the frame configuration's {@link FrameConfig#memoryBudget() memory budget}: what all the client's
         * connections sharing it may buffer on their servers' behalf.
         */
        public Builder memoryBudget(MemoryBudget budget) {
            return frames(frames.toBuilder().memoryBudget(budget).build());
        }

        /** See {@link WebSocketClientConfig#handshake()}. */
        public Builder handshake(ClientHandshakeConfig handshake) {
            this.handshake = Objects.requireNonNull(handshake, "handshake");
            return this;
        }

        /** See {@link WebSocketClientConfig#connection()}. */
        public Builder connection(ConnectionConfig connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** See {@link WebSocketClientConfig#aggregate()}. */
        public Builder aggregate(boolean aggregate) {
            this.aggregate = aggregate;
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

        /** See {@link WebSocketClientConfig#compression()}; null switches compression off. */
        public Builder compression(PerMessageDeflateConfig compression) {
            this.compression = compression;
            return this;
        }

        /** Switches permessage-deflate on with {@link PerMessageDeflateConfig#DEFAULT}, or off. */
        public Builder deflate(boolean deflate) {
            return compression(deflate ? PerMessageDeflateConfig.DEFAULT : null);
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the frame role is not the client's, the thread count is negative,
         *     the SSL context is a server's, more than one trust option is set, compression is set while the
         *     handshake offers permessage-deflate itself, or the connection's outbound limit was set below what the
         *     message limit needs ({@link #connection()})
         */
        public WebSocketClientConfig build() {
            if (frames.role() != Role.CLIENT) {
                throw new IllegalArgumentException("frames must have role CLIENT, not " + frames.role());
            }
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
            if (compression != null) {
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
