package dev.nettyws.example.chat;

import dev.nettyws.example.cluster.StreamId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's copy of the last messages of a room whose history lives in Redis ({@link RedisChatRoom}): the newest
 * messages when the node subscribed, then every message the room's feed delivers, in the feed's order (the stream's
 * order, the same on every node). Kept so that a join is served on the room's executor, in order with the
 * broadcasts, without a round trip to Redis: a member gets exactly the messages before the first one it is sent
 * live.
 *
 * <p>Ids are Redis stream ids ({@link StreamId}); an id from elsewhere (the single-process server's
 * {@code EPOCH-SEQ}, or garbage) is unknown, and its reader gets every message kept, marked incomplete.
 *
 * <p>Not thread-safe: used on its room's executor only. Holds no reference-counted buffer.
 */
final class NodeHistory {
    private final int maxMessages;
    private final long maxBytes;
    private final ArrayDeque<ChatEvent> messages = new ArrayDeque<>();
    private long bytes;
    /** Whether messages before the oldest kept may exist (some fell out here, or the first read was full). */
    private boolean truncated;

    NodeHistory(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Starts from the newest messages of the stream, as read when the node subscribed (up to the limit). */
    void start(List<ChatEvent> recent, boolean full) {
        messages.clear();
        bytes = 0;
        truncated = full;
        recent.forEach(this::add);
    }

    /** Keeps the next message, dropping the oldest beyond the bounds. */
    void add(ChatEvent message) {
        messages.addLast(message);
        bytes += message.size();
        while (!messages.isEmpty() && (messages.size() > maxMessages || bytes > maxBytes)) {
            bytes -= messages.removeFirst().size();
            truncated = true;
        }
    }

    /** The id of the newest message kept, or null. */
    StreamId lastId() {
        ChatEvent last = messages.peekLast();
        return last == null ? null : StreamId.parse(last.id());
    }

    /**
     * Whether {@code since} is an id this node has not delivered yet (the client saw it through another node whose
     * feed is ahead of this one's): the member should wait for it.
     */
    boolean isAhead(String since) {
        StreamId id = parse(since);
        StreamId last = lastId();
        return id != null && (last == null ? !truncated && id.compareTo(StreamId.ZERO) > 0 : id.compareTo(last) > 0);
    }

    /**
     * The messages after {@code since}, complete when they are all of them: {@code since} is the id of a message
     * kept, or between the oldest and newest, or older than all of them while nothing fell out; every message kept,
     * incomplete, when {@code since} is not a stream id or messages after it fell out. Null {@code since}: every
     * message kept, complete unless some fell out.
     */
    RoomHistory.Slice after(String since) {
        List<ChatEvent> all = new ArrayList<>(messages);
        if (since == null) {
            return new RoomHistory.Slice(all, !truncated);
        }
        StreamId after = parse(since);
        if (after == null) {
            return new RoomHistory.Slice(all, false);
        }
        int first = 0;
        while (first < all.size() && StreamId.parse(all.get(first).id()).compareTo(after) <= 0) {
            first++;
        }
        boolean complete = first > 0 || !truncated;
        return new RoomHistory.Slice(List.copyOf(all.subList(first, all.size())), complete);
    }

    private static StreamId parse(String id) {
        try {
            return StreamId.parse(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
