package dev.nettyws.example.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Posts numbered messages ({@code m0}, {@code m1}, ...) to a room one after the other on a thread of its own, until
 * closed (at most 5000 accepted, for at most two minutes), and remembers the ones the store accepted. A post that fails
 * (Redis down) is not accepted; the next one is tried 20 ms later, since a store that rejects at once while it
 * reconnects would otherwise use up any bound on attempts within milliseconds.
 */
final class Poster implements AutoCloseable {
    private final List<RoomMessage> accepted = new ArrayList<>();
    private final Thread thread;
    private volatile boolean posting = true;

    Poster(RedisRoomStore node, String room) {
        thread = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            for (int i = 0; posting && count() < 5000 && System.nanoTime() < deadline; i++) {
                try {
                    String id = RoomStoreContract.await(node.post(room, "m" + i));
                    synchronized (accepted) {
                        accepted.add(new RoomMessage(room, id, "m" + i));
                    }
                } catch (Exception e) {
                    // Not accepted.
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }, "poster");
        thread.start();
    }

    /** How many posts were accepted so far. */
    int count() {
        synchronized (accepted) {
            return accepted.size();
        }
    }

    /** The posts accepted, in the order they were made. */
    List<RoomMessage> accepted() {
        synchronized (accepted) {
            return new ArrayList<>(accepted);
        }
    }

    /** Stops posting and waits for the post under way. */
    @Override
    public void close() throws InterruptedException {
        posting = false;
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
