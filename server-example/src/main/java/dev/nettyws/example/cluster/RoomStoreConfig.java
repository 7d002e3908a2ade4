package dev.nettyws.example.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The settings of a {@link RedisRoomStore}. Immutable; build one with {@link #builder()}.
 *
 * <p>Members of a node that dies without a word leave presence at most {@link #lease()} plus
 * {@link #heartbeatInterval()} after its last heartbeat, once another node renews its own lease in the room (or
 * anyone joins or lists the room).
 */
public final class RoomStoreConfig {
    /**
     * Defaults: see the builder's methods. Its random node id is made once: two stores of one process need a config
     * each ({@code builder().build()}), or the second one's posts are taken for repeats of the first one's.
     */
    public static final RoomStoreConfig DEFAULT = builder().build();

    private final String keyPrefix;
    private final String nodeId;
    private final int streamLength;
    private final Duration commandTimeout;
    private final Duration connectTimeout;
    private final Duration lease;
    private final Duration heartbeatInterval;
    private final Duration syncInterval;
    private final Duration roomLifetime;

    private RoomStoreConfig(Builder b) {
        this.keyPrefix = b.keyPrefix;
        this.nodeId = b.nodeId;
        this.streamLength = b.streamLength;
        this.commandTimeout = b.commandTimeout;
        this.connectTimeout = b.connectTimeout;
        this.lease = b.lease;
        this.heartbeatInterval = b.heartbeatInterval;
        this.syncInterval = b.syncInterval;
        this.roomLifetime = b.roomLifetime;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The start of every key and channel name: {@code nettyws} by default. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** This node's name in presence: random by default, so that a restarted node never inherits a dead one's. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * How many messages a room's stream keeps, at least (Redis trims it approximately, keeping up to about 100
     * more): the longest history served, and how far a node cut off from Redis can catch up. 1000 by default.
     */
    public int streamLength() {
        return streamLength;
    }

    /**
     * How long a call may wait for Redis before its future fails (2 s by default). Redis refuses a post that reaches
     * it later than four fifths of this after it was made, so that a post reported failed does not appear later.
     */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /**
     * How long opening a connection to a Redis server may take, handshake included (10 s by default): at startup,
     * at each reconnect, and for each master of a cluster.
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a node's members stay in presence without a heartbeat from it: 10 s by default. */
    public Duration lease() {
        return lease;
    }

    /** How often a node renews its lease in each room where it has members: 3 s by default. */
    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * How often a node checks each subscribed room's stream for messages the live channel did not bring (it also
     * checks after every reconnect): 5 s by default. Bounds how late a message lost in transit arrives.
     */
    public Duration syncInterval() {
        return syncInterval;
    }

    /** How long a room's keys live after its last post or heartbeat: 7 days by default. */
    public Duration roomLifetime() {
        return roomLifetime;
    }

    @Override
    public String toString() {
        return "RoomStoreConfig(keyPrefix=" + keyPrefix + ", nodeId=" + nodeId + ", streamLength=" + streamLength
            + ", commandTimeout=" + commandTimeout + ", connectTimeout=" + connectTimeout + ", lease=" + lease
            + ", heartbeatInterval=" + heartbeatInterval
            + ", syncInterval=" + syncInterval + ", roomLifetime=" + roomLifetime + ')';
    }

    /** Builds a {@link RoomStoreConfig}; checks the values in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private String keyPrefix = "nettyws";
        private String nodeId = UUID.randomUUID().toString();
        private int streamLength = 1000;
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration lease = Duration.ofSeconds(10);
        private Duration heartbeatInterval = Duration.ofSeconds(3);
        private Duration syncInterval = Duration.ofSeconds(5);
        private Duration roomLifetime = Duration.ofDays(7);

        private Builder() {
        }

        /** See {@link RoomStoreConfig#keyPrefix()}; no braces. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /** See {@link RoomStoreConfig#nodeId()}. */
        public Builder nodeId(String nodeId) {
            this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
            return this;
        }

        /** See {@link RoomStoreConfig#streamLength()}; at least 1. */
        public Builder streamLength(int streamLength) {
            this.streamLength = streamLength;
            return this;
        }

        /** See {@link RoomStoreConfig#commandTimeout()}; positive. */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
            return this;
        }

        /** See {@link RoomStoreConfig#connectTimeout()}; positive. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /** See {@link RoomStoreConfig#lease()}; longer than the heartbeat interval. */
        public Builder lease(Duration lease) {
            this.lease = Objects.requireNonNull(lease, "lease");
            return this;
        }

        /** See {@link RoomStoreConfig#heartbeatInterval()}; positive. */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            return this;
        }

        /** See {@link RoomStoreConfig#syncInterval()}; positive. */
        public Builder syncInterval(Duration syncInterval) {
            this.syncInterval = Objects.requireNonNull(syncInterval, "syncInterval");
            return this;
        }

        /** See {@link RoomStoreConfig#roomLifetime()}; positive. */
        public Builder roomLifetime(Duration roomLifetime) {
            this.roomLifetime = Objects.requireNonNull(roomLifetime, "roomLifetime");
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public RoomStoreConfig build() {
            if (keyPrefix.isEmpty() || keyPrefix.contains("{") || keyPrefix.contains("}")) {
                throw new IllegalArgumentException("keyPrefix must be non-empty, without braces: " + keyPrefix);
            }
            if (nodeId.isEmpty()) {
                throw new IllegalArgumentException("nodeId must not be empty");
            }
            if (streamLength < 1) {
                throw new IllegalArgumentException("streamLength must be >= 1: " + streamLength);
            }
            positive("commandTimeout", commandTimeout);
            positive("connectTimeout", connectTimeout);
            positive("heartbeatInterval", heartbeatInterval);
            positive("syncInterval", syncInterval);
            positive("roomLifetime", roomLifetime);
            if (lease.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException("lease (" + lease + ") must be longer than heartbeatInterval ("
                    + heartbeatInterval + ')');
            }
            return new RoomStoreConfig(this);
        }

        private static void positive(String name, Duration value) {
            if (value.isZero() || value.isNegative() || value.toMillis() == 0) {
                throw new IllegalArgumentException(name + " must be at least 1 ms: " + value);
            }
        }
    }
}
