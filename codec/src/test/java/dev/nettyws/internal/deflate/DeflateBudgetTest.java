package dev.nettyws.internal.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.extension.deflate.PerMessageDeflateConfig;
import dev.nettyws.frame.BinaryFrame;
import dev.nettyws.frame.CloseStatus;
import dev.nettyws.frame.ContinuationFrame;
import dev.nettyws.frame.Frame;
import dev.nettyws.frame.FrameConfig;
import dev.nettyws.frame.FrameDecoder;
import dev.nettyws.frame.MemoryBudget;
import dev.nettyws.frame.ProtocolViolationException;
import dev.nettyws.frame.Role;
import dev.nettyws.frame.TextFrame;
import dev.nettyws.internal.ExtensionOffer;
import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate and the server-wide {@link MemoryBudget}: inflated output is reserved while it grows and returned
 * once passed on; zlib state kept between messages is a compression context, reserved while held and returned when
 * ended (message end without context takeover, channel end otherwise); without room, the inflater fails with 1013
 * where it has no choice, the deflater and the negotiator degrade instead.
 */
class DeflateBudgetTest {
    private static final int KEY = 0x37fa213d;
    private static final int FREE = 1024;
    private static final PerMessageDeflateParameters TAKEOVER = new PerMessageDeflateParameters(false, false, 0, 0);
    private static final PerMessageDeflateParameters NO_TAKEOVER = new PerMessageDeflateParameters(true, true, 0, 0);

    private static EmbeddedChannel server(PerMessageDeflateParameters agreed, MemoryBudget budget) {
        return DeflatePair.channel(Role.SERVER, agreed, PerMessageDeflateConfig.DEFAULT, 1 << 20, budget);
    }

    private static byte[] compressedFrame(byte[] data, boolean fin) {
        return FrameBytes.binary(DeflatePair.compress(data)).fin(fin).rsv(FrameBytes.RSV1).mask(KEY).bytes();
    }

    private static void drain(EmbeddedChannel ch) {
        for (Object in; (in = ch.readInbound()) != null;) {
            ((Frame) in).release();
        }
        for (Object out; (out = ch.readOutbound()) != null;) {
            ((ByteBuf) out).release();
        }
    }

    @Test
    void peersContextTakeoverKeepsAnInflaterContextReservedUntilTheChannelCloses() {
        MemoryBudget budget = MemoryBudget.of(64 << 20, FREE);
        EmbeddedChannel ch = server(TAKEOVER, budget);
        assertEquals(PerMessageInflater.CONTEXT_BYTES, budget.contextBytes(), "reserved when installed");
        ch.writeInbound(Unpooled.wrappedBuffer(compressedFrame(new byte[200_000], true)));
        Frame frame = ch.readInbound();
        assertEquals(200_000, frame.content().readableBytes());
        frame.release();
        assertEquals(PerMessageInflater.CONTEXT_BYTES, budget.used(), "the output was returned once passed on");
        ch.close();
        assertEquals(0, budget.used());
        assertEquals(0, budget.contextBytes());
        ch.finishAndReleaseAll();
    }

