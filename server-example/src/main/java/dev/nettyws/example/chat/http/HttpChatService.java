package dev.nettyws.example.chat.http;

import dev.nettyws.example.chat.ChatRooms;
import dev.nettyws.example.chat.ChatSettings;
import dev.nettyws.example.chat.HistoryPieces;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The chat over plain HTTP, beside the {@code /chat} WebSocket and sharing its rooms, history, message ids, rules
 * and rate limits ({@link ChatRooms}): for clients whose network breaks WebSocket, and to measure what polling costs.
 * One per server; {@link #newHandler()} makes the {@link HttpChatHandler} of each connection.
 *
 * <pre>
 *   POST /chat/session   {"room":"...","nick":"...","since":"ID"}   join; answers {"type":"session","session":"S"}
 *   GET  /chat/poll?session=S&amp;since=N[&amp;wait=1]    the events after number N: {"next":M,"events":[...]}; with
 *                                                    wait=1 held until there is one or 25 s passed (long polling)
 *   GET  /chat/events?room=...&amp;nick=...[&amp;since=ID]   join as a Server-Sent Events stream (text/event-stream;
 *                                                    Last-Event-ID on a reconnect takes the place of since)
 *   POST /chat/send?session=S    {"type":"message","text":"..."}   post; 204, or 400/429 with an error event
 *   POST /chat/leave?session=S                                   leave; 204
 * </pre>
 * Every event is the same JSON as on {@code /chat}; a session's first event is {@code {"type":"session",...}}.
 * Scan-to-login lives under {@code /chat/login/} ({@link QrLoginRoutes}).
 *
 * <p>Thread-safe; holds no buffers.
 */
public final class HttpChatService {
    /** The prefix of every path of the HTTP transports. */
    public static final String PREFIX = "/chat/";

    private final ChatRooms rooms;
    private final HttpChatSettings settings;
    private final HttpSessions sessions;
    private final HttpAccess access;
    private final long maxQueuedBytes;
    private final int maxBodyBytes;
    private final QrLoginRoutes logins;

    /**
     * Creates the service.
     *
     * @param rooms the chat service shared with {@code /chat}
     * @param settings the HTTP transports' limits
     * @param allowedOrigins origins allowed besides the same origin, as for {@code /chat}
     * @param allowedHosts host names allowed besides IP addresses and localhost, as for {@code /chat}
     * @param tls whether the server speaks TLS
     * @throws IllegalArgumentException if a long poll would outlast the server's HTTP exchange timeout
     */
    public HttpChatService(ChatRooms rooms, HttpChatSettings settings, List<String> allowedOrigins,
                           List<String> allowedHosts, boolean tls) {
        this.rooms = Objects.requireNonNull(rooms, "rooms");
        this.settings = Objects.requireNonNull(settings, "settings");
        ChatSettings chat = rooms.settings();
        Duration exchange = chat.serverConfig().handshake().httpExchangeTimeout();
        if (settings.longPollTimeout().compareTo(exchange) >= 0) {
            throw new IllegalArgumentException("longPollTimeout " + settings.longPollTimeout()
                + " must be shorter than the HTTP exchange timeout " + exchange);
        }
        this.sessions = new HttpSessions(settings);
        this.access = new HttpAccess(allowedOrigins, allowedHosts, tls);
        this.logins = new QrLoginRoutes(new QrLogins(System::nanoTime), rooms, tls);
        // What a join may bring (the history, in pieces, with their envelopes) and the slow consumer limit on top.
        this.maxQueuedBytes = chat.historyBytes() + 2L * HistoryPieces.MAX_PIECE_BYTES + chat.maxPendingWriteBytes();
        // A client may escape every character of its text (\\u0061 for a): six bytes each, and the JSON around it.
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE, 6L * chat.maxTextBytes() + 1024);
    }

    /** A handler for one connection. */
    public HttpChatHandler newHandler() {
        return new HttpChatHandler(this);
    }

    /** The largest request body the transports take: the aggregator's limit. */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** How many sessions are open. */
    public int sessionCount() {
        return sessions.size();
    }

    ChatRooms rooms() {
        return rooms;
    }

    HttpChatSettings settings() {
        return settings;
    }

    HttpSessions sessions() {
        return sessions;
    }

    QrLoginRoutes logins() {
        return logins;
    }

    HttpAccess access() {
        return access;
    }

    long maxQueuedBytes() {
        return maxQueuedBytes;
    }
}
