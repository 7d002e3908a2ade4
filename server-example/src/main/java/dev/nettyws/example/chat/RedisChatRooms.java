package dev.nettyws.example.chat;

import dev.nettyws.example.cluster.RedisRoomStore;
import io.netty.util.concurrent.EventExecutor;
import java.util.Objects;

/**
 * Rooms shared by the nodes of a cluster through Redis ({@link RedisChatRoom} over a {@link RedisRoomStore}): the
 * chat's {@link RoomStore} when the server runs with {@code --redis}. The store stays the caller's to close (after
 * the server, so that members leave presence gracefully). Thread-safe.
 */
public final class RedisChatRooms implements RoomStore {
    private final ChatSettings settings;
    private final RedisRoomStore store;
    private final RoomMeters meters;

    /**
     * Creates the rooms.
     *
     * @param settings history and presence limits of every room (the history should not exceed the store's
     *     stream length)
     * @param store the node's connection to Redis
     */
    public RedisChatRooms(ChatSettings settings, RedisRoomStore store) {
        this(settings, store, RoomMeters.NONE);
    }

    /**
     * Creates the rooms, with meters.
     *
     * @param settings history and presence limits of every room
     * @param store the node's connection to Redis
     * @param meters where the rooms count posts, deliveries and lag
     */
    public RedisChatRooms(ChatSettings settings, RedisRoomStore store, RoomMeters meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public ChatRoom open(String name, EventExecutor executor) {
        return new RedisChatRoom(name, executor, settings, store, meters);
    }
}
