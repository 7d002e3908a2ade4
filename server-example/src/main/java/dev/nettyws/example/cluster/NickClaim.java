package dev.nettyws.example.cluster;

import java.util.Objects;

/**
 * A nick to claim in a room ({@link RedisRoomStore#join}) and the key that makes it unique: no two members of a room,
 * on any nodes, hold nicks with equal keys. The chat's key is the nick case folded and reduced to its confusable
 * skeleton, so {@code alice} and {@code аlice} (Cyrillic {@code а}) are one nick; {@link #exact} makes the nick its
 * own key. The key must be a function of the nick alone: a leave gives both back. Immutable.
 *
 * @param nick the nick, as members see it
 * @param key what makes it unique in the room
 */
public record NickClaim(String nick, String key) {
    /** Checks that both are given. */
    public NickClaim {
        Objects.requireNonNull(nick, "nick");
        Objects.requireNonNull(key, "key");
    }

    /** A nick unique as itself: equal to another only when the strings are. */
    public static NickClaim exact(String nick) {
        return new NickClaim(nick, nick);
    }
}
