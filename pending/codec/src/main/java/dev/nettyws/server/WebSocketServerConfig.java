package dev.nettyws.server;

import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.Role;
import dev.nettyws.handshake.ServerHandshakeConfig;
import dev.nettyws.protocol.ConnectionConfig;
import io.netty.channel.WriteBufferWaterMark;
import java.util.Objects;

/**
 * Everything a WebSocket server endpoint needs, in one immutable object: the opening handshake
 * ({@link ServerHandshakeConfig}), framing ({@link FrameConfig}, always {@link Role#SERVER}), the connection protocol
 * ({@link ConnectionConfig}), message aggregation, the HTTP limits of a new server's {@code HttpServerCodec}, and the
 * outbound buffer bounds. Build one with {@link #builder(ServerHandshakeConfig)}; every limit is finite by default.
 *
 * <p><b>Outbound bounds and {@code isWritable()}.</b> {@link #writeBufferWaterMark()} is applied to every channel
 * this configuration is installed on. Netty queues whatever is written, without limit; the water marks only switch
 * {@code Channel.isWritable()} off when more than the high mark is queued, and on again below the low mark, firing
 * {@code channelWritabilityChanged} each time. Applications that can produce faster than a peer reads must respect
 * it: stop producing (or stop reading, {@code channel.config().setAutoRead(false)}, for a request/response service)
 * while the channel is unwritable, and resume on {@code channelWritabilityChanged}; or drop or coalesce messages for
 * that peer (a broadcast to a slow subscriber), or close it with 1008 or 1013 when it stays unwritable.
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

    private final ServerHandshakeConfig handshake;
    private final FrameConfig frame;
    private final ConnectionConfig connection;
    private final boolean aggregateMessages;
    private final int maxAggregatedMessageLength;
    /** As set on the builder: {@code -1} while it follows the frame config, so {@link #toBuilder()} keeps following. */
    private final int requestedAggregatedMessageLength;
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private final WriteBufferWaterMark writeBufferWaterMark;

    private WebSocketServerConfig(Builder builder, FrameConfig frame, int maxAggregatedMessageLength) {
        this.handshake = builder.handshake;
        this.frame = frame;
        this.connection = builder.connection;
        this.aggregateMessages = builder.aggregateMessages;
        this.maxAggregatedMessageLength = maxAggregatedMessageLength;
        this.requestedAggregatedMessageLength = builder.maxAggregatedMessageLength;
        this.maxInitialLineLength = builder.maxInitialLineLength;
        this.maxHeaderSize = builder.maxHeaderSize;
        this.writeBufferWaterMark = builder.writeBufferWaterMark;
    }

    /**
     * A builder with the defaults: {@link FrameConfig#SERVER_DEFAULT}, {@link ConnectionConfig}'s defaults,
     * aggregation on, Netty's HTTP limits and {@link #DEFAULT_WRITE_BUFFER_WATER_MARK}.
     *
     * @param handshake the path, subprotocols, origin policy and so on of the endpoint
     */
    public static Builder builder(ServerHandshakeConfig handshake) {
        return new Builder(handshake);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The opening handshake: path, subprotocols, origin policy, extensions, timeout. */
    public ServerHandshakeConfig handshake() {
        return handshake;
    }

    /** Framing limits and rules; its role is always {@link Role#SERVER}. */
    public FrameConfig frame() {
        return frame;
    }

    /** Ping/pong, idle and close handshake settings. */
    public ConnectionConfig connection() {
        return connection;
    }

    /**
     * Whether fragmented data messages are joined into one frame before the application sees them (default true).
     * Without it the application receives fragments as they arrive, {@code ContinuationFrame}s included.
     */
    public boolean aggregateMessages() {
        return aggregateMessages;
    }

    /**
     * The largest message the aggregator will join, in bytes; larger ones fail the connection with 1009. Defaults to
     * the frame configuration's {@link FrameConfig#maxMessageLength()}, and may not exceed it (the decoder would
     * refuse such a message before the aggregator saw it).
     */
    public int maxAggregatedMessageLength() {
        return maxAggregatedMessageLength;
    }

    /** The longest HTTP request line a new server's {@code HttpServerCodec} accepts (answered 414 or 400 beyond). */
    public int maxInitialLineLength() {
        return maxInitialLineLength;
    }

    /** The largest total size of HTTP request headers a new server's {@code HttpServerCodec} accepts. */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** The outbound bounds applied to each channel; see the class comment for how to respect them. */
    public WriteBufferWaterMark writeBufferWaterMark() {
        return writeBufferWaterMark;
    }

    @Override
    public String toString() {
        return "WebSocketServerConfig(handshake=" + handshake + ", frame=" + frame + ", connection=" + connection
            + ", aggregateMessages=" + aggregateMessages + ", maxAggregatedMessageLength=" + maxAggregatedMessageLength
            + ", maxInitialLineLength=" + maxInitialLineLength + ", maxHeaderSize=" + maxHeaderSize
            + ", writeBufferWaterMark=" + writeBufferWaterMark + ')';
    }

    /** Builds a {@link WebSocketServerConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private static final int FOLLOW_FRAME_CONFIG = -1;

        private ServerHandshakeConfig handshake;
        private FrameConfig frame = FrameConfig.SERVER_DEFAULT;
        private ConnectionConfig connection = ConnectionConfig.builder().build();
        private boolean aggregateMessages = true;
        private int maxAggregatedMessageLength = FOLLOW_FRAME_CONFIG;
        private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE_LENGTH;
        private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
        private WriteBufferWaterMark writeBufferWaterMark = DEFAULT_WRITE_BUFFER_WATER_MARK;

        private Builder(ServerHandshakeConfig handshake) {
            handshake(handshake);
        }

        private Builder(WebSocketServerConfig config) {
            this.handshake = config.handshake;
            this.frame = config.frame;
            this.connection = config.connection;
            this.aggregateMessages = config.aggregateMessages;
            this.maxAggregatedMessageLength = config.requestedAggregatedMessageLength;
            this.maxInitialLineLength = config.maxInitialLineLength;
            this.maxHeaderSize = config.maxHeaderSize;
            this.writeBufferWaterMark = config.writeBufferWaterMark;
        }

        /** See {@link WebSocketServerConfig#handshake()}. */
        public Builder handshake(ServerHandshakeConfig handshake) {
            this.handshake = Objects.requireNonNull(handshake, "handshake");
            return this;
        }

        /** See {@link WebSocketServerConfig#frame()}; a client role is replaced by {@link Role#SERVER}. */
        public Builder frame(FrameConfig frame) {
            this.frame = Objects.requireNonNull(frame, "frame");
            return this;
        }

        /** See {@link WebSocketServerConfig#connection()}. */
        public Builder connection(ConnectionConfig connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** See {@link WebSocketServerConfig#aggregateMessages()}. */
        public Builder aggregateMessages(boolean aggregateMessages) {
            this.aggregateMessages = aggregateMessages;
            return this;
        }

        /** See {@link WebSocketServerConfig#maxAggregatedMessageLength()}; 0 to the frame config's message limit. */
        public Builder maxAggregatedMessageLength(int maxAggregatedMessageLength) {
            if (maxAggregatedMessageLength < 0) {
                throw new IllegalArgumentException("maxAggregatedMessageLength must be >= 0: "
                    + maxAggregatedMessageLength);
            }
            this.maxAggregatedMessageLength = maxAggregatedMessageLength;
            return this;
        }

        /**
         * Sets every size limit of a message to {@code max} bytes: the frame payload, the message and the aggregated
         * message.
         */
        public Builder maxMessageLength(int max) {
            frame(frame.toBuilder().maxLength(max).build());
            return maxAggregatedMessageLength(max);
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

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if an HTTP limit is not positive, or the aggregated message limit exceeds
         *     the frame configuration's message limit
         */
        public WebSocketServerConfig build() {
            if (maxInitialLineLength <= 0) {
                throw new IllegalArgumentException("maxInitialLineLength must be > 0: " + maxInitialLineLength);
            }
            if (maxHeaderSize <= 0) {
                throw new IllegalArgumentException("maxHeaderSize must be > 0: " + maxHeaderSize);
            }
            FrameConfig serverFrame = frame.role() == Role.SERVER ? frame : frame.toBuilder().role(Role.SERVER).build();
            int aggregated = maxAggregatedMessageLength == FOLLOW_FRAME_CONFIG ? serverFrame.maxMessageLength()
                : maxAggregatedMessageLength;
            if (aggregated > serverFrame.maxMessageLength()) {
                throw new IllegalArgumentException("maxAggregatedMessageLength (" + aggregated
                    + ") exceeds the frame config's maxMessageLength (" + serverFrame.maxMessageLength() + ')');
            }
            return new WebSocketServerConfig(this, serverFrame, aggregated);
        }
    }
}
