package dev.nettyws.frame;

import static dev.nettyws.frame.TestChannels.KEY;
import static dev.nettyws.frame.TestChannels.accept;
import static dev.nettyws.frame.TestChannels.assertFails;
import static dev.nettyws.frame.TestChannels.assertFailsOnLastRead;
import static dev.nettyws.frame.TestChannels.assertReleased;
import static dev.nettyws.frame.TestChannels.payload;
import static dev.nettyws.frame.TestChannels.read;
import static dev.nettyws.frame.TestChannels.readAll;
import static dev.nettyws.frame.TestChannels.releaseAll;
import static dev.nettyws.frame.TestChannels.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nettyws.testsupport.FrameBytes;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Fragmented messages (RFC 6455 §5.4) and the message length limit. */
class FrameDecoderFragmentationTest {

    private static byte[] text(String text, boolean fin) {
        return FrameBytes.text(text).fin(fin).mask(KEY).bytes();
    }

    private static byte[] continuation(String text, boolean fin) {
        return FrameBytes.continuation(FrameBytes.utf8(text)).fin(fin).mask(KEY).bytes();
    }

    private static byte[] binary(int length, boolean fin) {
        return FrameBytes.binary(new byte[length]).fin(fin).mask(KEY).bytes();
    }

    private static byte[] binaryContinuation(int length, boolean fin) {
        return FrameBytes.continuation(new byte[length]).fin(fin).mask(KEY).bytes();
    }

    private static FrameConfig limits(int maxFrame, int maxMessage) {
        return FrameConfig.SERVER_DEFAULT.toBuilder().maxFramePayloadLength(maxFrame).maxMessageLength(maxMessage)
            .build();
    }

