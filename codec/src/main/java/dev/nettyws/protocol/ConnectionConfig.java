package dev.nettyws.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one connection's {@link ConnectionHandler}: how long a close handshake may take, when an idle
 * connection is closed, when keepalive pings are sent, and whether pongs reach the application. Immutable; build one
 * with {@link #builder()} or start from {@link #DEFAULT} and {@link #toBuilder()}. The same configuration serves
 * servers and clients.
 *
 * <p>Safe to share between channels and threads.
 */
public final class ConnectionConfig {
    /** Default {@link #closeTimeout()}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link #idleTimeout()}: 5 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Defaults: 5 s close timeout, 5 min idle timeout, no keepalive pings, pongs not forwarded.
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

    private ConnectionConfig(Builder builder) {
        this.closeTimeout = builder.closeTimeout;
        this.idleTimeout = builder.idleTimeout;
        this.pingInterval = builder.pingInterval;
        this.forwardPongs = builder.forwardPongs;
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

    @Override
    public String toString() {
        return "ConnectionConfig(closeTimeout=" + closeTimeout + ", idleTimeout=" + idleTimeout + ", pingInterval="
            + pingInterval + ", forwardPongs=" + forwardPongs + ')';
    }

    /** Builds a {@link ConnectionConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration pingInterval = Duration.ZERO;
        private boolean forwardPongs;

        private Builder() {
        }

        private Builder(ConnectionConfig config) {
            this.closeTimeout = config.closeTimeout;
            this.idleTimeout = config.idleTimeout;
            this.pingInterval = config.pingInterval;
            this.forwardPongs = config.forwardPongs;
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

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if the close timeout is not positive, a duration is negative or too long
         *     to count in nanoseconds, or the ping interval is not shorter than a set idle timeout
         */
        public ConnectionConfig build() {
            if (closeTimeout.isZero() || closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must be positive: " + closeTimeout);
            }
            checkNanos("closeTimeout", closeTimeout);
            checkNanos("idleTimeout", idleTimeout);
            checkNanos("pingInterval", pingInterval);
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
