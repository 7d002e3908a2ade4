package dev.nettyws.example.chat;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nicks of one room and who holds them, unique by what a reader sees: two nicks are the same when their
 * {@link ChatNames#key keys} are (case folded, then reduced to a UTS #39 confusable skeleton), so {@code alice},
 * {@code Alice} and {@code аlice} with a Cyrillic {@code а} are one nick. A nick already taken gets a suffix:
 * {@code #} and the next number of its family ({@code alice#2}, {@code alice#3}...). Clients cannot ask for a nick
 * with {@code #} ({@link ChatNames}), so a suffixed nick is always one the server gave, and a family never tries a
 * suffix twice: an assignment tries one or two nicks, however many members share one (an earlier nick found taken
 * can only be a coincidence of skeletons).
 *
 * <p><b>Memory.</b> A member costs one map entry and its key (none when the key is the nick itself): the member
 * keeps only its nick, the keys are computed again when it leaves, and a family is recorded only once a second member
 * asks for one of its nicks (a family of one has no suffix in use, so its next suffix is 2).
 *
 * <p>Not thread-safe: used on its room's executor only.
 */
final class RoomNicks {
    /** By the key of its nick, each member holding one, in the order they joined (the presence list). */
    private final Map<String, ChatMember> holders = new LinkedHashMap<>();
    /** By the key of a requested nick: families that needed a suffix, while they have members. */
    private final Map<String, Family> families = new HashMap<>();
    /** The nicks held, in the order their members joined. */
    private final Collection<String> nicks = new NickView();
    /** Nicks tried, taken or not: the work of {@link #assign} (tests). */
    private long probes;

    /**
     * Gives {@code member} a nick for the one it asked for: itself if free, or the next free suffixed form; it
     * holds it until {@link #release}.
     *
     * @param member a member holding no nick, whose requested nick {@link ChatNames#checkNick} accepted
     */
    void assign(ChatMember member) {
        String requested = member.requestedNick();
        String familyKey = shared(ChatNames.key(requested), requested);
        String nick = requested;
        String key = familyKey;
        probes++;
        ChatMember holder = holders.get(key);
        Family family = families.get(familyKey);
        if (holder != null && family == null) {
            // A second member of the family (or a coincidence of skeletons with a suffixed nick of another).
            boolean sameFamily = holder.nick().equals(holder.requestedNick()) || familyKey.equals(familyKey(holder));
            family = new Family(familyKey, sameFamily ? 1 : 0);
            families.put(familyKey, family);
        }
        if (family != null) {
            family.members++;
        }
        while (holder != null) {
            probes++;
            // Only a suffixed nick of another family can already be here, and only by coincidence of skeletons.
            nick = requested + ChatNames.SUFFIX_SEPARATOR + family.nextSuffix++;
            key = shared(ChatNames.key(nick), nick);
            holder = holders.get(key);
        }
        holders.put(key, member);
        member.assign(nick);
    }

    /** Frees the nick {@code member} got from {@link #assign}; it holds none after. */
    void release(ChatMember member) {
        String nick = member.nick();
        String key = shared(ChatNames.key(nick), nick);
        holders.remove(key);
        if (!families.isEmpty()) {
            Family family = families.get(nick.equals(member.requestedNick()) ? key : familyKey(member));
            if (family != null && --family.members == 0) {
                families.remove(family.key);
            }
        }
        member.assign(null);
    }

    /** Whether {@code member}, a member of this room, holds its nick: it joined and has not left. */
    static boolean holds(ChatMember member) {
        return member.nick() != null;
    }

    /** The nicks held, in the order their members joined: a live view. */
    Collection<String> nicks() {
        return nicks;
    }

    /** How many nicks are held. */
    int size() {
        return holders.size();
    }

    /** How many nicks {@link #assign} has tried in all (tests). */
    long probes() {
        return probes;
    }

    /** The key of the nick {@code member} asked for: its family. */
    private static String familyKey(ChatMember member) {
        return ChatNames.key(member.requestedNick());
    }

    /** {@code key}, or {@code nick} itself when they are equal (a lower case nick without look-alikes): one string. */
    private static String shared(String key, String nick) {
        return key.equals(nick) ? nick : key;
    }

    /** The members holding a nick of one family, or its suffixed forms, and its next suffix. */
    private static final class Family {
        final String key;
        int nextSuffix = 2;
        int members;

        Family(String key, int members) {
            this.key = key;
            this.members = members;
        }
    }

    /** The nicks of {@link #holders}' members, without a copy. */
    private final class NickView extends AbstractCollection<String> {
        @Override
        public Iterator<String> iterator() {
            Iterator<ChatMember> members = holders.values().iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return members.hasNext();
                }

                @Override
                public String next() {
                    return members.next().nick();
                }
            };
        }

        @Override
        public int size() {
            return holders.size();
        }
    }
}
