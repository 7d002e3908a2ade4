package dev.nettyws.protocol;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import java.util.Objects;

/**
 * What a WebSocket connection needs once the opening handshake is done, the same for both ends: the framing rules
 * and limits ({@link FrameConfig}), the connection protocol ({@link ConnectionConfig}: close and idle timeouts,
 * keepalive, limits for peers that do not read), whether fragmented messages are joined and up to what size, and
 * permessage-deflate. {@code WebSocketServerConfig} and {@code WebSocketClientConfig} extend it with what only
 * their end has; every setter here is on their builders.
 *
 * <p>Immutable and safe to share between channels and threads. Holds no buffers.
 */
public abstract class WebSocketConfig {
    private final FrameConfig frames;
    private final ConnectionConfig connection;
    private final boolean aggregate;
    private final int maxAggregatedMessageLength;
    /** Whether the aggregation limit was never set and follows the frame config, also through a copied builder. */
    private final boolean aggregationLimitFollowsFrames;
    private final PerMessageDeflateConfig compression;
    private final boolean retainHandshake;

    /**
     * Takes the checked values of a builder.
     *
     * @param builder a builder whose {@link Builder#checkWebSocket(Role)} has passed
     * @param highWaterMark the write buffer high water mark of this end's channels, for the outbound limit
     * @throws IllegalArgumentException if the connection's outbound limit was set below what the message limit needs
     */
    protected WebSocketConfig(Builder<?, ?> builder, int highWaterMark) {
        this.frames = builder.frames;
        // Room to send back a message of the limit: compressed, it may grow to the DEFLATE bound.
        long payload = builder.compression == null ? frames.maxMessageLength()
            : PerMessageDeflateConfig.maxCompressedLength(frames.maxMessageLength());
        this.connection = builder.connection.fitTo(payload + ConnectionConfig.MAX_FRAME_HEADER_LENGTH, highWaterMark);
        this.aggregate = builder.aggregate;
        this.maxAggregatedMessageLength = builder.aggregationLimitSet ? builder.maxAggregatedMessageLength
            : builder.frames.maxMessageLength();
        this.aggregationLimitFollowsFrames = !builder.aggregationLimitSet;
        this.compression = builder.compression;
        this.retainHandshake = builder.retainHandshake;
    }

    /** Framing limits and rules of the frame decoder and encoder; the role is this end's. */
    public final FrameConfig frames() {
        return frames;
    }

    /**
     * Close handshake, idle, keepalive and slow-peer settings of each connection, with the outbound limit
     * {@linkplain ConnectionConfig#fitTo fitted} to the message limit: unless set, at least the largest message as it
     * goes out (the frame limit, or its DEFLATE bound with compression, plus a 14-byte header) plus the high water
     * mark plus 1 KiB for control frames, so that a message of the limit can always be sent back.
     */
    public final ConnectionConfig connection() {
        return connection;
    }

    /**
     * Whether fragmented data messages are joined before the application sees them, so that it receives every
     * message as one final {@code TextFrame} or {@code BinaryFrame}. Without it the application receives frames as
     * they arrive, {@code ContinuationFrame}s included. On by default for servers, off for clients.
     */
    public final boolean aggregate() {
        return aggregate;
    }

    /**
     * The largest message the aggregator joins, in bytes; a larger one starts the close handshake with 1009 (RFC 6455
     * §7.4.1). Follows the frame configuration's {@link FrameConfig#maxMessageLength()} unless set, and may not
     * exceed it (the decoder would fail the connection before the aggregator saw such a message).
     */
    public final int maxAggregatedMessageLength() {
        return maxAggregatedMessageLength;
    }

    /**
     * The permessage-deflate settings (RFC 7692), or null when compression is off (the default). A server accepts a
     * client's first valid offer and serves clients that offer none uncompressed; a client offers it, after its own
     * extension offers, and fails the handshake on an answer it must not accept.
     */
    public final PerMessageDeflateConfig compression() {
        return compression;
    }

    /**
     * Whether each connection keeps its whole {@link dev.nettyws.handshake.HandshakeCompletedEvent} (request target,
     * query, request and response headers) for {@link WebSocketSession#handshake()}. Off by default: the event goes
     * to the application's handlers once and the session keeps only path, subprotocol, extensions and transport,
     * which saves about 1.5 KiB per connection.
     */
    public final boolean retainHandshake() {
        return retainHandshake;
    }

    /** The values of this class, for the {@code toString()} of a subclass. */
    protected final String webSocketToString() {
        return "frames=" + frames + ", connection=" + connection + ", aggregate=" + aggregate
            + ", maxAggregatedMessageLength=" + maxAggregatedMessageLength + ", compression=" + compression
            + ", retainHandshake=" + retainHandshake;
    }

