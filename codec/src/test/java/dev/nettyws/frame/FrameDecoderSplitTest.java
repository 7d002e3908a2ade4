package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.Hex;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental parsing (RFC 6455 §5.2): any split of the input, down to one byte per read, gives the same frames, and
 * a violation is found with the same code and reason however the input is split.
 */
class FrameDecoderSplitTest {

    /** A stream of every kind of frame and every length encoding, masked for a server or not for a client. */
    private static byte[] corpus(Role receiver) {
        Random random = new Random(5);
        List<byte[]> frames = new ArrayList<>();
        boolean masked = receiver == Role.SERVER;
        if (masked) {
            frames.add(Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
            frames.add(Hex.bytes("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
        } else {
            frames.add(Hex.bytes("81 05 48 65 6c 6c 6f"));
            frames.add(Hex.bytes("01 03 48 65 6c"));
            frames.add(Hex.bytes("89 05 48 65 6c 6c 6f"));
            frames.add(Hex.bytes("80 02 6c 6f"));
        }
        for (int length : new int[] {0, 1, 7, 8, 9, 125, 126, 127, 1000, 65535, 65536}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            frames.add(FrameBytes.binary(payload).mask(masked ? random.nextInt() : null).bytes());
        }
        frames.add(FrameBytes.text("\u03ba\u1f79\u03c3\u03bc\u03b5 \u20ac \ud83d\ude00").fin(false)
            .mask(masked ? random.nextInt() : null).bytes());
        frames.add(FrameBytes.ping(FrameBytes.utf8("between fragments")).mask(masked ? random.nextInt() : null)
            .bytes());
        frames.add(FrameBytes.continuation(FrameBytes.utf8("\u00e9".repeat(100))).fin(false)
            .mask(masked ? random.nextInt() : null).bytes());
        frames.add(FrameBytes.continuation(new byte[0]).mask(masked ? random.nextInt() : null).bytes());
        frames.add(FrameBytes.pong(new byte[125]).mask(masked ? random.nextInt() : null).bytes());
        frames.add(FrameBytes.close(1000, "done").mask(masked ? random.nextInt() : null).bytes());
        return FrameBytes.concat(frames.toArray(new byte[0][]));
    }

    private static FrameConfig config(Role role) {
        return role == Role.SERVER ? FrameConfig.SERVER_DEFAULT : FrameConfig.CLIENT_DEFAULT;
    }

    /**
     * Feeds {@code wire} in chunks whose sizes {@code chunkSize} picks (given the bytes left), each in a fresh
     * buffer: heap, or sometimes pooled direct when {@code direct} is given. Returns a description of every frame,
     * then of the failure if there was one; stops feeding at the failure.
     */
    private static List<String> decode(Role role, byte[] wire, IntUnaryOperator chunkSize, Random direct) {
        EmbeddedChannel ch = TestChannels.channel(config(role));
        List<String> outcome = new ArrayList<>();
        List<Frame> released = new ArrayList<>();
        int offset = 0;
        while (offset < wire.length) {
            int length = Math.min(chunkSize.applyAsInt(wire.length - offset), wire.length - offset);
            // Some direct buffers; not many: paranoid leak detection records a stack trace per access to them.
            ByteBuf chunk = direct != null && direct.nextInt(8) == 0
                ? ByteBufAllocator.DEFAULT.directBuffer(length) : Unpooled.buffer(length);
            chunk.writeBytes(wire, offset, length);
            offset += length;
            try {
                ch.writeInbound(chunk);
            } catch (ProtocolViolationException e) {
                outcome.addAll(describe(ch, released));
                outcome.add("failed " + e.closeStatus() + " " + e.getMessage());
                ByteBuf written = ch.readOutbound();
                WireFrame close = WireFrame.read(written);
                written.release();
                assertEquals(e.closeStatus(), close.closeCode());
                assertFalse(ch.finishAndReleaseAll(), "exactly one close frame");
                TestChannels.assertReleased(released);
                return outcome;
            }
            outcome.addAll(describe(ch, released));
        }
        assertTrue(ch.isOpen());
        assertFalse(ch.finishAndReleaseAll());
        TestChannels.assertReleased(released);
        return outcome;
    }

    /** Describes and releases the frames read so far; adds them to {@code released}. */
    private static List<String> describe(EmbeddedChannel ch, List<Frame> released) {
        List<String> descriptions = new ArrayList<>();
        for (Frame frame : TestChannels.readAll(ch)) {
            byte[] payload = TestChannels.payload(frame);
            CRC32 crc = new CRC32();
            crc.update(payload);
            descriptions.add(frame.getClass().getSimpleName() + " fin=" + frame.isFinal() + " rsv=" + frame.rsv()
                + " length=" + payload.length + " crc=" + Long.toHexString(crc.getValue()));
            frame.release();
            released.add(frame);
        }
        return descriptions;
    }

    private static List<String> decodeWhole(Role role, byte[] wire) {
        return decode(role, wire, left -> left, null);
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void section5_2_oneByteAtATimeGivesTheSameFramesAsOneRead(Role role) {
        byte[] wire = corpus(role);
        List<String> whole = decodeWhole(role, wire);
        assertEquals(role == Role.SERVER ? 19 : 21, whole.size(), whole::toString);
        assertEquals(whole, decode(role, wire, left -> 1, null));
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void section5_2_randomSplitsGiveTheSameFramesAsOneRead(Role role) {
        byte[] wire = corpus(role);
        List<String> whole = decodeWhole(role, wire);
        for (long seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            // Mostly small reads, sometimes large ones, from heap and pooled direct buffers.
            IntUnaryOperator sizes = left -> random.nextInt(4) == 0 ? 1 + random.nextInt(20_000)
                : 1 + random.nextInt(16);
            assertEquals(whole, decode(role, wire, sizes, random), "seed " + seed);
        }
    }

    @ParameterizedTest(name = "violation {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void section7_1_7_aViolationIsFoundTheSameWayHoweverTheInputIsSplit(int which) {
        byte[] prefix = FrameBytes.concat(FrameBytes.text("ok").mask(KEY).bytes(),
            FrameBytes.binary(new byte[300]).fin(false).mask(KEY + 1).bytes());
        byte[][] violations = {
            FrameBytes.frame(0x4).mask(KEY).bytes(),
            FrameBytes.binary(new byte[3]).bytes(),
            FrameBytes.text("new message inside").mask(KEY).bytes(),
            FrameBytes.ping(new byte[0]).fin(false).mask(KEY).bytes(),
            FrameBytes.continuation(new byte[0]).declaredLength(2L << 20).mask(KEY).bytes(),
            FrameBytes.continuation(new byte[0]).declaredLength(Long.MIN_VALUE).mask(KEY).bytes(),
            FrameBytes.close(999, "").mask(KEY).bytes(),
            FrameBytes.continuation(new byte[70_000]).rsv(FrameBytes.RSV2).mask(KEY).bytes()};
        byte[] wire = FrameBytes.concat(prefix, violations[which], FrameBytes.text("never").mask(KEY).bytes());
        List<String> whole = decodeWhole(Role.SERVER, wire);
        assertEquals(3, whole.size(), whole::toString);
        assertTrue(whole.get(2).startsWith("failed"));
        assertEquals(whole, decode(Role.SERVER, wire, left -> 1, null));
        for (long seed = 1; seed <= 10; seed++) {
            Random random = new Random(seed);
            assertEquals(whole, decode(Role.SERVER, wire, left -> 1 + random.nextInt(40), random), "seed " + seed);
        }
    }
}
