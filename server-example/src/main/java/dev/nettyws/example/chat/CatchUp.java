package dev.nettyws.example.chat;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * What a joining member still has to get before room events can go straight out ({@link WebSocketSubscriber}):
 * the history in pieces, the presence list, then the events that came meanwhile, in order. Exists only while the
 * member catches up, so an idle member of a room holds none of it.
 *
 * <p>Not thread-safe: on the member's event loop. Queued {@link ByteBuf}s are the queue's until {@link #poll}
 * hands them over or {@link #release()} releases them.
 */
final class CatchUp {
    /** The most bytes the queue may hold: beyond it, the member cannot keep up with the room. */
    private final long maxQueuedBytes;
    /** Null before the member joined. */
    private HistoryPieces history;
    private ChatEvent presence;
    /**
     * {@link ChatEvent}s for this member and encoded room events ({@link ByteBuf}), in order; made when the first
     * event has to wait (most members never need one, and an empty deque is about 100 B).
     */
    private ArrayDeque<Object> queue;
    private long queuedBytes;

    CatchUp(long maxQueuedBytes) {
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** The member joined: its history and presence come first. */
    void joined(JoinedRoom joined) {
        history = new HistoryPieces(joined.history(), joined.complete());
        presence = joined.presence();
    }

    /** Whether {@link #joined} ran. */
    boolean hasJoined() {
        return history != null;
    }

    /**
     * Queues an event ({@link ChatEvent}) or an encoded room event ({@link ByteBuf}, which the queue takes).
     *
     * @return false when the queue holds more than its limit
     */
    boolean enqueue(Object item, long bytes) {
        if (queue == null) {
            queue = new ArrayDeque<>(4);
        }
        queue.add(item);
        queuedBytes += bytes;
        return queuedBytes <= maxQueuedBytes;
    }

    /**
     * The next thing to write once joined: a {@link ChatEvent}, or a {@link ByteBuf} the caller then owns; null when
     * nothing is left (the member caught up).
     */
    Object poll() {
        if (history.hasNext()) {
            return history.next();
        }
        if (presence != null) {
            ChatEvent next = presence;
            presence = null;
            return next;
        }
        Object item = queue == null ? null : queue.poll();
        if (item != null) {
            queuedBytes -= item instanceof ByteBuf ? ((ByteBuf) item).readableBytes() : ((ChatEvent) item).size();
        }
        return item;
    }

    /** Releases what waits in the queue. */
    void release() {
        for (Object item; queue != null && (item = queue.poll()) != null; ) {
            ReferenceCountUtil.release(item);
        }
        queuedBytes = 0;
    }
}
