package dev.nettyws.server;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.internal.ServerExtensionNegotiator;
import dev.nettyws.internal.deflate.PerMessageDeflateServerNegotiator;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.WebSocketConfig;
import io.netty.channel.WriteBufferWaterMark;
import java.util.Objects;

/**
 * Everything a WebSocket server endpoint needs, in one immutable object: the opening handshake
 * ({@link ServerHandshakeConfig}: path, subprotocols, origins, interceptor, timeout), what every connection needs
 * once open (see {@link WebSocketConfig}: framing with role {@link Role#SERVER}, the connection protocol,
 * aggregation, permessage-deflate), the HTTP limits of a new server's {@code HttpServerCodec}, and the outbound
 * buffer bounds. Build one with {@link #builder()} or start from {@link #DEFAULT} and {@link #toBuilder()}; every
 * limit is finite by default. {@link WebSocketServer#install}, {@link UpgradeHandler} and
 * {@link WebSocketServerInitializer} take it.
 *
 * <p><b>Outbound bounds and {@code isWritable()}.</b> {@link #writeBufferWaterMark()} is applied to every channel
 * this configuration is installed on. Netty queues whatever is written, without limit; the water marks only switch
 * {@code Channel.isWritable()} off when more than the high mark is queued, and on again below the low mark, firing
 * {@code channelWritabilityChanged} each time. Applications that can produce faster than a peer reads must respect
 * it: stop producing (or stop reading, {@code channel.config().setAutoRead(false)}, for a request/response service)
 * while the channel is unwritable, and resume on {@code channelWritabilityChanged}; or drop or coalesce messages for
 * that peer (a broadcast to a slow subscriber). Whatever the application does, nettyws fails a connection with 1008
 * when its peer stops reading ({@link ConnectionConfig#writeStallTimeout()}, 30 s) or more than
 * {@link ConnectionConfig#maxPendingWriteBytes()} pile up (16 MiB, raised by {@link Builder#build()} to what a
 * message of the limit needs, see {@link #connection()}); raise it above the largest message the application writes
 * if that is larger than what it receives.
 *
 * <p>Immutable and safe to share between channels and threads.
 */
