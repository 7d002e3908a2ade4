package dev.nettyws.example.chat;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.server.WebSocketServerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the chat service: history, text size limit, rate limit, room limits and the connection limits
 * that protect the server from slow and idle clients. Immutable and validated when built; start from
 * {@link #DEFAULT} and change it with {@link #toBuilder()} or the {@code with...} methods. Safe to share between
 * threads.
 *
 * <p>Every byte limit counts bytes as they are sent: UTF-8 after JSON's escapes (a control character in a text
 * costs 6 bytes, not 1).
 */
public final class ChatSettings {
    /** The path of the chat endpoint. */
    public static final String PATH = "/chat";

    /** The largest allowed {@link #maxTextBytes()}: 1 MiB. */
    public static final int MAX_TEXT_BYTES_LIMIT = 1 << 20;

    /**
     * Defaults: 100 messages and at most 256 KiB of history per room, texts up to 4096 bytes, 5 messages per second
     * with bursts of 10, 256 rooms of which one address may hold 16, 5 min idle timeout with keepalive pings every
     * 2.5 min, 1 MiB of queued outbound bytes and 10 s without write progress at most, permessage-deflate
     * negotiated with clients that offer it, join and leave events and full presence lists in rooms of up to 1000
     * members.
     */
    public static final ChatSettings DEFAULT = new Builder().build();

    private final int history;
    private final long historyBytes;
    private final int maxTextBytes;
    private final int messagesPerSecond;
    private final int burst;
    private final int maxRooms;
    private final int maxRoomsPerAddress;
    private final Duration idleTimeout;
    private final long requestedPendingWriteBytes;
    private final Duration writeStallTimeout;
    private final boolean deflate;
    private final int presenceLimit;

