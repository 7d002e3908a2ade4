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

    /** Gives the member its nick, or takes it back ({@code null}: it left); on the room's executor. */
    void assign(String assigned) {
        this.nick = assigned;
    }
}
