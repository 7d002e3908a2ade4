package dev.nettyws.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import dev.nettyws.testsupport.Hex;
import dev.nettyws.testsupport.WireFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame encoder (RFC 6455 §5.2, §5.3): masking by role, minimal lengths, exact allocation, zero copy. */
class FrameEncoderTest {

    private static EmbeddedChannel encoder(FrameConfig config) {
        return new EmbeddedChannel(new FrameEncoder(config));
    }

    private static ByteBuf payload(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return ByteBufAllocator.DEFAULT.buffer(length).writeBytes(bytes);
    }

    private static byte[] bytesOf(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    /** Every buffer written so far, joined, released. */
    private static byte[] drainOutbound(EmbeddedChannel ch) {
        List<byte[]> parts = new ArrayList<>();
        for (ByteBuf buf; (buf = ch.readOutbound()) != null;) {
            parts.add(bytesOf(buf));
            buf.release();
        }
        return FrameBytes.concat(parts.toArray(new byte[0][]));
    }

    private static WireFrame onlyFrame(byte[] wire) {
        ByteBuf buf = Unpooled.wrappedBuffer(wire);
        WireFrame frame = WireFrame.read(buf);
        assertFalse(buf.isReadable(), "one frame");
        return frame;
    }

    /** One frame of each type carrying {@code payload}; control frames get at most 125 bytes of it. */
    private static List<Function<ByteBuf, Frame>> frameTypes() {
        return List.of(TextFrame::new, BinaryFrame::new, p -> new ContinuationFrame(true, 0, p), PingFrame::new,
            PongFrame::new, CloseFrame::new);
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void section5_1_serverWritesUnmaskedFrames(int type) {
        EmbeddedChannel ch = encoder(FrameConfig.SERVER_DEFAULT);
        byte[] body = {0x03, (byte) 0xE8, 'o', 'k'};
        Frame frame = frameTypes().get(type).apply(Unpooled.wrappedBuffer(body.clone()));
        int opcode = frame.opcode().code();
        assertTrue(ch.writeOutbound(frame));
        WireFrame wire = onlyFrame(drainOutbound(ch));
        assertFalse(wire.masked());
        assertEquals(opcode, wire.opcode());
        assertTrue(wire.fin());
        assertArrayEquals(body, wire.payload());
        assertEquals(0, frame.refCnt(), "the encoder releases the frame");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_3_clientMasksEveryFrameWithAFreshKeyFromTheSource() {
        long seed = 6455;
        FrameConfig config = FrameConfig.CLIENT_DEFAULT.toBuilder().maskingKeySource(MaskingKeySource.seeded(seed))
            .build();
        EmbeddedChannel ch = encoder(config);
        Random expectedKeys = new Random(seed);
        int[] lengths = {0, 1, 5, 125, 126, 1023, FrameEncoder.ZERO_COPY_THRESHOLD, 65536, 70_000};
        for (int i = 0; i < lengths.length; i++) {
            ByteBuf payload = payload(lengths[i], i);
            byte[] expected = bytesOf(payload);
            assertTrue(ch.writeOutbound(new BinaryFrame(payload)));
            WireFrame wire = onlyFrame(drainOutbound(ch));
            assertTrue(wire.masked(), "frame " + i);
            assertEquals(expectedKeys.nextInt(), wire.maskKey(), "frame " + i + " uses the next key of the source");
            assertArrayEquals(expected, wire.payload(), "frame " + i);
        }
        // Control frames are masked too.
        assertTrue(ch.writeOutbound(new PingFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}))));
        WireFrame ping = onlyFrame(drainOutbound(ch));
        assertTrue(ping.masked());
        assertEquals(expectedKeys.nextInt(), ping.maskKey());
        assertArrayEquals(new byte[] {1, 2, 3}, ping.payload());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_3_clientDefaultUsesUnpredictableKeys() {
        EmbeddedChannel ch = encoder(FrameConfig.CLIENT_DEFAULT);
        Set<Integer> keys = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            assertTrue(ch.writeOutbound(new TextFrame("x")));
            WireFrame wire = onlyFrame(drainOutbound(ch));
            assertTrue(wire.masked());
            assertArrayEquals(FrameBytes.utf8("x"), wire.payload());
            keys.add(wire.maskKey());
        }
        assertTrue(keys.size() > 1, "a fresh key per frame");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_3_maskingDoesNotModifyTheCallersPayload() {
        FrameConfig config = FrameConfig.CLIENT_DEFAULT.toBuilder().maskingKeySource(() -> 0xA5A5A5A5).build();
        EmbeddedChannel ch = encoder(config);
        ByteBuf payload = payload(70_000, 1);
        byte[] before = bytesOf(payload);
        assertTrue(ch.writeOutbound(new BinaryFrame(payload.retain())));
        assertArrayEquals(before, bytesOf(payload));
        assertTrue(payload.release());
        assertArrayEquals(before, onlyFrame(drainOutbound(ch)).payload());
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0} bytes, {1}")
    @CsvSource({"0, SERVER, 0", "125, SERVER, 0", "126, SERVER, 2", "65535, SERVER, 2", "65536, SERVER, 8",
        "1048576, SERVER, 8", "0, CLIENT, 0", "125, CLIENT, 0", "126, CLIENT, 2", "65535, CLIENT, 2",
        "65536, CLIENT, 8"})
    void section5_2_minimalLengthEncoding(int length, Role role, int lengthBytes) {
        EmbeddedChannel ch = encoder(role == Role.SERVER ? FrameConfig.SERVER_DEFAULT : FrameConfig.CLIENT_DEFAULT);
        assertTrue(ch.writeOutbound(new BinaryFrame(payload(length, length))));
        byte[] wire = drainOutbound(ch);
        WireFrame frame = onlyFrame(wire);
        assertEquals(lengthBytes, frame.lengthBytes());
        assertEquals(length, frame.payload().length);
        assertEquals(2 + lengthBytes + (role == Role.CLIENT ? 4 : 0) + length, wire.length);
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0} bytes, {1}")
    @CsvSource({"0, SERVER", "1, SERVER", "125, SERVER", "126, SERVER", "1023, SERVER", "0, CLIENT", "1, CLIENT",
        "125, CLIENT", "126, CLIENT", "1024, CLIENT", "65535, CLIENT", "65536, CLIENT", "1048576, CLIENT"})
    void allocatesExactlyTheEncodedSize(int length, Role role) {
        EmbeddedChannel ch = encoder(role == Role.SERVER ? FrameConfig.SERVER_DEFAULT : FrameConfig.CLIENT_DEFAULT);
        assertTrue(ch.writeOutbound(new BinaryFrame(payload(length, length))));
        ByteBuf out = ch.readOutbound();
        int expected = FrameEncoder.headerLength(length, role == Role.CLIENT) + length;
        assertEquals(expected, out.readableBytes());
        assertEquals(expected, out.capacity(), "capacity must be exactly the encoded size");
        assertEquals(0, out.writableBytes());
        out.release();
        assertNull(ch.readOutbound(), "one buffer");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void plainByteBufPassesThroughUntouched() {
        EmbeddedChannel ch = encoder(FrameConfig.SERVER_DEFAULT);
        ByteBuf encoded = Hex.buf("81 05 48 65 6c 6c 6f");
        encoded.readerIndex(1);
        assertTrue(ch.writeOutbound(encoded));
        ByteBuf out = ch.readOutbound();
        assertSame(encoded, out);
        assertEquals(1, out.readerIndex());
        assertEquals(1, out.refCnt());
        assertEquals("05 48 65 6c 6c 6f", Hex.of(out));
        assertTrue(out.release());
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {FrameEncoder.ZERO_COPY_THRESHOLD, 65535, 65536, 1 << 20})
    void largeUnmaskedPayloadIsWrittenWithoutCopying(int length) {
        EmbeddedChannel ch = encoder(FrameConfig.SERVER_DEFAULT);
        ByteBuf payload = payload(length, length);
        byte[] content = bytesOf(payload);
        assertTrue(ch.writeOutbound(new BinaryFrame(false, Frame.RSV1, payload)));
        ByteBuf header = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertNull(ch.readOutbound());
        int headerLength = length <= 0xFFFF ? 4 : 10;
        assertEquals(headerLength, header.readableBytes());
        assertEquals(headerLength, header.capacity(), "the header buffer is exactly the header");
        assertSame(payload, body, "the payload buffer itself reaches the transport");
        assertArrayEquals(content, bytesOf(body));
        WireFrame frame = onlyFrame(FrameBytes.concat(bytesOf(header), content));
        assertEquals(0x2, frame.opcode());
        assertFalse(frame.fin());
        assertEquals(FrameBytes.RSV1, frame.rsv());
        header.release();
        assertTrue(body.release());
        assertEquals(0, payload.refCnt());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void payloadJustBelowTheZeroCopyThresholdIsCopiedIntoOneBuffer() {
        EmbeddedChannel ch = encoder(FrameConfig.SERVER_DEFAULT);
        ByteBuf payload = payload(FrameEncoder.ZERO_COPY_THRESHOLD - 1, 3);
        byte[] content = bytesOf(payload);
        assertTrue(ch.writeOutbound(new TextFrame(false, 0, payload)));
        assertEquals(0, payload.refCnt(), "copied, then released");
        WireFrame frame = onlyFrame(drainOutbound(ch));
        assertArrayEquals(content, frame.payload());
        assertFalse(frame.fin());
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {100, FrameEncoder.ZERO_COPY_THRESHOLD + 100})
    void onlyTheReadableBytesOfThePayloadAreEncoded(int length) {
        for (Role role : Role.values()) {
            EmbeddedChannel ch = encoder(role == Role.SERVER ? FrameConfig.SERVER_DEFAULT : FrameConfig.CLIENT_DEFAULT);
            ByteBuf payload = payload(length, 9);
            payload.readerIndex(37);
            byte[] content = bytesOf(payload);
            assertTrue(ch.writeOutbound(new BinaryFrame(payload)));
            assertArrayEquals(content, onlyFrame(drainOutbound(ch)).payload(), role.name());
            assertFalse(ch.finishAndReleaseAll());
        }
    }

    @ParameterizedTest
    @EnumSource(Role.class)
    void section5_2_finRsvAndOpcodeAreWrittenAsGiven(Role role) {
        EmbeddedChannel ch = encoder(role == Role.SERVER ? FrameConfig.SERVER_DEFAULT : FrameConfig.CLIENT_DEFAULT);
        ch.writeOutbound(new BinaryFrame(false, Frame.RSV1 | Frame.RSV3, Unpooled.EMPTY_BUFFER));
        ch.writeOutbound(new ContinuationFrame(false, Frame.RSV2, Unpooled.EMPTY_BUFFER));
        ch.writeOutbound(new ContinuationFrame(true, 0, Unpooled.EMPTY_BUFFER));
        ByteBuf wire = Unpooled.wrappedBuffer(drainOutbound(ch));
        List<WireFrame> frames = WireFrame.readAll(wire);
        assertEquals(3, frames.size());
        assertEquals(0x52, (frames.get(0).fin() ? 0x80 : 0) | frames.get(0).rsv() | frames.get(0).opcode());
        assertEquals(0x20, (frames.get(1).fin() ? 0x80 : 0) | frames.get(1).rsv() | frames.get(1).opcode());
        assertEquals(0x80, (frames.get(2).fin() ? 0x80 : 0) | frames.get(2).rsv() | frames.get(2).opcode());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void staticEncodeWritesOnceForManyConnectionsIntoAnExactlySizedBuffer() {
        TextFrame frame = new TextFrame("Hello");
        ByteBuf encoded = FrameEncoder.encode(ByteBufAllocator.DEFAULT, frame);
        assertEquals(0, frame.refCnt(), "the frame is released");
        assertEquals("81 05 48 65 6c 6c 6f", Hex.of(encoded));
        assertEquals(7, encoded.capacity());
        List<EmbeddedChannel> channels = List.of(encoder(FrameConfig.SERVER_DEFAULT),
            encoder(FrameConfig.SERVER_DEFAULT));
        for (EmbeddedChannel ch : channels) {
            ByteBuf duplicate = encoded.retainedDuplicate();
            assertTrue(ch.writeOutbound(duplicate));
            ByteBuf out = ch.readOutbound();
            assertSame(duplicate, out);
            assertEquals("81 05 48 65 6c 6c 6f", Hex.of(out));
            out.release();
            assertFalse(ch.finishAndReleaseAll());
        }
        assertTrue(encoded.release());
    }

    @Test
    void staticEncodeOfALargeFrameIsUnmaskedAndMinimal() {
        ByteBuf payload = payload(65536, 4);
        byte[] content = bytesOf(payload);
        ByteBuf encoded = FrameEncoder.encode(ByteBufAllocator.DEFAULT, new BinaryFrame(payload));
        assertEquals(10 + 65536, encoded.capacity());
        WireFrame frame = WireFrame.read(encoded);
        assertFalse(frame.masked());
        assertEquals(8, frame.lengthBytes());
        assertArrayEquals(content, frame.payload());
        assertEquals(0, payload.refCnt());
        assertTrue(encoded.release());
    }

    @Test
    void section5_5_controlFramePayloadOver125IsRefusedAndReleased() {
        EmbeddedChannel ch = encoder(FrameConfig.SERVER_DEFAULT);
        // Only the package-private constructor can build such a frame.
        CloseFrame tooLong = new CloseFrame(Unpooled.buffer(126).writeShort(1000).writeZero(124));
        EncoderException e = assertThrows(EncoderException.class, () -> ch.writeOutbound(tooLong));
        assertTrue(e.getMessage().contains("exceeds 125"), e.getMessage());
        assertEquals(0, tooLong.refCnt());
        assertNull(ch.readOutbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {10, FrameEncoder.ZERO_COPY_THRESHOLD})
    void writeFutureSucceedsOnceTheFrameIsWritten(int length) {
        EmbeddedChannel ch = encoder(FrameConfig.SERVER_DEFAULT);
        ChannelFuture future = ch.writeAndFlush(new BinaryFrame(payload(length, 5)));
        assertTrue(future.isSuccess());
        assertNotNull(drainOutbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }
}
