package dev.nettyws.bench.push;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * What the receivers of one run saw: the bytes their sockets read and wrote ({@link #wire()}, a handler at the head of
 * every receiver's pipeline, so the bytes counted are the TCP payload: HTTP heads, chunk sizes, WebSocket frame
 * headers and all), the HTTP requests they sent, and each message delivered with its latency (the poster writes its
 * {@code System.nanoTime()} into the text; poster and receivers share this process's clock). A delivery of a
 * sequence number a receiver already had is a duplicate, one below the last it had is out of order.
 *
 * <p>Thread-safe: updated from the client event loops, read and reset by the command between phases.
 */
final class PushStats {
    /** The prefix of every posted text: {@code P<seq>:<nanoTime>:padding}. */
    static final String MARK = "\"text\":\"P";

    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder reordered = new LongAdder();
    private final LongAdder joined = new LongAdder();
    private final AtomicLongArray lastSeq;
    private final ConcurrentHistogram latencyMicros = new ConcurrentHistogram(60_000_000L, 3);
    private final Wire wire = new Wire();

    PushStats(int receivers) {
        this.lastSeq = new AtomicLongArray(receivers);
    }

    /** The byte counter, to put first in every receiver's pipeline. */
    ChannelHandler wire() {
        return wire;
    }

    /** A receiver sent an HTTP request. */
    void request() {
        requests.increment();
    }

    /** A receiver is in the room (it got its welcome). */
    void joined() {
        joined.increment();
    }

    long joinedCount() {
        return joined.sum();
    }

    /** Counts every posted message in a piece of text a receiver got (an event, or a poll's array of events). */
    void received(int receiver, CharSequence text, long nowNanos) {
        String s = text.toString();
        for (int at = s.indexOf(MARK); at >= 0; at = s.indexOf(MARK, at + 1)) {
            int i = at + MARK.length();
            long seq = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                seq = seq * 10 + (s.charAt(i++) - '0');
            }
            long sent = 0;
            for (i++; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
                sent = sent * 10 + (s.charAt(i) - '0');
            }
            long previous = lastSeq.get(receiver);
            if (seq <= previous) {
                duplicates.increment();
                continue;
            }
            lastSeq.set(receiver, seq);
            if (seq != previous + 1 && previous != 0) {
                reordered.increment();
            }
            delivered.increment();
            latencyMicros.recordValue(Math.max(0, Math.min(60_000_000L, (nowNanos - sent) / 1000)));
        }
    }

    /** Starts the measured phase: counters of bytes, requests and deliveries back to zero. */
    void reset() {
        bytesIn.reset();
        bytesOut.reset();
        requests.reset();
        delivered.reset();
        duplicates.reset();
        reordered.reset();
        latencyMicros.reset();
    }

    long bytesIn() {
        return bytesIn.sum();
    }

    long bytesOut() {
        return bytesOut.sum();
    }

    long requests() {
        return requests.sum();
    }

    long delivered() {
        return delivered.sum();
    }

    long duplicates() {
        return duplicates.sum();
    }

    long reordered() {
        return reordered.sum();
    }

    /** Latency percentile in milliseconds. */
    double latencyMillis(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxLatencyMillis() {
        return latencyMicros.getMaxValue() / 1000.0;
    }

    /** Counts the bytes read from and written to the socket. */
    @ChannelHandler.Sharable
    private final class Wire extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf) {
                bytesIn.add(((ByteBuf) msg).readableBytes());
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf) {
                bytesOut.add(((ByteBuf) msg).readableBytes());
            }
            ctx.write(msg, promise);
        }
    }
}
