package dev.nettyws.frame;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory that the connections sharing this budget may hold on their peers' behalf, summed over all of them: one
 * limit for a whole server, because per-connection limits multiply with the number of connections (a thousand
 * connections each allowed a 16 MiB message may hold 16 GiB). It counts what a peer makes us buffer before the
 * application sees it:
 * <ul>
 *   <li>the payload of a frame still arriving ({@link FrameDecoder}), reserved as soon as its header announces it,
 *       before any of it is buffered;</li>
 *   <li>a fragmented message being joined (by the connection handler, {@code HandlerNames.CONNECTION}, when the
 *       endpoint aggregates);</li>
 *   <li>the output of inflating a compressed frame, and the zlib state of permessage-deflate
 *       ({@link dev.nettyws.extension.deflate}).</li>
 * </ul>
 *
 * <p><b>Free allowance.</b> Every such buffer holds its first {@link #freeBytes()} (16 KiB by default) without
 * asking, so that ordinary traffic (chat messages, JSON) never touches the shared counter; only what goes beyond is
 * reserved. A connection therefore holds at most a few allowances (one per buffer kind, plus one socket read) outside
 * the budget.
 *
 * <p><b>Exhausted.</b> A connection whose next reservation does not fit is closed with 1013 (try again later, IANA
 * registry): the limit it hit is the server's momentary shortage, not the size of its message, which may well be
 * within the per-message limits (those give 1009, message too big, a permanent answer for that message). The other
 * connections keep working, and the memory the closed connection held returns to the budget.
 *
 * <p><b>Compression contexts.</b> zlib state kept between messages ({@link #tryReserveContext}) may use at most a
 * quarter of the limit, so that idle connections holding such state can never starve the buffers of the others.
 * Beyond it, permessage-deflate degrades instead of failing: the server compresses with its event loop's shared
 * compressor (as without context takeover) and asks new clients for {@code client_no_context_takeover}.
 *
 * <p><b>Default.</b> {@link #jvmDefault()}: a quarter of the direct memory Netty may allocate (by default the JVM's
 * maximum heap, or {@code -XX:MaxDirectMemorySize} / {@code io.netty.maxDirectMemory}), at least 64 MiB, shared by
 * every connection in the JVM that does not get a budget of its own; the other three quarters stay for outbound
 * queues, socket reads and the allocator's rounding.
 *
 * <p>Thread-safe: one budget is shared by connections on every event loop.
 */
public final class MemoryBudget {
    /** Default {@link #freeBytes()}: 16 KiB per buffer. */
    public static final int DEFAULT_FREE_BYTES = 16 * 1024;
    /** The smallest {@link #jvmDefault()} limit: 64 MiB. */
    public static final long MIN_DEFAULT_LIMIT = 64L << 20;

    private static final MemoryBudget JVM_DEFAULT = of(Math.max(MIN_DEFAULT_LIMIT,
        PlatformDependent.maxDirectMemory() / 4));

    private final long limit;
    private final long contextLimit;
    private final int freeBytes;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong contexts = new AtomicLong();

    private MemoryBudget(long limit, int freeBytes) {
        this.limit = limit;
        this.contextLimit = limit / 4;
        this.freeBytes = freeBytes;
    }

    /**
     * A budget of {@code limit} bytes with the default free allowance.
     *
     * @param limit the most bytes reserved at once, positive
     * @throws IllegalArgumentException if the limit is not positive
     */
    public static MemoryBudget of(long limit) {
        return of(limit, DEFAULT_FREE_BYTES);
    }

    /**
     * A budget of {@code limit} bytes in which each buffer holds its first {@code freeBytes} without reserving.
     *
     * @param limit the most bytes reserved at once, positive
     * @param freeBytes the free allowance per buffer, 0 or more (0 counts every byte)
     * @throws IllegalArgumentException if the limit is not positive or the allowance negative
     */
    public static MemoryBudget of(long limit, int freeBytes) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0: " + limit);
        }
        if (freeBytes < 0) {
            throw new IllegalArgumentException("freeBytes must be >= 0: " + freeBytes);
        }
        return new MemoryBudget(limit, freeBytes);
    }

    /** The budget every configuration uses unless given one: see the class comment. */
    public static MemoryBudget jvmDefault() {
        return JVM_DEFAULT;
    }

    /** The most bytes that may be reserved at once. */
    public long limit() {
        return limit;
    }

    /** The bytes each buffer holds without reserving them. */
    public int freeBytes() {
        return freeBytes;
    }

    /** The bytes reserved now, compression contexts included. */
    public long used() {
        return used.get();
    }

    /** The bytes reserved now for compression contexts (part of {@link #used()}). */
    public long contextBytes() {
        return contexts.get();
    }

    /**
     * Reserves {@code bytes} if they fit within the limit.
     *
     * @param bytes 0 or more
     * @return whether they were reserved; nothing is reserved when they do not fit
     */
    public boolean tryReserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        long now;
        do {
            now = used.get();
            if (bytes > limit - now) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    /** Returns {@code bytes} reserved earlier by {@link #tryReserve}. */
    public void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }

    /**
     * Reserves {@code bytes} of compression state kept between messages, if contexts stay within a quarter of the
     * limit and everything within the limit.
     *
     * @param bytes the estimated size of the state, 0 or more
     * @return whether they were reserved
     */
    public boolean tryReserveContext(long bytes) {
        if (!hasRoomForContext(bytes) || !tryReserve(bytes)) {
            return false;
        }
        contexts.addAndGet(bytes);
        return true;
    }

    /**
     * Counts {@code bytes} of compression state that must be kept whether or not they fit (an inflater for a peer's
     * context takeover, agreed while there was room). The next reservations fail until the budget recovers.
     */
    public void reserveContext(long bytes) {
        used.addAndGet(bytes);
        contexts.addAndGet(bytes);
    }

    /** Whether compression state of {@code bytes} would fit now; a hint, as other connections reserve meanwhile. */
    public boolean hasRoomForContext(long bytes) {
        return bytes <= contextLimit - contexts.get() && bytes <= limit - used.get();
    }

    /** Returns {@code bytes} of compression state reserved earlier. */
    public void releaseContext(long bytes) {
        contexts.addAndGet(-bytes);
        used.addAndGet(-bytes);
    }

    /** A new reservation against this budget, for one buffer that grows and shrinks. */
    public Reservation newReservation() {
        return new Reservation(this);
    }

    @Override
    public String toString() {
        return "MemoryBudget(limit=" + limit + ", freeBytes=" + freeBytes + ", used=" + used.get() + ", contexts="
            + contexts.get() + ')';
    }

    /**
     * What one buffer holder (a decoder's frame, an aggregator's message, an inflater's output) has reserved: it
     * follows the size of that buffer, beyond the budget's free allowance, and returns everything on
     * {@link #release()}. Not thread-safe: one holder, on its channel's event loop.
     */
    public static final class Reservation {
        private final MemoryBudget budget;
        private long reserved;

        private Reservation(MemoryBudget budget) {
            this.budget = budget;
        }

        /** The budget reserved from. */
        public MemoryBudget budget() {
            return budget;
        }

        /** The bytes reserved now (what the buffer holds beyond the free allowance). */
        public long reserved() {
            return reserved;
        }

        /**
         * Makes the reservation cover a buffer of {@code bytes}: reserves what it lacks, or returns what it no longer
         * needs.
         *
         * @return false, with the reservation unchanged, if the growth does not fit the budget
         */
        public boolean resize(long bytes) {
            long wanted = Math.max(0, bytes - budget.freeBytes);
            if (wanted > reserved) {
                if (!budget.tryReserve(wanted - reserved)) {
                    return false;
                }
            } else if (wanted < reserved) {
                budget.release(reserved - wanted);
            }
            reserved = wanted;
            return true;
        }

        /**
         * Grows {@code buf} to hold at least {@code minCapacity} bytes, as {@link ByteBuf#ensureWritable(int)} would
         * (the allocator's next capacity), after reserving that capacity.
         *
         * @return false, with {@code buf} and the reservation unchanged, if the budget cannot cover it
         */
        public boolean ensureCapacity(ByteBuf buf, int minCapacity) {
            if (buf.capacity() >= minCapacity) {
                return true;
            }
            int capacity = buf.alloc().calculateNewCapacity(minCapacity, buf.maxCapacity());
            if (!resize(capacity)) {
                return false;
            }
            buf.capacity(capacity);
            return true;
        }

        /** Returns everything reserved. */
        public void release() {
            resize(0);
        }
    }
}
