package dev.nettyws.server;

import java.util.concurrent.TimeUnit;

/**
 * Counts events that would each deserve a log line (a refused connection, a failed accept) and says when one line
 * is due: for the first event, and then for the first event after each interval, with how many happened since the
 * last line. A burst of a million events makes one line per interval instead of a million. Thread-safe (events
 * come from every event loop); the lock is only taken by such events, which are rare on a healthy server.
 */
final class RateLimitedLog {
    private final long intervalNanos;
    private long lastLineNanos;
    private boolean logged;
    private long unreported;

    RateLimitedLog(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    /**
     * Counts one event.
     *
     * @return the events to report in a line now (this one and those counted since the last line), or 0 when the
     *     line would come too soon after the last
     */
    synchronized long count() {
        unreported++;
        long now = System.nanoTime();
        if (logged && now - lastLineNanos < intervalNanos) {
            return 0;
        }
        logged = true;
        lastLineNanos = now;
        long events = unreported;
        unreported = 0;
        return events;
    }

    /** The events counted and not yet reported, which it forgets: for a closing line such as "recovered". */
    synchronized long drain() {
        long events = unreported;
        unreported = 0;
        return events;
    }
}
