package dev.nettyws.example.chat;

import io.netty.channel.Channel;

/**
 * One connection in a room: its channel and nick. The room assigns the nick when the member joins (the one asked
 * for, or with a suffix when it is taken) on the room's executor; other threads read it through a volatile field.
 */
final class ChatMember {
    private final Channel channel;
    private final String requestedNick;
    private volatile String nick;

    ChatMember(Channel channel, String requestedNick) {
        this.channel = channel;
        this.requestedNick = requestedNick;
    }

    Channel channel() {
        return channel;
    }

    String requestedNick() {
        return requestedNick;
    }

    /** The nick in the room, or null before the join ran. */
    String nick() {
        return nick;
    }

    void nick(String assigned) {
        this.nick = assigned;
    }
}