    @Test
    void inflatedOutputTheBudgetCannotCoverFailsWith1013() {
        MemoryBudget budget = MemoryBudget.of(200_000, FREE);
        EmbeddedChannel ch = server(NO_TAKEOVER, budget);
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(compressedFrame(new byte[500_000], true))));
        assertEquals(CloseStatus.TRY_AGAIN_LATER, e.closeStatus());
        assertEquals(FrameDecoder.BUDGET_EXHAUSTED, e.getMessage());
        ByteBuf written = ch.readOutbound();
        assertNotNull(written);
        assertEquals(CloseStatus.TRY_AGAIN_LATER, WireFrame.read(written).closeCode());
        written.release();
        assertEquals(0, budget.used());
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void fragmentedMessageWithoutTakeoverHoldsAContextOnlyUntilItsLastFrame() {
        MemoryBudget budget = MemoryBudget.of(64 << 20, FREE);
        EmbeddedChannel ch = server(NO_TAKEOVER, budget);
        assertEquals(0, budget.used(), "no context reserved without the peer's context takeover");
        byte[] data = new byte[100_000];
        Arrays.fill(data, (byte) 'x');
        byte[] compressed = DeflatePair.compress(data);
        int half = compressed.length / 2;
        ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.binary(Arrays.copyOf(compressed, half)).fin(false)
            .rsv(FrameBytes.RSV1).mask(KEY).bytes()));
        assertEquals(PerMessageInflater.CONTEXT_BYTES, budget.contextBytes());
        ch.writeInbound(Unpooled.wrappedBuffer(FrameBytes.continuation(Arrays.copyOfRange(compressed, half,
            compressed.length)).mask(KEY).bytes()));
        assertEquals(0, budget.used(), "context ended with the message");
        List<Object> frames = List.of(ch.readInbound(), ch.readInbound());
        assertEquals(100_000, frames.stream().mapToInt(f -> ((Frame) f).content().readableBytes()).sum());
        frames.forEach(f -> ((Frame) f).release());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void fragmentedMessageWithoutRoomForAContextFailsWith1013() {
        MemoryBudget budget = MemoryBudget.of(64 << 20, FREE);
        assertTrue(budget.tryReserveContext(budget.limit() / 4), "other connections hold every context");
        EmbeddedChannel ch = server(NO_TAKEOVER, budget);
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
            () -> ch.writeInbound(Unpooled.wrappedBuffer(compressedFrame(new byte[1000], false))));
        assertEquals(CloseStatus.TRY_AGAIN_LATER, e.closeStatus());
        drain(ch);
        budget.releaseContext(budget.limit() / 4);
        assertEquals(0, budget.used());
        ch.finishAndReleaseAll();
    }

    @Test
    void deflaterKeepsAContextUntilTheChannelClosesAndDegradesToTheSharedCompressorWithoutRoom() {
        MemoryBudget roomy = MemoryBudget.of(64 << 20, FREE);
        EmbeddedChannel server = DeflatePair.channel(Role.SERVER, TAKEOVER,
            PerMessageDeflateConfig.DEFAULT, 1 << 20, roomy);
        server.writeOutbound(new TextFrame("a message long enough to be compressed, over the threshold of 64 bytes"));
        drain(server);
        assertTrue(server.pipeline().get(PerMessageDeflater.class).hasOwnCompressor());
        assertEquals(PerMessageInflater.CONTEXT_BYTES + Compressor.memory(15), roomy.contextBytes());
        server.close();
        assertEquals(0, roomy.used());
        server.finishAndReleaseAll();

        MemoryBudget full = MemoryBudget.of(64 << 20, FREE);
        full.reserveContext(full.limit() / 4);
        DeflatePair pair = new DeflatePair(TAKEOVER, PerMessageDeflateConfig.DEFAULT);
        EmbeddedChannel degraded = DeflatePair.channel(Role.SERVER, TAKEOVER, PerMessageDeflateConfig.DEFAULT,
            1 << 20, full);
        String text = "{\"type\":\"message\",\"text\":\"the same words again and again and again\"}";
        for (int i = 0; i < 3; i++) {
            degraded.writeOutbound(new TextFrame(text));
            ByteBuf wire = degraded.readOutbound();
            WireFrame frame = WireFrame.read(wire.duplicate());
            assertEquals(FrameBytes.RSV1, frame.rsv(), "still compressed, without a context of its own");
            pair.client.writeInbound(wire);
            TextFrame read = pair.client.readInbound();
            assertEquals(text, read.text(), "the peer's inflater reads each message started afresh");
            read.release();
        }
        assertFalse(degraded.pipeline().get(PerMessageDeflater.class).hasOwnCompressor());
        // A fragmented message needs a stream across frames: without room it goes out uncompressed.
        degraded.writeOutbound(new BinaryFrame(false, 0, Unpooled.copiedBuffer("part one", StandardCharsets.US_ASCII)),
            new ContinuationFrame(true, 0, Unpooled.copiedBuffer("part two", StandardCharsets.US_ASCII)));
        ByteBuf first = degraded.readOutbound();
        assertEquals(0, WireFrame.read(first.duplicate()).rsv());
        assertEquals("part one", new String(WireFrame.read(first).payload(), StandardCharsets.US_ASCII));
        first.release();
        drain(degraded);
        full.releaseContext(full.limit() / 4);
        assertEquals(PerMessageInflater.CONTEXT_BYTES, full.used(), "only the inflater's context, forced in");
        degraded.close();
        assertEquals(0, full.used());
        degraded.finishAndReleaseAll();
        assertFalse(pair.finish());
    }

    @Test
    void section7_1_1_2_withoutRoomForAnInflaterTheServerAsksForClientNoContextTakeover() {
        MemoryBudget budget = MemoryBudget.of(64 << 20, FREE);
        FrameConfig frames = FrameConfig.builder().memoryBudget(budget).build();
        PerMessageDeflateServerNegotiator negotiator = new PerMessageDeflateServerNegotiator(
            PerMessageDeflateConfig.DEFAULT, frames);
        ExtensionOffer offer = ExtensionOffer.parse(List.of("permessage-deflate; client_max_window_bits")).get(0);
        assertFalse(negotiator.accept(offer).clientNoContextTakeover());
        budget.reserveContext(budget.limit() / 4 - PerMessageInflater.CONTEXT_BYTES + 1);
        assertTrue(negotiator.accept(offer).clientNoContextTakeover());
        budget.releaseContext(budget.limit() / 4 - PerMessageInflater.CONTEXT_BYTES + 1);
    }

    @Test
    void everyFailureOfTheInflaterReturnsWhatItReserved() {
        MemoryBudget budget = MemoryBudget.of(64 << 20, 0);
        // 1009: inflated beyond the message limit (1 MiB here).
        EmbeddedChannel tooBig = server(NO_TAKEOVER, budget);
        assertThrows(ProtocolViolationException.class,
            () -> tooBig.writeInbound(Unpooled.wrappedBuffer(compressedFrame(new byte[2 << 20], true))));
        drain(tooBig);
        assertEquals(0, budget.used());
        tooBig.finishAndReleaseAll();
        // 1007: not DEFLATE, in a fragmented message that holds an inflater of its own.
        EmbeddedChannel invalid = server(NO_TAKEOVER, budget);
        byte[] garbage = FrameBytes.binary(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}).fin(false)
            .rsv(FrameBytes.RSV1).mask(KEY).bytes();
        ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
            () -> invalid.writeInbound(Unpooled.wrappedBuffer(garbage)));
        assertEquals(CloseStatus.INVALID_PAYLOAD_DATA, e.closeStatus());
        drain(invalid);
        invalid.finishAndReleaseAll();
        assertEquals(0, budget.used());
    }

    @Test
    void fragmentedOutboundMessageWithoutTakeoverHoldsACompressorOnlyUntilItsLastFragment() {
        MemoryBudget budget = MemoryBudget.of(64 << 20, FREE);
        EmbeddedChannel server = server(NO_TAKEOVER, budget);
        server.writeOutbound(new BinaryFrame(false, 0, Unpooled.copiedBuffer("first part", StandardCharsets.US_ASCII)));
        assertEquals(Compressor.memory(15), budget.contextBytes());
        server.writeOutbound(new ContinuationFrame(true, 0, Unpooled.copiedBuffer("last", StandardCharsets.US_ASCII)));
        assertEquals(0, budget.used());
        drain(server);
        assertFalse(server.finishAndReleaseAll());
    }
}
