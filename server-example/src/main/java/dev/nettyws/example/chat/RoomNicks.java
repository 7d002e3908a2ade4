package dev.nettyws.example.chat;

import java.util.HashMap;
import java.util.Map;

/**
 * The nicks of one room, unique by what a reader sees: two nicks are the same when their {@link ChatNames#key keys}
 * are (case folded, then reduced to a UTS #39 confusable skeleton), so {@code alice}, {@code Alice} and
 * {@code аlice} with a Cyrillic {@code а} are one nick. A nick already taken gets a suffix: {@code #} and the next
 * number of its family ({@code alice#2}, {@code alice#3}...). Clients cannot ask for a nick with {@code #}
 * ({@link ChatNames}), so a suffixed nick is always one the server gave, and a family never tries a suffix twice:
 * an assignment tries one or two nicks, however many members share one (an earlier nick found taken can only be a
 * coincidence of skeletons).
 *
 * <p>Not thread-safe: used on its room's executor only.
 */
final class RoomNicks {
    /** Keys of the nicks in use. */
    private final Map<String, Object> taken = new HashMap<>();
    /** By the key of a requested nick: the members holding it or one of its suffixed forms, and the next suffix. */
    private final Map<String, Family> families = new HashMap<>();
    /** Nicks tried, taken or not: the work of {@link #assign} (tests). */
    private long probes;

    /**
     * Assigns a nick for {@code requested}: itself if free, or the next free suffixed form; remembers it until
     * {@link #release}.
     *
     * @param requested a nick {@link ChatNames#checkNick} accepted
     * @param holder who holds it, for {@link #release}
     * @return the nick assigned and its family key; pass both back to {@link #release}
     */
    Assigned assign(String requested, Object holder) {
        String familyKey = ChatNames.key(requested);
        Family family = families.computeIfAbsent(familyKey, k -> new Family());
        String nick = requested;
        String key = familyKey;
        probes++;
        while (taken.containsKey(key)) {
            probes++;
            // Only a suffixed nick of another family can already be here, and only by coincidence of skeletons.
            nick = requested + ChatNames.SUFFIX_SEPARATOR + family.nextSuffix++;
            key = ChatNames.key(nick);
        }
        taken.put(key, holder);
        family.members++;
        return new Assigned(nick, key, familyKey);
    }

    /** Frees a nick of {@link #assign}. */
    void release(Assigned assigned) {
        taken.remove(assigned.key());
        Family family = families.get(assigned.familyKey());
        if (family != null && --family.members == 0) {
            families.remove(assigned.familyKey());
        }
    }

    /** How many nicks are held (tests). */
    int size() {
        return taken.size();
    }

    /** How many nicks {@link #assign} has tried in all (tests). */
    long probes() {
        return probes;
    }

    /** A nick given out, with what {@link #release} needs. */
    record Assigned(String nick, String key, String familyKey) {
    }

    private static final class Family {
        int nextSuffix = 2;
        int members;
    }
}