    /**
     * The setters of {@link WebSocketConfig}, shared by the server's and the client's builder. Not thread-safe.
     *
     * @param <C> the configuration built
     * @param <B> the concrete builder, returned by every setter
     */
    public abstract static class Builder<C extends WebSocketConfig, B extends Builder<C, B>> {
        private FrameConfig frames;
        private ConnectionConfig connection = ConnectionConfig.DEFAULT;
        private boolean aggregate;
        private int maxAggregatedMessageLength;
        private boolean aggregationLimitSet;
        private PerMessageDeflateConfig compression;
        private boolean retainHandshake;

        /**
         * A builder with the defaults of one end.
         *
         * @param frames the default frame configuration, of that end's role
         * @param aggregate whether messages are aggregated by default
         */
        protected Builder(FrameConfig frames, boolean aggregate) {
            this.frames = frames;
            this.aggregate = aggregate;
        }

        /** A builder holding the values of {@code config}. */
        protected Builder(WebSocketConfig config) {
            this.frames = config.frames;
            this.connection = config.connection;
            this.aggregate = config.aggregate;
            this.maxAggregatedMessageLength = config.maxAggregatedMessageLength;
            this.aggregationLimitSet = !config.aggregationLimitFollowsFrames;
            this.compression = config.compression;
            this.retainHandshake = config.retainHandshake;
        }

        /** This builder, typed as the concrete builder. */
        protected abstract B self();

        /**
         * Checks the values and builds the configuration.
         *
         * @return the configuration
         * @throws IllegalArgumentException if a value is invalid
         */
        public abstract C build();

        /** See {@link WebSocketConfig#frames()}; the role must be this end's. */
        public B frames(FrameConfig frames) {
            this.frames = Objects.requireNonNull(frames, "frames");
            return self();
        }

        /** See {@link WebSocketConfig#connection()}. */
        public B connection(ConnectionConfig connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return self();
        }

        /** See {@link WebSocketConfig#aggregate()}. */
        public B aggregate(boolean aggregate) {
            this.aggregate = aggregate;
            return self();
        }

        /** See {@link WebSocketConfig#maxAggregatedMessageLength()}. */
        public B maxAggregatedMessageLength(int maxAggregatedMessageLength) {
            this.maxAggregatedMessageLength = maxAggregatedMessageLength;
            this.aggregationLimitSet = true;
            return self();
        }

        /**
         * Sets every size limit of a message to {@code max} bytes: the frame payload and the message limit of the
         * frame configuration ({@link FrameConfig.Builder#maxLength(int)}), and the aggregation limit.
         *
         * @throws IllegalArgumentException if {@code max} is negative
         */
        public B maxMessageLength(int max) {
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
        public B memoryBudget(MemoryBudget budget) {
            return frames(frames.toBuilder().memoryBudget(budget).build());
        }

        /** See {@link WebSocketConfig#compression()}; null switches compression off. */
        public B compression(PerMessageDeflateConfig compression) {
            this.compression = compression;
            return self();
        }

        /** See {@link WebSocketConfig#retainHandshake()}. */
        public B retainHandshake(boolean retainHandshake) {
            this.retainHandshake = retainHandshake;
            return self();
        }

        /** Switches permessage-deflate on with {@link PerMessageDeflateConfig#DEFAULT}, or off. */
        public B deflate(boolean deflate) {
            return compression(deflate ? PerMessageDeflateConfig.DEFAULT : null);
        }

        /** Whether permessage-deflate is switched on. */
        protected final boolean compressionSet() {
            return compression != null;
        }

        /**
         * Checks the values shared by both ends; {@link #build()} calls it first.
         *
         * @param role the role this end's frame configuration must have
         * @throws IllegalArgumentException if the frame role is wrong, or the aggregation limit is negative or
         *     exceeds the frame configuration's message limit
         */
        protected final void checkWebSocket(Role role) {
            if (frames.role() != role) {
                throw new IllegalArgumentException("frames must have role " + role + ", not " + frames.role());
            }
            int aggregated = aggregationLimitSet ? maxAggregatedMessageLength : frames.maxMessageLength();
            if (aggregated < 0) {
                throw new IllegalArgumentException("maxAggregatedMessageLength must be >= 0: " + aggregated);
            }
            if (aggregated > frames.maxMessageLength()) {
                throw new IllegalArgumentException("maxAggregatedMessageLength (" + aggregated
                    + ") exceeds the frame config's maxMessageLength (" + frames.maxMessageLength() + ')');
            }
        }
    }
}
