package dev.nettyws.example.chat;

import io.netty.util.concurrent.EventExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The rooms of a chat server, created on first use. Rooms outlive their members, so that someone who reloads the
 * page finds the history again; at most {@link ChatSettings#maxRooms()} are kept, and a new room beyond that takes
 * the place of the least recently used room nobody is in (or is refused when every room is in use).
 *
 * <p>Thread-safe: {@link #acquire} and {@link #release} run on every connection's event loop and take a short lock
 * (they count the room's members, so that a room is never dropped while a join to it is under way). Holds no buffers.
 */
public final class ChatRooms {
    private final ChatSettings settings;
    private final Map<String, ChatRoom> rooms = new HashMap<>();
    private long uses;

    /**
     * Creates an empty set of rooms.
     *
     * @param settings history and limits of every room
     */
    public ChatRooms(ChatSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The settings of the rooms. */
    public ChatSettings settings() {
        return settings;
    }

    /**
     * The room called {@code name}, created on {@code executor} if new, with one more reservation for a member
     * about to join; or null if it is new and every one of the {@link ChatSettings#maxRooms()} rooms is in use.
     */
    synchronized ChatRoom acquire(String name, EventExecutor executor) {
        ChatRoom room = rooms.get(name);
        if (room == null) {
            if (rooms.size() >= settings.maxRooms() && !evictOne()) {
                return null;
            }
            room = new ChatRoom(name, executor, settings);
            rooms.put(name, room);
        }
        room.reservations(room.reservations() + 1);
        room.lastUse(++uses);
        return room;
    }

    /** Gives back a reservation of {@link #acquire} once the member has left. */
    synchronized void release(ChatRoom room) {
        room.reservations(room.reservations() - 1);
        room.lastUse(++uses);
    }

    /** How many rooms are kept. */
    public synchronized int size() {
        return rooms.size();
    }

    private boolean evictOne() {
        ChatRoom oldest = null;
        for (ChatRoom room : rooms.values()) {
            if (room.reservations() == 0 && (oldest == null || room.lastUse() < oldest.lastUse())) {
                oldest = room;
            }
        }
        if (oldest == null) {
            return false;
        }
        rooms.remove(oldest.name());
        return true;
    }
}
