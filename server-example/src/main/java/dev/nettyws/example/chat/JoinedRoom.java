package dev.nettyws.example.chat;

import java.util.List;

/**
 * What a member gets on joining a room, for {@link ChatSubscriber#joined}: the room, the nick assigned (the one
 * asked for, or with a suffix), the history asked for (message events, oldest first; {@code complete} when they are
 * all the messages after the {@code since} given, see {@link ChatRooms#join}) and the presence event. Immutable.
 *
 * @param room the room's name
 * @param nick the nick assigned
 * @param history message events, oldest first
 * @param complete whether {@code history} holds every message asked for
 * @param presence the presence event: who is in the room, this member included
 */
public record JoinedRoom(String room, String nick, List<ChatEvent> history, boolean complete, ChatEvent presence) {
    /** The welcome event: the room and the nick. */
    public ChatEvent welcome() {
        return ChatJson.welcome(room, nick);
    }
}
