package dev.nettyws.example.chat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;

/**
 * Where a member's events go: implemented by each transport (the WebSocket {@link ChatHandler}; an HTTP long-poll
 * or Server-Sent Events session would be another) and given to {@link ChatRooms#join}.
 *
 * <p><b>Order and threads.</b> Every method but {@link #executor()}, {@link #alloc()} and {@link #encoding()} is
 * called on {@link #executor()}, in the room's order: {@link #joined} first, then room events and events for this
 * member alone as they happen. A subscriber never blocks the room: it writes or queues, and bounds what it queues.
 *
 * <p><b>Buffers.</b> {@link #deliver} gets an encoded buffer that stays the caller's: keep or write a
 * {@code retainedDuplicate()}. Everything else is immutable and holds no buffer.
 */
public interface ChatSubscriber {
    /** The thread every delivery runs on, typically the event loop of the member's connection. */
    EventExecutor executor();

    /** Where the room's encoding of a broadcast for this subscriber is allocated. */
    ByteBufAllocator alloc();

    /**
     * How room events are encoded for this subscriber: once per event for every subscriber that returns the same
     * encoding (compared by identity), whatever the number of members.
     */
    EventEncoding encoding();

    /** The member is in the room: its nick, the history asked for, and the presence list. The first call. */
    void joined(JoinedRoom joined);

    /** An event for this member alone, such as an error. */
    void send(ChatEvent event);

    /**
     * A room event (message, join, leave), {@code encoded} by {@link #encoding()}. Write it without flushing:
     * {@link #flush()} follows a run of deliveries.
     *
     * @param event the event
     * @param encoded its encoding; stays the caller's, retain what you keep
     */
    void deliver(ChatEvent event, ByteBuf encoded);

    /** The end of a run of {@link #deliver} calls: send what they wrote. */
    void flush();

    /**
     * The room cannot take or keep the member after all (a room shared through Redis that Redis cannot reach, or a
     * nick lost while the node was cut off): the member is not in the room. A transport ends the session so that
     * the client asks again later (WebSocket: 1013); by default the reason goes out as an error event.
     *
     * @param reason why, for the client
     */
    default void refused(String reason) {
        send(ChatJson.error(reason));
    }
}
