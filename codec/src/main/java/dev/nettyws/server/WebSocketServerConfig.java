package dev.nettyws.server;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.extension.deflate.PerMessageDeflateServerNegotiator;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.HttpBackpressureHandler;
import dev.nettyws.handshake.ServerExtensionNegotiator;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.protocol.MessageAggregator;
import io.netty.channel.WriteBufferWaterMark;
import java.util.Objects;

/**
 * Everything a WebSocket server endpoint needs, in one immutable object: the opening handshake
 * ({@link ServerHandshakeConfig}: path, subprotocols, origins, timeout), framing ({@link FrameConfig}, role
 * {@link Role#SERVER}), the connection protocol ({@link ConnectionConfig}: close and idle timeouts, keepalive),
 * message aggregation and its limit, the HTTP limits of a new server's {@code HttpServerCodec}, and the outbound
 * buffer bounds. Build one with {@link #builder()} or start from {@link #DEFAULT} and {@link #toBuilder()}; every
 * limit is finite by default. {@link WebSocketServer#install} and {@link WebSocketServerInitializer} take it.
 *
 * <p><b>Outbound bounds and {@code isWritable()}.</b> {@link #writeBufferWaterMark()} is applied to every channel
 * this configuration is installed on. Netty queues whatever is written, without limit; the water marks only switch
 * {@code Channel.isWritable()} off when more than the high mark is queued, and on again below the low mark, firing
 * {@code channelWritabilityChanged} each time. Applications that can produce faster than a peer reads must respect
 * it: stop producing (or stop reading, {@code channel.config().setAutoRead(false)}, for a request/response service)
 * while the channel is unwritable, and resume on {@code channelWritabilityChanged}; or drop or coalesce messages for
 * that peer (a broadcast to a slow subscriber). Whatever the application does, the connection handler fails a
 * connection with 1008 when its peer stops reading ({@link ConnectionConfig#writeStallTimeout()}, 30 s) or more than
 * {@link ConnectionConfig#maxPendingWriteBytes()} pile up (16 MiB, raised by {@link #build()} to what a message of
 * the limit needs, see {@link #connection()}); raise it above the largest message the application writes if that is
 * larger than what it receives.
 *
 * <p>Immutable and safe to share between channels and threads.
 */
