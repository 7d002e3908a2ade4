package dev.nettyws.example.chat;

/**
 * A token bucket: holds up to {@code capacity} tokens, gains {@code perSecond} tokens per second, and each accepted
 * event takes one. Time comes from the caller (nanoseconds of a monotonic clock, such as the event loop's ticker), so
 * tests control it. Not thread-safe: one instance per connection, used on its event loop.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int capacity;
    private final long nanosPerToken;
    private double tokens;
    private long lastNanos;

    TokenBucket(int capacity, int perSecond, long nowNanos) {
        this.capacity = capacity;
        this.nanosPerToken = NANOS_PER_SECOND / perSecond;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes a token if there is one; returns whether it did. */
    boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + (double) elapsed / nanosPerToken);
            lastNanos = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
