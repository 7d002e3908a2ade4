package dev.nettyws.example.chat;

import java.util.Objects;

/**
 * A member's session in a room, whatever its transport: posts its messages under the chat's rules (strict JSON,
 * text limits, the rate limit) and ends its membership. Made by {@link ChatRooms#join}.
 *
 * <p><b>Rules.</b> A message that is malformed, of an unknown type, blank, too long, or beyond the rate limit (a
 * token bucket of {@link ChatSettings#burst()} messages refilled at {@link ChatSettings#messagesPerSecond()}) is
 * refused with a reason for the client, and the session goes on; but each refusal takes a strike from a second
 * bucket ({@value #STRIKES} strikes, one back per second), and a client that runs out of strikes, one that keeps
 * flooding, gets {@link PostResult#FLOODING} (and keeps getting it): its transport ends the session.
 *
 * <p>Not thread-safe: one per member, used on its transport's thread. Time comes from the caller (nanoseconds of a
 * monotonic clock, such as the event loop's ticker), so tests control it.
 */
public final class ChatSession {
    /** Refusals a client may cause in a burst before it is taken for flooding. */
    public static final int STRIKES = 10;
    /** The reason given to a client that keeps sending bad or too many messages. */
    public static final String FLOODING_REASON = "flooding";
    /** The strikes of a session taken for flooding: kept in the strikes field so the state costs no field. */
    private static final TokenBucket FLOODED = new TokenBucket(0, 1, 0);

    private final ChatRooms.Entry room;
    private final ChatMember member;
    /** The member's address, for the rooms it may hold; null once it left (so an idle session is 32 B, not 40). */
    private Object address;
    private TokenBucket rate;
    private TokenBucket strikes;

    ChatSession(ChatRooms.Entry room, ChatMember member, Object address) {
        this.room = room;
        this.member = member;
        this.address = Objects.requireNonNull(address, "address");
    }

    /** The room's name. */
    public String room() {
        return room.room().name();
    }

    /** The member (its nick is known once {@link ChatSubscriber#joined} ran). */
    public ChatMember member() {
        return member;
    }

    /**
     * Posts a client's message.
     *
     * @param json the message as the client sent it, {@code {"type":"message","text":"..."}}
     * @param nowNanos the time, for the rate limit
     * @return posted, refused with a reason, or flooding
     */
    public PostResult post(String json, long nowNanos) {
        if (strikes == FLOODED) {
            return PostResult.FLOODING;
        }
        if (address == null) {
            return PostResult.refused("not in a room");
        }
        ChatRooms rooms = room.rooms();
        String text;
        try {
            text = ChatJson.readMessageText(json, rooms.settings().maxTextBytes());
        } catch (ChatJson.BadMessageException e) {
            return refuse(e.getMessage(), nowNanos);
        }
        if (rate == null) {
            // Made on the first message, full, as it would be by then had it been made on joining: a member that
            // only listens (most, in a big room) holds no bucket.
            ChatSettings settings = rooms.settings();
            rate = new TokenBucket(settings.burst(), settings.messagesPerSecond(), nowNanos);
        }
        if (!rate.tryTake(nowNanos)) {
            return refuse("rate limit exceeded: message dropped", nowNanos);
        }
        room.room().post(member, text, rooms.now());
        return PostResult.POSTED;
    }

    /**
     * Refuses something the client sent that the transport itself cannot take (a binary WebSocket message, say),
     * counting a strike like every refusal of {@link #post}.
     *
     * @param reason the reason for the client
     * @param nowNanos the time
     * @return refused with the reason, or flooding
     */
    public PostResult refuse(String reason, long nowNanos) {
        if (strikes == null) {
            strikes = new TokenBucket(STRIKES, 1, nowNanos);
        }
        if (strikes != FLOODED && strikes.tryTake(nowNanos)) {
            return PostResult.refused(reason);
        }
        strikes = FLOODED;
        return PostResult.FLOODING;
    }

    /**
     * Whether this session was taken for flooding: everything it sends from then on is dropped unread (a close is
     * under way). A close for any other reason (the server going away, say) does not stop posts the client sent
     * before it saw that close.
     *
     * @return true once {@link #post} or {@link #refuse} answered {@link PostResult#FLOODING}
     */
    public boolean flooding() {
        return strikes == FLOODED;
    }

    /** Leaves the room; later calls do nothing. */
    public void leave() {
        if (address != null) {
            Object held = address;
            address = null;
            room.room().leave(member);
            room.rooms().release(room, held);
        }
    }
}
