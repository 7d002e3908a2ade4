package dev.nettyws.example.chat;

import io.netty.util.concurrent.EventExecutor;
import java.util.Objects;

/** Rooms that live in this process only ({@link LocalRoom}): the single-process chat server. Thread-safe. */
public final class LocalRoomStore implements RoomStore {
    private final ChatSettings settings;
    private final RoomMeters meters;

    /** Creates the store; its rooms keep history and announce presence as {@code settings} say. */
    public LocalRoomStore(ChatSettings settings) {
        this(settings, RoomMeters.NONE);
    }

    /** Creates the store, whose rooms count their messages and deliveries in {@code meters}. */
    public LocalRoomStore(ChatSettings settings, RoomMeters meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public ChatRoom open(String name, EventExecutor executor) {
        return new LocalRoom(name, executor, settings, meters);
    }
}
