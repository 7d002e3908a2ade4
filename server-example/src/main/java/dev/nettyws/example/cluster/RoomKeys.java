package dev.nettyws.example.cluster;

/**
 * The Redis keys and shard channel of a room. All of them carry the room in one hash tag ({@code {...}}), so they
 * live in one hash slot: on a Redis Cluster one node holds them, and one script may touch them all. The room name is
 * escaped so that it cannot end the tag early or leave it empty. Immutable.
 *
 * <pre>
 *   PREFIX:{ROOM}:stream   stream of messages: fields p (the previous message's id) and b (the body)
 *   PREFIX:{ROOM}:nicks    hash nick -> node id
 *   PREFIX:{ROOM}:nickkeys hash key -> nick: the {@link NickClaim#key() key} of every nick held, unique
 *   PREFIX:{ROOM}:nodes    sorted set node id -> lease deadline (Redis time, ms)
 *   PREFIX:{ROOM}:post:T   a post's token, for a retried post (expires)
 *   PREFIX:{ROOM}:live     shard channel: "m\nID\nPREV\nBODY", "j\nNICK", "l\nNICK"
 * </pre>
 */
final class RoomKeys {
    final String room;
    final String stream;
    final String nicks;
    final String nickKeys;
    final String nodes;
    final String channel;
    private final String tagged;

    RoomKeys(String prefix, String room) {
        if (room.isEmpty()) {
            throw new IllegalArgumentException("room name required");
        }
        this.room = room;
        this.tagged = prefix + ":{" + escape(room) + "}:";
        this.stream = tagged + "stream";
        this.nicks = tagged + "nicks";
        this.nickKeys = tagged + "nickkeys";
        this.nodes = tagged + "nodes";
        this.channel = tagged + "live";
    }

    /** The key remembering a post's token. */
    String postToken(String token) {
        return tagged + "post:" + token;
    }

    private static String escape(String room) {
        return room.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
    }
}
