package dev.nettyws.example.chat;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A node's view of who is in a room on every node ({@link RedisChatRoom}), in the order the node heard of them, with
 * the {@link ChatNames#key key} of each nick: so that a join here does not claim a nick that reads the same as one
 * already in the room (Redis itself only keeps nicks unique as strings).
 *
 * <p>Not thread-safe: used on its room's executor only.
 */
final class ClusterPresence {
    private final Set<String> nicks = new LinkedHashSet<>();
    /** Nick by key. */
    private final Map<String, String> byKey = new HashMap<>();

    /** Adds a nick; returns whether it was new. */
    boolean add(String nick) {
        if (!nicks.add(nick)) {
            return false;
        }
        byKey.put(ChatNames.key(nick), nick);
        return true;
    }

    /** Removes a nick; returns whether it was here. */
    boolean remove(String nick) {
        if (!nicks.remove(nick)) {
            return false;
        }
        byKey.remove(ChatNames.key(nick), nick);
        return true;
    }

    /** Replaces the view with the nicks Redis listed, plus those given (this node's members). */
    void reset(Collection<String> listed, Collection<String> local) {
        nicks.clear();
        byKey.clear();
        listed.forEach(this::add);
        local.forEach(this::add);
    }

    /** Whether {@code nick}, or a nick that reads the same, is here. */
    boolean readsAsAny(String nick) {
        return byKey.containsKey(ChatNames.key(nick));
    }

    int size() {
        return nicks.size();
    }

    Set<String> nicks() {
        return nicks;
    }
}
