package dev.nettyws.example.cluster;

/**
 * What a node hears about a room it subscribed to ({@link RedisRoomStore#subscribe}): the newest messages once, then
 * every later message exactly once, in the room's one order, whichever node posted it; and presence changes on any
 * node.
 *
 * <p><b>Threads.</b> Called on a Redis client thread, one call at a time per room, with the room's feed locked: never
 * block here. Hand the event to the room's own executor (or publish it to a {@code WebSocketGroup}, which does not
 * block).
 */
public interface RoomListener {
    /**
     * The room's newest messages when the subscription started; called once, before any {@link #onMessage}.
     *
     * @param room the room
     * @param recent up to the number of messages asked for, oldest first
     */
    void onSubscribed(String room, HistoryPage recent);

    /** The next message of the room: its id is greater than every id delivered before. */
    void onMessage(RoomMessage message);

    /**
     * A member joined or left the room on some node (this one included), or was dropped because its node stopped
     * renewing its lease. Presence events are not part of the message order and are not replayed after a
     * disconnect: after {@link #onResync} read the member list again ({@link RedisRoomStore#members}).
     */
    void onPresence(String room, String nick, boolean joined);

    /**
     * The node's subscription to the room was interrupted and is back (Redis reconnected, or missing messages were
     * found and read from the stream); presence events may have been missed meanwhile. Messages are never missed
     * unless {@link #onGap} says so.
     */
    default void onResync(String room) {
    }

    /**
     * Some messages of the room fell out of its capped stream before this node could read them (it was cut off from
     * Redis for longer than the stream covers): members of this node did not receive them. Delivery goes on with the
     * oldest message still there.
     */
    default void onGap(String room) {
    }

    /**
     * A nick of one of this node's members was given to someone else: the node's lease lapsed (Redis unreachable,
     * or the node paused, for longer than the lease), its members were dropped from presence, and another node's
     * member took the nick before this node could claim it back.
     */
    default void onNickLost(String room, String nick) {
    }
}
