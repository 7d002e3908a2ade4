package dev.nettyws.example.cluster;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's live view of one room: turns what the room's shard channel brings, and what is read from the room's
 * stream, into one gap-free, duplicate-free sequence of messages for the {@link RoomListener}.
 *
 * <p>Every message on the channel carries its id and the id of the message before it in the stream (the post script
 * reads it when it appends). The feed remembers the id it delivered last: a message whose predecessor is that id is
 * delivered; one with an id not above it is a duplicate and dropped; anything else means messages went missing in
 * between (a disconnect, a dropped subscription), and the feed reads the stream after its last id, delivers what it
 * finds in order, then goes on with the channel. Live messages that arrive during a read are held and sorted out
 * after it. A read also follows every resubscription. And every {@link RoomStoreConfig#syncInterval()} the feed
 * looks at the newest id in the stream: one that the channel has still not brought at the next check (a message lost
 * at the end of a burst, with nothing after it to reveal the gap, or a subscription Redis dropped) is read from the
 * stream then, and the node subscribes again: such a message is late by at most two intervals.
 *
 * <p><b>Threads.</b> Called by Redis client threads and the node's timer; every method takes the feed's lock, and
 * the listener is called holding it, so one room's events are delivered one at a time and in order.
 */
final class RoomFeed {
    private static final Logger LOG = LoggerFactory.getLogger(RoomFeed.class);
    /** Live messages held during a read, at most; past it they are dropped and read from the stream instead. */
    private static final int MAX_HELD = 10_000;

    final RoomKeys keys;
    private final RoomListener listener;
    private final Source source;
    private final int recentLimit;
    private final int readLimit;

    // Guarded by this.
    private StreamId last;
    private boolean reading;
    private boolean readAgain;
    /** The last read failed: the next check (or resubscription) reads again, not the next live message. */
    private boolean failed;
    /** The newest id the last check saw in the stream, when it was above the last delivered. */
    private StreamId suspect;
    private boolean closed;
    private int expectedConfirmations;
    private final ArrayDeque<Live> held = new ArrayDeque<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    /** Where the feed reads from: the node's store. */
    interface Source {
        /** Reads the stream of a room: {@link RedisRoomStore#history}. */
        CompletionStage<HistoryPage> range(RoomKeys keys, String after, int limit);

        /** Subscribes to the room's channel again: a check found messages the channel did not bring. */
        void resubscribe(RoomFeed feed);
    }

    /** A message as it came on the channel. */
    private record Live(StreamId id, StreamId prev, RoomMessage message) {
    }

    RoomFeed(RoomKeys keys, RoomListener listener, Source source, int recentLimit, int readLimit) {
        this.keys = keys;
        this.listener = listener;
        this.source = source;
        this.recentLimit = recentLimit;
        this.readLimit = readLimit;
    }

    RoomListener listener() {
        return listener;
    }

    /** Completes once the first read delivered the recent messages ({@link RoomListener#onSubscribed}). */
    CompletionStage<Void> started() {
        return started;
    }

    /** The first subscription is confirmed: reads the recent messages, then the channel's messages follow. */
    synchronized void start() {
        if (!closed && last == null && !reading) {
            read();
        }
    }

    /** An SSUBSCRIBE for this room is on its way: its confirmation is not a resubscription. */
    synchronized void expectConfirmation() {
        expectedConfirmations++;
    }

    /**
     * Redis confirmed a subscription to the room's channel. One the node did not ask for is Lettuce subscribing again
     * after a reconnect: messages may have been missed meanwhile, so the feed reads the stream after its last one.
     */
    synchronized void onConfirmed() {
        if (expectedConfirmations > 0) {
            expectedConfirmations--;
            return;
        }
        if (!closed && last != null) {
            tell(() -> listener.onResync(keys.room));
            read();
        }
    }

    /** The first subscription failed. */
    synchronized void fail(Throwable cause) {
        closed = true;
        started.completeExceptionally(cause);
    }

    /** A payload from the room's channel. */
    synchronized void onChannel(String payload) {
        if (closed || payload.length() < 2 || payload.charAt(1) != '\n') {
            return;
        }
        switch (payload.charAt(0)) {
            case 'm' -> onLive(payload);
            case 'j' -> tell(() -> listener.onPresence(keys.room, payload.substring(2), true));
            case 'l' -> tell(() -> listener.onPresence(keys.room, payload.substring(2), false));
            default -> LOG.debug("unknown event on {}: {}", keys.channel, payload);
        }
    }

    /** Reads the stream for messages the channel did not bring; the periodic check. */
    synchronized void check() {
        if (closed || last == null || reading) {
            return;
        }
        if (failed) {
            read();
            return;
        }
        if (suspect != null && last.compareTo(suspect) < 0) {
            // A whole interval went by and the channel did not bring it: read it, and subscribe again.
            suspect = null;
            tell(() -> listener.onResync(keys.room));
            source.resubscribe(this);
            read();
            return;
        }
        suspect = null;
        source.range(keys, "", 1).whenComplete((page, error) -> onNewest(page, error));
    }

    private synchronized void onNewest(HistoryPage page, Throwable error) {
        if (error == null && !closed && last != null && page.lastId() != null) {
            StreamId newest = StreamId.parse(page.lastId());
            if (newest.compareTo(last) > 0) {
                // Probably on its way on the channel; the next check tells.
                suspect = newest;
            }
        }
    }

    synchronized void close() {
        closed = true;
        held.clear();
        started.completeExceptionally(new RoomStoreException("unsubscribed before the subscription started", null));
    }

    private void onLive(String payload) {
        String[] parts = payload.split("\n", 4);
        if (parts.length < 4) {
            return;
        }
        Live live;
        try {
            live = new Live(StreamId.parse(parts[1]), StreamId.parse(parts[2]),
                new RoomMessage(keys.room, parts[1], parts[3]));
        } catch (IllegalArgumentException e) {
            LOG.warn("malformed message on {}: {}", keys.channel, e.getMessage());
            return;
        }
        if (held.size() >= MAX_HELD) {
            // They are all in the stream: the read after this one finds them.
            held.clear();
            readAgain = true;
        }
        held.addLast(live);
        deliverHeld();
    }

    /** Delivers held messages while they follow the last one; starts a read at the first gap. */
    private void deliverHeld() {
        if (last == null) {
            // Not started: the first read sorts them out.
            return;
        }
        while (!reading && !held.isEmpty()) {
            Live next = held.peekFirst();
            if (next.id.compareTo(last) <= 0) {
                held.removeFirst();
            } else if (next.prev.equals(last)) {
                held.removeFirst();
                deliver(next.id, next.message);
            } else if (failed) {
                // Redis failed the last read (it may fail at once while disconnected): wait for the next check.
                return;
            } else {
                read();
            }
        }
    }

    private void read() {
        if (reading) {
            readAgain = true;
            return;
        }
        reading = true;
        boolean first = last == null;
        String after = first ? "" : last.toString();
        // The first read needs at least the newest message, to know where live delivery starts.
        source.range(keys, after, first ? Math.max(recentLimit, 1) : readLimit)
            .whenComplete((page, error) -> onRead(first, page, error));
    }

    private synchronized void onRead(boolean first, HistoryPage page, Throwable error) {
        reading = false;
        if (closed) {
            return;
        }
        if (error != null) {
            if (!failed) {
                LOG.warn("reading {} failed; the next checks retry: {}", keys.stream, error.getMessage());
            }
            failed = true;
            readAgain = false;
            if (first) {
                closed = true;
                started.completeExceptionally(error);
            }
            return;
        }
        failed = false;
        List<RoomMessage> messages = page.messages();
        if (first) {
            last = messages.isEmpty() ? StreamId.ZERO : StreamId.parse(page.lastId());
            HistoryPage recent = recentLimit > 0 ? page : new HistoryPage(List.of(), true);
            tell(() -> listener.onSubscribed(keys.room, recent));
            started.complete(null);
        } else {
            if (!page.complete()) {
                LOG.warn("messages of {} after {} fell out of its stream before this node read them", keys.room,
                    last);
                tell(() -> listener.onGap(keys.room));
            }
            for (RoomMessage message : messages) {
                StreamId id = StreamId.parse(message.id());
                if (id.compareTo(last) > 0) {
                    deliver(id, message);
                }
            }
        }
        if (readAgain) {
            readAgain = false;
            read();
        }
        deliverHeld();
    }

    private void deliver(StreamId id, RoomMessage message) {
        last = id;
        tell(() -> listener.onMessage(message));
    }

    /** Calls the listener; what it throws is logged, and the feed goes on. */
    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("the listener of {} failed", keys.room, e);
        }
    }
}
