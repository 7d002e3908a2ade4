package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;

/** The shared counter, its free allowance, the share of compression contexts, and a holder's reservation. */
class MemoryBudgetTest {
    @Test
    void reservesWithinTheLimitAndRefusesBeyondWithoutReservingAnything() {
        MemoryBudget budget = MemoryBudget.of(1000);
        assertTrue(budget.tryReserve(600));
        assertFalse(budget.tryReserve(401));
        assertEquals(600, budget.used());
        assertTrue(budget.tryReserve(400));
        budget.release(1000);
        assertEquals(0, budget.used());
        assertTrue(budget.tryReserve(0));
    }

    @Test
    void contextsTakeAtMostAQuarterAndCountInTheTotal() {
        MemoryBudget budget = MemoryBudget.of(1000);
        assertTrue(budget.tryReserveContext(250));
        assertFalse(budget.hasRoomForContext(1));
        assertFalse(budget.tryReserveContext(1));
        assertEquals(250, budget.used());
        assertEquals(250, budget.contextBytes());
        // Buffers still have the other three quarters.
        assertTrue(budget.tryReserve(750));
        budget.release(750);
        budget.releaseContext(250);
        assertEquals(0, budget.used());
        assertEquals(0, budget.contextBytes());
    }

    @Test
    void aContextThatMustBeKeptIsCountedEvenBeyondTheShare() {
        MemoryBudget budget = MemoryBudget.of(1000);
        budget.reserveContext(900);
        assertEquals(900, budget.used());
        assertFalse(budget.tryReserve(101));
        budget.releaseContext(900);
        assertEquals(0, budget.used());
    }

    @Test
    void reservationFollowsItsBufferBeyondTheFreeAllowance() {
        MemoryBudget budget = MemoryBudget.of(10_000, 100);
        MemoryBudget.Reservation reservation = budget.newReservation();
        assertTrue(reservation.resize(100));
        assertEquals(0, budget.used(), "within the free allowance");
        assertTrue(reservation.resize(5_100));
        assertEquals(5_000, budget.used());
        assertFalse(reservation.resize(10_101), "beyond the limit");
        assertEquals(5_000, reservation.reserved(), "unchanged after a refusal");
        assertTrue(reservation.resize(1_100));
        assertEquals(1_000, budget.used());
        reservation.release();
        assertEquals(0, budget.used());
        assertSame(budget, reservation.budget());
    }

    @Test
    void ensureCapacityReservesTheAllocatorsNextCapacityBeforeGrowing() {
        MemoryBudget budget = MemoryBudget.of(100_000, 0);
        MemoryBudget.Reservation reservation = budget.newReservation();
        ByteBuf buf = new UnpooledByteBufAllocator(false).heapBuffer(64, 1 << 20);
        try {
            assertTrue(reservation.resize(buf.capacity()));
            assertTrue(reservation.ensureCapacity(buf, 100));
            assertEquals(buf.capacity(), reservation.reserved());
            assertEquals(buf.alloc().calculateNewCapacity(100, 1 << 20), buf.capacity());
            int before = buf.capacity();
            assertFalse(reservation.ensureCapacity(buf, 200_000), "beyond the budget");
            assertEquals(before, buf.capacity(), "not grown after a refusal");
            assertEquals(before, reservation.reserved());
        } finally {
            buf.release();
            reservation.release();
        }
        assertEquals(0, budget.used());
    }

    @Test
    void jvmDefaultIsAQuarterOfNettysDirectMemoryLimitAndAtLeast64MiB() {
        MemoryBudget budget = MemoryBudget.jvmDefault();
        assertEquals(Math.max(64L << 20, PlatformDependent.maxDirectMemory() / 4), budget.limit());
        assertEquals(MemoryBudget.DEFAULT_FREE_BYTES, budget.freeBytes());
        assertSame(budget, FrameConfig.SERVER_DEFAULT.memoryBudget());
        assertSame(budget, FrameConfig.CLIENT_DEFAULT.memoryBudget());
    }

    @Test
    void limitsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.of(0));
        assertThrows(IllegalArgumentException.class, () -> MemoryBudget.of(10, -1));
    }
}
