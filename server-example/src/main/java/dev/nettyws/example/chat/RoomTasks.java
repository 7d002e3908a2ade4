package dev.nettyws.example.chat;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room's work, one task at a time on one executor (the event loop of the member that opened the room), in the
 * order the tasks were given: at once when given on that executor and nothing runs, queued there otherwise. A task
 * given while another runs (a write in a broadcast can close a slow member, whose leave comes back to the room)
 * waits until that one is done. A task that throws is logged and the next one runs.
 *
 * <p>{@link #run} may be called from any thread; the tasks run on the executor only.
 */
final class RoomTasks {
    private static final Logger LOG = LoggerFactory.getLogger(RoomTasks.class);

    private final String room;
    private final EventExecutor executor;
    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private boolean running;

    RoomTasks(String room, EventExecutor executor) {
        this.room = room;
        this.executor = executor;
    }

    /** Runs {@code task} on the room's executor after the tasks before it. */
    void run(Runnable task) {
        if (!executor.inEventLoop()) {
            try {
                executor.execute(() -> run(task));
            } catch (RejectedExecutionException e) {
                // The room's event loop is shutting down with the server: no member is left to tell.
            }
            return;
        }
        pending.addLast(task);
        if (running) {
            return;
        }
        running = true;
        try {
            for (Runnable next; (next = pending.pollFirst()) != null; ) {
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.warn("room {}: {}", room, e.toString(), e);
                }
            }
        } finally {
            running = false;
        }
    }
}
