package dev.nettyws.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * How an open WebSocket connection behaves, for servers and clients alike: how long a close handshake may take,
 * when an idle connection is closed, when keepalive pings are sent, whether pongs reach the application, and when a
 * peer that does not read is cut off. Immutable; build one with {@link #builder()} or start from {@link #DEFAULT}
 * and {@link #toBuilder()}. The close reasons our endpoint uses for these ends are constants here, so that
 * applications and tests can tell them apart.
 *
 * <p>Safe to share between channels and threads. Holds no buffers.
 */
public final class ConnectionConfig {
    /** The close reason when the idle timeout closes a connection (code 1001). */
    public static final String IDLE_TIMEOUT_REASON = "idle timeout";
    /** The reason reported (code 1008) when {@link #writeStallTimeout()} fails a connection. */
    public static final String WRITE_STALL_REASON = "write stalled";
    /** The reason reported (code 1008) when {@link #maxPendingWriteBytes()} fails a connection. */
    public static final String PENDING_LIMIT_REASON = "too many bytes queued";
    /** The close reason sent with 1011 when an error the pipeline cannot handle fails a connection. */
    public static final String INTERNAL_ERROR_REASON = "internal error";

    /** Default {@link #closeTimeout()}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #idleTimeout()}: 5 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default {@link #writeStallTimeout()}: 30 seconds. */
    public static final Duration DEFAULT_WRITE_STALL_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Default {@link #maxPendingWriteBytes()}: 16 MiB, or what the endpoint's largest message needs when that is more
     * (see {@link #fitTo}).
     */
    public static final long DEFAULT_MAX_PENDING_WRITE_BYTES = 16L << 20;
    /** The largest frame header (RFC 6455 §5.2): 2 bytes, a 64-bit length and a masking key. */
    public static final int MAX_FRAME_HEADER_LENGTH = 14;
    /**
     * Room for control frames queued next to the largest message: a pong and a close frame, each at most 131 bytes
     * with its header, rounded up.
     */
    public static final int CONTROL_FRAME_SLACK = 1024;

    /**
     * Defaults: 5 s close timeout, 5 min idle timeout, no keepalive pings, pongs not forwarded, 30 s write stall
     * timeout, 16 MiB of queued outbound bytes at most (more when the endpoint's message limit needs it).
     *
     * <p>The idle timeout is finite so that a peer which vanished without a TCP FIN or RST (a phone that changed
     * networks, a crashed host) does not hold its connection forever. It counts the application's writes as activity,
     * so a push-only connection (the server sends, the browser never does) stays open as long as the server sends.
     * Connections that may legitimately stay silent in both directions for longer should enable
     * {@link #pingInterval()}: a live peer answers each ping, and its pong counts as activity.
     */
    public static final ConnectionConfig DEFAULT = builder().build();

    private final Duration closeTimeout;
    private final Duration idleTimeout;
    private final Duration pingInterval;
    private final boolean forwardPongs;
    private final Duration writeStallTimeout;
    private final long maxPendingWriteBytes;
    /** Whether {@link #maxPendingWriteBytes} was set, rather than left to follow the endpoint's message limit. */
    private final boolean maxPendingWriteBytesSet;

    private ConnectionConfig(Builder builder) {
        this.closeTimeout = builder.closeTimeout;
        this.idleTimeout = builder.idleTimeout;
        this.pingInterval = builder.pingInterval;
        this.forwardPongs = builder.forwardPongs;
        this.writeStallTimeout = builder.writeStallTimeout;
        this.maxPendingWriteBytes = builder.maxPendingWriteBytes;
        this.maxPendingWriteBytesSet = builder.maxPendingWriteBytesSet;
    }

    /** A builder holding the defaults of {@link #DEFAULT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * How long the close handshake may take once we have sent a close frame (ours or the echo of the peer's), before
     * we close the TCP connection ourselves: the wait for the peer's close frame, and for a client also the wait for
     * the server to close TCP (RFC 6455 §7.1.1). Always positive.
     */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * How long a connection may go without reading anything from the peer and without the application writing
     * anything, before it is closed with 1001 (going away) and reason {@code "idle timeout"}. {@link Duration#ZERO}
     * turns the timeout off. Pings and pongs the handler sends itself are not application writes.
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * How long the peer may stay silent before a keepalive ping (empty payload) is sent; pings repeat at this
     * interval while nothing is read. {@link Duration#ZERO} (the default) sends none. When both are set, it is
     * shorter than {@link #idleTimeout()}, so that a live peer's pong arrives before the connection counts as idle.
     */
    public Duration pingInterval() {
        return pingInterval;
    }

    /**
     * Whether pong frames (answers to our pings and unsolicited ones, RFC 6455 §5.5.3) are passed on to the
     * application. When {@code false} (the default) the handler releases them.
     */
    public boolean forwardPongs() {
        return forwardPongs;
    }

    /**
     * How long the channel may stay unwritable (more than its high water mark of outbound bytes queued) without any
     * of the queued bytes reaching the peer, before the connection is failed with 1008 (policy violation), reason
     * {@code "write stalled"}: the peer stopped reading. A peer that reads slowly but steadily is not affected, however
     * long it takes. TCP is closed at once, without a close frame, which would only queue behind the bytes the peer
     * does not read. {@link Duration#ZERO} turns this off.
     */
    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    /**
     * The most outbound bytes that may be queued on the channel (written and not yet sent: what
     * {@code Channel.bytesBeforeWritable()} counts, on a socket or an HTTP/2 stream alike). A write that leaves more
     * queued while the channel is unwritable fails the connection at once with 1008 (policy violation), reason
     * {@value #PENDING_LIMIT_REASON}, closing TCP without a close frame. It bounds the memory an application that
     * ignores {@code Channel.isWritable()} can pile up for a slow peer; it must exceed the largest message the
     * application writes plus the high water mark. 0 turns it off.
     *
     * <p>The server and client configurations {@linkplain #fitTo fit it to their message limit}, so that an endpoint
     * configured for N-byte messages can always send one back: left unset it is the larger of 16 MiB and
     * {@link #minPendingWriteBytes the minimum}; set below that minimum, their {@code build()} refuses it.
     */
    public long maxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    /** Whether {@link #maxPendingWriteBytes()} was set explicitly, rather than derived from the message limit. */
    public boolean isMaxPendingWriteBytesSet() {
        return maxPendingWriteBytesSet;
    }

    /**
     * The smallest {@link #maxPendingWriteBytes()} with which an application that writes a frame of
     * {@code largestFrame} bytes while the channel is writable never trips the limit: the frame, plus the high water
     * mark (what may already be queued while the channel still counts as writable), plus
     * {@value #CONTROL_FRAME_SLACK} bytes for a pong and a close frame queued next to it.
     *
     * @param largestFrame the largest frame written, header included, as it goes on the wire
     * @param highWaterMark the channel's write buffer high water mark
     */
    public static long minPendingWriteBytes(long largestFrame, int highWaterMark) {
        return largestFrame + highWaterMark + CONTROL_FRAME_SLACK;
    }

    /**
     * This configuration for an endpoint that sends frames of up to {@code largestFrame} bytes on a channel with
     * {@code highWaterMark}: when {@link #maxPendingWriteBytes()} was not set, a copy with the larger of
     * {@link #DEFAULT_MAX_PENDING_WRITE_BYTES} and {@link #minPendingWriteBytes}; when it was set (or set to 0, off),
     * this configuration, after checking it is not below that minimum.
     *
     * @throws IllegalArgumentException if the limit was set below the minimum
     */
    public ConnectionConfig fitTo(long largestFrame, int highWaterMark) {
        long minimum = minPendingWriteBytes(largestFrame, highWaterMark);
        if (maxPendingWriteBytesSet) {
            if (maxPendingWriteBytes != 0 && maxPendingWriteBytes < minimum) {
                throw new IllegalArgumentException("maxPendingWriteBytes (" + maxPendingWriteBytes + ") is below "
                    + minimum + ": the largest frame (" + largestFrame + " bytes, the message limit with its header)"
                    + " plus the high water mark (" + highWaterMark + ") plus " + CONTROL_FRAME_SLACK
                    + " for control frames; raise it, or leave it unset to have it derived");
            }
            return this;
        }
        long derived = Math.max(DEFAULT_MAX_PENDING_WRITE_BYTES, minimum);
        if (derived == maxPendingWriteBytes) {
            return this;
        }
        Builder builder = toBuilder().maxPendingWriteBytes(derived);
        builder.maxPendingWriteBytesSet = false;
        return builder.build();
    }

    @Override
    public String toString() {
        return "ConnectionConfig(closeTimeout=" + closeTimeout + ", idleTimeout=" + idleTimeout + ", pingInterval="
            + pingInterval + ", forwardPongs=" + forwardPongs + ", writeStallTimeout=" + writeStallTimeout
            + ", maxPendingWriteBytes=" + maxPendingWriteBytes + (maxPendingWriteBytesSet ? "" : " (derived)") + ')';
    }

    /** Builds a {@link ConnectionConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration pingInterval = Duration.ZERO;
        private boolean forwardPongs;
        private Duration writeStallTimeout = DEFAULT_WRITE_STALL_TIMEOUT;
        private long maxPendingWriteBytes = DEFAULT_MAX_PENDING_WRITE_BYTES;
        private boolean maxPendingWriteBytesSet;

        private Builder() {
        }

        private Builder(ConnectionConfig config) {
            this.closeTimeout = config.closeTimeout;
            this.idleTimeout = config.idleTimeout;
            this.pingInterval = config.pingInterval;
            this.forwardPongs = config.forwardPongs;
            this.writeStallTimeout = config.writeStallTimeout;
            this.maxPendingWriteBytes = config.maxPendingWriteBytes;
            this.maxPendingWriteBytesSet = config.maxPendingWriteBytesSet;
        }

        /** See {@link ConnectionConfig#closeTimeout()}; positive. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
            return this;
        }

        /** See {@link ConnectionConfig#idleTimeout()}; zero for none. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        /** See {@link ConnectionConfig#pingInterval()}; zero for none. */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval");
            return this;
        }

        /** See {@link ConnectionConfig#forwardPongs()}. */
        public Builder forwardPongs(boolean forwardPongs) {
            this.forwardPongs = forwardPongs;
            return this;
        }

        /** See {@link ConnectionConfig#writeStallTimeout()}; zero for none. */
        public Builder writeStallTimeout(Duration writeStallTimeout) {
            this.writeStallTimeout = Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
            return this;
        }

        /**
         * See {@link ConnectionConfig#maxPendingWriteBytes()}; zero for none. Once set, it no longer follows the
         * endpoint's message limit, and must be at least the minimum for it.
         */
        public Builder maxPendingWriteBytes(long maxPendingWriteBytes) {
            this.maxPendingWriteBytes = maxPendingWriteBytes;
            this.maxPendingWriteBytesSet = true;
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the close timeout is not positive, a duration is negative or too long
         *     to count in nanoseconds, the ping interval is not shorter than a set idle timeout, or the pending
         *     bytes limit is negative
         */
        public ConnectionConfig build() {
            if (closeTimeout.isZero() || closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must be positive: " + closeTimeout);
            }
            checkNanos("closeTimeout", closeTimeout);
            checkNanos("idleTimeout", idleTimeout);
            checkNanos("pingInterval", pingInterval);
            checkNanos("writeStallTimeout", writeStallTimeout);
            if (maxPendingWriteBytes < 0) {
                throw new IllegalArgumentException("maxPendingWriteBytes must be >= 0: " + maxPendingWriteBytes);
            }
            if (!idleTimeout.isZero() && !pingInterval.isZero() && pingInterval.compareTo(idleTimeout) >= 0) {
                throw new IllegalArgumentException("pingInterval (" + pingInterval + ") must be shorter than"
                    + " idleTimeout (" + idleTimeout + ')');
            }
            return new ConnectionConfig(this);
        }

        private static void checkNanos(String name, Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + duration);
            }
            try {
                duration.toNanos();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(name + " is too long: " + duration, e);
            }
        }
    }
}
