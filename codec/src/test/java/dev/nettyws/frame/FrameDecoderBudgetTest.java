package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static dev.nettyws.frame.TestChannels.accept;
import static dev.nettyws.frame.TestChannels.assertFailsOnLastRead;
import static dev.nettyws.frame.TestChannels.payload;
import static dev.nettyws.frame.TestChannels.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The frame decoder and the server-wide {@link MemoryBudget}: a frame beyond the free allowance reserves its payload
 * when its header is complete (RFC 6455 §5.2 gives the length first, so nothing is buffered before the check), the
 * reservation ends on every path (delivered, failed, channel closed mid-frame, decoder removed), and a frame the
 * budget cannot cover fails the connection with 1013.
 */
class FrameDecoderBudgetTest {
    private static final int FREE = 1024;

    private static EmbeddedChannel server(MemoryBudget budget) {
        return TestChannels.channel(FrameConfig.builder().maxLength(1 << 20).memoryBudget(budget).build());
    }

    private static byte[] random(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static FrameDecoder decoder(EmbeddedChannel ch) {
        return ch.pipeline().get(FrameDecoder.class);
    }

    @Test
    void framesWithinTheFreeAllowanceNeverTouchTheBudget() {
        MemoryBudget budget = MemoryBudget.of(1, FREE);
        EmbeddedChannel ch = server(budget);
        byte[] wire = FrameBytes.binary(random(FREE)).mask(KEY).bytes();
        accept(ch, Arrays.copyOf(wire, 100));
        assertEquals(0, budget.used());
        accept(ch, Arrays.copyOfRange(wire, 100, wire.length));
        BinaryFrame frame = read(ch, BinaryFrame.class);
        assertArrayEquals(random(FREE), payload(frame));
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_2_aLargeFrameReservesItsPayloadAtTheHeaderAndReturnsItWhenPassedOn() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        EmbeddedChannel ch = server(budget);
        byte[] data = random(100_000);
        byte[] wire = FrameBytes.binary(data).mask(KEY).bytes();
        // The header alone (2 + 8 + 4 bytes): reserved before any payload arrived.
        accept(ch, Arrays.copyOf(wire, 14));
        assertEquals(100_000 - FREE, budget.used());
        assertEquals(100_000 - FREE, decoder(ch).reservedBytes());
        for (int at = 14; at < wire.length; at += 7_000) {
            accept(ch, Arrays.copyOfRange(wire, at, Math.min(wire.length, at + 7_000)));
        }
        assertEquals(0, budget.used(), "returned once the frame is passed on");
        BinaryFrame frame = read(ch, BinaryFrame.class);
        assertArrayEquals(data, payload(frame), "unmasked across reads");
        assertEquals(100_000, frame.content().capacity(), "gathered in a buffer of exactly its size");
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aLargeFrameArrivingWholeIsASliceAndReservesOnlyWhileDecoded() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        EmbeddedChannel ch = server(budget);
        byte[] data = random(50_000);
        accept(ch, FrameBytes.binary(data).mask(KEY).bytes());
        assertEquals(0, budget.used());
        BinaryFrame frame = read(ch, BinaryFrame.class);
        assertArrayEquals(data, payload(frame));
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void textGatheredAcrossReadsIsValidatedAsItArrives() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        EmbeddedChannel ch = server(budget);
        byte[] text = new byte[10_000];
        Arrays.fill(text, (byte) 'a');
        text[5_000] = (byte) 0xff;
        byte[] wire = FrameBytes.text(text).mask(KEY).bytes();
        assertFailsOnLastRead(ch, CloseStatus.INVALID_PAYLOAD_DATA, Arrays.copyOf(wire, 3_000),
            Arrays.copyOfRange(wire, 3_000, 6_000));
        assertEquals(0, budget.used(), "returned when the connection is failed");
    }

    @Test
    void aFrameTheBudgetCannotCoverFailsWith1013BeforeItsPayloadIsBuffered() {
        MemoryBudget budget = MemoryBudget.of(50_000, FREE);
        assertEquals(true, budget.tryReserve(20_000), "another connection holds part of it");
        EmbeddedChannel ch = server(budget);
        byte[] header = Arrays.copyOf(FrameBytes.binary(new byte[40_000]).mask(KEY).bytes(), 8);
        ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.TRY_AGAIN_LATER, header);
        assertEquals(FrameDecoder.BUDGET_EXHAUSTED, e.getMessage());
        assertEquals(20_000, budget.used(), "nothing reserved for the refused frame");
        budget.release(20_000);
    }

    @Test
    void channelClosedMidFrameReturnsTheReservationAndFreesThePartialPayload() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        EmbeddedChannel ch = server(budget);
        byte[] wire = FrameBytes.text(new byte[200_000]).fin(false).mask(KEY).bytes();
        accept(ch, Arrays.copyOf(wire, 100_000));
        assertEquals(200_000 - FREE, budget.used());
        ch.close();
        assertEquals(0, budget.used());
        assertNull(ch.readInbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void decoderRemovedMidFrameReturnsTheReservation() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, FREE);
        EmbeddedChannel ch = server(budget);
        accept(ch, Arrays.copyOf(FrameBytes.binary(new byte[60_000]).mask(KEY).bytes(), 30_000));
        assertEquals(60_000 - FREE, budget.used());
        ch.pipeline().remove(FrameDecoder.class);
        assertEquals(0, budget.used());
        ch.finishAndReleaseAll();
    }

    @Test
    void controlFramesBetweenFragmentsOfALargeMessageAreDeliveredAtOnce() {
        MemoryBudget budget = MemoryBudget.of(1 << 20, 0);
        EmbeddedChannel ch = server(budget);
        accept(ch, FrameBytes.binary(random(3_000)).fin(false).mask(KEY).bytes(),
            Arrays.copyOf(FrameBytes.continuation(random(5_000)).mask(KEY).bytes(), 1_000));
        assertEquals(5_000, budget.used());
        read(ch, BinaryFrame.class).release();
        byte[] rest = Arrays.copyOfRange(FrameBytes.continuation(random(5_000)).mask(KEY).bytes(), 1_000, 5_008);
        accept(ch, rest, FrameBytes.ping(new byte[] {7}).mask(KEY).bytes());
        List<Frame> frames = TestChannels.readAll(ch);
        assertArrayEquals(random(5_000), payload(frames.get(0)));
        assertEquals(Opcode.PING, frames.get(1).opcode());
        TestChannels.releaseAll(frames);
        assertEquals(0, budget.used());
        ch.finishAndReleaseAll();
    }
}
