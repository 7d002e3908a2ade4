package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static dev.nettyws.frame.TestChannels.accept;
import static dev.nettyws.frame.TestChannels.assertFails;
import static dev.nettyws.frame.TestChannels.assertFailsOnLastRead;
import static dev.nettyws.frame.TestChannels.assertReleased;
import static dev.nettyws.frame.TestChannels.client;
import static dev.nettyws.frame.TestChannels.payload;
import static dev.nettyws.frame.TestChannels.read;
import static dev.nettyws.frame.TestChannels.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame header (RFC 6455 §5.2): lengths, masking by role, reserved bits and opcodes, control frame rules. */
class FrameDecoderHeaderTest {

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void assertDecodesBinary(EmbeddedChannel ch, byte[] wire, byte[] expectedPayload) {
        accept(ch, wire);
        BinaryFrame frame = read(ch, BinaryFrame.class);
        assertTrue(frame.isFinal());
        assertEquals(0, frame.rsv());
        assertArrayEquals(expectedPayload, payload(frame));
        frame.release();
        assertNull(ch.readInbound());
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frame);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {0, 1, 125})
    void section5_2_sevenBitPayloadLength(int length) {
        byte[] payload = randomBytes(length, length);
        byte[] wire = FrameBytes.binary(payload).mask(KEY).bytes();
        assertEquals(2 + 4 + length, wire.length);
        assertDecodesBinary(server(), wire, payload);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {126, 127, 1000, 65535})
    void section5_2_sixteenBitPayloadLength(int length) {
        byte[] payload = randomBytes(length, length);
        byte[] wire = FrameBytes.binary(payload).mask(KEY).bytes();
        assertEquals(126, wire[1] & 0x7F);
        assertDecodesBinary(server(), wire, payload);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {65536, 65537, 200_000})
    void section5_2_sixtyFourBitPayloadLength(int length) {
        byte[] payload = randomBytes(length, length);
        byte[] wire = FrameBytes.binary(payload).mask(KEY).bytes();
        assertEquals(127, wire[1] & 0x7F);
        assertDecodesBinary(server(), wire, payload);
    }

    @ParameterizedTest(name = "length {0} in a 16-bit field")
    @ValueSource(ints = {0, 1, 125})
    void section5_2_minimalLengthEncoding_nonMinimalSixteenBitLengthIsProtocolError(int length) {
        byte[] wire = FrameBytes.binary(new byte[length]).lengthBytes(2).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("non-minimal 16-bit payload length", e.getMessage());
    }

    @ParameterizedTest(name = "length {0} in a 64-bit field")
    @ValueSource(ints = {0, 125, 126, 65535})
    void section5_2_minimalLengthEncoding_nonMinimalSixtyFourBitLengthIsProtocolError(int length) {
        byte[] wire = FrameBytes.binary(new byte[length]).lengthBytes(8).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("non-minimal 64-bit payload length", e.getMessage());
    }

    @ParameterizedTest(name = "length 0x{0}")
    @ValueSource(strings = {"8000000000000000", "8000000000010000", "ffffffffffffffff"})
    void section5_2_sixtyFourBitLengthWithMostSignificantBitSetIsProtocolError(String hexLength) {
        // Only the header: the decoder must not wait for a payload it could never accept.
        byte[] header = FrameBytes.binary(new byte[0]).declaredLength(Long.parseUnsignedLong(hexLength, 16))
            .lengthBytes(8).mask(KEY).bytes();
        assertEquals(14, header.length);
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, header);
        assertEquals("64-bit payload length with the top bit set", e.getMessage());
    }

    @ParameterizedTest(name = "announced {0} bytes")
    @ValueSource(longs = {(1 << 20) + 1, 1L << 31, 1L << 40, Long.MAX_VALUE})
    void frameAboveMaxFramePayloadLength_fails1009OnTheHeaderAloneBeforeThePayloadIsSent(long announced) {
        // The default limit is 1 MiB; the payload is never sent.
        byte[] header = FrameBytes.binary(new byte[0]).declaredLength(announced).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.MESSAGE_TOO_BIG, header);
        assertEquals("frame payload exceeds 1048576", e.getMessage());
    }

    @Test
    void frameAboveMaxFramePayloadLength_sixteenBitLength_fails1009() {
        FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder().maxLength(1000).build();
        byte[] header = FrameBytes.text(new byte[0]).declaredLength(1001).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(TestChannels.channel(config), CloseStatus.MESSAGE_TOO_BIG, header);
        assertEquals("frame payload exceeds 1000", e.getMessage());
    }

    @Test
    void frameAboveMaxFramePayloadLength_clientRole_fails1009() {
        byte[] header = FrameBytes.binary(new byte[0]).declaredLength((1 << 20) + 1).bytes();
        assertFails(client(), CloseStatus.MESSAGE_TOO_BIG, header);
    }

    @Test
    void frameOfExactlyMaxFramePayloadLength_isAccepted() {
        FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder().maxLength(1000).build();
        byte[] payload = randomBytes(1000, 7);
        assertDecodesBinary(TestChannels.channel(config), FrameBytes.binary(payload).mask(KEY).bytes(), payload);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x1, 0x2, 0x8, 0x9, 0xA})
    void section5_1_serverFailsOnUnmaskedFrame(int opcode) {
        byte[] wire = FrameBytes.frame(opcode).payload(FrameBytes.utf8("ab")).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("unmasked frame from client", e.getMessage());
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x1, 0x2, 0x8, 0x9, 0xA})
    void section5_1_clientFailsOnMaskedFrame(int opcode) {
        byte[] wire = FrameBytes.frame(opcode).payload(FrameBytes.utf8("ab")).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(client(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("masked frame from server", e.getMessage());
    }

    @Test
    void section5_1_maskingRuleIsCheckedOnTheFirstTwoBytes() {
        // An unmasked header announcing a large payload: the server must not wait for the length field.
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, new byte[] {(byte) 0x82,
            0x7F});
        assertEquals("unmasked frame from client", e.getMessage());
    }

    @ParameterizedTest(name = "rsv 0x{0} on opcode {1}")
    @CsvSource({"40, 1", "20, 1", "10, 1", "70, 1", "40, 2", "20, 2", "10, 2", "40, 9", "20, 10", "10, 8"})
    void section5_2_nonZeroRsvWithoutNegotiatedExtensionIsProtocolError(String rsvHex, int opcode) {
        byte[] payload = opcode == 0x8 ? new byte[] {0x03, (byte) 0xE8} : FrameBytes.utf8("ab");
        byte[] wire = FrameBytes.frame(opcode).rsv(Integer.parseInt(rsvHex, 16)).payload(payload).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("reserved bits set without an extension", e.getMessage());
    }

    @Test
    void section5_2_nonZeroRsvOnContinuationWithoutExtensionIsProtocolError() {
        byte[] first = FrameBytes.text("a").fin(false).mask(KEY).bytes();
        byte[] second = FrameBytes.continuation(FrameBytes.utf8("b")).rsv(FrameBytes.RSV3).mask(KEY).bytes();
        EmbeddedChannel ch = server();
        ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.PROTOCOL_ERROR, first, second);
        assertEquals("reserved bits set without an extension", e.getMessage());
        read(ch, TextFrame.class).release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void section5_2_reservedOpcodeIsProtocolError(int opcode) {
        byte[] wire = FrameBytes.frame(opcode).payload(FrameBytes.utf8("ab")).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("reserved opcode " + opcode, e.getMessage());
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 11})
    void section5_2_reservedOpcodeIsRejectedFromTheFirstTwoBytes(int opcode) {
        byte[] header = FrameBytes.frame(opcode).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, Arrays.copyOf(header, 2));
        assertEquals("reserved opcode " + opcode, e.getMessage());
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void section5_5_controlFramePayloadOver125IsProtocolError(int opcode) {
        byte[] payload = new byte[126];
        payload[0] = 0x03;
        payload[1] = (byte) 0xE8;
        byte[] wire = FrameBytes.frame(opcode).payload(payload).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("control frame payload over 125 bytes", e.getMessage());
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void section5_5_controlFrameLengthIsCheckedOnTheFirstTwoBytes(int opcode) {
        byte[] header = FrameBytes.frame(opcode).declaredLength(126).mask(KEY).header();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, Arrays.copyOf(header, 2));
        assertEquals("control frame payload over 125 bytes", e.getMessage());
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void section5_5_fragmentedControlFrameIsProtocolError(int opcode) {
        byte[] wire = FrameBytes.frame(opcode).fin(false).payload(new byte[] {0x03, (byte) 0xE8}).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("fragmented control frame", e.getMessage());
    }

    @Test
    void section5_5_2_pingOf125BytesIsAccepted() {
        byte[] payload = randomBytes(125, 125);
        EmbeddedChannel ch = server();
        accept(ch, FrameBytes.ping(payload).mask(KEY).bytes());
        PingFrame ping = read(ch, PingFrame.class);
        assertArrayEquals(payload, payload(ping));
        ping.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(ping);
    }

    @Test
    void section5_5_3_pongIsDecoded() {
        EmbeddedChannel ch = server();
        accept(ch, FrameBytes.pong(FrameBytes.utf8("beat")).mask(KEY).bytes());
        PongFrame pong = read(ch, PongFrame.class);
        assertArrayEquals(FrameBytes.utf8("beat"), payload(pong));
        pong.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(pong);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x1, 0x2})
    void rfc7692_allowedRsv1OnFirstFrameOfDataMessageIsAccepted(int opcode) {
        FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder().allowedRsvBits(Frame.RSV1).build();
        EmbeddedChannel ch = TestChannels.channel(config);
        accept(ch, FrameBytes.frame(opcode).rsv(FrameBytes.RSV1).fin(false).payload(new byte[] {1, 2}).mask(KEY)
            .bytes());
        accept(ch, FrameBytes.continuation(new byte[] {3}).mask(KEY).bytes());
        Frame first = read(ch, Frame.class);
        assertEquals(opcode, first.opcode().code());
        assertEquals(Frame.RSV1, first.rsv());
        assertFalse(first.isFinal());
        ContinuationFrame second = read(ch, ContinuationFrame.class);
        assertEquals(0, second.rsv());
        assertTrue(second.isFinal());
        first.release();
        second.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(first, second);
    }

    @Test
    void rfc7692_allowedRsv1OnContinuationFrameIsProtocolError() {
        FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder().allowedRsvBits(Frame.RSV1).build();
        EmbeddedChannel ch = TestChannels.channel(config);
        byte[] first = FrameBytes.binary(new byte[] {1}).rsv(FrameBytes.RSV1).fin(false).mask(KEY).bytes();
        byte[] second = FrameBytes.continuation(new byte[] {2}).rsv(FrameBytes.RSV1).mask(KEY).bytes();
        ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.PROTOCOL_ERROR, first, second);
        assertEquals("extension bits on a continuation frame", e.getMessage());
        read(ch, BinaryFrame.class).release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void rfc7692_allowedRsv1OnControlFrameIsProtocolError(int opcode) {
        FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder().allowedRsvBits(Frame.RSV1).build();
        byte[] wire = FrameBytes.frame(opcode).rsv(FrameBytes.RSV1).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(TestChannels.channel(config), CloseStatus.PROTOCOL_ERROR, wire);
        assertTrue(e.getMessage().startsWith("extension bits on a "), e.getMessage());
    }

    @ParameterizedTest(name = "rsv 0x{0}")
    @ValueSource(strings = {"20", "10", "60"})
    void section5_2_rsvBitNotNegotiatedIsProtocolErrorEvenWhenAnotherIsAllowed(String rsvHex) {
        FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder().allowedRsvBits(Frame.RSV1).build();
        byte[] wire = FrameBytes.binary(new byte[] {1}).rsv(Integer.parseInt(rsvHex, 16)).mask(KEY).bytes();
        ProtocolViolationException e = assertFails(TestChannels.channel(config), CloseStatus.PROTOCOL_ERROR, wire);
        assertEquals("reserved bits set without an extension", e.getMessage());
    }

    @Test
    void payloadIsASliceOfTheInputUnmaskedInPlaceNotACopy() {
        byte[] array = FrameBytes.binary(FrameBytes.utf8("zero-copy payload")).mask(KEY).bytes();
        ByteBuf input = Unpooled.wrappedBuffer(array);
        EmbeddedChannel ch = server();
        ch.writeInbound(input);
        BinaryFrame frame = read(ch, BinaryFrame.class);
        ByteBuf content = frame.content();
        assertTrue(content.hasArray());
        assertSame(array, content.array(), "the payload must share the input's memory");
        assertEquals(6, content.arrayOffset() + content.readerIndex(), "the payload starts after the header");
        assertEquals("zero-copy payload", new String(array, 6, array.length - 6, StandardCharsets.US_ASCII),
            "unmasked in place");
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
        assertEquals(0, input.refCnt());
        assertReleased(frame);
    }

    @Test
    void readOnlyInputIsCopiedBeforeUnmasking() {
        byte[] array = FrameBytes.binary(FrameBytes.utf8("read-only")).mask(KEY).bytes();
        byte[] original = array.clone();
        ByteBuf input = Unpooled.wrappedBuffer(array).asReadOnly();
        EmbeddedChannel ch = server();
        ch.writeInbound(input);
        BinaryFrame frame = read(ch, BinaryFrame.class);
        assertArrayEquals(FrameBytes.utf8("read-only"), payload(frame));
        assertArrayEquals(original, array, "read-only input must not be modified");
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
        assertEquals(0, input.refCnt());
        assertReleased(frame);
    }

    @Test
    void zeroMaskingKeyLeavesThePayloadAsIs() {
        byte[] payload = randomBytes(40, 40);
        assertDecodesBinary(server(), FrameBytes.binary(payload).mask(0).bytes(), payload);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0x1, 0x2, 0x9, 0xA})
    void emptyPayloadIsDecoded(int opcode) {
        EmbeddedChannel ch = server();
        accept(ch, FrameBytes.frame(opcode).mask(KEY).bytes());
        Frame frame = read(ch, Frame.class);
        assertEquals(opcode, frame.opcode().code());
        assertEquals(0, frame.content().readableBytes());
        frame.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void manyFramesInOneReadAreAllDecoded() {
        byte[][] frames = new byte[20][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = FrameBytes.binary(randomBytes(i * 13, i)).mask(KEY + i).bytes();
        }
        EmbeddedChannel ch = server();
        accept(ch, frames);
        for (int i = 0; i < frames.length; i++) {
            BinaryFrame frame = read(ch, BinaryFrame.class);
            assertArrayEquals(randomBytes(i * 13, i), payload(frame));
            frame.release();
        }
        assertFalse(ch.finishAndReleaseAll());
    }
}
