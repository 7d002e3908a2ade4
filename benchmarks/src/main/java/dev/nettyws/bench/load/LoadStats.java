package dev.nettyws.bench.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the load connections measure, shared by all of them: messages received and their round-trip latency in
 * nanoseconds (an HdrHistogram {@link Recorder}, read one interval at a time), connections open, and the first
 * failure.
 *
 * <p>Updated from every client event loop thread, read from the main thread; every method is thread-safe.
 */
final class LoadStats {
    private final LongAdder messages = new LongAdder();
    private final Recorder latencies = new Recorder(3);
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    void connected() {
        connected.incrementAndGet();
        open.incrementAndGet();
    }

    void disconnected() {
        open.decrementAndGet();
    }

    void received(long roundTripNanos) {
        messages.increment();
        latencies.recordValue(Math.max(1, roundTripNanos));
    }

    void failed(Throwable cause) {
        failure.compareAndSet(null, cause);
    }

    /** Messages received so far. */
    long messages() {
        return messages.sum();
    }

    /** Connections that completed their handshake so far. */
    int connectedCount() {
        return connected.get();
    }

    /** Connections open now. */
    int openCount() {
        return open.get();
    }

    /** The first failure of any connection, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** The latencies recorded since the previous call (nanoseconds). */
    Histogram interval() {
        return latencies.getIntervalHistogram();
    }
}
