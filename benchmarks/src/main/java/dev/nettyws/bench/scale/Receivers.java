package dev.nettyws.bench.scale;

import dev.nettyws.frame.TextFrame;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * What the scale benchmark's connections received: per connection the last sequence number seen (from text
 * messages containing {@code seq-N}, in the chat's JSON or as the bare text), and totals of deliveries, messages
 * that arrived out of order, and other frames. Messages that also carry {@code sentus-MICROS}, the wall-clock time
 * they were sent (microseconds since the epoch: the sender may be another process, whose {@code System.nanoTime} is
 * not comparable), are timed on arrival: the delivery latency of sequence numbers up to {@code timed} goes into a
 * histogram, and each connection keeps the wall-clock time of its last numbered message. Thread-safe: every
 * connection's handler writes its own slot; the histogram is recorded under a lock (one event loop per process).
 */
final class Receivers {
    /** Delivery latencies up to 10 minutes, in microseconds, 3 significant digits. */
    private static final long MAX_LATENCY_MICROS = 600_000_000L;

    /** Precedes the send time in a numbered message. */
    static final String SENT_MARKER = "sentus-";

    private final AtomicLongArray lastSeq;
    private final AtomicLongArray lastArrivalMicros;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong otherMessages = new AtomicLong();
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
    private final long timed;
    private final Histogram latencyMicros = new Histogram(MAX_LATENCY_MICROS, 3);

    Receivers(int connections) {
        this(connections, 0);
    }

    /**
     * Receivers that time the first sequence numbers.
     *
     * @param connections how many connections (handlers 0 to connections - 1)
     * @param timed the sequence numbers 1 to {@code timed} whose delivery latency is recorded
     */
    Receivers(int connections, int timed) {
        lastSeq = new AtomicLongArray(connections);
        lastArrivalMicros = new AtomicLongArray(connections);
        this.timed = timed;
    }

    /** The handler for connection {@code index}. */
    ChannelHandler handler(int index) {
        return new Handler(index);
    }

    int size() {
        return lastSeq.length();
    }

    long delivered() {
        return delivered.get();
    }

    long outOfOrder() {
        return outOfOrder.get();
    }

    long otherMessages() {
        return otherMessages.get();
    }

    long nanosSinceLastMessage() {
        return System.nanoTime() - lastActivity.get();
    }

    /** A copy of the delivery latencies of the timed messages, in microseconds. */
    Histogram latencyMicros() {
        synchronized (latencyMicros) {
            return latencyMicros.copy();
        }
    }

    /** The wall-clock time (epoch microseconds) of the latest numbered message any connection received, or 0. */
    long lastArrivalMicros() {
        long last = 0;
        for (int i = 0; i < lastArrivalMicros.length(); i++) {
            last = Math.max(last, lastArrivalMicros.get(i));
        }
        return last;
    }

    /** How many connections have seen sequence number {@code seq} (or later). */
    int reached(long seq) {
        int count = 0;
        for (int i = 0; i < lastSeq.length(); i++) {
            if (lastSeq.get(i) >= seq) {
                count++;
            }
        }
        return count;
    }

    /** The wall clock in microseconds since the epoch (the JDK reads it with microsecond resolution on Linux). */
    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    static long sequenceOf(String text) {
        return numberAfter(text, "seq-");
    }

    /** The decimal number after {@code marker} in {@code text}, or -1. */
    static long numberAfter(String text, String marker) {
        int at = text.indexOf(marker);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + marker.length(); i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return value;
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final int index;

        Handler(int index) {
            this.index = index;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                lastActivity.set(System.nanoTime());
                String text = msg instanceof TextFrame ? ((TextFrame) msg).text() : "";
                long seq = sequenceOf(text);
                if (seq < 0) {
                    otherMessages.incrementAndGet();
                    return;
                }
                long now = nowMicros();
                lastArrivalMicros.set(index, now);
                long sent = numberAfter(text, SENT_MARKER);
                if (seq <= timed && sent > 0) {
                    synchronized (latencyMicros) {
                        latencyMicros.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, now - sent)));
                    }
                }
                long previous = lastSeq.getAndSet(index, seq);
                if (seq != previous + 1) {
                    outOfOrder.incrementAndGet();
                }
                delivered.incrementAndGet();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