public final class WebSocketServerConfig {
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
     * frames and messages), {@link ConnectionConfig#DEFAULT}, aggregation on, Netty's HTTP limits and
     * {@link #DEFAULT_WRITE_BUFFER_WATER_MARK}.
     */
    public static final WebSocketServerConfig DEFAULT = builder().build();

    private final ServerHandshakeConfig handshake;
    private final FrameConfig frames;
    private final ConnectionConfig connection;
    private final boolean aggregate;
    private final int maxAggregatedMessageLength;
    /** Whether the aggregation limit was never set and follows the frame config, also through {@link #toBuilder()}. */
    private final boolean aggregationLimitFollowsFrames;
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private final WriteBufferWaterMark writeBufferWaterMark;
    private final int maxPipelinedRequests;
    private final int maxConnectionsPerAddress;
    private final PerMessageDeflateConfig compression;
    private final ServerHandshakeConfig upgradeHandshake;

    private WebSocketServerConfig(Builder builder, int maxAggregatedMessageLength, ConnectionConfig connection) {
        this.handshake = builder.handshake;
        this.frames = builder.frames;
        this.connection = connection;
        this.aggregate = builder.aggregate;
        this.maxAggregatedMessageLength = maxAggregatedMessageLength;
        this.aggregationLimitFollowsFrames = !builder.aggregationLimitSet;
        this.maxInitialLineLength = builder.maxInitialLineLength;
        this.maxHeaderSize = builder.maxHeaderSize;
        this.writeBufferWaterMark = builder.writeBufferWaterMark;
        this.maxPipelinedRequests = builder.maxPipelinedRequests;
        this.maxConnectionsPerAddress = builder.maxConnectionsPerAddress;
        this.compression = builder.compression;
        this.upgradeHandshake = compression == null ? handshake : handshake.toBuilder()
            .extensionNegotiator(new PerMessageDeflateServerNegotiator(compression, frames)).build();
    }

    /** A builder holding the defaults of {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The opening handshake: path, subprotocols, origin policy, interceptor, extensions, timeout. */
    public ServerHandshakeConfig handshake() {
        return handshake;
    }

    /**
     * The permessage-deflate settings (RFC 7692), or null when compression is off (the default). When set, the
     * endpoint accepts a client's first valid permessage-deflate offer; clients that offer none (or send no
     * {@code Sec-WebSocket-Extensions}) are served uncompressed.
     */
    public PerMessageDeflateConfig compression() {
        return compression;
    }

    /**
     * The handshake configuration the {@link dev.nettyws.handshake.UpgradeDecoder} runs with: {@link #handshake()},
     * plus a {@link PerMessageDeflateServerNegotiator} when {@link #compression()} is set.
     */
    public ServerHandshakeConfig upgradeHandshake() {
        return upgradeHandshake;
    }

    /** Framing limits and rules of the frame decoder and encoder; the role is {@link Role#SERVER}. */
    public FrameConfig frames() {
        return frames;
    }

    /**
     * The close handshake, idle and keepalive settings of each connection's {@code ConnectionHandler}, with its
     * outbound limit {@linkplain ConnectionConfig#fitTo fitted} to the message limit: unless set, at least the largest
     * message as it goes out (the frame limit, or its DEFLATE bound with compression, plus a 14-byte header) plus the
     * high water mark plus 1 KiB for control frames, so that a message of the limit can always be echoed.
     */
    public ConnectionConfig connection() {
        return connection;
    }

    /**
     * Whether fragmented data messages are joined (by a {@link MessageAggregator}) before the application sees them,
     * so that it receives every message as one final {@code TextFrame} or {@code BinaryFrame}. Default true. Without
     * it the application receives frames as they arrive, {@code ContinuationFrame}s included.
     */
    public boolean aggregate() {
        return aggregate;
    }

    /**
     * The largest message the aggregator joins, in bytes; a larger one starts the close handshake with 1009 (RFC 6455
     * §7.4.1). Follows the frame configuration's {@link FrameConfig#maxMessageLength()} unless set, and may not exceed
     * it (the decoder would fail the connection before the aggregator saw such a message).
     */
    public int maxAggregatedMessageLength() {
        return maxAggregatedMessageLength;
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
        return "WebSocketServerConfig(handshake=" + handshake + ", frames=" + frames + ", connection=" + connection
            + ", aggregate=" + aggregate + ", maxAggregatedMessageLength=" + maxAggregatedMessageLength
            + ", maxInitialLineLength=" + maxInitialLineLength + ", maxHeaderSize=" + maxHeaderSize
            + ", writeBufferWaterMark=" + writeBufferWaterMark + ", maxPipelinedRequests=" + maxPipelinedRequests
            + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ", compression=" + compression + ')';
    }

    /** Builds a {@link WebSocketServerConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private ServerHandshakeConfig handshake = ServerHandshakeConfig.DEFAULT;
        private FrameConfig frames = FrameConfig.SERVER_DEFAULT;
        private ConnectionConfig connection = ConnectionConfig.DEFAULT;
        private boolean aggregate = true;
        private int maxAggregatedMessageLength;
        private boolean aggregationLimitSet;
        private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE_LENGTH;
        private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
        private WriteBufferWaterMark writeBufferWaterMark = DEFAULT_WRITE_BUFFER_WATER_MARK;
        private int maxPipelinedRequests = DEFAULT_MAX_PIPELINED_REQUESTS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private PerMessageDeflateConfig compression;

        private Builder() {
        }

        private Builder(WebSocketServerConfig config) {
            this.handshake = config.handshake;
            this.frames = config.frames;
            this.connection = config.connection;
            this.aggregate = config.aggregate;
            this.maxAggregatedMessageLength = config.maxAggregatedMessageLength;
            this.aggregationLimitSet = !config.aggregationLimitFollowsFrames;
            this.maxInitialLineLength = config.maxInitialLineLength;
            this.maxHeaderSize = config.maxHeaderSize;
            this.writeBufferWaterMark = config.writeBufferWaterMark;
            this.maxPipelinedRequests = config.maxPipelinedRequests;
            this.maxConnectionsPerAddress = config.maxConnectionsPerAddress;
            this.compression = config.compression;
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

        /** See {@link WebSocketServerConfig#frames()}; the role must be {@link Role#SERVER}. */
        public Builder frames(FrameConfig frames) {
            this.frames = Objects.requireNonNull(frames, "frames");
            return this;
        }

        /** See {@link WebSocketServerConfig#connection()}. */
        public Builder connection(ConnectionConfig connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** See {@link WebSocketServerConfig#aggregate()}. */
        public Builder aggregate(boolean aggregate) {
            this.aggregate = aggregate;
            return this;
        }

        /** See {@link WebSocketServerConfig#maxAggregatedMessageLength()}; 0 to the frame config's message limit. */
        public Builder maxAggregatedMessageLength(int maxAggregatedMessageLength) {
            this.maxAggregatedMessageLength = maxAggregatedMessageLength;
            this.aggregationLimitSet = true;
            return this;
        }

        /**
         * Sets every size limit of a message to {@code max} bytes: the frame payload and the message limit of the
         * frame configuration ({@link FrameConfig.Builder#maxLength(int)}), and the aggregation limit.
         *
         * @throws IllegalArgumentException if {@code max} is negative
         */
        public Builder maxMessageLength(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxMessageLength must be >= 0: " + max);
            }
            frames(frames.toBuilder().maxLength(max).build());
            return maxAggregatedMessageLength(max);
        }

        /**
         * Sets the frame configuration's {@link FrameConfig#memoryBudget() memory budget}: what all connections
         * sharing it may buffer on their peers' behalf. Give every endpoint of a server the same one.
         */
        public Builder memoryBudget(MemoryBudget budget) {
            return frames(frames.toBuilder().memoryBudget(budget).build());
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

        /** See {@link WebSocketServerConfig#compression()}; null switches compression off. */
        public Builder compression(PerMessageDeflateConfig compression) {
            this.compression = compression;
            return this;
        }

        /**
         * Switches permessage-deflate on with {@link PerMessageDeflateConfig#DEFAULT}, or off; a shortcut for
         * {@code compression(deflate ? PerMessageDeflateConfig.DEFAULT : null)}.
         */
        public Builder deflate(boolean deflate) {
            return compression(deflate ? PerMessageDeflateConfig.DEFAULT : null);
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the frame role is not the server's, an HTTP limit is not positive, the
         *     connections per address are negative, the aggregation limit is negative or exceeds the frame
         *     configuration's message limit, compression is set together with an extension negotiator of the
         *     handshake configuration, or the connection's {@link ConnectionConfig#maxPendingWriteBytes()} was set
         *     below what the message limit needs
         */
        public WebSocketServerConfig build() {
            if (frames.role() != Role.SERVER) {
                throw new IllegalArgumentException("frames must have role SERVER, not " + frames.role());
            }
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
            int aggregated = aggregationLimitSet ? maxAggregatedMessageLength : frames.maxMessageLength();
            if (aggregated < 0) {
                throw new IllegalArgumentException("maxAggregatedMessageLength must be >= 0: " + aggregated);
            }
            if (aggregated > frames.maxMessageLength()) {
                throw new IllegalArgumentException("maxAggregatedMessageLength (" + aggregated
                    + ") exceeds the frame config's maxMessageLength (" + frames.maxMessageLength() + ')');
            }
            if (compression != null && handshake.extensionNegotiator() != ServerExtensionNegotiator.NONE) {
                throw new IllegalArgumentException("compression and a handshake extensionNegotiator are both set: "
                    + "add permessage-deflate to the negotiator instead");
            }
            // The largest message as it goes out: compressed, it may grow to the DEFLATE bound.
            long payload = compression == null ? frames.maxMessageLength()
                : PerMessageDeflateConfig.maxCompressedLength(frames.maxMessageLength());
            return new WebSocketServerConfig(this, aggregated, connection.fitTo(
                payload + ConnectionConfig.MAX_FRAME_HEADER_LENGTH, writeBufferWaterMark.high()));
        }
    }
}