    private ChatSettings(Builder b) {
        if (b.history < 0 || b.historyBytes < 0) {
            throw new IllegalArgumentException("history must be >= 0: " + b.history + " messages, "
                + b.historyBytes + " bytes");
        }
        if (b.maxTextBytes < 1 || b.maxTextBytes > MAX_TEXT_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxTextBytes must be 1-" + MAX_TEXT_BYTES_LIMIT + ": "
                + b.maxTextBytes);
        }
        if (b.messagesPerSecond < 1 || b.burst < 1) {
            throw new IllegalArgumentException("rate and burst must be >= 1: " + b.messagesPerSecond + ", " + b.burst);
        }
        if (b.maxRooms < 1 || b.maxRoomsPerAddress < 1) {
            throw new IllegalArgumentException("maxRooms and maxRoomsPerAddress must be >= 1: " + b.maxRooms + ", "
                + b.maxRoomsPerAddress);
        }
        if (b.presenceLimit < 1) {
            throw new IllegalArgumentException("presenceLimit must be >= 1: " + b.presenceLimit);
        }
        if (b.idleTimeout.isNegative() || b.writeStallTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative: " + b.idleTimeout + ", "
                + b.writeStallTimeout);
        }
        this.history = b.history;
        this.historyBytes = b.historyBytes;
        this.maxTextBytes = b.maxTextBytes;
        this.messagesPerSecond = b.messagesPerSecond;
        this.burst = b.burst;
        this.maxRooms = b.maxRooms;
        this.maxRoomsPerAddress = b.maxRoomsPerAddress;
        this.idleTimeout = b.idleTimeout;
        this.requestedPendingWriteBytes = b.maxPendingWriteBytes;
        this.writeStallTimeout = b.writeStallTimeout;
        this.deflate = b.deflate;
        this.presenceLimit = b.presenceLimit;
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.history = history;
        b.historyBytes = historyBytes;
        b.maxTextBytes = maxTextBytes;
        b.messagesPerSecond = messagesPerSecond;
        b.burst = burst;
        b.maxRooms = maxRooms;
        b.maxRoomsPerAddress = maxRoomsPerAddress;
        b.idleTimeout = idleTimeout;
        b.maxPendingWriteBytes = requestedPendingWriteBytes;
        b.writeStallTimeout = writeStallTimeout;
        b.deflate = deflate;
        b.presenceLimit = presenceLimit;
        return b;
    }

    /** How many messages of each room are kept and sent to a client that joins. */
    public int history() {
        return history;
    }

    /**
     * How many bytes of message events each room keeps at most (JSON as sent); the oldest messages fall out first.
     * Bounds the memory of every room's history, whatever its messages hold.
     */
    public long historyBytes() {
        return historyBytes;
    }

    /**
     * The largest text of a chat message, in bytes as every member is sent it: UTF-8 with JSON's escapes (4096
     * bytes: 4096 ASCII letters, 1365 characters of most Asian scripts, 682 control characters). A longer one
     * gets an error.
     */
    public int maxTextBytes() {
        return maxTextBytes;
    }

    /**
     * The largest WebSocket message the endpoint accepts: room for a text of {@link #maxTextBytes()} with every
     * character escaped by the client ({@code \\uXXXX}, 6 bytes for 1), plus 1 KiB. Bigger ones close the
     * connection with 1009; smaller ones with too long a text get an error.
     */
    public int maxFrameBytes() {
        return maxTextBytes * 6 + 1024;
    }

    /** Messages a client may send per second on average. */
    public int messagesPerSecond() {
        return messagesPerSecond;
    }

    /** Messages a client may send at once before the rate applies. */
    public int burst() {
        return burst;
    }

    /** The most rooms kept; a new room beyond it replaces the least recently used empty room. */
    public int maxRooms() {
        return maxRooms;
    }

    /**
     * How many rooms one client address may hold (an IPv6 address counts by its /64 prefix): be in at once, and
     * have created and not yet seen dropped. Beyond it a join to another room is refused with 1013, except that a
     * new room first takes the place of the address's own least recently used empty room. So one address can
     * neither keep every room in use nor push the other rooms' histories out.
     */
    public int maxRoomsPerAddress() {
        return maxRoomsPerAddress;
    }

    /** How long a connection may be silent both ways before it is closed with 1001; zero for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Outbound bytes queued for one client beyond which it is closed with 1008 (a slow consumer): the value asked
     * for, but never less than {@link #largestEventBytes()} plus the high write buffer water mark (64 KiB), so that
     * no single event, however large its content, can trip it for a client that reads, nor less than the codec's
     * rule for the message limit ({@link ConnectionConfig#minPendingWriteBytes}), which the endpoint's
     * configuration would otherwise refuse.
     */
    public long maxPendingWriteBytes() {
        int highWaterMark = WebSocketServerConfig.DEFAULT_WRITE_BUFFER_WATER_MARK.high();
        long largestFrame = (deflate ? PerMessageDeflateConfig.maxCompressedLength(maxFrameBytes()) : maxFrameBytes())
            + ConnectionConfig.MAX_FRAME_HEADER_LENGTH;
        return Math.max(requestedPendingWriteBytes, Math.max(largestEventBytes() + highWaterMark,
            ConnectionConfig.minPendingWriteBytes(largestFrame, highWaterMark)));
    }

    /**
     * The most bytes one event can take as sent: a message with the longest text, a piece of a history
     * ({@link HistoryPieces}), or a presence list of {@link #presenceLimit()} of the longest nicks.
     */
    public long largestEventBytes() {
        long message = (long) maxTextBytes + ChatJson.MESSAGE_ENVELOPE_BYTES;
        long historyPiece = Math.max(HistoryPieces.MAX_PIECE_BYTES, message) + ChatJson.HISTORY_ENVELOPE_BYTES;
        // A nick: 24 characters of up to 4 bytes, a suffix '#' and up to 10 digits, two quotes and a comma.
        long presence = 64 + (long) presenceLimit * (ChatNames.MAX_NICK_LENGTH * 4 + 11 + 3);
        return Math.max(message, Math.max(historyPiece, presence));
    }

    /** How long a client's queued bytes may stay unread before it is closed with 1008; zero for never. */
    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    /** Whether {@value #PATH} negotiates permessage-deflate (RFC 7692) with clients that offer it. */
    public boolean deflate() {
        return deflate;
    }

    /**
     * The room size up to which members hear of every join and leave and get every nick in the presence list. In a
     * bigger room each join would cost a message to every member (quadratic traffic as a room fills), so joins and
     * leaves are not announced there and the presence list holds the first {@code presenceLimit} nicks and the
     * count.
     */
    public int presenceLimit() {
        return presenceLimit;
    }

    /** A copy with another history length. */
    public ChatSettings withHistory(int history) {
        return toBuilder().history(history).build();
    }

    /** A copy with another text limit. */
    public ChatSettings withMaxTextBytes(int maxTextBytes) {
        return toBuilder().maxTextBytes(maxTextBytes).build();
    }

    /** A copy with another rate limit. */
    public ChatSettings withRate(int messagesPerSecond, int burst) {
        return toBuilder().rate(messagesPerSecond, burst).build();
    }

    /** A copy with another room limit. */
    public ChatSettings withMaxRooms(int maxRooms) {
        return toBuilder().maxRooms(maxRooms).build();
    }

    /** A copy with another idle timeout. */
    public ChatSettings withIdleTimeout(Duration idleTimeout) {
        return toBuilder().idleTimeout(idleTimeout).build();
    }

    /** A copy that negotiates permessage-deflate or not. */
    public ChatSettings withDeflate(boolean deflate) {
        return toBuilder().deflate(deflate).build();
    }

    /** A copy with another {@link #presenceLimit()}. */
    public ChatSettings withPresenceLimit(int presenceLimit) {
        return toBuilder().presenceLimit(presenceLimit).build();
    }

    /** A copy with other slow consumer limits. */
    public ChatSettings withSlowConsumerLimits(long maxPendingWriteBytes, Duration writeStallTimeout) {
        return toBuilder().slowConsumerLimits(maxPendingWriteBytes, writeStallTimeout).build();
    }

    /**
     * The connection settings of a chat connection: the idle timeout with keepalive pings at half of it (a live
     * browser answers them, so an open tab is never idle), and the slow consumer limits.
     */
    public ConnectionConfig connectionConfig() {
        ConnectionConfig.Builder builder = ConnectionConfig.DEFAULT.toBuilder()
            .idleTimeout(idleTimeout)
            .maxPendingWriteBytes(maxPendingWriteBytes())
            .writeStallTimeout(writeStallTimeout);
        if (!idleTimeout.isZero()) {
            builder.pingInterval(idleTimeout.dividedBy(2));
        }
        return builder.build();
    }

    /**
     * The endpoint configuration of {@value #PATH}: messages up to {@link #maxFrameBytes()}, aggregated, and
     * permessage-deflate when {@link #deflate()}.
     */
    public WebSocketServerConfig serverConfig() {
        return WebSocketServerConfig.builder().path(PATH).maxMessageLength(maxFrameBytes())
            .connection(connectionConfig()).deflate(deflate).build();
    }

    @Override
    public String toString() {
        return "ChatSettings(history=" + history + ", historyBytes=" + historyBytes + ", maxTextBytes="
            + maxTextBytes + ", rate=" + messagesPerSecond + "/s, burst=" + burst + ", maxRooms=" + maxRooms
            + ", maxRoomsPerAddress=" + maxRoomsPerAddress + ", idleTimeout=" + idleTimeout
            + ", maxPendingWriteBytes=" + maxPendingWriteBytes() + ", writeStallTimeout=" + writeStallTimeout
            + ", deflate=" + deflate + ", presenceLimit=" + presenceLimit + ')';
    }

    /** Builds {@link ChatSettings}; starts from the defaults. Not thread-safe. */
    public static final class Builder {
        private int history = 100;
        private long historyBytes = 256 * 1024;
        private int maxTextBytes = 4096;
        private int messagesPerSecond = 5;
        private int burst = 10;
        private int maxRooms = 256;
        private int maxRoomsPerAddress = 16;
        private Duration idleTimeout = Duration.ofMinutes(5);
        private long maxPendingWriteBytes = 1L << 20;
        private Duration writeStallTimeout = Duration.ofSeconds(10);
        private boolean deflate = true;
        private int presenceLimit = 1000;

        private Builder() {
        }

        /** See {@link ChatSettings#history()}. */
        public Builder history(int messages) {
            this.history = messages;
            return this;
        }

        /** See {@link ChatSettings#historyBytes()}. */
        public Builder historyBytes(long bytes) {
            this.historyBytes = bytes;
            return this;
        }

        /** See {@link ChatSettings#maxTextBytes()}. */
        public Builder maxTextBytes(int bytes) {
            this.maxTextBytes = bytes;
            return this;
        }

        /** See {@link ChatSettings#messagesPerSecond()} and {@link ChatSettings#burst()}. */
        public Builder rate(int messagesPerSecond, int burst) {
            this.messagesPerSecond = messagesPerSecond;
            this.burst = burst;
            return this;
        }

        /** See {@link ChatSettings#maxRooms()}. */
        public Builder maxRooms(int rooms) {
            this.maxRooms = rooms;
            return this;
        }

        /** See {@link ChatSettings#maxRoomsPerAddress()}. */
        public Builder maxRoomsPerAddress(int rooms) {
            this.maxRoomsPerAddress = rooms;
            return this;
        }

        /** See {@link ChatSettings#idleTimeout()}. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** See {@link ChatSettings#maxPendingWriteBytes()} and {@link ChatSettings#writeStallTimeout()}. */
        public Builder slowConsumerLimits(long maxPendingWriteBytes, Duration writeStallTimeout) {
            this.maxPendingWriteBytes = maxPendingWriteBytes;
            this.writeStallTimeout = Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
            return this;
        }

        /** See {@link ChatSettings#deflate()}. */
        public Builder deflate(boolean on) {
            this.deflate = on;
            return this;
        }

        /** See {@link ChatSettings#presenceLimit()}. */
        public Builder presenceLimit(int members) {
            this.presenceLimit = members;
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException if a value is out of range
         */
        public ChatSettings build() {
            return new ChatSettings(this);
        }
    }
}
