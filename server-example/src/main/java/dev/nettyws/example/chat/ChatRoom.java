package dev.nettyws.example.chat;

/**
 * One room's shared state and fan-out, behind which it may live in this process ({@link LocalRoomStore}) or in a
 * store shared by several (such as Redis): the nicks and presence, the message sequence and history with ids, and
 * delivery to the members here. {@link ChatRooms} decides which rooms exist here and who may join; a room only
 * keeps its rules.
 *
 * <p><b>Contract.</b> Calls may come from any thread and return at once. For each room there is one order of
 * events, the same in its history and at every member: a member gets {@link ChatSubscriber#joined} with the history
 * and presence as of its join, then every later event of the room in that order, each message once. Each event is
 * encoded once per {@link EventEncoding} in use, and a member's deliveries are flushed once per run.
 */
public interface ChatRoom {
    /** The room's name. */
    String name();

    /**
     * Adds a member: assigns its nick (the one asked for, or suffixed when another member's reads the same), sends
     * it {@link ChatSubscriber#joined} with the messages after {@code since}, and tells the others.
     *
     * @param member the member
     * @param since the id of the last message the member has, or null for the whole history
     */
    void join(ChatMember member, String since);

    /** Removes a member and tells the others; does nothing if it is not in the room. */
    void leave(ChatMember member);

    /**
     * Gives the message an id, keeps it in the history and sends it to every member, its sender included; does
     * nothing if the sender is not in the room.
     *
     * @param member the sender
     * @param text the text, already checked
     * @param timestamp the server's time, epoch milliseconds
     */
    void post(ChatMember member, String text, long timestamp);

    /** The room is dropped here (nobody here is in it, and its place is wanted): free what it holds. */
    default void close() {
    }
}
