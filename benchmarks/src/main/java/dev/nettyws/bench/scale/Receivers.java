package dev.nettyws.bench.scale;

import dev.nettyws.frame.TextFrame;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the scale benchmark's connections received: per connection the last sequence number seen (from text
 * messages containing {@code seq-N}, in the chat's JSON or as the bare text), and totals of deliveries, messages
 * that arrived out of order, and other frames. Thread-safe: every connection's handler writes its own slot.
 */
final class Receivers {
    private final AtomicLongArray lastSeq;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong otherMessages = new AtomicLong();
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());

    Receivers(int connections) {
        lastSeq = new AtomicLongArray(connections);
    }

    /** The handler for connection {@code index}. */
    ChannelHandler handler(int index) {
        return new Handler(index);
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

    static long sequenceOf(String text) {
        int at = text.indexOf("seq-");
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + 4; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
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
                long seq = msg instanceof TextFrame ? sequenceOf(((TextFrame) msg).text()) : -1;
                if (seq < 0) {
                    otherMessages.incrementAndGet();
                    return;
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
