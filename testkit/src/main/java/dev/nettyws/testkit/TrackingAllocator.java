package dev.nettyws.testkit;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled allocator that remembers every buffer it hands out and where, so that a test can check that every
 * one of them was released: a deterministic leak check that does not wait for the garbage collector. Used by one
 * channel, on the test's thread.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
    private final List<ByteBuf> buffers = new ArrayList<>();
    private final List<Throwable> sites = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
    }

    // Every other allocation method ends in one of these two. Tracking what they return (the buffer wrapped for
    // Netty's leak detector, if it is on) lets a release below close the detector's record too.
    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return track(super.heapBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return track(super.directBuffer(initialCapacity, maxCapacity));
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private ByteBuf track(ByteBuf buf) {
        buffers.add(buf);
        sites.add(new Throwable("allocated here"));
        return buf;
    }

    /** How many buffers were handed out. */
    int allocated() {
        return buffers.size();
    }

    /**
     * Fails if any buffer handed out is still unreleased. The unreleased ones are released first, so that the leak
     * is reported once, here, rather than again by Netty's leak detector during some later test.
     *
     * @throws AssertionError naming how many leaked, with the allocation site of the first as the cause
     */
    void assertAllReleased() {
        int leaked = 0;
        Throwable first = null;
        for (int i = 0; i < buffers.size(); i++) {
            ByteBuf buf = buffers.get(i);
            if (buf.refCnt() > 0) {
                leaked++;
                if (first == null) {
                    first = sites.get(i);
                }
                buf.release(buf.refCnt());
            }
        }
        if (leaked > 0) {
            throw new AssertionError(leaked + " of " + buffers.size() + " buffers allocated on the channel were not"
                + " released (the first one's allocation is the cause)", first);
        }
    }
}
