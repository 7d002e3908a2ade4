package dev.nettyws.example.chat;

import io.netty.util.concurrent.EventExecutor;

/**
 * Makes the {@link ChatRoom}s of a server: {@link LocalRoomStore} keeps everything in this process; a store shared
 * by several servers would make rooms whose history, ids and presence live there. Thread-safe.
 */
@FunctionalInterface
public interface RoomStore {
    /**
     * Opens a room here.
     *
     * @param name the room's name, valid by {@link ChatNames#checkRoom}
     * @param executor the thread for the room's work here: the event loop of the member that opens it
     * @return the room
     */
    ChatRoom open(String name, EventExecutor executor);
}
