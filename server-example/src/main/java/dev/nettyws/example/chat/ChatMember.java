package dev.nettyws.example.chat;

import java.util.Objects;

/**
 * One member of a room: the nick it asked for, the nick its room assigned, and the subscriber its events go to. The
 * room assigns the nick on its executor when the member joins; other threads read it through a volatile field.
 */
public final class ChatMember {
    private final ChatSubscriber subscriber;
    private final String requestedNick;
    private volatile String nick;
    /** The {@link ChatNames#key key} of the nick where the room keeps one ({@link RoomNicks}); its executor only. */
    private String key;
    /** The key of the requested nick (its family, for suffixes); as {@link #key}. */
    private String familyKey;

    /**
     * Creates a member ({@link ChatRooms#join} does).
     *
     * @param subscriber where its events go
     * @param requestedNick the nick it asked for, valid by {@link ChatNames#checkNick}
     */
    ChatMember(ChatSubscriber subscriber, String requestedNick) {
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        this.requestedNick = Objects.requireNonNull(requestedNick, "requestedNick");
    }

    /** Where its events go. */
    public ChatSubscriber subscriber() {
        return subscriber;
    }

    /** The nick it asked for. */
    public String requestedNick() {
        return requestedNick;
    }

    /** The nick in the room, or null before the join ran or after the member left. */
    public String nick() {
        return nick;
    }

    String key() {
        return key;
    }

    String familyKey() {
        return familyKey;
    }

    /**
     * Gives the member its nick.
     *
     * @param assigned the nick
     * @param assignedKey its key, or null where the room keeps none
     * @param requestedKey the key of the requested nick, or null as {@code assignedKey}
     */
    void assign(String assigned, String assignedKey, String requestedKey) {
        this.key = assignedKey;
        this.familyKey = requestedKey;
        this.nick = assigned;
    }

    /** Takes its nick back: it left. */
    void unassign() {
        assign(null, null, null);
    }
}