    @Test
    void section5_4_fragmentedTextMessageIsDeliveredAsTextThenContinuations() {
        EmbeddedChannel ch = server();
        accept(ch, text("He", false), continuation("l", false), continuation("lo", true));
        List<Frame> frames = readAll(ch);
        assertEquals(3, frames.size());
        assertInstanceOf(TextFrame.class, frames.get(0));
        assertInstanceOf(ContinuationFrame.class, frames.get(1));
        assertInstanceOf(ContinuationFrame.class, frames.get(2));
        assertFalse(frames.get(0).isFinal());
        assertFalse(frames.get(1).isFinal());
        assertTrue(frames.get(2).isFinal());
        assertEquals("He", new String(payload(frames.get(0))));
        assertEquals("l", new String(payload(frames.get(1))));
        assertEquals("lo", new String(payload(frames.get(2))));
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void section5_4_fragmentedBinaryMessageIsDelivered() {
        EmbeddedChannel ch = server();
        accept(ch, binary(3, false));
        accept(ch, binaryContinuation(0, false));
        accept(ch, binaryContinuation(200, true));
        List<Frame> frames = readAll(ch);
        assertEquals(3, frames.size());
        assertInstanceOf(BinaryFrame.class, frames.get(0));
        assertEquals(200, frames.get(2).content().readableBytes());
        assertTrue(frames.get(2).isFinal());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @ParameterizedTest(name = "fin={0}")
    @ValueSource(booleans = {true, false})
    void section5_4_continuationWithoutStartedMessageIsProtocolError(boolean fin) {
        ProtocolViolationException e = assertFails(server(), CloseStatus.PROTOCOL_ERROR, continuation("x", fin));
        assertEquals("continuation frame without a message to continue", e.getMessage());
    }

    @Test
    void section5_4_continuationAfterFinishedMessageIsProtocolError() {
        EmbeddedChannel ch = server();
        assertFailsOnLastRead(ch, CloseStatus.PROTOCOL_ERROR, text("a", false), continuation("b", true),
            continuation("c", true));
        releaseAll(readAll(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @ParameterizedTest(name = "opcode {0}, fin={1}")
    @CsvSource({"1, true", "1, false", "2, true", "2, false"})
    void section5_4_newDataFrameInsideFragmentedMessageIsProtocolError(int opcode, boolean fin) {
        EmbeddedChannel ch = server();
        byte[] intruder = FrameBytes.frame(opcode).fin(fin).payload(new byte[] {'x'}).mask(KEY).bytes();
        ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.PROTOCOL_ERROR, text("a", false),
            intruder);
        assertEquals("new data frame inside a fragmented message", e.getMessage());
        read(ch, TextFrame.class).release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void section5_4_controlFramesMayBeInjectedInTheMiddleOfAFragmentedMessage() {
        EmbeddedChannel ch = server();
        accept(ch, text("Hel", false), FrameBytes.ping(FrameBytes.utf8("p")).mask(KEY).bytes(),
            continuation("l", false), FrameBytes.pong(new byte[0]).mask(KEY).bytes(), continuation("o", true));
        List<Frame> frames = readAll(ch);
        assertEquals(5, frames.size());
        assertInstanceOf(TextFrame.class, frames.get(0));
        assertInstanceOf(PingFrame.class, frames.get(1));
        assertInstanceOf(ContinuationFrame.class, frames.get(2));
        assertInstanceOf(PongFrame.class, frames.get(3));
        assertInstanceOf(ContinuationFrame.class, frames.get(4));
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void section5_5_1_closeInTheMiddleOfAFragmentedMessageIsDeliveredAndEndsDecoding() {
        EmbeddedChannel ch = server();
        accept(ch, text("Hel", false), FrameBytes.close(1000, "").mask(KEY).bytes(), continuation("lo", true));
        TextFrame first = read(ch, TextFrame.class);
        CloseFrame close = read(ch, CloseFrame.class);
        assertEquals(1000, close.statusCode());
        assertNull(ch.readInbound());
        first.release();
        close.release();
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(first, close);
    }

    @Test
    void messageOfExactlyMaxMessageLengthAcrossFragmentsIsAccepted() {
        EmbeddedChannel ch = TestChannels.channel(limits(100, 250));
        accept(ch, binary(100, false), binaryContinuation(100, false), binaryContinuation(50, true));
        List<Frame> frames = readAll(ch);
        assertEquals(3, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void messageAboveMaxMessageLengthFails1009OnTheHeaderOfTheFragmentThatExceedsIt() {
        EmbeddedChannel ch = TestChannels.channel(limits(100, 250));
        // The third fragment is announced but never sent: the header alone must fail the connection.
        byte[] header = FrameBytes.continuation(new byte[0]).declaredLength(51).mask(KEY).bytes();
        ProtocolViolationException e = assertFailsOnLastRead(ch, CloseStatus.MESSAGE_TOO_BIG, binary(100, false),
            binaryContinuation(100, false), header);
        assertEquals("message exceeds 250", e.getMessage());
        List<Frame> frames = readAll(ch);
        assertEquals(2, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void maxMessageLengthIsCountedPerMessage() {
        EmbeddedChannel ch = TestChannels.channel(limits(100, 150));
        for (int i = 0; i < 5; i++) {
            accept(ch, binary(100, false), binaryContinuation(50, true));
        }
        List<Frame> frames = readAll(ch);
        assertEquals(10, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void controlFramesBetweenFragmentsDoNotCountTowardsMessageLength() {
        EmbeddedChannel ch = TestChannels.channel(limits(125, 150));
        accept(ch, binary(100, false), FrameBytes.ping(new byte[125]).mask(KEY).bytes(), binaryContinuation(50, true));
        List<Frame> frames = readAll(ch);
        assertEquals(3, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void emptyFragmentsAreAllowed() {
        EmbeddedChannel ch = server();
        accept(ch, text("", false), continuation("", false), continuation("ok", false), continuation("", true));
        List<Frame> frames = readAll(ch);
        assertEquals(4, frames.size());
        assertTrue(frames.get(3).isFinal());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void aNewMessageMayStartAfterTheFinalFragment() {
        EmbeddedChannel ch = server();
        accept(ch, text("a", false), continuation("b", true), binary(2, true), text("c", true));
        List<Frame> frames = readAll(ch);
        assertEquals(4, frames.size());
        assertInstanceOf(BinaryFrame.class, frames.get(2));
        assertInstanceOf(TextFrame.class, frames.get(3));
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void binaryMessagesAreNotValidatedAsUtf8() {
        EmbeddedChannel ch = server();
        byte[] notUtf8 = {(byte) 0xFF, (byte) 0xC0, (byte) 0x80, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        accept(ch, FrameBytes.binary(notUtf8).fin(false).mask(KEY).bytes(),
            FrameBytes.continuation(new byte[] {(byte) 0xE2}).mask(KEY).bytes());
        List<Frame> frames = readAll(ch);
        assertArrayEquals(notUtf8, payload(frames.get(0)));
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void validateUtf8DisabledAcceptsInvalidText() {
        EmbeddedChannel ch = TestChannels.channel(FrameConfig.SERVER_DEFAULT.toBuilder().validateUtf8(false).build());
        accept(ch, FrameBytes.text(new byte[] {(byte) 0xFF}).fin(false).mask(KEY).bytes(),
            FrameBytes.continuation(new byte[] {(byte) 0xE2}).mask(KEY).bytes());
        List<Frame> frames = readAll(ch);
        assertEquals(2, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }

    @Test
    void rfc7692_textMessageWithExtensionBitIsLeftToTheExtensionToValidate() {
        // With permessage-deflate the payload is compressed: UTF-8 can only be checked after inflating.
        FrameConfig config = FrameConfig.SERVER_DEFAULT.toBuilder().allowedRsvBits(Frame.RSV1).build();
        EmbeddedChannel ch = TestChannels.channel(config);
        accept(ch, FrameBytes.text(new byte[] {(byte) 0xFF}).rsv(FrameBytes.RSV1).fin(false).mask(KEY).bytes(),
            FrameBytes.continuation(new byte[] {(byte) 0xC0}).mask(KEY).bytes());
        // ... but the next, uncompressed, text message is validated again.
        assertFails(ch, CloseStatus.INVALID_PAYLOAD_DATA, FrameBytes.text(new byte[] {(byte) 0xFF}).mask(KEY)
            .bytes());
        List<Frame> frames = readAll(ch);
        assertEquals(2, frames.size());
        releaseAll(frames);
        assertFalse(ch.finishAndReleaseAll());
        assertReleased(frames);
    }
}
