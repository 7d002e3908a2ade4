package dev.nettyws.protocol;

import static dev.nettyws.protocol.ProtocolTestSupport.NO_IDLE;
import static dev.nettyws.protocol.ProtocolTestSupport.channel;
import static dev.nettyws.protocol.ProtocolTestSupport.dropTcp;
import static dev.nettyws.protocol.ProtocolTestSupport.nextOutbound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.ConnectionHandler;
import dev.nettyws.protocol.ProtocolTestSupport.ClosedEvents;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The connection handler's message aggregation and the server-wide {@link MemoryBudget}: a message being joined
 * reserves its buffer's capacity beyond the free allowance before growing, returns it when passed on or dropped or
 * when the channel ends, and a message the budget cannot cover is dropped with a close handshake carrying 1013.
 */
class MessageAggregatorBudgetTest {
    private static final int FREE = 1024;

    private final ClosedEvents events = new ClosedEvents();

    /** An aggregating connection handler with limit {@code max}, reserving from {@code budget}. */
    private static ConnectionHandler handler(int max, MemoryBudget budget) {
        return ProtocolTestSupport.aggregating(Role.SERVER, NO_IDLE, max, budget);
    }

    private EmbeddedChannel aggregating(ConnectionHandler aggregator) {
        return channel(new ProtocolTestSupport.FrameObjects(Role.SERVER), aggregator, events);
    }

    private static BinaryFrame first(int length) {
        return new BinaryFrame(false, 0, Unpooled.buffer(length).writeZero(length));
    }

    private static ContinuationFrame next(int length, boolean fin) {
        return new ContinuationFrame(fin, 0, Unpooled.buffer(length).writeZero(length));
    }

    @Test
    void section5_4_aMessageBeingJoinedHoldsItsCapacityUntilPassedOn() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        ConnectionHandler aggregator = handler(1 << 20, budget);
        EmbeddedChannel ch = aggregating(aggregator);
        ch.writeInbound(first(100_000));
        long afterFirst = budget.used();
        assertTrue(afterFirst >= 100_000 - FREE, "reserved " + afterFirst);
        ch.writeInbound(next(100_000, false));
        assertTrue(budget.used() >= 200_000 - FREE, "grown with the second fragment: " + budget.used());
        assertEquals(budget.used(), aggregator.reservedBytes());
        ch.writeInbound(next(1, true));
        assertEquals(0, budget.used(), "the whole message belongs to the application now");
        BinaryFrame whole = ch.readInbound();
        assertEquals(200_001, whole.content().readableBytes());
        assertTrue(whole.content().capacity() - FREE <= 200_001 * 2L, "capacity follows the allocator");
        whole.release();
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aMessageTheBudgetCannotCoverIsDroppedWith1013AndTheRestDiscarded() {
        MemoryBudget budget = MemoryBudget.of(150_000, FREE);
        EmbeddedChannel ch = aggregating(handler(1 << 20, budget));
        ch.writeInbound(first(100_000));
        ch.writeInbound(next(100_000, false));
        CloseFrame close = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.TRY_AGAIN_LATER, close.statusCode());
        assertEquals(FrameDecoder.BUDGET_EXHAUSTED, close.reasonText());
        close.release();
        assertEquals(0, budget.used(), "the partial message was dropped");
        // The peer's remaining fragments are discarded, its close answer ends the handshake.
        ch.writeInbound(next(50_000, true));
        assertNull(ch.readInbound());
        ch.writeInbound(new CloseFrame(CloseStatus.TRY_AGAIN_LATER, null));
        assertFalse(ch.isOpen());
        events.assertClosed(CloseStatus.TRY_AGAIN_LATER, FrameDecoder.BUDGET_EXHAUSTED, false, true);
        assertEquals(0, budget.used());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFirstFragmentBeyondTheBudgetIsRefusedBeforeAllocating() {
        MemoryBudget budget = MemoryBudget.of(10_000, FREE);
        EmbeddedChannel ch = aggregating(handler(1 << 20, budget));
        ch.writeInbound(new TextFrame(false, 0, Unpooled.buffer(20_000).writeZero(20_000)));
        CloseFrame close = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.TRY_AGAIN_LATER, close.statusCode());
        close.release();
        assertEquals(0, budget.used());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void channelClosedMidMessageReturnsTheReservation() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        EmbeddedChannel ch = aggregating(handler(1 << 20, budget));
        ch.writeInbound(first(50_000));
        assertTrue(budget.used() > 0);
        dropTcp(ch);
        assertEquals(0, budget.used());
        assertEquals(CloseStatus.ABNORMAL_CLOSURE, events.single().statusCode());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aggregatorRemovedMidMessageReturnsTheReservation() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        ConnectionHandler aggregator = handler(1 << 20, budget);
        EmbeddedChannel ch = aggregating(aggregator);
        ch.writeInbound(first(50_000));
        assertTrue(budget.used() > 0);
        ch.pipeline().remove(aggregator);
        assertEquals(0, budget.used());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void smallMessagesNeverTouchTheBudget() {
        MemoryBudget budget = MemoryBudget.of(1, FREE);
        EmbeddedChannel ch = aggregating(handler(1 << 20, budget));
        ch.writeInbound(first(300));
        ch.writeInbound(next(300, true));
        BinaryFrame whole = ch.readInbound();
        assertEquals(600, whole.content().readableBytes());
        whole.release();
        assertEquals(0, budget.used());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aMessageOverItsOwnLimitReturnsWhatWasReservedAndCloses1009() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, 0);
        EmbeddedChannel ch = aggregating(handler(150_000, budget));
        ch.writeInbound(first(100_000));
        assertTrue(budget.used() > 0);
        ch.writeInbound(next(100_000, true));
        CloseFrame close = nextOutbound(ch, CloseFrame.class);
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, close.statusCode());
        close.release();
        assertEquals(0, budget.used());
        dropTcp(ch);
        assertFalse(ch.finishAndReleaseAll());
    }
}
