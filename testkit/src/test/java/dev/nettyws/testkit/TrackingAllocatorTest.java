package dev.nettyws.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

class TrackingAllocatorTest {
    @Test
    void everyAllocationPathIsTrackedAndALeakIsReportedOnceThenReleased() {
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf heap = alloc.buffer(8);
        ByteBuf direct = alloc.directBuffer(8);
        ByteBuf io = alloc.ioBuffer(8);
        assertEquals(3, alloc.allocated());
        heap.release();
        AssertionError error = assertThrows(AssertionError.class, alloc::assertAllReleased);
        assertTrue(error.getMessage().startsWith("2 of 3 buffers"), error.getMessage());
        assertEquals(0, direct.refCnt(), "released by the check, so Netty's detector does not report it again");
        assertEquals(0, io.refCnt());
        alloc.assertAllReleased();
    }
}
