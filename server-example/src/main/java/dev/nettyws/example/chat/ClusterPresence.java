package dev.nettyws.example.chat;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A node's view of who is in a room on every node ({@link RedisChatRoom}), in the order the node heard of them.
 * Uniqueness is not decided here: Redis holds every nick with its {@link ChatNames#key key} and refuses a claim whose
 * key is held, so look-alike nicks are one across nodes.
 *
 * <p>Not thread-safe: used on its room's executor only.
 */
final class ClusterPresence {
    private final Set<String> nicks = new LinkedHashSet<>();

    /** Adds a nick; returns whether it was new. */
    boolean add(String nick) {
        return nicks.add(nick);
    }

    /** Removes a nick; returns whether it was here. */
    boolean remove(String nick) {
        return nicks.remove(nick);
    }

    /** Replaces the view with the nicks Redis listed, plus those given (this node's members). */
    void reset(Collection<String> listed, Collection<String> local) {
        nicks.clear();
        nicks.addAll(listed);
        nicks.addAll(local);
    }

    int size() {
        return nicks.size();
    }

    Set<String> nicks() {
        return nicks;
    }
}