public final class WebSocketServerConfig extends WebSocketConfig {
    /** Default {@link #maxInitialLineLength()}: 4096 bytes, Netty's default. */
    public static final int DEFAULT_MAX_INITIAL_LINE_LENGTH = 4096;
    /** Default {@link #maxHeaderSize()}: 8192 bytes, Netty's default. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 8192;
    /** Default {@link #writeBufferWaterMark()}: unwritable above 64 KiB queued, writable again below 32 KiB. */
    public static final WriteBufferWaterMark DEFAULT_WRITE_BUFFER_WATER_MARK =
        new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** Default {@link #maxPipelinedRequests()}: 16. */
    public static final int DEFAULT_MAX_PIPELINED_REQUESTS = 16;
    /** Default {@link #maxConnectionsPerAddress()}: 256. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

    /**
     * Endpoint {@code "/"} ({@link ServerHandshakeConfig#DEFAULT}), {@link FrameConfig#SERVER_DEFAULT} (1 MiB
     * frames and messages), {@link ConnectionConfig#DEFAULT}, aggregation on, no compression, Netty's HTTP limits
     * and {@link #DEFAULT_WRITE_BUFFER_WATER_MARK}.
     */
    public static final WebSocketServerConfig DEFAULT = builder().build();

    private final ServerHandshakeConfig handshake;
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private final WriteBufferWaterMark writeBufferWaterMark;
    private final int maxPipelinedRequests;
    private final int maxConnectionsPerAddress;
    /** Made once from {@link #compression()} for every connection's handshake. */
    private final ServerExtensionNegotiator extensionNegotiator;

    private WebSocketServerConfig(Builder builder) {
        super(builder, builder.writeBufferWaterMark.high());
        this.handshake = builder.handshake;
        this.maxInitialLineLength = builder.maxInitialLineLength;
        this.maxHeaderSize = builder.maxHeaderSize;
        this.writeBufferWaterMark = builder.writeBufferWaterMark;
        this.maxPipelinedRequests = builder.maxPipelinedRequests;
        this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
        this.extensionNegotiator = compression() == null ? ServerExtensionNegotiator.NONE
            : new PerMessageDeflateServerNegotiator(compression(), frames());
    }

    /** A builder holding the defaults of {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The opening handshake: path, subprotocols, origin policy, interceptor, timeout. */
    public ServerHandshakeConfig handshake() {
        return handshake;
    }

    /** The longest HTTP request line a new server's {@code HttpServerCodec} accepts (answered 414 beyond). */
    public int maxInitialLineLength() {
        return maxInitialLineLength;
    }

    /** The largest total size of HTTP request headers a new server's {@code HttpServerCodec} accepts (431 beyond). */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** The outbound bounds applied to each channel; see the class comment for how to respect them. */
    public WriteBufferWaterMark writeBufferWaterMark() {
        return writeBufferWaterMark;
    }

    /** The extensions the upgrade handler accepts: permessage-deflate when compressing, else none. */
    ServerExtensionNegotiator extensionNegotiator() {
        return extensionNegotiator;
    }

    /**
     * How many HTTP requests of one connection may await their response at once before the upgrade (RFC 9112
     * §9.3.2 pipelining); beyond it, and while the channel is unwritable, the connection stops reading until
     * responses have been written and sent ({@link HttpBackpressureHandler}). Browsers do not pipeline; a handler that
     * answers at once never has more than one outstanding. Default {@value #DEFAULT_MAX_PIPELINED_REQUESTS}.
     */
    public int maxPipelinedRequests() {
        return maxPipelinedRequests;
    }

    /**
     * How many connections one client address may hold open at once on a server built by
     * {@link WebSocketServerInitializer} ({@link ConnectionsPerAddressLimit}: an IPv4 address, or the /64 prefix of an
     * IPv6 address); a further connection is closed at once. 0 for no limit. Default
     * {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}: room for a NAT gateway or proxy in front of many users, while one
     * address cannot take a server's file descriptors.
     */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    @Override
    public String toString() {
        return "WebSocketServerConfig(handshake=" + handshake + ", " + webSocketToString() + ", maxInitialLineLength="
            + maxInitialLineLength + ", maxHeaderSize=" + maxHeaderSize + ", writeBufferWaterMark="
            + writeBufferWaterMark + ", maxPipelinedRequests=" + maxPipelinedRequests + ", maxConnectionsPerAddress="
            + maxConnectionsPerAddress + ')';
    }

    /** Builds a {@link WebSocketServerConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder extends WebSocketConfig.Builder<WebSocketServerConfig, Builder> {
        private ServerHandshakeConfig handshake = ServerHandshakeConfig.DEFAULT;
        private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE_LENGTH;
        private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
        private WriteBufferWaterMark writeBufferWaterMark = DEFAULT_WRITE_BUFFER_WATER_MARK;
        private int maxPipelinedRequests = DEFAULT_MAX_PIPELINED_REQUESTS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        private Builder() {
            super(FrameConfig.SERVER_DEFAULT, true);
        }

        private Builder(WebSocketServerConfig config) {
            super(config);
            this.handshake = config.handshake;
            this.maxInitialLineLength = config.maxInitialLineLength;
            this.maxHeaderSize = config.maxHeaderSize;
            this.writeBufferWaterMark = config.writeBufferWaterMark;
            this.maxPipelinedRequests = config.maxPipelinedRequests;
            this.maxConnectionsPerAddress = config.maxConnectionsPerAddress;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** See {@link WebSocketServerConfig#handshake()}. */
        public Builder handshake(ServerHandshakeConfig handshake) {
            this.handshake = Objects.requireNonNull(handshake, "handshake");
            return this;
        }

        /**
         * Sets the endpoint's path, keeping the rest of the handshake configuration; a shortcut for
         * {@code handshake(handshake.toBuilder().path(path).build())}.
         *
         * @throws IllegalArgumentException if the path is not valid, see {@link ServerHandshakeConfig.Builder#build()}
         */
        public Builder path(String path) {
            return handshake(handshake.toBuilder().path(path).build());
        }

        /** See {@link WebSocketServerConfig#maxInitialLineLength()}; positive. */
        public Builder maxInitialLineLength(int maxInitialLineLength) {
            this.maxInitialLineLength = maxInitialLineLength;
            return this;
        }

        /** See {@link WebSocketServerConfig#maxHeaderSize()}; positive. */
        public Builder maxHeaderSize(int maxHeaderSize) {
            this.maxHeaderSize = maxHeaderSize;
            return this;
        }

        /** See {@link WebSocketServerConfig#writeBufferWaterMark()}. */
        public Builder writeBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
            this.writeBufferWaterMark = Objects.requireNonNull(writeBufferWaterMark, "writeBufferWaterMark");
            return this;
        }

        /** See {@link WebSocketServerConfig#maxPipelinedRequests()}; at least 1. */
        public Builder maxPipelinedRequests(int maxPipelinedRequests) {
            this.maxPipelinedRequests = maxPipelinedRequests;
            return this;
        }

        /** See {@link WebSocketServerConfig#maxConnectionsPerAddress()}; 0 for no limit. */
        public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the frame role is not the server's, an HTTP limit is not positive, the
         *     connections per address are negative, the aggregation limit is negative or exceeds the frame
         *     configuration's message limit, or the connection's {@link ConnectionConfig#maxPendingWriteBytes()} was
         *     set below what the message limit needs
         */
        @Override
        public WebSocketServerConfig build() {
            checkWebSocket(Role.SERVER);
            if (maxInitialLineLength <= 0) {
                throw new IllegalArgumentException("maxInitialLineLength must be > 0: " + maxInitialLineLength);
            }
            if (maxHeaderSize <= 0) {
                throw new IllegalArgumentException("maxHeaderSize must be > 0: " + maxHeaderSize);
            }
            if (maxPipelinedRequests <= 0) {
                throw new IllegalArgumentException("maxPipelinedRequests must be > 0: " + maxPipelinedRequests);
            }
            if (maxConnectionsPerAddress < 0) {
                throw new IllegalArgumentException("maxConnectionsPerAddress must be >= 0: "
                    + maxConnectionsPerAddress);
            }
            return new WebSocketServerConfig(this);
        }
    }
}
