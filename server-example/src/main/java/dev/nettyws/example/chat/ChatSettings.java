package dev.nettyws.example.chat;

import dev.nettyws.protocol.ConnectionConfig;
import dev.nettyws.server.WebSocketServerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the chat service: history length, text size limit, rate limit and the connection limits that
 * protect the server from slow and idle clients. Immutable; start from {@link #DEFAULT} and change it with the
 * {@code with...} methods. Safe to share between threads.
 */
public final class ChatSettings {
    /** The path of the chat endpoint. */
    public static final String PATH = "/chat";

    /** The largest allowed {@link #maxTextBytes()}: 1 MiB. */
    public static final int MAX_TEXT_BYTES_LIMIT = 1 << 20;

    /**
     * Defaults: 100 messages of history, texts up to 4096 UTF-8 bytes, 5 messages per second with bursts of 10,
     * 256 rooms, 5 min idle timeout with keepalive pings every 2.5 min, 1 MiB of queued outbound bytes and 10 s
     * without write progress at most, permessage-deflate negotiated with clients that offer it, join and leave
     * events and full presence lists in rooms of up to 1000 members.
     */
    public static final ChatSettings DEFAULT = new ChatSettings(100, 4096, 5, 10, 256, Duration.ofMinutes(5),
        1L << 20, Duration.ofSeconds(10), true, 1000);

    private final int history;
    private final int maxTextBytes;
    private final int messagesPerSecond;
    private final int burst;
    private final int maxRooms;
    private final Duration idleTimeout;
    private final long maxPendingWriteBytes;
    private final Duration writeStallTimeout;
    private final boolean deflate;
    private final int presenceLimit;

    private ChatSettings(int history, int maxTextBytes, int messagesPerSecond, int burst, int maxRooms,
                         Duration idleTimeout, long maxPendingWriteBytes, Duration writeStallTimeout,
                         boolean deflate, int presenceLimit) {
        if (history < 0) {
            throw new IllegalArgumentException("history must be >= 0: " + history);
        }
        if (maxTextBytes < 1 || maxTextBytes > MAX_TEXT_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxTextBytes must be 1-" + MAX_TEXT_BYTES_LIMIT + ": " + maxTextBytes);
        }
        if (messagesPerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be >= 1: " + messagesPerSecond + ", " + burst);
        }
        if (maxRooms < 1) {
            throw new IllegalArgumentException("maxRooms must be >= 1: " + maxRooms);
        }
        if (presenceLimit < 1) {
            throw new IllegalArgumentException("presenceLimit must be >= 1: " + presenceLimit);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative: " + idleTimeout);
        }
        this.history = history;
        this.maxTextBytes = maxTextBytes;
        this.messagesPerSecond = messagesPerSecond;
        this.burst = burst;
        this.maxRooms = maxRooms;
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.maxPendingWriteBytes = maxPendingWriteBytes;
        this.deflate = deflate;
        this.presenceLimit = presenceLimit;
        this.writeStallTimeout = Objects.requireNonNull(writeStallTimeout, "writeStallTimeout");
    }

    /** How many messages of each room are kept and sent to a client that joins. */
    public int history() {
        return history;
    }

    /** The largest text of a chat message in UTF-8 bytes; a longer one gets an error. */
    public int maxTextBytes() {
        return maxTextBytes;
    }

    /**
     * The largest WebSocket message the endpoint accepts: room for a text of {@link #maxTextBytes()} with every
     * character escaped in JSON ({@code \\uXXXX}, 6 bytes for 1), plus 1 KiB. Bigger ones close the connection with
     * 1009; smaller ones with too long a text get an error.
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

    /** How long a connection may be silent both ways before it is closed with 1001; zero for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Outbound bytes queued for one client beyond which it is closed with 1008 (a slow consumer). */
    public long maxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    /** How long a client's queued bytes may stay unread before it is closed with 1008; zero for never. */
    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    /** A copy with another history length. */
    public ChatSettings withHistory(int history) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
    }

    /** A copy with another text limit. */
    public ChatSettings withMaxTextBytes(int maxTextBytes) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
    }

    /** A copy with another rate limit. */
    public ChatSettings withRate(int messagesPerSecond, int burst) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
    }

    /** A copy with another room limit. */
    public ChatSettings withMaxRooms(int maxRooms) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
    }

    /** A copy with another idle timeout. */
    public ChatSettings withIdleTimeout(Duration idleTimeout) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
    }

    /** Whether {@value #PATH} negotiates permessage-deflate (RFC 7692) with clients that offer it. */
    public boolean deflate() {
        return deflate;
    }

    /** A copy that negotiates permessage-deflate or not. */
    public ChatSettings withDeflate(boolean deflate) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
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

    /** A copy with another {@link #presenceLimit()}. */
    public ChatSettings withPresenceLimit(int presenceLimit) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
    }

    /** A copy with other slow consumer limits. */
    public ChatSettings withSlowConsumerLimits(long maxPendingWriteBytes, Duration writeStallTimeout) {
        return new ChatSettings(history, maxTextBytes, messagesPerSecond, burst, maxRooms, idleTimeout,
            maxPendingWriteBytes, writeStallTimeout, deflate, presenceLimit);
    }

    /**
     * The connection settings of a chat connection: the idle timeout with keepalive pings at half of it (a live
     * browser answers them, so an open tab is never idle), and the slow consumer limits.
     */
    public ConnectionConfig connectionConfig() {
        ConnectionConfig.Builder builder = ConnectionConfig.DEFAULT.toBuilder()
            .idleTimeout(idleTimeout)
            .maxPendingWriteBytes(maxPendingWriteBytes)
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
        return "ChatSettings(history=" + history + ", maxTextBytes=" + maxTextBytes + ", rate=" + messagesPerSecond
            + "/s, burst=" + burst + ", maxRooms=" + maxRooms + ", idleTimeout=" + idleTimeout
            + ", maxPendingWriteBytes=" + maxPendingWriteBytes + ", writeStallTimeout=" + writeStallTimeout
            + ", deflate=" + deflate + ", presenceLimit=" + presenceLimit + ')';
    }
}
