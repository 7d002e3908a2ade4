package dev.nettyws.example.chat;

import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The chat service of a server, whatever the transport: {@link #join} checks the names, finds or opens the room
 * (through a {@link RoomStore}) and returns the member's {@link ChatSession}; the member's events go to the
 * {@link ChatSubscriber} it gave.
 *
 * <p><b>Rooms.</b> Rooms outlive their members, so that someone who reloads the page finds the history again; at
 * most {@link ChatSettings#maxRooms()} are kept, and a new room beyond that takes the place of the least recently
 * used room nobody is in (or is refused when every room is in use). One client address may hold at most
 * {@link ChatSettings#maxRoomsPerAddress()} rooms, counted twice over: the rooms it is in, and the rooms it
 * created that are still kept. A new room from an address at its quota first takes the place of that address's
 * own least recently used empty room. So one address can neither keep every room in use (the others need only ask
 * for a new room) nor push every other room's history out by creating rooms; it takes as many addresses as
 * {@code maxRooms / maxRoomsPerAddress} to fill the server. IPv6 addresses count by their /64 prefix, which one
 * subscriber usually holds whole.
 *
 * <p>Thread-safe: {@link #join} and the session's leave run on every connection's event loop and take a short
 * lock for the bookkeeping (a room is never dropped while a join to it is under way). Holds no buffers.
 */
public final class ChatRooms {
    private final ChatSettings settings;
    private final RoomStore store;
    private final LongSupplier clock;
    private final Map<String, Entry> rooms = new HashMap<>();
    private final Map<Object, AddressUse> addresses = new HashMap<>();
    private long uses;

    /**
     * Creates the chat service of a single process, with the wall clock for message timestamps.
     *
     * @param settings history and limits of every room
     */
    public ChatRooms(ChatSettings settings) {
        this(settings, new LocalRoomStore(settings), System::currentTimeMillis);
    }

    /**
     * Creates the chat service.
     *
     * @param settings history and limits of every room
     * @param store where rooms live
     * @param clock milliseconds since the epoch, for message timestamps
     */
    public ChatRooms(ChatSettings settings, RoomStore store, LongSupplier clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        // ICU4J loads its Unicode data on first use: here, at startup, rather than on the event loop of the first
        // join or message (a second or two on a busy machine).
        ChatNames.key(ChatNames.DEFAULT_ROOM);
        ChatJson.isBlank(ChatNames.DEFAULT_ROOM);
    }

    /** The settings of the rooms. */
    public ChatSettings settings() {
        return settings;
    }

    long now() {
        return clock.getAsLong();
    }

    /**
     * Joins a room. The subscriber gets {@link ChatSubscriber#joined} and then the room's events; the session posts
     * and leaves.
     *
     * @param room the room's name; null or empty for {@value ChatNames#DEFAULT_ROOM}
     * @param nick the nick asked for
     * @param since the id of the last message the client has (it gets the messages after it), or null for the
     *     room's whole history
     * @param remote the client's address, for the rooms each address may hold
     * @param subscriber where the member's events go
     * @return the member's session
     * @throws ChatRefusal {@link ChatRefusal.Kind#INVALID} for a bad nick or room name,
     *     {@link ChatRefusal.Kind#UNAVAILABLE} when the room is new and no room is left for it
     */
    public ChatSession join(String room, String nick, String since, SocketAddress remote, ChatSubscriber subscriber)
            throws ChatRefusal {
        String name = room == null || room.isEmpty() ? ChatNames.DEFAULT_ROOM : room;
        String problem = ChatNames.checkNick(nick);
        if (problem == null) {
            problem = ChatNames.checkRoom(name);
        }
        if (problem != null) {
            throw new ChatRefusal(ChatRefusal.Kind.INVALID, problem);
        }
        Object address = addressKey(remote);
        Entry entry = acquire(name, subscriber.executor(), address);
        ChatMember member = new ChatMember(subscriber, nick);
        entry.room().join(member, since);
        return new ChatSession(entry, member, held(address));
    }

    /** How many rooms are kept. */
    public synchronized int size() {
        return rooms.size();
    }

    /**
     * The room called {@code name}, opened on {@code executor} if new, with one more reservation by
     * {@code address} for a member about to join.
     */
    private synchronized Entry acquire(String name, EventExecutor executor, Object address) throws ChatRefusal {
        AddressUse use = addresses.computeIfAbsent(address, AddressUse::new);
        try {
            Entry entry = rooms.get(name);
            boolean alreadyIn = entry != null && entry.reservationsBy(address) > 0;
            if (!alreadyIn && use.roomsIn >= settings.maxRoomsPerAddress()) {
                throw new ChatRefusal(ChatRefusal.Kind.UNAVAILABLE, "too many rooms from your address");
            }
            if (entry == null) {
                if (use.roomsCreated >= settings.maxRoomsPerAddress() && !evictOldest(address)) {
                    throw new ChatRefusal(ChatRefusal.Kind.UNAVAILABLE, "too many rooms from your address");
                }
                if (rooms.size() >= settings.maxRooms() && !evictOldest(null)) {
                    throw new ChatRefusal(ChatRefusal.Kind.UNAVAILABLE, "too many rooms");
                }
                entry = new Entry(store.open(name, executor), address);
                rooms.put(name, entry);
                use.roomsCreated++;
            }
            if (entry.reserve(address) == 1) {
                use.roomsIn++;
            }
            entry.lastUse = ++uses;
            return entry;
        } finally {
            forgetIfIdle(address, use);
        }
    }

    /**
     * An {@link #addressKey} as the bookkeeping holds it while the address has a reservation: one object per
     * address however many members it has, instead of a string of its own per member.
     */
    private synchronized Object held(Object address) {
        AddressUse use = addresses.get(address);
        return use == null ? address : use.address;
    }

    /** Gives back a reservation of {@link #acquire} once the member has left. */
    synchronized void release(Entry entry, Object address) {
        if (entry.unreserve(address) == 0) {
            AddressUse use = addresses.get(address);
            if (use != null) {
                use.roomsIn--;
                forgetIfIdle(address, use);
            }
        }
        entry.lastUse = ++uses;
    }

    /** Drops the least recently used room nobody is in, among those {@code creator} created (or all if null). */
    private boolean evictOldest(Object creator) {
        Entry oldest = null;
        for (Entry entry : rooms.values()) {
            if (entry.reservations == 0 && (creator == null || creator.equals(entry.creator))
                    && (oldest == null || entry.lastUse < oldest.lastUse)) {
                oldest = entry;
            }
        }
        if (oldest == null) {
            return false;
        }
        rooms.remove(oldest.room().name());
        AddressUse use = addresses.get(oldest.creator);
        if (use != null) {
            use.roomsCreated--;
            forgetIfIdle(oldest.creator, use);
        }
        oldest.room().close();
        return true;
    }

    private void forgetIfIdle(Object address, AddressUse use) {
        if (use.roomsIn == 0 && use.roomsCreated == 0) {
            addresses.remove(address);
        }
    }

    /**
     * What counts as one client address: the IP address, an IPv6 one cut to its /64 prefix; the address itself
     * for other kinds of channel (tests, local channels). Other per-address limits (the HTTP transports' sessions)
     * count the same way.
     */
    public static Object addressKey(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress) || ((InetSocketAddress) remote).getAddress() == null) {
            return String.valueOf(remote);
        }
        InetAddress ip = ((InetSocketAddress) remote).getAddress();
        if (ip instanceof Inet6Address) {
            byte[] prefix = Arrays.copyOf(ip.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            return NetUtil.bytesToIpAddress(prefix) + "/64";
        }
        return ip.getHostAddress();
    }

    /**
     * A room kept here, with its reservations (members and joins under way) by address; under the lock. Inner, so
     * that a session reaches the service through its room ({@link #rooms()}) without a field of its own.
     */
    final class Entry {
        private final ChatRoom room;
        private final Object creator;
        private final Map<Object, Integer> reservationsByAddress = new HashMap<>(4);
        private int reservations;
        private long lastUse;

        Entry(ChatRoom room, Object creator) {
            this.room = room;
            this.creator = creator;
        }

        ChatRoom room() {
            return room;
        }

        /** The service keeping the room. */
        ChatRooms rooms() {
            return ChatRooms.this;
        }

        int reservationsBy(Object address) {
            return reservationsByAddress.getOrDefault(address, 0);
        }

        /** Adds a reservation; returns the address's reservations now. */
        int reserve(Object address) {
            reservations++;
            return reservationsByAddress.merge(address, 1, Integer::sum);
        }

        /** Removes a reservation; returns the address's reservations left. */
        int unreserve(Object address) {
            reservations--;
            Integer left = reservationsByAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
            return left == null ? 0 : left;
        }
    }

    /** What one address holds; under the lock. */
    private static final class AddressUse {
        /** The map's key, for sessions to share. */
        final Object address;
        int roomsIn;
        int roomsCreated;

        AddressUse(Object address) {
            this.address = address;
        }
    }
}
